"""The BambooHR extractor: the employee directory or a custom report into one CSV object + manifest.

The window: BambooHR has no window to ask for. The directory is a snapshot of today's current staff; the custom
report returns every employee of every status, with the values in effect on the day of the pull
(``onlyCurrent=true``: a future-dated change shows from its effective date, never before). The window is
recorded in the manifest (``window_start``/``window_end``, and ``request.window_filter: "none"``) but never used
to filter: for the history pipeline the report asks for ``lastChanged`` and ALL rows are kept; history is built
later by a dbt snapshot comparing each day's rows, so dropping "unchanged" employees would make them look deleted.

Columns are the fields BambooHR answered (its ``fields`` list: ``firstName``, ``lastChanged``...), values
flattened to strings (null → empty). A requested field it left out (the key may not read it, the name is
unknown) or answered under a numeric ``<id>.N`` key fails the extract naming it, unless ``allow_missing_fields``:
then it is not a column, and the manifest's ``request.missing_fields`` and the log name it.
"""

from __future__ import annotations

import logging
from typing import Any

from xo_core.errors import SourceDataError
from xo_core.extractors.bamboohr.client import (
    CUSTOM_REPORT_PARAMS,
    CUSTOM_REPORT_PATH,
    DIRECTORY_PATH,
    BambooHRClient,
    Table,
    base_url_for,
)
from xo_core.extractors.bamboohr.config import BambooHRExtractorConfig
from xo_core.extractors.base import ExtractRequest, ExtractResult
from xo_core.extractors.csv_sink import write_extract_csv
from xo_core.extractors.http import HttpExtractor

SOURCE_TYPE = "bamboohr_api"
EXTRACTOR_VERSION = "bamboohr/2"

logger = logging.getLogger("xo_core.extractors.bamboohr")


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
        _check_answered(table, config)
        manifest = write_extract_csv(
            request,
            table.header,
            table.rows,
            source_type=SOURCE_TYPE,
            asked=_manifest_request(request, config, base_url, title, table),
            extractor_version=EXTRACTOR_VERSION,
        )
        return ExtractResult(bucket=request.bucket, key=request.key, manifest=manifest)


def _check_answered(table: Table, config: BambooHRExtractorConfig) -> None:
    """Fail naming the requested fields BambooHR did not answer by name, unless ``allow_missing_fields``.

    A left-out field would otherwise be an all-empty column, or vanish from the table, with nothing to say why.
    """
    if not table.missing:
        return
    unanswered = [f for f in table.missing if f not in table.indexed]
    reasons = []
    if unanswered:
        names = ", ".join(unanswered)
        reasons.append(f"did not answer requested field(s) {names} (the API key may not read them, or unknown)")
    if table.indexed:
        renamed = ", ".join(f"{f!r} came back as {key!r}" for f, key in table.indexed.items())
        reasons.append(f"answered fields asked for by number under indexed keys: {renamed} (ask by alias)")
    message = f"BambooHR {'; and '.join(reasons)}"
    if not config.allow_missing_fields:
        raise SourceDataError(f"{message}; set allow_missing_fields: true to extract without them")
    logger.warning("%s; extracted without them (allow_missing_fields)", message)


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
            query=dict(CUSTOM_REPORT_PARAMS),
            body={"title": title, "fields": list(config.fields)},
            missing_fields=table.missing,
        )
    return asked
