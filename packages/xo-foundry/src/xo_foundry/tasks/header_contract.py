"""The stage step's header check: the staged header against the source's contract and its table's ledger."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from xo_core.staging.contract import check_header
from xo_core.staging.copy_and_standardize import StagedObject
from xo_foundry.schemas.contract import header_contract
from xo_foundry.tasks.attempts import Outcome
from xo_foundry.tasks.runtime import TaskRun


def check_contract(run: TaskRun, staged: StagedObject, context: Mapping[str, Any], outcome: Outcome) -> None:
    """Record the staged header (and any drift) for the stage's ledger row; raise ``ContractError`` when the
    contract refuses it (``on_drift: fail``), after deleting the staged copy, so the load never starts."""
    database = run.env.database(run.pipeline.database)
    schema, table = run.pipeline.schema_name, run.source.snowflake.target_table
    history = run.warehouse(database, context).ledger_rows(database, f"{schema}.{table}")
    checked = check_header(run.store(), staged, header_contract(run.source), history, f"{database}.{schema}.{table}")
    outcome.header = checked.header
    if checked.error is not None:
        raise checked.error
