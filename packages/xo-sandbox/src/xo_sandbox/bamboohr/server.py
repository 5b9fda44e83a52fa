"""The BambooHR simulator: ``/api/gateway.php/{company}/v1/...`` for the sandbox company ``xodata``.

    with BambooHRSandbox() as bamboo:
        url = f"{bamboo.url}/api/gateway.php/xodata/v1/employees/directory"
        httpx.get(url, auth=(DEFAULT_API_KEY, "x"), headers={"Accept": "application/json"})

Routes (auth: HTTP Basic, username = the company's API key, password anything non-empty):
``GET /employees/directory``, ``POST /reports/custom?format=JSON&onlyCurrent=true|false``. JSON only with
``Accept: application/json``, XML otherwise. Control (no auth): ``GET|POST|DELETE /_sandbox/faults``,
``GET|DELETE /_sandbox/requests``, ``POST /_sandbox/employees/{id}`` (change fields, see ``change_employee``).
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hmac
import threading
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from functools import partial
from typing import Any

from xo_sandbox.bamboohr.employees import COMPANY, Employee, extra_staff, roster
from xo_sandbox.bamboohr.faults import BambooFault
from xo_sandbox.bamboohr.fields import CHANGEABLE, DIRECTORY_FIELDS, FIELDS
from xo_sandbox.bamboohr.handler import BambooHRHandler
from xo_sandbox.bamboohr.throttle import Throttle, Throttler
from xo_sandbox.faults import FaultPlan
from xo_sandbox.http import SandboxServer

DEFAULT_API_KEY = "xodata-sandbox-key"
"""The sandbox company's API key; a sandbox-only value, safe to print."""


class BambooHRSandbox(SandboxServer):
    """A BambooHR API simulator on ``host:port`` (port 0 picks a free one); start with ``with`` or ``start()``.

    ``api_keys`` maps company domain to its API key; only ``xodata`` has staff, any other company listed is
    served with none (a new account: empty reports). ``throttle`` sets the 503 budget; ``directory_fields``
    the directory's field set (companies differ); ``extra_employees`` adds that many synthetic operations
    staff (for volume).
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
    ) -> None:
        self.api_keys: dict[str, str] = dict(api_keys or {COMPANY: DEFAULT_API_KEY})
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
        super().__init__(partial(BambooHRHandler, sandbox=self), host=host, port=port)

    def authenticate(self, company: str, authorization: str | None) -> bool:
        """Whether this ``Authorization`` header carries ``company``'s API key (and a non-empty password)."""
        key = self.api_keys.get(company)
        if key is None or not authorization or not authorization.startswith("Basic "):
            return False
        try:
            decoded = base64.b64decode(authorization[6:], validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return False
        user, _, password = decoded.partition(":")
        return bool(password) and hmac.compare_digest(user.encode(), key.encode())

    def throttler(self, company: str) -> Throttler:
        """The throttle window of ``company``."""
        return self._throttlers[company]

    def employees(self, company: str = COMPANY) -> list[Employee]:
        """Every employee of ``company`` as now recorded (changes applied), by id."""
        if company != COMPANY:
            return []
        with self._lock:
            return [self._staff[i] for i in sorted(self._staff)]

    def staff_by_id(self) -> dict[int, Employee]:
        """A snapshot of the staff keyed by id."""
        with self._lock:
            return dict(self._staff)

    def change_employee(self, employee_id: int, changes: Mapping[str, str], *, at: datetime | None = None) -> Employee:
        """Change fields of one employee (BambooHR field ids, e.g. ``jobTitle``) and stamp ``lastChanged``.

        ``status: Inactive`` also sets ``terminationDate`` to the day of ``at``. ``at`` defaults to now (UTC).
        """
        unknown = sorted(set(changes) - set(CHANGEABLE))
        if unknown:
            raise ValueError(f"cannot change field(s) {', '.join(unknown)} (changeable: {', '.join(CHANGEABLE)})")
        if "status" in changes and changes["status"] not in ("Active", "Inactive"):
            raise ValueError("status must be Active or Inactive")
        when = (at or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
        updates: dict[str, Any] = {CHANGEABLE[name]: value for name, value in changes.items()}
        updates["last_changed"] = when
        if changes.get("status") == "Inactive":
            updates["termination_date"] = when.date()
        elif changes.get("status") == "Active":
            updates["termination_date"] = None
        with self._lock:
            if employee_id not in self._staff:
                raise KeyError(f"no employee {employee_id}")
            changed = dataclasses.replace(self._staff[employee_id], **updates)
            self._staff[employee_id] = changed
        return changed

    def find(self, work_email: str) -> Employee:
        """The employee with this work e-mail (KeyError when none)."""
        for employee in self.employees():
            if employee.work_email == work_email:
                return employee
        raise KeyError(f"no employee with work e-mail {work_email!r}")
