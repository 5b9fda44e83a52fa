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


# --- S3 failing in the middle of a multipart upload or copy, on moto's server (real requests, real state) -------


def test_bucket_deleted_during_a_multipart_upload_is_named_and_the_rerun_heals(
    s3_store: S3ObjectStore, s3_bucket: str
) -> None:
    store = S3ObjectStore(s3_store.client, part_size=5 * MIB)
    with pytest.raises(TerminalError) as caught, store.open_write(s3_bucket, "wbp/contacts.csv") as handle:
        handle.write(b"x" * (6 * MIB))  # the first part is uploaded
        assert len(_in_progress_uploads(store, s3_bucket)) == 1
        s3_store.client.delete_bucket(Bucket=s3_bucket)  # an operator's clean-up, mid-stream
        handle.write(b"y" * (6 * MIB))  # the second part goes nowhere
    assert not isinstance(caught.value, TransientError)
    assert f"writing s3://{s3_bucket}/wbp/contacts.csv: NoSuchBucket" in str(caught.value)

    s3_store.client.create_bucket(Bucket=s3_bucket)
    assert s3_store.head(s3_bucket, "wbp/contacts.csv") is None  # nothing was published
    with store.open_write(s3_bucket, "wbp/contacts.csv") as handle:
        handle.write(b"z" * (6 * MIB))
    assert s3_store.head(s3_bucket, "wbp/contacts.csv") == ObjectInfo(s3_bucket, "wbp/contacts.csv", 6 * MIB)


def test_upload_aborted_by_another_client_mid_stream_publishes_nothing(s3_store: S3ObjectStore, s3_bucket: str) -> None:
    s3_store.put_bytes(s3_bucket, "wbp/contacts.csv", b"previous\n")
    store = S3ObjectStore(s3_store.client, part_size=5 * MIB)
    # S3 answers the next part 404 NoSuchUpload; moto 5.2 answers 500 (a KeyError in its server), which is
    # transient to us. Either way: an error naming the object, the previous object intact, nothing left open.
    with (
        pytest.raises((TerminalError, TransientError)) as caught,
        store.open_write(s3_bucket, "wbp/contacts.csv") as handle,
    ):
        handle.write(b"x" * (6 * MIB))
        (upload,) = _in_progress_uploads(store, s3_bucket)
        # A bucket lifecycle rule (AbortIncompleteMultipartUpload) or another client ends the upload.
        s3_store.client.abort_multipart_upload(Bucket=s3_bucket, Key=upload["Key"], UploadId=upload["UploadId"])
        handle.write(b"y" * (6 * MIB))
    assert str(caught.value).startswith(f"writing s3://{s3_bucket}/wbp/contacts.csv: ")
    assert s3_store.get_bytes(s3_bucket, "wbp/contacts.csv") == b"previous\n"
    assert _in_progress_uploads(store, s3_bucket) == []


def test_source_deleted_during_a_multipart_copy_is_named_aborted_and_the_rerun_heals(
    s3_store: S3ObjectStore, moto_s3_endpoint: str, s3_bucket: str
) -> None:
    data = b"y" * (12 * MIB)
    s3_store.put_bytes(s3_bucket, "ingest/contacts.csv", data)
    store = S3ObjectStore.from_settings(
        moto_s3_endpoint,
        "us-east-1",
        access_key_id="testing",
        secret_access_key="testing",
        max_attempts=1,
        multipart_copy_threshold=5 * MIB,
        copy_part_size=5 * MIB,
    )
    parts: list[int] = []

    def delete_source_before_second_part(**_: Any) -> None:
        # Not a faked answer: the source really goes from the server, so moto answers the part with NoSuchKey.
        parts.append(1)
        if len(parts) == 2:
            s3_store.delete(s3_bucket, "ingest/contacts.csv")

    store.client.meta.events.register("before-call.s3.UploadPartCopy", delete_source_before_second_part)
    with pytest.raises(TerminalError) as caught:
        store.copy(s3_bucket, "ingest/contacts.csv", s3_bucket, "stage/contacts.csv")
    message = str(caught.value)
    assert f"copying s3://{s3_bucket}/ingest/contacts.csv to s3://{s3_bucket}/stage/contacts.csv" in message
    assert not isinstance(caught.value, TransientError) and "404" in message  # S3 itself says NoSuchKey
    assert _in_progress_uploads(s3_store, s3_bucket) == []
    assert s3_store.head(s3_bucket, "stage/contacts.csv") is None

    s3_store.put_bytes(s3_bucket, "ingest/contacts.csv", data)  # the extract's rerun writes it again
    assert store.copy(s3_bucket, "ingest/contacts.csv", s3_bucket, "stage/contacts.csv").size == 12 * MIB
    assert s3_store.get_bytes(s3_bucket, "stage/contacts.csv") == data
