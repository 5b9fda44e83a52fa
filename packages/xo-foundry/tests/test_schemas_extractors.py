"""Extractor settings models, the client registry and the schedule validator, on their own."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from xo_core.clients import CLIENTS, allowed_databases, database_for
from xo_core.errors import ConfigError
from xo_core.extractors.bamboohr.config import BambooHRExtractorConfig
from xo_core.extractors.gladly.config import GLADLY_METRIC_SETS, GladlyExtractorConfig
from xo_core.extractors.gmail.config import GmailAttachmentExtractorConfig
from xo_core.extractors.s3_upload.config import S3UploadExtractorConfig
from xo_core.extractors.sheets.config import GoogleSheetsExtractorConfig
from xo_core.extractors.sprout.config import SproutExtractorConfig
from xo_foundry.schemas.cron import PRESETS, validate_schedule


@pytest.mark.parametrize(
    ("domain", "env", "database"),
    [
        ("warbyparker", "prod", "WBP_DB"),
        ("warbyparker", "dev", "WBP_DB_DEV"),
        ("warbyparker", "local", "WBP_DB_DEV"),
        ("condenast", "prod", "CND_DB"),
        ("core", "dev", "CORE_DB_DEV"),
    ],
)
def test_database_for_each_environment(domain: str, env: str, database: str) -> None:
    assert database_for(domain, env) == database


def test_registry_names() -> None:
    assert {d: (c.database, c.display_name) for d, c in CLIENTS.items()} == {
        "warbyparker": ("WBP_DB", "Warby Parker"),
        "condenast": ("CND_DB", "Conde Nast"),
        "core": ("CORE_DB", "Core / shared"),
    }
    assert allowed_databases("warbyparker") == ("WBP_DB", "WBP_DB_DEV")


def test_unknown_domain_and_environment() -> None:
    with pytest.raises(ConfigError, match=r"unknown domain 'condenest' \(did you mean 'condenast'\?\)"):
        database_for("condenest", "prod")
    with pytest.raises(ConfigError, match="unknown environment 'staging'"):
        database_for("core", "staging")


def test_metric_sets_are_the_documented_enum() -> None:
    assert len(GLADLY_METRIC_SETS) == 55
    assert {"ContactTimestampsReport", "WorkSessionEventsReportV4", "GladlyAISessionsDetailWithMessagesReport"} <= (
        GLADLY_METRIC_SETS
    )
    # Names seen only in client code are not in Gladly's current enum.
    assert not {"ContactExportReport", "ContactExportReportV2", "SidekickAnswerSearchReport"} & GLADLY_METRIC_SETS


def test_gladly_defaults_and_unknown_channel() -> None:
    config = GladlyExtractorConfig(metric_set="AgentTimestampsReport")
    assert (config.endpoint, config.row_cap, config.connection_id, config.inboxes) == (
        "reports",
        100_000,
        "gladly_default",
        [],
    )
    with pytest.raises(ValidationError, match="Input should be 'allChannels'"):
        GladlyExtractorConfig.model_validate({"metric_set": "AgentTimestampsReport", "channel": "phone"})


def test_sprout_requests_the_useful_fields_by_default() -> None:
    config = SproutExtractorConfig(customer_id=687751, group_id=23598, profile_ids=[4920101])
    assert config.fields[:2] == ["guid", "created_time"] and "internal.sent_by.email" in config.fields
    assert config.connection_id == "sprout_default"
    with pytest.raises(ValidationError):
        SproutExtractorConfig.model_validate({"customer_id": 1, "group_id": 2, "profile_ids": [3], "fields": []})


def test_sprout_needs_the_group_and_its_profiles() -> None:
    with pytest.raises(ValidationError) as caught:
        SproutExtractorConfig.model_validate({"customer_id": 1, "profile_ids": []})
    assert [(e["loc"], e["type"]) for e in caught.value.errors()] == [
        (("group_id",), "missing"),
        (("profile_ids",), "too_short"),
    ]


def test_bamboohr_custom_report_needs_fields() -> None:
    assert BambooHRExtractorConfig(company_domain="acme").report == "directory"
    with pytest.raises(ValidationError) as caught:
        BambooHRExtractorConfig.model_validate({"company_domain": "acme", "report": "custom"})
    assert [(e["loc"], e["msg"]) for e in caught.value.errors()] == [
        (("fields",), "a custom report needs at least one field")
    ]


def test_small_extractor_models() -> None:
    gmail = GmailAttachmentExtractorConfig(from_address="reports@example.com")
    assert (gmail.user_id, gmail.pick, gmail.on_missing, gmail.connection_id) == (
        "me",
        "latest",
        "fail",
        "gmail_default",
    )
    with pytest.raises(ValidationError, match="at least 1 character"):
        GoogleSheetsExtractorConfig.model_validate({"spreadsheet_id": "abc", "range": ""})
    uploads = S3UploadExtractorConfig(prefix="uploads/warbyparker/")
    assert (uploads.pattern, uploads.encoding) == ("*.csv", "utf-8")
    with pytest.raises(ValidationError, match="unknown text encoding 'utf-9'"):
        S3UploadExtractorConfig.model_validate({"prefix": "uploads/warbyparker/", "encoding": "utf-9"})
    with pytest.raises(ValidationError, match="Extra inputs"):
        S3UploadExtractorConfig.model_validate({"prefix": "uploads/warbyparker/", "bukket": "x"})
    # Another client's uploads, or a bucket of the config's choosing, are out of reach (issue 11).
    with pytest.raises(ValidationError, match="Extra inputs"):
        S3UploadExtractorConfig.model_validate({"prefix": "uploads/warbyparker/", "bucket": "xo-data-landing"})
    for escape in ("uploads/warbyparker/../condenast/", "/uploads/warbyparker/", "uploads/"):
        with pytest.raises(ValidationError):
            S3UploadExtractorConfig.model_validate({"prefix": escape})
    assert S3UploadExtractorConfig(prefix="uploads/condenast/qa/").domain_problems("warbyparker") == [
        (
            "prefix",
            "'uploads/condenast/qa/' is not under 'uploads/warbyparker/', the landing prefix of domain 'warbyparker'",
        )
    ]


@pytest.mark.parametrize(
    "expression",
    [
        "50 6 * * *",
        "*/15 * * * *",
        "0 0 1,15 * *",
        "5-55/10 * * * 7",
        "0 6 * JAN-MAR MON-FRI",
        "0 12 * * sun",
        "0 9 1 */3 *",
        "30 4 * * 1,3,5",
        *PRESETS,
    ],
)
def test_valid_schedules(expression: str) -> None:
    assert validate_schedule(expression) == expression


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("0 24 * * *", "hour 24 is out of range 0-23"),
        ("0 6 0 * *", "day-of-month 0 is out of range 1-31"),
        ("0 6 * * 8", "day-of-week 8 is out of range 0-7"),
        ("0 6 * JANUARY *", "month 'JANUARY' is not a number or a name (JAN-DEC)"),
        ("0 6 * * MON-", "day-of-week '' is not a number or a name (SUN-SAT)"),
        ("0 6 * * * *", "has 6 fields"),
        ("@continuous", "unknown preset '@continuous'"),
    ],
)
def test_invalid_schedules(expression: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        validate_schedule(expression)
    assert message in str(caught.value)
