"""The scale benchmark in its quick mode (3 pipelines, both layouts): it writes only where it was told (never into
the checkout) and its result has every figure the README's table reads. Nothing here checks a number:
benchmarks measure, they do not test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bench_quick import ROOT, run_quick

# Not the checkout's own files: git, the environment, caches, local state, and bench/data (where benchmarks write).
SKIPPED = {".git", ".venv", ".xo", "__pycache__", ".pytest_cache", ".ruff_cache", "site", "node_modules"}


def _checkout_files() -> dict[str, tuple[int, int]]:
    """Every file of the checkout with its modification time and size: a rewrite with the same bytes shows too."""
    files = {}
    for path in ROOT.rglob("*"):
        relative = path.relative_to(ROOT)
        if SKIPPED & set(relative.parts) or relative.parts[:2] == ("bench", "data") or not path.is_file():
            continue
        if relative.as_posix().startswith("packages/xo-lens/tests/artifacts/"):  # other tests' (README, "Tests")
            continue
        stat = path.stat()
        files[relative.as_posix()] = (stat.st_mtime_ns, stat.st_size)
    return files


@pytest.mark.slow
def test_scale_benchmark_writes_only_under_its_folder_and_reports_every_figure(tmp_path: Path) -> None:
    before = _checkout_files()
    data = run_quick("scale", tmp_path)
    assert _checkout_files() == before

    results = json.loads((data / "scale" / "results.json").read_text(encoding="utf-8"))
    assert {"date", "loadavg", "nproc", "airflow", "dag_factory"} <= results["conditions_at_start"].keys()
    (size,) = results["sizes"]
    layouts = {layout["layout"]: layout for layout in size["layouts"]}
    assert layouts.keys() == {"xo_generate", "dagfactory_single_loader"}
    xo = layouts["xo_generate"]
    assert xo["validate"]["exit_code"] == xo["generate"]["exit_code"] == 0
    for layout in layouts.values():
        for phase in ("first", "steady", "edit"):
            assert {"pass_s", "peak_tree_rss_mb", "peak_tree_pss_mb", "dags", "import_errors"} <= layout[phase].keys()
            assert {"file_mb", "dag_version_rows", "dag_code_source_mb", "table_mb"} <= layout[phase]["db"].keys()
            assert {"dag_version_rows_added", "dag_code_rows_added", "db_growth_mb"} <= layout[phase]["wrote"].keys()
        assert layout["first"]["dags"] == 3
        assert layout["first"]["peak_tree_rss_mb"] > 0
        # The edit must reach the DB on the pass after it, or the benchmark measures nothing.
        assert size["victim"] in layout["edit"]["wrote"]["dags_with_new_version_ids"]
        assert {"how", "dags", "healthy", "placeholders", "import_errors"} <= layout["broken"].keys()
