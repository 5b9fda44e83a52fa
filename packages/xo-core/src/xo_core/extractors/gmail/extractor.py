"""The Gmail attachment extractor: the CSV attached to a report e-mail received in the window, into one object.

Steps: search (``messages.list``, ``q`` from the config, the window as epoch seconds widened by a day each
side), read each hit (``messages.get``), keep those whose ``internalDate`` lies in ``[window_start,
window_end)`` exactly (Gmail documents neither the edges of ``after:``/``before:`` nor whether they compare
``internalDate`` or the ``Date`` header) and that carry an attachment whose file name matches
``filename_pattern`` (a case-insensitive glob) and whose sender checks out (``xo_core.extractors.gmail.sender``:
the exact ``From`` address and, unless ``require_authentication: none``, Gmail's DMARC or DKIM pass; a message
that fails is ignored, logged and listed under ``ignored_messages`` in the manifest's request), then:
- ``pick: latest``: the newest such message (by ``internalDate``; a corrected resend wins) is streamed straight
  into the store; two matching attachments on that one message are ambiguous → ``SourceDataError``;
- ``pick: all``: every matching attachment, oldest first, each spooled to a local temporary file, then written
  under one header; different headers → ``SourceDataError``.
No match: ``on_missing: fail`` → ``InputMissing`` (terminal) naming the query; ``skip`` → ``InputMissing(skip=True)``;
``empty`` → an empty object whose manifest says ``header: []``, ``row_count: 0`` (``xo_core.extractors.arrival``).
``arrived`` runs the same search without downloading, for the ``wait_<source>`` sensor.
"""

from __future__ import annotations

import csv
import fnmatch
import logging
import math
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import IO, Any

from xo_core.errors import InputMissing, SourceDataError
from xo_core.extractors.base import ExtractRequest, ExtractResult
from xo_core.extractors.csv_sink import iter_csv_records, write_extract_csv
from xo_core.extractors.gmail.client import (
    DEFAULT_BASE_URL,
    MAX_PAGE_SIZE,
    SCOPES,
    AttachmentRef,
    GmailClient,
    MessageSummary,
    search_query,
)
from xo_core.extractors.gmail.config import GmailAttachmentExtractorConfig
from xo_core.extractors.gmail.sender import refusal
from xo_core.extractors.google_api import google_endpoint
from xo_core.extractors.http import HttpExtractor, RetryPolicy
from xo_core.manifest import Manifest

SOURCE_TYPE = "gmail_attachment"
EXTRACTOR_VERSION = "gmail_attachment/3"
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Hit:
    """A message received in the window and its attachments that match the pattern."""

    message: MessageSummary
    attachments: tuple[AttachmentRef, ...]


@dataclass(frozen=True)
class _Ignored:
    """A message the search found, received in the window with a matching attachment, whose sender failed."""

    message: MessageSummary
    reason: str

    def record(self) -> dict[str, str]:
        return {"message_id": self.message.id, "from": self.message.sender, "reason": self.reason}


@dataclass
class _Spool:
    header: list[str]
    file: IO[str]


