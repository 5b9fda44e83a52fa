"""Shared set-up of xo-foundry's tests: Airflow state lives in a throw-away folder (one per test process, made by
the checkout's root conftest.py), never in ~/airflow."""

from __future__ import annotations

import os

# Airflow reads its configuration when first imported, so this must happen before any test imports it.
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
os.environ.setdefault("AIRFLOW__CORE__UNIT_TEST_MODE", "True")
