"""BambooHR field ids the sandbox knows, their metadata, and each field's value for an employee.

Values are what BambooHR's JSON carries: strings, ``null`` for an empty field, and ``id`` as a number in the
directory but a string in custom reports (both seen in BambooHR's documentation samples).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from xo_sandbox.bamboohr.employees import Employee


@dataclass(frozen=True, slots=True)
class Field:
    id: str
    type: str
    name: str
    value: Callable[[Employee, Mapping[int, Employee]], str | int | None]


def _supervisor(e: Employee, staff: Mapping[int, Employee]) -> Employee | None:
    return staff.get(e.supervisor_id) if e.supervisor_id is not None else None


def _supervisor_email(e: Employee, staff: Mapping[int, Employee]) -> str | None:
    boss = _supervisor(e, staff)
    return boss.work_email if boss else None


def _supervisor_name(e: Employee, staff: Mapping[int, Employee]) -> str | None:
    boss = _supervisor(e, staff)
    return boss.display_name if boss else None


_ALL = (
    Field("id", "int", "Employee #", lambda e, _: e.id),
    Field("employeeNumber", "text", "Employee Number", lambda e, _: e.employee_number),
    Field("firstName", "text", "First Name", lambda e, _: e.first_name),
    Field("lastName", "text", "Last Name", lambda e, _: e.last_name),
    Field("preferredName", "text", "Preferred Name", lambda e, _: e.preferred_name),
    Field("displayName", "text", "Display Name", lambda e, _: e.display_name),
    Field("jobTitle", "list", "Job Title", lambda e, _: e.job_title),
    Field("department", "list", "Department", lambda e, _: e.department),
    Field("division", "list", "Division", lambda e, _: e.division),
    Field("location", "list", "Location", lambda e, _: e.location),
    Field("workEmail", "email", "Work Email", lambda e, _: e.work_email),
    Field("hireDate", "date", "Hire Date", lambda e, _: e.hire_date.isoformat()),
    Field("status", "status", "Status", lambda e, _: e.status),
    Field("lastChanged", "timestamp", "Last Changed", lambda e, _: e.last_changed.isoformat(timespec="seconds")),
    Field("supervisor", "text", "Supervisor", _supervisor_name),
    Field("supervisorEId", "int", "Supervisor EID", lambda e, _: str(e.supervisor_id) if e.supervisor_id else None),
    Field("supervisorEmail", "email", "Supervisor Email", _supervisor_email),
    Field(
        "terminationDate",
        "date",
        "Termination Date",
        lambda e, _: e.termination_date.isoformat() if e.termination_date else None,
    ),
)
FIELDS: dict[str, Field] = {f.id: f for f in _ALL}

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
}
"""Fields a test may change through the sandbox (BambooHR field id → Employee attribute)."""
