"""Every example pipeline for three consecutive days, a reload and a day of late changes, then GOLD against the
simulators' own totals: exact numbers, read from the generators (``truth`` modules), never from a CSV."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pytest

from xo_core.environment import environment
from xo_core.storage.factory import object_store_for
from xo_foundry.cli.run import logical_date_for, run_direct
from xo_foundry.schemas.loader import DEFAULT_CONFIG_ROOT, load_pipeline
from xo_foundry.transform.dbt_runner import run_dbt_build
from xo_sandbox.bamboohr.employees import roster
from xo_sandbox.demo import RECONCILED_PIPELINES
from xo_sandbox.gladly import truth as gladly_truth
from xo_sandbox.gladly import work_sessions as gladly_work_sessions
from xo_sandbox.gladly.orgs import get_org
from xo_sandbox.google.gmail import truth as gmail_truth
from xo_sandbox.google.gmail.mailbox import REPORT_COLUMNS, day_kind
from xo_sandbox.google.sheets.roster import ROSTER_SPREADSHEET_ID
from xo_sandbox.sandboxes import Sandboxes, start_all
from xo_sandbox.sprout import truth as sprout_truth
from xo_sandbox.uploads import qa_scores_csv, qa_scores_key

# How long these runs take is measured by `python -m bench pipeline_runs` (the same pipelines, days and reload),
# not held to a budget here: a wall-clock bound in a test fails on a busy machine and proves nothing on a quiet one.
pytestmark = pytest.mark.slow

VOLUME = 0.1  # a tenth of the Gladly and Sprout volume: the same definitions, a faster run
TZ = "America/New_York"
ZONE = ZoneInfo(TZ)
DATABASES = ("WBP_DB_DEV", "CND_DB_DEV", "CORE_DB_DEV")
# Differ on every load by design (when, which run); everything else must be equal after a reload.
VOLATILE = {"_XO_LOADED_AT", "_XO_RUN_ID", "_XO_SOURCE_FILE"}
CHANGED_ROW = 5  # sheet row 5: the fourth agent (row 1 is the header)
NEW_TEAM = "Retail Stores"
NEW_TITLE = "Senior Customer Experience Agent"
# Entered in BambooHR before day 2's run, effective on the day of day 3's run.
DATED_CHANGE = {"department": "Quality Assurance", "supervisorEId": 101}

type Tables = dict[str, list[tuple[Any, ...]]]


def _data_days(today: date) -> list[date]:
    """Three consecutive days inside the Gmail mailbox (the last 120 days) whose report mail arrives the next
    morning, preferring three that include a corrected resend (the connector must pick the latest)."""
    fallback: list[date] | None = None
    for offset in range(100, 10, -1):
        days = [today - timedelta(days=offset - i) for i in range(3)]
        kinds = [day_kind(d + timedelta(days=1)) for d in days]
        if "none" in kinds:
            continue
        if "resend" in kinds:
            return days
        fallback = fallback or days
    assert fallback is not None
    return fallback


@dataclass
class Scenario:
    home: Path
    days: list[date]
    sandboxes: Sandboxes
    states: dict[str, Tables] = field(default_factory=dict)
    changed_agent_id: str = ""
    changed_employee_id: int = 0
    old_team: str = ""
    old_title: str = ""
    changed_at: datetime | None = None
    dated_employee_id: int = 0
    dated_versions_day2: list[tuple[Any, ...]] = field(default_factory=list)
    unit_tests: dict[str, str] = field(default_factory=dict)


def _read_all(home: Path) -> Tables:
    """Every SILVER and GOLD table of every database, rows sorted, without the volatile lineage columns."""
    out: Tables = {}
    for database in DATABASES:
        connection = duckdb.connect(str(home / "warehouse" / f"{database}.duckdb"), read_only=True)
        try:
            tables = connection.execute(
                "select table_schema, table_name from information_schema.tables"
                " where table_schema in ('SILVER', 'GOLD') order by 1, 2"
            ).fetchall()
            for schema, table in tables:
                cursor = connection.execute(f'select * from "{schema}"."{table}"')
                names = [d[0] for d in cursor.description or []]
                keep = [i for i, name in enumerate(names) if name not in VOLATILE]
                rows = [tuple(row[i] for i in keep) for row in cursor.fetchall()]
                out[f"{database}.{schema}.{table}"] = sorted(rows, key=repr)
        finally:
            connection.close()
    return out


def _query(home: Path, database: str, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    connection = duckdb.connect(str(home / "warehouse" / f"{database}.duckdb"), read_only=True)
    try:
        return connection.execute(sql, params or []).fetchall()
    finally:
        connection.close()


def first_pull(day: date) -> datetime:
    """When the runs for data day ``day`` pull: 01:30 the next morning, so Gladly's reports (an hour late) show
    the state at 00:30: contacts still open, after-contact time still growing."""
    return datetime.combine(day + timedelta(days=1), time(1, 30), ZONE)


def _run_day(scenario: Scenario, day: date, label: str) -> None:
    """Drop the day's QA export, then every pipeline's run for the data day ``day`` (extract → load → dbt)."""
    scenario.sandboxes.gladly.clock = first_pull(day).timestamp
    env = environment()
    object_store_for(env.object_store_url).put_bytes(env.landing_bucket, qa_scores_key(day), qa_scores_csv(day))
    # BambooHR answers with the values in effect on the day a run on schedule pulls: the day after `day`.
    scenario.sandboxes.bamboohr.set_today(day + timedelta(days=1))
    for ref in RECONCILED_PIPELINES:
        pipeline = load_pipeline(DEFAULT_CONFIG_ROOT / f"{ref}.yaml")
        # A run "for" day+1 loads `day` (one-day lag); the report mail received on day+1 covers `day` too.
        steps = run_direct(pipeline, logical_date_for(pipeline, day + timedelta(days=1)))
        assert steps[-1].task_id == "transform", ref
    scenario.states[label] = _read_all(scenario.home)


INTRADAY_RUN_AT = time(15)  # the hourly run of 15:00: work sessions placed 12:00 to 14:00


def _run_intraday(scenario: Scenario, day: date) -> None:
    """The hourly intraday run at 15:00 of ``day``, pulled at that moment (no transform follows it)."""
    at = datetime.combine(day, INTRADAY_RUN_AT, ZONE)
    scenario.sandboxes.gladly.clock = at.timestamp
    pipeline = load_pipeline(DEFAULT_CONFIG_ROOT / "warbyparker/gladly_intraday.yaml")
    run_direct(pipeline, at)


def _change_roster_and_bamboohr(scenario: Scenario, day: date) -> None:
    """Late changes before the last day's pulls: a team edited in the sheet, a job title changed in BambooHR."""
    sheets, bamboohr = scenario.sandboxes.sheets, scenario.sandboxes.bamboohr
    sheet = sheets.spreadsheet(ROSTER_SPREADSHEET_ID)
    assert sheet is not None
    row = sheet["Roster"][CHANGED_ROW - 1]
    scenario.changed_agent_id, scenario.old_team = str(row[0]), str(row[4])
    scenario.changed_employee_id = int(str(row[3]))
    scenario.old_title = bamboohr.staff_by_id()[scenario.changed_employee_id].job_title
    sheets.set_cell(ROSTER_SPREADSHEET_ID, f"Roster!E{CHANGED_ROW}", NEW_TEAM)
    scenario.changed_at = datetime.combine(day, time(15), ZONE).astimezone(UTC)
    bamboohr.change_employee(scenario.changed_employee_id, {"jobTitle": NEW_TITLE}, at=scenario.changed_at)


