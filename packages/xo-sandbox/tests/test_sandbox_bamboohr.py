"""The BambooHR simulator alone, over HTTP on 127.0.0.1: staff, directory, custom reports, auth, throttling,
faults and employee changes (effective dates, fields a key may not read)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest

from xo_sandbox.bamboohr import (
    DEFAULT_API_KEY,
    ERROR_HEADER,
    LIMITED_API_KEY,
    BambooFault,
    BambooHRSandbox,
    Throttle,
    truth,
)
from xo_sandbox.gladly.limits import ManualClock
from xo_sandbox.gladly.orgs import get_org

JSON = {"Accept": "application/json"}
CUSTOM = "/reports/custom?format=JSON"
FUTURE = "/reports/custom?format=JSON&onlyCurrent=false"


@pytest.fixture
def bamboo() -> Iterator[BambooHRSandbox]:
    """A sandbox whose throttle never gets in the way."""
    with BambooHRSandbox(throttle=Throttle(budget=10_000)) as sandbox:
        yield sandbox


@pytest.fixture
def bamboo_client(bamboo: BambooHRSandbox) -> Iterator[httpx.Client]:
    """A client of ``bamboo`` with the company's API key, rooted at the company's v1 base URL."""
    base = f"{bamboo.url}/api/gateway.php/xodata/v1"
    with httpx.Client(base_url=base, auth=(DEFAULT_API_KEY, "x"), timeout=10) as client:
        yield client


def _custom(client: httpx.Client, fields: list[str], query: str = CUSTOM) -> httpx.Response:
    return client.post(query, json={"title": "t", "fields": fields}, headers=JSON)


def test_directory_lists_every_gladly_agent_with_the_same_name_and_email(bamboo_client: httpx.Client) -> None:
    answer = bamboo_client.get("/employees/directory", headers=JSON)
    assert answer.status_code == 200 and answer.headers["Content-Type"] == "application/json"
    body = answer.json()
    assert [f["id"] for f in body["fields"]][:3] == ["displayName", "firstName", "lastName"]
    people = {e["workEmail"]: e for e in body["employees"]}
    for org, department in (("warbyparker", "CX - Warby Parker"), ("condenast", "CX - Conde Nast")):
        for agent in get_org(org).agents:
            person = people[agent.email]
            assert f"{person['firstName']} {person['lastName']}" == agent.name
            assert person["department"] == department and person["supervisor"]
    assert len(body["employees"]) == truth.active_count()
    assert isinstance(body["employees"][0]["id"], int)  # a number in the directory, a string in reports


def test_directory_field_set_is_the_companys(bamboo: BambooHRSandbox) -> None:
    with BambooHRSandbox(directory_fields=("displayName", "workEmail")) as narrow:
        url = f"{narrow.url}/api/gateway.php/xodata/v1/employees/directory"
        body = httpx.get(url, auth=(DEFAULT_API_KEY, "x"), headers=JSON).json()
    assert [f["id"] for f in body["fields"]] == ["displayName", "workEmail"]
    assert set(body["employees"][0]) == {"id", "displayName", "workEmail"}


def test_without_accept_json_the_answer_is_xml(bamboo_client: httpx.Client) -> None:
    answer = bamboo_client.get("/employees/directory")
    assert answer.headers["Content-Type"] == "text/xml"
    assert answer.text.startswith('<?xml version="1.0"?><directory><fieldset>')


def test_custom_report_returns_every_status_in_field_order(bamboo_client: httpx.Client) -> None:
    fields = ["workEmail", "status", "terminationDate", "department", "lastChanged"]
    body = _custom(bamboo_client, fields).json()
    assert [f["id"] for f in body["fields"]] == fields
    rows = body["employees"]
    assert len(rows) == truth.total_count()
    inactive = [r for r in rows if r["status"] == "Inactive"]
    assert len(inactive) == 6 and all(r["terminationDate"] for r in inactive)
    assert all(r["terminationDate"] is None for r in rows if r["status"] == "Active")
    # onlyCurrent does not select by status: both answers hold every employee (nothing is future-dated here)
    for query in (FUTURE, "/reports/custom?format=JSON&onlyCurrent=true"):
        assert _custom(bamboo_client, fields, query).json()["employees"] == rows


def test_future_dated_changes_show_only_with_only_current_false_until_their_day(bamboo: BambooHRSandbox) -> None:
    bamboo.set_today(date(2025, 3, 10))
    agent = bamboo.find(get_org("warbyparker").agents[0].email)
    lead = bamboo.find(get_org("condenast").agents[1].email)
    entered = datetime(2025, 3, 3, 15, tzinfo=UTC)
    promotion = {"jobTitle": "Team Lead", "supervisorEId": 101}
    bamboo.change_employee(agent.id, promotion, at=entered, effective=date(2025, 4, 1))
    answer = httpx.post(
        f"{bamboo.url}/_sandbox/employees/{lead.id}",
        json={"status": "Inactive", "lastChanged": entered.isoformat(), "effectiveDate": "2025-03-31"},
    )
    assert answer.status_code == 200, answer.text
    fields = ["jobTitle", "supervisorEId", "status", "terminationDate", "lastChanged"]

    def report(query: str) -> dict[str, tuple[Any, ...]]:
        base = f"{bamboo.url}/api/gateway.php/xodata/v1"
        with httpx.Client(base_url=base, auth=(DEFAULT_API_KEY, "x")) as client:
            rows = _custom(client, fields, query).json()["employees"]
        return {r["id"]: tuple(r[f] for f in fields) for r in rows if r["id"] in (str(agent.id), str(lead.id))}

    stamp = "2025-03-03T15:00:00+00:00"  # entering a dated change moves lastChanged at once
    before = {
        str(agent.id): (agent.job_title, str(agent.supervisor_id), "Active", None, stamp),
        str(lead.id): (lead.job_title, str(lead.supervisor_id), "Active", None, stamp),
    }
    after = {
        str(agent.id): ("Team Lead", "101", "Active", None, stamp),
        str(lead.id): (lead.job_title, str(lead.supervisor_id), "Inactive", "2025-03-31", stamp),
    }
    assert report(CUSTOM) == before and report(FUTURE) == after
    assert lead.work_email in _directory_emails(bamboo)
    bamboo.set_today(date(2025, 3, 31))  # the termination's day: in effect; the promotion still ahead
    assert report(CUSTOM) == {str(agent.id): before[str(agent.id)], str(lead.id): after[str(lead.id)]}
    assert lead.work_email not in _directory_emails(bamboo)
    httpx.post(f"{bamboo.url}/_sandbox/today", json={"today": "2025-04-01"}).raise_for_status()
    assert report(CUSTOM) == after == report(FUTURE)


def _directory_emails(sandbox: BambooHRSandbox) -> set[str]:
    url = f"{sandbox.url}/api/gateway.php/xodata/v1/employees/directory"
    return {e["workEmail"] for e in httpx.get(url, auth=(DEFAULT_API_KEY, "x"), headers=JSON).json()["employees"]}


def test_fields_the_key_may_not_read_or_unknown_are_dropped_with_200(bamboo: BambooHRSandbox) -> None:
    fields = ["id", "workEmail", "payRate", "supervisorEId", "favouriteColour"]
    base = f"{bamboo.url}/api/gateway.php/xodata/v1"
    with httpx.Client(base_url=base, auth=(DEFAULT_API_KEY, "x")) as full:
        everything = _custom(full, fields).json()
    with httpx.Client(base_url=base, auth=(LIMITED_API_KEY, "x")) as limited:
        answer = _custom(limited, fields)
        directory = limited.get("/employees/directory", headers=JSON).json()
    assert [f["id"] for f in everything["fields"]] == ["id", "workEmail", "payRate", "supervisorEId"]
    assert answer.status_code == 200 and [f["id"] for f in answer.json()["fields"]] == ["id", "workEmail"]
    assert all(set(e) == {"id", "workEmail"} for e in answer.json()["employees"])
    assert "supervisor" not in {f["id"] for f in directory["fields"]} | set(directory["employees"][0])


def test_fields_asked_by_number_answer_under_an_indexed_key(bamboo_client: httpx.Client) -> None:
    body = _custom(bamboo_client, ["id", "11", "jobTitle"]).json()  # 11: workEmail in the sandbox's numbering
    assert [f["id"] for f in body["fields"]] == ["id", "11.0", "jobTitle"]
    assert all(set(e) == {"id", "11.0", "jobTitle"} and "@" in str(e["11.0"]) for e in body["employees"])


def test_more_than_400_fields_is_a_400_in_the_error_header(bamboo_client: httpx.Client) -> None:
    assert _custom(bamboo_client, ["firstName"] * 400).status_code == 200
    answer = _custom(bamboo_client, ["firstName"] * 401)
    assert answer.status_code == 400 and "401 requested, the limit is 400" in answer.headers[ERROR_HEADER]


@pytest.mark.parametrize(
    ("auth", "company", "status"),
    [
        (("wrong-key", "x"), "xodata", 401),
        ((DEFAULT_API_KEY, ""), "xodata", 401),
        (None, "xodata", 401),
        ((DEFAULT_API_KEY, "x"), "nosuchco", 404),
    ],
)
def test_auth_and_company_refusals_carry_the_error_header(
    bamboo: BambooHRSandbox, auth: tuple[str, str] | None, company: str, status: int
) -> None:
    answer = httpx.get(f"{bamboo.url}/api/gateway.php/{company}/v1/employees/directory", auth=auth, headers=JSON)
    assert answer.status_code == status and answer.headers[ERROR_HEADER]
    assert bamboo.requests()[-1]["status"] == status


@pytest.mark.parametrize("status", [503, 429])  # 503 today; 429 announced from 16 September 2026
def test_throttle_answers_with_retry_after_until_the_window_moves(status: int) -> None:
    clock = ManualClock()
    throttle = Throttle(budget=2, per_seconds=10, retry_after=7, clock=clock, status=status)
    with BambooHRSandbox(throttle=throttle) as sandbox:
        url = f"{sandbox.url}/api/gateway.php/xodata/v1/employees/directory"
        with httpx.Client(auth=(DEFAULT_API_KEY, "x"), headers=JSON) as client:
            assert [client.get(url).status_code for _ in range(2)] == [200, 200]
            throttled = client.get(url)
            assert throttled.status_code == status and throttled.headers["Retry-After"] == "7"
            assert "rate limit" in throttled.headers[ERROR_HEADER]
            clock.advance(10)
            assert client.get(url).status_code == 200


@pytest.mark.parametrize(("kind", "status"), [("503", 503), ("429", 429), ("500", 500)])
def test_status_faults_hit_the_next_request_only(
    bamboo: BambooHRSandbox, bamboo_client: httpx.Client, kind: str, status: int
) -> None:
    httpx.post(f"{bamboo.url}/_sandbox/faults", json={"kind": kind, "seconds": 3}).raise_for_status()
    first = bamboo_client.get("/employees/directory", headers=JSON)
    assert first.status_code == status and first.headers[ERROR_HEADER]
    if status != 500:
        assert first.headers["Retry-After"] == "3"
    assert bamboo_client.get("/employees/directory", headers=JSON).status_code == 200


def test_reset_and_truncate_faults_break_the_connection(bamboo: BambooHRSandbox, bamboo_client: httpx.Client) -> None:
    faults = [BambooFault("reset").to_json(), BambooFault("truncate", path="/reports/custom").to_json()]
    httpx.post(f"{bamboo.url}/_sandbox/faults", json=faults).raise_for_status()
    with pytest.raises(httpx.TransportError):
        bamboo_client.get("/employees/directory", headers=JSON)
    with pytest.raises(httpx.RemoteProtocolError):
        _custom(bamboo_client, ["id", "firstName"])
    assert httpx.get(f"{bamboo.url}/_sandbox/faults").json() == []
    assert len(_custom(bamboo_client, ["id"]).json()["employees"]) == truth.total_count()


def test_fault_specs_are_checked() -> None:
    assert BambooFault.parse("503,times=always,seconds=2") == BambooFault("503", None, None, 2.0)
    with pytest.raises(ValueError, match="unknown fault kind"):
        BambooFault.parse("418")
    with pytest.raises(ValueError, match="unknown fault field"):
        BambooFault.from_json({"kind": "503", "rows": 1})


def test_an_employee_change_moves_last_changed_and_the_headcount(
    bamboo: BambooHRSandbox, bamboo_client: httpx.Client
) -> None:
    agent = get_org("warbyparker").agents[0]
    employee = bamboo.find(agent.email)
    change: dict[str, Any] = {"department": "CX - Conde Nast", "jobTitle": "Senior CX Agent"}
    change["lastChanged"] = "2025-02-03T10:00:00+00:00"
    answer = httpx.post(f"{bamboo.url}/_sandbox/employees/{employee.id}", json=change)
    assert answer.status_code == 200, answer.text
    rows = _custom(bamboo_client, ["workEmail", "department", "jobTitle", "lastChanged"]).json()["employees"]
    row = next(r for r in rows if r["workEmail"] == agent.email)
    assert (row["department"], row["jobTitle"], row["lastChanged"]) == (
        "CX - Conde Nast",
        "Senior CX Agent",
        "2025-02-03T10:00:00+00:00",
    )
    before, after = truth.headcount_by_department(), truth.headcount_by_department(bamboo.employees())
    assert after["CX - Warby Parker"] == before["CX - Warby Parker"] - 1
    assert after["CX - Conde Nast"] == before["CX - Conde Nast"] + 1
    refused = httpx.post(f"{bamboo.url}/_sandbox/employees/{employee.id}", json={"salary": "1"})
    assert refused.status_code == 400 and "cannot change" in json.loads(refused.text)["error"]


def test_termination_sets_the_termination_date(bamboo: BambooHRSandbox) -> None:
    employee = bamboo.find(get_org("condenast").agents[0].email)
    changed = bamboo.change_employee(employee.id, {"status": "Inactive"})
    assert changed.termination_date is not None and not changed.active
    assert truth.active_count(bamboo.employees()) == truth.active_count() - 1
