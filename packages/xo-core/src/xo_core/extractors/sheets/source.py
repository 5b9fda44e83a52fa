"""The one registration of this source (found by `xo_core.extractors.registry`)."""

from __future__ import annotations

from xo_core.extractors.base import Extractor
from xo_core.extractors.registry import ConnectionShape, SourceRegistration
from xo_core.extractors.sheets.config import GoogleSheetsExtractorConfig


def _extractor() -> Extractor[GoogleSheetsExtractorConfig]:
    # Imported on use, so listing the sources stays cheap.
    from xo_core.extractors.sheets.extractor import GoogleSheetsExtractor

    return GoogleSheetsExtractor()


SOURCE = SourceRegistration(
    source_type="google_sheets",
    title="Google Sheets",
    description="A range of a Google spreadsheet.",
    config=GoogleSheetsExtractorConfig,
    extractor=_extractor,
    example=GoogleSheetsExtractorConfig(spreadsheet_id="TODO_SPREADSHEET_ID", range="Sheet1!A:Z"),
    table_prefix="SHEETS",
    simulator="xo_sandbox.google.sheets",
    connection=ConnectionShape(
        "google_cloud_platform",
        "sheets.googleapis.com",
        login="<service account e-mail>",
        credential="<service account private key>",
        hosts=("sheets.googleapis.com",),
    ),
)
