"""Settings of the Google Sheets extractor (the ``extractor:`` block of a ``google_sheets`` source)."""

from __future__ import annotations

from pydantic import Field

from xo_core.extractors import ConnectionId, ExtractorConfig


class GoogleSheetsExtractorConfig(ExtractorConfig):
    """One A1 range of one spreadsheet; the first row is the header."""

    spreadsheet_id: str = Field(min_length=1, description="The id in the sheet's URL (/spreadsheets/d/<id>/)")
    range: str = Field(min_length=1, description="A1 range, e.g. Roster!A:H or 'My Tab'!A1:D500")
    connection_id: ConnectionId = Field(
        default="google_sheets_default", description="Airflow connection with the service account"
    )
