"""Set-up every test process needs before any test module is imported: its own Airflow home.

Loaded first by pytest in every process (the rootdir's conftest), including each pytest-xdist worker. A worker
inherits the environment of the process that started it, so a worker always makes its own folder rather than
sharing one Airflow metadata database with the others.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

import pytest

# Airflow reads its configuration when first imported: keep it out of ~/airflow, one folder per process.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
if _WORKER or "AIRFLOW_HOME" not in os.environ:
    _AIRFLOW_HOME = tempfile.mkdtemp(prefix=f"xo-test-airflow-{_WORKER or 'main'}-")
    os.environ["AIRFLOW_HOME"] = _AIRFLOW_HOME
    atexit.register(shutil.rmtree, _AIRFLOW_HOME, ignore_errors=True)
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Test files that hold a ``slow`` test first, each file's tests kept together and in order.

    Parallel workers take whole files in this order (``--dist loadfile --no-loadscope-reorder``): the long files
    start at once instead of last, when one worker would run them alone while the others are idle.
    """
    slow_files = {item.path for item in items if item.get_closest_marker("slow") is not None}
    items.sort(key=lambda item: item.path not in slow_files)
