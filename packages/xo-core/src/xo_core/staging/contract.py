"""Header contracts: the columns a source's files must have, checked at stage time, before anything is loaded.

The expected columns are the contract's own (``contract.columns`` in the source's config) or, without them, the
header of the source's last good load: the stage row (ledger ``COLUMNS``) of the latest run whose load SUCCEEDED.
A header that differs is *drift*: a column gone, one added, or one renamed (gone, and a new one in its place).
The contract's ``on_drift`` decides:

- ``fail``: the stage fails before the load's TRUNCATE, so BRONZE keeps its rows. The staged copy is deleted and
  ``ContractError`` (terminal: not retried) names the columns and the object.
- ``evolve``: load. BRONZE gains the new columns and keeps the gone ones (NULL from then on). Logged at INFO.
- ``warn``: load as ``evolve``, logged as a WARNING.

Every policy records the drift in the stage's ledger row (``DRIFT``), where ``xo-foundry status`` and the
pipeline-health page read it. A recorded contract moves with every good load, so a drift is reported once; a
declared one reports it on every load until the config changes. The first load of a source without a declared
contract has nothing to compare with: it records its header.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from xo_core.errors import ContractError
from xo_core.staging.copy_and_standardize import StagedObject
from xo_core.storage.base import ObjectStore
from xo_core.warehouse import ledger
from xo_core.warehouse.base import LedgerRow

logger = logging.getLogger(__name__)

OnDrift = Literal["fail", "evolve", "warn"]
ON_DRIFT: tuple[OnDrift, ...] = ("fail", "evolve", "warn")
DECLARED = "the contract in the config"


@dataclass(frozen=True)
class Contract:
    """A source's contract: what to do on drift, and its declared columns (None: the last good load's)."""

    on_drift: OnDrift
    columns: tuple[str, ...] | None = None


@dataclass(frozen=True)
class ColumnDrift:
    """How a header differs from the columns expected of it."""

    on_drift: str
    expected_from: str  # DECLARED, or which load's header was expected
    expected: tuple[str, ...]
    found: tuple[str, ...]

    @property
    def gone(self) -> list[str]:
        return [c for c in self.expected if c not in self.found]

    @property
    def added(self) -> list[str]:
        return [c for c in self.found if c not in self.expected]

    @property
    def renamed(self) -> list[tuple[str, str]]:
        """(old, new): a gone column whose place in the header a new column took."""
        added = set(self.added)
        return [
            (old, self.found[i])
            for old in self.gone
            if (i := self.expected.index(old)) < len(self.found) and self.found[i] in added
        ]

    def describe(self) -> str:
        """``renamed SCORE → SCORE_PCT; gone AGENT_NAME; added REGION (expected: …)``."""
        renamed = self.renamed
        olds, news = {o for o, _ in renamed}, {n for _, n in renamed}
        parts = [f"renamed {old} → {new}" for old, new in renamed]
        if gone := [c for c in self.gone if c not in olds]:
            parts.append("gone " + ", ".join(gone))
        if added := [c for c in self.added if c not in news]:
            parts.append("added " + ", ".join(added))
        return f"{'; '.join(parts)} (expected: {self.expected_from})"

    def to_json(self) -> str:
        return json.dumps(
            {
                "on_drift": self.on_drift,
                "expected_from": self.expected_from,
                "expected": list(self.expected),
                "found": list(self.found),
                "gone": self.gone,
                "added": self.added,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> ColumnDrift:
        data = json.loads(text)
        return cls(
            on_drift=str(data["on_drift"]),
            expected_from=str(data["expected_from"]),
            expected=tuple(data["expected"]),
            found=tuple(data["found"]),
        )


@dataclass(frozen=True)
class HeaderCheck:
    """The header to record in the stage's ledger row, and the error to raise when the contract refused it."""

    header: ledger.Header
    drift: ColumnDrift | None
    error: ContractError | None


def last_good_header(history: Sequence[LedgerRow]) -> tuple[tuple[str, ...], str] | None:
    """The header of the latest run whose load SUCCEEDED, and which run that was; None before the first one."""
    loads = [r for r in history if r.step == ledger.LOAD and r.status == ledger.SUCCEEDED]
    for load in sorted(loads, key=lambda r: r.finished_at or r.started_at, reverse=True):
        staged = [
            r
            for r in history
            if r.step == ledger.STAGE
            and r.run_id == load.run_id
            and r.status == ledger.SUCCEEDED
            and r.columns is not None
        ]
        if staged:
            latest = max(staged, key=lambda r: r.started_at)
            return tuple(latest.columns or ()), f"the header of the last good load (run {load.run_id})"
    return None


def check_header(
    store: ObjectStore, staged: StagedObject, contract: Contract, history: Sequence[LedgerRow], table: str
) -> HeaderCheck:
    """Compare a staged header with the contract of ``table``'s source; ``history`` is the table's ledger.

    On drift under ``fail`` the staged copy is deleted (nothing half-staged stays visible) and the check carries
    the ``ContractError`` for the caller to raise once it has recorded the header.
    """
    found = tuple(staged.columns)
    expected = (contract.columns, DECLARED) if contract.columns is not None else last_good_header(history)
    drift = None
    if expected is not None and set(expected[0]) != set(found):  # an order change loads the same (by name)
        drift = ColumnDrift(contract.on_drift, expected[1], expected[0], found)
    header = ledger.Header(columns=found, drift=drift.to_json() if drift else None)
    if drift is None:
        return HeaderCheck(header, None, None)
    # Named by key: the ingested object the user knows (the staged copy of the same key is deleted on fail).
    message = f"{table}: the header of {staged.key} drifted from its column contract: {drift.describe()}"
    if contract.on_drift == "fail":
        store.delete(staged.bucket, staged.key)
        error = ContractError(
            f"{message}. on_drift is fail: nothing was loaded and BRONZE is unchanged. If the change is meant, "
            "update contract.columns in the source's config (or set on_drift: evolve), then run the date again."
        )
        return HeaderCheck(header, drift, error)
    level = logging.WARNING if contract.on_drift == "warn" else logging.INFO
    logger.log(level, "%s; on_drift is %s: loading it", message, contract.on_drift)
    return HeaderCheck(header, drift, None)
