"""The deterministic staff of the sandbox company ``xodata``: every Gladly sandbox agent, and more.

- every agent of both Gladly sandbox orgs (same name, same e-mail as ``xo_sandbox.gladly.orgs``), in department
  ``CX - Warby Parker`` or ``CX - Conde Nast``, reporting to their team's supervisor;
- one supervisor per Gladly team, reporting to the CX director of that client;
- a few back-office staff (finance, people, data) and two CX directors;
- a few former agents per client: ``Inactive``, with a ``terminationDate``; only the custom report (which
  returns every status) shows them, the directory lists current staff only.

Everything is derived from hashlib seeds, so it is identical on every machine and run.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache

from xo_sandbox.gladly.orgs import get_org, stable_seed

COMPANY = "xodata"
COMPANY_TIMEZONE = "America/New_York"
"""The company's time zone: its calendar day decides which dated changes are in effect."""
FIRST_ID = 101
ROSTER_AS_OF = datetime(2025, 1, 1, tzinfo=UTC)
"""Every ``lastChanged`` of the base roster is before this moment."""

CLIENTS: tuple[tuple[str, str, str, str], ...] = (
    # (Gladly org, department, e-mail domain, location)
    ("warbyparker", "CX - Warby Parker", "warbyparker.example", "New York, NY"),
    ("condenast", "CX - Conde Nast", "condenast.example", "Remote - US"),
)
BACK_OFFICE: tuple[tuple[str, str], ...] = (
    ("Finance", "Controller"),
    ("Finance", "Payroll Specialist"),
    ("People Operations", "People Partner"),
    ("People Operations", "Recruiter"),
    ("Data Engineering", "Data Engineer"),
    ("Data Engineering", "Analytics Engineer"),
)
FORMER_AGENTS_PER_CLIENT = 3
# Names of the people who are not Gladly agents (supervisors, directors, back office, former agents).
_FIRST = ("Grace", "Omar", "Hannah", "Rafael", "Nora", "Samuel", "Ines", "Victor", "Yara", "Felix", "Ana", "Jonah",
          "Lena", "Marcus", "Rosa", "Theo", "Zara", "Pablo", "Aisha", "Owen")  # fmt: skip
_LAST = ("Bennett", "Castillo", "Fischer", "Haddad", "Ibrahim", "Jensen", "Kim", "Larsen", "Mendes", "Novak",
         "Ortega", "Patel", "Quinn", "Rossi", "Sato", "Tanaka", "Vargas", "Weber", "Yilmaz", "Zhou")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Employee:
    """One employee record with BambooHR's field names (as attributes in snake case)."""

    id: int
    employee_number: str
    first_name: str
    last_name: str
    preferred_name: str | None
    job_title: str
    department: str
    division: str
    location: str
    work_email: str
    hire_date: date
    status: str
    last_changed: datetime
    supervisor_id: int | None
    termination_date: date | None

    @property
    def display_name(self) -> str:
        return f"{self.preferred_name or self.first_name} {self.last_name}"

    @property
    def active(self) -> bool:
        return self.status == "Active"


class _Namer:
    """Hands out (first, last, email) for new people, never reusing a name or an e-mail already taken."""

    def __init__(self, taken_emails: set[str]) -> None:
        self._rng = random.Random(stable_seed(COMPANY, "staff"))
        self._taken = taken_emails

    def person(self, domain: str) -> tuple[str, str, str]:
        while True:
            first, last = self._rng.choice(_FIRST), self._rng.choice(_LAST)
            email = f"{first}.{last}".lower().replace("'", "") + f"@{domain}"
            if email not in self._taken:
                self._taken.add(email)
                return first, last, email


def _hire_date(email: str) -> date:
    rng = random.Random(stable_seed(COMPANY, "hired", email))
    return date(2018, 1, 1) + timedelta(days=rng.randrange(0, 6 * 365))


