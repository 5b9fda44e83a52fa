"""Loading staged files into BRONZE, the same way whatever the warehouse backend."""

from __future__ import annotations

from xo_core.errors import ConfigError
from xo_core.warehouse.base import LoadRequest, LoadResult, Warehouse

# BRONZE is always a snapshot of what was extracted: truncated and reloaded on every run whatever the
# source's load_strategy (seed: "All VARCHAR, truncated daily"). incremental and historical differ
# only downstream, where SILVER merges or keeps history; BRONZE never accumulates.
_BRONZE_LOAD = {
    "full_refresh": "truncate_and_load",
    "incremental": "truncate_and_load",
    "historical": "truncate_and_load",
}


def load_bronze(warehouse: Warehouse, request: LoadRequest) -> LoadResult:
    """Replace a BRONZE table's rows with the request's files in one transaction.

    Every ``load_strategy`` (``full_refresh``, ``incremental``, ``historical``) maps to the same
    truncate + load here, because BRONZE is a daily snapshot; SILVER handles the difference. The
    backend's ``load_full_refresh`` does the work: DDL first, then BEGIN, TRUNCATE, one load per file,
    a check of the rows loaded against the files' ``expected_rows``, COMMIT, with an explicit ROLLBACK
    on any error (raised as ``LoadError``, or ``TransientError`` when a lock could not be had in time).
    """
    mode = _BRONZE_LOAD.get(request.load_strategy)
    if mode is None:  # LoadRequest already refuses unknown strategies; this guards a new one added there
        raise ConfigError(f"load_strategy {request.load_strategy!r} has no BRONZE load")
    return warehouse.load_full_refresh(request)
