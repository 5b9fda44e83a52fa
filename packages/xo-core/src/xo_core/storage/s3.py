"""The S3 object store through boto3: multipart writes published only on success, server-side copies.

Errors leave as the platform's own: throttling, 5xx and dropped connections as ``TransientError`` (Airflow
retries), everything else (access denied, no such bucket, bad credentials) as ``TerminalError``, with the
botocore exception kept as ``__cause__``.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Generator, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, BinaryIO

import boto3
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionError,
    HTTPClientError,
    IncompleteReadError,
    NoCredentialsError,
    PartialCredentialsError,
)

from xo_core.errors import CredentialError, TerminalError, TransientError, XoError
from xo_core.storage.base import ObjectInfo

logger = logging.getLogger(__name__)

MIB = 1024 * 1024
GIB = 1024 * MIB
WRITE_PART_SIZE = 8 * MIB
MIN_PART_SIZE = 5 * MIB  # S3 refuses smaller parts, except the last one
COPY_OBJECT_LIMIT = 5 * GIB  # CopyObject is atomic up to here; beyond, UploadPartCopy
COPY_PART_SIZE = 512 * MIB

_TRANSIENT_CODES = frozenset(
    {"Throttling", "ThrottlingException", "SlowDown", "RequestTimeout", "RequestTimeoutException",
     "InternalError", "ServiceUnavailable", "RequestLimitExceeded", "TooManyRequestsException"}
)  # fmt: skip
_CREDENTIAL_CODES = frozenset(
    {"InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken", "TokenRefreshRequired"}
)
_MISSING_CODES = frozenset({"404", "NoSuchKey", "NotFound"})


def translate_error(exc: Exception, doing: str) -> XoError:
    """The platform error for a botocore error raised while ``doing`` something (the caller chains it)."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code", ""))
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
        message = f"{doing}: {code or status} {error.get('Message', '')}".rstrip()
        if code in _TRANSIENT_CODES or status == 429 or status >= 500:
            return TransientError(message)
        if code in _CREDENTIAL_CODES:
            return CredentialError(message)
        return TerminalError(message)
    if isinstance(exc, NoCredentialsError | PartialCredentialsError):
        return CredentialError(f"{doing}: {exc}")
    if isinstance(exc, ConnectionError | HTTPClientError | IncompleteReadError):
        return TransientError(f"{doing}: {exc}")
    return TerminalError(f"{doing}: {exc}")


@contextmanager
def _translated(doing: str) -> Generator[None]:
    try:
        yield
    except (ClientError, BotoCoreError) as exc:
        raise translate_error(exc, doing) from exc


def _is_missing(exc: ClientError) -> bool:
    return str(exc.response.get("Error", {}).get("Code", "")) in _MISSING_CODES


class _MultipartSink(io.RawIOBase):
    """Collects written bytes into parts; uploads a part each time ``part_size`` bytes are waiting."""

    def __init__(self, client: BaseClient, bucket: str, key: str, part_size: int) -> None:
        self._client = client
        self._bucket = bucket
        self._key = key
        self._part_size = part_size
        self._pending = bytearray()
        self._upload_id: str | None = None
        self._parts: list[dict[str, Any]] = []
        self._size = 0
        self._aborted = False

    def writable(self) -> bool:
        return True

    def write(self, data: Any, /) -> int:
        if self._aborted:
            # The buffered writer flushes on close even after a failure; those bytes go nowhere.
            return len(data)
        self._pending += data
        self._size += len(data)
        while len(self._pending) >= self._part_size:
            part = bytes(self._pending[: self._part_size])
            del self._pending[: self._part_size]
            self._upload_part(part)
        return len(data)

    def _upload_part(self, part: bytes) -> None:
        if self._upload_id is None:
            answer = self._client.create_multipart_upload(Bucket=self._bucket, Key=self._key)
            self._upload_id = answer["UploadId"]
        number = len(self._parts) + 1
        answer = self._client.upload_part(
            Bucket=self._bucket, Key=self._key, UploadId=self._upload_id, PartNumber=number, Body=part
        )
        self._parts.append({"ETag": answer["ETag"], "PartNumber": number})

    def publish(self) -> int:
        """Complete the upload (or PutObject when it never reached a part); return the object's size."""
        if self._upload_id is None:
            self._client.put_object(Bucket=self._bucket, Key=self._key, Body=bytes(self._pending))
        else:
            if self._pending:
                self._upload_part(bytes(self._pending))
            self._client.complete_multipart_upload(
                Bucket=self._bucket,
                Key=self._key,
                UploadId=self._upload_id,
                MultipartUpload={"Parts": self._parts},
            )
        self._pending.clear()
        return self._size

    def abort(self) -> None:
        """Abort the multipart upload so no part is kept (and billed) and nothing is published."""
        self._aborted = True
        self._pending.clear()
        if self._upload_id is None:
            return
        try:
            self._client.abort_multipart_upload(Bucket=self._bucket, Key=self._key, UploadId=self._upload_id)
        except (ClientError, BotoCoreError):
            # The original error matters more; a bucket lifecycle rule cleans up what is left.
            logger.warning("could not abort multipart upload to s3://%s/%s", self._bucket, self._key, exc_info=True)


