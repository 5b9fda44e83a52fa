"""The Sprout extractor: one window of one customer's messages into one CSV object + manifest.

The request: ``POST /v1/{customer_id}/messages`` with ``filters`` (``group_id.eq(...)``,
``customer_profile_id.eq(...)``, ``created_time.in(START..END)``), the configured ``fields``, ``limit`` 100, the
pipeline's ``timezone`` and ``sort ["created_time:asc"]``, paged with ``page_cursor`` until a page comes without
``paging``.

The window's edges: START and END are the window's edges widened by a day each side, written as local
wall-clock times in the pipeline's time zone (seconds, no offset, as Sprout's examples write them). Sprout does
not say whether its ``timezone`` applies to the ``created_time`` filter, nor whether END is inclusive [U]: read
as UTC, or shifted by a DST change, or with END exclusive, a bound moves by at most the zone's UTC offset
(under 24 hours), so the widened range holds the window under every reading. Every row is then kept only if its
returned ``created_time`` is in ``[window_start, window_end)``: a message exactly at the start is in, one
exactly at the end is out, whatever Sprout does. ``created_time`` is therefore always requested, written only
if configured. The price is about two days more of pages per run.

Flattening (one CSV column per configured field, in the configured order, named by the field path itself;
the header never depends on what the data contains, so an empty window has the same header):
- a dotted path walks the nested JSON: ``from.guid`` is ``message["from"]["guid"]``,
  ``internal.sent_by.email`` is ``message["internal"]["sent_by"]["email"]``; anything missing is empty
  (an inbound message has no ``internal.sent_by``);
- a list on the path is walked item by item and the values joined with ``|`` in ascending order, numbers
  by value: ``internal.tags.id`` of ``[{"id": 7}, {"id": 12}]`` is ``7|12``;
- strings as sent; numbers as JSON writes them; booleans ``true``/``false``; null empty; an object asked for
  whole (the shorthands ``from``, ``internal``) is compact JSON with sorted keys.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from xo_core.errors import SourceDataError
from xo_core.extractors.base import ExtractRequest, ExtractResult
from xo_core.extractors.csv_sink import write_extract_csv
from xo_core.extractors.http import HttpExtractor, RetryPolicy
from xo_core.extractors.sprout.client import (
    DEFAULT_BASE_URL,
    REQUESTS_PER_MINUTE,
    SproutClient,
    messages_path,
)
from xo_core.extractors.sprout.config import SproutExtractorConfig
from xo_core.timezones import zone_named

SOURCE_TYPE = "sprout_api"
EXTRACTOR_VERSION = "sprout/2"
PAGE_LIMIT = 100
LIST_SEPARATOR = "|"
_WALL_CLOCK = "%Y-%m-%dT%H:%M:%S"
RANGE_MARGIN = timedelta(days=1)
"""How far the requested range reaches past each window edge: more than any UTC offset (at most 14 hours)."""


class SproutExtractor(HttpExtractor):
    """Extracts Sprout Social messages; registered as source_type ``sprout_api``."""

    source_type = SOURCE_TYPE

    def __init__(
        self,
        *,
        policy: RetryPolicy | None = None,
        timeout: float = 300.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        requests_per_minute: int = REQUESTS_PER_MINUTE,
    ) -> None:
        super().__init__(policy=policy, timeout=timeout, sleep=sleep)
        self._clock = clock
        self.requests_per_minute = requests_per_minute

    def extract(self, request: ExtractRequest[SproutExtractorConfig]) -> ExtractResult:
        """Write the window's CSV and manifest to ``request.bucket``/``request.key``."""
        config = request.config
        body = messages_body(config, request.window_start, request.window_end, zone_named(request.timezone))
        conn = request.require_connection()
        base_url = conn.base_url() if conn.host else DEFAULT_BASE_URL
        client = SproutClient(
            base_url,
            conn.password,
            policy=self.policy,
            timeout=self.timeout,
            sleep=self._sleep,
            clock=self._clock,
            requests_per_minute=self.requests_per_minute,
        )
        with client:
            rows = _rows(client, config, body, request.window_start, request.window_end)
            manifest = write_extract_csv(
                request,
                list(config.fields),
                rows,
                source_type=SOURCE_TYPE,
                asked={
                    "path": messages_path(config.customer_id),
                    "base_url": base_url,
                    "body": body,
                    "requested_range": "the window widened by a day each side",
                    "rows_trimmed_to": "created_time in [window_start, window_end)",
                    "connection_id": config.connection_id,
                    "timezone": request.timezone,
                    "run_id": request.run_id,
                },
                extractor_version=EXTRACTOR_VERSION,
            )
        return ExtractResult(bucket=request.bucket, key=request.key, manifest=manifest)


def messages_body(config: SproutExtractorConfig, start: datetime, end: datetime, tz: ZoneInfo) -> dict[str, Any]:
    """The JSON body of the first page (paging adds ``page_cursor``); see the module docstring for the range."""
    profiles = ", ".join(str(p) for p in config.profile_ids)
    lo = (start - RANGE_MARGIN).astimezone(tz).strftime(_WALL_CLOCK)
    hi = (end + RANGE_MARGIN).astimezone(tz).strftime(_WALL_CLOCK)
    return {
        "filters": [
            f"group_id.eq({config.group_id})",
            f"customer_profile_id.eq({profiles})",
            f"created_time.in({lo}..{hi})",
        ],
        "fields": list(dict.fromkeys([*config.fields, "created_time"])),
        "limit": PAGE_LIMIT,
        "timezone": tz.key,
        "sort": ["created_time:asc"],
    }


def _rows(
    client: SproutClient, config: SproutExtractorConfig, body: dict[str, Any], start: datetime, end: datetime
) -> Iterator[list[str]]:
    """The window's rows, flattened, each page as it comes; rows outside ``[start, end)`` are dropped."""
    fields = [field.split(".") for field in config.fields]
    for data in client.message_pages(config.customer_id, body):
        for message in data:
            if not isinstance(message, dict):
                raise SourceDataError(f"Sprout sent a message that is not an object: {str(message)[:200]!r}")
            if start <= _created(message) < end:
                yield [flatten(message, path) for path in fields]


def _created(message: dict[str, Any]) -> datetime:
    text = message.get("created_time")
    try:
        moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        raise SourceDataError(
            f"Sprout message {message.get('guid')!r} has no readable created_time: {text!r}"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def flatten(message: dict[str, Any], path: Sequence[str]) -> str:
    """The CSV cell of one field path of a message (see the module docstring)."""
    values = list(_walk(message, path))
    if len(values) == 1:
        return _cell(values[0])
    ordered = sorted(values, key=lambda v: (0, v, "") if _number(v) else (1, 0, _cell(v)))
    return LIST_SEPARATOR.join(_cell(v) for v in ordered)


def _walk(value: Any, path: Sequence[str]) -> Iterator[Any]:
    if isinstance(value, list):
        for item in value:
            yield from _walk(item, path)
    elif not path:
        if value is not None:
            yield value
    elif isinstance(value, dict) and path[0] in value:
        yield from _walk(value[path[0]], path[1:])


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _cell(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return json.dumps(value)
