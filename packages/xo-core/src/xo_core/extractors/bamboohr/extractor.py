"""The BambooHR extractor: the employee directory or a custom report into one CSV object + manifest.

The window: BambooHR has no window to ask for. The directory is a snapshot of today's current staff; the custom
report (``onlyCurrent=false``) returns every employee of every status. The window is recorded in the manifest
(``window_start``/``window_end``, and ``request.window_filter: "none"``) but never used to filter: for the
history pipeline the report asks for ``lastChanged`` and ALL rows are kept; history is built later by dbt
snapshots comparing each day's rows, so dropping "unchanged" employees would make them look deleted.

Columns are BambooHR's field ids (``firstName``, ``lastChanged``...), values flattened to strings (null → empty).
"""

from __future__ import annotations

from typing import Any

from xo_core.extractors.bamboohr.client import (
    CUSTOM_REPORT_PATH,
    DIRECTORY_PATH,
    BambooHRClient,
    Table,
    base_url_for,
)
from xo_core.extractors.bamboohr.config import BambooHRExtractorConfig
from xo_core.extractors.base import ExtractRequest, ExtractResult
from xo_core.extractors.csv_sink import write_csv_object
from xo_core.extractors.http import HttpExtractor

SOURCE_TYPE = "bamboohr_api"
EXTRACTOR_VERSION = "bamboohr/1"


class BambooHRExtractor(HttpExtractor):
    """Extracts the BambooHR directory or a custom report; registered as source_type ``bamboohr_api``."""

    source_type = SOURCE_TYPE

    def extract(self, request: ExtractRequest[BambooHRExtractorConfig]) -> ExtractResult:
        """Write the report's CSV and manifest to ``request.bucket``/``request.key``."""
        config = request.config
        conn = request.require_connection()
        base_url = base_url_for(conn.base_url() if conn.host else "", config.company_domain)
        title = f"xo-data {request.source_name}"
        with BambooHRClient(
            base_url, conn.password, policy=self.policy, timeout=self.timeout, sleep=self._sleep
        ) as client:
            table = client.directory() if config.report == "directory" else client.custom_report(title, config.fields)
        manifest = write_csv_object(
            request.store,
            request.bucket,
            request.key,
            table.header,
            table.rows,
            source_type=SOURCE_TYPE,
            source_name=request.source_name,
            window_start=request.window_start,
            window_end=request.window_end,
            request=_manifest_request(request, config, base_url, title, table),
            extractor_version=EXTRACTOR_VERSION,
        )
        return ExtractResult(bucket=request.bucket, key=request.key, manifest=manifest)


def _manifest_request(
    request: ExtractRequest, config: BambooHRExtractorConfig, base_url: str, title: str, table: Table
) -> dict[str, Any]:
    """What was asked, for the manifest: endpoint, base URL and fields; never the API key."""
    asked: dict[str, Any] = {
        "report": config.report,
        "base_url": base_url,
        "company_domain": config.company_domain,
        "connection_id": config.connection_id,
        "window_filter": "none",
        "run_id": request.run_id,
    }
    if config.report == "directory":
        asked.update(method="GET", path=DIRECTORY_PATH, fields=table.header)
    else:
        asked.update(
            method="POST",
            path=CUSTOM_REPORT_PATH,
            query={"format": "JSON", "onlyCurrent": "false"},
            body={"title": title, "fields": list(config.fields)},
        )
    return asked
