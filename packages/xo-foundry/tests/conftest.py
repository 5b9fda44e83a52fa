"""Shared set-up of xo-foundry's tests: Airflow state lives in a throw-away folder, never in ~/airflow."""

from __future__ import annotations

import os
import tempfile

# Airflow reads its configuration when first imported: keep it out of ~/airflow, one folder per test process
# (tests/conftest.py does the same when it is loaded first; XO_TEST_PROCESS says this process already has one). A
# pytest-xdist worker inherits the environment of the process that started it, so it makes its own.
if os.environ.get("XO_TEST_PROCESS") != str(os.getpid()):
    os.environ["XO_TEST_PROCESS"] = str(os.getpid())
    os.environ["AIRFLOW_HOME"] = tempfile.mkdtemp(prefix="xo-test-airflow-")
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
os.environ.setdefault("AIRFLOW__CORE__UNIT_TEST_MODE", "True")
