"""CSV in and out, streamed: records from a byte stream, and rows into the object store with a manifest.

Neither side holds more than one record (plus one network chunk) in memory, whatever the file's size.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, BinaryIO

from xo_core.errors import SourceDataError
from xo_core.extractors.base import ExtractRequest
from xo_core.manifest import Manifest, manifest_key
from xo_core.storage.base import ObjectStore


def iter_text_lines(chunks: Iterable[bytes]) -> Iterator[str]:
    """Decode UTF-8 (a leading BOM dropped) incrementally and yield lines with their endings kept.

    Only ``\\n`` ends a line, as in a file opened with ``newline=""``: ``csv.reader`` then sees quoted
    newlines and ``\\r\\n`` endings exactly as it would in a file.
    """
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    pending = ""
    try:
        for chunk in chunks:
            pending += decoder.decode(chunk)
            if "\n" not in pending:
                continue
            cut = pending.rindex("\n") + 1
            yield from _split_on_newline(pending[:cut])
            pending = pending[cut:]
        pending += decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise SourceDataError(f"the CSV is not valid UTF-8: {exc}") from exc
    if pending:
        yield pending


def _split_on_newline(text: str) -> Iterator[str]:
    start = 0
    while (end := text.find("\n", start)) != -1:
        yield text[start : end + 1]
        start = end + 1


def iter_csv_records(chunks: Iterable[bytes]) -> Iterator[list[str]]:
    """CSV records from a stream of bytes; blank lines (before the header or anywhere) are skipped."""
    try:
        for record in csv.reader(iter_text_lines(chunks)):
            if record:
                yield record
    except csv.Error as exc:
        raise SourceDataError(f"the CSV could not be parsed: {exc}") from exc


class _HashingWriter:
    """A text sink for ``csv.writer`` that encodes to UTF-8, counts bytes and hashes them on the way out."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self.sha256 = hashlib.sha256()
        self.bytes = 0

    def write(self, text: str) -> int:
        data = text.encode("utf-8")
        self._raw.write(data)
        self.sha256.update(data)
        self.bytes += len(data)
        return len(text)


def write_csv_object(
    store: ObjectStore,
    bucket: str,
    key: str,
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    source_type: str,
    source_name: str,
    window_start: datetime,
    window_end: datetime,
    request: dict[str, Any],
    extractor_version: str,
    extracted_at: datetime | None = None,
) -> Manifest:
    """Stream ``header`` and ``rows`` as CSV to ``bucket/key``, then write its manifest beside it.

    An empty ``header`` means "nothing came back": the object is empty (0 bytes, no header line) and the
    manifest says ``header: []``, ``row_count: 0``. If ``rows`` raises, nothing is published.
    """
    row_count = 0
    with store.open_write(bucket, key) as raw:
        sink = _HashingWriter(raw)
        writer = csv.writer(sink, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        if header:
            writer.writerow(header)
        for row in rows:
            if not header:
                raise SourceDataError(f"{bucket}/{key}: rows came without a header")
            writer.writerow(row)
            row_count += 1
    manifest = Manifest(
        source_type=source_type,
        source_name=source_name,
        bucket=bucket,
        key=key,
        window_start=window_start,
        window_end=window_end,
        request=request,
        row_count=row_count,
        bytes=sink.bytes,
        sha256=sink.sha256.hexdigest(),
        header=list(header),
        extractor_version=extractor_version,
        extracted_at=extracted_at or datetime.now(UTC),
    )
    # The manifest comes last: a manifest never points at data that is not there.
    store.put_bytes(bucket, manifest_key(key), manifest.to_json_bytes())
    return manifest


def write_extract_csv(
    request: ExtractRequest,
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    source_type: str,
    asked: dict[str, Any],
    extractor_version: str,
) -> Manifest:
    """``write_csv_object`` to the request's object and window; ``asked`` is the manifest's ``request``."""
    return write_csv_object(
        request.store,
        request.bucket,
        request.key,
        header,
        rows,
        source_type=source_type,
        source_name=request.source_name,
        window_start=request.window_start,
        window_end=request.window_end,
        request=asked,
        extractor_version=extractor_version,
    )
