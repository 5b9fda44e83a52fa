"""What only the S3 store does: multipart copy, aborting uploads, and how botocore errors are reported."""

from __future__ import annotations

import hashlib
import socket
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from xo_core.errors import CredentialError, TerminalError, TransientError
from xo_core.storage.base import ObjectInfo
from xo_core.storage.s3 import S3ObjectStore, translate_error

MIB = 1024 * 1024


class Boom(Exception):
    pass


def _in_progress_uploads(store: S3ObjectStore, bucket: str) -> list[Any]:
    return store.client.list_multipart_uploads(Bucket=bucket).get("Uploads", [])


def test_multipart_copy_gives_an_identical_object(s3_store: S3ObjectStore, s3_bucket: str) -> None:
    data = b"".join(hashlib.sha256(str(i).encode()).digest() for i in range(12 * MIB // 32))
    with s3_store.open_write(s3_bucket, "src.bin") as handle:
        handle.write(data)
    small_parts = S3ObjectStore(s3_store.client, multipart_copy_threshold=5 * MIB, copy_part_size=5 * MIB)
    info = small_parts.copy(s3_bucket, "src.bin", s3_bucket, "dst.bin")
    assert info == ObjectInfo(s3_bucket, "dst.bin", 12 * MIB)
    assert hashlib.sha256(s3_store.get_bytes(s3_bucket, "dst.bin")).digest() == hashlib.sha256(data).digest()
    # 5 + 5 + 2 MiB: the object really was assembled from copied parts.
    assert s3_store.client.head_object(Bucket=s3_bucket, Key="dst.bin")["ETag"].endswith('-3"')
    assert _in_progress_uploads(s3_store, s3_bucket) == []


def test_small_write_is_one_put(s3_store: S3ObjectStore, s3_bucket: str) -> None:
    with s3_store.open_write(s3_bucket, "small.csv") as handle:
        handle.write(b"a,b\n1,2\n")
    assert "-" not in s3_store.client.head_object(Bucket=s3_bucket, Key="small.csv")["ETag"]


def test_error_aborts_the_multipart_upload(s3_store: S3ObjectStore, s3_bucket: str) -> None:
    with pytest.raises(Boom), s3_store.open_write(s3_bucket, "out.bin") as handle:
        handle.write(b"x" * (9 * MIB))  # one part is already uploaded
        assert len(_in_progress_uploads(s3_store, s3_bucket)) == 1
        raise Boom
    assert _in_progress_uploads(s3_store, s3_bucket) == []
    assert s3_store.head(s3_bucket, "out.bin") is None


def test_failed_multipart_copy_is_aborted(s3_store: S3ObjectStore, moto_s3_endpoint: str, s3_bucket: str) -> None:
    with s3_store.open_write(s3_bucket, "src.bin") as handle:
        handle.write(b"y" * (12 * MIB))
    faulty = S3ObjectStore.from_settings(
        moto_s3_endpoint,
        "us-east-1",
        access_key_id="testing",
        secret_access_key="testing",
        multipart_copy_threshold=5 * MIB,
        copy_part_size=5 * MIB,
    )
    calls: list[int] = []

    def fail_second_part(**_: Any) -> None:
        # Fault injection on a real client: the connection drops while the second part is copied.
        calls.append(1)
        if len(calls) == 2:
            raise EndpointConnectionError(endpoint_url=moto_s3_endpoint)

    faulty.client.meta.events.register("before-call.s3.UploadPartCopy", fail_second_part)
    with pytest.raises(TransientError):
        faulty.copy(s3_bucket, "src.bin", s3_bucket, "dst.bin")
    assert len(calls) == 2
    assert _in_progress_uploads(s3_store, s3_bucket) == []
    assert s3_store.head(s3_bucket, "dst.bin") is None


def test_missing_bucket_is_terminal(s3_store: S3ObjectStore) -> None:
    with pytest.raises(TerminalError, match="NoSuchBucket") as caught:
        list(s3_store.list("xo-test-no-such-bucket", ""))
    assert not isinstance(caught.value, TransientError)
    assert isinstance(caught.value.__cause__, ClientError)


def test_unreachable_endpoint_is_transient() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nobody listens here once the socket is closed
    store = S3ObjectStore.from_settings(
        f"http://127.0.0.1:{port}",
        "us-east-1",
        access_key_id="testing",
        secret_access_key="testing",
        max_attempts=1,
    )
    with pytest.raises(TransientError) as caught:
        store.put_bytes("bucket", "k", b"x")
    assert isinstance(caught.value.__cause__, EndpointConnectionError)


def _client_error(code: str, status: int) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": "m"}, "ResponseMetadata": {"HTTPStatusCode": status}}, "PutObject"
    )


@pytest.mark.parametrize(
    ("code", "status", "expected"),
    [
        ("SlowDown", 503, TransientError),
        ("Throttling", 400, TransientError),
        ("TooManyRequests", 429, TransientError),
        ("InternalError", 500, TransientError),
        ("RequestTimeout", 400, TransientError),
        ("AccessDenied", 403, TerminalError),
        ("NoSuchBucket", 404, TerminalError),
        ("InvalidAccessKeyId", 403, CredentialError),
        ("SignatureDoesNotMatch", 403, CredentialError),
    ],
)
def test_error_classes(code: str, status: int, expected: type[Exception]) -> None:
    error = translate_error(_client_error(code, status), "writing s3://b/k")
    assert type(error) is expected
    assert str(error).startswith(f"writing s3://b/k: {code}")


def test_part_sizes_below_the_s3_minimum_are_refused(s3_store: S3ObjectStore) -> None:
    with pytest.raises(ValueError, match="at least"):
        S3ObjectStore(s3_store.client, part_size=MIB)
