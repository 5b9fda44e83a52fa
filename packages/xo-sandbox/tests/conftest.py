"""Fixtures for the Gladly sandbox tests: servers on 127.0.0.1 with free ports, stopped after each test."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from xo_sandbox.gladly import DEFAULT_CREDENTIALS, GladlySandbox, RateLimits

GLADLY_TEST_SCALE = 0.2  # a fifth of the real volume keeps reports small and the suite fast
_GENEROUS = RateLimits(requests_per_second=10_000, reports_per_minute=10_000, reports_in_flight=100)


@pytest.fixture
def gladly_sandbox() -> Iterator[GladlySandbox]:
    """A sandbox at volume_scale 0.2 with rate limits high enough never to get in the way."""
    with GladlySandbox(volume_scale=GLADLY_TEST_SCALE, limits=_GENEROUS) as sandbox:
        yield sandbox


@pytest.fixture
def gladly_client(gladly_sandbox: GladlySandbox) -> Iterator[httpx.Client]:
    """A client of ``gladly_sandbox`` authenticated as Conde Nast's API user."""
    with httpx.Client(base_url=gladly_sandbox.url, auth=DEFAULT_CREDENTIALS["condenast"], timeout=30) as client:
        yield client
