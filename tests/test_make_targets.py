"""The make targets work the way people call them: from a plain shell and with the project's venv activated."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("activated", [False, True], ids=["plain shell", "venv activated"])
def test_make_runs_uv_whether_or_not_the_venv_is_activated(activated: bool) -> None:
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHON")}
    if activated:  # what `source .venv/bin/activate` does to the environment
        env["VIRTUAL_ENV"] = str(ROOT / ".venv")
        env["PATH"] = f"{ROOT / '.venv' / 'bin'}{os.pathsep}{env['PATH']}"
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
