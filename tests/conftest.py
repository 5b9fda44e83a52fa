"""Fixtures of the end-to-end tests: a throw-away XO_HOME and the simulators with their connections."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from xo_sandbox.sandboxes import Sandboxes, start_all

# Airflow reads its configuration when first imported: keep it out of ~/airflow.
os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp(prefix="xo-e2e-airflow-"))
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")


@pytest.fixture(scope="session")
def sandboxes() -> Iterator[Sandboxes]:
    with start_all(relaxed_limits=True) as running:
        yield running


@pytest.fixture
def xo_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sandboxes: Sandboxes) -> Path:
    """A fresh XO_HOME for the local environment, with every connection pointed at the simulators."""
    home = tmp_path / "xo-home"
    monkeypatch.setenv("XO_HOME", str(home))
    monkeypatch.setenv("XO_ENV", "local")
    monkeypatch.chdir(tmp_path)  # no .env of the developer's is read
    for name, value in sandboxes.connection_env().items():
        monkeypatch.setenv(name, value)
    return home
