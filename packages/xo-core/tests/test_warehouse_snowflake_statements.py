"""The pure pieces of the Snowflake load: literals, stage paths, FORCE, and the COPY as sqlglot reads it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlglot
from sqlglot import exp

from xo_core.errors import ConfigError, LoadError
from xo_core.warehouse.base import LoadFile
from xo_core.warehouse.plan import FullRefreshPlan
from xo_core.warehouse.snowflake import SnowflakeWarehouse
from xo_core.warehouse.snowflake.literals import run_id_literal, string_literal, timestamp_tz_literal
from xo_core.warehouse.snowflake.stage import staged_files
from xo_core.warehouse.snowflake.statements import CSV_FILE_FORMAT, CopyMode, copy_force, copy_into_sql

URL = "s3://xo-stage/"


def plan(run_id: str = "run_1") -> FullRefreshPlan:
    start = datetime(2025, 1, 15, tzinfo=UTC)
    return FullRefreshPlan(
        database="DB",
        schema="BRONZE",
        table="T",
        columns=("A", "B"),
        files=(LoadFile(f"{URL}x/a.csv", 1, "x/a.csv"),),
        run_id=run_id,
        window_start=start,
        window_end=start + timedelta(days=1),
        load_id="l1",
        loaded_at=start,
    )


@pytest.mark.parametrize(
    ("value", "literal"),
    [("plain", "'plain'"), ("it's", "'it\\'s'"), ("a\\b", "'a\\\\b'"), ("\\'", "'\\\\\\''")],
)
def test_string_literal_escapes_backslash_then_quote(value: str, literal: str) -> None:
    assert string_literal(value) == literal
    parsed = sqlglot.parse_one(f"SELECT {literal}", read="snowflake").find(exp.Literal)
    assert parsed is not None and parsed.this == value  # Snowflake's reader gets the value back


def test_timestamps_are_rendered_in_utc_and_naive_ones_refused() -> None:
    local = datetime(2025, 1, 15, 9, 30, tzinfo=timezone(timedelta(hours=2)))
    assert timestamp_tz_literal(local) == "'2025-01-15 07:30:00.000000+00:00'::TIMESTAMP_TZ"
    with pytest.raises(ConfigError, match="timezone-aware"):
        timestamp_tz_literal(datetime(2025, 1, 15))


@pytest.mark.parametrize("run_id", ["x'); DROP TABLE T; --", "a\\b", "", "new\nline"])
def test_unsafe_run_ids_are_refused(run_id: str) -> None:
    with pytest.raises(ConfigError, match="run_id"):
        run_id_literal(run_id)


def test_files_share_the_deepest_common_folder() -> None:
    staged = staged_files(URL, [f"{URL}d/s/w/a.csv", f"{URL}d/s/w/sub/b.csv"], table="T")
    assert (staged.path, staged.names) == ("d/s/w/", ("a.csv", "sub/b.csv"))
    assert staged_files("s3://xo-stage/root", [f"{URL}root/a.csv"], table="T").names == ("a.csv",)
    assert staged_files(URL, [f"{URL}a.csv", f"{URL}b/c.csv"], table="T").path == ""


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("s3://other-bucket/d/a.csv", "not under the stage's URL"),
        (f"{URL}d/a b.csv", "must match"),
        (f"{URL}d/../a.csv", "must match"),
        (f"{URL}d//a.csv", "must match"),
    ],
)
def test_files_outside_the_stage_or_with_unsafe_paths_are_refused(uri: str, message: str) -> None:
    with pytest.raises(LoadError, match=message):
        staged_files(URL, [uri], table="T")


def test_force_only_where_the_same_transaction_truncates() -> None:
    assert copy_force(CopyMode.REPLACE) is True
    assert copy_force(CopyMode.APPEND) is False
    staged = staged_files(URL, [f"{URL}x/a.csv"], table="T")
    append = copy_into_sql(
        plan(), stage="DB.BRONZE.S", staged=staged, files=["a.csv"], file_format=None, mode=CopyMode.APPEND
    )
    assert "FORCE" not in append and append.endswith("ON_ERROR = ABORT_STATEMENT")


def test_copy_parses_as_snowflake_with_its_files_columns_and_options() -> None:
    staged = staged_files(URL, [f"{URL}x/a.csv", f"{URL}x/b's.csv".replace("'", "_")], table="T")
    sql = copy_into_sql(
        plan(),
        stage="DB.BRONZE.S",
        staged=staged,
        files=staged.names,
        file_format="DB.BRONZE.CSV_FMT",
        mode=CopyMode.REPLACE,
    )
    copy = sqlglot.parse_one(sql, read="snowflake")
    assert isinstance(copy, exp.Copy)
    select = copy.find(exp.Select)
    assert select is not None and len(select.expressions) == 8
    params = {p.this.name: p for p in copy.args["params"]}
    assert set(params) == {"FILES", "FILE_FORMAT", "ON_ERROR", "FORCE"}
    assert [lit.this for lit in params["FILES"].find_all(exp.Literal)] == ["a.csv", "b_s.csv"]
    assert "FORMAT_NAME = 'DB.BRONZE.CSV_FMT'" in sql


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"stage": "XO_STAGE", "stage_url": URL}, "fully qualified"),
        ({"stage": "db.bronze.stage", "stage_url": URL}, "must match"),
        ({"stage": "DB.BRONZE.S", "stage_url": "xo-stage"}, "s3://bucket/"),
        ({"stage": "DB.BRONZE.S", "stage_url": URL, "file_format": "CSV"}, "fully qualified"),
    ],
)
def test_bad_stage_settings_are_refused_at_construction(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        SnowflakeWarehouse(lambda: None, **kwargs)  # ty: ignore[invalid-argument-type]


def test_the_copy_options_that_decide_empty_versus_missing() -> None:
    """Snowflake's documented reading (create-file-format): with EMPTY_FIELD_AS_NULL = TRUE an empty unenclosed
    field (``a,,b``) is NULL and, with FIELD_OPTIONALLY_ENCLOSED_BY, an enclosed ``""`` is an empty string; an
    empty NULL_IF keeps ``\\N`` as text. DuckDB reads the same way (test_warehouse_duckdb_load.py)."""
    options = dict(re.findall(r"(\w+) = ('[^']*'|\(\)|\w+)", CSV_FILE_FORMAT))
    assert options["EMPTY_FIELD_AS_NULL"] == "TRUE"
    assert options["FIELD_OPTIONALLY_ENCLOSED_BY"] == "'\"'"
    assert options["NULL_IF"] == "()"
    assert options["ESCAPE_UNENCLOSED_FIELD"] == "NONE"
