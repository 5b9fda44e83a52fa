"""The pipelines of one size, as XO-Data configs in a throwaway checkout and as dag-factory YAML.

The XO side runs the real ``xo-foundry validate`` and ``xo-foundry generate`` CLI with ``XO_CONFIG_ROOT`` inside
a temporary root (never the checkout: generate also writes dbt sources, SILVER models and docs beside the DAGs),
and Airflow reads the DAG folder generate wrote, every file in it, whatever the layout of the day.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.dag_parse import dagfactory_layouts as df
from bench.dag_parse.generated_layouts import break_builder
from bench.dag_parse.pipelines import SyntheticPipeline, xo_yaml
from bench.validate_configs import _MEASURE as MEASURE_CLI  # a small fresh Python that times one CLI run
from xo_foundry.schemas.loader import CONFIGS_FOLDER

CLI = Path(sys.executable).parent / "xo-foundry"
EDITED_SCHEDULE = "59 23 * * *"  # no synthetic pipeline has it, so the edit always changes the DAG


@dataclass(frozen=True)
class CliRun:
    """One CLI run: wall seconds (start-up included), its own peak RSS, exit code, last line printed."""

    seconds: float
    peak_rss_mb: float
    exit_code: int
    summary: str


@dataclass(frozen=True)
class XoCheckout:
    """A throwaway checkout holding only the configs; generate fills in the rest."""

    root: Path

    @property
    def configs(self) -> Path:
        return self.root / CONFIGS_FOLDER

    @property
    def dags(self) -> Path:
        return self.configs.parent / "dags"

    def write(self, pipelines: list[SyntheticPipeline]) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
        for p in pipelines:
            self.write_one(p)

    def write_one(self, p: SyntheticPipeline) -> None:
        path = self.configs / p.domain / f"{p.name}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(xo_yaml(p), encoding="utf-8")

    def cli(self, *args: str) -> CliRun:
        """``xo-foundry ARGS`` on this checkout, in a fresh process measured by a small one (bench/measure.py)."""
        env = {**os.environ, "XO_CONFIG_ROOT": str(self.configs), "NO_COLOR": "1"}
        done = subprocess.run(
            [sys.executable, "-c", MEASURE_CLI, str(CLI), *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=self.root,
            check=True,
        )
        seconds, peak_mb, code, out = json.loads(done.stdout)
        if code != 0:
            raise RuntimeError(f"xo-foundry {' '.join(args)} exited {code} in {self.root}")
        return CliRun(round(seconds, 3), round(peak_mb, 1), code, out.splitlines()[-1] if out else "")


def edited(p: SyntheticPipeline) -> SyntheticPipeline:
    """The same pipeline with another schedule: the one-pipeline edit of the benchmark."""
    return dataclasses.replace(p, schedule=EDITED_SCHEDULE)


def break_one(dags: Path, dag_id: str) -> str | None:
    """Break one pipeline in a copy of a generated DAG folder; say how, or None when this layout is not known.

    ADR 013's layout (a data file per domain) gets an unknown step in the pipeline's entry; the layout before it
    had a builder function per DAG (made to raise, as in dag_parse). A layout of one file per
    pipeline gets a raise at the top of that file. Anything else needs a new case here.
    """
    for data_file in sorted(dags.glob("*.json")):
        data = json.loads(data_file.read_text(encoding="utf-8"))
        entries = [e for e in data.get("pipelines", []) if e.get("dag_id") == dag_id]
        if entries:  # ADR 013's layout: a step its builder does not know, as in the DagBag test
            entries[0]["graph"]["steps"][0]["kind"] = "teleport"
            data_file.write_text(json.dumps(data), encoding="utf-8")
            return f"its entry in {data_file.name} names an unknown step"
    try:
        return f"its builder raises ({break_builder(dags, dag_id).name})"
    except LookupError:
        pass
    own = [path for path in dags.rglob("*.py") if path.stem == dag_id or path.stem.endswith(f"_{dag_id}")]
    if len(own) == 1:
        text = own[0].read_text(encoding="utf-8")
        own[0].write_text('raise RuntimeError("broken on purpose by the benchmark")\n' + text, encoding="utf-8")
        return f"its own file raises on import ({own[0].name})"
    return None


@dataclass(frozen=True)
class DagFactoryFolder:
    """dag-factory 1.1 on the same pipelines: one YAML per pipeline, loaded by one loader .py or one each."""

    root: Path
    per_pipeline: bool = False

    @property
    def yaml(self) -> Path:
        return self.root / "yaml"

    @property
    def dags(self) -> Path:
        return self.root / "dags"

    def write(self, pipelines: list[SyntheticPipeline], broken: str | None = None) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
        paths = df.write_yaml(pipelines, self.yaml, broken=broken)
        if self.per_pipeline:
            df.write_loader_per_pipeline(paths, self.dags)
        else:
            df.write_single_loader(self.yaml, self.dags)

    def write_one(self, p: SyntheticPipeline) -> None:
        df.write_yaml([p], self.yaml)
