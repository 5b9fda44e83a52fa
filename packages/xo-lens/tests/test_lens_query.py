"""The query layer against a real small DuckDB warehouse: the rows come back as stored, filters filter."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import duckdb
import pytest
from conftest import AGENT_DAYS, CND, D1, D2, D3, NOW, WBP, LensWarehouse

from xo_core.environment import environment
from xo_lens import query
from xo_lens.readers import DuckDBReader, NoDataError, reader_for


def test_agent_daily_returns_the_stored_rows_with_a_label_for_agents_off_the_roster(lens_warehouse: LensWarehouse):
    frame = query.agent_daily(DuckDBReader(lens_warehouse.home), WBP, D1, D3)
    assert len(frame) == len(AGENT_DAYS)
    assert frame["CONTACTS_HANDLED"].sum() == sum(row[2] for row in AGENT_DAYS)
    labels = set(frame["AGENT_LABEL"])
    assert labels == {"Ada Lovelace", "Grace Hopper", "a-3"}


def test_agent_daily_filters_by_date_range_and_agents(lens_warehouse: LensWarehouse):
    reader = DuckDBReader(lens_warehouse.home)
    one_day = query.agent_daily(reader, WBP, D2, D2)
    assert sorted(one_day["AGENT_ID"]) == ["a-1", "a-2", "a-3"]
    assert one_day["CONTACTS_HANDLED"].sum() == 12 + 6 + 3
    ada = query.agent_daily(reader, WBP, D1, D3, ["a-1"])
    assert list(ada["CONTACTS_HANDLED"]) == [10, 12, 8]
    assert query.agent_daily(reader, WBP, D3 + timedelta(days=1), D3 + timedelta(days=9)).empty


def test_agents_and_date_span(lens_warehouse: LensWarehouse):
    reader = DuckDBReader(lens_warehouse.home)
    assert query.date_span(reader, WBP, query.AGENT_DASHBOARD, "ACTIVITY_DATE") == query.DateSpan(D1, D3)
    agents = query.agents(reader, WBP)
    assert dict(zip(agents["AGENT_ID"], agents["LABEL"], strict=True)) == {
        "a-1": "Ada Lovelace",
        "a-2": "Grace Hopper",
        "a-3": "a-3",
    }


def test_email_daily_keeps_columns_the_model_adds(lens_warehouse: LensWarehouse):
    frame = query.email_daily(DuckDBReader(lens_warehouse.home), CND, D1, D1)
    assert list(frame["EMAIL_CONVERSATIONS"]) == [250]
    assert list(frame["EMAIL_REOPENED"]) == [5]


def test_last_loads_flags_stale_tables_and_failures(lens_warehouse: LensWarehouse):
    loads = query.last_loads(DuckDBReader(lens_warehouse.home), [WBP, CND, "CORE_DB_DEV"], now=NOW)
    by_table = {row["TABLE_NAME"]: row for row in loads.to_dict("records")}
    assert set(by_table) == {
        "BRONZE.GLADLY_CONTACT_TIMESTAMPS",
        "BRONZE.SHEETS_AGENT_ROSTER",
        "BRONZE.GLADLY_WORK_SESSIONS",
        "BRONZE.GLADLY_CONVERSATIONS",
    }
    fresh = by_table["BRONZE.GLADLY_CONTACT_TIMESTAMPS"]
    assert (fresh["STATUS"], fresh["ROWS_LOADED"], fresh["AGE_HOURS"], fresh["STALE"]) == (
        "SUCCEEDED",
        1200,
        2.0,
        False,
    )
    roster = by_table["BRONZE.SHEETS_AGENT_ROSTER"]
    assert (roster["AGE_HOURS"], roster["STALE"]) == (50.0, True)
    # The last attempt failed; the table is still as fresh as its last success, 5 h ago.
    sessions = by_table["BRONZE.GLADLY_WORK_SESSIONS"]
    assert (sessions["STATUS"], sessions["AGE_HOURS"], sessions["STALE"]) == ("FAILED", 5.0, False)
    assert sessions["ERROR"] == "row count 299 != expected 300"
    assert by_table["BRONZE.GLADLY_CONVERSATIONS"]["DATABASE"] == CND
    tighter = query.last_loads(DuckDBReader(lens_warehouse.home), [WBP], now=NOW, stale_after=timedelta(hours=4))
    assert sorted(tighter[tighter["STALE"]]["TABLE_NAME"]) == [
        "BRONZE.GLADLY_WORK_SESSIONS",
        "BRONZE.SHEETS_AGENT_ROSTER",
    ]


def test_an_empty_warehouse_raises_no_data(lens_empty_home: Path):
    reader = reader_for(environment())
    assert isinstance(reader, DuckDBReader)
    with pytest.raises(NoDataError):
        query.agent_daily(reader, WBP, D1, D3)
    with pytest.raises(NoDataError):
        query.last_loads(reader, query.client_databases(environment()))


def test_a_database_without_the_report_raises_no_data(lens_warehouse: LensWarehouse):
    with pytest.raises(NoDataError, match="RPT_EMAIL_DAILY"):
        query.email_daily(DuckDBReader(lens_warehouse.home), WBP, D1, D3)


def test_client_databases_follow_the_environment():
    assert query.client_databases(environment("local")) == ["WBP_DB_DEV", "CND_DB_DEV", "CORE_DB_DEV"]
    assert query.client_databases(environment("prod", environ={})) == ["WBP_DB", "CND_DB", "CORE_DB"]


def test_the_duckdb_reader_cannot_write(lens_warehouse: LensWarehouse):
    reader = reader_for(environment("local", home=lens_warehouse.home))
    with pytest.raises(duckdb.InvalidInputException, match="read-only"):
        reader.fetch(WBP, "DELETE FROM XO_META.LOAD_LEDGER")
    assert len(reader.fetch(WBP, "SELECT * FROM XO_META.LOAD_LEDGER")) == 4