class GmailAttachmentExtractor(HttpExtractor):
    """Extracts report CSVs attached to e-mails; registered as source_type ``gmail_attachment``."""

    source_type = SOURCE_TYPE

    def __init__(
        self,
        *,
        policy: RetryPolicy | None = None,
        timeout: float = 300.0,
        sleep: Callable[[float], None] = time.sleep,
        page_size: int = MAX_PAGE_SIZE,
    ) -> None:
        super().__init__(policy=policy, timeout=timeout, sleep=sleep)
        self.page_size = page_size

    def extract(self, request: ExtractRequest[GmailAttachmentExtractorConfig]) -> ExtractResult:
        """Write the window's attachment CSV (or an empty object) and its manifest."""
        config = request.config
        client, q, base_url = self._client(request)
        with client:
            hits, ignored = self._hits(client, q, config, request)
            chosen = _choose(hits, config)
            info = _manifest_request(request, config, q, base_url, chosen, len(hits), ignored)
            if not chosen:
                if config.on_missing != "empty":
                    raise InputMissing(
                        f"no Gmail message in {config.user_id}'s mailbox matched q={q!r} with an attachment like "
                        f"{config.filename_pattern!r} received in [{request.window_start.isoformat()}, "
                        f"{request.window_end.isoformat()}){_ignored_note(ignored)}; nothing was written",
                        skip=config.on_missing == "skip",
                    )
                manifest = _write(request, info, [], iter(()))
            elif len(chosen) == 1:
                manifest = client.attachment(chosen[0], lambda data: _write(request, info, *_records(chosen[0], data)))
            else:
                manifest = _write_spooled(client, request, info, chosen)
        return ExtractResult(bucket=request.bucket, key=request.key, manifest=manifest)

    def arrived(self, request: ExtractRequest[GmailAttachmentExtractorConfig]) -> str | None:
        """The matching messages of the window from a verified sender, or None while there is none (the same
        search as ``extract``; no attachment is downloaded)."""
        client, q, _ = self._client(request)
        with client:
            hits, _ignored = self._hits(client, q, request.config, request)
        if not hits:
            return None
        return f"{len(hits)} Gmail message(s) matching q={q!r}: {', '.join(h.message.id for h in hits[:5])}"

    def _client(self, request: ExtractRequest[GmailAttachmentExtractorConfig]) -> tuple[GmailClient, str, str]:
        """The API client, the search query and the base URL of one extraction."""
        config = request.config
        base_url, credentials = google_endpoint(
            request.require_connection(), SCOPES, DEFAULT_BASE_URL, sleep=self._sleep
        )
        q = search_query(
            from_address=config.from_address,
            subject=config.subject,
            filename_hint=filename_hint(config.filename_pattern),
            start=request.window_start,
            end=request.window_end,
        )
        client = GmailClient(
            base_url,
            credentials,
            user_id=config.user_id,
            policy=self.policy,
            timeout=self.timeout,
            sleep=self._sleep,
        )
        return client, q, base_url

    def _hits(
        self, client: GmailClient, q: str, config: GmailAttachmentExtractorConfig, request: ExtractRequest
    ) -> tuple[list[_Hit], list[_Ignored]]:
        # Whole milliseconds: internalDate >= start (a real) <=> internalDate >= ceil(start), the same for end.
        start_ms = math.ceil(request.window_start.timestamp() * 1000)
        end_ms = math.ceil(request.window_end.timestamp() * 1000)
        pattern = config.filename_pattern.lower()
        hits: list[_Hit] = []
        ignored: list[_Ignored] = []
        for message_id in client.message_ids(q, page_size=self.page_size):
            message = client.message(message_id)
            if not start_ms <= message.internal_date_ms < end_ms:
                continue
            matching = tuple(a for a in message.attachments if fnmatch.fnmatchcase(a.filename.lower(), pattern))
            if not matching:
                continue
            reason = refusal(message.headers, config.from_address, config.require_authentication)
            if reason is None:
                hits.append(_Hit(message, matching))
                continue
            ignored.append(_Ignored(message, reason))
            logger.warning(
                "Gmail message %s ignored: its sender is not verified as %s (%s); From: %r",
                message.id,
                config.from_address,
                reason,
                message.sender[:200],
            )
        return hits, ignored


def _ignored_note(ignored: list[_Ignored]) -> str:
    if not ignored:
        return ""
    return f" from a verified sender ({len(ignored)} ignored: {'; '.join(i.reason for i in ignored[:3])})"


def filename_hint(pattern: str) -> str | None:
    """What Gmail's ``filename:`` can narrow to: the name itself without wildcards, else a plain extension."""
    if not any(ch in pattern for ch in "*?["):
        return pattern
    _, dot, extension = pattern.rpartition(".")
    return extension if dot and extension and not any(ch in extension for ch in "*?[") else None


