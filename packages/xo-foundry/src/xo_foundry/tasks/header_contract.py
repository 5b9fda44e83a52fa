"""The stage step's header check: the staged header against the source's contract and its table's ledger."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from xo_core.staging.contract import check_header
from xo_core.staging.copy_and_standardize import StagedObject
from xo_core.warehouse.base import LedgerRow
from xo_foundry.schemas.contract import header_contract
from xo_foundry.tasks.attempts import Outcome
from xo_foundry.tasks.runtime import TaskRun, log


def check_contract(run: TaskRun, staged: StagedObject, context: Mapping[str, Any], outcome: Outcome) -> None:
    """Record the staged header (and any drift) for the stage's ledger row; raise ``ContractError`` when the
    contract refuses it (``on_drift: fail``), after deleting the staged copy, so the load never starts."""
    database = run.env.database(run.pipeline.database)
    name = f"{run.pipeline.schema_name}.{run.source.snowflake.target_table}"
    contract = header_contract(run.source)
    # Declared columns need no ledger; a recorded contract is the ledger's.
    history = [] if contract.columns is not None else _history(run, database, name, context)
    checked = check_header(run.store(), staged, contract, history, f"{database}.{name}")
    outcome.header = checked.header
    if checked.error is not None:
        raise checked.error


def _history(run: TaskRun, database: str, table: str, context: Mapping[str, Any]) -> list[LedgerRow]:
    # As for the stage's own ledger row (tasks.attempts), the step matters more than its ledger: a warehouse the
    # stage cannot reach is a warning, and the header is then checked against nothing recorded.
    try:
        return run.warehouse(database, context).ledger_rows(database, table)
    except Exception as exc:
        log.warning("the ledger of %s could not be read, no recorded column contract for %s: %s", database, table, exc)
        return []