def _enter_future_dated_bamboohr_change(scenario: Scenario, entered_on: date, effective: date) -> None:
    """A department and supervisor change entered on ``entered_on`` for ``effective``, another agent than the
    one whose title changes at once."""
    bamboohr = scenario.sandboxes.bamboohr
    scenario.dated_employee_id = bamboohr.find(get_org("condenast").agents[0].email).id
    entered = datetime.combine(entered_on, time(11), ZONE)
    bamboohr.change_employee(scenario.dated_employee_id, DATED_CHANGE, at=entered, effective=effective)


def _employee_versions(home: Path, employee_id: int) -> list[tuple[Any, ...]]:
    return _query(
        home,
        "CORE_DB_DEV",
        "select DEPARTMENT, SUPERVISOR_EMPLOYEE_ID, VALID_FROM, VALID_TO, IS_CURRENT from GOLD.dim_employees"
        " where EMPLOYEE_ID = ? order by VALID_FROM",
        [employee_id],
    )


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    """Own simulators (this scenario changes their data) and XO_HOME; days 1, 2, day 2 again, changes, day 3."""
    home = tmp_path_factory.mktemp("reconcile") / "xo-home"
    with start_all(volume_scale=VOLUME, relaxed_limits=True) as sandboxes, pytest.MonkeyPatch.context() as patch:
        patch.setenv("XO_HOME", str(home))
        patch.setenv("XO_ENV", "local")
        patch.chdir(home.parent)
        for name, value in sandboxes.connection_env().items():
            patch.setenv(name, value)
        days = _data_days(date.today())
        run = Scenario(home=home, days=days, sandboxes=sandboxes)
        _run_day(run, days[0], "day1")
        _enter_future_dated_bamboohr_change(run, days[1], days[2] + timedelta(days=1))
        _run_day(run, days[1], "day2")
        run.dated_versions_day2 = _employee_versions(home, run.dated_employee_id)
        _run_day(run, days[1], "day2_again")
        _change_roster_and_bamboohr(run, days[2])
        _run_day(run, days[2], "day3")
        _run_intraday(run, days[1])
        # dbt build runs a unit test with its model: GOLD again (same rows) with every unit test of GOLD logic
        gold = run_dbt_build(["path:models/gold"], unit_tests=True)
        run.unit_tests = {k: v for k, v in gold.statuses.items() if k.startswith("unit_test.")}
        yield run


