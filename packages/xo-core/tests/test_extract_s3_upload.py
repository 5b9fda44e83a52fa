"""The S3 upload extractor: which files a window takes, what it takes and refuses, on a folder store and moto."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from xo_core.environment import environment
from xo_core.errors import ConfigError, InputMissing, SourceDataError, TerminalError
from xo_core.extractors.arrival import WaitConfig
from xo_core.extractors.base import ExtractRequest, ExtractResult
from xo_core.extractors.registry import get_extractor, source_for
from xo_core.extractors.s3_upload.config import S3UploadExtractorConfig
from xo_core.extractors.s3_upload.extractor import S3UploadExtractor
from xo_core.manifest import Manifest, manifest_key
from xo_core.storage.base import ObjectStore
from xo_core.storage.local import LocalObjectStore
from xo_core.storage.s3 import S3ObjectStore

TZ = ZoneInfo("America/New_York")
LANDING = "landing"
INGEST = "ingest"
PREFIX = "uploads/qa_scores/"
KEY = "warbyparker/qa_scores/2025-01-14/qa_scores.csv"
DAY_START = datetime(2025, 1, 14, tzinfo=TZ)
DAY_END = datetime(2025, 1, 15, tzinfo=TZ)


def _request(
    store: ObjectStore, *, ingest: str = INGEST, start: datetime = DAY_START, domain: str | None = None, **config: Any
) -> ExtractRequest[S3UploadExtractorConfig]:
    config.setdefault("prefix", PREFIX)
    config.setdefault("pattern", "qa_scores_{yyyymmdd}.csv")
    return ExtractRequest(
        source_name="qa_scores",
        config=S3UploadExtractorConfig(**config),
        window_start=start,
        window_end=DAY_END,
        timezone="America/New_York",
        connection=None,
        store=store,
        bucket=ingest,
        key=KEY,
        run_id="run-1",
        domain=domain,
    )


def _extract(store: ObjectStore, *, landing: str = LANDING, **request: Any) -> ExtractResult:
    return S3UploadExtractor(landing_bucket=landing).extract(_request(store, **request))


@pytest.fixture
def store(tmp_path: Path) -> LocalObjectStore:
    return LocalObjectStore(tmp_path / "objects")


def _drop(store: ObjectStore, name: str, data: bytes, bucket: str = LANDING) -> None:
    store.put_bytes(bucket, PREFIX + name, data)


def _rows(store: ObjectStore) -> list[list[str]]:
    return list(csv.reader(io.StringIO(store.get_bytes(INGEST, KEY).decode("utf-8-sig"), newline="")))


def _ingest_keys(store: ObjectStore) -> list[str]:
    return [info.key for info in store.list(INGEST, "")]


TRICKY = (
    '\ufeffAgent Name,"Score, %",Commentaire (é/ü) #1?,Notes\r\n'
    'Zoë Müller,"95,5",très bien,"line one\r\nline two"\r\n'
    "\r\n"
    'Tomás O\'Brien,88,"said ""hi""",😀\r\n'
).encode()


def test_the_window_day_file_is_copied_byte_for_byte_and_checked(store: LocalObjectStore) -> None:
    _drop(store, "qa_scores_20250113.csv", b"a,b\n1,2\n")
    _drop(store, "qa_scores_20250114.csv", TRICKY)
    _drop(store, "notes_20250114.txt", b"x\n")
    result = _extract(store)
    assert store.get_bytes(INGEST, KEY) == TRICKY  # BOM, CRLF, quoting all as uploaded
    source = Path(store.uri(LANDING, PREFIX + "qa_scores_20250114.csv"))
    assert source.stat().st_nlink == 2  # a hard link: no byte was read to copy it
    manifest = Manifest.from_json_bytes(store.get_bytes(INGEST, manifest_key(KEY)))
    assert manifest == result.manifest
    assert manifest.header == ["Agent Name", "Score, %", "Commentaire (é/ü) #1?", "Notes"]
    assert (manifest.row_count, manifest.bytes) == (2, len(TRICKY))
    assert manifest.sha256 == hashlib.sha256(TRICKY).hexdigest()
    assert manifest.request["mode"] == "copy" and manifest.request["files"][0]["key"].endswith("20250114.csv")
    assert _rows(store)[1][3] == "line one\r\nline two"


