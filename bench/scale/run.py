"""The scale benchmark: per size, the XO layout `xo-foundry generate` writes and dag-factory on the same pipelines,
through a first DAG-processor pass, a steady-state pass, a one-pipeline edit and a broken pipeline."""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from bench.dag_parse import measure
from bench.dag_parse.dagfactory_layouts import write_callables
from bench.dag_parse.pipelines import SyntheticPipeline, synthetic_pipelines
from bench.measure import DATA_ROOT, QUICK
from bench.scale.corpus import DagFactoryFolder, XoCheckout, break_one, edited
from bench.scale.processor import DbState, dagbag, db_state, processor_pass, seed_runs
from bench.scale.report import markdown

DATA = DATA_ROOT / "scale"  # bench/data/ (git-ignored) unless XO_BENCH_DATA says; kept after the run
LAYOUTS = {
    "xo_generate": "what `xo-foundry generate` writes (every file of its DAG folder)",
    "dagfactory_single_loader": "dag-factory 1.1, one loader .py for every pipeline's YAML",
    "dagfactory_per_pipeline": "dag-factory 1.1, one loader .py per pipeline's YAML",
}
DEFAULT_LAYOUTS = "xo_generate,dagfactory_single_loader"
# The processor stores each DAG's whole source file (dag_code): skip a layout whose first pass would need more.
DISK_SHARE = 0.5


@dataclass
class Subject:
    """One layout at one size: where its DAGs are, its Airflow home, and its results so far."""

    name: str
    dags: Path
    home: Path
    result: dict[str, Any]
    state: DbState | None = None


def _folder_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return len(files), sum(p.stat().st_size for p in files)


def _dag_code_estimate(folder: Path) -> int:
    """Bytes dag_code would hold: each file's size once per pipeline named in it (an upper bound)."""
    total = 0
    for path in folder.rglob("*.py"):
        text = path.read_text(encoding="utf-8", errors="replace")
        total += len(text.encode()) * len(set(re.findall(r"gladly_bench_\d+", text)))
    return total


def _conditions(data: Path) -> dict[str, Any]:
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "airflow": version("apache-airflow"),
        "dag_factory": version("dag-factory"),
        "platform": platform.platform(),
        "parsing_processes": measure.PARSING_PROCESSES,
        "free_disk_gb": round(shutil.disk_usage(data).free / 1e9, 1),
    }


def _pass(subject: Subject, phase: str, lib: Path) -> None:
    """One processor pass of ``subject`` on its DB; record its figures and what it wrote."""
    db = subject.home / "airflow.db"
    before = subject.state or db_state(db)
    conditions = {"loadavg_before": round(os.getloadavg()[0], 2)}
    figures = processor_pass(subject.home, subject.dags, lib)
    subject.state = db_state(db)
    entry = subject.result.setdefault(phase, {})
    entry.update(conditions, **figures, db=subject.state.summary(), wrote=subject.state.changes_since(before))
    print(
        f"   {phase:6} {subject.name}: pass {figures['pass_s']:.2f} s, tree RSS {figures['peak_tree_rss_mb']} MB, "
        f"DB {entry['db']['file_mb']} MB, wrote {json.dumps(entry['wrote'])[:200]}",
        flush=True,
    )


