"""The results table and the verdict on the issue's two targets."""

from __future__ import annotations

from dataclasses import dataclass

DAGBAG_TARGET = 2.5  # generated files at least this many times cheaper per DAG than dag-factory


@dataclass(frozen=True)
class Row:
    """One layout's figures (medians) and what one broken pipeline did to it."""

    name: str
    what: str
    files: int
    kilobytes: int
    dags: int
    tasks: int
    import_s: float
    dagbag_s: float
    dagbag_runs_s: list[float]
    processor_s: float
    processor_runs_s: list[float]
    processor_files_s: float
    processor_dags: int
    broken_dags_loaded: int
    broken_placeholders: int
    broken_import_errors: int

    @property
    def ms_per_dag(self) -> float:
        return 1000 * self.dagbag_s / max(self.dags, 1)

    def hides_others(self, n: int) -> bool:
        healthy = self.broken_dags_loaded - self.broken_placeholders
        return healthy < n - 1

    def broken_shown_as(self) -> str:
        if self.broken_placeholders:
            return "placeholder DAG tagged xo:broken"
        if self.broken_import_errors:
            return "import error of its file"
        return "nothing: a log line only, the DAG just disappears"


def table(rows: list[Row], n: int) -> str:
    """Markdown table of every layout."""
    lines = [
        "| layout | files | kB | DAGs | DagBag ms/DAG | DagBag s | DAG processor pass s | sum of per-file s "
        "| one broken pipeline hides others? | the broken one shows as |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.name} | {r.files} | {r.kilobytes} | {r.dags} | {r.ms_per_dag:.1f} | {r.dagbag_s:.2f} "
            f"| {r.processor_s:.2f} | {r.processor_files_s:.2f} "
            f"| {'yes' if r.hides_others(n) else 'no'} | {r.broken_shown_as()} |"
        )
    return "\n".join(lines)


def verdicts(rows: list[Row]) -> list[str]:
    """The issue's targets, checked for every generated layout against dag-factory's best figures."""
    dagfactory = [r for r in rows if r.name.startswith("dagfactory")]
    best_ms = min(r.ms_per_dag for r in dagfactory)
    best_pass = min(r.processor_s for r in dagfactory)
    out = [f"\ndag-factory's best: DagBag {best_ms:.1f} ms/DAG; DAG processor pass {best_pass:.2f} s"]
    for r in rows:
        if r.name.startswith("dagfactory"):
            continue
        ratio = best_ms / r.ms_per_dag
        dagbag_ok = ratio >= DAGBAG_TARGET
        pass_ok = r.processor_s <= best_pass
        out.append(
            f"{r.name}: DagBag {ratio:.1f}x cheaper per DAG ({'meets' if dagbag_ok else 'MISSES'} {DAGBAG_TARGET}x); "
            f"processor pass {r.processor_s:.2f} s vs {best_pass:.2f} s ({'meets' if pass_ok else 'MISSES'})"
        )
    return out
