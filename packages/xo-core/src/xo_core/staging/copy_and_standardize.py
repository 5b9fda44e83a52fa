"""The stage step: copy an ingested object to the stage bucket on the server, then peek at its header."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from xo_core.errors import ConfigError
from xo_core.staging.columns import standardize_columns
from xo_core.staging.header import peek_header
from xo_core.storage.base import ObjectStore

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StagedObject:
    """A staged CSV object and its header, as found and as it will be named in the warehouse."""

    bucket: str
    key: str
    uri: str
    size: int
    original_columns: list[str]
    columns: list[str]
    column_map: dict[str, str] = field(repr=False)
    bytes_read: int


def copy_and_standardize(
    store: ObjectStore,
    src_bucket: str,
    src_key: str,
    dst_bucket: str,
    dst_key: str,
    *,
    encoding: str = "utf-8",
) -> StagedObject:
    """Copy without downloading, read only the header of the copy, standardize its column names.

    On any failure after the copy (empty file, unreadable header, colliding names) the staged copy is deleted
    so nothing half-staged is visible, and the error is raised again. The source is never modified.
    """
    if (src_bucket, src_key) == (dst_bucket, dst_key):
        raise ConfigError(f"stage destination {store.uri(dst_bucket, dst_key)} is the source itself")
    info = store.copy(src_bucket, src_key, dst_bucket, dst_key)
    uri = store.uri(dst_bucket, dst_key)
    try:
        originals, bytes_read = peek_header(store, dst_bucket, dst_key, encoding=encoding)
        column_map = standardize_columns(originals, uri)
    except BaseException as exc:
        try:
            store.delete(dst_bucket, dst_key)
        except Exception as cleanup:
            logger.warning("could not delete the half-staged %s", uri, exc_info=True)
            exc.add_note(f"the staged copy {uri} could not be deleted: {cleanup}")
        raise
    return StagedObject(
        bucket=dst_bucket,
        key=dst_key,
        uri=uri,
        size=info.size,
        original_columns=originals,
        columns=[column_map[name] for name in originals],
        column_map=column_map,
        bytes_read=bytes_read,
    )