def test_a_window_of_days_takes_each_days_file_under_one_header(store: LocalObjectStore) -> None:
    for day, rows in (("20250112", b"1,x\n"), ("20250113", b"2,y\n3,z\n"), ("20250114", b"")):
        _drop(store, f"qa_scores_{day}.csv", b"id,v\n" + rows)
    _drop(store, "qa_scores_20250115.csv", b"id,v\n9,late\n")
    result = _extract(store, start=datetime(2025, 1, 12, tzinfo=TZ))
    assert result.manifest.request["mode"] == "rewrite" and result.row_count == 3
    assert _rows(store) == [["id", "v"], ["1", "x"], ["2", "y"], ["3", "z"]]


def test_the_window_edges_are_local_days(store: LocalObjectStore) -> None:
    _drop(store, "qa_scores_2025-01-14.csv", b"id\n1\n")
    _drop(store, "qa_scores_2025-01-15.csv", b"id\n2\n")
    result = _extract(store, pattern="qa_scores_{date}.csv")  # [Jan 14 00:00, Jan 15 00:00) New York
    assert result.manifest.request["resolved_patterns"] == ["qa_scores_2025-01-14.csv"]


def test_a_pattern_without_placeholder_takes_every_match(store: LocalObjectStore) -> None:
    _drop(store, "roster.csv", b"id\n1\n")
    assert _extract(store, pattern="roster*.csv").row_count == 1


def test_headers_over_8_kib_and_header_only_files_are_taken(store: LocalObjectStore) -> None:
    header = ",".join(f"column number {n} with a long descriptive name" for n in range(300))
    assert len(header) > 8192
    _drop(store, "qa_scores_20250114.csv", header.encode() + b"\n")
    result = _extract(store)
    assert result.row_count == 0 and len(result.manifest.header) == 300


def test_a_configured_encoding_is_rewritten_as_utf8(store: LocalObjectStore) -> None:
    _drop(store, "qa_scores_20250114.csv", "Agent,Note\r\nZoë,très «bien»\r\n".encode("cp1252"))
    result = _extract(store, encoding="cp1252")
    assert result.manifest.request["mode"] == "rewrite"
    assert _rows(store) == [["Agent", "Note"], ["Zoë", "très «bien»"]]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty (0 bytes)"),
        (b"\r\n\r\n", "has no header line"),
        (b"id,name,id\n1,a,2\n", "column 'id' appears twice"),
        (b"Agent Name,agent_name\nx,y\n", "both standardize to AGENT_NAME"),
        (b"a,b\n1,2\n3,4,5\n", "the row ending on line 3 has 3 fields where the header has 2"),
        (b'a,b\n"x\ny",2\n3\n', "the row ending on line 4 has 1 fields"),
        (b"a,b\n1,caf\xe9\n", "is not valid utf-8 at byte 9 (invalid continuation byte)"),
    ],
)
def test_bad_files_are_refused_naming_file_and_problem(store: LocalObjectStore, data: bytes, message: str) -> None:
    _drop(store, "qa_scores_20250114.csv", data)
    with pytest.raises(SourceDataError, match=re.escape(message)) as caught:
        _extract(store)
    assert "qa_scores_20250114.csv" in str(caught.value)
    assert _ingest_keys(store) == []  # no copy, no manifest: nothing for stage or load to pick up


def test_a_bad_byte_far_into_a_big_file_is_placed_exactly(store: LocalObjectStore) -> None:
    body = b"id,text\n" + b"".join(b"%d,%s\n" % (n, b"x" * 50) for n in range(20_000))
    _drop(store, "qa_scores_20250114.csv", body + b"1,\xff\n")
    with pytest.raises(SourceDataError, match=f"at byte {len(body) + 2} "):
        _extract(store)


def test_a_refused_copy_removes_an_earlier_runs_object_and_manifest(store: LocalObjectStore) -> None:
    _drop(store, "qa_scores_20250114.csv", b"a\n1\n")
    _extract(store)
    _drop(store, "qa_scores_20250114.csv", b"a\n1,2\n")
    with pytest.raises(SourceDataError):
        _extract(store)
    assert _ingest_keys(store) == []


def test_files_with_different_headers_are_not_combined(store: LocalObjectStore) -> None:
    _drop(store, "qa_scores_20250113.csv", b"id,v\n1,x\n")
    _drop(store, "qa_scores_20250114.csv", b"id,value\n2,y\n")
    with pytest.raises(SourceDataError, match=r"qa_scores_20250114\.csv has a different header"):
        _extract(store, start=datetime(2025, 1, 13, tzinfo=TZ))
    assert _ingest_keys(store) == []


