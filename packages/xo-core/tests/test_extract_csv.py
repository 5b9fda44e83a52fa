"""The CSV stream reader and the CSV object writer (with its manifest), on a real local object store."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from xo_core.errors import SourceDataError
from xo_core.extractors.csv_sink import iter_csv_records, write_csv_object
from xo_core.manifest import Manifest, manifest_key
from xo_core.storage.local import LocalObjectStore

START = datetime(2025, 1, 14, 5, tzinfo=UTC)
END = datetime(2025, 1, 15, 5, tzinfo=UTC)


def _bytewise(data: bytes) -> Iterator[bytes]:
    """One byte per chunk: every multi-byte character and every line ending is split across chunks."""
    for i in range(len(data)):
        yield data[i : i + 1]


def test_records_survive_bom_blank_lines_crlf_and_quoted_newlines() -> None:
    body = '\ufeff\r\n\r\nName,Note\r\n"Zoë","line one\r\nline two, with comma"\r\nBjörn,"say ""hi"""\r\n'
    expected = [["Name", "Note"], ["Zoë", "line one\r\nline two, with comma"], ["Björn", 'say "hi"']]
    assert list(iter_csv_records([body.encode()])) == expected
    assert list(iter_csv_records(_bytewise(body.encode()))) == expected


def test_records_of_an_empty_body_are_none() -> None:
    assert list(iter_csv_records([])) == []
    assert list(iter_csv_records([b"", b"\r\n"])) == []


def test_last_line_without_newline_is_read() -> None:
    assert list(iter_csv_records([b"a,b\n1,", b"2"])) == [["a", "b"], ["1", "2"]]


def test_undecodable_bytes_are_source_data_errors() -> None:
    with pytest.raises(SourceDataError, match="not valid UTF-8"):
        list(iter_csv_records([b"a,b\n\xff\xfe,1\n"]))


def _write(store: LocalObjectStore, header: list[str], rows: Iterator[list[str]] | list[list[str]]) -> Manifest:
    return write_csv_object(
        store,
        "ingest",
        "gladly/ct/2025-01-14.csv",
        header,
        rows,
        source_type="gladly_api",
        source_name="contact_timestamps",
        window_start=START,
        window_end=END,
        request={"metricSet": "ContactTimestampsReport"},
        extractor_version="gladly/1",
    )


def test_written_object_and_manifest_agree(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path)
    manifest = _write(store, ["Timestamp", "Note"], [["2025-01-14T10:00:00Z", 'a "quoted",\nvalue'], ["x", ""]])
    data = store.get_bytes("ingest", "gladly/ct/2025-01-14.csv")
    assert data == b'Timestamp,Note\n2025-01-14T10:00:00Z,"a ""quoted"",\nvalue"\nx,\n'
    assert manifest.row_count == 2
    assert manifest.bytes == len(data)
    assert manifest.sha256 == hashlib.sha256(data).hexdigest()
    stored = Manifest.from_json_bytes(store.get_bytes("ingest", manifest_key("gladly/ct/2025-01-14.csv")))
    assert stored == manifest
    assert stored.header == ["Timestamp", "Note"]


def test_no_header_means_an_empty_object(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path)
    manifest = _write(store, [], [])
    assert store.get_bytes("ingest", "gladly/ct/2025-01-14.csv") == b""
    assert (manifest.header, manifest.row_count, manifest.bytes) == ([], 0, 0)
    assert manifest.sha256 == hashlib.sha256(b"").hexdigest()


def test_failing_rows_publish_nothing(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path)

    def rows() -> Iterator[list[str]]:
        yield ["1", "2"]
        raise SourceDataError("the source broke off")

    with pytest.raises(SourceDataError, match="broke off"):
        _write(store, ["a", "b"], rows())
    assert list(store.list("ingest", "")) == []
    assert [p.name for p in (tmp_path / "ingest").rglob("*") if p.is_file()] == []
