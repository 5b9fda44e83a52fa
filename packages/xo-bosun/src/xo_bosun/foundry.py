"""Running ``xo-foundry`` (validate, generate) as a subprocess, pointed at a checkout's configs."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from xo_bosun.onboarding import uv_command
from xo_bosun.repo import CONFIGS


@dataclass(frozen=True)
class FoundryRun:
    """What one ``xo-foundry`` call did: its command line, exit code and output (stdout and stderr)."""

    args: list[str]
    returncode: int
    output: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def foundry_command(root: Path) -> list[str]:
    """The checkout's own ``xo-foundry``, else the one beside this Python, else through ``uv run``."""
    for candidate in (root / ".venv" / "bin" / "xo-foundry", Path(sys.executable).parent / "xo-foundry"):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return [str(candidate)]
    uv = uv_command() or ["uv"]
    return [*uv, "run", "--frozen", "--no-sync", "xo-foundry"]


def run_foundry(root: Path, args: Sequence[str]) -> FoundryRun:
    """Run ``xo-foundry ARGS`` in ``root`` on ``root``'s configs (XO_CONFIG_ROOT), whichever checkout it is."""
    command = [*foundry_command(root), *args]
    env = {**os.environ, "XO_CONFIG_ROOT": str(root / CONFIGS), "UV_PYTHON_DOWNLOADS": "never"}
    try:
        done = subprocess.run(
            command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False
        )
    except FileNotFoundError as error:
        return FoundryRun(["xo-foundry", *args], 127, f"cannot run xo-foundry: {error}")
    return FoundryRun(["xo-foundry", *args], done.returncode, done.stdout)
