"""Every benchmark, run in its quick mode, writes only under its data folder and the temp folder
(``bench_quick.run_quick`` says how that is checked)."""

from __future__ import annotations

from pathlib import Path

import pytest
from bench_quick import benchmarks, run_quick

# Run quick, with the same check, by the tests that also read what it reports (one quick run each, not two).
CHECKED_WITH_THEIR_RESULTS = ("scale",)  # tests/test_bench_scale.py


@pytest.mark.slow
@pytest.mark.timeout(1800)  # dag_parse starts Airflow ~17 times even when quick: > 10 min at a load average of 25
@pytest.mark.parametrize("name", [name for name in benchmarks() if name not in CHECKED_WITH_THEIR_RESULTS])
def test_a_quick_benchmark_run_changes_nothing_in_the_checkout(name: str, tmp_path: Path) -> None:
    run_quick(name, tmp_path)


def test_the_benchmarks_checked_elsewhere_exist() -> None:
    assert set(CHECKED_WITH_THEIR_RESULTS) <= set(benchmarks())
