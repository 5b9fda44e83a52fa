"""Check a landed object against the manifest written beside it: bytes, sha256 and data rows.

``xo-foundry replay`` reloads from what is already in the ingest bucket, so what it reloads must be what was
extracted: a missing object or manifest, or an object whose size, hash or row count differ, is refused with a
``SourceDataError`` naming it. The object is streamed once (``read_chunks``), never held whole.
"""

from __future__ import annotations

from xo_core.errors import SourceDataError
from xo_core.extractors.s3_upload.validate import ByteTally, read_chunks, read_table
from xo_core.manifest import Manifest, manifest_key
from xo_core.storage.base import ObjectStore


def verified_manifest(store: ObjectStore, bucket: str, key: str) -> Manifest:
    """The object's manifest, once the object matches it in bytes, sha256 and rows."""
    uri, manifest_uri = store.uri(bucket, key), store.uri(bucket, manifest_key(key))
    if store.head(bucket, manifest_key(key)) is None:
        raise SourceDataError(f"{manifest_uri} is missing: nothing to check {uri} against")
    if store.head(bucket, key) is None:
        raise SourceDataError(f"{uri} is missing (its manifest is there): it cannot be replayed")
    manifest = Manifest.from_json_bytes(store.get_bytes(bucket, manifest_key(key)))
    tally = ByteTally()
    unreadable: SourceDataError | None = None
    rows: int | str = "unknown"
    with store.open_read(bucket, key) as handle:
        chunks = read_chunks(handle, tally)
        try:
            if manifest.row_count == 0 and not manifest.header:
                rows = sum(1 for chunk in chunks if chunk)  # an empty window without a header: an empty body
            else:
                rows = sum(1 for _ in read_table(chunks, encoding="utf-8", name=uri).rows)
        except SourceDataError as exc:
            unreadable = exc
            for _ in chunks:  # read to the end, so that the size and hash are the whole object's
                pass
    problems = [
        f"{what} {found} where the manifest says {expected}"
        for what, found, expected in (
            ("bytes", tally.bytes, manifest.bytes),
            ("sha256", tally.sha256, manifest.sha256),
            ("rows", rows, manifest.row_count),
        )
        if found != expected
    ]
    if unreadable is not None:
        problems.append(f"not the CSV that was extracted ({unreadable})")
    if problems:
        raise SourceDataError(f"{uri} does not match its manifest: {'; '.join(problems)}")
    return manifest
