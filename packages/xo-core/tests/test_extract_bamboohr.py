"""The BambooHR extractor against the real BambooHR simulator over HTTP on 127.0.0.1."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from xo_core.credentials import Connection
from xo_core.errors import CredentialError, TerminalError
from xo_core.extractors.bamboohr.client import base_url_for, flatten
from xo_core.extractors.bamboohr.config import BambooHRExtractorConfig
from xo_core.extractors.bamboohr.extractor import BambooHRExtractor
from xo_core.extractors.base import ExtractRequest, ExtractResult
from xo_core.extractors.http import RetriesExhausted, RetryPolicy
from xo_core.extractors.registry import get_extractor
from xo_core.manifest import Manifest, manifest_key
from xo_core.storage.local import LocalObjectStore
from xo_sandbox.bamboohr import DEFAULT_API_KEY, LIMITED_API_KEY, BambooHRSandbox, Throttle, truth
from xo_sandbox.bamboohr.fields import DIRECTORY_FIELDS
from xo_sandbox.gladly.limits import ManualClock
from xo_sandbox.gladly.orgs import get_org

BUCKET = "ingest"
KEY = "core/bamboohr/employees/2025-01-14.csv"
START = datetime(2025, 1, 14, 5, tzinfo=UTC)
END = datetime(2025, 1, 15, 5, tzinfo=UTC)
HISTORY_FIELDS = ["id", "firstName", "lastName", "workEmail", "jobTitle", "department", "status", "lastChanged"]
_CONTROL = httpx.Client()


@pytest.fixture(scope="module")
def _bamboo_shared() -> Iterator[BambooHRSandbox]:
    keys = {"xodata": DEFAULT_API_KEY, "emptyco": "emptyco-key"}
    with BambooHRSandbox(api_keys=keys, throttle=Throttle(budget=100_000)) as sandbox:
        yield sandbox


@pytest.fixture
def bamboo(_bamboo_shared: BambooHRSandbox, sandbox_control: Any) -> BambooHRSandbox:
    """The module's simulator with no faults pending and an empty request log."""
    return sandbox_control.reset(_bamboo_shared)


def _fault(sandbox: BambooHRSandbox, **fault: Any) -> None:
    _CONTROL.post(f"{sandbox.url}/_sandbox/faults", json=fault).raise_for_status()


class _Run:
    def __init__(self, root: Path, *, timeout: float = 10.0) -> None:
        self.store = LocalObjectStore(root)
        self.sleeps: list[float] = []
        policy = RetryPolicy(max_attempts=3, base_delay=0.5, max_delay=30, jitter="none")
        self.extractor = BambooHRExtractor(policy=policy, timeout=timeout, sleep=self.sleeps.append)

    def extract(
        self, sandbox: BambooHRSandbox, *, key: str = DEFAULT_API_KEY, company: str = "xodata", **config: Any
    ) -> ExtractResult:
        return self.extractor.extract(
            ExtractRequest(
                source_name="employees",
                config=BambooHRExtractorConfig(company_domain=company, **config),
                window_start=START,
                window_end=END,
                timezone="America/New_York",
                connection=Connection("bamboohr_test", password=key, host=sandbox.url),
                store=self.store,
                bucket=BUCKET,
                key=KEY,
                run_id="run-1",
            )
        )

    def rows(self) -> list[list[str]]:
        return list(csv.reader(io.StringIO(self.store.get_bytes(BUCKET, KEY).decode("utf-8"), newline="")))

    def files(self) -> list[str]:
        return sorted(str(p.relative_to(self.store.root)) for p in self.store.root.rglob("*") if p.is_file())


@pytest.fixture
def run(tmp_path: Path) -> _Run:
    return _Run(tmp_path / "objects")


def test_registry_builds_the_bamboohr_extractor() -> None:
    assert isinstance(get_extractor("bamboohr_api"), BambooHRExtractor)


def test_directory_is_todays_staff_with_the_companys_fields(bamboo: BambooHRSandbox, run: _Run) -> None:
    result = run.extract(bamboo)
    header, *rows = run.rows()
    assert header == ["id", *DIRECTORY_FIELDS]
    assert len(rows) == result.row_count == truth.active_count()
    by_email = {row[header.index("workEmail")]: row for row in rows}
    for agent in get_org("warbyparker").agents + get_org("condenast").agents:
        row = by_email[agent.email]
        assert f"{row[header.index('firstName')]} {row[header.index('lastName')]}" == agent.name
    assert "" in {row[header.index("preferredName")] for row in rows}  # null → empty
    data = run.store.get_bytes(BUCKET, KEY)
    manifest = Manifest.from_json_bytes(run.store.get_bytes(BUCKET, manifest_key(KEY)))
    assert (manifest.sha256, manifest.bytes, manifest.header) == (hashlib.sha256(data).hexdigest(), len(data), header)
    assert (manifest.window_start, manifest.window_end) == (START, END)
    assert manifest.request["window_filter"] == "none" and manifest.request["path"] == "/employees/directory"
    assert [e["path"] for e in bamboo.requests()] == ["/api/gateway.php/xodata/v1/employees/directory"]


