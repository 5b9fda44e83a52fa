"""The two sandbox organizations (warbyparker, condenast): agents, teams, inboxes, channels, topics.

Everything here is derived from fixed name pools and hashlib, so it is identical on every machine and run.
"""

from __future__ import annotations

import base64
import hashlib
import random
from dataclasses import dataclass
from functools import cache

ORGS: tuple[str, ...] = ("warbyparker", "condenast")

DEFAULT_CREDENTIALS: dict[str, tuple[str, str]] = {
    "warbyparker": ("api@warbyparker.example", "wbp-sandbox-token"),
    "condenast": ("api@condenast.example", "cnd-sandbox-token"),
}
"""Demo API user and token per org; sandbox-only values, safe to print."""


def stable_id(*parts: object) -> str:
    """A 22-character Gladly-style id (base64url of 128 bits) derived only from ``parts``."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest[:16]).decode("ascii")[:22]


def stable_seed(*parts: object) -> int:
    """A 64-bit seed from ``parts`` (hashlib, not the salted built-in ``hash``)."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big")


@dataclass(frozen=True, slots=True)
class Team:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Agent:
    id: str
    name: str
    email: str
    team_id: str


@dataclass(frozen=True, slots=True)
class Inbox:
    id: str
    name: str
    team_id: str


@dataclass(frozen=True, slots=True)
class Org:
    """One organization's fixed reference data and volume profile."""

    name: str
    timezone: str
    teams: tuple[Team, ...]
    agents: tuple[Agent, ...]
    inboxes: tuple[Inbox, ...]
    inbox_weights: tuple[int, ...]
    channels: tuple[str, ...]
    channel_weights: tuple[int, ...]
    topics: tuple[str, ...]
    daily_conversations: tuple[int, int]
    """Range of conversations created on a weekday (UTC day) at volume_scale 1."""
    weekend_factor: float

    def agents_of_team(self, team_id: str) -> tuple[Agent, ...]:
        """Agents working the inboxes of ``team_id``."""
        return _agents_by_team(self)[team_id]

    def inbox(self, inbox_id: str) -> Inbox | None:
        """The inbox with this id, if any."""
        return next((i for i in self.inboxes if i.id == inbox_id), None)


@cache
def _agents_by_team(org: Org) -> dict[str, tuple[Agent, ...]]:
    return {t.id: tuple(a for a in org.agents if a.team_id == t.id) for t in org.teams}


_FIRST = [
    "Olivia",
    "Liam",
    "Emma",
    "Noah",
    "Ava",
    "Elijah",
    "Sophia",
    "Mateo",
    "Isabella",
    "Lucas",
    "Mia",
    "Levi",
    "Amelia",
    "Ezra",
    "Harper",
    "Asher",
    "Evelyn",
    "Leo",
    "Abigail",
    "James",
    "Emily",
    "Luca",
    "Ella",
    "Henry",
    "Elizabeth",
    "Hudson",
    "Camila",
    "Ethan",
    "Luna",
    "Muhammad",
    "Sofia",
    "Maya",
    "Jack",
    "Aaliyah",
    "Kai",
    "Priya",
    "Diego",
    "Mei",
    "Tomás",
    "Chloé",
    "Zoë",
    "Siobhán",
    "Björn",
]
_LAST = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Nguyen",
    "O'Brien",
    "Kowalski",
    "Müller",
    "Dubois",
    "Okafor",
]


def _people(org: str, domain: str, count: int) -> list[tuple[str, str]]:
    """``count`` distinct (name, email) pairs for ``org``."""
    rng = random.Random(stable_seed(org, "people"))
    seen: set[str] = set()
    people: list[tuple[str, str]] = []
    while len(people) < count:
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        name = f"{first} {last}"
        if name in seen:
            continue
        seen.add(name)
        local = f"{first}.{last}".lower().replace("'", "")
        people.append((name, f"{local}@{domain}"))
    return people


def _build(
    name: str,
    domain: str,
    teams_inboxes: list[tuple[str, str, int, int]],
    *,
    timezone: str,
    channels: tuple[str, ...],
    channel_weights: tuple[int, ...],
    topics: tuple[str, ...],
    daily_conversations: tuple[int, int],
    weekend_factor: float,
) -> Org:
    """Build an org from (team name, inbox name, agent count, inbox weight) rows."""
    teams = tuple(Team(stable_id(name, "team", t), t) for t, _, _, _ in teams_inboxes)
    inboxes = tuple(
        Inbox(stable_id(name, "inbox", i), i, team.id) for team, (_, i, _, _) in zip(teams, teams_inboxes, strict=True)
    )
    people = iter(_people(name, domain, sum(n for _, _, n, _ in teams_inboxes)))
    agents: list[Agent] = []
    for team, (_, _, count, _) in zip(teams, teams_inboxes, strict=True):
        for _ in range(count):
            person, email = next(people)
            agents.append(Agent(stable_id(name, "agent", email), person, email, team.id))
    return Org(
        name=name,
        teams=teams,
        agents=tuple(agents),
        inboxes=inboxes,
        inbox_weights=tuple(w for _, _, _, w in teams_inboxes),
        timezone=timezone,
        channels=channels,
        channel_weights=channel_weights,
        topics=topics,
        daily_conversations=daily_conversations,
        weekend_factor=weekend_factor,
    )


@cache
def get_org(name: str) -> Org:
    """The sandbox org called ``name``; raises KeyError for an unknown org."""
    if name == "warbyparker":
        return _build(
            "warbyparker",
            "warbyparker.example",
            [
                ("Orders & Shipping", "Orders", 14, 40),
                ("Returns & Exchanges", "Returns", 10, 25),
                ("Optical Experts", "Eyewear Help", 10, 25),
                ("Retail Support", "Retail", 6, 10),
            ],
            timezone="America/New_York",
            channels=("CHAT", "EMAIL", "PHONE_CALL", "SMS", "INSTAGRAM_DIRECT", "FB_MESSENGER"),
            channel_weights=(40, 25, 20, 10, 3, 2),
            topics=(
                "Orders > Order Status",
                "Orders > Shipping Delay",
                "Returns > Returns, Exchanges & Refunds",
                "Eyewear > Prescription Question",
                "Eyewear > Frame Fit",
                "Eyewear > Home Try-On",
                "Retail > Store Appointment",
            ),
            daily_conversations=(1300, 2500),
            weekend_factor=0.45,
        )
    if name == "condenast":
        return _build(
            "condenast",
            "condenast.example",
            [
                ("Subscriber Care", "Subscriptions", 7, 50),
                ("Billing Specialists", "Billing", 5, 35),
                ("Editorial Desk", "Editorial", 3, 15),
            ],
            timezone="America/New_York",
            channels=("EMAIL", "CHAT", "PHONE_CALL", "VOICEMAIL"),
            channel_weights=(60, 25, 10, 5),
            topics=(
                "Subscriptions > Renewal",
                "Subscriptions > Cancel Subscription",
                "Billing > Billing, Charges & Refunds",
                "Delivery > Missing Issue",
                "Account > Address Change",
                "Editorial > Feedback",
            ),
            daily_conversations=(330, 600),
            weekend_factor=0.8,
        )
    raise KeyError(f"unknown sandbox org {name!r} (known: {', '.join(ORGS)})")