def test_a_reload_leaves_every_silver_and_gold_table_exactly_as_before(scenario: Scenario) -> None:
    before, after = scenario.states["day2"], scenario.states["day2_again"]
    assert set(before) == set(after)
    for table in before:
        assert after[table] == before[table], f"{table} changed on a reload of {scenario.days[1]}"
    for table in ("WBP_DB_DEV.SILVER.MESSAGES", "CND_DB_DEV.SILVER.EMAIL_DAILY_REPORT", "WBP_DB_DEV.SILVER.QA_SCORES"):
        assert before[table], f"{table} is empty"


def test_silver_keeps_every_day_while_bronze_holds_one(scenario: Scenario) -> None:
    home, first, last = scenario.home, scenario.days[0], scenario.days[2]
    messages = _query(home, "WBP_DB_DEV", "select count(distinct _XO_WINDOW_START) from SILVER.MESSAGES")
    bronze = _query(home, "WBP_DB_DEV", "select count(distinct _XO_WINDOW_START) from BRONZE.SPROUT_MESSAGES")
    assert (messages, bronze) == ([(3,)], [(1,)])
    reported = _query(home, "CND_DB_DEV", "select distinct REPORT_DATE from SILVER.EMAIL_DAILY_REPORT order by 1")
    assert [r[0] for r in reported] == [first, first + timedelta(days=1), last]


def test_late_changes_become_a_second_version_with_valid_from_and_to(scenario: Scenario) -> None:
    home = scenario.home
    agent_versions = _query(
        home,
        "WBP_DB_DEV",
        "select TEAM, VALID_FROM, VALID_TO, IS_CURRENT from GOLD.dim_agent_history where AGENT_ID = ?"
        " order by VALID_FROM",
        [scenario.changed_agent_id],
    )
    assert [(team, current) for team, _, _, current in agent_versions] == [
        (scenario.old_team, False),
        (NEW_TEAM, True),
    ]
    assert agent_versions[0][2] == agent_versions[1][1] and agent_versions[1][2] is None
    employee_versions = _query(
        home,
        "CORE_DB_DEV",
        "select JOB_TITLE, VALID_FROM, VALID_TO, IS_CURRENT from GOLD.dim_employees where EMPLOYEE_ID = ?"
        " order by VALID_FROM",
        [scenario.changed_employee_id],
    )
    assert scenario.changed_at is not None
    changed = scenario.changed_at.replace(tzinfo=None)
    assert [(title, current) for title, _, _, current in employee_versions] == [
        (scenario.old_title, False),
        (NEW_TITLE, True),
    ]
    assert employee_versions[0][2] == changed == employee_versions[1][1]
    # every other roster row and employee kept a single version (but the future-dated change, below)
    assert _query(home, "WBP_DB_DEV", "select count(*) from GOLD.dim_agent_history where not IS_CURRENT") == [(1,)]
    assert _query(home, "CORE_DB_DEV", "select count(*) from GOLD.dim_employees where not IS_CURRENT") == [(2,)]


