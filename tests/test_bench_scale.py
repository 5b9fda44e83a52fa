"""The scale benchmark at 3 pipelines: it writes only where it was told (never into the checkout) and its result
has every figure the README's table reads. Nothing here checks a number: benchmarks measure, they do not test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# Not the checkout's own files: git, the environment, caches, local state, and bench/data (where benchmarks write).
SKIPPED = {".git", ".venv", ".xo", "__pycache__", ".pytest_cache", ".ruff_cache", "site", "node_modules"}


def _checkout_files() -> dict[str, tuple[int, int]]:
    files = {}
    for path in REPO.rglob("*"):
        relative = path.relative_to(REPO)
        if SKIPPED & set(relative.parts) or relative.parts[:2] == ("bench", "data") or not path.is_file():
            continue
        stat = path.stat()
        files[relative.as_posix()] = (stat.st_mtime_ns, stat.st_size)
    return files


@pytest.mark.slow
def test_scale_benchmark_writes_only_under_its_folder_and_reports_every_figure(tmp_path: Path) -> None:
    before = _checkout_files()
    env = {**os.environ, "XO_BENCH_DATA": str(tmp_path), "XO_BENCH_SCALE_LAYOUTS": "xo_generate"}
    subprocess.run([sys.executable, "-m", "bench.scale", "3"], cwd=REPO, env=env, check=True, capture_output=True)

    assert _checkout_files() == before
    results = json.loads((tmp_path / "scale" / "results.json").read_text(encoding="utf-8"))
    assert {"date", "loadavg", "nproc", "airflow", "dag_factory"} <= results["conditions_at_start"].keys()
    (size,) = results["sizes"]
    (xo,) = size["layouts"]
    assert xo["validate"]["exit_code"] == xo["generate"]["exit_code"] == 0
    for phase in ("first", "steady", "edit"):
        assert {"pass_s", "peak_tree_rss_mb", "peak_tree_pss_mb", "dags", "import_errors"} <= xo[phase].keys()
        assert {"file_mb", "dag_version_rows", "dag_code_source_mb", "table_mb"} <= xo[phase]["db"].keys()
        assert {"dag_version_rows_added", "dag_code_rows_added", "db_growth_mb"} <= xo[phase]["wrote"].keys()
    assert xo["first"]["dags"] == 3
    assert xo["first"]["peak_tree_rss_mb"] > 0
    # The edit must reach the DB on the pass after it, or the benchmark measures nothing.
    assert size["victim"] in xo["edit"]["wrote"]["dags_with_new_version_ids"]
    assert {"how", "dags", "healthy", "placeholders", "import_errors"} <= xo["broken"].keys()
