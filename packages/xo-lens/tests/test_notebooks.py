"""The xo-lens notebooks, executed end to end on the demo's data, and what they show checked against GOLD.

The pipelines the notebooks read run ``--direct`` against the simulators into a tmp XO_HOME (once for the module):
the Warby Parker roster and three days of Gladly, three days of Conde Nast's e-mail report and a day of its Gladly
conversations, so the trends have days to show. Each notebook runs in a kernel of this venv (a kernel spec written
into tmp, so no kernel of the developer's is picked); a probe cell appended to the in-memory copy prints the
notebook's tables as JSON, which the tests compare with their own queries of GOLD. Executed copies are written to
tmp, never over the committed notebooks.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell

from xo_core.warehouse.duckdb.backend import DuckDBWarehouse
from xo_sandbox.demo import recent_demo_date, today_of_the_pipelines
from xo_sandbox.google.gmail.mailbox import day_kind
from xo_sandbox.sandboxes import start_all

NOTEBOOKS = Path(__file__).parents[1] / "notebooks"
KERNEL = "xo-data-tests"
DAYS = 3
WBP, CND = "WBP_DB_DEV", "CND_DB_DEV"
XO_FOUNDRY = str(Path(sys.executable).parent / "xo-foundry")


def _loaded_days() -> tuple[date, date]:
    """The latest ``DAYS`` logical dates on each of which the partner mailed its report (the e-mail pipeline
    rightly fails on a day without one)."""
    last = recent_demo_date(today_of_the_pipelines())
    while any(day_kind(last - timedelta(days=i)) == "none" for i in range(DAYS)):
        last -= timedelta(days=1)
    return last - timedelta(days=DAYS - 1), last


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tmp XO_HOME filled by the pipelines the notebooks read, run as the demo runs them (``--direct``)."""
    home = tmp_path_factory.mktemp("notebooks") / "xo"
    first, last = _loaded_days()
    span = ["--start", first.isoformat(), "--end", last.isoformat()]
    runs = [  # two pipelines in one `run`: one process's start-up instead of two
        ["run", "warbyparker/roster_sheet", "condenast/gladly_daily", "--date", last.isoformat()],
        ["backfill", "warbyparker/gladly_daily", *span],
        ["backfill", "condenast/email_report", *span],
    ]
    base = {k: v for k, v in os.environ.items() if not k.startswith(("XO_", "AIRFLOW"))}
    with start_all(relaxed_limits=True) as sandboxes:
        env = {**base, **sandboxes.connection_env(), "XO_HOME": str(home), "XO_ENV": "local"}
        for args in runs:
            # cwd outside the checkout: no developer's .env is read.
            done = subprocess.run(
                [XO_FOUNDRY, *args, "--direct"], env=env, cwd=home.parent, capture_output=True, text=True, timeout=900
            )
            assert done.returncode == 0, f"xo-foundry {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return home


PROBE = """
import datetime as _dt
import json as _json
import sys as _sys


def _records(frame):
    dates = [c for c in frame.columns if frame[c].map(lambda v: isinstance(v, _dt.date)).any()]
    return _json.loads(frame.astype({c: str for c in dates}).to_json(orient="records"))


print(_json.dumps({"sys_prefix": _sys.prefix, "tables": {name: _records(globals()[name]) for name in %r}}))
"""


def _probe(names: Sequence[str]) -> str:
    """A cell that prints the notebook's tables (dates as ISO text) and the kernel's Python as one JSON line."""
    return PROBE % list(names)


def _kernel_manager(tmp: Path) -> AsyncKernelManager:
    """A kernel of this venv, found in a kernel spec under ``tmp`` only, its connection file in ``tmp``."""
    spec = tmp / "kernels" / KERNEL
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": KERNEL, "language": "python"}))
    specs = KernelSpecManager(kernel_dirs=[str(spec.parent)], ensure_native_kernel=False)
    return AsyncKernelManager(
        kernel_name=KERNEL, kernel_spec_manager=specs, connection_file=str(tmp / "kernel-connection.json")
    )