def test_a_future_dated_change_is_current_from_its_effective_day_not_before(scenario: Scenario) -> None:
    before = next(e for e in roster() if e.id == scenario.dated_employee_id)
    old_department, old_supervisor = before.department, before.supervisor_id
    assert scenario.sandboxes.bamboohr.staff_by_id()[before.id].department == DATED_CHANGE["department"]  # by now
    # entered before day 2's run, effective on day 3's: day 2 still shows the old values as current
    assert [(d, s, current) for d, s, _, _, current in scenario.dated_versions_day2] == [
        (old_department, old_supervisor, True)
    ]
    versions = _employee_versions(scenario.home, scenario.dated_employee_id)
    assert [(d, s, current) for d, s, _, _, current in versions] == [
        (old_department, old_supervisor, False),
        (DATED_CHANGE["department"], DATED_CHANGE["supervisorEId"], True),
    ]
    effective = datetime.combine(scenario.days[2] + timedelta(days=1), time(), ZONE).astimezone(UTC)
    assert versions[0][3] == effective.replace(tzinfo=None) == versions[1][2]


def test_every_agent_is_its_bamboohr_employee_by_id_with_the_current_title(scenario: Scenario) -> None:
    rows = _query(
        scenario.home,
        "WBP_DB_DEV",
        "select AGENT_ID, ROSTER_EMPLOYEE_ID, EMPLOYEE_ID, EMPLOYEE_MATCHED_BY, TEAM, JOB_TITLE from GOLD.dim_agents",
    )
    agents = get_org("warbyparker").agents
    staff = scenario.sandboxes.bamboohr.staff_by_id()
    assert {r[0] for r in rows} == {a.id for a in agents}
    for agent_id, roster_id, employee_id, matched_by, team, title in rows:
        assert (employee_id, matched_by) == (int(roster_id), "EMPLOYEE_ID"), agent_id
        assert staff[employee_id].work_email == next(a.email for a in agents if a.id == agent_id)
        assert title == staff[employee_id].job_title
        if agent_id == scenario.changed_agent_id:
            assert (team, title) == (NEW_TEAM, NEW_TITLE)


def test_every_clients_agents_are_in_core_with_their_bamboohr_employee(scenario: Scenario) -> None:
    rows = _query(
        scenario.home,
        "CORE_DB_DEV",
        "select CLIENT_CODE, AGENT_ID, EMPLOYEE_ID, EMPLOYEE_MATCHED_BY from GOLD.dim_client_agents",
    )
    staff = {e.work_email: e.id for e in scenario.sandboxes.bamboohr.staff_by_id().values()}
    expected = {
        (code, agent.id, staff[agent.email], "EMPLOYEE_ID")
        for code, org in (("WBP", "warbyparker"), ("CND", "condenast"))
        for agent in get_org(org).agents
    }
    assert set(rows) == expected and len(rows) == len(expected)
    silver = _query(scenario.home, "CORE_DB_DEV", "select count(*) from SILVER.ROSTER_CONDENAST")
    assert silver == [(len(get_org("condenast").agents),)]


