"""The dashboards' query layer on Snowflake: the same read functions, through the real connector on fakesnow."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import fakesnow
import pytest
import snowflake.connector

from xo_core.credentials import Connection
from xo_lens.query import agent_daily, agents, date_span
from xo_lens.readers import SnowflakeReader

DB = "WBP_DB"


@pytest.fixture
def snowflake_gold() -> Iterator[SnowflakeReader]:
    with fakesnow.patch():

        def connect(connection: Connection, database: str) -> snowflake.connector.SnowflakeConnection:
            return snowflake.connector.connect(
                user=connection.login, password=connection.password, account="xo", database=database,
                paramstyle="qmark",
            )  # fmt: skip

        setup = snowflake.connector.connect(user="u", password="p", account="xo")
        cursor = setup.cursor()
        cursor.execute(f"CREATE DATABASE {DB}")
        cursor.execute(f"CREATE SCHEMA {DB}.GOLD")
        # dbt-snowflake creates the model unquoted, so Snowflake stores its name in UPPERCASE.
        cursor.execute(
            f"CREATE TABLE {DB}.GOLD.rpt_agent_dashboard (ACTIVITY_DATE DATE, AGENT_ID VARCHAR, AGENT_NAME VARCHAR,"
            " TEAM VARCHAR, CONTACTS_HANDLED NUMBER, HANDLE_TIME_SEC NUMBER, HANDLE_TIME_PER_CONTACT_SEC FLOAT,"
            " AVG_FIRST_RESPONSE_SEC FLOAT)"
        )
        cursor.execute(
            f"INSERT INTO {DB}.GOLD.rpt_agent_dashboard VALUES"
            " ('2025-01-14', 'a1', 'Ada Lovelace', 'Orders', 12, 7200, 600.0, 90.0),"
            " ('2025-01-15', 'a1', 'Ada Lovelace', 'Orders', 10, 5000, 500.0, 80.0),"
            " ('2025-01-15', 'b2', NULL, 'Returns', 4, 1200, 300.0, 60.0)"
        )
        setup.close()
        yield SnowflakeReader(connection=Connection("snowflake_prod", login="reader", password="pw"), connect=connect)


def test_the_same_read_functions_answer_from_snowflake(snowflake_gold: SnowflakeReader) -> None:
    assert date_span(snowflake_gold, DB, "RPT_AGENT_DASHBOARD", "ACTIVITY_DATE") is not None
    labels = agents(snowflake_gold, DB)
    assert sorted(labels["LABEL"]) == ["Ada Lovelace", "b2"]
    day = agent_daily(snowflake_gold, DB, date(2025, 1, 15), date(2025, 1, 15))
    assert sorted(zip(day["AGENT_ID"], day["CONTACTS_HANDLED"], strict=True)) == [("a1", 10), ("b2", 4)]
    one = agent_daily(snowflake_gold, DB, date(2025, 1, 14), date(2025, 1, 15), agent_ids=["a1"])
    assert sum(one["CONTACTS_HANDLED"]) == 22
