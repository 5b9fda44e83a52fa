"""A benchmark's work in a fresh child Python, measured by that child's own peak RSS; its rows as a table.

Peak RSS is the child's ``VmHWM`` (/proc/self/status), read by the child itself at its end: the high-water
mark of its own address space since it was exec'd, every thread included. Not ``ru_maxrss``: on Linux exec
keeps the high-water mark of the memory it replaces, so a child's ``ru_maxrss`` (from ``os.wait4`` or its own
``RUSAGE_SELF``) is never below its parent's RSS when it was started; a parent that made the 1 GB CSV with
DuckDB had every load variant report its 3.6 GB. ``RUSAGE_CHILDREN`` is worse still: the largest child
waited for so far.

Where benchmarks write: ``DATA_ROOT`` (``XO_BENCH_DATA``, default bench/data/, git-ignored) and the temp
folder; bench/results/ only through ``save_rows``, which a quick run (``XO_BENCH_QUICK=1``: tiny sizes, for
tests and trying things out) never calls through to.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

RESULT_MARKER = "BENCH-RESULT"
QUICK = os.environ.get("XO_BENCH_QUICK", "") == "1"
DATA_ROOT = Path(os.environ.get("XO_BENCH_DATA") or Path(__file__).parent / "data")

# Runs the benchmark's code (argv[1]) as ``python -c`` would, with argv[3:] as its arguments, then writes its
# own VmHWM in KiB to the file descriptor argv[2] (also after a failure, so the parent never blocks on it).
_PEAK_WRAPPER = """
import os, sys
code, peak_fd = sys.argv[1], int(sys.argv[2])
sys.argv = ["-c", *sys.argv[3:]]
try:
    exec(compile(code, "<benchmark child>", "exec"), {"__name__": "__main__"})
finally:
    with open("/proc/self/status") as status:
        peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    os.write(peak_fd, peak.encode())
    os.close(peak_fd)
"""


def run_measured(code: str, *args: str) -> tuple[str, float]:
    """Run ``python -c code *args``: its stdout and its own peak RSS (VmHWM) in MB; RuntimeError when it fails."""
    read_end, write_end = os.pipe()
    try:
        command = [sys.executable, "-c", _PEAK_WRAPPER, code, str(write_end), *args]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, pass_fds=(write_end,))
        os.close(write_end)
        write_end = -1
        out, _ = process.communicate()
        peak_kib = os.read(read_end, 64).decode()
    finally:
        os.close(read_end)
        if write_end >= 0:
            os.close(write_end)
    if process.returncode != 0:
        raise RuntimeError(f"benchmark child failed with exit code {process.returncode}: {code[:200]}")
    return out, int(peak_kib) / 1024


def run_child(code: str, *args: str) -> tuple[dict[str, float], float]:
    """Like ``run_measured``: the JSON the child printed after ``RESULT_MARKER``, and its peak RSS in MB."""
    out, peak_mb = run_measured(code, *args)
    # DuckDB may draw a progress bar on stdout; the result is the text after the last marker.
    return json.loads(out.rpartition(RESULT_MARKER)[2].strip()), peak_mb


def rate_row(
    benchmark: str,
    rows: int,
    seconds: float,
    peak_mb: float,
    *,
    seconds_digits: int = 3,
    rate_digits: int | None = None,
) -> dict[str, object]:
    """One result row: rows, wall seconds, rows per second and the child's peak RSS in MB, rounded."""
    return {
        "benchmark": benchmark,
        "rows": rows,
        "seconds": round(seconds, seconds_digits),
        "rows_per_s": round(rows / seconds, rate_digits),
        "peak_rss_mb": round(peak_mb, 1),
    }


def print_table(rows: list[dict[str, object]]) -> None:
    """The rows as an aligned text table, one column per key seen in any row."""
    keys = list(dict.fromkeys(key for row in rows for key in row))
    cells = [keys, *([str(row.get(key, "")) for key in keys] for row in rows)]
    widths = [max(len(line[i]) for line in cells) for i in range(len(keys))]
    for line in cells:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip())


def run_conditions(load_at_start: tuple[float, float, float], **extra: object) -> dict[str, object]:
    """When and how busy: the date, the cores, the load averages at the start and now, and ``extra``."""
    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cpus": os.cpu_count(),
        "loadavg_at_start": [round(x, 2) for x in load_at_start],
        "loadavg_at_end": [round(x, 2) for x in os.getloadavg()],
        **extra,
    }


def save_rows(rows: list[dict[str, object]], path: Path, *, conditions: Mapping[str, object] | None = None) -> None:
    """Write the rows to ``path`` (bench/results/…) as indented JSON, under ``{"conditions", "rows"}`` when the
    run's conditions (load average, date) are given; a quick run's tiny figures are not kept."""
    if QUICK:
        print(f"quick run (XO_BENCH_QUICK=1): not written to {path}")
        return
    path.parent.mkdir(exist_ok=True)
    data: object = rows if conditions is None else {"conditions": conditions, "rows": rows}
    path.write_text(json.dumps(data, indent=2) + "\n")