def test_contacts_and_work_time_per_agent_per_day_equal_the_gladly_truth(scenario: Scenario) -> None:
    first, middle, last = scenario.days
    rows = _query(
        scenario.home,
        "WBP_DB_DEV",
        "select d.AGENT_ID, d.ACTIVITY_DATE, d.CONTACTS_HANDLED, d.HANDLE_TIME_SEC, a.AFTER_CONTACT_TIME_SEC,"
        " d.AGENT_NAME from GOLD.rpt_agent_dashboard d join GOLD.agg_agent_daily a using (AGENT_ID, ACTIVITY_DATE)"
        " where d.ACTIVITY_DATE between ? and ?",
        [first, last],
    )
    handled = gladly_truth.contacts_per_agent_per_day("warbyparker", first, last, TZ, volume_scale=VOLUME)
    # A contact started before the last midnight may be fulfilled after it (in a day not loaded): the last
    # day's contact counts are complete only once the next day is loaded, so they are compared up to day 2.
    complete = {k: v for k, v in handled.items() if k[1] < last}
    assert {(a, d): n for a, d, n, *_ in rows if n and d < last} == complete
    assert sum(complete.values()) > 100 and all(row[-1] for row in rows)

    # Work time sits on the day each contact ended. Days 1 and 2 were pulled again a day later (repull), after
    # their contacts ended and their after-contact time stopped growing: they equal the settled truth. Day 3 was
    # pulled once, at 01:30 the next morning: it equals what Gladly showed then.
    settled = gladly_truth.work_time_per_agent_per_day("warbyparker", first, middle, TZ, volume_scale=VOLUME)
    as_pulled = gladly_truth.work_time_per_agent_per_day(
        "warbyparker", last, last, TZ, volume_scale=VOLUME, as_of=first_pull(last) - timedelta(hours=1)
    )
    expected = {k: v for k, v in (settled | as_pulled).items() if v != (0, 0)}
    assert {(a, d): (h, acw) for a, d, _, h, acw, _ in rows if h or acw} == expected

    # The scenario has what it is for: day 2's first pull saw contacts still open and after-contact time that
    # grew later, and contacts created on day 2 that ended on day 3 (open at day 2's first pull).
    seen_first = gladly_truth.work_time_per_agent_per_day(
        "warbyparker", middle, middle, TZ, volume_scale=VOLUME, as_of=first_pull(middle) - timedelta(hours=1)
    )
    assert seen_first != {k: v for k, v in settled.items() if k[1] == middle}
    crossing = _query(
        scenario.home,
        "WBP_DB_DEV",
        "select count(*) from SILVER.WORK_SESSIONS where CONTACT_SESSION_ENDED_AT is not null"
        " and timezone(SOURCE_TIMEZONE, CONTACT_SESSION_CREATED_AT::timestamptz)::date = ?"
        " and timezone(SOURCE_TIMEZONE, CONTACT_SESSION_ENDED_AT::timestamptz)::date = ?",
        [middle, last],
    )
    assert crossing[0][0] > 0
    # SILVER keeps the latest version of each contact session only: no contact open before is open still,
    # except those still open at the last pull.
    still_open = _query(
        scenario.home,
        "WBP_DB_DEV",
        "select max(ANCHORED_AT) < ? from SILVER.WORK_SESSIONS where WORK_SESSION_ID is null",
        [datetime.combine(last, time(), ZONE).astimezone(UTC).replace(tzinfo=None)],
    )
    assert still_open == [(False,)]


def test_the_intraday_run_equals_what_gladly_showed_at_that_hour(scenario: Scenario) -> None:
    day = scenario.days[1]
    at = datetime.combine(day, INTRADAY_RUN_AT, ZONE)
    lo, hi = at - timedelta(hours=3), at - timedelta(hours=1)  # lookback 2 h, lag 1 h
    views = gladly_work_sessions.work_session_views(
        "warbyparker",
        int(lo.timestamp() * 1000),
        int(hi.timestamp() * 1000),
        int((at - timedelta(hours=1)).timestamp() * 1000),
        VOLUME,
    )
    expected = sorted((v.contact.id, v.agent.id if v.agent else None, v.handle_sec, v.after_contact_sec) for v in views)
    rows = _query(
        scenario.home,
        "WBP_DB_DEV",
        "select CONTACT_SESSION_ID, AGENT_ID, cast(WORK_SESSION_HANDLE_TIME_SEC as int),"
        " cast(WORK_SESSION_AFTER_CONTACT_TIME_SEC as int) from BRONZE.GLADLY_WORK_SESSIONS_INTRADAY",
    )
    assert sorted(rows, key=repr) == sorted(expected, key=repr) and len(rows) > 5
    assert any(handle is None for _, _, handle, _ in rows)  # contacts open at the hour are there, open


