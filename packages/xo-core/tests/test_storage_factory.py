"""object_store_for: one URL setting picks the backend."""

from __future__ import annotations

from pathlib import Path

import pytest

from xo_core.errors import ConfigError
from xo_core.storage.factory import object_store_for
from xo_core.storage.local import LocalObjectStore
from xo_core.storage.s3 import S3ObjectStore


def test_file_url_and_plain_path_give_a_local_store(tmp_path: Path) -> None:
    for url in (f"file://{tmp_path}/objects", str(tmp_path / "objects")):
        store = object_store_for(url)
        assert isinstance(store, LocalObjectStore)
        assert store.root == (tmp_path / "objects").resolve()


def test_s3_url_with_endpoint_talks_to_that_endpoint(
    moto_s3_endpoint: str, s3_bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    store = object_store_for(f"s3://?endpoint_url={moto_s3_endpoint}&region=us-east-1")
    assert isinstance(store, S3ObjectStore)
    store.put_bytes(s3_bucket, "k.txt", b"hello")
    assert store.get_bytes(s3_bucket, "k.txt") == b"hello"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("s3://my-bucket", "name buckets in the pipeline config"),
        ("s3://?endpoint=http://x", "unknown option"),
        ("file://relative/path", "absolute path"),
        ("gs://bucket", "unknown scheme 'gs'"),
        ("", "empty"),
    ],
)
def test_bad_urls(url: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        object_store_for(url)
