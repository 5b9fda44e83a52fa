"""The seed's pipeline example runs as written against the simulators: it names no connection, so it gets
``gladly_default``, which the sandbox serves (``Sandboxes.connection_env``)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest
from fresh_checkout import REPO, fresh_checkout

from xo_core.extractors.registry import sources
from xo_core.warehouse.duckdb.backend import DuckDBWarehouse
from xo_sandbox.sandboxes import Sandboxes

SEED_EXAMPLE = (
    REPO / "apps" / "material-mkdocs" / "docs" / "examples" / "pipelines" / "warbyparker" / "seed_example.yaml"
)


def test_every_default_connection_is_served_by_the_sandbox(sandboxes: Sandboxes) -> None:
    served = sandboxes.connection_env()
    defaults = {s.source_type: s.connection_id for s in sources() if s.connection_id is not None}
    assert defaults, "no source declares a default connection"
    missing = {t: c for t, c in defaults.items() if f"AIRFLOW_CONN_{c.upper()}" not in served}
    assert not missing, f"default connections the sandbox does not serve: {missing}"


@pytest.mark.slow
def test_the_seed_example_validates_generates_and_runs_against_the_simulators(
    tmp_path: Path,
    sandboxes: Sandboxes,
    foundry: Callable[..., CompletedProcess[str]],
    subprocess_env: Callable[..., dict[str, str]],
) -> None:
    checkout = fresh_checkout(tmp_path / "xo-data")
    configs = checkout / "apps" / "airflow" / "xo-pipelines" / "configs"
    shutil.copy(SEED_EXAMPLE, configs / "warbyparker" / "seed_example.yaml")
    home = tmp_path / "xo-home"
    env = subprocess_env(
        home,
        XO_ENV="local",
        XO_CONFIG_ROOT=str(configs),
        XO_DBT_PROJECT_DIR=str(checkout / "apps" / "dbt"),
        **sandboxes.connection_env(),
    )

    validated = foundry("validate", str(configs / "warbyparker" / "seed_example.yaml"), env=env, cwd=checkout)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    generated = foundry("generate", env=env, cwd=checkout)
    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert "warbyparker_seed_example" in (configs.parent / "dags" / "warbyparker.json").read_text(encoding="utf-8")

    ran = foundry("run", "warbyparker/seed_example", "--date", "2025-01-15", "--direct", env=env, cwd=checkout)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    warehouse = DuckDBWarehouse(home)
    loads = [r for r in warehouse.ledger_rows("WBP_DB_DEV") if r.step == "load"]
    assert [(r.table_name, r.status) for r in loads] == [("BRONZE.GLADLY_SEED_CONTACT_TIMESTAMPS", "SUCCEEDED")]
    with warehouse.connect_read_only("WBP_DB_DEV") as con:
        row = con.execute("SELECT COUNT(*), COUNT(DISTINCT _XO_RUN_ID) FROM BRONZE.GLADLY_SEED_CONTACT_TIMESTAMPS")
        count, runs = row.fetchone() or (0, 0)
    assert count == loads[0].rows_loaded and count > 0
    assert runs == 1
