"""The Google Sheets extractor against the real Sheets simulator over HTTP on 127.0.0.1."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from xo_core.credentials import Connection
from xo_core.errors import CredentialError, SourceDataError, TerminalError
from xo_core.extractors.base import ExtractRequest, ExtractResult
from xo_core.extractors.http import RetriesExhausted, RetryPolicy
from xo_core.extractors.sheets.config import GoogleSheetsExtractorConfig
from xo_core.extractors.sheets.extractor import GoogleSheetsExtractor
from xo_core.manifest import manifest_key
from xo_core.storage.local import LocalObjectStore
from xo_sandbox.gladly.orgs import get_org
from xo_sandbox.google.sheets import DEFAULT_TOKENS, ROSTER_COLUMNS, ROSTER_SPREADSHEET_ID, SheetsSandbox

TOKEN = DEFAULT_TOKENS[0]
BUCKET, KEY = "ingest", "sheets/agent_roster/run.csv"
START, END = datetime(2025, 1, 14, 5, tzinfo=UTC), datetime(2025, 1, 15, 5, tzinfo=UTC)
_CONTROL = httpx.Client()


@pytest.fixture
def sheets_sandbox() -> Iterator[SheetsSandbox]:
    """A fresh simulator per test (tests change cells)."""
    with SheetsSandbox() as sandbox:
        yield sandbox


def _extract(sandbox: SheetsSandbox, root: Path, a1: str = "Roster!A:H", *, sid: str = ROSTER_SPREADSHEET_ID,
             password: str = TOKEN) -> ExtractResult:  # fmt: skip
    conn = Connection("google_sheets_default", "google", host=sandbox.url, password=password)
    config = GoogleSheetsExtractorConfig(spreadsheet_id=sid, range=a1)
    request = ExtractRequest("agent_roster", config, START, END, "UTC", conn, LocalObjectStore(root), BUCKET, KEY, "r")
    policy = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.01)
    return GoogleSheetsExtractor(policy=policy, sleep=lambda _: None).extract(request)


def _rows(root: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO((root / BUCKET / KEY).read_text(encoding="utf-8"))))


def test_roster_lands_padded_to_the_header_with_the_gladly_agents(
    sheets_sandbox: SheetsSandbox, tmp_path: Path
) -> None:
    result = _extract(sheets_sandbox, tmp_path)
    rows = _rows(tmp_path)
    assert rows[0] == list(ROSTER_COLUMNS)
    agents = get_org("warbyparker").agents
    assert [(r[0], r[1], r[2]) for r in rows[1:]] == [(a.id, a.name, a.email) for a in agents]
    assert all(len(r) == len(ROSTER_COLUMNS) for r in rows)  # ragged rows padded
    assert any(r[6] == "" for r in rows[1:]) and any(r[7] == "" for r in rows[1:])
    assert result.manifest.row_count == len(agents)
    query = sheets_sandbox.requests()[0]["query"]
    assert "valueRenderOption=FORMATTED_VALUE" in str(query) and "majorDimension=ROWS" in str(query)


def test_whole_sheet_and_quoted_tab_names(sheets_sandbox: SheetsSandbox, tmp_path: Path) -> None:
    assert _extract(sheets_sandbox, tmp_path, "Roster").manifest.row_count == 40
    assert _extract(sheets_sandbox, tmp_path, "'Team Leads'!A:B").manifest.header == ["Team", "Lead"]


def test_a_changed_cell_shows_in_the_next_run(sheets_sandbox: SheetsSandbox, tmp_path: Path) -> None:
    _extract(sheets_sandbox, tmp_path)
    before = _rows(tmp_path)[3]
    change = {"spreadsheet_id": ROSTER_SPREADSHEET_ID, "range": "Roster!E4", "value": "Retail Support"}
    _CONTROL.post(f"{sheets_sandbox.url}/_sandbox/cells", json=change).raise_for_status()
    _extract(sheets_sandbox, tmp_path)
    after = _rows(tmp_path)[3]
    assert after[4] == "Retail Support" and after[:4] == before[:4]


def test_row_longer_than_header_names_the_row_and_writes_nothing(sheets_sandbox: SheetsSandbox, tmp_path: Path) -> None:
    sheets_sandbox.set_cell(ROSTER_SPREADSHEET_ID, "Roster!J6", "stray")
    with pytest.raises(SourceDataError, match="sheet row 6 has 10 cells"):
        _extract(sheets_sandbox, tmp_path, "Roster")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_empty_range_unknown_sheet_and_bad_range(sheets_sandbox: SheetsSandbox, tmp_path: Path) -> None:
    with pytest.raises(SourceDataError, match="is empty: no header row"):
        _extract(sheets_sandbox, tmp_path, "Empty")
    with pytest.raises(TerminalError, match="HTTP 404"):
        _extract(sheets_sandbox, tmp_path, sid="no-such-sheet")
    with pytest.raises(TerminalError, match=r"HTTP 400.*Unable to parse range"):
        _extract(sheets_sandbox, tmp_path, "Roster!A1:!!")


@pytest.mark.parametrize("kind", ["429", "500", "503", "reset"])
def test_transient_faults_are_retried(sheets_sandbox: SheetsSandbox, tmp_path: Path, kind: str) -> None:
    _CONTROL.post(f"{sheets_sandbox.url}/_sandbox/faults", json={"kind": kind, "times": 2}).raise_for_status()
    assert _extract(sheets_sandbox, tmp_path).manifest.row_count == 40


def test_quota_that_never_lifts_gives_up_leaving_nothing(tmp_path: Path) -> None:
    with SheetsSandbox(reads_per_minute=1, clock=lambda: 0.0) as sandbox:
        _extract(sandbox, tmp_path)
        (tmp_path / BUCKET / KEY).unlink()
        (tmp_path / BUCKET / manifest_key(KEY)).unlink()
        with pytest.raises(RetriesExhausted, match="HTTP 429"):
            _extract(sandbox, tmp_path)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_bad_token_is_a_credential_error_and_the_token_never_leaks(
    sheets_sandbox: SheetsSandbox, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(CredentialError, match="HTTP 401"):
        _extract(sheets_sandbox, tmp_path, password="wrong-s3cret")
    _CONTROL.post(f"{sheets_sandbox.url}/_sandbox/faults", json={"kind": "503"}).raise_for_status()
    _extract(sheets_sandbox, tmp_path)
    assert "s3cret" not in caplog.text and TOKEN not in caplog.text
    assert TOKEN not in (tmp_path / BUCKET / manifest_key(KEY)).read_text()
