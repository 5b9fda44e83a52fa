"""The S3 upload extractor: CSV files people drop under a prefix, taken into the ingest bucket unchanged.

Which files: the objects under ``prefix`` whose name (the key after the prefix) matches the glob ``pattern``.
A pattern with ``{date}`` (``2025-01-14``) or ``{yyyymmdd}`` (``20250114``) is resolved once per local day of
the window (in the run's timezone), so ``qa_scores_{yyyymmdd}.csv`` picks exactly the window's files: a rerun
of a past day takes that day's file, and a file re-uploaded late still lands on its own day. A pattern without
a placeholder takes every matching file under the prefix, whatever its age (the object store interface has no
upload time, and "the file that is there" is what a replaced-in-place upload means). No file → ``on_missing``
(``xo_core.extractors.arrival``): ``InputMissing`` naming bucket, prefix and pattern (``fail``, ``skip``), or an
empty object (``empty``). ``arrived`` lists the same files without taking them, for the ``wait_<source>`` sensor.

How, never downloading:
- one UTF-8 file: a server-side ``store.copy`` to the ingest key (a hard link locally), then ONE streamed read
  of the copy to count rows, hash it and check it (``validate``). The bytes stay exactly as uploaded (BOM, CRLF).
- several files, or an ``encoding`` other than UTF-8: the files are streamed through the csv module into one
  UTF-8 CSV at the ingest key (the warehouse loads UTF-8 only). That is a rewrite, not a copy: the bytes pass
  through this worker (memory stays flat), quoting is normalized and the sha256 is that of the rewrite. Several
  files are concatenated under one header only when their headers are identical; otherwise refused.
A refused file raises ``SourceDataError`` before any manifest is written, and the ingest object is removed (or,
for a rewrite, never published): nothing reaches the stage or load steps, BRONZE is untouched.
"""

from __future__ import annotations

import codecs
import fnmatch
import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from xo_core.errors import InputMissing, SourceDataError
from xo_core.extractors.base import ExtractRequest, ExtractResult
from xo_core.extractors.csv_sink import write_extract_csv
from xo_core.extractors.s3_upload.config import S3UploadExtractorConfig
from xo_core.extractors.s3_upload.validate import ByteTally, CsvTable, read_chunks, read_table
from xo_core.manifest import Manifest, manifest_key
from xo_core.storage.base import ObjectInfo, ObjectStore
from xo_core.timezones import zone_named

logger = logging.getLogger(__name__)

SOURCE_TYPE = "s3_upload"
EXTRACTOR_VERSION = "s3_upload/1"
PLACEHOLDERS = {"{date}": "%Y-%m-%d", "{yyyymmdd}": "%Y%m%d"}


class S3UploadExtractor:
    """Takes uploaded CSV files into the ingest bucket; registered as source_type ``s3_upload``."""

    source_type = SOURCE_TYPE

    def __init__(self, *, landing_bucket: str | None = None) -> None:
        # None: the environment's landing bucket, looked up when the extraction runs.
        self.landing_bucket = landing_bucket

    def extract(self, request: ExtractRequest[S3UploadExtractorConfig]) -> ExtractResult:
        """Copy (or rewrite) the window's uploads to ``request.bucket``/``request.key`` and write the manifest."""
        config = request.config
        bucket = self.landing_bucket or _environment_landing_bucket()
        patterns = resolve_patterns(config.pattern, request)
        files = find_uploads(request.store, bucket, config.prefix, patterns)
        if not files:
            return self._missing(request, bucket, patterns)
        for info in files:
            if info.size == 0:
                raise SourceDataError(f"{request.store.uri(bucket, info.key)} is empty (0 bytes)")
        asked = _manifest_request(request, config, bucket, patterns, files)
        if len(files) == 1 and codecs.lookup(config.encoding).name == "utf-8":
            manifest = _copy_and_check(request, files[0], asked | {"mode": "copy"})
        else:
            manifest = _rewrite(request, config, files, asked | {"mode": "rewrite"})
        return ExtractResult(bucket=request.bucket, key=request.key, manifest=manifest)

    def arrived(self, request: ExtractRequest[S3UploadExtractorConfig]) -> str | None:
        """The window's uploads (``bucket/key`` list), or None while there is none: one listing of the prefix."""
        config = request.config
        bucket = self.landing_bucket or _environment_landing_bucket()
        files = find_uploads(request.store, bucket, config.prefix, resolve_patterns(config.pattern, request))
        return ", ".join(request.store.uri(bucket, f.key) for f in files) or None

    def _missing(
        self, request: ExtractRequest[S3UploadExtractorConfig], bucket: str, patterns: list[str]
    ) -> ExtractResult:
        """No upload: ``InputMissing`` (``on_missing: fail`` or ``skip``), or an empty object (``empty``)."""
        config = request.config
        resolved = f" (resolved: {', '.join(patterns)})" if patterns != [config.pattern] else ""
        where = f"bucket {bucket!r} under prefix {config.prefix!r} matches pattern {config.pattern!r}{resolved}"
        if config.on_missing != "empty":
            raise InputMissing(f"no upload in {where}", skip=config.on_missing == "skip")
        logger.info("no upload in %s: on_missing is empty, writing an empty object", where)
        asked = _manifest_request(request, config, bucket, patterns, []) | {"mode": "empty"}
        manifest = write_extract_csv(
            request, [], iter(()), source_type=SOURCE_TYPE, asked=asked, extractor_version=EXTRACTOR_VERSION
        )
        return ExtractResult(bucket=request.bucket, key=request.key, manifest=manifest)


