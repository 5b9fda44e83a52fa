"""Fault injection seen from the client side, the control endpoints, and the request log."""

from __future__ import annotations

import csv
import io
import json
import time

import httpx
import pytest

from xo_sandbox.gladly import DEFAULT_CREDENTIALS, Fault, GladlySandbox
from xo_sandbox.gladly.reports import CONTACT_TIMESTAMPS_COLUMNS

BODY = {"metricSet": "ContactTimestampsReport", "startAt": "2025-01-14", "endAt": "2025-01-14", "timezone": "UTC"}
HEADER_LINE = ",".join(CONTACT_TIMESTAMPS_COLUMNS).encode()


def _inject(client: httpx.Client, *faults: dict[str, object]) -> None:
    response = client.post("/_sandbox/faults", json=list(faults))
    assert response.status_code == 200, response.text


def _report(client: httpx.Client) -> httpx.Response:
    return client.post("/api/v1/reports", json=BODY)


@pytest.mark.parametrize("status", [429, 500, 502, 503])
def test_status_faults_answer_that_status_once(
    gladly_sandbox: GladlySandbox, gladly_client: httpx.Client, status: int
) -> None:
    _inject(gladly_client, {"kind": str(status)})
    faulted = _report(gladly_client)
    assert faulted.status_code == status
    assert "retry-after" not in faulted.headers
    assert _report(gladly_client).status_code == 200


def test_slow_answers_after_the_delay(gladly_sandbox: GladlySandbox, gladly_client: httpx.Client) -> None:
    _inject(gladly_client, {"kind": "slow", "seconds": 0.6})
    started = time.monotonic()
    response = _report(gladly_client)
    assert time.monotonic() - started >= 0.6
    assert response.status_code == 200 and response.content.startswith(HEADER_LINE)
    with pytest.raises(httpx.ReadTimeout):
        _inject(gladly_client, {"kind": "slow", "seconds": 1.0})
        gladly_client.post("/api/v1/reports", json=BODY, timeout=0.3)


def test_reset_drops_the_connection_without_a_response(
    gladly_sandbox: GladlySandbox, gladly_client: httpx.Client
) -> None:
    _inject(gladly_client, {"kind": "reset"})
    with pytest.raises(httpx.TransportError):
        _report(gladly_client)
    assert _report(gladly_client).status_code == 200


def test_truncate_cuts_the_body_mid_row(gladly_sandbox: GladlySandbox, gladly_client: httpx.Client) -> None:
    _inject(gladly_client, {"kind": "truncate"})
    received = b""
    with pytest.raises(httpx.RemoteProtocolError), gladly_client.stream("POST", "/api/v1/reports", json=BODY) as r:
        assert r.status_code == 200
        for chunk in r.iter_raw():
            received += chunk
    assert received.startswith(HEADER_LINE + b"\r\n")
    assert not received.endswith(b"\r\n") and received.count(b"\r\n") == 1


def test_content_faults(gladly_sandbox: GladlySandbox, gladly_client: httpx.Client) -> None:
    _inject(gladly_client, {"kind": "empty"}, {"kind": "bom"}, {"kind": "blank_lines"}, {"kind": "error_body"})
    empty = _report(gladly_client)
    assert (empty.status_code, empty.content) == (200, b"")
    bom = _report(gladly_client)
    assert bom.content.startswith(b"\xef\xbb\xbf" + HEADER_LINE)
    assert bom.content.decode("utf-8-sig").startswith(HEADER_LINE.decode())
    blank = _report(gladly_client)
    assert blank.content.startswith(b"\r\n\r\n" + HEADER_LINE)
    error = _report(gladly_client)
    assert error.status_code == 200
    assert error.headers["content-type"] == "text/plain" and error.text == "Unexpected error occurred"
    clean = _report(gladly_client)
    assert clean.content.startswith(HEADER_LINE) and len(clean.content) > 1_000


def test_row_cap_silently_truncates_to_whole_rows(gladly_sandbox: GladlySandbox, gladly_client: httpx.Client) -> None:
    full = list(csv.reader(io.StringIO(_report(gladly_client).text, newline="")))
    _inject(gladly_client, {"kind": "row_cap", "rows": 7})
    capped = list(csv.reader(io.StringIO(_report(gladly_client).text, newline="")))
    assert capped == full[:8] and len(full) > 8
    with GladlySandbox(volume_scale=0.05, row_cap=3) as always_capped:
        response = httpx.post(f"{always_capped.url}/api/v1/reports", auth=DEFAULT_CREDENTIALS["condenast"], json=BODY)
        assert len(list(csv.reader(io.StringIO(response.text, newline="")))) == 4


def test_times_path_and_clearing(gladly_sandbox: GladlySandbox, gladly_client: httpx.Client) -> None:
    _inject(
        gladly_client,
        {"kind": "503", "times": 2},
        {"kind": "500", "path": "/api/v1/agents", "times": None},
    )
    assert [_report(gladly_client).status_code for _ in range(3)] == [503, 503, 200]
    assert [gladly_client.get("/api/v1/agents").status_code for _ in range(2)] == [500, 500]
    pending = gladly_client.get("/_sandbox/faults").json()
    assert pending == [{"kind": "500", "path": "/api/v1/agents", "times": None, "seconds": 1.0, "rows": 100000}]
    assert gladly_client.delete("/_sandbox/faults").json() == []
    assert gladly_client.get("/api/v1/agents").status_code == 200


def test_work_session_events_is_a_report_path_too(gladly_sandbox: GladlySandbox, gladly_client: httpx.Client) -> None:
    _inject(gladly_client, {"kind": "error_body"})
    body = {"startAtTime": "2025-01-14T00:00Z", "endAtTime": "2025-01-14T12:00Z"}
    response = gladly_client.post("/api/v1/reports/work-session-events", json=body)
    assert response.text == "Unexpected error occurred"


def test_bad_faults_are_refused() -> None:
    with GladlySandbox() as sandbox:
        refused = httpx.post(f"{sandbox.url}/_sandbox/faults", json=[{"kind": "meteor"}])
        assert refused.status_code == 400 and "meteor" in refused.text
        assert httpx.post(f"{sandbox.url}/_sandbox/faults", json={"kind": "slow", "sped": 1}).status_code == 400


def test_cli_fault_specs_parse() -> None:
    assert Fault.parse("503") == Fault("503")
    assert Fault.parse("slow,seconds=2.5,times=always") == Fault("slow", times=None, seconds=2.5)
    assert Fault.parse("row_cap,rows=10,path=/api/v1/reports") == Fault("row_cap", path="/api/v1/reports", rows=10)
    with pytest.raises(ValueError, match="unknown fault kind"):
        Fault.parse("explode")


def test_request_log_has_paths_bodies_and_statuses_but_no_credentials(
    gladly_sandbox: GladlySandbox, gladly_client: httpx.Client
) -> None:
    _report(gladly_client)
    httpx.get(f"{gladly_sandbox.url}/api/v1/agents", auth=("api@condenast.example", "not-the-token"))
    log = gladly_client.get("/_sandbox/requests").json()
    assert [(e["method"], e["path"], e["status"]) for e in log] == [
        ("POST", "/api/v1/reports", 200),
        ("GET", "/api/v1/agents", 401),
    ]
    assert log[0]["body"] == BODY
    text = json.dumps(log)
    token = DEFAULT_CREDENTIALS["condenast"][1]
    assert token not in text and "not-the-token" not in text and "Basic" not in text
    gladly_client.delete("/_sandbox/requests")
    assert gladly_sandbox.requests() == []
