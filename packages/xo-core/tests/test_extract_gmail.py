"""The Gmail attachment extractor against the real Gmail simulator over HTTP on 127.0.0.1."""

from __future__ import annotations

import base64
import csv
import io
import json
import logging
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from xo_core.credentials import Connection
from xo_core.errors import CredentialError, InputMissing, SourceDataError, TerminalError
from xo_core.extractors.base import ExtractRequest, ExtractResult
from xo_core.extractors.gmail.client import decoded_data_field
from xo_core.extractors.gmail.config import GmailAttachmentExtractorConfig
from xo_core.extractors.gmail.extractor import GmailAttachmentExtractor
from xo_core.extractors.gmail.sender import refusal
from xo_core.extractors.http import RetriesExhausted, RetryPolicy
from xo_core.manifest import manifest_key
from xo_core.storage.local import LocalObjectStore
from xo_sandbox.google.gmail import DEFAULT_TOKENS, REPORT_COLUMNS, GmailSandbox, truth
from xo_sandbox.google.gmail.forgeries import KINDS, forgery_of_day
from xo_sandbox.google.gmail.mailbox import day_kind, delivered_overnight
from xo_sandbox.google.gmail.query import Compared

TZ = ZoneInfo("America/New_York")
TOKEN = DEFAULT_TOKENS[0]
BUCKET, KEY = "ingest", "gmail/email_report/2025-01-14.csv"
_CONTROL = httpx.Client()
_SA_EMAIL = "xo-reader@xo-data.iam.gserviceaccount.example"
_SA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
_SA_PUBLIC = (
    _SA_KEY.public_key()
    .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    .decode()
)
_SA_PRIVATE = _SA_KEY.private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
).decode()


@pytest.fixture(scope="module")
def _gmail_shared() -> Iterator[GmailSandbox]:
    with GmailSandbox(service_accounts={_SA_EMAIL: _SA_PUBLIC}) as sandbox:
        yield sandbox


@pytest.fixture
def gmail_sandbox(_gmail_shared: GmailSandbox, sandbox_control: Any) -> GmailSandbox:
    """The module's simulator with no faults pending and an empty request log."""
    return sandbox_control.reset(_gmail_shared)


def _day(d: date) -> tuple[datetime, datetime]:
    start = datetime.combine(d, time(), TZ)
    return start, start + timedelta(days=1)


def _first_day(kind: str) -> date:
    d = date(2025, 1, 2)
    while day_kind(d) != kind:
        d += timedelta(days=1)
    return d


def _extract(
    sandbox: GmailSandbox,
    root: Path,
    start: datetime,
    end: datetime,
    *,
    password: str = TOKEN,
    extra: dict[str, Any] | None = None,
    **config: Any,
) -> ExtractResult:
    settings: dict[str, Any] = {
        "from_address": "reports@cx-partner.example",
        "subject": "Daily Email Report",
        "filename_pattern": "email_report_*.csv",
    }
    settings.update(config)
    conn = Connection("gmail_default", "google", host=sandbox.url, password=password, extra=extra or {})
    request = ExtractRequest(
        "email_report", GmailAttachmentExtractorConfig(**settings), start, end, "America/New_York",
        conn, LocalObjectStore(root), BUCKET, KEY, "run-1",
    )  # fmt: skip
    policy = RetryPolicy(max_attempts=4, base_delay=0.01, max_delay=0.01)
    return GmailAttachmentExtractor(policy=policy, sleep=lambda _: None, page_size=2).extract(request)


def _rows(root: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO((root / BUCKET / KEY).read_text(encoding="utf-8"))))