def test_emails_per_day_equal_the_partner_reports_in_the_mailbox(scenario: Scenario) -> None:
    expected_received: dict[date, int] = {}
    expected_handled: Counter[date] = Counter()
    handled_at = REPORT_COLUMNS.index("Emails Handled")
    for day in scenario.days:
        start = datetime.combine(day + timedelta(days=1), time(), ZONE)
        end = start + timedelta(days=1)
        for text, total in gmail_truth.emails_received_by_date(start, end).items():
            month, dom, year = (int(p) for p in text.split("/"))
            expected_received[date(year, month, dom)] = total
        for row in gmail_truth.rows(start, end):
            month, dom, year = (int(p) for p in row[0].split("/"))
            expected_handled[date(year, month, dom)] += int(row[handled_at])
    rows = _query(
        scenario.home,
        "CND_DB_DEV",
        "select REPORT_DATE, EMAILS_RECEIVED, EMAILS_HANDLED, CONVERSATIONS from GOLD.rpt_email_daily"
        " where EMAILS_RECEIVED is not null",
    )
    assert {d: r for d, r, _, _ in rows} == expected_received
    assert {d: h for d, _, h, _ in rows} == dict(expected_handled)
    conversations = gladly_truth.conversations_per_day(
        "condenast", scenario.days[0], scenario.days[2], TZ, volume_scale=VOLUME
    )
    assert {d: c for d, _, _, c in rows} == conversations


def test_messages_per_day_equal_the_sprout_truth(scenario: Scenario) -> None:
    start = datetime.combine(scenario.days[0], time(), ZONE)
    end = datetime.combine(scenario.days[2] + timedelta(days=1), time(), ZONE)
    rows = _query(
        scenario.home,
        "WBP_DB_DEV",
        "select MESSAGE_DATE, sum(MESSAGES), sum(REPLIES) from GOLD.agg_messages_daily group by MESSAGE_DATE",
    )
    assert {d: n for d, n, _ in rows} == sprout_truth.messages_per_day(start, end, TZ, volume_scale=VOLUME)
    replies = sprout_truth.replies_per_agent(start, end, volume_scale=VOLUME)
    assert sum(r for *_, r in rows) == sum(replies.values()) > 0


def test_qa_evaluations_per_agent_per_day_equal_the_uploaded_exports(scenario: Scenario) -> None:
    expected: Counter[tuple[date, str]] = Counter()
    for day in scenario.days:
        text = qa_scores_csv(day).decode("utf-8-sig")
        for row in csv.DictReader(io.StringIO(text)):
            expected[(day, row["Agent Email"])] += 1
    rows = _query(
        scenario.home, "WBP_DB_DEV", "select EVALUATION_DATE, AGENT_EMAIL, EVALUATIONS from GOLD.agg_qa_agent_daily"
    )
    assert {(d, e): n for d, e, n in rows} == dict(expected)


def test_gold_reports_are_views_and_everything_else_is_a_table(scenario: Scenario) -> None:
    kinds: dict[str, str] = {}
    for database in DATABASES:
        for name, kind in _query(
            scenario.home,
            database,
            "select table_name, table_type from information_schema.tables where table_schema = 'GOLD'",
        ):
            kinds[name] = kind
    assert {n for n, k in kinds.items() if k == "VIEW"} == {n for n in kinds if n.startswith("rpt_")} != set()


def test_every_unit_test_of_the_gold_logic_passes(scenario: Scenario) -> None:
    assert len(scenario.unit_tests) >= 11 and set(scenario.unit_tests.values()) == {"pass"}
