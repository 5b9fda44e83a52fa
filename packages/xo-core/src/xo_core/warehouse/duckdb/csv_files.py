"""How DuckDB reads one staged CSV file, and the checks made before anything is truncated.

The staged file keeps its ORIGINAL header line; the standardized names come from the request.
``header=true`` with an explicit ``columns`` list skips exactly the first line and names the columns by
position. A UTF-8 BOM is skipped by DuckDB too, but a blank first line is not (DuckDB would then load
the header as a data row), so the first line must be the header: the extractor writes files that way,
and ``check_csv_file`` refuses anything else.
"""

from __future__ import annotations

import csv
from pathlib import Path

from xo_core.errors import LoadError
from xo_core.warehouse.base import LoadFile
from xo_core.warehouse.plan import FullRefreshPlan

# read_csv treats these as a glob pattern: a path containing them could match other files (or none).
_GLOB_CHARACTERS = frozenset("*?[")


def read_csv_call(columns: tuple[str, ...]) -> str:
    """The ``read_csv(?, ...)`` call for one file; the path is the one ``?`` (DuckDB binds it).

    - ``auto_detect=false`` + ``columns``: no sniffing; every column VARCHAR, named in file order.
      The names are validated identifiers (``[A-Z_][A-Z0-9_]*``), so they hold no quote to escape.
    - ``quote``/``escape`` ``"``: RFC 4180, as the extractor's ``csv`` writer and Snowflake's
      ``FIELD_OPTIONALLY_ENCLOSED_BY='"'`` read it: commas, newlines and doubled quotes inside quotes.
    - ``strict_mode=true``: a row with too few or too many fields, or an unterminated quote, fails the
      statement (and so the load) instead of being padded or skipped.
    - ``allow_quoted_nulls=false``: ``""`` is an empty string and an empty unquoted field is NULL,
      as Snowflake loads them by default.
    """
    spec = ", ".join(f"'{c}': 'VARCHAR'" for c in columns)
    return (
        "read_csv(?, header=true, auto_detect=false, columns={" + spec + "}, delim=',', quote='\"',"
        " escape='\"', strict_mode=true, allow_quoted_nulls=false, encoding='utf-8')"
    )


def check_csv_file(plan: FullRefreshPlan, file: LoadFile) -> None:
    """Refuse a missing file, a glob-like path, or a first line that is not a header of the planned width."""
    path = Path(file.uri)
    where = f"{plan.display_name}: file {file.source_key!r} ({file.uri})"
    if _GLOB_CHARACTERS & set(file.uri):
        raise LoadError(f"{where}: the path contains a glob character (one of * ? [)")
    if not path.is_file():
        raise LoadError(f"{where} does not exist; nothing was truncated")
    # csv.reader reads only as far as the end of the first record, so this never reads the file whole.
    with path.open(encoding="utf-8-sig", newline="") as handle:
        try:
            header = next(csv.reader(handle), None)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise LoadError(f"{where}: the header line cannot be read: {exc}") from exc
    if header is None:
        raise LoadError(f"{where} is empty: a staged file always has a header line")
    if not header:
        raise LoadError(f"{where} starts with a blank line: the first line must be the header")
    if len(header) != len(plan.columns):
        raise LoadError(f"{where} has {len(header)} header fields but the load names {len(plan.columns)} columns")
