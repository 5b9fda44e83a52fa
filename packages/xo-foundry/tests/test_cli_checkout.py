"""The tools act on the checkout you stand in: a second clone's configs, not those of the environment's own."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from xo_foundry.schemas.loader import CONFIGS_FOLDER, DEFAULT_CONFIG_ROOT

XO_FOUNDRY = str(Path(sys.executable).parent / "xo-foundry")


def _second_clone(tmp_path: Path) -> Path:
    clone = tmp_path / "second-clone"
    shutil.copytree(DEFAULT_CONFIG_ROOT, clone / CONFIGS_FOLDER)
    (clone / CONFIGS_FOLDER / "core" / "broken.yaml").write_text("dag: [\n", encoding="utf-8")
    return clone


def _validate(cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k != "XO_CONFIG_ROOT"}
    return subprocess.run(
        [XO_FOUNDRY, "validate"], cwd=cwd, env={**clean, **env}, capture_output=True, text=True, check=False
    )


def test_validate_reads_the_configs_of_the_checkout_it_runs_in_and_says_so(tmp_path: Path) -> None:
    clone = _second_clone(tmp_path)
    done = _validate(clone / "apps")  # anywhere inside the clone
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"config root: {clone / CONFIGS_FOLDER}" in done.stderr
    assert "core/broken.yaml:2: YAML syntax error" in done.stderr


def test_xo_config_root_names_the_configs_explicitly(tmp_path: Path) -> None:
    clone = _second_clone(tmp_path)
    done = _validate(tmp_path, XO_CONFIG_ROOT=str(DEFAULT_CONFIG_ROOT))
    assert done.returncode == 0 and f"config root: {DEFAULT_CONFIG_ROOT}" in done.stderr
    outside = _validate(tmp_path)  # not in a checkout: the environment's own configs
    assert outside.returncode == 0 and str(clone) not in outside.stderr
