"""One source of a pipeline: where rows come from (``extractor``), how and where they load.

The ``source_type`` variants are built from the source registry (``xo_core.extractors.registry``), one model per
registered source, so the union, the JSON Schema and the configuration reference list exactly the registered
sources.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import Field, create_model, model_validator

from xo_core.extractors import ExtractorConfig
from xo_core.extractors.registry import SourceRegistration, sources
from xo_foundry.schemas.base import StrictModel
from xo_foundry.schemas.contract import ContractConfig
from xo_foundry.schemas.load_strategy import LoadStrategyConfig
from xo_foundry.schemas.silver import SilverConfig, silver_problems
from xo_foundry.schemas.time_window import Duration
from xo_foundry.time_window.window import TimeWindow

OBJECT_NAME_PATTERN = r"^[A-Z][A-Z0-9_]*$"


class TargetConfig(StrictModel):
    """The BRONZE table a source loads into (in the pipeline's database and schema)."""

    target_table: str = Field(pattern=OBJECT_NAME_PATTERN, max_length=255, description="e.g. GLADLY_CONTACTS")


class SourceBase(StrictModel):
    """What every source has; each variant narrows ``source_type`` to its own and ``extractor`` to its model."""

    load_strategy: LoadStrategyConfig = Field(
        description="full_refresh, or {kind: incremental|historical, unique_key: [...]}"
    )
    snowflake: TargetConfig
    source_type: str
    extractor: ExtractorConfig
    repull: Duration | None = Field(
        default=None,
        description="Also pull this much before the run's window, every run: for sources whose rows move to a "
        "later window or change after their first pull (Gladly work sessions: placed by the contact's end, "
        "after-contact time grows). The load then replaces the widened window (ADR 007).",
    )
    contract: ContractConfig | None = Field(
        default=None,
        description="The header contract: expected columns and on_drift (fail|evolve|warn), checked at stage time",
    )
    silver: SilverConfig = Field(
        default_factory=SilverConfig,
        description="The generated SILVER model's name and column types (ADR 014)",
    )

    @model_validator(mode="after")
    def _silver_fits_strategy(self) -> SourceBase:
        problems = silver_problems(self.silver, getattr(self.load_strategy, "updated_at", None))
        if problems:
            raise ValueError("; ".join(f"silver.{problem}" for problem in problems))
        return self

    def extract_window(self, window: TimeWindow) -> TimeWindow:
        """The window this source pulls for a run's ``window``: reaching ``repull`` further back."""
        if self.repull is None:
            return window
        return window.reaching_back(self.repull.to_timedelta())


def variant_name(registration: SourceRegistration[Any]) -> str:
    """``GladlyExtractorConfig`` → ``GladlySource``: the model's name in the schema and the reference."""
    return registration.config.__name__.removesuffix("ExtractorConfig") + "Source"


def _variant(registration: SourceRegistration[Any]) -> type[SourceBase]:
    tag: Any = Literal.__getitem__(registration.source_type)  # the Literal of a value known at run time
    return create_model(
        variant_name(registration),
        __base__=SourceBase,
        __doc__=registration.description,
        __module__=__name__,
        source_type=(tag, ...),
        extractor=(registration.config, ...),
    )


VARIANTS: tuple[type[SourceBase], ...] = tuple(_variant(r) for r in sources())

if TYPE_CHECKING:
    # What every variant has, for code that handles any source; validation uses the union below.
    SourceConfig = SourceBase
else:
    SourceConfig = Annotated[Union.__getitem__(VARIANTS), Field(discriminator="source_type")]
