"""A real data round trip through fakesnow (Snowflake emulated on DuckDB), in patch mode.

Everything but the COPY runs as the production statement: DDL, ledger, BEGIN, TRUNCATE, COMMIT, ROLLBACK.
fakesnow 0.12.1 cannot run our transformation COPY (``$n``, ``METADATA$...`` and the options ENCODING,
ESCAPE, ERROR_ON_COLUMN_COUNT_MISMATCH are unknown to it), so ``FakesnowCopy`` below rewrites each COPY
into one per file that fakesnow runs: ``$n`` → ``column{n-1}``, ``METADATA$FILENAME`` → the file's
stage-relative path as a literal, ``METADATA$FILE_ROW_NUMBER`` → ``ROW_NUMBER() OVER ()``, the file
format reduced to ``TYPE/SKIP_HEADER/FIELD_OPTIONALLY_ENCLOSED_BY/ESCAPE_UNENCLOSED_FIELD/NULL_IF``. The
literals (run id, timestamps), the column list, stage, FORCE and ON_ERROR pass through unchanged. The
production COPY text itself is asserted in test_warehouse_snowflake_load.py. The stage is an external
stage on a ``file://`` URL (no s3fs here for an S3 one).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import fakesnow
import pytest
import snowflake.connector
from snowflake.connector import SnowflakeConnection

from xo_core.errors import LoadError
from xo_core.warehouse.base import LoadFile, LoadRequest
from xo_core.warehouse.plan import FullRefreshPlan
from xo_core.warehouse.snowflake import SnowflakeWarehouse

DB = "SF_DB_DEV"
STAGE = f"{DB}.BRONZE.XO_STAGE"
FOLDER = "acme/gladly/full_refresh/2025-01-15/"
SIMPLE_FORMAT = "FILE_FORMAT = (TYPE = CSV SKIP_HEADER = 1 FIELD_OPTIONALLY_ENCLOSED_BY = '\"'"
SIMPLE_FORMAT += " ESCAPE_UNENCLOSED_FIELD = NONE NULL_IF = ())"


def fakesnow_copies(sql: str) -> list[str]:
    """Our one COPY as the per-file COPYs fakesnow can run (see the module docstring)."""
    match = re.fullmatch(
        r"(COPY INTO .*?) FROM \(SELECT (.*) FROM @(\S+?)/(\S*)\) FILES = \((.*?)\)"
        r" FILE_FORMAT = \(.*?\)(?= ON_ERROR)(.*)",
        sql,
    )
    assert match is not None, sql
    head, select, stage, path, files, tail = match.groups()
    select = re.sub(r"\$(\d+)\b", lambda m: f"column{int(m.group(1)) - 1}", select)
    select = select.replace("METADATA$FILE_ROW_NUMBER", "ROW_NUMBER() OVER ()")
    return [
        f"{head} FROM (SELECT {select.replace('METADATA$FILENAME', repr(path + name))} FROM @{stage}/{path})"
        f" FILES = ('{name}') {SIMPLE_FORMAT}{tail}"
        for name in re.findall(r"'([^']*)'", files)
    ]


class FakesnowCopyCursor:
    """A fakesnow cursor whose COPY is rewritten by ``fakesnow_copies``; the result rows are fakesnow's."""

    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor
        self._rows: list[Any] | None = None
        self.description: Any = None

    @property
    def sfqid(self) -> str | None:
        return self._cursor.sfqid

    def execute(self, command: str, params: Sequence[Any] | None = None) -> object:
        self._rows = None
        if not command.startswith("COPY INTO"):
            self._cursor.execute(command, params)
            self.description = self._cursor.description
            return self
        rows: list[Any] = []
        for copy in fakesnow_copies(command):
            self._cursor.execute(copy)
            rows += self._cursor.fetchall()
        self.description, self._rows = self._cursor.description, rows
        return self

    def fetchall(self) -> list[Any]:
        return self._rows if self._rows is not None else self._cursor.fetchall()


class FakesnowCopyConnection:
    def __init__(self, connection: SnowflakeConnection) -> None:
        self.connection = connection

    def cursor(self) -> FakesnowCopyCursor:
        return FakesnowCopyCursor(self.connection.cursor())

    def autocommit(self, mode: bool) -> None:
        self.connection.autocommit(mode)

    def close(self) -> None:
        self.connection.close()


def connect() -> SnowflakeConnection:
    return snowflake.connector.connect(database=DB, schema="BRONZE", paramstyle="qmark")


@pytest.fixture
def sf_stage(tmp_path: Path) -> Iterator[Path]:
    """fakesnow patched in, with the external stage on a local folder; yields the stage's root folder."""
    root = tmp_path / "stage"
    (root / FOLDER).mkdir(parents=True)
    with fakesnow.patch():
        conn = connect()
        conn.cursor().execute(f"CREATE STAGE {STAGE} URL = '{root.as_uri()}/'")
        yield root
        conn.close()


def write(root: Path, name: str, text: str, rows: int = 1) -> LoadFile:
    (root / FOLDER / name).write_text(text, encoding="utf-8")
    return LoadFile(f"{root.as_uri()}/{FOLDER}{name}", rows, f"{FOLDER}{name}")


def request(files: list[LoadFile], run_id: str) -> LoadRequest:
    return LoadRequest(
        database=DB,
        schema="BRONZE",
        table="GLADLY_CONTACTS",
        columns=["CONTACT_ID", "NOTE"],
        files=files,
        run_id=run_id,
        window_start=datetime(2025, 1, 15, tzinfo=UTC),
        window_end=datetime(2025, 1, 16, tzinfo=UTC),
    )