def _choose(hits: list[_Hit], config: GmailAttachmentExtractorConfig) -> list[AttachmentRef]:
    ordered = sorted(hits, key=lambda h: (h.message.internal_date_ms, h.message.id))
    if config.pick == "all":
        return [a for hit in ordered for a in hit.attachments]
    if not ordered:
        return []
    latest = ordered[-1]
    if len(latest.attachments) > 1:
        names = ", ".join(a.filename for a in latest.attachments)
        raise SourceDataError(
            f"Gmail message {latest.message.id} has {len(latest.attachments)} attachments matching "
            f"{config.filename_pattern!r} ({names}); narrow filename_pattern"
        )
    return [latest.attachments[0]]


def _records(ref: AttachmentRef, data: Iterator[bytes]) -> tuple[list[str], Iterator[list[str]]]:
    """The attachment's header and its rows, each row checked against the header's width."""
    records = iter_csv_records(data)
    header = next(records, None)
    if header is None:
        return [], iter(())
    return header, _checked(ref, len(header), records)


def _checked(ref: AttachmentRef, width: int, records: Iterator[list[str]]) -> Iterator[list[str]]:
    for number, row in enumerate(records, start=1):
        if len(row) != width:
            raise SourceDataError(
                f"{ref.filename} (message {ref.message_id}): row {number} has {len(row)} fields "
                f"where the header has {width}"
            )
        yield row


def _spool(ref: AttachmentRef, data: Iterator[bytes]) -> _Spool:
    """One attachment's rows in a temporary file; closed (and so removed) at once if anything fails."""
    header, rows = _records(ref, data)
    file = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")  # noqa: SIM115 - closed by the caller
    try:
        csv.writer(file, lineterminator="\n").writerows(rows)
        file.seek(0)
    except BaseException:
        file.close()
        raise
    return _Spool(header, file)


def _write_spooled(
    client: GmailClient, request: ExtractRequest, info: dict[str, Any], refs: list[AttachmentRef]
) -> Manifest:
    with ExitStack() as cleanup:
        spools: list[_Spool] = []
        for ref in refs:
            spool = client.attachment(ref, lambda data, ref=ref: _spool(ref, data))
            cleanup.callback(spool.file.close)
            spools.append(spool)
        headers = {tuple(s.header) for s in spools if s.header}
        if len(headers) > 1:
            names = ", ".join(f"{r.filename}: {s.header}" for r, s in zip(refs, spools, strict=True))
            raise SourceDataError(f"the attachments of the window have different headers ({names})")
        header = list(next(iter(headers), ()))
        rows = (row for spool in spools for row in csv.reader(spool.file))
        return _write(request, info, header, rows)


def _write(request: ExtractRequest, info: dict[str, Any], header: list[str], rows: Iterator[list[str]]) -> Manifest:
    return write_extract_csv(
        request, header, rows, source_type=SOURCE_TYPE, asked=info, extractor_version=EXTRACTOR_VERSION
    )


def _manifest_request(
    request: ExtractRequest,
    config: GmailAttachmentExtractorConfig,
    q: str,
    base_url: str,
    chosen: list[AttachmentRef],
    matched: int,
    ignored: list[_Ignored],
) -> dict[str, Any]:
    """What was asked and what was taken, for the manifest; never the credentials."""
    return {
        "base_url": base_url,
        "user_id": config.user_id,
        "q": q,
        "window_filter": "internalDate in [window_start, window_end)",
        "filename_pattern": config.filename_pattern,
        "pick": config.pick,
        "on_missing": config.on_missing,
        "messages_matched": matched,
        "require_authentication": config.require_authentication,
        "ignored_messages": [i.record() for i in ignored],
        "attachments": [{"message_id": a.message_id, "filename": a.filename, "size": a.size} for a in chosen],
        "connection_id": config.connection_id,
        "run_id": request.run_id,
    }