def test_no_matching_file_names_bucket_prefix_and_pattern(store: LocalObjectStore) -> None:
    _drop(store, "qa_scores_20250113.csv", b"a\n1\n")
    with pytest.raises(TerminalError, match=r"'landing' under prefix 'uploads/qa_scores/'.*qa_scores_20250114\.csv"):
        _extract(store)


def test_on_missing_fail_and_skip_raise_input_missing_and_empty_writes_an_empty_object(
    store: LocalObjectStore,
) -> None:
    extractor = S3UploadExtractor(landing_bucket=LANDING)
    with pytest.raises(InputMissing, match="no upload in bucket 'landing'") as failed:
        extractor.extract(_request(store))
    assert failed.value.skip is False
    with pytest.raises(InputMissing) as skipped:
        extractor.extract(_request(store, on_missing="skip"))
    assert skipped.value.skip is True
    assert _ingest_keys(store) == []
    empty = extractor.extract(_request(store, on_missing="empty")).manifest
    assert (empty.header, empty.row_count, empty.request["mode"], empty.request["files"]) == ([], 0, "empty", [])
    assert store.get_bytes(INGEST, KEY) == b""


def test_arrived_lists_the_windows_uploads_without_taking_them(store: LocalObjectStore) -> None:
    extractor = S3UploadExtractor(landing_bucket=LANDING)
    request = _request(store, wait={"timeout_seconds": 60, "poke_interval_seconds": 5})
    _drop(store, "qa_scores_20250113.csv", b"a\n1\n")  # another day's file: not this window's
    assert extractor.arrived(request) is None
    _drop(store, "qa_scores_20250114.csv", b"a\n1\n")
    assert extractor.arrived(request) == store.uri(LANDING, PREFIX + "qa_scores_20250114.csv")
    assert _ingest_keys(store) == []


@pytest.mark.parametrize(
    ("wait", "message"),
    [
        ({"timeout_seconds": 0}, "greater than or equal to 1"),
        ({"timeout_seconds": 10, "poke_interval_seconds": 60}, "longer than timeout_seconds"),
        ({"timeout": 10}, "Extra inputs are not permitted"),
    ],
)
def test_wait_settings_are_checked(wait: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        S3UploadExtractorConfig(prefix=PREFIX, wait=WaitConfig.model_validate(wait))


def test_registry_and_the_environments_landing_bucket_only(store: LocalObjectStore) -> None:
    assert isinstance(get_extractor("s3_upload"), S3UploadExtractor)
    _drop(store, "qa_scores_20250114.csv", b"a\n1\n")
    assert _extract(store).manifest.request["bucket"] == LANDING
    with pytest.raises(ValidationError, match="bucket"):
        _extract(store, bucket="other")  # a config cannot point at another bucket


def test_a_pipeline_cannot_take_another_domains_uploads(
    store: LocalObjectStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XO_ENV", "local")
    monkeypatch.setenv("XO_HOME", str(store.root.parent))
    theirs = "uploads/condenast/qa_scores/"
    store.put_bytes(environment().landing_bucket, f"{theirs}qa_scores_20250114.csv", b"a\n1\n")
    with pytest.raises(ConfigError, match="not under 'uploads/warbyparker/'"):
        source_for("s3_upload").extract(_request(store, prefix=theirs, domain="warbyparker"))
    assert store.head(INGEST, KEY) is None


def test_happy_path_on_s3(s3_store: S3ObjectStore, s3_bucket: str) -> None:
    ingest = s3_store.client.create_bucket(Bucket=f"{s3_bucket}-ingest") and f"{s3_bucket}-ingest"
    _drop(s3_store, "qa_scores_20250114.csv", TRICKY, bucket=s3_bucket)
    result = _extract(s3_store, landing=s3_bucket, ingest=ingest)
    assert s3_store.get_bytes(ingest, KEY) == TRICKY
    assert (result.row_count, result.manifest.sha256) == (2, hashlib.sha256(TRICKY).hexdigest())
    _drop(s3_store, "qa_scores_20250114.csv", b"a,b\n1\n", bucket=s3_bucket)
    with pytest.raises(SourceDataError, match="line 2 has 1 fields"):
        _extract(s3_store, landing=s3_bucket, ingest=ingest)
    assert [i.key for i in s3_store.list(ingest, "")] == []
