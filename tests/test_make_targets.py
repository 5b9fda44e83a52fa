"""The make targets work the way people call them: from a plain shell, with the project's venv activated, and with
another checkout's venv on PATH (a docs example run by ``uv run pytest`` in a second clone)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("venv", ["none", "this checkout's", "another checkout's"])
def test_make_runs_uv_whatever_virtualenv_is_on_path(venv: str, tmp_path: Path) -> None:
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHON")}
    if venv != "none":  # what `source .venv/bin/activate` does to the environment
        where = ROOT / ".venv"
        if venv == "another checkout's":  # a virtualenv without uv, as every project venv is
            where = tmp_path / "other" / ".venv"
            subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True, timeout=120)
        env["VIRTUAL_ENV"] = str(where)
        env["PATH"] = f"{where / 'bin'}{os.pathsep}{env['PATH']}"
    done = subprocess.run(
        [make, "--no-print-directory", "lockcheck", "dagcheck"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No module named uv" not in done.stderr and "up to date" in done.stdout
