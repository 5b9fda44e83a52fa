"""One staged CSV file into a BRONZE table inside the load's transaction, each row numbered by its file position.

read_csv has no file row number for CSV files (DuckDB 2.0: "not supported by this reader"), and numbering in
the INSERT (``WITH ORDINALITY``, ``row_number() OVER ()``) puts a streaming window into the pipeline, which
runs the whole pipeline, CSV parsing and table writing included, on one thread (bench/README.md,
"load_bronze": 0.52x DuckDB's CTAS). So the file is loaded in two statements of the same transaction:

1. ``INSERT … SELECT …, NULL … FROM read_csv(…)``: the parallel scan and insert, as fast as a CTAS;
2. ``UPDATE … SET _XO_FILE_ROW_NUMBER = rowid - first + 1 WHERE _XO_FILE_ROW_NUMBER IS NULL``: the rows this
   file added are the only unnumbered ones (earlier files' rows are numbered, the truncated rows invisible).

The UPDATE's cost is at COMMIT (the column written a second time): 0.68 to 0.71x the CTAS. Staging the file in
an in-memory database and numbering by its ``rowid`` is faster (0.82 to 0.90x) but holds the whole file in
memory, 1.65x the CTAS's peak (bench/README.md, "load_bronze"); a load must not need the file's size in RAM.

Why the rowid is the file position, per DuckDB's documentation:
- "Order Preservation" (https://duckdb.org/docs/2.0/sql/dialect/order_preservation): a SELECT from a single
  table (here the CSV scan) keeps the original row order, and "on materialized tables, the rowid
  pseudo-column can be used" to turn that order into an explicit column, as ``row_number() OVER ()`` does;
- "Tuning Workloads" (https://duckdb.org/docs/2.0/guides/performance/how_to_tune_workloads): only with
  ``preserve_insertion_order = false`` may DuckDB re-order an import without ORDER BY. It is true by default
  and set again here, so a global change elsewhere cannot break the numbering.

Row ids of rows added inside a transaction are transaction-local (measured: they start near 2**55), so the
number is taken relative to the file's first row id. When the file's row ids are contiguous (always so far)
the UPDATE is one vectorised pass; otherwise they are ranked with ``row_number() OVER (ORDER BY rowid)``,
which needs only the order. ``tests/test_warehouse_duckdb_row_numbers.py`` checks the result against a row number
carried in the data over a file of several row groups, CSV buffers and threads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from xo_core.errors import LoadError
from xo_core.identifiers import quote_identifier
from xo_core.warehouse.base import LoadFile
from xo_core.warehouse.duckdb.csv_files import read_csv_call
from xo_core.warehouse.metadata import FILE_ROW_NUMBER
from xo_core.warehouse.plan import FullRefreshPlan

if TYPE_CHECKING:
    from xo_core.warehouse.duckdb.backend import DuckDBSession

_ROW_NUMBER = quote_identifier(FILE_ROW_NUMBER.name)


def insert_numbered_file(session: DuckDBSession, plan: FullRefreshPlan, file: LoadFile) -> int:
    """Insert one file's rows into the plan's table (inside the open transaction), numbered 1..n; the row count."""
    session.execute("SET preserve_insertion_order = true")
    sql = (
        f"INSERT INTO {plan.target} ({plan.insert_column_list()})"
        f" SELECT {plan.source_column_list()}, {plan.metadata_select('NULL')} FROM {read_csv_call(plan.columns)}"
    )
    inserted = int(session.execute(sql, [*plan.metadata_values(file), file.uri])[0][0])
    number_new_rows(session, plan, inserted)
    return inserted


def number_new_rows(
    session: DuckDBSession, plan: FullRefreshPlan, inserted: int, *, contiguous_path: bool = True
) -> None:
    """Set ``_XO_FILE_ROW_NUMBER`` of the table's unnumbered rows to their rank in row-id (insertion) order.

    ``contiguous_path=False`` forces the ranked UPDATE (tests use it to cover that path).
    """
    unnumbered = f"FROM {plan.target} WHERE {_ROW_NUMBER} IS NULL"
    first, last, count = session.execute(f"SELECT min(rowid), max(rowid), count(*) {unnumbered}")[0]
    if count != inserted:  # cannot happen unless something else wrote the table inside this transaction
        raise LoadError(f"{plan.display_name}: {count} rows lack a file row number, but {inserted} were inserted")
    if not inserted:
        return
    if contiguous_path and last - first + 1 == inserted:
        session.execute(f"UPDATE {plan.target} SET {_ROW_NUMBER} = rowid - ? + 1 WHERE {_ROW_NUMBER} IS NULL", [first])
        return
    session.execute(
        f"UPDATE {plan.target} SET {_ROW_NUMBER} = ranked.n"
        f" FROM (SELECT rowid AS id, row_number() OVER (ORDER BY rowid) AS n {unnumbered}) AS ranked"
        f" WHERE {plan.target}.rowid = ranked.id"
    )
