"""Stream an uploaded CSV once and check it: decodable, a usable header, every row as wide as the header.

Nothing is held but one record and one read chunk, nothing is written to local disk. Every refusal is a
``SourceDataError`` naming the file and the problem: an empty file, no header, duplicate or colliding column
names (as the stage step would standardize them), a ragged row (with its line number), text that does not
decode (with the byte offset).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from xo_core.errors import SourceDataError
from xo_core.staging.columns import standardize_columns

READ_CHUNK = 256 * 1024


@dataclass
class CsvTable:
    """A CSV being read: its header and an iterator over its data rows (checked as they come)."""

    header: list[str]
    rows: Iterator[list[str]]


@dataclass
class ByteTally:
    """Bytes seen so far and their sha256 (of the bytes as stored, BOM included)."""

    bytes: int = 0
    sha256: str = ""


def read_chunks(handle: BinaryIO, tally: ByteTally | None = None) -> Iterator[bytes]:
    """The stream in ``READ_CHUNK`` pieces, counted and hashed into ``tally`` on the way."""
    digest = hashlib.sha256()
    while chunk := handle.read(READ_CHUNK):
        digest.update(chunk)
        if tally is not None:
            tally.bytes += len(chunk)
        yield chunk
    if tally is not None:
        tally.sha256 = digest.hexdigest()


def _lines(chunks: Iterable[bytes], encoding: str, name: str) -> Iterator[str]:
    """Decoded lines ending in ``\\n`` (a leading BOM dropped), as a file opened with ``newline=""`` gives them."""
    codec = "utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    consumed = 0  # bytes handed to the decoder before the current chunk
    pending = ""
    for data, final in chunks_with_end(chunks):
        buffered = len(decoder.getstate()[0])
        try:
            pending += decoder.decode(data, final=final)
        except UnicodeDecodeError as exc:
            offset = consumed - buffered + exc.start
            raise SourceDataError(
                f"{name} is not valid {encoding} at byte {offset} ({exc.reason}); "
                "set extractor.encoding if the file uses another encoding"
            ) from exc
        consumed += len(data)
        if "\n" in pending:
            cut = pending.rindex("\n") + 1
            yield from _split_after_newlines(pending[:cut])
            pending = pending[cut:]
    if pending:
        yield pending


def _split_after_newlines(text: str) -> Iterator[str]:
    # Only \n ends a line (not str.splitlines' \r, \x1c, \u2028 ...): quoted fields keep their characters.
    start = 0
    while (end := text.find("\n", start)) != -1:
        yield text[start : end + 1]
        start = end + 1


def chunks_with_end(chunks: Iterable[bytes]) -> Iterator[tuple[bytes, bool]]:
    """Each chunk with False, then an empty final chunk with True (so the decoder flushes)."""
    for chunk in chunks:
        yield chunk, False
    yield b"", True


def read_table(chunks: Iterable[bytes], *, encoding: str, name: str) -> CsvTable:
    """The header (checked for standardization collisions) and the checked rows of a CSV byte stream."""
    records = _records(_lines(chunks, encoding, name), name)
    first = next(records, None)
    if first is None:
        raise SourceDataError(f"{name} has no header line (nothing but blank lines)")
    _, header = first
    standardize_columns(header, name)
    return CsvTable(header, _checked(header, records, name))


def _records(lines: Iterator[str], name: str) -> Iterator[tuple[int, list[str]]]:
    """(line number where the record ends, record) for each non-blank record."""
    reader = csv.reader(lines)
    line = 0
    try:
        for record in reader:
            line = reader.line_num
            if record:  # blank lines are skipped, as every CSV loader does
                yield line, record
    except csv.Error as exc:
        raise SourceDataError(f"{name}: the CSV breaks after line {line}: {exc}") from exc


def _checked(header: list[str], records: Iterator[tuple[int, list[str]]], name: str) -> Iterator[list[str]]:
    width = len(header)
    for line, record in records:
        if len(record) != width:
            raise SourceDataError(
                f"{name}: the row ending on line {line} has {len(record)} fields where the header has {width}"
            )
        yield record
