"""Inputs that arrive on their own time (an upload, a report e-mail): how long to wait, and what a missing one means.

One definition for every such source (S3 uploads, Gmail attachments): their settings models derive from
``ArrivingInputConfig``, and their extractors implement ``ArrivalProbe``. The generated DAG puts a
``wait_<source>`` sensor before the extract of a source whose ``wait`` is set (``xo_foundry.tasks.wait_tasks``);
``on_missing`` decides what happens when the input is still missing once the wait is over (or at once, without
a wait):

- ``fail``: ``InputMissing``, a terminal error: the task fails at once, without retries;
- ``skip``: ``InputMissing(skip=True)``: the task ends skipped, and the tasks after it skip visibly;
- ``empty``: the extract writes an empty object (no header, no rows) and the load empties the table.
"""

from __future__ import annotations

from typing import Literal, Protocol, Self, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field, model_validator

from xo_core.extractors import ExtractorConfig
from xo_core.extractors.base import ExtractRequest

OnMissing = Literal["fail", "skip", "empty"]

DEFAULT_TIMEOUT_SECONDS = 6 * 3600
"""A vendor's or a colleague's "this morning" is late by hours, not minutes; a day-long wait would overlap the
next daily run (``max_active_runs: 1`` would then hold it back)."""
DEFAULT_POKE_INTERVAL_SECONDS = 300
"""Each poke lists a prefix or searches a mailbox once: every five minutes is cheap, and in reschedule mode the
wait holds no worker slot between pokes."""


class WaitConfig(BaseModel):
    """How long the ``wait_<source>`` sensor waits for the input, and how often it looks."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    timeout_seconds: int = Field(
        default=DEFAULT_TIMEOUT_SECONDS,
        ge=1,
        le=7 * 86400,
        description="How long to wait for the input before on_missing decides (default 6 hours)",
    )
    poke_interval_seconds: int = Field(
        default=DEFAULT_POKE_INTERVAL_SECONDS,
        ge=1,
        le=86400,
        description="Seconds between two looks (default 300); the task frees its worker slot in between",
    )

    @model_validator(mode="after")
    def _poke_within_timeout(self) -> Self:
        if self.poke_interval_seconds > self.timeout_seconds:
            raise ValueError(
                f"poke_interval_seconds ({self.poke_interval_seconds}) is longer than timeout_seconds "
                f"({self.timeout_seconds}): the sensor would look only once"
            )
        return self


class ArrivingInputConfig(ExtractorConfig):
    """Settings of a source whose input may arrive late: the wait and the ``on_missing`` policy."""

    on_missing: OnMissing = Field(
        default="fail",
        description="When the input is still missing after the wait: fail (the task fails, not retried), skip "
        "(the source's tasks end skipped) or empty (an empty load: the table is emptied)",
    )
    wait: WaitConfig | None = Field(
        default=None,
        description="Wait for the input before extracting ({} for the defaults: 6 hours, a look every 5 "
        "minutes); null: look once, at extract time",
    )


@runtime_checkable
class ArrivalProbe(Protocol):
    """An extractor that can tell whether a window's input is there, without taking it."""

    def arrived(self, request: ExtractRequest) -> str | None:
        """What the extract would take (for the log), or None while nothing is there."""
        ...
