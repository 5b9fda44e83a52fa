"""The dashboards' query layer on Snowflake: the same read functions, through the real connector on fakesnow."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import fakesnow
import pytest
import snowflake.connector

from xo_core.credentials import Connection
from xo_core.environment import environment
from xo_core.errors import CredentialError
from xo_lens.query import agent_daily, agents, column_drift, date_span
from xo_lens.readers import SnowflakeReader, reader_for

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
    # No ledger with a DRIFT column in this database (INFORMATION_SCHEMA.COLUMNS asked): no drift, no error.
    assert column_drift(snowflake_gold, [DB], since=datetime(2025, 1, 1, tzinfo=UTC)).empty


READER_URI = "snowflake://XO_LENS:reader-pw@/GOLD?account=xo&warehouse=XO_REPORTING_WH_DEV&role={role}"


def test_the_dashboards_read_through_the_reader_connection_and_its_role(monkeypatch: pytest.MonkeyPatch) -> None:
    # The loader's connection (write rights on BRONZE and the ledger) is there too: it must not be the one used.
    monkeypatch.setenv("AIRFLOW_CONN_SNOWFLAKE_DEV", READER_URI.format(role="XO_LOADER_DEV").replace("LENS", "LD"))
    monkeypatch.setenv("AIRFLOW_CONN_SNOWFLAKE_READER_DEV", READER_URI.format(role="XO_READER_DEV"))
    reader = reader_for(environment("dev", environ={"XO_ENV": "dev"}))
    assert isinstance(reader, SnowflakeReader)
    assert reader.key == "snowflake:snowflake_reader_dev"
    assert reader.settings(DB).role == "XO_READER_DEV" and reader.settings(DB).user == "XO_LENS"
    with fakesnow.patch():  # the real connector path (settings_from_connection, connector) on fakesnow
        setup = snowflake.connector.connect(user="u", password="p", account="xo")
        setup.cursor().execute(f"CREATE DATABASE {DB}")
        setup.close()
        assert reader.has_table(DB, "GOLD", "RPT_AGENT_DASHBOARD") is False


def test_a_reader_connection_with_another_role_is_refused_before_connecting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_SNOWFLAKE_READER_PROD", READER_URI.format(role="XO_LOADER"))
    reader = reader_for(environment("prod", environ={"XO_ENV": "prod"}))
    with pytest.raises(CredentialError, match=r"snowflake_reader_prod.*XO_LOADER.*XO_READER"):
        reader.fetch("WBP_DB", "SELECT 1")
