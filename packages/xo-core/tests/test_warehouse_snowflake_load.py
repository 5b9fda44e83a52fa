"""The exact statements a Snowflake load sends, through a recording fake of the connector's cursor.

No Snowflake runs here, so this is the one place a fake is right. It answers like Snowflake does: status
rows for DDL and DML, the ten-column per-file result for COPY, ``sfqid`` on every statement, and the connector's own
error classes (``ProgrammingError`` for a failed statement, ``OperationalError`` for a dropped connection).
Snowflake keeps a transaction open after a failed statement (docs.snowflake.com/en/sql-reference/transactions), so
these tests check that ROLLBACK is sent and COMMIT never is.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlglot
from snowflake.connector.errors import OperationalError, ProgrammingError

from xo_core.errors import LoadError
from xo_core.warehouse.base import LoadFile, LoadRequest
from xo_core.warehouse.snowflake import SnowflakeWarehouse

DB = "WBP_DB_DEV"
TABLE = f'"{DB}"."BRONZE"."GLADLY_CONTACTS"'
LEDGER = f'"{DB}"."XO_META"."LOAD_LEDGER"'
STAGE = f"{DB}.BRONZE.XO_STAGE"
STAGE_URL = "s3://xo-stage-dev/"
FOLDER = "warbyparker/gladly/full_refresh/2025-01-15/"
RUN_ID = "scheduled__2025-01-15T08:00:00+00:00"
COPY_COLUMNS = (
    '"CONTACT_ID", "CHANNEL", "_XO_SOURCE_FILE", "_XO_FILE_ROW_NUMBER", "_XO_LOADED_AT", "_XO_RUN_ID",'
    ' "_XO_WINDOW_START", "_XO_WINDOW_END"'
)
FILE_FORMAT = (
    "FILE_FORMAT = (TYPE = CSV FIELD_DELIMITER = ',' SKIP_HEADER = 1 FIELD_OPTIONALLY_ENCLOSED_BY = '\"'"
    " ESCAPE = NONE ESCAPE_UNENCLOSED_FIELD = NONE EMPTY_FIELD_AS_NULL = TRUE NULL_IF = () ENCODING = 'UTF8'"
    " ERROR_ON_COLUMN_COUNT_MISMATCH = TRUE)"
)
STATUS = [("status", 2, None, None, None, None, False)]
COPY_RESULT = [
    (name, 2, None, None, None, None, True)
    for name in ("file", "status", "rows_parsed", "rows_loaded", "error_limit", "errors_seen", "first_error")
] + [
    (name, 0, None, None, None, None, True)
    for name in ("first_error_line", "first_error_character", "first_error_column_name")
]


class RecordingCursor:
    """The part of ``SnowflakeCursor`` the load uses, answering as Snowflake would."""

    def __init__(self, connection: RecordingConnection) -> None:
        self._connection = connection
        self._rows: list[tuple[Any, ...]] = []
        self.description: list[tuple[Any, ...]] = []
        self.sfqid: str | None = None

    def execute(self, command: str, params: Sequence[Any] | None = None) -> object:
        conn = self._connection
        conn.statements.append(command)
        conn.params.append(list(params or []))
        if conn.gone:
            raise OperationalError(msg="Connection is closed", errno=251005)
        self.sfqid = f"01b2-{len(conn.statements):04d}"
        for prefix, error in conn.fail_on.items():
            if command.startswith(prefix):
                if isinstance(error, OperationalError):
                    conn.gone = True
                raise error
        if command.startswith("COPY INTO"):
            self.description, self._rows = COPY_RESULT, conn.copy_result(command)
        elif "INFORMATION_SCHEMA.COLUMNS" in command:
            schema, table = list(params or [])
            self.description = [("COLUMN_NAME", 2, None, None, None, None, False)]
            self._rows = [(c,) for c in conn.tables.get(f"{schema}.{table}", [])]
        else:
            self.description, self._rows = STATUS, [("Statement executed successfully.",)]
        return self

    def fetchall(self) -> list[Any]:
        return self._rows


class RecordingConnection:
    """Records every statement; ``fail_on`` maps a statement prefix to the error it raises."""

    def __init__(self, *, rows_per_file: int = 2, tables: dict[str, list[str]] | None = None) -> None:
        self.statements: list[str] = []
        self.params: list[list[Any]] = []
        self.autocommit_modes: list[bool] = []
        self.fail_on: dict[str, Exception] = {}
        self.tables = tables or {}
        self.rows_per_file = rows_per_file
        self.gone = False
        self.closed = False

    def cursor(self) -> RecordingCursor:
        return RecordingCursor(self)

    def autocommit(self, mode: bool) -> None:
        self.autocommit_modes.append(mode)

    def close(self) -> None:
        self.closed = True

    def copy_result(self, command: str) -> list[tuple[Any, ...]]:
        files_clause = re.search(r"FILES = \(([^)]*)\)", command)
        assert files_clause is not None
        names = re.findall(r"'([^']*)'", files_clause.group(1))
        path = command.split("@", 1)[1].split(")", 1)[0].split("/", 1)[1]
        n = self.rows_per_file
        return [(f"{STAGE_URL}{path}{name}", "LOADED", n, n, n, 0, None, None, None, None) for name in names]


def make_request(names: Sequence[str] = ("a.csv", "b.csv"), rows: int = 2) -> LoadRequest:
    return LoadRequest(
        database=DB,
        schema="BRONZE",
        table="GLADLY_CONTACTS",
        columns=["CONTACT_ID", "CHANNEL"],
        files=[LoadFile(f"{STAGE_URL}{FOLDER}{n}", rows, f"{FOLDER}{n}") for n in names],
        run_id=RUN_ID,
        window_start=datetime(2025, 1, 15, 8, tzinfo=UTC),
        window_end=datetime(2025, 1, 16, 8, tzinfo=UTC),
    )


def load(conn: RecordingConnection, request: LoadRequest | None = None) -> Any:
    warehouse = SnowflakeWarehouse(lambda: conn, stage=STAGE, stage_url=STAGE_URL)
    return warehouse.load_full_refresh(request or make_request())


def loaded_at_literal(conn: RecordingConnection) -> str:
    started_at = conn.params[3][8]  # the ledger STARTED row's STARTED_AT, shared by every row of the load
    return f"'{datetime.fromisoformat(started_at).isoformat(sep=' ', timespec='microseconds')}'::TIMESTAMP_TZ"


def expected_copy(conn: RecordingConnection, names: Sequence[str]) -> str:
    files = ", ".join(f"'{n}'" for n in names)
    return (
        f"COPY INTO {TABLE} ({COPY_COLUMNS}) FROM (SELECT $1, $2, METADATA$FILENAME, METADATA$FILE_ROW_NUMBER,"
        f" {loaded_at_literal(conn)}, 'scheduled__2025-01-15T08:00:00+00:00',"
        " '2025-01-15 08:00:00.000000+00:00'::TIMESTAMP_TZ, '2025-01-16 08:00:00.000000+00:00'::TIMESTAMP_TZ"
        f" FROM @{STAGE}/{FOLDER}) FILES = ({files}) {FILE_FORMAT} ON_ERROR = ABORT_STATEMENT FORCE = TRUE"
    )


COLUMNS_QUERY = (
    f'SELECT COLUMN_NAME FROM "{DB}".INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?'
    " ORDER BY ORDINAL_POSITION"
)
LEDGER_DDL = [
    f'CREATE SCHEMA IF NOT EXISTS "{DB}"."XO_META"',
    f"CREATE TABLE IF NOT EXISTS {LEDGER} (LOAD_ID VARCHAR, RUN_ID VARCHAR, TABLE_NAME VARCHAR, FILES VARCHAR,"
    " ROWS_LOADED BIGINT, EXPECTED_ROWS BIGINT, STATUS VARCHAR, ERROR VARCHAR, STARTED_AT TIMESTAMP WITH TIME"
    " ZONE, FINISHED_AT TIMESTAMP WITH TIME ZONE, QUERY_IDS VARCHAR, STEP VARCHAR, DAG_ID VARCHAR, LOGICAL_DATE"
    " TIMESTAMP WITH TIME ZONE, WINDOW_START TIMESTAMP WITH TIME ZONE, WINDOW_END TIMESTAMP WITH TIME ZONE,"
    " REPLAY BOOLEAN, COLUMNS VARCHAR, DRIFT VARCHAR)",
    # The ledger's own columns: a table made before V1.4.0 or V1.5.0 gets the new ones added (none missing here).
    COLUMNS_QUERY,
    f"INSERT INTO {LEDGER} (LOAD_ID, RUN_ID, TABLE_NAME, FILES, ROWS_LOADED, EXPECTED_ROWS, STATUS, ERROR,"
    " STARTED_AT, FINISHED_AT, QUERY_IDS, STEP, DAG_ID, LOGICAL_DATE, WINDOW_START, WINDOW_END, REPLAY, COLUMNS,"
    " DRIFT) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
]
LEDGER_UPDATE = (
    f"UPDATE {LEDGER} SET STATUS = ?, ROWS_LOADED = ?, ERROR = ?, FINISHED_AT = ?, QUERY_IDS = ? WHERE LOAD_ID = ?"
)
EXISTING = ["CONTACT_ID", "_XO_SOURCE_FILE", "_XO_FILE_ROW_NUMBER", "_XO_LOADED_AT", "_XO_RUN_ID"]
EXISTING += ["_XO_WINDOW_START", "_XO_WINDOW_END"]


def after_begin(conn: RecordingConnection) -> list[str]:
    return conn.statements[conn.statements.index("BEGIN") :]


def test_success_sends_exactly_this_statement_list(caplog: pytest.LogCaptureFixture) -> None:
    conn = RecordingConnection()
    with caplog.at_level(logging.INFO, logger="xo_core.warehouse.snowflake"):
        result = load(conn)

    assert conn.statements == [
        *LEDGER_DDL,
        f'CREATE SCHEMA IF NOT EXISTS "{DB}"."BRONZE"',
        COLUMNS_QUERY,
        f'CREATE TABLE IF NOT EXISTS {TABLE} ("CONTACT_ID" VARCHAR, "CHANNEL" VARCHAR, "_XO_SOURCE_FILE" VARCHAR,'
        ' "_XO_FILE_ROW_NUMBER" BIGINT, "_XO_LOADED_AT" TIMESTAMP WITH TIME ZONE, "_XO_RUN_ID" VARCHAR,'
        ' "_XO_WINDOW_START" TIMESTAMP WITH TIME ZONE, "_XO_WINDOW_END" TIMESTAMP WITH TIME ZONE)',
        "BEGIN",
        f"TRUNCATE TABLE {TABLE}",
        expected_copy(conn, ["a.csv", "b.csv"]),
        LEDGER_UPDATE,
        "COMMIT",
    ]
    assert conn.autocommit_modes == [True] and conn.closed
    assert conn.params[2] == ["XO_META", "LOAD_LEDGER"]
    assert conn.params[5] == ["BRONZE", "GLADLY_CONTACTS"]
    assert result.rows_loaded == 4 and result.status == "SUCCEEDED"
    assert result.files == [f"{FOLDER}a.csv", f"{FOLDER}b.csv"]
    # Every statement's query id, in order; the ledger's SUCCEEDED row carries those sent before it.
    assert result.query_ids == [f"01b2-{i:04d}" for i in range(1, 13)]
    status, rows, error, _finished, query_ids, load_id = conn.params[10]
    assert (status, rows, error, load_id) == ("SUCCEEDED", 4, None, result.load_id)
    assert query_ids == '["' + '", "'.join(f"01b2-{i:04d}" for i in range(1, 11)) + '"]'
    logged = [r.getMessage() for r in caplog.records if r.name == "xo_core.warehouse.snowflake"]
    assert logged[7:9] == ["query 01b2-0008: BEGIN", f"query 01b2-0009: TRUNCATE TABLE {TABLE}"]
    assert logged[9].startswith(f"query 01b2-0010: COPY INTO {TABLE}")
    assert len(logged) == 12


def test_every_statement_parses_as_snowflake_sql() -> None:
    conn = RecordingConnection(tables={"BRONZE.GLADLY_CONTACTS": EXISTING})
    conn.fail_on["COMMIT"] = ProgrammingError(msg="commit refused", errno=1)  # to see ROLLBACK too
    with pytest.raises(LoadError):
        load(conn)
    kinds = set()
    for sql in conn.statements:
        kinds.add(type(sqlglot.parse_one(sql, read="snowflake")).__name__)
    assert kinds == {"Create", "Insert", "Select", "Alter", "Transaction", "TruncateTable", "Copy"} | {
        "Update",
        "Commit",
        "Rollback",
    }


def test_new_column_is_added_before_begin() -> None:
    conn = RecordingConnection(tables={"BRONZE.GLADLY_CONTACTS": EXISTING})
    load(conn)

    begin = conn.statements.index("BEGIN")
    assert conn.statements[begin - 2 : begin + 1] == [
        COLUMNS_QUERY,
        f'ALTER TABLE {TABLE} ADD COLUMN "CHANNEL" VARCHAR',
        "BEGIN",
    ]
    assert not any(s.startswith(("CREATE", "ALTER")) for s in conn.statements[begin:])


def test_failed_copy_rolls_back_and_never_commits() -> None:
    conn = RecordingConnection()
    conn.fail_on["COPY INTO"] = ProgrammingError(
        msg="Numeric value 'abc' is not recognized", errno=100038, sqlstate="22018", sfqid="01b2-0009"
    )
    with pytest.raises(LoadError, match=r"WBP_DB_DEV\.BRONZE\.GLADLY_CONTACTS: .*not recognized"):
        load(conn)

    # ROLLBACK right after the failed COPY; then only the ledger's FAILED row, in autocommit.
    assert after_begin(conn) == [
        "BEGIN",
        f"TRUNCATE TABLE {TABLE}",
        expected_copy(conn, ["a.csv", "b.csv"]),
        "ROLLBACK",
        LEDGER_UPDATE,
    ]
    assert conn.params[-1][0] == "FAILED" and "not recognized" in conn.params[-1][2]


def test_row_count_mismatch_rolls_back() -> None:
    conn = RecordingConnection(rows_per_file=1)  # the extract said 2 rows per file
    with pytest.raises(LoadError, match="loaded 2 rows but the extract wrote 4"):
        load(conn)

    assert after_begin(conn)[3:] == ["ROLLBACK", LEDGER_UPDATE]
    assert "COMMIT" not in conn.statements


def test_file_not_loaded_by_copy_rolls_back() -> None:
    conn = RecordingConnection()
    conn.copy_result = lambda command: [  # a COPY that skipped a file
        (f"{STAGE_URL}{FOLDER}a.csv", "LOAD_SKIPPED", 0, 0, 1, 1, "File was loaded before.", None, None, None)
    ]
    with pytest.raises(LoadError, match="LOAD_SKIPPED: File was loaded before"):
        load(conn)
    assert after_begin(conn)[3:] == ["ROLLBACK", LEDGER_UPDATE]


def test_connection_drop_after_truncate_is_abandoned_not_committed() -> None:
    conn = RecordingConnection()
    conn.fail_on["COPY INTO"] = OperationalError(msg="Connection reset by peer", errno=250003)
    with pytest.raises(LoadError, match="Connection reset by peer") as info:
        load(conn)

    # ROLLBACK was tried (and failed: the connection is gone); nothing was sent after it, no COMMIT ever.
    assert after_begin(conn)[3:] == ["ROLLBACK"]
    assert "COMMIT" not in conn.statements
    notes = "\n".join(info.value.__notes__)
    assert "the transaction was abandoned without a COMMIT" in notes
    assert "Snowflake rolls back an open transaction when its session ends" in notes
    assert "could not be marked FAILED" in notes


def test_1001_files_are_two_copies_in_one_transaction() -> None:
    names = [f"part_{i:04d}.csv" for i in range(1001)]
    conn = RecordingConnection(rows_per_file=1)
    result = load(conn, make_request(names, rows=1))

    assert [s.split(" (")[0] for s in after_begin(conn)] == [
        "BEGIN",
        f"TRUNCATE TABLE {TABLE}",
        f"COPY INTO {TABLE}",
        f"COPY INTO {TABLE}",
        f"UPDATE {LEDGER} SET STATUS = ?, ROWS_LOADED = ?, ERROR = ?, FINISHED_AT = ?, QUERY_IDS = ? WHERE LOAD_ID = ?",
        "COMMIT",
    ]
    first, second = after_begin(conn)[2:4]
    assert first == expected_copy(conn, names[:1000])
    assert second == expected_copy(conn, names[1000:])
    assert result.rows_loaded == 1001


# Where the session drops → what is still tried after it on the dead connection (each fails there): before the
# ledger's STARTED row nothing; before BEGIN the FAILED update of that row; inside the transaction the ROLLBACK.
DROPS = {
    "INSERT INTO": [],
    "BEGIN": [LEDGER_UPDATE],
    "TRUNCATE": ["ROLLBACK"],
    "COPY INTO": ["ROLLBACK"],
    "UPDATE": ["ROLLBACK"],
    "COMMIT": ["ROLLBACK"],
}


@pytest.mark.parametrize("dropped_at", list(DROPS))
def test_a_session_dropped_at_any_statement_names_the_table_sends_nothing_after_and_a_rerun_heals(
    dropped_at: str,
) -> None:
    conn = RecordingConnection()
    conn.fail_on[dropped_at] = OperationalError(msg="Connection reset by peer", errno=250003)
    with pytest.raises(LoadError, match=r"WBP_DB_DEV\.BRONZE\.GLADLY_CONTACTS: .*Connection reset by peer") as info:
        load(conn)

    position = next(i for i, s in enumerate(conn.statements) if s.startswith(dropped_at))
    assert conn.statements[position + 1 :] == DROPS[dropped_at]
    notes = "\n".join(getattr(info.value, "__notes__", []))
    if dropped_at == "COMMIT":
        assert "whether the load committed is unknown" in notes
    else:
        assert "COMMIT" not in conn.statements
    if dropped_at != "INSERT INTO":
        assert "could not be marked FAILED" in notes  # the row stays STARTED: the run never shows as succeeded

    rerun = RecordingConnection()
    assert load(rerun).rows_loaded == 4
    assert after_begin(rerun)[-1] == "COMMIT"
