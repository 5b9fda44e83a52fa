"""The object store interface: what extract, stage and load need from a bucket, nothing more.

Two backends implement it: a local folder (the embedded default, ``xo_core.storage.local``) and S3 through boto3
(``xo_core.storage.s3``). Keys are ``/``-separated and never start with ``/``.

Reading, copying or range-reading a missing object raises ``TerminalError`` on both backends; ``head`` returns
None instead. Copying an object onto itself is refused by callers (S3 refuses it too).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import BinaryIO, Protocol

PEEK_BYTES = 8192


@dataclass(frozen=True)
class ObjectInfo:
    bucket: str
    key: str
    size: int


class ObjectStore(Protocol):
    """A bucket-addressed object store."""

    def open_write(self, bucket: str, key: str) -> AbstractContextManager[BinaryIO]:
        """A binary writer that publishes the object only when the block exits without error.

        On an error nothing is published and an object already at ``key`` stays as it was.
        """
        ...

    def open_read(self, bucket: str, key: str) -> AbstractContextManager[BinaryIO]:
        """A streaming binary reader of the whole object."""
        ...

    def read_range(self, bucket: str, key: str, start: int, length: int) -> bytes:
        """Bytes ``[start, start + length)`` of the object (fewer at its end), without reading the rest."""
        ...

    def copy(self, src_bucket: str, src_key: str, dst_bucket: str, dst_key: str) -> ObjectInfo:
        """Copy an object without downloading it (server-side on S3, a hard link or copy locally)."""
        ...

    def put_bytes(self, bucket: str, key: str, data: bytes) -> ObjectInfo:
        """Write a small object (a manifest) atomically."""
        ...

    def get_bytes(self, bucket: str, key: str) -> bytes:
        """Read a small object whole."""
        ...

    def head(self, bucket: str, key: str) -> ObjectInfo | None:
        """The object's size, or None when it does not exist."""
        ...

    def list(self, bucket: str, prefix: str) -> Iterator[ObjectInfo]:
        """Every object whose key starts with ``prefix``, in key order."""
        ...

    def delete(self, bucket: str, key: str) -> None:
        """Remove an object; no error when it is already gone."""
        ...

    def uri(self, bucket: str, key: str) -> str:
        """Where a warehouse reads the object: a local path for the folder store, ``s3://bucket/key`` for S3."""
        ...
