"""The same pipelines as astronomer dag-factory 1.1 YAML, with the two loader layouts dag-factory documents.

Each task is a ``@task``-decorated callable (``decorator: airflow.sdk.task``) from a tiny module outside the DAG
folder; ``stage`` and ``load`` take the upstream task's result (``+extract_x``), so the graph is the generated
files' ``load(stage(extract()))`` per source, with the same schedule, start date, tags and default_args.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bench.dag_parse.pipelines import SyntheticPipeline

CALLABLE_MODULE = "xo_bench_tasks"

_CALLABLES = '''"""Task bodies of the dag-factory pipelines (the benchmark only parses them; nothing runs)."""


def extract(pipeline: str, source: str) -> dict[str, str]:
    return {"pipeline": pipeline, "source": source}


def stage(pipeline: str, source: str, extracted: dict[str, str]) -> dict[str, str]:
    return extracted


def load(pipeline: str, source: str, staged: dict[str, str]) -> dict[str, str]:
    return staged
'''

# DagBag's safe mode skips a .py file unless it mentions both "airflow" and "dag"; dag-factory's docs say the same.
_LOADER_ONE = """# airflow DAG loader (dag-factory): builds {dag_id} from its YAML at parse time.
from dagfactory import load_yaml_dags

load_yaml_dags(globals_dict=globals(), config_filepath={path!r})
"""

_LOADER_ALL = """# airflow DAG loader (dag-factory): builds every pipeline from the YAML under {folder} at parse time.
from dagfactory import load_yaml_dags

load_yaml_dags(globals_dict=globals(), dags_folder={folder!r})
"""


def write_callables(lib_dir: Path) -> None:
    """The module the tasks' ``python_callable`` names (``lib_dir`` goes on PYTHONPATH)."""
    lib_dir.mkdir(parents=True, exist_ok=True)
    (lib_dir / f"{CALLABLE_MODULE}.py").write_text(_CALLABLES, encoding="utf-8")


def dagfactory_config(p: SyntheticPipeline, *, broken: bool = False) -> dict[str, Any]:
    """One pipeline in dag-factory's format: a ``default`` block and one DAG keyed by its id."""
    tasks: dict[str, Any] = {}
    for source in p.sources:
        common = {"decorator": "airflow.sdk.task", "pipeline": p.dag_id, "source": source}
        tasks[f"extract_{source}"] = {**common, "python_callable": f"{CALLABLE_MODULE}.extract"}
        tasks[f"stage_{source}"] = {
            **common,
            "python_callable": f"{CALLABLE_MODULE}.stage",
            "extracted": f"+extract_{source}",
            "dependencies": [f"extract_{source}"],
        }
        tasks[f"load_{source}"] = {
            **common,
            "python_callable": f"{CALLABLE_MODULE}.load",
            "staged": f"+stage_{source}",
            "dependencies": [f"stage_{source}"],
        }
    if broken:  # the callable does not exist, so building this one DAG raises
        tasks[f"extract_{p.sources[0]}"]["python_callable"] = f"{CALLABLE_MODULE}.no_such_task"
    return {
        "default": {
            "default_args": {
                "owner": p.owner,
                "retries": p.retries,
                "retry_delay": {"__type__": "datetime.timedelta", "minutes": p.retry_delay_minutes},
            },
        },
        p.dag_id: {
            "description": p.description,
            "schedule": p.schedule,
            "start_date": p.start_date,
            "timezone": p.timezone,
            "catchup": False,
            "max_active_runs": 1,
            "tags": list(p.tags),
            "tasks": tasks,
        },
    }


def write_yaml(pipelines: list[SyntheticPipeline], yaml_dir: Path, broken: str | None = None) -> dict[str, Path]:
    """One dag-factory YAML per pipeline; return their paths by dag id."""
    yaml_dir.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for p in pipelines:
        path = yaml_dir / f"{p.dag_id}.yml"
        config = dagfactory_config(p, broken=p.dag_id == broken)
        path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        paths[p.dag_id] = path
    return paths


def write_loader_per_pipeline(yaml_paths: dict[str, Path], dags_dir: Path) -> None:
    """Layout (a): one loader .py per pipeline, each loading its own YAML."""
    dags_dir.mkdir(parents=True, exist_ok=True)
    for dag_id, path in yaml_paths.items():
        text = _LOADER_ONE.format(dag_id=dag_id, path=str(path.resolve()))
        (dags_dir / f"{dag_id}.py").write_text(text, encoding="utf-8")


def write_single_loader(yaml_dir: Path, dags_dir: Path) -> None:
    """Layout (b): one loader .py that loads every YAML in ``yaml_dir``."""
    dags_dir.mkdir(parents=True, exist_ok=True)
    text = _LOADER_ALL.format(folder=str(yaml_dir.resolve()))
    (dags_dir / "dagfactory_loader.py").write_text(text, encoding="utf-8")
