"""A benchmark run in its quick mode, checked to leave the checkout as it found it.

``python -m bench dag_parse`` once left the 200 synthetic pipelines' dbt sources in the checkout's
apps/dbt/models/bronze/_sources.yml (it handed the real repository root to the generator). A quick run is
``python -m bench <name>`` with ``XO_BENCH_QUICK=1`` (tiny sizes, nothing saved to bench/results) and
``XO_BENCH_DATA`` in the test's temp folder; the checkout must look the same afterwards: the same ``git status``
(tracked changes, untracked and ignored entries) and the same bytes in every file it lists.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from fresh_checkout import GIT
from fresh_checkout import REPO as ROOT

# Written by the tools that run the checks themselves, not by a benchmark.
_NOT_OURS = ("__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache")
# Written by the tests that run beside this one on other workers (README.md, "Tests": the artifacts exception).
_OTHER_TESTS = ("packages/xo-lens/tests/artifacts",)


def benchmarks() -> list[str]:
    """What ``python -m bench`` runs: each module or package of bench/ that has a ``main`` (read, not imported:
    bench/ is not on the tests' import path)."""
    names = []
    for path in sorted((ROOT / "bench").iterdir()):
        source = path / "__init__.py" if path.is_dir() else path
        if path.name.startswith("_") or not source.is_file() or source.suffix != ".py":
            continue
        text = source.read_text(encoding="utf-8")
        if "def main(" in text or "import main" in text:
            names.append(path.stem)
    return names


def _snapshot() -> dict[str, str]:
    """Every entry of ``git status`` (ignored ones too), with a hash of its bytes when it is a file."""
    status = subprocess.run(
        [GIT, "status", "--porcelain=v1", "-z", "--ignored=traditional", "--untracked-files=normal"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    seen: dict[str, str] = {}
    for entry in filter(None, status.split("\0")):
        path = entry[3:]
        if any(part in _NOT_OURS for part in Path(path).parts) or path.rstrip("/").startswith(_OTHER_TESTS):
            continue
        target = ROOT / path
        seen[entry] = hashlib.sha256(target.read_bytes()).hexdigest() if target.is_file() else "dir"
    return seen


def run_quick(name: str, tmp_path: Path) -> Path:
    """Run benchmark ``name`` quick with its data under ``tmp_path``; assert it succeeded and changed nothing in
    the checkout; return its data folder (``XO_BENCH_DATA``)."""
    before = _snapshot()
    (tmp_path / "tmp").mkdir()
    data = tmp_path / "data"
    env = {
        **os.environ,
        "XO_BENCH_QUICK": "1",
        "XO_BENCH_DATA": str(data),
        "XO_HOME": str(tmp_path / "xo_home"),
        "TMPDIR": str(tmp_path / "tmp"),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    done = subprocess.run(
        [sys.executable, "-m", "bench", name], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    after = _snapshot()
    assert {k: v for k, v in after.items() if before.get(k) != v} == {}
    assert {k for k in before if k not in after} == set()
    return data
