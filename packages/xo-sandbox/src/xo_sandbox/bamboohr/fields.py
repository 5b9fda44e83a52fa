"""BambooHR field ids the sandbox knows, their metadata, and each field's value for an employee.

Values are what BambooHR's JSON carries: strings, ``null`` for an empty field, and ``id`` as a number in the
directory but a string in custom reports (both seen in BambooHR's documentation samples).

A field is asked for by its alias (``jobTitle``) or its numeric id (an account lists both in ``GET
/meta/fields``; the numbers here are the sandbox's own). Asked by number, it comes back under an indexed
``<id>.N`` key, as public BambooHR clients report (e.g. ``17`` answers as ``17.0``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass

from xo_sandbox.bamboohr.employees import Employee


@dataclass(frozen=True, slots=True)
class Field:
    id: str
    number: int
    type: str
    name: str
    value: Callable[[Employee, Mapping[int, Employee]], str | int | None]


def _supervisor(e: Employee, staff: Mapping[int, Employee]) -> Employee | None:
    return staff.get(e.supervisor_id) if e.supervisor_id is not None else None


def _supervisor_email(e: Employee, staff: Mapping[int, Employee]) -> str | None:
    boss = _supervisor(e, staff)
    return boss.work_email if boss else None


def _pay_rate(e: Employee, _: Mapping[int, Employee]) -> str:
    # A deterministic yearly salary, as BambooHR writes a currency amount: "52000.00 USD".
    base = 90_000 if "Director" in e.job_title or "Chief" in e.job_title else 50_000
    return f"{base + (e.id * 7919) % 30_000:.2f} USD"


def _supervisor_name(e: Employee, staff: Mapping[int, Employee]) -> str | None:
    boss = _supervisor(e, staff)
    return boss.display_name if boss else None


_ALL = (
    Field("id", 1, "int", "Employee #", lambda e, _: e.id),
    Field("employeeNumber", 2, "text", "Employee Number", lambda e, _: e.employee_number),
    Field("firstName", 3, "text", "First Name", lambda e, _: e.first_name),
    Field("lastName", 4, "text", "Last Name", lambda e, _: e.last_name),
    Field("preferredName", 5, "text", "Preferred Name", lambda e, _: e.preferred_name),
    Field("displayName", 6, "text", "Display Name", lambda e, _: e.display_name),
    Field("jobTitle", 7, "list", "Job Title", lambda e, _: e.job_title),
    Field("department", 8, "list", "Department", lambda e, _: e.department),
    Field("division", 9, "list", "Division", lambda e, _: e.division),
    Field("location", 10, "list", "Location", lambda e, _: e.location),
    Field("workEmail", 11, "email", "Work Email", lambda e, _: e.work_email),
    Field("hireDate", 12, "date", "Hire Date", lambda e, _: e.hire_date.isoformat()),
    Field("status", 13, "status", "Status", lambda e, _: e.status),
    Field("lastChanged", 14, "timestamp", "Last Changed", lambda e, _: e.last_changed.isoformat(timespec="seconds")),
    Field("supervisor", 15, "text", "Supervisor", _supervisor_name),
    Field("supervisorEId", 16, "int", "Supervisor EID", lambda e, _: str(e.supervisor_id) if e.supervisor_id else None),
    Field("supervisorEmail", 17, "email", "Supervisor Email", _supervisor_email),
    Field(
        "terminationDate",
        18,
        "date",
        "Termination Date",
        lambda e, _: e.termination_date.isoformat() if e.termination_date else None,
    ),
    Field("payRate", 19, "currency", "Pay rate", _pay_rate),
)
FIELDS: dict[str, Field] = {f.id: f for f in _ALL}
BY_NUMBER: dict[str, Field] = {str(f.number): f for f in _ALL}
MAX_REPORT_FIELDS = 400
"""A custom report takes at most 400 fields (documentation.bamboohr.com/reference/request-custom-report)."""


@dataclass(frozen=True, slots=True)
class Column:
    """One column of an answer: the key it is answered under and the field it holds."""

    key: str
    field: Field


def columns_for(requested: Iterable[str], hidden: Collection[str] = ()) -> list[Column]:
    """The columns answering ``requested``: by alias, or by number under ``<number>.0``.

    Unknown fields and fields the API key may not read (``hidden``) are left out without an error: BambooHR
    omits them and still answers 200 (documentation.bamboohr.com/reference/request-custom-report).
    """
    columns: list[Column] = []
    for name in requested:
        if name in FIELDS and name not in hidden:
            columns.append(Column(name, FIELDS[name]))
        elif name in BY_NUMBER and BY_NUMBER[name].id not in hidden:
            columns.append(Column(f"{name}.0", BY_NUMBER[name]))
    return columns


DIRECTORY_FIELDS: tuple[str, ...] = (
    "displayName",
    "firstName",
    "lastName",
    "preferredName",
    "jobTitle",
    "workEmail",
    "department",
    "location",
    "division",
    "supervisor",
)
"""The directory's default field set (``id`` always comes first); a sandbox may be built with another."""

CHANGEABLE: dict[str, str] = {
    "firstName": "first_name",
    "lastName": "last_name",
    "preferredName": "preferred_name",
    "jobTitle": "job_title",
    "department": "department",
    "division": "division",
    "location": "location",
    "status": "status",
    "supervisorEId": "supervisor_id",
}
"""Fields a test may change through the sandbox (BambooHR field id → Employee attribute)."""
