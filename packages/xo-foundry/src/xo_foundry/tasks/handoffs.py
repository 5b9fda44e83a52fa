"""What one step hands the next, one model each: file references, column names, counts and the window.

Never rows, never secrets: under Airflow each travels through XCom as its JSON form (``xcom``), and the receiving
step validates it once (``received``), so a malformed value fails there, naming the step and the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer

from xo_foundry.time_window import TimeWindow


def _window(value: object) -> TimeWindow:
    if isinstance(value, TimeWindow):
        return value
    if not isinstance(value, Mapping):
        raise ValueError(f"a time window must be an object, got {type(value).__name__}")
    return TimeWindow.from_dict(value)


Window = Annotated[TimeWindow, BeforeValidator(_window), PlainSerializer(TimeWindow.to_dict)]


class HandOff(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    def xcom(self) -> dict[str, Any]:
        """The JSON-safe form Airflow stores in XCom."""
        return self.model_dump(mode="json")

    @classmethod
    def received[M: HandOff](cls: type[M], value: M | Mapping[str, Any]) -> M:
        """The value a step received (its model, or the model's XCom form), validated."""
        return value if isinstance(value, cls) else cls.model_validate(value)


class Extracted(HandOff):
    """Extract → stage: the landed file in the ingest bucket, its row count, and the window it holds."""

    bucket: str
    key: str
    rows: int
    window: Window


class Staged(HandOff):
    """Stage → load: the staged file, its standardized columns (empty for an empty window without a header), and
    the row count its manifest records, which the load checks (so the load does not read the manifest again)."""

    bucket: str
    key: str
    rows: int
    columns: list[str]
    window: Window


class Loaded(HandOff):
    """Load → transform: the BRONZE table, the rows it holds now, the ledger's load id (None when nothing loaded)."""

    table: str
    rows: int
    load_id: str | None


class Transformed(HandOff):
    """The dbt build: what it selected, how many nodes ran, how many per status, how long it took."""

    select: list[str]
    nodes: int
    statuses: dict[str, int]
    seconds: float