def test_directory_columns_follow_the_fields_array(tmp_path: Path) -> None:
    with BambooHRSandbox(directory_fields=("workEmail", "jobTitle")) as narrow:
        header = _Run(tmp_path).extract(narrow).manifest.header
    assert header == ["id", "workEmail", "jobTitle"]


def test_custom_report_keeps_every_row_whatever_the_window(bamboo: BambooHRSandbox, run: _Run) -> None:
    result = run.extract(bamboo, report="custom", fields=HISTORY_FIELDS)
    header, *rows = run.rows()
    assert header == HISTORY_FIELDS and len(rows) == result.row_count == truth.total_count()
    changed = [datetime.fromisoformat(r[HISTORY_FIELDS.index("lastChanged")]) for r in rows]
    assert all(moment < START for moment in changed)  # none in the window, all kept
    assert {r[HISTORY_FIELDS.index("status")] for r in rows} == {"Active", "Inactive"}
    entry = bamboo.requests()[0]
    assert entry["query"] == "format=JSON&onlyCurrent=true"
    assert entry["body"] == {"title": "xo-data employees", "fields": HISTORY_FIELDS}
    assert result.manifest.request["query"] == {"format": "JSON", "onlyCurrent": "true"}


def test_a_future_dated_change_is_extracted_only_from_its_effective_day(tmp_path: Path) -> None:
    with BambooHRSandbox(today=date(2025, 1, 15)) as sandbox:
        employee = sandbox.find(get_org("warbyparker").agents[3].email)
        entered = datetime(2025, 1, 14, 15, tzinfo=UTC)
        sandbox.change_employee(employee.id, {"jobTitle": "Team Lead"}, at=entered, effective=date(2025, 2, 1))
        titles = []
        for today in (date(2025, 1, 15), date(2025, 1, 31), date(2025, 2, 1)):
            sandbox.set_today(today)
            run = _Run(tmp_path / today.isoformat())
            run.extract(sandbox, report="custom", fields=HISTORY_FIELDS)
            titles.append(next(r[4] for r in run.rows() if r[0] == str(employee.id)))
    assert titles == [employee.job_title, employee.job_title, "Team Lead"]


def test_a_field_the_key_may_not_read_fails_the_extract_naming_it(bamboo: BambooHRSandbox, run: _Run) -> None:
    fields = ["id", "workEmail", "supervisorEId", "lastChanged"]
    with pytest.raises(TerminalError, match=r"supervisorEId.*allow_missing_fields") as caught:
        run.extract(bamboo, key=LIMITED_API_KEY, report="custom", fields=fields)
    assert "workEmail" not in str(caught.value) and run.files() == []