class _BodyReader(io.RawIOBase):
    """A raw reader over a boto3 ``StreamingBody`` that reports dropped connections as ``TransientError``."""

    def __init__(self, body: Any, uri: str) -> None:
        self._body = body
        self._uri = uri

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any, /) -> int:
        with _translated(f"reading {self._uri}"):
            chunk = self._body.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def close(self) -> None:
        self._body.close()
        super().close()


class S3ObjectStore:
    """Objects in S3 buckets, through one boto3 client."""

    def __init__(
        self,
        client: BaseClient,
        *,
        part_size: int = WRITE_PART_SIZE,
        multipart_copy_threshold: int = COPY_OBJECT_LIMIT,
        copy_part_size: int = COPY_PART_SIZE,
    ) -> None:
        if part_size < MIN_PART_SIZE or copy_part_size < MIN_PART_SIZE:
            raise ValueError(f"S3 parts must be at least {MIN_PART_SIZE} bytes")
        if multipart_copy_threshold > COPY_OBJECT_LIMIT:
            raise ValueError(f"CopyObject cannot copy more than {COPY_OBJECT_LIMIT} bytes")
        self.client = client
        self.part_size = part_size
        self.multipart_copy_threshold = multipart_copy_threshold
        self.copy_part_size = copy_part_size

    @classmethod
    def from_settings(
        cls,
        endpoint_url: str | None,
        region: str,
        *,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        session_token: str | None = None,
        max_attempts: int = 5,
        **options: int,
    ) -> S3ObjectStore:
        """A store on a new boto3 client; credentials not given here come from boto3's usual chain."""
        session = boto3.session.Session(
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            aws_session_token=session_token,
            region_name=region,
        )
        config = Config(
            # moto fails full GETs of objects copied from multipart uploads when responses are validated.
            response_checksum_validation="when_required",
            retries={"mode": "standard", "max_attempts": max_attempts},
        )
        client = session.client("s3", endpoint_url=endpoint_url, config=config)
        return cls(client, **options)

    def open_write(self, bucket: str, key: str) -> AbstractContextManager[BinaryIO]:
        """A writer streaming 8 MiB parts; the object appears only when the block exits without error."""
        return self._writer(bucket, key)

    @contextmanager
    def _writer(self, bucket: str, key: str) -> Generator[BinaryIO]:
        sink = _MultipartSink(self.client, bucket, key, self.part_size)
        writer = io.BufferedWriter(sink, buffer_size=256 * 1024)
        try:
            with _translated(f"writing {self.uri(bucket, key)}"):
                yield writer
                if not writer.closed:  # a TextIOWrapper closes its buffer, which flushes it
                    writer.flush()
                sink.publish()
        except BaseException:
            sink.abort()
            raise
        finally:
            writer.close()

    def open_read(self, bucket: str, key: str) -> AbstractContextManager[BinaryIO]:
        """A streaming reader of the whole object."""
        return self._reader(bucket, key)

    @contextmanager
    def _reader(self, bucket: str, key: str) -> Generator[BinaryIO]:
        uri = self.uri(bucket, key)
        with _translated(f"reading {uri}"):
            answer = self.client.get_object(Bucket=bucket, Key=key)
        with io.BufferedReader(_BodyReader(answer["Body"], uri), buffer_size=256 * 1024) as reader:
            yield reader

    def read_range(self, bucket: str, key: str, start: int, length: int) -> bytes:
        """Bytes ``[start, start + length)`` through a ``Range`` request; fewer (or none) at the end."""
        if start < 0 or length < 0:
            raise ValueError(f"read_range needs start >= 0 and length >= 0, got {start}, {length}")
        if length == 0:
            return b""
        doing = f"reading bytes {start}-{start + length - 1} of {self.uri(bucket, key)}"
        try:
            answer = self.client.get_object(Bucket=bucket, Key=key, Range=f"bytes={start}-{start + length - 1}")
            with _translated(doing):
                return answer["Body"].read()
        except ClientError as exc:
            # 416: the range starts at or past the end of the object.
            if exc.response.get("Error", {}).get("Code") == "InvalidRange":
                return b""
            raise translate_error(exc, doing) from exc
        except BotoCoreError as exc:
            raise translate_error(exc, doing) from exc

    def copy(self, src_bucket: str, src_key: str, dst_bucket: str, dst_key: str) -> ObjectInfo:
        """Copy on the server: CopyObject up to the threshold, a multipart UploadPartCopy above it."""
        src_uri = self.uri(src_bucket, src_key)
        with _translated(f"copying {src_uri} to {self.uri(dst_bucket, dst_key)}"):
            source = self.client.head_object(Bucket=src_bucket, Key=src_key)
            size = int(source["ContentLength"])
            if size <= self.multipart_copy_threshold:
                self.client.copy_object(
                    CopySource={"Bucket": src_bucket, "Key": src_key}, Bucket=dst_bucket, Key=dst_key
                )
            else:
                self._multipart_copy(src_bucket, src_key, dst_bucket, dst_key, size, source["ETag"])
        return ObjectInfo(dst_bucket, dst_key, size)

    def _multipart_copy(
        self, src_bucket: str, src_key: str, dst_bucket: str, dst_key: str, size: int, etag: str
    ) -> None:
        upload_id = self.client.create_multipart_upload(Bucket=dst_bucket, Key=dst_key)["UploadId"]
        try:
            parts = []
            for number, start in enumerate(range(0, size, self.copy_part_size), start=1):
                end = min(start + self.copy_part_size, size) - 1
                answer = self.client.upload_part_copy(
                    Bucket=dst_bucket,
                    Key=dst_key,
                    UploadId=upload_id,
                    PartNumber=number,
                    CopySource={"Bucket": src_bucket, "Key": src_key},
                    CopySourceRange=f"bytes={start}-{end}",
                    # Every part from the same version: a source rewritten mid-copy fails the copy.
                    CopySourceIfMatch=etag,
                )
                parts.append({"ETag": answer["CopyPartResult"]["ETag"], "PartNumber": number})
            self.client.complete_multipart_upload(
                Bucket=dst_bucket, Key=dst_key, UploadId=upload_id, MultipartUpload={"Parts": parts}
            )
        except BaseException:
            try:
                self.client.abort_multipart_upload(Bucket=dst_bucket, Key=dst_key, UploadId=upload_id)
            except (ClientError, BotoCoreError):
                logger.warning("could not abort multipart copy to s3://%s/%s", dst_bucket, dst_key, exc_info=True)
            raise

    def put_bytes(self, bucket: str, key: str, data: bytes) -> ObjectInfo:
        """Write a small object with one PutObject (atomic on S3)."""
        with _translated(f"writing {self.uri(bucket, key)}"):
            self.client.put_object(Bucket=bucket, Key=key, Body=data)
        return ObjectInfo(bucket, key, len(data))

    def get_bytes(self, bucket: str, key: str) -> bytes:
        """Read a small object whole."""
        with _translated(f"reading {self.uri(bucket, key)}"):
            return self.client.get_object(Bucket=bucket, Key=key)["Body"].read()

    def head(self, bucket: str, key: str) -> ObjectInfo | None:
        """The object's size, or None on 404 (a missing bucket looks the same to HEAD)."""
        try:
            answer = self.client.head_object(Bucket=bucket, Key=key)
        except ClientError as exc:
            if _is_missing(exc):
                return None
            raise translate_error(exc, f"looking up {self.uri(bucket, key)}") from exc
        except BotoCoreError as exc:
            raise translate_error(exc, f"looking up {self.uri(bucket, key)}") from exc
        return ObjectInfo(bucket, key, int(answer["ContentLength"]))

    def list(self, bucket: str, prefix: str) -> Iterator[ObjectInfo]:
        """Every object under ``prefix`` in key order, page by page."""
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        with _translated(f"listing {self.uri(bucket, prefix)}"):
            for page in pages:
                for item in page.get("Contents", []):
                    yield ObjectInfo(bucket, item["Key"], int(item["Size"]))

    def delete(self, bucket: str, key: str) -> None:
        """Remove an object; S3 answers a delete of a missing key with success."""
        with _translated(f"deleting {self.uri(bucket, key)}"):
            self.client.delete_object(Bucket=bucket, Key=key)

    def uri(self, bucket: str, key: str) -> str:
        """``s3://bucket/key``."""
        return f"s3://{bucket}/{key}"
