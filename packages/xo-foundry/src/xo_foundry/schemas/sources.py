"""One source of a pipeline: where rows come from (``extractor``), how and where they load."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from xo_core.extractors.bamboohr.config import BambooHRExtractorConfig
from xo_core.extractors.gladly.config import GladlyExtractorConfig
from xo_core.extractors.gmail.config import GmailAttachmentExtractorConfig
from xo_core.extractors.s3_upload.config import S3UploadExtractorConfig
from xo_core.extractors.sheets.config import GoogleSheetsExtractorConfig
from xo_core.extractors.sprout.config import SproutExtractorConfig
from xo_foundry.schemas.base import StrictModel
from xo_foundry.schemas.load_strategy import LoadStrategyConfig
from xo_foundry.schemas.time_window import Duration
from xo_foundry.time_window.window import TimeWindow

OBJECT_NAME_PATTERN = r"^[A-Z][A-Z0-9_]*$"


class TargetConfig(StrictModel):
    """The BRONZE table a source loads into (in the pipeline's database and schema)."""

    target_table: str = Field(pattern=OBJECT_NAME_PATTERN, max_length=255, description="e.g. GLADLY_CONTACTS")


class _Source(StrictModel):
    load_strategy: LoadStrategyConfig = Field(
        description="full_refresh, or {kind: incremental|historical, unique_key: [...]}"
    )
    snowflake: TargetConfig
    repull: Duration | None = Field(
        default=None,
        description="Also pull this much before the run's window, every run: for sources whose rows move to a "
        "later window or change after their first pull (Gladly work sessions: placed by the contact's end, "
        "after-contact time grows). The load then replaces the widened window (ADR 007).",
    )

    def extract_window(self, window: TimeWindow) -> TimeWindow:
        """The window this source pulls for a run's ``window``: reaching ``repull`` further back."""
        if self.repull is None:
            return window
        return window.reaching_back(self.repull.to_timedelta())


class GladlySource(_Source):
    """A Gladly report or the work-session events."""

    source_type: Literal["gladly_api"]
    extractor: GladlyExtractorConfig


class SproutSource(_Source):
    """Sprout Social messages."""

    source_type: Literal["sprout_api"]
    extractor: SproutExtractorConfig


class GmailAttachmentSource(_Source):
    """A CSV attached to a report e-mail."""

    source_type: Literal["gmail_attachment"]
    extractor: GmailAttachmentExtractorConfig


class GoogleSheetsSource(_Source):
    """A range of a Google spreadsheet."""

    source_type: Literal["google_sheets"]
    extractor: GoogleSheetsExtractorConfig


class S3UploadSource(_Source):
    """Files uploaded to S3 by people or partners."""

    source_type: Literal["s3_upload"]
    extractor: S3UploadExtractorConfig


class BambooHRSource(_Source):
    """BambooHR employees."""

    source_type: Literal["bamboohr_api"]
    extractor: BambooHRExtractorConfig


SourceConfig = Annotated[
    GladlySource | SproutSource | GmailAttachmentSource | GoogleSheetsSource | S3UploadSource | BambooHRSource,
    Field(discriminator="source_type"),
]