def test_allow_missing_fields_leaves_the_dropped_field_out_and_says_so(
    bamboo: BambooHRSandbox, run: _Run, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    fields = ["id", "workEmail", "supervisorEId", "lastChanged"]
    result = run.extract(bamboo, key=LIMITED_API_KEY, report="custom", fields=fields, allow_missing_fields=True)
    header, *rows = run.rows()
    assert header == result.manifest.header == ["id", "workEmail", "lastChanged"]
    assert len(rows) == truth.total_count() and all(row[1] for row in rows)
    assert result.manifest.request["missing_fields"] == ["supervisorEId"]
    assert "supervisorEId" in caplog.text


def test_a_field_asked_by_number_fails_the_extract_naming_its_indexed_key(bamboo: BambooHRSandbox, run: _Run) -> None:
    with pytest.raises(TerminalError, match=r"'11' came back as '11\.0'") as caught:
        run.extract(bamboo, report="custom", fields=["id", "11"])
    assert "alias" in str(caught.value) and run.files() == []


def test_a_changed_employee_shows_the_change_and_its_last_changed(tmp_path: Path) -> None:
    with BambooHRSandbox() as sandbox:
        employee = sandbox.find(get_org("condenast").agents[2].email)
        sandbox.change_employee(employee.id, {"jobTitle": "Team Lead"}, at=datetime(2025, 1, 14, 15, tzinfo=UTC))
        run = _Run(tmp_path)
        run.extract(sandbox, report="custom", fields=HISTORY_FIELDS)
    row = next(r for r in run.rows() if r[0] == str(employee.id))
    assert (row[4], row[7]) == ("Team Lead", "2025-01-14T15:00:00+00:00")


def test_an_empty_custom_report_still_has_its_header(bamboo: BambooHRSandbox, run: _Run) -> None:
    result = run.extract(bamboo, company="emptyco", key="emptyco-key", report="custom", fields=["id", "workEmail"])
    assert result.row_count == 0 and run.rows() == [["id", "workEmail"]]


def test_a_wrong_key_is_a_credential_error_quoting_bamboohr(bamboo: BambooHRSandbox, run: _Run) -> None:
    with pytest.raises(CredentialError, match=r"HTTP 401.*BambooHR: Invalid API key") as caught:
        run.extract(bamboo, key="not-the-key")
    assert "not-the-key" not in str(caught.value)
    assert run.files() == []


@pytest.mark.parametrize(
    ("config", "match"),
    [
        ({"company": "nosuchco"}, "HTTP 404.*Company 'nosuchco' not found.*company_domain"),
        ({"report": "custom", "fields": ["id", "shoeSize"]}, "did not answer.*shoeSize"),
    ],
)
def test_refusals_are_terminal_and_name_the_reason(
    bamboo: BambooHRSandbox, run: _Run, config: dict[str, Any], match: str
) -> None:
    with pytest.raises(TerminalError, match=match) as caught:
        run.extract(bamboo, **config)
    assert not isinstance(caught.value, CredentialError)
    assert run.files() == [] and run.sleeps == []


@pytest.mark.parametrize(
    ("fault", "sleeps"),
    [
        ({"kind": "503", "seconds": 7, "times": 2}, [7.0, 7.0]),  # Retry-After honoured
        ({"kind": "429", "seconds": 3}, [3.0]),
        ({"kind": "500"}, [0.5]),
        ({"kind": "reset"}, [0.5]),
        ({"kind": "truncate"}, [0.5]),
    ],
)
def test_transient_faults_are_retried_and_recovered(
    bamboo: BambooHRSandbox, run: _Run, fault: dict[str, Any], sleeps: list[float]
) -> None:
    _fault(bamboo, **fault)
    result = run.extract(bamboo)
    assert result.row_count == truth.active_count() and run.sleeps == sleeps


def test_a_slow_answer_times_out_and_is_retried(bamboo: BambooHRSandbox, tmp_path: Path) -> None:
    _fault(bamboo, kind="slow", seconds=0.5)
    run = _Run(tmp_path, timeout=0.2)
    assert run.extract(bamboo).row_count == truth.active_count() and len(run.sleeps) == 1


@pytest.mark.parametrize("status", [503, 429])  # 503 today; 429 with Retry-After from 16 September 2026
def test_throttling_waits_as_long_as_retry_after_says(tmp_path: Path, status: int) -> None:
    clock = ManualClock()
    throttle = Throttle(budget=1, per_seconds=60, retry_after=60, clock=clock, status=status)
    with BambooHRSandbox(throttle=throttle) as sandbox:
        run = _Run(tmp_path)

        def sleep(seconds: float) -> None:  # waiting moves the simulator's clock, so no real time passes
            run.sleeps.append(seconds)
            clock.advance(seconds)

        run.extractor = BambooHRExtractor(sleep=sleep)
        run.extract(sandbox)
        run.extract(sandbox)
    assert run.sleeps == [60.0]
    assert [e["status"] for e in sandbox.requests()] == [200, status, 200]


def test_endless_throttling_gives_up_as_transient_with_the_reason(bamboo: BambooHRSandbox, run: _Run) -> None:
    _fault(bamboo, kind="503", seconds=1, times=None)
    with pytest.raises(RetriesExhausted, match=r"gave up after 3 attempts.*HTTP 503.*BambooHR: Service temporarily"):
        run.extract(bamboo)
    assert run.files() == []


def test_the_api_key_never_reaches_logs_or_manifest(
    bamboo: BambooHRSandbox, run: _Run, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    _fault(bamboo, kind="503", seconds=1)
    run.extract(bamboo)
    basic = base64.b64encode(f"{DEFAULT_API_KEY}:x".encode()).decode()
    manifest = run.store.get_bytes(BUCKET, manifest_key(KEY)).decode()
    for secret in (DEFAULT_API_KEY, basic):
        assert secret not in caplog.text and secret not in manifest


def test_base_url_and_flatten() -> None:
    assert base_url_for("", "acme") == "https://api.bamboohr.com/api/gateway.php/acme/v1"
    assert base_url_for("http://127.0.0.1:8/api/gateway.php/", "acme") == "http://127.0.0.1:8/api/gateway.php/acme/v1"
    assert base_url_for("api.bamboohr.com", "acme") == "https://api.bamboohr.com/api/gateway.php/acme/v1"
    assert [flatten(v) for v in (None, 12, True, "a,b", {"k": [1]})] == ["", "12", "true", "a,b", '{"k":[1]}']
