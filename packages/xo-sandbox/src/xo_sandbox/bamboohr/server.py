"""The BambooHR simulator: ``/api/gateway.php/{company}/v1/...`` for the sandbox company ``xodata``.

    with BambooHRSandbox() as bamboo:
        url = f"{bamboo.url}/api/gateway.php/xodata/v1/employees/directory"
        httpx.get(url, auth=(DEFAULT_API_KEY, "x"), headers={"Accept": "application/json"})

Routes (auth: HTTP Basic, username = one of the company's API keys, password anything non-empty):
``GET /employees/directory``, ``POST /reports/custom?format=JSON&onlyCurrent=true|false``. JSON only with
``Accept: application/json``, XML otherwise. Control (no auth): ``GET|POST|DELETE /_sandbox/faults``,
``GET|DELETE /_sandbox/requests``, ``POST /_sandbox/employees/{id}`` (change fields, see ``change_employee``),
``POST /_sandbox/today`` (``{"today": "YYYY-MM-DD"}`` or ``null`` to follow the clock again).

"Today" (which dated changes are in effect) is the company's calendar day, from the clock unless set: tests
set it so that a run "on" a day sees that day's values.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from xo_sandbox.bamboohr.changes import Change, staff_on
from xo_sandbox.bamboohr.employees import COMPANY, COMPANY_TIMEZONE, Employee, extra_staff, roster
from xo_sandbox.bamboohr.faults import BambooFault
from xo_sandbox.bamboohr.fields import CHANGEABLE, DIRECTORY_FIELDS, FIELDS
from xo_sandbox.bamboohr.handler import BambooHRHandler
from xo_sandbox.bamboohr.throttle import Throttle, Throttler
from xo_sandbox.faults import FaultPlan
from xo_sandbox.http import SandboxServer

DEFAULT_API_KEY = "xodata-sandbox-key"
"""The sandbox company's API key; a sandbox-only value, safe to print."""
LIMITED_API_KEY = "xodata-limited-key"
"""A second key of ``xodata`` whose user may not read pay or reporting lines (``LIMITED_HIDDEN_FIELDS``)."""
LIMITED_HIDDEN_FIELDS = frozenset({"payRate", "supervisor", "supervisorEId", "supervisorEmail"})


@dataclass(frozen=True, slots=True)
class ApiKey:
    """An API key of one company and the fields its user may not read (BambooHR drops them, answering 200)."""

    company: str
    hidden_fields: frozenset[str] = frozenset()


