"""The deterministic "Agent Roster" spreadsheets: each client's Gladly agents mapped to employee ids.

One row per agent of the client's Gladly organization in the Gladly simulator (same id, name, e-mail), with the
BambooHR simulator's employee id of the same person. Warby Parker's and Conde Nast's team leads each keep one.
``Notes`` is mostly blank and ``Active`` sometimes too, so the API drops those trailing cells and rows come back
ragged. A second tab, ``Team Leads``, exercises a quoted sheet name, and an ``Empty`` tab holds nothing at all.
"""

from __future__ import annotations

import random
from datetime import date

from xo_sandbox.bamboohr.employees import roster
from xo_sandbox.gladly.orgs import get_org, stable_seed

ROSTER_SPREADSHEET_ID = "1WbpAgentRosterSandbox0000000000000000000000"
CND_ROSTER_SPREADSHEET_ID = "1CndAgentRosterSandbox0000000000000000000000"
ROSTER_SHEET = "Roster"
ROSTER_COLUMNS = ("Gladly Agent ID", "Agent Name", "Email", "Employee ID", "Team", "Start Date", "Active", "Notes")

type Cell = str | int | float | bool | date | None


def roster_rows(extra_rows: int = 0, *, client: str = "warbyparker") -> list[list[Cell]]:
    """Header and one row per agent of ``client`` (plus ``extra_rows`` synthetic temps, for volume tests)."""
    org = get_org(client)
    teams = {t.id: t.name for t in org.teams}
    staff = {e.work_email: e for e in roster()}
    rows: list[list[Cell]] = [list(ROSTER_COLUMNS)]
    for agent in org.agents:
        person = staff[agent.email]
        rng = random.Random(stable_seed("sheets", "roster", agent.id))
        row: list[Cell] = [agent.id, agent.name, agent.email, str(person.id), teams[agent.team_id], person.hire_date]
        roll = rng.random()
        if roll < 0.15:
            row += [True, "Team lead backup"]
        elif roll < 0.25:
            row += [None, None]  # Active not filled in yet: both trailing cells dropped by the API
        else:
            row += [True, None]
        rows.append(row)
    for n in range(extra_rows):
        rows.append([f"temp-{n:07d}", f"Temp Agent {n}", f"temp{n}@warbyparker.example", f"T{n:07d}",
                     "Seasonal", date(2024, 11, 1), n % 3 != 0, None])  # fmt: skip
    return rows


def team_lead_rows() -> list[list[Cell]]:
    """The ``Team Leads`` tab: team name and its lead (a Warby Parker agent)."""
    org = get_org("warbyparker")
    rows: list[list[Cell]] = [["Team", "Lead"]]
    for team in org.teams:
        rows.append([team.name, org.agents_of_team(team.id)[0].name])
    return rows
