"""A BRONZE load on the embedded DuckDB warehouse: one that commits, one that fails, and the ledger of both."""

import tempfile
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from xo_core.environment import environment
from xo_core.errors import LoadError
from xo_core.warehouse.base import LoadFile, LoadRequest
from xo_core.warehouse.factory import warehouse_for

with tempfile.TemporaryDirectory() as home:
    env = environment("local", home=Path(home))  # XO_ENV=local: a folder and DuckDB files under XO_HOME
    warehouse = warehouse_for(env)
    day = Path(home) / "contacts.csv"
    day.write_text("CONTACT_ID,CHANNEL\nc1,email\nc2,voice\n")

    def request(expected_rows: int, run_id: str) -> LoadRequest:
        return LoadRequest(
            database="WBP_DB_DEV",
            schema="BRONZE",
            table="GLADLY_CONTACTS",
            columns=["CONTACT_ID", "CHANNEL"],
            files=[LoadFile(uri=str(day), expected_rows=expected_rows, source_key="contacts.csv")],
            run_id=run_id,
            window_start=datetime(2025, 1, 14, 5, tzinfo=UTC),
            window_end=datetime(2025, 1, 15, 5, tzinfo=UTC),
        )

    result = warehouse.load_full_refresh(request(2, "run-1"))
    print("loaded", result.rows_loaded, "rows into", result.table)

    # The extract said 3 rows, the file has 2: the load is rolled back and the table keeps its rows.
    try:
        warehouse.load_full_refresh(request(3, "run-2"))
    except LoadError as error:
        print("refused:", error)

    for row in warehouse.ledger_rows("WBP_DB_DEV", "GLADLY_CONTACTS"):
        print(f"{row.run_id}  {row.status:9}  rows={row.rows_loaded}  expected={row.expected_rows}")
    statuses = [row.status for row in warehouse.ledger_rows("WBP_DB_DEV", "GLADLY_CONTACTS")]
    assert statuses == ["SUCCEEDED", "FAILED"], statuses
    assert warehouse.table_columns("WBP_DB_DEV", "BRONZE", "GLADLY_CONTACTS") == ["CONTACT_ID", "CHANNEL"]

    # Local state is plain DuckDB files under XO_HOME/warehouse: the first load's rows are still there.
    with duckdb.connect(str(env.warehouse_dir / "WBP_DB_DEV.duckdb"), read_only=True) as db:
        count = db.execute("SELECT count(*) FROM BRONZE.GLADLY_CONTACTS").fetchone()
    print("rows in BRONZE.GLADLY_CONTACTS after the failed load:", count)
    assert count == (2,)
