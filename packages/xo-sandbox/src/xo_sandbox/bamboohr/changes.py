"""Employee changes with the day they take effect, and the staff as BambooHR shows it on a given day.

BambooHR honours effective dates: a job, department, supervisor, status or termination change entered today
for next month is stored at once but is current only from its date. The custom report's ``onlyCurrent``
(default true) gives the values in effect today; ``false`` adds the future-dated ones
(documentation.bamboohr.com/reference/request-custom-report, query parameter ``onlyCurrent``).

``lastChanged`` moves when the change is entered: any change to the job information or employment status
tables counts (documentation.bamboohr.com/reference/get-changed-employee-ids). Whether it moves again on the
effective date is not documented; the sandbox leaves it at the entry time, the harder case for a pipeline that
builds history (a value changes while ``lastChanged`` stays put).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from xo_sandbox.bamboohr.employees import Employee


@dataclass(frozen=True, slots=True)
class Change:
    """One entered change: Employee attributes → new values, when it was entered and the day it takes effect."""

    employee_id: int
    updates: Mapping[str, Any]
    entered: datetime
    effective: date


def staff_on(base: Mapping[int, Employee], changes: Iterable[Change], day: date | None) -> dict[int, Employee]:
    """The staff with every change effective on or before ``day`` applied (``None``: future ones too).

    Changes apply in effective-date order (entry order within a day). ``last_changed`` is the latest entry of
    any change of the employee, in effect yet or not.
    """
    staff = dict(base)
    ordered = sorted(changes, key=lambda c: (c.effective, c.entered))
    for change in ordered:
        employee = staff[change.employee_id]
        updates = dict(change.updates) if day is None or change.effective <= day else {}
        updates["last_changed"] = max(employee.last_changed, change.entered)
        staff[change.employee_id] = dataclasses.replace(employee, **updates)
    return staff
