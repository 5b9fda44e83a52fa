"""Shared set-up of xo-foundry's tests: Airflow state lives in a throw-away folder, never in ~/airflow."""

from __future__ import annotations

import os
import tempfile

# Airflow reads its configuration when first imported, so this must happen before any test imports it.
os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp(prefix="xo-airflow-home-"))
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
os.environ.setdefault("AIRFLOW__CORE__UNIT_TEST_MODE", "True")
