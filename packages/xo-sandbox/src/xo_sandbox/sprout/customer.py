"""The sandbox Sprout customer (Warby Parker): its profiles, groups, tags and the agents who reply.

The agents are the Warby Parker agents of the Gladly simulator (same names and emails): the social team is
the first ``SOCIAL_TEAM_SIZE`` agents of that org. Sprout user ids are numbers derived from the email.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from xo_sandbox.gladly.orgs import get_org, stable_seed

CUSTOMER_ID = 687751
CUSTOMER_NAME = "Warby Parker"
DEFAULT_TOKEN = "wbp-sprout-sandbox-token"  # noqa: S105 - a sandbox-only token, not a secret
"""The sandbox API token (a sandbox-only value, safe to print)."""
SOCIAL_TEAM_SIZE = 8

SOCIAL_CARE_GROUP = 23598
RETAIL_GROUP = 65245
GROUPS: dict[int, str] = {SOCIAL_CARE_GROUP: "Warby Parker Social Care", RETAIL_GROUP: "Warby Parker Retail"}


@dataclass(frozen=True, slots=True)
class Profile:
    """One of the customer's social profiles (a brand account on one network)."""

    customer_profile_id: int
    network_type: str
    network: str
    native_name: str
    native_id: str
    groups: tuple[int, ...]

    @property
    def guid(self) -> str:
        """Sprout's ``profile_guid`` of the account."""
        return f"{self.network_type[:2]}:{self.native_id}"

    def to_json(self) -> dict[str, object]:
        """The item of ``GET /v1/{customer_id}/metadata/customer``."""
        return {
            "customer_profile_id": self.customer_profile_id,
            "network_type": self.network_type,
            "name": CUSTOMER_NAME,
            "native_name": self.native_name,
            "native_id": self.native_id,
            "groups": list(self.groups),
        }


PROFILES: tuple[Profile, ...] = (
    Profile(4920101, "twitter", "TWITTER", "WarbyParker", "42793960", (SOCIAL_CARE_GROUP,)),
    Profile(4920102, "instagram", "INSTAGRAM", "warbyparker", "2719504436", (SOCIAL_CARE_GROUP,)),
    Profile(4920103, "facebook", "FACEBOOK", "Warby Parker", "308998183837", (SOCIAL_CARE_GROUP, RETAIL_GROUP)),
)
PROFILE_WEIGHTS: tuple[int, ...] = (30, 45, 25)

# (tag_id, text, type); label tags classify a message, the campaign tag marks the season's posts.
TAGS: tuple[tuple[int, str, str], ...] = (
    (1001, "Order Status", "LABEL"),
    (1002, "Shipping Delay", "LABEL"),
    (1003, "Returns & Exchanges", "LABEL"),
    (1004, "Prescription", "LABEL"),
    (1005, "Home Try-On", "LABEL"),
    (1006, "Praise", "LABEL"),
    (1007, "Complaint", "LABEL"),
    (2001, "Spring Frames Campaign", "CAMPAIGN"),
)


@dataclass(frozen=True, slots=True)
class User:
    """A Sprout user: one of the Gladly simulator's Warby Parker agents."""

    id: int
    email: str
    first_name: str
    last_name: str

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@cache
def users() -> tuple[User, ...]:
    """The social team, in the Gladly org's agent order."""
    team: list[User] = []
    for agent in get_org("warbyparker").agents[:SOCIAL_TEAM_SIZE]:
        first, _, last = agent.name.partition(" ")
        team.append(User(2_000_000 + stable_seed("sprout-user", agent.email) % 1_000_000, agent.email, first, last))
    return tuple(team)


def profile(customer_profile_id: int) -> Profile | None:
    """The profile with this id, if the customer has it."""
    return next((p for p in PROFILES if p.customer_profile_id == customer_profile_id), None)
