"""One setting picks the object store: ``file:///abs/path`` or a plain path, or ``s3://``."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from xo_core.errors import ConfigError
from xo_core.storage.base import ObjectStore
from xo_core.storage.local import LocalObjectStore
from xo_core.storage.s3 import S3ObjectStore

DEFAULT_REGION = "us-east-1"
_S3_OPTIONS = frozenset({"endpoint_url", "region"})


def object_store_for(url: str) -> ObjectStore:
    """The store a URL names.

    ``file:///srv/xo`` or ``/srv/xo`` → a folder store rooted there; ``s3://`` or
    ``s3://?endpoint_url=http://127.0.0.1:5000&region=eu-west-1`` → S3, credentials from boto3's usual chain.
    Buckets are named per call, so an S3 URL names no bucket.
    """
    parts = urlsplit(url)
    if parts.scheme == "s3":
        if parts.netloc or parts.path:
            raise ConfigError(f"object store URL {url!r}: name buckets in the pipeline config, not here (use 's3://')")
        query = parse_qs(parts.query)
        unknown = sorted(set(query) - _S3_OPTIONS)
        if unknown:
            raise ConfigError(f"object store URL {url!r}: unknown option(s) {unknown}; known: {sorted(_S3_OPTIONS)}")
        endpoint_url = query.get("endpoint_url", [None])[-1]
        region = query.get("region", [DEFAULT_REGION])[-1]
        return S3ObjectStore.from_settings(endpoint_url, region)
    if parts.scheme == "file":
        if parts.netloc not in {"", "localhost"} or not parts.path.startswith("/"):
            raise ConfigError(f"object store URL {url!r}: a file URL needs an absolute path (file:///abs/path)")
        return LocalObjectStore(Path(unquote(parts.path)))
    # One-letter schemes are Windows drive letters, i.e. plain paths.
    if parts.scheme and len(parts.scheme) > 1:
        raise ConfigError(f"object store URL {url!r}: unknown scheme {parts.scheme!r} (use file:// or s3://)")
    if not url:
        raise ConfigError("object store URL is empty (use a folder path, file:///abs/path or s3://)")
    return LocalObjectStore(Path(url))