def warehouse(root: Path, after_truncate: Any = None) -> SnowflakeWarehouse:
    return SnowflakeWarehouse(
        lambda: FakesnowCopyConnection(connect()),
        stage=STAGE,
        stage_url=f"{root.as_uri()}/",
        after_truncate=after_truncate,
    )


def table_rows() -> list[tuple[Any, ...]]:
    conn = connect()  # a new connection: sees only committed rows
    try:
        cursor = conn.cursor()
        cursor.execute(
            f'SELECT CONTACT_ID, NOTE, _XO_SOURCE_FILE, _XO_FILE_ROW_NUMBER, _XO_RUN_ID FROM "{DB}"."BRONZE"'
            '."GLADLY_CONTACTS" ORDER BY _XO_SOURCE_FILE, _XO_FILE_ROW_NUMBER'
        )
        return [tuple(r) for r in cursor.fetchall()]
    finally:
        conn.close()


def test_rows_are_visible_after_commit_with_their_metadata(sf_stage: Path) -> None:
    a = write(sf_stage, "a.csv", 'Contact Id,Note\nc-1,"multi\nline, quoted"\nc-2,\n', rows=2)
    b = write(sf_stage, "b.csv", 'Contact Id,Note\nc-3,"say ""hi"""\n')
    result = warehouse(sf_stage).load_full_refresh(request([a, b], "manual__2025-01-15T00:00:00+00:00"))

    assert result.rows_loaded == 3
    run = "manual__2025-01-15T00:00:00+00:00"
    assert table_rows() == [
        ("c-1", "multi\nline, quoted", a.source_key, 1, run),
        ("c-2", None, a.source_key, 2, run),
        ("c-3", 'say "hi"', b.source_key, 1, run),
    ]
    (row,) = warehouse(sf_stage).ledger_rows(DB, "GLADLY_CONTACTS")
    assert (row.status, row.rows_loaded, row.files) == ("SUCCEEDED", 3, [a.source_key, b.source_key])
    assert len(row.query_ids) >= 9 and row.started_at == result.started_at


def test_failure_after_truncate_rolls_back_to_the_old_rows_unseen_by_others(sf_stage: Path) -> None:
    old = write(sf_stage, "a.csv", "Contact Id,Note\nc-1,old\n")
    warehouse(sf_stage).load_full_refresh(request([old], "run_1"))
    seen_during: list[list[tuple[Any, ...]]] = []

    def fail_after_truncate(plan: FullRefreshPlan) -> None:
        seen_during.append(table_rows())  # another connection, while the TRUNCATE is uncommitted
        raise RuntimeError("worker lost")

    new = write(sf_stage, "b.csv", "Contact Id,Note\nc-9,new\n")
    with pytest.raises(LoadError, match=r"SF_DB_DEV\.BRONZE\.GLADLY_CONTACTS: .*worker lost"):
        warehouse(sf_stage, fail_after_truncate).load_full_refresh(request([new], "run_2"))

    assert seen_during == [[("c-1", "old", old.source_key, 1, "run_1")]]
    assert table_rows() == [("c-1", "old", old.source_key, 1, "run_1")]
    statuses = [(r.run_id, r.status) for r in warehouse(sf_stage).ledger_rows(DB)]
    assert statuses == [("run_1", "SUCCEEDED"), ("run_2", "FAILED")]


def test_a_missing_file_fails_the_copy_and_keeps_the_old_rows(sf_stage: Path) -> None:
    old = write(sf_stage, "a.csv", "Contact Id,Note\nc-1,old\n")
    warehouse(sf_stage).load_full_refresh(request([old], "run_1"))
    missing = LoadFile(f"{sf_stage.as_uri()}/{FOLDER}gone.csv", 1, f"{FOLDER}gone.csv")

    with pytest.raises(LoadError, match=r"SF_DB_DEV\.BRONZE\.GLADLY_CONTACTS"):
        warehouse(sf_stage).load_full_refresh(request([old, missing], "run_2"))

    assert table_rows() == [("c-1", "old", old.source_key, 1, "run_1")]


def test_a_new_column_is_added_and_old_rows_get_null(sf_stage: Path) -> None:
    first = write(sf_stage, "a.csv", "Contact Id,Note\nc-1,x\n")
    warehouse(sf_stage).load_full_refresh(request([first], "run_1"))
    wider = write(sf_stage, "b.csv", "Contact Id,Note,Channel\nc-2,y,email\n")
    wide = dataclasses.replace(request([wider], "run_2"), columns=["CONTACT_ID", "NOTE", "CHANNEL"])
    warehouse(sf_stage).load_full_refresh(wide)

    conn = connect()
    cursor = conn.cursor()
    cursor.execute(f'SELECT CONTACT_ID, CHANNEL FROM "{DB}"."BRONZE"."GLADLY_CONTACTS"')
    assert cursor.fetchall() == [("c-2", "email")]
    conn.close()


def test_ensure_database_creates_the_four_schemas_through_the_real_connector_type(sf_stage: Path) -> None:
    plain = SnowflakeWarehouse(connect, stage=STAGE, stage_url=f"{sf_stage.as_uri()}/")  # no COPY: no rewrite
    plain.ensure_database(DB)
    assert plain.ledger_rows(DB) == []

    conn = connect()
    cursor = conn.cursor()
    cursor.execute(f"SELECT SCHEMA_NAME FROM {DB}.INFORMATION_SCHEMA.SCHEMATA ORDER BY SCHEMA_NAME")
    assert {"BRONZE", "SILVER", "GOLD", "XO_META"} <= {row[0] for row in cursor.fetchall()}
    conn.close()