def _last_changed(email: str, after: date) -> datetime:
    rng = random.Random(stable_seed(COMPANY, "changed", email))
    start = datetime.combine(after, datetime.min.time(), tzinfo=UTC)
    span = int((ROSTER_AS_OF - start).total_seconds())
    return start + timedelta(seconds=rng.randrange(1, max(2, span)))


def _preferred(first: str, email: str) -> str | None:
    # About one in eight goes by a shorter name; the rest have none (null in BambooHR's JSON).
    rng = random.Random(stable_seed(COMPANY, "preferred", email))
    return first[:3] if rng.random() < 0.125 and len(first) > 4 else None


@cache
def roster() -> tuple[Employee, ...]:
    """The base staff of ``xodata``, ordered by id (before any change made through the sandbox)."""
    people: list[Employee] = []

    def add(
        first: str,
        last: str,
        email: str,
        title: str,
        department: str,
        division: str,
        location: str,
        supervisor: int | None,
        *,
        terminated: bool = False,
    ) -> int:
        ident = FIRST_ID + len(people)
        hired = _hire_date(email)
        last_day = ROSTER_AS_OF.date() - timedelta(days=2)
        ended = min(hired + timedelta(days=200 + stable_seed(email) % 400), last_day) if terminated else None
        people.append(
            Employee(
                id=ident,
                employee_number=f"X{ident:05d}",
                first_name=first,
                last_name=last,
                preferred_name=_preferred(first, email),
                job_title=title,
                department=department,
                division=division,
                location=location,
                work_email=email,
                hire_date=hired,
                status="Inactive" if terminated else "Active",
                last_changed=_last_changed(email, ended or hired),
                supervisor_id=supervisor,
                termination_date=ended,
            )
        )
        return ident

    agents = [agent for org, *_ in CLIENTS for agent in get_org(org).agents]
    namer = _Namer({agent.email for agent in agents})
    first, last, email = namer.person("xodata.example")
    ceo = add(first, last, email, "Chief Executive Officer", "Executive", "Corporate", "New York, NY", None)
    for department, title in BACK_OFFICE:
        first, last, email = namer.person("xodata.example")
        add(first, last, email, title, department, "Corporate", "New York, NY", ceo)
    for org_name, department, domain, location in CLIENTS:
        org = get_org(org_name)
        first, last, email = namer.person(domain)
        director = add(first, last, email, "CX Director", department, "Customer Experience", location, ceo)
        for team in org.teams:
            first, last, email = namer.person(domain)
            lead = add(first, last, email, f"CX Supervisor, {team.name}", department, "Customer Experience",
                       location, director)  # fmt: skip
            for agent in org.agents_of_team(team.id):
                agent_first, _, agent_last = agent.name.partition(" ")
                title = "Senior CX Agent" if stable_seed(agent.email) % 5 == 0 else "CX Agent"
                add(agent_first, agent_last, agent.email, title, department, "Customer Experience", location, lead)
        for _ in range(FORMER_AGENTS_PER_CLIENT):
            first, last, email = namer.person(domain)
            add(first, last, email, "CX Agent", department, "Customer Experience", location, director, terminated=True)
    return tuple(people)


def extra_staff(count: int, first_id: int) -> tuple[Employee, ...]:
    """``count`` more synthetic operations staff (for volume tests and benchmarks), ids from ``first_id``."""
    staff: list[Employee] = []
    for n in range(count):
        ident = first_id + n
        email = f"ops.{ident}@xodata.example"
        rng = random.Random(stable_seed(COMPANY, "extra", ident))
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        hired = _hire_date(email)
        staff.append(
            Employee(
                id=ident,
                employee_number=f"X{ident:05d}",
                first_name=first,
                last_name=last,
                preferred_name=None,
                job_title="Operations Associate",
                department="Operations",
                division="Corporate",
                location=rng.choice(("New York, NY", "Remote - US", "Lisbon, PT")),
                work_email=email,
                hire_date=hired,
                status="Active",
                last_changed=_last_changed(email, hired),
                supervisor_id=FIRST_ID,
                termination_date=None,
            )
        )
    return tuple(staff)