def execute(name: str, home: Path, tmp: Path, tables: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """Run notebook ``name`` on the warehouse in ``home``; write the executed copy to ``tmp``; its ``tables``."""
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    notebook.cells.append(new_code_cell(_probe(tables)))
    env = {k: v for k, v in os.environ.items() if not k.startswith("XO_")}
    env |= {"XO_HOME": str(home), "XO_ENV": "local", "IPYTHONDIR": str(tmp / "ipython")}
    client = NotebookClient(
        notebook, km=_kernel_manager(tmp), timeout=300, startup_timeout=120, resources={"metadata": {"path": str(tmp)}}
    )
    try:
        client.execute(env=env, cwd=str(tmp))
    finally:
        nbformat.write(notebook, tmp / name)
    probe = json.loads(_stdout(notebook.cells[-1]))
    assert Path(probe["sys_prefix"]).resolve() == Path(sys.prefix).resolve(), "the kernel is not this venv's"
    return probe["tables"]


def _stdout(cell: NotebookNode) -> str:
    return "".join(o["text"] for o in cell["outputs"] if o["output_type"] == "stream" and o["name"] == "stdout")


def gold(home: Path, database: str, sql: str) -> list[dict[str, Any]]:
    """The rows of a query of GOLD, keyed by column name, dates as ISO text."""
    with DuckDBWarehouse(home).connect_read_only(database) as connection:
        cursor = connection.execute(sql)
        names = [d[0] for d in cursor.description or []]
        rows = cursor.fetchall()
    return [{n: v.isoformat() if isinstance(v, date) else v for n, v in zip(names, row, strict=True)} for row in rows]


def near(value: float | None, decimals: int) -> Any:
    """What a figure the notebook rounds to ``decimals`` must equal (pandas and DuckDB round halves apart)."""
    return None if value is None else pytest.approx(value, abs=0.51 * 10**-decimals)


def test_committed_notebooks_have_no_outputs_and_read_through_xo_lens() -> None:
    notebooks = sorted(NOTEBOOKS.glob("*.ipynb"))
    assert [n.name for n in notebooks] == ["agent_trends.ipynb", "email_volume.ipynb"]
    for path in notebooks:
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
        code = [c for c in notebook.cells if c["cell_type"] == "code"]
        assert all(not c["outputs"] and c["execution_count"] is None for c in code), f"{path.name} has outputs"
        source = "\n".join(c["source"] for c in code)
        # The dashboards' read-only reader, never a connection of the notebook's own.
        assert "reader_for(env)" in source and "duckdb" not in source and "snowflake" not in source
        assert notebook.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.slow
def test_agent_trends_show_gold_per_day_and_per_agent(demo_home: Path, tmp_path: Path) -> None:
    tables = execute("agent_trends.ipynb", demo_home, tmp_path, ["daily", "per_agent"])
    assert (tmp_path / "agent_trends.ipynb").is_file()
    assert not any(NOTEBOOKS.glob("*.nbconvert.ipynb"))

    report = f'"{WBP}"."GOLD"."rpt_agent_dashboard"'
    expected_daily = gold(
        demo_home,
        WBP,
        "SELECT ACTIVITY_DATE, count(*) FILTER (WHERE CONTACTS_HANDLED > 0) AS ACTIVE,"
        " sum(CONTACTS_HANDLED) AS CONTACTS, sum(HANDLE_TIME_SEC) AS HANDLE_SEC"
        f" FROM {report} GROUP BY ACTIVITY_DATE ORDER BY ACTIVITY_DATE",
    )
    daily = tables["daily"]
    assert [d["ACTIVITY_DATE"] for d in daily] == [e["ACTIVITY_DATE"] for e in expected_daily]
    assert sum(d["CONTACTS_HANDLED"] > 0 for d in daily) >= DAYS, "a trend needs days with contacts"
    for row, want in zip(daily, expected_daily, strict=True):
        contacts = want["CONTACTS"] or None
        assert row["AGENTS_ACTIVE"] == want["ACTIVE"]
        assert row["CONTACTS_HANDLED"] == want["CONTACTS"]
        assert row["HANDLE_TIME_SEC"] == want["HANDLE_SEC"]
        assert row["CONTACTS_PER_AGENT"] == near(contacts and contacts / want["ACTIVE"], 1)
        assert row["HANDLE_MIN_PER_CONTACT"] == near(contacts and want["HANDLE_SEC"] / contacts / 60, 2)

    expected_agents = {
        a["AGENT_ID"]: a
        for a in gold(
            demo_home,
            WBP,
            "SELECT AGENT_ID, max(AGENT_NAME) AS NAME, sum(CONTACTS_HANDLED) AS CONTACTS,"
            " count(*) FILTER (WHERE CONTACTS_HANDLED > 0) AS DAYS_ACTIVE,"
            " sum(HANDLE_TIME_SEC) / nullif(sum(CONTACTS_HANDLED), 0) / 60 AS HANDLE_MIN,"
            f" sum(CONTACTS_HANDLED) FILTER (WHERE ACTIVITY_DATE = (SELECT max(ACTIVITY_DATE) FROM {report}))"
            " AS LATEST_CONTACTS"
            f" FROM {report} GROUP BY AGENT_ID",
        )
    }
    per_agent = tables["per_agent"]
    assert {a["AGENT_ID"] for a in per_agent} == set(expected_agents)
    contacts = [a["CONTACTS_HANDLED"] for a in per_agent]
    assert contacts == sorted(contacts, reverse=True) and contacts[0] > 0
    for row in per_agent:
        want = expected_agents[row["AGENT_ID"]]
        assert row["AGENT_LABEL"] == want["NAME"], "the roster names every agent"
        assert (row["CONTACTS_HANDLED"], row["DAYS_ACTIVE"]) == (want["CONTACTS"], want["DAYS_ACTIVE"])
        assert row["HANDLE_MIN_PER_CONTACT"] == near(want["HANDLE_MIN"], 2)
        latest = want["LATEST_CONTACTS"] or None
        assert row["CONTACTS_PER_DAY_LATEST"] == near(latest, 1)
        if latest is not None and row["CONTACTS_PER_DAY"] is not None:
            assert row["CONTACTS_CHANGE"] == near(latest - row["CONTACTS_PER_DAY"], 1)


@pytest.mark.slow
def test_email_volume_shows_the_partners_report_from_gold(demo_home: Path, tmp_path: Path) -> None:
    tables = execute("email_volume.ipynb", demo_home, tmp_path, ["volume", "summary", "beside_gladly"])
    report = f'"{CND}"."GOLD"."rpt_email_daily"'
    expected = gold(
        demo_home,
        CND,
        "SELECT REPORT_DATE, EMAILS_RECEIVED, EMAILS_HANDLED, AGENTS_REPORTED, AVG_FIRST_RESPONSE_MIN"
        f" FROM {report} WHERE EMAILS_RECEIVED IS NOT NULL ORDER BY REPORT_DATE",
    )
    volume = tables["volume"]
    assert len(volume) == len(expected) >= DAYS
    previous = None
    for row, want in zip(volume, expected, strict=True):
        assert {k: row[k] for k in ("REPORT_DATE", "EMAILS_RECEIVED", "EMAILS_HANDLED", "AGENTS_REPORTED")} == {
            k: want[k] for k in ("REPORT_DATE", "EMAILS_RECEIVED", "EMAILS_HANDLED", "AGENTS_REPORTED")
        }
        assert row["EMAILS_RECEIVED"] > 0
        assert row["WEEKDAY"] == date.fromisoformat(want["REPORT_DATE"]).strftime("%A")
        assert row["HANDLED_SHARE"] == near(want["EMAILS_HANDLED"] / want["EMAILS_RECEIVED"], 3)
        assert row["RECEIVED_CHANGE"] == (None if previous is None else want["EMAILS_RECEIVED"] - previous)
        previous = want["EMAILS_RECEIVED"]

    [totals] = gold(
        demo_home,
        CND,
        "SELECT sum(EMAILS_RECEIVED) AS RECEIVED, sum(EMAILS_HANDLED) AS HANDLED,"
        " sum(AVG_FIRST_RESPONSE_MIN * EMAILS_HANDLED) FILTER (WHERE AVG_FIRST_RESPONSE_MIN IS NOT NULL)"
        " / sum(EMAILS_HANDLED) FILTER (WHERE AVG_FIRST_RESPONSE_MIN IS NOT NULL) AS FIRST_RESPONSE"
        f" FROM {report} WHERE EMAILS_RECEIVED IS NOT NULL",
    )
    [summary] = tables["summary"]
    assert (summary["EMAILS_RECEIVED"], summary["EMAILS_HANDLED"]) == (totals["RECEIVED"], totals["HANDLED"])
    assert summary["AVG_FIRST_RESPONSE_MIN"] == near(float(totals["FIRST_RESPONSE"]), 2)
    assert (summary["FIRST_DAY"], summary["LAST_DAY"]) == (expected[0]["REPORT_DATE"], expected[-1]["REPORT_DATE"])

    both = gold(
        demo_home,
        CND,
        f"SELECT REPORT_DATE, EMAIL_CONVERSATIONS FROM {report}"
        " WHERE EMAILS_RECEIVED IS NOT NULL AND EMAIL_CONVERSATIONS IS NOT NULL ORDER BY REPORT_DATE",
    )
    assert both, "condenast/gladly_daily was loaded for a report day"
    assert [(r["REPORT_DATE"], r["EMAIL_CONVERSATIONS"]) for r in tables["beside_gladly"]] == [
        (r["REPORT_DATE"], r["EMAIL_CONVERSATIONS"]) for r in both
    ]


@pytest.mark.slow
def test_a_notebook_on_an_empty_warehouse_says_nothing_is_loaded(tmp_path: Path) -> None:
    with pytest.raises(CellExecutionError, match="NoDataError"):
        execute("agent_trends.ipynb", tmp_path / "empty", tmp_path, [])
