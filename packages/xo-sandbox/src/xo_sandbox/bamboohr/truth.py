"""The true headcounts of the sandbox company, straight from the roster (never from a response body)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from xo_sandbox.bamboohr.employees import Employee, roster


def headcount_by_department(employees: Iterable[Employee] | None = None, *, active_only: bool = True) -> dict[str, int]:
    """Employees per department: active ones only (the directory's view), or every status (a custom report).

    ``employees`` defaults to the base roster; pass ``sandbox.employees()`` to count after changes.
    """
    staff = roster() if employees is None else employees
    return dict(Counter(e.department for e in staff if e.active or not active_only))


def active_count(employees: Iterable[Employee] | None = None) -> int:
    """Rows ``GET /employees/directory`` returns."""
    return sum(headcount_by_department(employees).values())


def total_count(employees: Iterable[Employee] | None = None) -> int:
    """Rows a custom report returns (every status, whatever ``onlyCurrent``)."""
    return sum(headcount_by_department(employees, active_only=False).values())
