"""Every broken config gives exactly the PATH:LINE: field: message lines a person needs to fix it."""

from __future__ import annotations

from pathlib import Path

import pytest

from xo_foundry.schemas.errors import ConfigErrors
from xo_foundry.schemas.loader import load_pipeline, load_pipelines

# The seed example without its comments; the line numbers below refer to this text.
VALID = """\
dag:
  domain: warbyparker
  pipeline_name: gladly_daily
  pipeline_type: snowflake_load
  schedule: "50 6 * * *"
  time_window:
    refresh_type: daily
    lag: { days: 1 }
    timezone: "America/New_York"
globals:
  snowflake:
    database: WBP_DB_DEV
    schema: BRONZE
sources:
  contact_timestamps:
    source_type: gladly_api
    load_strategy: full_refresh
    extractor:
      metric_set: ContactTimestampsReport
    snowflake:
      target_table: GLADLY_CONTACT_TIMESTAMPS
"""

SOURCE = "sources.contact_timestamps"
PATTERN = "^[A-Z][A-Z0-9_]*$"
COLUMN = "^[A-Z_][A-Z0-9_]*$"
CONNECTION = "^[a-z][a-z0-9_]*$"
PRESETS = "@daily, @hourly, @weekly, @monthly, @yearly, @once"


def edit(*replacements: tuple[str, str]) -> str:
    """VALID with each ``(old, new)`` replaced once (old must be there, so a case cannot silently rot)."""
    text = VALID
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


# A Sprout source in place of the Gladly one (same line numbers down to `sources:`, line 14).
SPROUT = (
    VALID.split("sources:")[0]
    + """\
sources:
  messages:
    source_type: sprout_api
    load_strategy: full_refresh
    extractor:
      customer_id: 687751
      group_id: 23598
      profile_ids: [4920101, 4920102]
    snowflake:
      target_table: SPROUT_MESSAGES
"""
)
SPROUT_EXTRACTOR = "sources.messages.extractor"


def sprout(old: str, new: str) -> str:
    """SPROUT with ``old`` replaced once."""
    assert SPROUT.count(old) == 1, old
    return SPROUT.replace(old, new)


def schedule(expr: str) -> str:
    return edit(('"50 6 * * *"', f'"{expr}"'))


SECOND_SOURCE = """\
  work_sessions:
    source_type: gladly_api
    load_strategy: full_refresh
    extractor:
      endpoint: work_session_events
    snowflake:
      target_table: GLADLY_CONTACT_TIMESTAMPS
"""

# A BambooHR custom report (the history pipeline's shape); line 21 is its fields list.
BAMBOOHR = """\
dag:
  domain: core
  pipeline_name: bamboohr_history
  pipeline_type: snowflake_load
  schedule: "30 5 * * *"
  time_window:
    refresh_type: daily
    lag: { days: 1 }
    timezone: "America/New_York"
globals:
  snowflake:
    database: CORE_DB_DEV
    schema: BRONZE
sources:
  employee_history:
    source_type: bamboohr_api
    load_strategy: full_refresh
    extractor:
      company_domain: xodata
      report: custom
      fields: [id, lastChanged]
    snowflake:
      target_table: BAMBOOHR_EMPLOYEE_HISTORY
"""
BAMBOOHR_EXTRACTOR = "sources.employee_history.extractor"
TOO_MANY_FIELDS = ", ".join(f"customField{n}" for n in range(401))

