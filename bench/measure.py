"""A benchmark's work in a fresh child Python, measured by that child's own peak RSS; its rows as a table.

Peak RSS comes from ``os.wait4`` on the one child (its own ``ru_maxrss``), not ``RUSAGE_CHILDREN``: that is the
largest child this process has waited for so far, so a second measurement would report the first one's peak.
On Linux the figure is never below this process's own RSS when it started the child (exec keeps the high-water
mark of the memory it replaces), so a large parent (a simulator in a thread here) floors it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

RESULT_MARKER = "BENCH-RESULT"


def run_measured(code: str, *args: str) -> tuple[str, float]:
    """Run ``python -c code *args``: its stdout and its peak RSS in MB; RuntimeError when it fails."""
    process = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, so Popen must not wait for it again
    if process.returncode != 0:
        raise RuntimeError(f"benchmark child failed with exit code {process.returncode}: {code[:200]}")
    return out, usage.ru_maxrss / 1024  # Linux: ru_maxrss is in KiB


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


def save_rows(rows: list[dict[str, object]], path: Path) -> None:
    """Write the rows to ``path`` (bench/results/…) as indented JSON."""
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(rows, indent=2) + "\n")
