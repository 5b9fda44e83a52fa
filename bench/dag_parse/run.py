"""The dag_parse benchmark: generated DAG files vs astronomer's dag-factory, in a DagBag and the DAG processor."""

from __future__ import annotations

import json
import os
import platform
import shutil
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import airflow

from bench.dag_parse import measure
from bench.dag_parse.dagfactory_layouts import write_callables
from bench.dag_parse.layouts import Corpus, Layout, write_layouts, write_padded_loader
from bench.dag_parse.pipelines import synthetic_pipelines, write_and_load
from bench.dag_parse.report import Row, table, verdicts
from bench.measure import DATA_ROOT, QUICK

WORK = DATA_ROOT / "dag_parse"  # git-ignored; kept after the run so the files can be read
# The repository root the generator is given. Never the checkout's: besides the DAG folder it is handed,
# ``plan_generation``/``write_plan`` write repo-relative files (the dbt sources of every pipeline's BRONZE
# tables, the config schema, the docs pages), so with the real root a run put the synthetic pipelines'
# sources into apps/dbt/models/bronze/_sources.yml. The synthetic configs sit where a real config would.
SANDBOX_REPO = WORK / "repo"
CONFIGS = SANDBOX_REPO / "apps" / "airflow" / "xo-pipelines" / "configs"

Runs = dict[str, list[dict[str, Any]]]


@dataclass(frozen=True)
class Settings:
    pipelines: int = int(os.environ.get("XO_BENCH_PIPELINES", "6" if QUICK else "200"))
    dagbag_repeats: int = int(os.environ.get("XO_BENCH_REPEATS", "1" if QUICK else "5"))
    processor_repeats: int = int(os.environ.get("XO_BENCH_PROCESSOR_REPEATS", "1" if QUICK else "3"))


def _kilobytes(dags_dir: Path) -> int:
    return sum(p.stat().st_size for p in dags_dir.glob("*.py")) // 1000


def _round_robin(layouts: list[Layout], repeats: int, kind: str, lib: Path) -> Runs:
    """Each repeat visits every layout in turn, so a burst of other work on the machine hits them all alike."""
    runs: Runs = defaultdict(list)
    probe = measure.dagbag_run if kind == "dagbag" else measure.processor_run
    for i in range(repeats):
        for layout in layouts:
            result = probe(layout.name, i, layout.dags_dir, WORK, lib)
            print(f"   {kind} {layout.name} #{i}: {json.dumps(result)[:160]}", flush=True)
            runs[layout.name].append(result)
    return runs


def _row(layout: Layout, bag: list[dict[str, Any]], proc: list[dict[str, Any]], hurt: dict[str, Any]) -> Row:
    return Row(
        name=layout.name,
        what=layout.what,
        files=len(list(layout.dags_dir.glob("*.py"))),
        kilobytes=_kilobytes(layout.dags_dir),
        dags=bag[0]["dags"],
        tasks=bag[0]["tasks"],
        import_s=measure.median(bag, "import_s"),
        dagbag_s=measure.median(bag, "load_s"),
        dagbag_runs_s=[r["load_s"] for r in bag],
        processor_s=measure.median(proc, "pass_s"),
        processor_runs_s=[r["pass_s"] for r in proc],
        processor_files_s=measure.median(proc, "sum_file_s"),
        processor_dags=proc[0]["dags"],
        broken_dags_loaded=hurt["dags"],
        broken_placeholders=len(hurt["broken_dags"]),
        broken_import_errors=len(hurt["import_errors"]),
    )


def main() -> None:
    """Write every layout of N synthetic pipelines, measure each, print the table and save results.json."""
    settings = Settings()
    load_at_start = os.getloadavg()[0]  # other work on the machine skews the figures; say how busy it was
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    lib = WORK / "lib"
    write_callables(lib)
    synthetic = synthetic_pipelines(settings.pipelines)
    corpus = Corpus(synthetic, write_and_load(synthetic, CONFIGS), SANDBOX_REPO)
    victim = synthetic[len(synthetic) // 2].dag_id
    layouts = write_layouts(corpus, WORK / "layouts")
    broken = [
        Layout(f"{b.name}-broken", b.what, b.dags_dir) for b in write_layouts(corpus, WORK / "layouts-broken", victim)
    ]
    by_name = {layout.name: layout for layout in layouts}
    single_size = _kilobytes(by_name["xo_single_file"].dags_dir) * 1000
    padded = write_padded_loader(by_name["dagfactory_single_loader"], single_size, WORK / "layouts" / "padded")
    empty = Layout("empty", "an empty DAG folder (the pass's fixed cost)", WORK / "layouts" / "empty")
    empty.dags_dir.mkdir()
    print(f"{settings.pipelines} pipelines x 9 tasks; the broken-pipeline check breaks {victim}", flush=True)

    bags = _round_robin(layouts, settings.dagbag_repeats, "dagbag", lib)
    procs = _round_robin([*layouts, padded, empty], settings.processor_repeats, "processor", lib)
    hurts = _round_robin(broken, 1, "dagbag", lib)
    rows = [
        _row(layout, bags[layout.name], procs[layout.name], hurts[f"{layout.name}-broken"][0]) for layout in layouts
    ]
    extra = {x.name: measure.median(procs[x.name], "pass_s") for x in (padded, empty)}

    machine = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "airflow": airflow.__version__,
        "platform": platform.platform(),
        "parsing_processes": measure.PARSING_PROCESSES,
        "loadavg_1m_at_start": load_at_start,
        "loadavg_1m_at_end": os.getloadavg()[0],
    }
    print(table(rows, settings.pipelines))
    for x in (empty, padded):
        print(f"DAG processor pass, {x.what}: {extra[x.name]:.2f} s")
    print("\n".join(verdicts(rows)))
    print(f"\n{machine}")
    results = {
        "settings": asdict(settings),
        "machine": machine,
        "victim": victim,
        "processor_extra_pass_s": extra,
        "processor_runs": dict(procs),
        "rows": [asdict(r) for r in rows],
    }
    (WORK / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"results: {WORK / 'results.json'}")
