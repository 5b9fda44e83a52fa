"""Shared fixtures of xo-core's tests: moto's server (S3, Secrets Manager) on 127.0.0.1, stores for one suite on
both backends, and the simulators' side door (faults, request log)."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from moto.server import ThreadedMotoServer

from xo_core.storage.base import ObjectStore
from xo_core.storage.local import LocalObjectStore
from xo_core.storage.s3 import S3ObjectStore
from xo_sandbox.http import SandboxServer

MOTO_REGION = "us-east-1"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def moto_s3_endpoint() -> Iterator[str]:
    """URL of a moto server (every AWS service: S3, Secrets Manager) started for this test session, stopped after."""
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture(scope="session")
def s3_store(moto_s3_endpoint: str) -> S3ObjectStore:
    """An S3ObjectStore on the moto server, with test credentials passed as arguments."""
    return S3ObjectStore.from_settings(
        moto_s3_endpoint, MOTO_REGION, access_key_id="testing", secret_access_key="testing", max_attempts=1
    )


def _new_s3_bucket(store: S3ObjectStore) -> str:
    name = f"xo-test-{uuid.uuid4().hex[:16]}"
    store.client.create_bucket(Bucket=name)
    return name


@pytest.fixture
def s3_bucket(s3_store: S3ObjectStore) -> str:
    """A new, empty bucket on the moto server."""
    return _new_s3_bucket(s3_store)


@pytest.fixture(params=["local", "s3"])
def object_store(request: pytest.FixtureRequest, tmp_path: Path) -> ObjectStore:
    """Each test using it runs twice: on a local-folder store and on S3 (moto)."""
    if request.param == "local":
        return LocalObjectStore(tmp_path / "objects")
    return request.getfixturevalue("s3_store")


@pytest.fixture
def new_object_bucket(object_store: ObjectStore) -> Callable[[], str]:
    """Makes fresh buckets in ``object_store`` (locally a folder appears on first write; on S3 a real bucket)."""

    def new() -> str:
        if isinstance(object_store, S3ObjectStore):
            return _new_s3_bucket(object_store)
        return f"bucket-{uuid.uuid4().hex[:8]}"

    return new


@pytest.fixture
def object_bucket(new_object_bucket: Callable[[], str]) -> str:
    """A fresh bucket in ``object_store``."""
    return new_object_bucket()


class SandboxControl:
    """A simulator's side door (pending faults, request log), over HTTP like any client would use it."""

    def __init__(self, client: httpx.Client) -> None:
        self._client = client

    def reset[S: SandboxServer](self, sandbox: S) -> S:
        """The simulator with no faults pending and an empty request log."""
        self._client.delete(f"{sandbox.url}/_sandbox/faults").raise_for_status()
        self._client.delete(f"{sandbox.url}/_sandbox/requests").raise_for_status()
        return sandbox


@pytest.fixture(scope="session")
def sandbox_control() -> Iterator[SandboxControl]:
    """Resets a module's shared simulator between tests."""
    with httpx.Client() as client:
        yield SandboxControl(client)
