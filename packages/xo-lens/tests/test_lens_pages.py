"""Each page run by Streamlit's AppTest over the small DuckDB warehouse: the numbers shown are the rows'."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from conftest import AGENT_DAYS, CND, D2, D3, NOW, WBP, LensWarehouse, insert_ledger_row, ledger_row
from streamlit.testing.v1 import AppTest

import xo_lens
from xo_core.staging.contract import DECLARED, ColumnDrift
from xo_core.warehouse import ledger
from xo_core.warehouse.duckdb.backend import DuckDBSession

SRC = Path(xo_lens.__file__).parent
TIMEOUT = 30


def run(page: str) -> AppTest:
    app = AppTest.from_file(str(SRC / page), default_timeout=TIMEOUT).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def test_agent_dashboard_shows_the_totals_of_the_rows(lens_warehouse: LensWarehouse):
    app = run("pages/agent_dashboard.py")
    contacts = sum(row[2] for row in AGENT_DAYS)
    handle = sum(row[4] for row in AGENT_DAYS)
    shown = metrics(app)
    assert shown["Contacts handled"] == f"{contacts:,}"
    assert shown["Handle time per contact"] == f"{handle / contacts / 60:.1f} min"
    assert shown["Agents"] == "3"
    per_agent = app.dataframe[0].value
    assert dict(zip(per_agent["AGENT_LABEL"], per_agent["CONTACTS_HANDLED"], strict=True)) == {
        "Ada Lovelace": 30,
        "Grace Hopper": 10,
        "a-3": 3,
    }
    charts = app.get("vega_lite_chart")
    assert len(charts) == 4  # three trends and the per-agent bars
    assert '"field":"CONTACTS_HANDLED"' in charts[0].proto.spec.replace(" ", "")


def test_agent_dashboard_filters_change_the_numbers(lens_warehouse: LensWarehouse):
    app = run("pages/agent_dashboard.py")
    app.sidebar.multiselect[0].select("a-1").run()
    shown = metrics(app)
    assert shown["Contacts handled"] == "30"
    assert shown["Handle time per contact"] == f"{18000 / 30 / 60:.1f} min"
    # Ada's first responses weighted by her contacts: (10*120 + 12*60 + 8*90) / 30 s.
    assert shown["Avg first response"] == f"{(10 * 120 + 12 * 60 + 8 * 90) / 30 / 60:.1f} min"
    app.sidebar.date_input(key="agent_dates").set_value((D3, D3)).run()
    assert metrics(app)["Contacts handled"] == "8"
    app.sidebar.multiselect[0].unselect("a-1").run()
    app.sidebar.date_input(key="agent_dates").set_value((D2, D2)).run()
    assert metrics(app)["Contacts handled"] == "21"


def test_email_daily_shows_the_report_and_tolerates_new_columns(lens_warehouse: LensWarehouse):
    app = run("pages/email_daily.py")
    shown = metrics(app)
    assert shown["E-mail conversations"] == "490"
    assert shown["Closed"] == f"{(225 + 216) / 490:.0%}"
    assert shown["First-contact resolution"] == f"{(176 + 168) / (220 + 210):.0%}"
    assert "EMAIL_REOPENED" in app.multiselect[0].options
    assert list(app.dataframe[0].value["EMAIL_REOPENED"]) == [5, 7]
    assert len(app.get("vega_lite_chart")) == 2  # counts and times
    app.sidebar.date_input(key="email_dates").set_value((D2, D2)).run()
    assert metrics(app)["E-mail conversations"] == "240"


def test_pipeline_health_flags_the_stale_table_and_the_failure(lens_warehouse: LensWarehouse):
    app = run("pages/pipeline_health.py")
    assert metrics(app) == {
        "Tables": "4",
        "Failed": "1",
        "Stale": "1",
        "Rows in last loads": f"{1200 + 40 + 410:,}",
        "Drifted headers (7 d)": "0",
    }
    assert "GLADLY\\_WORK\\_SESSIONS" in app.error[0].value and app.code[0].value == "row count 299 != expected 300"
    assert "SHEETS\\_AGENT\\_ROSTER" in app.warning[0].value
    table = app.dataframe[0].value
    assert dict(zip(table["TABLE_NAME"], table["STATE"], strict=True)) == {
        "BRONZE.GLADLY_CONTACT_TIMESTAMPS": "ok",
        "BRONZE.GLADLY_WORK_SESSIONS": "failed",
        "BRONZE.SHEETS_AGENT_ROSTER": "stale",
        "BRONZE.GLADLY_CONVERSATIONS": "ok",
    }
    app.sidebar.number_input[0].set_value(60.0).run()
    assert metrics(app)["Stale"] == "0"


def test_every_page_says_run_make_demo_on_an_empty_warehouse(lens_empty_home: Path):
    for page in ("app.py", "pages/agent_dashboard.py", "pages/email_daily.py", "pages/pipeline_health.py"):
        app = run(page)
        assert [i.value for i in app.info] == [
            "No data in the warehouse yet: run `make demo` first (it loads every example pipeline)."
        ], page


def test_the_app_opens_on_the_agent_dashboard_and_switches_pages(lens_warehouse: LensWarehouse):
    app = run("app.py")
    assert app.title[0].value == "Agent dashboard"
    app.switch_page(str(SRC / "pages/pipeline_health.py")).run()
    assert app.title[0].value == "Pipeline health"


# Ledger errors can quote source rows: whatever markdown or HTML they hold must show as typed, never rendered.
UNTRUSTED = "row 3: **bold** <img src=x onerror=alert(1)> [link](javascript:alert(1)) :red[alarm] $x^2$"


def test_a_ledger_error_with_markdown_and_html_shows_literally(lens_warehouse: LensWarehouse):
    row = ledger_row("BRONZE.GMAIL_EMAIL_REPORT", "FAILED", NOW - timedelta(hours=1), None, UNTRUSTED)
    row[1] = "run-**x**"  # a run id is text the page did not write either
    with lens_warehouse.warehouse.connect_for_write(CND, purpose="lens test data") as connection:
        insert_ledger_row(DuckDBSession(connection), CND, row)
    app = run("pages/pipeline_health.py")
    assert UNTRUSTED in [c.value for c in app.code]  # st.code: shown as typed, nothing interpreted
    rendered = [e.value for e in [*app.error, *app.warning, *app.markdown, *app.caption, *app.info, *app.success]]
    assert not any("onerror" in text or "javascript:" in text or "**x**" in text for text in rendered), rendered
    assert any(r"run\-\*\*x\*\*" in text and "GMAIL\\_EMAIL\\_REPORT" in text for text in rendered), rendered


def test_a_load_started_past_the_ledger_timeout_shows_as_abandoned(lens_warehouse: LensWarehouse):
    killed = ledger_row("BRONZE.GMAIL_EMAIL_REPORT", "STARTED", NOW - ledger.STARTED_TIMEOUT, None)
    running = ledger_row("BRONZE.SPROUT_MESSAGES", "STARTED", NOW, None)
    for row in (killed, running):
        row[9] = None  # a STARTED row has no finish
    with lens_warehouse.warehouse.connect_for_write(CND, purpose="lens test data") as connection:
        for row in (killed, running):
            insert_ledger_row(DuckDBSession(connection), CND, row)
    app = run("pages/pipeline_health.py")
    states = dict(zip(app.dataframe[0].value["TABLE_NAME"], app.dataframe[0].value["STATE"], strict=True))
    assert states["BRONZE.GMAIL_EMAIL_REPORT"] == "abandoned"
    assert states["BRONZE.SPROUT_MESSAGES"] == "loading"
    assert metrics(app)["Failed"] == "2"
    assert any("GMAIL\\_EMAIL\\_REPORT" in e.value and "abandoned" in e.value for e in app.error)


def test_a_drifted_header_is_listed_with_its_change_and_policy(lens_warehouse: LensWarehouse):
    # Written as the stage writes it: a STARTED row, then its end with the header read and the drift (an old
    # ledger gets the V1.5.0 columns on the way).
    drift = ColumnDrift("fail", DECLARED, ("EVALUATION_ID", "SCORE"), ("EVALUATION_ID", "SCORE_PCT"))
    attempt = ledger.Attempt("stage-1", "run-drift", "BRONZE.S3_QA_SCORES", ledger.STAGE, NOW - timedelta(hours=1))
    header = ledger.Header(columns=drift.found, drift=drift.to_json())
    with lens_warehouse.warehouse.connect_for_write(WBP, purpose="lens test data") as connection:
        session = DuckDBSession(connection)
        ledger.ensure_ledger(session, WBP)
        ledger.record_attempt(session, WBP, attempt)
        ledger.record_finished(
            session, WBP, "stage-1", status=ledger.FAILED, rows_loaded=None, finished_at=NOW, header=header
        )
    app = run("pages/pipeline_health.py")
    assert metrics(app)["Drifted headers (7 d)"] == "1"
    (table,) = [d.value for d in app.dataframe if "CHANGE" in d.value.columns]
    assert table.to_dict("records")[0] | {"STARTED_AT": None} == {
        "DATABASE": WBP,
        "TABLE_NAME": "BRONZE.S3_QA_SCORES",
        "STARTED_AT": None,
        "ON_DRIFT": "fail",
        "STAGE_STATUS": "FAILED",
        "CHANGE": "renamed SCORE → SCORE_PCT (expected: the contract in the config)",
        "RUN_ID": "run-drift",
    }
