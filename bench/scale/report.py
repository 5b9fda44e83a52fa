"""The results as two markdown tables: the first pass, then what the steady, edit and broken passes did."""

from __future__ import annotations

from typing import Any


def _num(value: Any, digits: int = 2) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _get(row: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        if not isinstance(row, dict) or key not in row:
            return None
        row = row[key]
    return row


def _pages_growth(before: dict[str, Any], after: dict[str, Any]) -> float | None:
    """MB of DB pages in use added between two phases (the file sizes move with SQLite's WAL checkpoints)."""
    pages = [_get(phase, "db", "table_mb") for phase in (before, after)]
    return None if None in pages else sum(pages[1].values()) - sum(pages[0].values())


def markdown(results: dict[str, Any]) -> str:
    first = [
        "| pipelines | layout | files | MB on disk | validate s | generate s | first pass s | tree RSS MB (PSS) "
        "| DB MB | dag_code MB | serialized_dag MB | DAGs | import errors |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    then = [
        "| pipelines | layout | steady pass s | steady: versions / code rows added | edit: generate s | edit pass s "
        "| DAGs with a new version | dag_code rows added / rewritten | DB pages growth MB "
        "| broken: healthy / placeholders / import errors |",
        "|---:|---|---:|---|---:|---:|---:|---|---:|---|",
    ]
    for size in results["sizes"]:
        n = size["pipelines"]
        for r in size["layouts"]:
            name = r["layout"] + (f" (skipped: {r['skipped']})" if "skipped" in r else "")
            f = r.get("first", {})
            rss = f"{_num(f.get('peak_tree_rss_mb'), 0)} ({_num(f.get('peak_tree_pss_mb'), 0)})"
            first.append(
                f"| {n:,} | {name} | {r['files']} | {_num(r['bytes'] / 2**20, 1)} "
                f"| {_num(_get(r, 'validate', 'seconds'))} | {_num(_get(r, 'generate', 'seconds'))} "
                f"| {_num(f.get('pass_s'))} | {rss} | {_num(_get(f, 'db', 'file_mb'), 1)} "
                f"| {_num(_get(f, 'db', 'dag_code_source_mb'), 1)} "
                f"| {_num(_get(f, 'db', 'serialized_dag_data_mb'), 1)} "
                f"| {f.get('dags', '—')} | {f.get('import_errors', '—')} |"
            )
            s, e, b = r.get("steady", {}), r.get("edit", {}), r.get("broken", {})
            steady = f"{_get(s, 'wrote', 'dag_version_rows_added')} / {_get(s, 'wrote', 'dag_code_rows_added')}"
            code = f"{_get(e, 'wrote', 'dag_code_rows_added')} / {_get(e, 'wrote', 'dag_code_rows_rewritten')}"
            broken = (
                f"{b['healthy']} / {b['placeholders']} / {b['import_errors']}" if "healthy" in b else b.get("how", "—")
            )
            then.append(
                f"| {n:,} | {r['layout']} | {_num(s.get('pass_s'))} | {steady} "
                f"| {_num(_get(e, 'generate', 'seconds'))} | {_num(e.get('pass_s'))} "
                f"| {_get(e, 'wrote', 'dags_with_new_version')} | {code} | {_num(_pages_growth(s, e), 1)} "
                f"| {broken} |"
            )
    return "\n".join(first) + "\n\n" + "\n".join(then)