class BambooHRSandbox(SandboxServer):
    """A BambooHR API simulator on ``host:port`` (port 0 picks a free one); start with ``with`` or ``start()``.

    ``api_keys`` maps company domain to its API key; only ``xodata`` has staff, any other company listed is
    served with none (a new account: empty reports). ``limited_keys`` adds keys that may not read some fields
    (default: ``LIMITED_API_KEY`` of ``xodata``). ``throttle`` sets the budget and its answer (503, or 429 as
    announced from 16 September 2026); ``directory_fields`` the directory's field set (companies differ);
    ``extra_employees`` adds that many synthetic operations staff (for volume); ``today`` pins the company's
    current day (default: the clock's, in ``COMPANY_TIMEZONE``).
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        api_keys: Mapping[str, str] | None = None,
        faults: Iterable[BambooFault] = (),
        throttle: Throttle | None = None,
        directory_fields: Iterable[str] = DIRECTORY_FIELDS,
        extra_employees: int = 0,
        limited_keys: Mapping[str, ApiKey] | None = None,
        today: date | None = None,
    ) -> None:
        self.api_keys: dict[str, str] = dict(api_keys or {COMPANY: DEFAULT_API_KEY})
        limited = {LIMITED_API_KEY: ApiKey(COMPANY, LIMITED_HIDDEN_FIELDS)} if limited_keys is None else limited_keys
        self._keys: dict[str, ApiKey] = {key: ApiKey(company) for company, key in self.api_keys.items()}
        self._keys.update((key, grant) for key, grant in limited.items() if grant.company in self.api_keys)
        self._today = today
        self.directory_fields = tuple(directory_fields)
        unknown = [f for f in self.directory_fields if f not in FIELDS]
        if unknown:
            raise ValueError(f"unknown directory field(s): {', '.join(unknown)}")
        self.faults = FaultPlan(BambooFault, faults)
        self.throttle = throttle or Throttle()
        self._throttlers = {company: Throttler(self.throttle) for company in self.api_keys}
        base = roster()
        self._lock = threading.Lock()
        self._staff: dict[int, Employee] = {e.id: e for e in (*base, *extra_staff(extra_employees, base[-1].id + 1))}
        self._changes: list[Change] = []
        super().__init__(partial(BambooHRHandler, sandbox=self), host=host, port=port)

    def authenticate(self, company: str, authorization: str | None) -> ApiKey | None:
        """The key of ``company`` this ``Authorization`` header carries (with a non-empty password), or None."""
        if not authorization or not authorization.startswith("Basic "):
            return None
        try:
            decoded = base64.b64decode(authorization[6:], validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        user, _, password = decoded.partition(":")
        for key, grant in self._keys.items():
            if grant.company == company and password and hmac.compare_digest(user.encode(), key.encode()):
                return grant
        return None

    def today(self) -> date:
        """The company's current day: the one set, else the clock's in ``COMPANY_TIMEZONE``."""
        return self._today or datetime.now(ZoneInfo(COMPANY_TIMEZONE)).date()

    def set_today(self, day: date | None) -> None:
        """Pin the company's current day (``None``: follow the clock again)."""
        self._today = day

    def throttler(self, company: str) -> Throttler:
        """The throttle window of ``company``."""
        return self._throttlers[company]

    def employees(self, company: str = COMPANY, *, future: bool = False) -> list[Employee]:
        """Every employee of ``company`` with the values in effect today, by id (``future``: dated ones too)."""
        if company != COMPANY:
            return []
        staff = self.staff_by_id(future=future)
        return [staff[i] for i in sorted(staff)]

    def staff_by_id(self, *, future: bool = False) -> dict[int, Employee]:
        """The staff keyed by id, with the values in effect today (``future``: future-dated changes applied too)."""
        with self._lock:
            return staff_on(self._staff, self._changes, None if future else self.today())

    def change_employee(
        self,
        employee_id: int,
        changes: Mapping[str, str | int | None],
        *,
        at: datetime | None = None,
        effective: date | None = None,
    ) -> Employee:
        """Enter a change of one employee (BambooHR field ids, e.g. ``jobTitle``), stamping ``lastChanged``.

        ``at`` (default now) is when it is entered; ``effective`` the day it takes effect (default the day of
        ``at`` in ``COMPANY_TIMEZONE``): until then reports show it only with ``onlyCurrent=false``.
        ``status: Inactive`` also sets ``terminationDate`` to the effective day. Returns the employee with
        every change entered so far applied.
        """
        unknown = sorted(set(changes) - set(CHANGEABLE))
        if unknown:
            raise ValueError(f"cannot change field(s) {', '.join(unknown)} (changeable: {', '.join(CHANGEABLE)})")
        if "status" in changes and changes["status"] not in ("Active", "Inactive"):
            raise ValueError("status must be Active or Inactive")
        when = (at or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
        day = effective or when.astimezone(ZoneInfo(COMPANY_TIMEZONE)).date()
        updates: dict[str, Any] = {CHANGEABLE[name]: value for name, value in changes.items()}
        if updates.get("supervisor_id") is not None:
            updates["supervisor_id"] = int(str(updates["supervisor_id"]))
        if changes.get("status") == "Inactive":
            updates["termination_date"] = day
        elif changes.get("status") == "Active":
            updates["termination_date"] = None
        with self._lock:
            if employee_id not in self._staff:
                raise KeyError(f"no employee {employee_id}")
            self._changes.append(Change(employee_id, updates, when, day))
        return self.staff_by_id(future=True)[employee_id]

    def find(self, work_email: str) -> Employee:
        """The employee with this work e-mail (KeyError when none)."""
        for employee in self.employees():
            if employee.work_email == work_email:
                return employee
        raise KeyError(f"no employee with work e-mail {work_email!r}")