def run_size(n: int, work: Path, lib: Path, layouts: list[str]) -> dict[str, Any]:
    """Every phase at ``n`` pipelines, each phase round-robin over the layouts."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    synthetic = synthetic_pipelines(n)
    victim: SyntheticPipeline = synthetic[n // 2]
    template = measure.migrated_db(work.parent, lib)
    subjects: list[Subject] = []
    xo = XoCheckout(work / "xo" / "repo")
    factories: dict[str, DagFactoryFolder] = {}
    for name in layouts:
        result: dict[str, Any] = {"layout": name, "what": LAYOUTS[name]}
        if name == "xo_generate":
            xo.write(synthetic)
            result["validate"] = xo.cli("validate").__dict__
            result["generate"] = xo.cli("generate").__dict__
            dags = xo.dags
        else:
            factories[name] = DagFactoryFolder(work / name, per_pipeline=name == "dagfactory_per_pipeline")
            factories[name].write(synthetic)
            dags = factories[name].dags
        result["files"], result["bytes"] = _folder_size(dags)
        result["dag_code_estimate_mb"] = round(_dag_code_estimate(dags) / 2**20, 1)
        home = work / "homes" / name
        home.mkdir(parents=True)
        shutil.copy2(template, home / "airflow.db")
        subjects.append(Subject(name, dags, home, result))
    free = shutil.disk_usage(work).free
    runnable = [s for s in subjects if s.result["dag_code_estimate_mb"] * 2**20 < DISK_SHARE * free]
    for s in subjects:
        if s not in runnable:
            s.result["skipped"] = f"dag_code would need ~{s.result['dag_code_estimate_mb']} MB; {free >> 20} MB free"
    print(f"{n} pipelines; edited and broken: {victim.dag_id}", flush=True)

    for phase in ("first", "steady"):
        for s in runnable:
            _pass(s, phase, lib)
    for s in runnable:  # every DAG has run once; one pipeline's schedule changes; regenerate (or save the YAML)
        edit: dict[str, Any] = {"seeded_runs": seed_runs(s.home / "airflow.db")}
        s.result["edit"] = edit
        s.state = db_state(s.home / "airflow.db")
        if s.name == "xo_generate":
            xo.write_one(edited(victim))
            edit["generate"] = xo.cli("generate").__dict__
        else:
            factories[s.name].write_one(edited(victim))
        _pass(s, "edit", lib)
    for s in runnable:
        broken = work / "broken" / s.name
        if s.name == "xo_generate":
            shutil.copytree(xo.dags, broken / "dags", ignore=shutil.ignore_patterns("__pycache__"))
            how = break_one(broken / "dags", victim.dag_id)
            dags = broken / "dags"
        else:
            folder = DagFactoryFolder(broken, per_pipeline=factories[s.name].per_pipeline)
            folder.write(synthetic, broken=victim.dag_id)
            how, dags = "its YAML names a callable that does not exist", folder.dags
        if how is None:
            s.result["broken"] = {"how": "not measured: no way known to break one pipeline in this layout"}
            continue
        home = work / "homes" / f"dagbag-{s.name}"
        home.mkdir(parents=True)
        bag = dagbag(home, dags, lib)
        s.result["broken"] = {
            "how": how,
            "dags": bag["dags"],
            "healthy": bag["dags"] - len(bag["broken_dags"]),
            "placeholders": len(bag["broken_dags"]),
            "import_errors": len(bag["import_errors"]),
            "dagbag_s": round(bag["load_s"], 2),
        }
        print(f"   broken {s.name}: {json.dumps(s.result['broken'])}", flush=True)
    return {"pipelines": n, "victim": victim.dag_id, "layouts": [s.result for s in subjects]}


def main(sizes: list[int] | None = None, data: Path | None = None, layouts: list[str] | None = None) -> dict[str, Any]:
    """Run every size (argument, else ``XO_BENCH_SCALE_SIZES``, default 100,1000; 3 in a quick run) and save
    results.json."""
    default = "3" if QUICK else "100,1000"
    sizes = sizes or [int(x) for x in os.environ.get("XO_BENCH_SCALE_SIZES", default).split(",")]
    layouts = layouts or os.environ.get("XO_BENCH_SCALE_LAYOUTS", DEFAULT_LAYOUTS).split(",")
    unknown = set(layouts) - LAYOUTS.keys()
    if unknown:
        raise SystemExit(f"unknown layout(s) {sorted(unknown)}; known: {', '.join(LAYOUTS)}")
    data = data or DATA
    data.mkdir(parents=True, exist_ok=True)
    lib = data / "lib"
    write_callables(lib)
    results: dict[str, Any] = {"conditions_at_start": _conditions(data), "sizes": []}
    started = time.perf_counter()
    for n in sizes:
        results["sizes"].append(run_size(n, data / str(n), lib, layouts))
        results["conditions_at_end"] = _conditions(data)
        results["total_s"] = round(time.perf_counter() - started, 1)
        (data / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")  # after every size
    print(markdown(results))
    print(f"results: {data / 'results.json'}")
    return results