def _environment_landing_bucket() -> str:
    from xo_core.environment import environment

    return environment().landing_bucket


def resolve_patterns(pattern: str, request: ExtractRequest) -> list[str]:
    """The pattern once per local day of the window when it holds a placeholder, else the pattern itself."""
    if not any(p in pattern for p in PLACEHOLDERS):
        return [pattern]
    tz = zone_named(request.timezone)
    first = request.window_start.astimezone(tz).date()
    last = (request.window_end - timedelta(microseconds=1)).astimezone(tz).date()
    resolved: list[str] = []
    day: date = first
    while day <= last:
        text = pattern
        for placeholder, fmt in PLACEHOLDERS.items():
            text = text.replace(placeholder, day.strftime(fmt))
        resolved.append(text)
        day += timedelta(days=1)
    return resolved


def find_uploads(store: ObjectStore, bucket: str, prefix: str, patterns: list[str]) -> list[ObjectInfo]:
    """Objects under ``prefix`` whose key after the prefix matches one of ``patterns``, in key order."""
    return [
        info
        for info in store.list(bucket, prefix)
        if any(fnmatch.fnmatchcase(info.key[len(prefix) :], p) for p in patterns)
    ]


def _copy_and_check(request: ExtractRequest, source: ObjectInfo, asked: dict[str, Any]) -> Manifest:
    store = request.store
    name = store.uri(source.bucket, source.key)
    store.copy(source.bucket, source.key, request.bucket, request.key)
    try:
        tally = ByteTally()
        with store.open_read(request.bucket, request.key) as handle:
            table = read_table(read_chunks(handle, tally), encoding="utf-8", name=name)
            rows = sum(1 for _ in table.rows)
        manifest = Manifest(
            source_type=SOURCE_TYPE,
            source_name=request.source_name,
            bucket=request.bucket,
            key=request.key,
            window_start=request.window_start,
            window_end=request.window_end,
            request=asked,
            row_count=rows,
            bytes=tally.bytes,
            sha256=tally.sha256,
            header=table.header,
            extractor_version=EXTRACTOR_VERSION,
            extracted_at=datetime.now(UTC),
        )
        store.put_bytes(request.bucket, manifest_key(request.key), manifest.to_json_bytes())
    except BaseException as exc:
        _discard(store, request.bucket, request.key, exc)
        raise
    return manifest


def _discard(store: ObjectStore, bucket: str, key: str, exc: BaseException) -> None:
    """Remove the refused copy (and a manifest of an earlier run beside it: it would point at nothing)."""
    try:
        store.delete(bucket, key)
        store.delete(bucket, manifest_key(key))
    except Exception as cleanup:
        logger.warning("could not delete the refused copy %s", store.uri(bucket, key), exc_info=True)
        exc.add_note(f"the refused copy {store.uri(bucket, key)} could not be deleted: {cleanup}")


def _rewrite(
    request: ExtractRequest, config: S3UploadExtractorConfig, files: list[ObjectInfo], asked: dict[str, Any]
) -> Manifest:
    store = request.store
    first = files[0]
    with store.open_read(first.bucket, first.key) as handle:
        table = read_table(read_chunks(handle), encoding=config.encoding, name=store.uri(first.bucket, first.key))
        rows = _all_rows(request, config, table, files)
        return write_extract_csv(
            request, table.header, rows, source_type=SOURCE_TYPE, asked=asked, extractor_version=EXTRACTOR_VERSION
        )


def _all_rows(
    request: ExtractRequest, config: S3UploadExtractorConfig, first: CsvTable, files: list[ObjectInfo]
) -> Iterator[list[str]]:
    """The first file's rows, then each other file's, refusing a file whose header differs from the first's."""
    store = request.store
    yield from first.rows
    for info in files[1:]:
        name = store.uri(info.bucket, info.key)
        with store.open_read(info.bucket, info.key) as handle:
            table = read_table(read_chunks(handle), encoding=config.encoding, name=name)
            if table.header != first.header:
                raise SourceDataError(
                    f"{name} has a different header from {store.uri(files[0].bucket, files[0].key)}; "
                    f"files are combined only under identical headers: {table.header!r} vs {first.header!r}"
                )
            yield from table.rows


def _manifest_request(
    request: ExtractRequest,
    config: S3UploadExtractorConfig,
    bucket: str,
    patterns: list[str],
    files: list[ObjectInfo],
) -> dict[str, Any]:
    return {
        "bucket": bucket,
        "prefix": config.prefix,
        "pattern": config.pattern,
        "resolved_patterns": patterns,
        "encoding": config.encoding,
        "files": [{"key": f.key, "bytes": f.size} for f in files],
        "timezone": request.timezone,
        "run_id": request.run_id,
    }
