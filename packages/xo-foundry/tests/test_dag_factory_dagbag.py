"""Every generated DAG loads in Airflow 3's DagBag, shaped as its config says; a broken one hides no other."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from airflow.sdk import BaseSensorOperator

from xo_foundry.dag_factory.generate import plan_generation, write_plan
from xo_foundry.dag_factory.guard import BROKEN_TAG
from xo_foundry.schemas.loader import DEFAULT_CONFIG_ROOT, load_pipelines

if TYPE_CHECKING:
    from airflow.dag_processing.dagbag import DagBag

COMMITTED_DAGS = DEFAULT_CONFIG_ROOT.parent / "dags"


def _dagbag(folder: Path) -> DagBag:
    # Imported here so that collecting the tests does not pay for importing Airflow.
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(folder), safe_mode=False)


@pytest.mark.slow
def test_committed_dags_load_with_zero_import_errors() -> None:
    bag = _dagbag(COMMITTED_DAGS)
    assert bag.import_errors == {}
    result = load_pipelines(root=DEFAULT_CONFIG_ROOT)
    assert sorted(bag.dag_ids) == sorted(p.dag_id for p in result.pipelines.values())
    for dag_id in bag.dag_ids:
        assert BROKEN_TAG not in bag.dags[dag_id].tags


@pytest.mark.slow
def test_each_dag_is_shaped_by_its_config() -> None:
    bag = _dagbag(COMMITTED_DAGS)
    for pipeline in load_pipelines(root=DEFAULT_CONFIG_ROOT).pipelines.values():
        dag = bag.dags[pipeline.dag_id]
        d = pipeline.dag
        assert dag.max_active_runs == d.max_active_runs
        assert dag.catchup == d.catchup
        assert str(dag.timezone) == d.time_window.timezone
        assert d.domain in dag.tags
        for name in pipeline.sources:
            extract, stage, load = (dag.get_task(f"{step}_{name}") for step in ("extract", "stage", "load"))
            assert extract.downstream_task_ids == {stage.task_id}
            assert stage.downstream_task_ids == {load.task_id}
            assert load.owner == d.owner
            assert load.retries == d.retries
            assert load.retry_delay == timedelta(minutes=d.retry_delay_minutes)
            table = pipeline.sources[name].snowflake.target_table
            database = pipeline.database.removesuffix("_DEV")
            assert [asset.name for asset in load.outlets] == [f"{database}.{pipeline.schema_name}.{table}"]
            settings = pipeline.sources[name].extractor
            wait = getattr(settings, "wait", None)
            if wait is not None:
                # A late input is waited for in reschedule mode before the extract (xo_core.extractors.arrival).
                sensor = dag.get_task(f"wait_{name}")
                assert isinstance(sensor, BaseSensorOperator)
                assert sensor.downstream_task_ids == {extract.task_id}
                assert sensor.mode == "reschedule" and sensor.poke_interval == wait.poke_interval_seconds
                assert sensor.timeout == wait.timeout_seconds + wait.poke_interval_seconds
        waits = sum(getattr(s.extractor, "wait", None) is not None for s in pipeline.sources.values())
        assert len(dag.tasks) == 3 * len(pipeline.sources) + waits + 1
        transform = dag.get_task("transform")
        assert transform.upstream_task_ids == {f"load_{name}" for name in pipeline.sources}


@pytest.mark.slow
def test_a_broken_pipeline_hides_no_other(tmp_path: Path) -> None:
    result = load_pipelines(root=DEFAULT_CONFIG_ROOT)
    write_plan(plan_generation(result.pipelines, tmp_path, DEFAULT_CONFIG_ROOT.parents[3]))
    data_file = tmp_path / "warbyparker.json"
    data = json.loads(data_file.read_text())
    # Break one pipeline's build: a step its builder does not know (a data file edited by hand, or written by a
    # newer release than the one installed).
    (entry,) = (e for e in data["pipelines"] if e["dag_id"] == "warbyparker_gladly_daily")
    entry["graph"]["steps"][0]["kind"] = "teleport"
    data_file.write_text(json.dumps(data))
    bag = _dagbag(tmp_path)
    assert bag.import_errors == {}
    expected = {p.dag_id for p in result.pipelines.values()}
    assert set(bag.dag_ids) == expected
    placeholder = bag.dags["warbyparker_gladly_daily"]
    assert BROKEN_TAG in placeholder.tags
    assert [t.task_id for t in placeholder.tasks] == ["build_failed"]
    others = expected - {"warbyparker_gladly_daily"}
    assert all(BROKEN_TAG not in bag.dags[d].tags for d in others)
