"""Read a CSV object's header with range reads: 8 KiB first, more only when the first record is longer."""

from __future__ import annotations

import codecs
import csv
import io

from xo_core.errors import SourceDataError
from xo_core.storage.base import PEEK_BYTES, ObjectStore

MAX_HEADER_BYTES = 1024 * 1024

# States of the scan for the end of the first record, mirroring the csv module's default dialect.
_START_FIELD, _IN_FIELD, _IN_QUOTED, _QUOTE_IN_QUOTED = range(4)


def first_record_end(text: str) -> int:
    """Index of the line break that ends the first CSV record, or -1 when the record is not complete yet.

    A quote opens a quoted field only at the start of a field, and a line break inside one is data.
    """
    state = _START_FIELD
    for index, char in enumerate(text):
        if state == _IN_QUOTED:
            if char == '"':
                state = _QUOTE_IN_QUOTED
        elif char in "\r\n":
            return index
        elif char == ",":
            state = _START_FIELD
        elif state == _START_FIELD and char == '"':
            state = _IN_QUOTED
        elif state == _QUOTE_IN_QUOTED and char == '"':
            state = _IN_QUOTED  # a doubled quote inside a quoted field
        else:
            state = _IN_FIELD
    return -1


def peek_header(store: ObjectStore, bucket: str, key: str, *, encoding: str = "utf-8") -> tuple[list[str], int]:
    """The header's column names and how many bytes were read to find them.

    Reads ``PEEK_BYTES`` and, while the first record is still open, as many bytes again (8, 16, 32 KiB …)
    up to 1 MiB. A UTF-8 BOM and blank lines before the header are skipped.
    """
    uri = store.uri(bucket, key)
    # Incremental, so a multi-byte character cut at a range boundary waits for its other bytes.
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    text = ""
    read = 0
    want = PEEK_BYTES
    while True:
        chunk = store.read_range(bucket, key, read, want)
        read += len(chunk)
        at_end = len(chunk) < want
        try:
            text += decoder.decode(chunk, final=at_end)
        except UnicodeDecodeError as exc:
            raise SourceDataError(f"header of {uri} is not valid {encoding} near byte {read}: {exc.reason}") from exc
        body = text.removeprefix("\ufeff").lstrip("\r\n")
        end = first_record_end(body)
        if end >= 0 or at_end:
            break
        if read >= MAX_HEADER_BYTES:
            raise SourceDataError(f"header of {uri} does not end within {MAX_HEADER_BYTES} bytes")
        want = min(read, MAX_HEADER_BYTES - read)
    if not body:
        raise SourceDataError(f"{uri} is an empty file (no header)")
    record = body if end < 0 else body[:end]
    try:
        columns = next(csv.reader(io.StringIO(record, newline=""), strict=True))
    except csv.Error as exc:
        raise SourceDataError(f"header of {uri} is not valid CSV: {exc}") from exc
    return columns, read
