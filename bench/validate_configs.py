"""Benchmark: ``xo-foundry validate`` over 1,000 pipeline files, and over the same with one alias bomb among them.

Each run is the real CLI in a fresh process, measured alone: wall time and its own peak RSS (``os.wait4``, see
bench/measure.py), start-up and imports included; a run over an empty folder gives that fixed cost. The files are
written by a child too, so this process stays small.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from bench.measure import DATA_ROOT, QUICK, print_table, save_rows

PIPELINES = int(os.environ.get("XO_BENCH_PIPELINES", "12" if QUICK else "1000"))
REPEATS = int(os.environ.get("XO_BENCH_REPEATS", "1" if QUICK else "3"))
DATA = DATA_ROOT / "validate_configs"
CLI = Path(sys.executable).parent / "xo-foundry"
# Nine levels of nine aliases: 9**9 values when walked as a tree (what made validate run past 4.5 GB).
BOMB = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]\n" for n in range(1, 9)
)


def write(folder: Path, *, bomb: bool) -> None:
    """The synthetic pipelines of the dag_parse benchmark (3 Gladly sources each) under ``folder``."""
    from bench.dag_parse.pipelines import synthetic_pipelines, xo_yaml

    folder.mkdir(parents=True, exist_ok=True)
    for p in synthetic_pipelines(PIPELINES):
        (folder / p.domain).mkdir(exist_ok=True)
        (folder / p.domain / f"{p.name}.yaml").write_text(xo_yaml(p), encoding="utf-8")
    if bomb:
        (folder / "core" / "alias_bomb.yaml").write_text(BOMB, encoding="utf-8")


def _write_in_child(folder: Path, *, bomb: bool) -> int:
    code = "import sys; from pathlib import Path; from bench.validate_configs import write; "
    code += "write(Path(sys.argv[1]), bomb=sys.argv[2] == 'bomb')"
    subprocess.run([sys.executable, "-c", code, str(folder), "bomb" if bomb else "good"], check=True)
    return len(list(folder.rglob("*.yaml")))


# A small fresh Python runs the CLI and measures it: a child's peak RSS is floored at its parent's, and
# ``python -m bench`` imports every benchmark (DuckDB included) before it runs one.
_MEASURE = """
import json, os, subprocess, sys, time
start = time.perf_counter()
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
out = process.stdout.read()
_, status, usage = os.wait4(process.pid, 0)
seconds = time.perf_counter() - start
print(json.dumps([seconds, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), out.strip()]))
"""


def _validate(folder: Path) -> tuple[float, float, int, str]:
    """One ``xo-foundry validate folder``: wall seconds, peak RSS in MB, exit code, its summary line."""
    env = {**os.environ, "XO_CONFIG_ROOT": str(folder), "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(CLI), "validate", str(folder)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    seconds, peak_mb, code, summary = json.loads(done.stdout)
    return seconds, peak_mb, code, summary


def main() -> None:
    folders = {"empty folder": (DATA / "empty", False), f"{PIPELINES} pipelines": (DATA / "good", False)}
    folders[f"{PIPELINES} pipelines + 1 alias bomb"] = (DATA / "bomb", True)
    rows: list[dict[str, object]] = []
    load_before = os.getloadavg()[0]
    for name, (folder, bomb) in folders.items():
        files = 0 if name == "empty folder" else _write_in_child(folder, bomb=bomb)
        folder.mkdir(parents=True, exist_ok=True)
        runs = [_validate(folder) for _ in range(REPEATS)]
        seconds = [r[0] for r in runs]
        rows.append(
            {
                "benchmark": name,
                "files": files,
                "median_s": round(statistics.median(seconds), 2),
                "min_s": round(min(seconds), 2),
                "max_s": round(max(seconds), 2),
                "peak_rss_mb": round(max(r[1] for r in runs), 1),
                "exit_code": runs[-1][2],
                "summary": runs[-1][3],
            }
        )
    for row in rows:
        row["load_avg_1m"] = f"{load_before:.2f} -> {os.getloadavg()[0]:.2f}"
    print_table(rows)
    save_rows(rows, Path(__file__).parent / "results" / "validate_configs.json")


if __name__ == "__main__":
    main()