def _leftovers(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def test_latest_report_of_a_day_lands_with_its_own_header_and_true_rows(
    gmail_sandbox: GmailSandbox, tmp_path: Path
) -> None:
    start, end = _day(_first_day("normal"))
    result = _extract(gmail_sandbox, tmp_path, start, end)
    rows = _rows(tmp_path)
    assert rows[0] == list(REPORT_COLUMNS)  # the BOM is gone from the first column name
    assert rows[1:] == truth.rows(start, end)
    assert result.manifest.row_count == len(rows) - 1 == 15
    listed = [e for e in gmail_sandbox.requests() if str(e["path"]).endswith("/messages")]
    assert "after%3A" in str(listed[0]["query"]) and "subject%3A" in str(listed[0]["query"])


def test_corrected_resend_wins_with_latest_and_both_concatenate_with_all(
    gmail_sandbox: GmailSandbox, tmp_path: Path
) -> None:
    start, end = _day(_first_day("resend"))
    _extract(gmail_sandbox, tmp_path, start, end)
    latest = _rows(tmp_path)[1:]
    assert latest == truth.rows(start, end, "latest")
    result = _extract(gmail_sandbox, tmp_path, start, end, pick="all")
    assert _rows(tmp_path)[1:] == truth.rows(start, end, "all")
    assert result.manifest.row_count == 30 and len(result.manifest.request["attachments"]) == 2


def test_a_week_with_pick_all_matches_truth_per_date(gmail_sandbox: GmailSandbox, tmp_path: Path) -> None:
    start, _ = _day(date(2025, 1, 6))
    end = start + timedelta(days=7)
    _extract(gmail_sandbox, tmp_path, start, end, pick="all")
    totals: dict[str, int] = {}
    for row in _rows(tmp_path)[1:]:
        totals[row[0]] = totals.get(row[0], 0) + int(row[4])
    assert totals == truth.emails_received_by_date(start, end, "all")
    pages = [e for e in gmail_sandbox.requests() if str(e["path"]).endswith("/messages")]
    assert len(pages) >= 3 and "pageToken=" in str(pages[-1]["query"])  # page_size 2 pages via nextPageToken


def test_no_report_fails_naming_the_query_or_writes_an_empty_object(
    gmail_sandbox: GmailSandbox, tmp_path: Path
) -> None:
    start, end = _day(_first_day("none"))
    with pytest.raises(TerminalError, match=r"q='from:reports@cx-partner\.example"):
        _extract(gmail_sandbox, tmp_path, start, end)
    assert _leftovers(tmp_path) == []
    result = _extract(gmail_sandbox, tmp_path, start, end, on_missing="empty")
    assert (tmp_path / BUCKET / KEY).read_bytes() == b""
    assert result.manifest.row_count == 0 and result.manifest.header == []
    with pytest.raises(InputMissing) as skipped:
        _extract(gmail_sandbox, tmp_path / "skip", start, end, on_missing="skip")
    assert skipped.value.skip is True and _leftovers(tmp_path / "skip") == []


def test_arrived_finds_the_days_report_without_downloading_it(gmail_sandbox: GmailSandbox, tmp_path: Path) -> None:
    settings = GmailAttachmentExtractorConfig(
        from_address="reports@cx-partner.example", subject="Daily Email Report", filename_pattern="email_report_*.csv"
    )
    conn = Connection("gmail_default", "google", host=gmail_sandbox.url, password=TOKEN)
    extractor = GmailAttachmentExtractor(sleep=lambda _: None)

    def arrived(day: date) -> str | None:
        start, end = _day(day)
        request = ExtractRequest(
            "email_report", settings, start, end, "America/New_York", conn, LocalObjectStore(tmp_path), BUCKET, KEY, "r"
        )
        return extractor.arrived(request)

    assert arrived(_first_day("none")) is None
    found = arrived(_first_day("normal"))
    assert found is not None and found.startswith("1 Gmail message(s) matching q='from:reports@cx-partner.example")
    assert not any("/attachments/" in str(e["path"]) for e in gmail_sandbox.requests())
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("compares", ["date_header", "internal_date"])
def test_a_report_sent_before_midnight_and_received_after_it_lands_in_the_day_it_was_received(
    compares: Compared, tmp_path: Path
) -> None:
    # Gmail does not document whether after:/before: meet the Date header or internalDate; the window is
    # defined on internalDate, and must come out exact under either reading.
    day = next(d for d in (date(2025, 1, 2) + timedelta(days=i) for i in range(60)) if delivered_overnight(d))
    start, end = _day(day)
    mail = truth.report_mails(start, end)[0]
    assert mail.sent_ms < start.timestamp() * 1000 <= mail.internal_ms  # dated the day before, received this day
    with GmailSandbox(search_compares=compares) as sandbox:
        received = _extract(sandbox, tmp_path / "received", start, end)
        before = _extract(sandbox, tmp_path / "before", *_day(day - timedelta(days=1)), on_missing="empty")
    assert received.manifest.row_count == 15 and _rows(tmp_path / "received")[1:] == truth.rows(start, end)
    assert before.manifest.request["attachments"] == [] and before.manifest.row_count == 0


def test_window_edges_are_exact_on_internal_date(gmail_sandbox: GmailSandbox, tmp_path: Path) -> None:
    day = _first_day("normal")
    mail = truth.report_mails(*_day(day))[0]
    at = datetime.fromtimestamp(mail.internal_ms / 1000, TZ)
    assert _extract(gmail_sandbox, tmp_path, at, at + timedelta(hours=1)).manifest.row_count == 15
    before = _extract(gmail_sandbox, tmp_path, at - timedelta(hours=1), at, on_missing="empty")
    assert before.manifest.row_count == 0


@pytest.mark.parametrize("kind", ["429", "403", "403user", "500", "503", "reset"])
def test_transient_faults_and_quota_refusals_are_retried(
    gmail_sandbox: GmailSandbox, tmp_path: Path, kind: str
) -> None:
    _CONTROL.post(f"{gmail_sandbox.url}/_sandbox/faults", json={"kind": kind, "times": 2}).raise_for_status()
    start, end = _day(_first_day("normal"))
    assert _extract(gmail_sandbox, tmp_path, start, end).manifest.row_count == 15


def test_a_fault_on_the_attachment_that_never_ends_leaves_nothing(gmail_sandbox: GmailSandbox, tmp_path: Path) -> None:
    fault = {"kind": "503", "times": None, "path": "/gmail/v1/users/me/messages/"}
    _CONTROL.post(f"{gmail_sandbox.url}/_sandbox/faults", json=fault).raise_for_status()
    with pytest.raises(RetriesExhausted):
        _extract(gmail_sandbox, tmp_path, *_day(_first_day("normal")))
    assert _leftovers(tmp_path) == []


def test_bad_token_is_a_credential_error_that_never_shows_the_token(
    gmail_sandbox: GmailSandbox, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(CredentialError, match=r"Invalid Credentials|authError") as caught:
        _extract(gmail_sandbox, tmp_path, *_day(_first_day("normal")), password="not-a-token-s3cret")
    assert "s3cret" not in str(caught.value) and "s3cret" not in caplog.text
    _CONTROL.post(f"{gmail_sandbox.url}/_sandbox/faults", json={"kind": "429"}).raise_for_status()
    _extract(gmail_sandbox, tmp_path, *_day(_first_day("normal")))
    assert TOKEN not in caplog.text
    assert TOKEN not in (tmp_path / BUCKET / manifest_key(KEY)).read_text()


def test_service_account_key_is_exchanged_at_the_token_endpoint(gmail_sandbox: GmailSandbox, tmp_path: Path) -> None:
    key = {"type": "service_account", "client_email": _SA_EMAIL, "private_key": _SA_PRIVATE,
           "private_key_id": "k1", "token_uri": gmail_sandbox.token_uri}  # fmt: skip
    result = _extract(
        gmail_sandbox, tmp_path, *_day(_first_day("normal")), password=json.dumps(key),
        extra={"subject": "cx-data@xodata.example"},
    )  # fmt: skip
    assert result.manifest.row_count == 15
    assert gmail_sandbox.tokens.issued_to()[-1] == (_SA_EMAIL, "cx-data@xodata.example")
    assert "PRIVATE KEY" not in (tmp_path / BUCKET / manifest_key(KEY)).read_text()
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key["private_key"] = other.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    with pytest.raises(CredentialError, match="invalid_grant"):
        _extract(gmail_sandbox, tmp_path, *_day(_first_day("normal")), password=json.dumps(key))


def test_data_field_decodes_across_chunks_with_or_without_padding() -> None:
    raw = b"\xef\xbb\xbfa,b\r\n1,2\r\n"
    for encoded in (base64.urlsafe_b64encode(raw), base64.urlsafe_b64encode(raw).rstrip(b"=")):
        body = b'{"size": 9, "data": "' + encoded + b'"}'
        chunks = [body[i : i + 5] for i in range(0, len(body), 5)]
        assert b"".join(decoded_data_field(chunks)) == raw
    with pytest.raises(SourceDataError, match="no data field"):
        list(decoded_data_field([b'{"size": 0}']))


def _forged_day(kind: str) -> date:
    """A day whose morning brings the partner's report and, later, a forged one of ``kind``."""
    d = date(2025, 1, 2)
    while forgery_of_day(d) != kind or day_kind(d) == "none":
        d += timedelta(days=1)
    return d


@pytest.mark.parametrize("kind", KINDS)
def test_a_forged_report_after_the_real_one_is_ignored_and_the_run_says_so(
    kind: str, gmail_sandbox: GmailSandbox, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Gmail's from: search matches the display name and any address containing the words; with pick: latest
    # the forgery, received last, would replace the partner's report.
    start, end = _day(_forged_day(kind))
    [forged] = truth.forged_mails(start, end)
    caplog.set_level(logging.WARNING)
    for pick in ("latest", "all"):
        result = _extract(gmail_sandbox, tmp_path, start, end, pick=pick)
        assert _rows(tmp_path)[1:] == truth.rows(start, end, pick)
        taken = {a["message_id"] for a in result.manifest.request["attachments"]}
        assert forged.id not in taken
        ignored = result.manifest.request["ignored_messages"]
        assert [i["message_id"] for i in ignored] == [forged.id]
        assert ignored[0]["from"] == forged.sender and ignored[0]["reason"]
    assert forged.id in caplog.text and "ignored" in caplog.text


@pytest.mark.parametrize(
    ("kind", "require", "taken"),
    [
        ("display_name", "none", False),  # the exact address is checked whatever else is required
        ("look_alike", "none", False),
        ("dmarc_fail", "none", True),  # the From header alone cannot tell: only authentication can
        ("dmarc_fail", "dkim", False),
        ("dmarc_fail", "dmarc", False),
    ],
)
def test_what_require_authentication_adds_to_the_exact_address(
    kind: str, require: str, taken: bool, gmail_sandbox: GmailSandbox, tmp_path: Path
) -> None:
    start, end = _day(_forged_day(kind))
    [forged] = truth.forged_mails(start, end)
    result = _extract(gmail_sandbox, tmp_path, start, end, pick="all", require_authentication=require)
    assert (forged.id in {a["message_id"] for a in result.manifest.request["attachments"]}) is taken
    assert result.manifest.request["require_authentication"] == require


REFUSED_FROM = [
    '"reports@cx-partner.example" <attacker@evil.example>',
    "=?utf-8?q?reports=40cx-partner=2Eexample?= <attacker@evil.example>",
    "reports@cx-partner.example <attacker@evil.example>",  # the two parsers read different addresses
    "attacker@evil.example)<reports@cx-partner.example>",
    "reports@cx-partner.example, attacker@evil.example",
    "Reports <reports@cx-partner.example.evil.com>",
    '"reports@cx-partner.example"@evil.example',
    "",
]


@pytest.mark.parametrize("sender", REFUSED_FROM)
def test_a_from_header_that_is_not_exactly_the_address_is_refused(sender: str) -> None:
    assert refusal([("From", sender)], "reports@cx-partner.example", "none") is not None


def test_the_exact_address_in_any_spelling_passes_and_gmails_own_authentication_results_decide() -> None:
    for sender in ("reports@cx-partner.example", '"CX Partner, Inc." <REPORTS@cx-partner.example>'):
        assert refusal([("From", sender)], "reports@cx-partner.example", "none") is None
    assert refusal([("From", "a@x.example"), ("From", "a@x.example")], "a@x.example", "none") is not None
    passed = "mx.google.com; dkim=pass header.i=@x.example; dmarc=pass (p=NONE) header.from=x.example"
    failed = "mx.google.com; dkim=fail (bad signature) header.d=x.example; dmarc=fail header.from=x.example"
    for required in ("dmarc", "dkim"):
        assert refusal([("Authentication-Results", passed), ("From", "a@x.example")], "a@x.example", required) is None
        planted_below = [
            ("Authentication-Results", failed),
            ("From", "a@x.example"),
            ("Authentication-Results", passed),
        ]
        assert refusal(planted_below, "a@x.example", required) is not None
        other_server = [("Authentication-Results", passed.replace("mx.google.com", "mx.evil.example"))]
        assert refusal([*other_server, ("From", "a@x.example")], "a@x.example", required) is not None
        assert refusal([("From", "a@x.example")], "a@x.example", required) is not None
    other_domain = "mx.google.com; dkim=pass header.i=@evil.example; dmarc=pass header.from=evil.example"
    assert refusal([("Authentication-Results", other_domain), ("From", "a@x.example")], "a@x.example", "dkim")
    assert refusal([("Authentication-Results", other_domain), ("From", "a@x.example")], "a@x.example", "dmarc")


def test_from_address_must_be_a_bare_address() -> None:
    for bad in ("CX <reports@cx-partner.example>", "reports@cx-partner.example OR subject:x", "reports"):
        with pytest.raises(ValueError, match="from_address"):
            GmailAttachmentExtractorConfig(from_address=bad)