CASES: list[tuple[str, str, list[str]]] = [
    (
        "unknown top key",
        VALID + "sorces: {}\n",
        ["p.yaml:22: sorces: unknown field 'sorces' (did you mean 'sources'?)"],
    ),
    (
        "unknown nested key with suggestion",
        edit(("metric_set: Contact", "metricset: Contact")),
        [f"p.yaml:19: {SOURCE}.extractor.metricset: unknown field 'metricset' (did you mean 'metric_set'?)"],
    ),
    (
        "unknown key in globals",
        edit(("    schema: BRONZE", "    schem: BRONZE")),
        ["p.yaml:13: globals.snowflake.schem: unknown field 'schem' (did you mean 'schema'?)"],
    ),
    (
        "unknown dag key",
        edit(('  schedule: "50', '  ownr: me\n  schedule: "50')),
        ["p.yaml:5: dag.ownr: unknown field 'ownr' (did you mean 'owner'?)"],
    ),
    (
        "missing target_table",
        edit(("    snowflake:\n      target_table: GLADLY_CONTACT_TIMESTAMPS\n", "    snowflake: {}\n")),
        [f"p.yaml:20: {SOURCE}.snowflake.target_table: field required"],
    ),
    (
        "an empty snowflake block names what it needs",
        edit(("    snowflake:\n      target_table: GLADLY_CONTACT_TIMESTAMPS\n", "    snowflake:\n")),
        [f"p.yaml:20: {SOURCE}.snowflake: empty; needs target_table"],
    ),
    (
        "an empty source names what every source needs",
        VALID.split("sources:")[0] + "sources:\n  contact_timestamps:\n",
        [f"p.yaml:15: {SOURCE}: empty; needs load_strategy, snowflake, source_type, extractor"],
    ),
    (
        "an empty sources block",
        VALID.split("sources:")[0] + "sources:\n",
        ["p.yaml:14: sources: empty; needs at least 1 entry"],
    ),
    (
        "an empty time_window",
        edit(('    refresh_type: daily\n    lag: { days: 1 }\n    timezone: "America/New_York"\n', "")),
        ["p.yaml:6: dag.time_window: empty; needs timezone, refresh_type"],
    ),
    (
        "an empty lag, which has no required field",
        edit(("lag: { days: 1 }", "lag:")),
        ["p.yaml:8: dag.time_window.lag: empty; write one or more of days, hours, minutes, or remove the key"],
    ),
    (
        "a long value is shown cut, so a problem stays one line",
        edit(("dag:\n  domain: warbyparker\n", "dag: [" + ", ".join(["1"] * 3000) + "]\nx:\n  domain: warbyparker\n")),
        ["p.yaml:1: dag: expected a mapping, got list [1, 1, 1, 1, 1, 1, ...]", "p.yaml:2: x: unknown field 'x'"],
    ),
    (
        "a control character, at its line",
        edit(("  domain: warbyparker\n", "  domain: warby\x07parker\n")),
        ["p.yaml:2: character U+0007 is not allowed in YAML (is this a text file?)"],
    ),
    (
        "an impossible date",
        edit(('    timezone: "America/New_York"\n', '    timezone: "America/New_York"\n    start: 2025-02-30\n')),
        ["p.yaml:10: '2025-02-30' is no timestamp: day is out of range for month"],
    ),
    (
        "aliases within the budget are fine, and reported where they land",
        edit(
            ("database: WBP_DB_DEV", "database: &db wbp_db_dev"),
            ("target_table: GLADLY_CONTACT_TIMESTAMPS", "target_table: *db"),
        ),
        [
            f"p.yaml:12: globals.snowflake.database: 'wbp_db_dev' must match {PATTERN}",
            f"p.yaml:21: {SOURCE}.snowflake.target_table: 'wbp_db_dev' must match {PATTERN}",
        ],
    ),
    (
        "missing top-level globals",
        edit(("globals:\n  snowflake:\n    database: WBP_DB_DEV\n    schema: BRONZE\n", "")),
        ["p.yaml:1: globals: field required"],
    ),
    (
        "missing pipeline_type",
        edit(("  pipeline_type: snowflake_load\n", "")),
        ["p.yaml:1: dag.pipeline_type: field required"],
    ),
    (
        "missing source_type",
        edit(("    source_type: gladly_api\n", "")),
        [f"p.yaml:15: {SOURCE}.source_type: field required"],
    ),
    (
        "missing timezone",
        edit(('    timezone: "America/New_York"\n', "")),
        ["p.yaml:6: dag.time_window.timezone: field required"],
    ),
    (
        "missing metric_set for reports",
        edit(("    extractor:\n      metric_set: ContactTimestampsReport\n", "    extractor: {}\n")),
        [f"p.yaml:18: {SOURCE}.extractor.metric_set: field required when endpoint is 'reports'"],
    ),
    (
        "metric_set with work_session_events",
        edit(("      metric_set:", "      endpoint: work_session_events\n      metric_set:")),
        [f"p.yaml:20: {SOURCE}.extractor.metric_set: not used with endpoint 'work_session_events' (remove it)"],
    ),
    (
        "bad source_type",
        edit(("gladly_api", "gladly_apii")),
        [f"p.yaml:16: {SOURCE}.source_type: unknown source_type 'gladly_apii' (did you mean 'gladly_api'?)"],
    ),
    (
        "bad load_strategy string",
        edit(("load_strategy: full_refresh", "load_strategy: ful_refresh")),
        [f"p.yaml:17: {SOURCE}.load_strategy: unknown load_strategy 'ful_refresh' (did you mean 'full_refresh'?)"],
    ),
    (
        "bad load_strategy kind",
        edit(("load_strategy: full_refresh", "load_strategy: {kind: incremntal, unique_key: [id]}")),
        [f"p.yaml:17: {SOURCE}.load_strategy.kind: unknown kind 'incremntal' (did you mean 'incremental'?)"],
    ),
    (
        "bad refresh_type",
        edit(("refresh_type: daily", "refresh_type: dayly")),
        ["p.yaml:7: dag.time_window.refresh_type: unknown refresh_type 'dayly' (did you mean 'daily'?)"],
    ),
    (
        "incremental as a bare string",
        edit(("load_strategy: full_refresh", "load_strategy: incremental")),
        [
            f"p.yaml:17: {SOURCE}.load_strategy: "
            "incremental needs unique_key: write {kind: incremental, unique_key: [<column>, ...]}"
        ],
    ),
    (
        "historical as a bare string",
        edit(("load_strategy: full_refresh", "load_strategy: historical")),
        [
            f"p.yaml:17: {SOURCE}.load_strategy: "
            "historical needs unique_key: write {kind: historical, unique_key: [<column>, ...]}"
        ],
    ),
    (
        "incremental mapping without unique_key",
        edit(("load_strategy: full_refresh", "load_strategy: {kind: incremental}")),
        [f"p.yaml:17: {SOURCE}.load_strategy.unique_key: field required"],
    ),
    (
        "incremental with an empty unique_key",
        edit(("load_strategy: full_refresh", "load_strategy: {kind: incremental, unique_key: []}")),
        [f"p.yaml:17: {SOURCE}.load_strategy.unique_key: needs at least 1 entry, got 0"],
    ),
    (
        "cron with four fields",
        schedule("50 6 * *"),
        [
            "p.yaml:5: dag.schedule: '50 6 * *' has 4 fields; a cron expression has 5 "
            f"(minute hour day-of-month month day-of-week) or is one of {PRESETS}"
        ],
    ),
    ("cron minute out of range", schedule("61 6 * * *"), ["p.yaml:5: dag.schedule: minute 61 is out of range 0-59"]),
    ("cron month out of range", schedule("0 6 1 13 *"), ["p.yaml:5: dag.schedule: month 13 is out of range 1-12"]),
    ("cron backwards range", schedule("0 18-6 * * *"), ["p.yaml:5: dag.schedule: hour range 18-6 runs backwards"]),
    (
        "cron zero step",
        schedule("*/0 * * * *"),
        ["p.yaml:5: dag.schedule: minute step '0' must be a whole number of at least 1"],
    ),
    (
        "cron unknown day name",
        schedule("0 6 * * FUNDAY"),
        ["p.yaml:5: dag.schedule: day-of-week 'FUNDAY' is not a number or a name (SUN-SAT)"],
    ),
    (
        "cron empty list item",
        schedule("0 6,,7 * * *"),
        ["p.yaml:5: dag.schedule: hour '6,,7' has an empty list item"],
    ),
    (
        "cron unknown preset",
        schedule("@dayly"),
        ["p.yaml:5: dag.schedule: unknown preset '@dayly' (did you mean '@daily'?)"],
    ),
    (
        "bad timezone",
        edit(("America/New_York", "America/New_Yrok")),
        ["p.yaml:9: dag.time_window.timezone: unknown IANA time zone 'America/New_Yrok'"],
    ),
    (
        "bad metric set with suggestion",
        edit(("ContactTimestampsReport", "ContactTimestampReport")),
        [
            f"p.yaml:19: {SOURCE}.extractor.metric_set: "
            "unknown metric_set 'ContactTimestampReport' (did you mean 'ContactTimestampsReport'?)"
        ],
    ),
    (
        "lowercase database",
        edit(("database: WBP_DB_DEV", "database: wbp_db_dev")),
        [f"p.yaml:12: globals.snowflake.database: 'wbp_db_dev' must match {PATTERN}"],
    ),
    (
        "invalid schema",
        edit(("schema: BRONZE", "schema: bronze-1")),
        [f"p.yaml:13: globals.snowflake.schema: 'bronze-1' must match {PATTERN}"],
    ),
    (
        "invalid table",
        edit(("target_table: GLADLY_CONTACT_TIMESTAMPS", "target_table: gladly contacts")),
        [f"p.yaml:21: {SOURCE}.snowflake.target_table: 'gladly contacts' must match {PATTERN}"],
    ),
    (
        "database of another domain",
        edit(("database: WBP_DB_DEV", "database: CND_DB")),
        [
            "p.yaml:12: globals.snowflake.database: "
            "CND_DB is not a database of domain 'warbyparker' (use WBP_DB or WBP_DB_DEV)"
        ],
    ),
    (
        "unknown domain with suggestion",
        edit(("domain: warbyparker", "domain: warbyparkr")),
        ["p.yaml:2: dag.domain: unknown domain 'warbyparkr' (did you mean 'warbyparker'?)"],
    ),
    (
        "bad pipeline name",
        edit(("pipeline_name: gladly_daily", "pipeline_name: Gladly-Daily")),
        ["p.yaml:3: dag.pipeline_name: 'Gladly-Daily' must match ^[a-z][a-z0-9_]*$"],
    ),
    (
        "pipeline name making a dag id over 200 characters",
        edit(("pipeline_name: gladly_daily", "pipeline_name: " + "x" * 200)),
        [
            "p.yaml:3: dag.pipeline_name: dag id warbyparker_xxxxxxxxxxxxxxxxxxxxxxxxxxxx... "
            "is 212 characters (at most 200)"
        ],
    ),
    (
        "bad source name",
        edit(("  contact_timestamps:", "  Contact-Timestamps:")),
        ["p.yaml:15: sources.Contact-Timestamps: 'Contact-Timestamps' must match ^[a-z][a-z0-9_]*$"],
    ),
    (
        "wrong pipeline_type",
        edit(("pipeline_type: snowflake_load", "pipeline_type: snowflake_loads")),
        ["p.yaml:4: dag.pipeline_type: Input should be 'snowflake_load'"],
    ),
    (
        "duplicate key",
        edit(('  schedule: "50 6 * * *"\n', '  schedule: "50 6 * * *"\n  schedule: "0 7 * * *"\n')),
        ["p.yaml:6: dag.schedule: duplicate key 'schedule' (first at line 5)"],
    ),
    (
        "YAML syntax error",
        edit(("    lag: { days: 1 }", "    lag: { days: 1 ")),
        ["p.yaml:9: YAML syntax error: expected ',' or '}', but got ':'"],
    ),
    (
        "tab indentation",
        edit(("    refresh_type: daily", "\trefresh_type: daily")),
        ["p.yaml:7: YAML syntax error: found character '\\t' that cannot start any token"],
    ),
    (
        "two sources writing one table",
        VALID + SECOND_SOURCE,
        [
            "p.yaml:28: sources.work_sessions.snowflake.target_table: "
            "GLADLY_CONTACT_TIMESTAMPS is also the target of source 'contact_timestamps'"
        ],
    ),
    (
        "start_time after end_time",
        edit(
            (
                "    refresh_type: daily\n    lag: { days: 1 }\n",
                '    refresh_type: intraday_absolute\n    start_time: "18:00"\n    end_time: "09:00"\n',
            )
        ),
        ["p.yaml:6: dag.time_window: start_time 18:00 must be before end_time 09:00"],
    ),
    (
        "negative lag",
        edit(("lag: { days: 1 }", "lag: { days: -1 }")),
        ["p.yaml:8: dag.time_window.lag.days: Input should be greater than or equal to 0"],
    ),
    (
        "a filter the metric set does not take",
        edit(
            (
                "      metric_set: ContactTimestampsReport\n",
                "      metric_set: ContactTimestampsReport\n      channel: email\n",
            )
        ),
        [
            f"p.yaml:20: {SOURCE}.extractor.channel: "
            "metric_set ContactTimestampsReport does not take filters.channel (remove it)"
        ],
    ),
    (
        "an IVR report without its required phone number",
        edit(("metric_set: ContactTimestampsReport", "metric_set: IvrEndStatesReportV2")),
        [f"p.yaml:18: {SOURCE}.extractor.phone_number: field required by metric_set IvrEndStatesReportV2"],
    ),
    (
        "a sub-day window for a metric set that takes whole days",
        edit(
            (
                "    refresh_type: daily\n    lag: { days: 1 }\n",
                "    refresh_type: intraday_relative\n    lookback: { hours: 2 }\n    lag: { hours: 1 }\n",
            )
        ),
        [
            f"p.yaml:20: {SOURCE}.extractor.metric_set: ContactTimestampsReport takes whole days only (startAt/endAt), "
            "but the window is not whole days: use a daily window, endpoint work_session_events, or a metric set "
            "that takes times (ContactExportReportV3)"
        ],
    ),
    (
        "an intraday lag under Gladly's report latency",
        edit(
            (
                "    refresh_type: daily\n    lag: { days: 1 }\n",
                "    refresh_type: intraday_relative\n    lookback: { hours: 2 }\n    lag: { minutes: 30 }\n",
            ),
            ("      metric_set: ContactTimestampsReport", "      endpoint: work_session_events"),
        ),
        [
            "p.yaml:9: dag.time_window.lag: Gladly's reports run about one hour behind: an intraday lag under 1 hour "
            "reads incomplete data (source contact_timestamps)"
        ],
    ),
    (
        "a connection named for another client",
        edit(
            (
                "      metric_set: ContactTimestampsReport\n",
                "      metric_set: ContactTimestampsReport\n      connection_id: gladly_condenast\n",
            )
        ),
        [
            f"p.yaml:20: {SOURCE}.extractor.connection_id: connection 'gladly_condenast' belongs to domain "
            "'condenast'; a 'warbyparker' pipeline may not use it"
        ],
    ),
    (
        "a host of the config's choosing",
        edit(
            (
                "      metric_set: ContactTimestampsReport\n",
                "      metric_set: ContactTimestampsReport\n      host: http://127.0.0.1:8080\n",
            )
        ),
        [
            f"p.yaml:20: {SOURCE}.extractor.host: host '127.0.0.1' is not one of the vendor's hosts "
            "(gladly.com, gladly.qa)"
        ],
    ),
    (
        "another client's uploads",
        edit(
            ("    source_type: gladly_api", "    source_type: s3_upload"),
            ("      metric_set: ContactTimestampsReport", "      prefix: uploads/condenast/qa_scores/"),
        ),
        [
            f"p.yaml:19: {SOURCE}.extractor.prefix: 'uploads/condenast/qa_scores/' is not under "
            "'uploads/warbyparker/', the landing prefix of domain 'warbyparker'"
        ],
    ),
    (
        "empty sources",
        VALID.split("sources:")[0] + "sources: {}\n",
        ["p.yaml:14: sources: needs at least 1 entry, got 0"],
    ),
    (
        "string for retries",
        edit(('  schedule: "50', '  retries: two\n  schedule: "50')),
        ["p.yaml:5: dag.retries: Input should be a valid integer, unable to parse string as an integer"],
    ),
    (
        "retries out of range",
        edit(('  schedule: "50', '  retries: 11\n  schedule: "50')),
        ["p.yaml:5: dag.retries: Input should be less than or equal to 10"],
    ),
    (
        "a list at the top",
        "- dag\n- sources\n",
        ["p.yaml:1: expected a mapping of dag, globals and sources at the top"],
    ),
    ("an empty file", "# nothing yet\n", ["p.yaml:1: the file is empty; a pipeline needs dag, globals and sources"]),
    (
        "dag is not a mapping",
        edit(("dag:\n  domain: warbyparker\n", "dag: warbyparker\nx:\n  domain: warbyparker\n")),
        [
            "p.yaml:1: dag: expected a mapping, got str 'warbyparker'",
            "p.yaml:2: x: unknown field 'x'",
        ],
    ),
    (
        "a BambooHR custom report of more than 400 fields",
        BAMBOOHR.replace("[id, lastChanged]", f"[{TOO_MANY_FIELDS}]"),
        [f"p.yaml:21: {BAMBOOHR_EXTRACTOR}.fields: 401 fields; BambooHR takes at most 400 in one custom report"],
    ),
    (
        "a BambooHR allow_missing_fields that is not a boolean",
        BAMBOOHR.replace("      report: custom\n", "      report: custom\n      allow_missing_fields: sometimes\n"),
        [
            f"p.yaml:21: {BAMBOOHR_EXTRACTOR}.allow_missing_fields: "
            "Input should be a valid boolean, unable to interpret input"
        ],
    ),
    (
        "several errors, all reported, sorted by line",
        edit(
            ("target_table: GLADLY_CONTACT_TIMESTAMPS", "target_table: gladly"),
            ("ContactTimestampsReport", "ContactTimestampReport"),
            ('"50 6 * * *"', '"61 6 * * *"'),
            ("    schema: BRONZE", "    schem: BRONZE"),
        )
        + "extra: 1\n",
        [
            "p.yaml:5: dag.schedule: minute 61 is out of range 0-59",
            "p.yaml:13: globals.snowflake.schem: unknown field 'schem' (did you mean 'schema'?)",
            f"p.yaml:19: {SOURCE}.extractor.metric_set: "
            "unknown metric_set 'ContactTimestampReport' (did you mean 'ContactTimestampsReport'?)",
            f"p.yaml:21: {SOURCE}.snowflake.target_table: 'gladly' must match {PATTERN}",
            "p.yaml:22: extra: unknown field 'extra'",
        ],
    ),
    (
        "sprout without group_id",
        sprout("      group_id: 23598\n", ""),
        [f"p.yaml:18: {SPROUT_EXTRACTOR}.group_id: field required"],
    ),
    (
        "sprout without profile_ids",
        sprout("      profile_ids: [4920101, 4920102]\n", ""),
        [f"p.yaml:18: {SPROUT_EXTRACTOR}.profile_ids: field required"],
    ),
    (
        "sprout with no profiles",
        sprout("[4920101, 4920102]", "[]"),
        [f"p.yaml:21: {SPROUT_EXTRACTOR}.profile_ids: needs at least 1 entry, got 0"],
    ),
    (
        "unique_key holding dbt Jinja (it reaches the generated dbt sources)",
        edit(
            ("load_strategy: full_refresh", "load_strategy: {kind: incremental, unique_key: [\"{{ env_var('X') }}\"]}")
        ),
        [
            f"p.yaml:17: {SOURCE}.load_strategy.unique_key.0: \"{{{{ env_var('X') }}}}\" is not a BRONZE column "
            f"name (UPPERCASE, matching {COLUMN})"
        ],
    ),
    (
        "unique_key in the vendor's spelling",
        edit(("load_strategy: full_refresh", "load_strategy: {kind: incremental, unique_key: [ID, contactId]}")),
        [
            f"p.yaml:17: {SOURCE}.load_strategy.unique_key.1: 'contactId' is not a BRONZE column name "
            f"(UPPERCASE, matching {COLUMN}): write 'CONTACT_ID'"
        ],
    ),
    (
        "updated_at with a space",
        BAMBOOHR.replace(
            "load_strategy: full_refresh",
            "load_strategy: {kind: historical, unique_key: [ID], updated_at: last changed}",
        ),
        [
            "p.yaml:17: sources.employee_history.load_strategy.updated_at: 'last changed' is not a BRONZE column name "
            f"(UPPERCASE, matching {COLUMN}): write 'LAST_CHANGED'"
        ],
    ),
    (
        "connection_id with a newline (it would add a line to .env)",
        edit(
            (
                "      metric_set: ContactTimestampsReport\n",
                '      metric_set: ContactTimestampsReport\n      connection_id: "gladly_default\\nXO_ENV=prod"\n',
            )
        ),
        [f"p.yaml:20: {SOURCE}.extractor.connection_id: 'gladly_default\\nXO_ENV=prod' must match {CONNECTION}"],
    ),
    (
        "connection_id in capitals",
        sprout("      group_id: 23598\n", "      group_id: 23598\n      connection_id: Sprout-Prod\n"),
        [f"p.yaml:21: {SPROUT_EXTRACTOR}.connection_id: 'Sprout-Prod' must match {CONNECTION}"],
    ),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_broken_config_reports_exact_problems(
    text: str, expected: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "p.yaml").write_text(text)
    with pytest.raises(ConfigErrors) as caught:
        load_pipeline(Path("p.yaml"), root=tmp_path)
    assert [str(p) for p in caught.value.problems] == expected
    assert str(caught.value) == "\n".join(expected)


def test_the_table_is_large_enough() -> None:
    assert len(CASES) >= 35


def test_the_unedited_text_is_valid(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(VALID)
    assert load_pipeline(tmp_path / "p.yaml", root=tmp_path).dag_id == "warbyparker_gladly_daily"
    (tmp_path / "p.yaml").write_text(SPROUT)
    assert load_pipeline(tmp_path / "p.yaml", root=tmp_path).dag_id == "warbyparker_gladly_daily"
    (tmp_path / "p.yaml").write_text(BAMBOOHR)
    assert load_pipeline(tmp_path / "p.yaml", root=tmp_path).dag_id == "core_bamboohr_history"


# A config's file name is its pipeline's name: it reaches generated files (DAG comments, dbt meta) and the CLI.
FILE_NAMES: list[tuple[str, str, list[str]]] = [
    (
        "a name with code after a newline",
        'x\nimport os; os.system("id")\n#.yaml',
        [
            'x\\nimport os; os.system("id")\\n#.yaml:1: file name \'x\\nimport os; os.system("id")\\n#.yaml\' '
            "must match [a-z0-9_]+\\.yaml",
        ],
    ),
    (
        "capitals",
        "Gladly_Daily.yaml",
        ["Gladly_Daily.yaml:1: file name 'Gladly_Daily.yaml' must match [a-z0-9_]+\\.yaml"],
    ),
    (
        "a dash",
        "gladly-daily.yaml",
        ["gladly-daily.yaml:1: file name 'gladly-daily.yaml' must match [a-z0-9_]+\\.yaml"],
    ),
    (
        "another pipeline's name",
        "gladly_hourly.yaml",
        ["gladly_hourly.yaml:3: dag.pipeline_name: 'gladly_daily' must be the file's name, 'gladly_hourly'"],
    ),
]


@pytest.mark.parametrize(("name", "expected"), [c[1:] for c in FILE_NAMES], ids=[c[0] for c in FILE_NAMES])
def test_a_config_file_name_must_be_its_pipeline_name(
    name: str, expected: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / name).write_text(VALID)
    result = load_pipelines([tmp_path], root=tmp_path)
    assert result.pipelines == {}
    assert [str(p) for p in result.problems] == expected


def test_a_config_named_after_its_pipeline_is_valid(tmp_path: Path) -> None:
    (tmp_path / "gladly_daily.yaml").write_text(VALID)
    result = load_pipelines([tmp_path], root=tmp_path)
    assert result.ok, result.problems
