"""One behavioural suite for every ObjectStore backend: the local folder and S3 (moto's server)."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable

import pytest

from xo_core.errors import TerminalError
from xo_core.storage.base import ObjectInfo, ObjectStore
from xo_core.storage.local import LocalObjectStore

MIB = 1024 * 1024


class Boom(Exception):
    pass


def _blocks(total: int, block: int = 64 * 1024) -> list[bytes]:
    """Deterministic, non-repeating-looking content in blocks."""
    out = []
    for index in range(0, total, block):
        seed = hashlib.sha256(str(index).encode()).digest()
        out.append((seed * (block // len(seed) + 1))[: min(block, total - index)])
    return out


def test_put_get_and_head(object_store: ObjectStore, object_bucket: str) -> None:
    info = object_store.put_bytes(object_bucket, "a/b/manifest.json", b'{"rows": 3}\n')
    assert info == ObjectInfo(object_bucket, "a/b/manifest.json", 12)
    assert object_store.get_bytes(object_bucket, "a/b/manifest.json") == b'{"rows": 3}\n'
    assert object_store.head(object_bucket, "a/b/manifest.json") == info
    assert object_store.head(object_bucket, "a/b/missing.json") is None
    assert object_store.head(object_bucket, "a/b") is None  # a "folder" is not an object


def test_put_replaces_existing_object(object_store: ObjectStore, object_bucket: str) -> None:
    object_store.put_bytes(object_bucket, "k.txt", b"old content")
    object_store.put_bytes(object_bucket, "k.txt", b"new")
    assert object_store.get_bytes(object_bucket, "k.txt") == b"new"


def test_streaming_write_and_read_round_trip(object_store: ObjectStore, object_bucket: str) -> None:
    blocks = _blocks(10 * MIB + 123)  # over one 8 MiB part on S3
    expected = hashlib.sha256(b"".join(blocks)).hexdigest()
    with object_store.open_write(object_bucket, "big.bin") as handle:
        for block in blocks:
            handle.write(block)
    assert object_store.head(object_bucket, "big.bin") == ObjectInfo(object_bucket, "big.bin", 10 * MIB + 123)
    digest = hashlib.sha256()
    with object_store.open_read(object_bucket, "big.bin") as handle:
        while chunk := handle.read(1 * MIB):
            digest.update(chunk)
    assert digest.hexdigest() == expected


def test_error_inside_write_publishes_nothing(object_store: ObjectStore, object_bucket: str) -> None:
    with pytest.raises(Boom), object_store.open_write(object_bucket, "out.csv") as handle:
        handle.write(b"id,name\n1,half a row")
        raise Boom
    assert object_store.head(object_bucket, "out.csv") is None
    assert list(object_store.list(object_bucket, "")) == []


def test_error_inside_write_keeps_the_old_object(object_store: ObjectStore, object_bucket: str) -> None:
    object_store.put_bytes(object_bucket, "out.csv", b"id\n1\n")
    with pytest.raises(Boom), object_store.open_write(object_bucket, "out.csv") as handle:
        for block in _blocks(9 * MIB):
            handle.write(block)
        raise Boom
    assert object_store.get_bytes(object_bucket, "out.csv") == b"id\n1\n"
    assert [i.key for i in object_store.list(object_bucket, "")] == ["out.csv"]


def test_text_writer_closed_inside_the_block_still_publishes(object_store: ObjectStore, object_bucket: str) -> None:
    # An extractor writes CSV through a TextIOWrapper, which closes the binary handle when it closes.
    with (
        object_store.open_write(object_bucket, "rows.csv") as handle,
        io.TextIOWrapper(handle, encoding="utf-8", newline="") as text,
    ):
        csv.writer(text).writerows([["id", "note"], ["1", "a, b"]])
    assert object_store.get_bytes(object_bucket, "rows.csv") == b'id,note\r\n1,"a, b"\r\n'


@pytest.mark.parametrize(
    ("start", "length", "expected"),
    [
        (0, 4, b"0123"),
        (3, 4, b"3456"),
        (8, 10, b"89"),  # runs past the end: only what is there
        (10, 5, b""),  # starts at the end
        (50, 5, b""),  # starts past the end
        (2, 0, b""),
    ],
)
def test_read_range(object_store: ObjectStore, object_bucket: str, start: int, length: int, expected: bytes) -> None:
    object_store.put_bytes(object_bucket, "digits.txt", b"0123456789")
    assert object_store.read_range(object_bucket, "digits.txt", start, length) == expected


def test_copy_between_buckets(object_store: ObjectStore, new_object_bucket: Callable[[], str]) -> None:
    ingest, stage = new_object_bucket(), new_object_bucket()
    object_store.put_bytes(ingest, "d/s/full_refresh/2025-01-15/x.csv", b"a,b\n1,2\n")
    object_store.put_bytes(stage, "d/s/full_refresh/2025-01-15/x.csv", b"stale staged copy\n")
    info = object_store.copy(ingest, "d/s/full_refresh/2025-01-15/x.csv", stage, "d/s/full_refresh/2025-01-15/x.csv")
    assert info == ObjectInfo(stage, "d/s/full_refresh/2025-01-15/x.csv", 8)
    assert object_store.get_bytes(stage, "d/s/full_refresh/2025-01-15/x.csv") == b"a,b\n1,2\n"
    # A later rewrite of the source leaves the copy as it was (locally: writes replace, never modify, a file).
    object_store.put_bytes(ingest, "d/s/full_refresh/2025-01-15/x.csv", b"a,b\n9,9\n")
    assert object_store.get_bytes(stage, "d/s/full_refresh/2025-01-15/x.csv") == b"a,b\n1,2\n"
    assert object_store.get_bytes(ingest, "d/s/full_refresh/2025-01-15/x.csv") == b"a,b\n9,9\n"


def test_copy_of_missing_object_fails(object_store: ObjectStore, object_bucket: str) -> None:
    with pytest.raises(TerminalError):
        object_store.copy(object_bucket, "nope.csv", object_bucket, "copy.csv")
    assert object_store.head(object_bucket, "copy.csv") is None


def test_list_in_key_order_with_prefix(object_store: ObjectStore, object_bucket: str) -> None:
    keys = ["b/2.csv", "a/c/1.csv", "a-b.csv", "a/b.csv", "ab/x.csv", "a/b.csv.manifest.json", "b/10.csv"]
    for key in keys:
        object_store.put_bytes(object_bucket, key, key.encode())
    assert [i.key for i in object_store.list(object_bucket, "")] == sorted(keys)
    assert [i.key for i in object_store.list(object_bucket, "a/")] == [
        "a/b.csv",
        "a/b.csv.manifest.json",
        "a/c/1.csv",
    ]
    assert [i.key for i in object_store.list(object_bucket, "a")] == [k for k in sorted(keys) if k.startswith("a")]
    assert [i.key for i in object_store.list(object_bucket, "a/b")] == ["a/b.csv", "a/b.csv.manifest.json"]
    assert [i.size for i in object_store.list(object_bucket, "b/")] == [len("b/10.csv"), len("b/2.csv")]
    assert list(object_store.list(object_bucket, "zzz")) == []


def test_delete_is_idempotent(object_store: ObjectStore, object_bucket: str) -> None:
    object_store.put_bytes(object_bucket, "x/y.csv", b"1")
    object_store.delete(object_bucket, "x/y.csv")
    object_store.delete(object_bucket, "x/y.csv")
    assert object_store.head(object_bucket, "x/y.csv") is None
    assert list(object_store.list(object_bucket, "")) == []


def test_reading_a_missing_object_is_terminal(object_store: ObjectStore, object_bucket: str) -> None:
    with pytest.raises(TerminalError):
        object_store.get_bytes(object_bucket, "missing.csv")
    with pytest.raises(TerminalError), object_store.open_read(object_bucket, "missing.csv"):
        pass


def test_uri(object_store: ObjectStore, object_bucket: str) -> None:
    uri = object_store.uri(object_bucket, "d/s/x.csv")
    if isinstance(object_store, LocalObjectStore):
        assert uri == str(object_store.root / object_bucket / "d" / "s" / "x.csv")
    else:
        assert uri == f"s3://{object_bucket}/d/s/x.csv"
