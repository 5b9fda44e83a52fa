"""Deterministic synthetic Gladly activity: conversations, their contacts, contact events, work sessions.

The unit of generation is (org, UTC day, volume_scale): ``conversations_for_day`` is a pure function of
those three, seeded through hashlib, so any day can be generated alone, streamed and recounted, and gives the
same rows on every machine. A conversation belongs to the UTC day it was created on; its contacts and events
may run past midnight, but never more than ``MAX_SPAN_MS`` after its creation.

All times are integer milliseconds since the epoch (UTC); rendering into a timezone happens in ``reports``.
"""

from __future__ import annotations

import base64
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import lru_cache
from itertools import accumulate

from xo_sandbox.gladly.orgs import Agent, Inbox, Org, get_org, stable_id, stable_seed

SECOND = 1_000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE
DAY = 24 * HOUR
MAX_SPAN_MS = DAY
OPEN_CONVERSATION_ACCRUAL_MS = 6 * HOUR
"""How long a contact whose conversation stays open keeps accruing after-contact and unknown time (a sandbox
choice: Gladly documents that these grow until the conversation ends or another contact begins, not a cap)."""
"""No event of a conversation is later than its creation plus this (the lookback when windowing)."""

CUSTOMER_POOL = 200_000
"""Distinct customers per org; conversations draw from it, so customers come back."""

# Share of conversations created per hour: a business-hours curve for US Eastern (UTC-5), rotated to UTC.
_LOCAL_CURVE = (1, 1, 1, 1, 1, 2, 4, 8, 14, 18, 20, 20, 19, 19, 20, 19, 17, 14, 11, 9, 7, 5, 3, 2)
_UTC_CUM = tuple(accumulate(_LOCAL_CURVE[(h - 5) % 24] for h in range(24)))
_SLA_SECONDS = {"EMAIL": 3600}
_DEFAULT_SLA_SECONDS = 180


@dataclass(frozen=True, slots=True)
class Event:
    """One CONTACT/* event; ``agent`` and ``inbox`` are the assignment at that moment."""

    at_ms: int
    type: str
    initiator_type: str
    initiator_id: str
    initiator: Agent | None
    inbox: Inbox
    agent: Agent | None
    transferred_to: Inbox | None


@dataclass(frozen=True, slots=True)
class WorkSession:
    """One agent's part of a contact: from the offer they accepted to their transfer or the contact's end."""

    id: str
    agent: Agent
    inbox: Inbox
    """The inbox the contact session was created in."""
    accepted_inbox: Inbox
    routed_ms: int
    accepted_ms: int
    released_ms: int
    status: str
    handle_sec: int
    after_contact_sec: int
    unknown_sec: int


@dataclass(frozen=True, slots=True)
class Contact:
    """One contact (a chat, call, email thread...) within a conversation."""

    id: str
    conversation_id: str
    customer_id: str
    channel: str
    inbox: Inbox
    started_ms: int
    ended_ms: int
    events: tuple[Event, ...]
    sessions: tuple[WorkSession, ...]
    fulfilled_ms: int | None
    fulfilled_by: Agent | None
    within_sla: bool
    settled_ms: int = 0
    """When after-contact and unknown time stop growing: Gladly lets them accrue after the contact ends "and
    before the conversation ends / another contact begins" (Reports API, work-session-events). Set by
    ``_conversation``; ``ended_ms + OPEN_CONVERSATION_ACCRUAL_MS`` while the conversation stays open."""

    @property
    def inbox_ids(self) -> frozenset[str]:
        """Every inbox the contact was in (the first, and any it was transferred to)."""
        return frozenset(e.inbox.id for e in self.events)


@dataclass(frozen=True, slots=True)
class Conversation:
    """A customer's conversation: one to three contacts, topics, and its open/closed history."""

    id: str
    customer_id: str
    created_ms: int
    contacts: tuple[Contact, ...]
    topics: tuple[str, ...]
    status: str
    closed_ms: tuple[int, ...]
    notes: int


def day_start_ms(day: date) -> int:
    """Epoch milliseconds of ``day`` 00:00 UTC."""
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) * SECOND


def _rid(rng: random.Random) -> str:
    return base64.urlsafe_b64encode(rng.randbytes(16)).decode("ascii")[:22]


@lru_cache(maxsize=65_536)
def _customer_id(org: str, k: int) -> str:
    return stable_id(org, "customer", k)


class _ContactBuilder:
    """Appends events with realistic gaps while tracking the current inbox and assigned agent."""

    def __init__(self, rng: random.Random, customer_id: str, inbox: Inbox, start_ms: int) -> None:
        self.rng = rng
        self.customer_id = customer_id
        self.inbox = inbox
        self.agent: Agent | None = None
        self.t = start_ms
        self.events: list[Event] = []
        self.sessions: list[WorkSession] = []
        self.fulfilled_ms: int | None = None
        self.fulfilled_by: Agent | None = None

    def gap(self, lo_s: float, hi_s: float) -> int:
        """A random gap in ms, at least 1 ms so events of a contact are strictly ordered."""
        return max(1, self.rng.randint(int(lo_s * SECOND), int(hi_s * SECOND)))

    def emit(
        self,
        kind: str,
        initiator_type: str,
        initiator: Agent | None,
        gap_ms: int,
        transferred_to: Inbox | None = None,
    ) -> None:
        self.t += gap_ms
        initiator_id = initiator.id if initiator else (self.customer_id if initiator_type == "CUSTOMER" else "")
        self.events.append(
            Event(self.t, kind, initiator_type, initiator_id, initiator, self.inbox, self.agent, transferred_to)
        )

    def offer(self, agent: Agent, wait_ms: int) -> int:
        self.agent = agent
        self.emit("CONTACT/OFFERED", "SYSTEM", None, wait_ms)
        return self.t

    def fulfil(self, agent: Agent) -> None:
        if self.fulfilled_ms is None:
            self.emit("CONTACT/FULFILLED", "AGENT", agent, self.gap(0.001, 1))
            self.fulfilled_ms, self.fulfilled_by = self.t, agent

    def work(self, agent: Agent, channel: str, rounds: int) -> None:
        """The agent's part of the exchange, by channel."""
        if channel in ("PHONE_CALL", "VOICEMAIL"):
            self.fulfil(agent)
            if channel == "PHONE_CALL" and self.rng.random() < 0.25:
                self.emit("CONTACT/HOLD_STARTED", "AGENT", agent, self.gap(60, 400))
                self.emit("CONTACT/HOLD_ENDED", "AGENT", agent, self.gap(30, 180))
            self.t += self.gap(60, 900)
            return
        reply, answer = ((120, 1800), (300, 2400)) if channel == "EMAIL" else ((20, 240), (15, 300))
        for r in range(rounds):
            self.emit("CONTACT/MESSAGE_SENT", "AGENT", agent, self.gap(*reply))
            self.fulfil(agent)
            if r < rounds - 1:
                self.emit("CONTACT/MESSAGE_RECEIVED", "CUSTOMER", None, self.gap(*answer))

    def session(self, agent: Agent, created_inbox: Inbox, routed_ms: int, accepted_ms: int, status: str) -> None:
        self.sessions.append(
            WorkSession(
                id=_rid(self.rng),
                agent=agent,
                inbox=created_inbox,
                accepted_inbox=self.inbox,
                routed_ms=routed_ms,
                accepted_ms=accepted_ms,
                released_ms=self.t,
                status=status,
                handle_sec=round((self.t - accepted_ms) / SECOND),
                after_contact_sec=self.rng.randint(0, 180),
                unknown_sec=self.rng.randint(0, 15),
            )
        )


def _take(b: _ContactBuilder, org: Org, channel: str, wait_ms: int, rounds: int, created: Inbox) -> None:
    """Offer the contact in the builder's current inbox, maybe after one rejection, and work it."""
    team = org.agents_of_team(b.inbox.team_id)
    agent = b.rng.choice(team)
    if len(team) > 1 and b.rng.random() < 0.08:
        b.offer(agent, wait_ms)
        b.emit("CONTACT/OFFER_REJECTED", "AGENT", agent, b.gap(5, 30))
        agent = b.rng.choice([a for a in team if a != agent])
        wait_ms = b.gap(2, 60)
    routed = b.offer(agent, wait_ms)
    b.emit("CONTACT/OFFER_ACCEPTED", "AGENT", agent, b.gap(3, 40))
    accepted = b.t
    b.work(agent, channel, rounds)
    if channel != "VOICEMAIL" and not b.sessions and b.rng.random() < 0.05:  # at most one transfer
        target = b.rng.choice([i for i in org.inboxes if i.id != b.inbox.id])
        b.emit("CONTACT/TRANSFERRED", "AGENT", agent, b.gap(10, 120), transferred_to=target)
        b.session(agent, created, routed, accepted, "TRANSFERRED")
        b.inbox, b.agent = target, None
        _take(b, org, channel, b.gap(5, 300), b.rng.randint(1, 2), created)
        return
    b.emit("CONTACT/ENDED", "AGENT", agent, b.gap(5, 120))
    b.session(agent, created, routed, accepted, "ENDED")


def _contact(
    rng: random.Random, org: Org, conv_id: str, customer_id: str, inbox: Inbox, channel: str, start_ms: int
) -> Contact:
    b = _ContactBuilder(rng, customer_id, inbox, start_ms)
    b.emit("CONTACT/STARTED", "CUSTOMER", None, 0)
    if rng.random() < 0.03:  # the customer gave up before an agent took it
        b.emit("CONTACT/ENDED", "CUSTOMER", None, b.gap(20, 600))
    else:
        wait = b.gap(60, 5400) if channel == "EMAIL" else b.gap(5, 600)
        rounds = rng.randint(1, 2) if channel == "EMAIL" else rng.randint(1, 5)
        _take(b, org, channel, wait, rounds, inbox)
    sla = _SLA_SECONDS.get(channel, _DEFAULT_SLA_SECONDS) * SECOND
    return Contact(
        id=_rid(rng),
        conversation_id=conv_id,
        customer_id=customer_id,
        channel=channel,
        inbox=inbox,
        started_ms=start_ms,
        ended_ms=b.t,
        events=tuple(b.events),
        sessions=tuple(b.sessions),
        fulfilled_ms=b.fulfilled_ms,
        fulfilled_by=b.fulfilled_by,
        within_sla=b.fulfilled_ms is not None and b.fulfilled_ms - start_ms <= sla,
    )


def _conversation(rng: random.Random, org: Org, created_ms: int) -> Conversation:
    conv_id = _rid(rng)
    customer_id = _customer_id(org.name, rng.randrange(CUSTOMER_POOL))
    inbox = rng.choices(org.inboxes, weights=org.inbox_weights)[0]
    count = rng.choices((1, 2, 3), weights=(80, 15, 5))[0]
    contacts: list[Contact] = []
    t = created_ms
    for _ in range(count):
        channel = rng.choices(org.channels, weights=org.channel_weights)[0]
        contact = _contact(rng, org, conv_id, customer_id, inbox, channel, t)
        contacts.append(contact)
        inbox = contact.events[-1].inbox  # a follow-up lands where the last contact ended up
        t = contact.ended_ms + rng.randint(5 * MINUTE, 90 * MINUTE)
    status = "OPEN" if rng.random() < 0.1 else "CLOSED"
    closes = contacts if status == "CLOSED" else contacts[:-1]
    closed_ms = tuple(c.ended_ms + rng.randint(SECOND, 30 * SECOND) for c in closes)
    return Conversation(
        id=conv_id,
        customer_id=customer_id,
        created_ms=created_ms,
        contacts=_settled(contacts, closed_ms),
        topics=tuple(rng.sample(org.topics, rng.choice((1, 1, 2)))),
        status=status,
        closed_ms=closed_ms,
        notes=rng.choice((0, 0, 0, 1, 2)),
    )


def _settled(contacts: list[Contact], closed_ms: tuple[int, ...]) -> tuple[Contact, ...]:
    """Each contact with the moment its after-contact time stops: the conversation closing after it, the next
    contact starting, or (an open conversation's last contact) ``OPEN_CONVERSATION_ACCRUAL_MS`` after its end."""
    out: list[Contact] = []
    for i, contact in enumerate(contacts):
        ends = [closed_ms[i]] if i < len(closed_ms) else []
        if i + 1 < len(contacts):
            ends.append(contacts[i + 1].started_ms)
        settled = min(ends) if ends else contact.ended_ms + OPEN_CONVERSATION_ACCRUAL_MS
        out.append(replace(contact, settled_ms=settled))
    return tuple(out)


def conversation_count(org: str, day: date, volume_scale: float = 1.0) -> int:
    """How many conversations ``org`` creates on UTC ``day``."""
    return _day_plan(org, day, volume_scale)[1]


def _day_plan(org_name: str, day: date, volume_scale: float) -> tuple[int, int]:
    org = get_org(org_name)
    seed = stable_seed(org_name, day.isoformat(), repr(float(volume_scale)))
    rng = random.Random(seed)
    base = rng.randint(*org.daily_conversations) * (org.weekend_factor if day.weekday() >= 5 else 1.0)
    return seed, max(0, round(base * volume_scale))


def conversations_for_day(
    org_name: str, day: date, volume_scale: float = 1.0, *, since_ms: int | None = None
) -> Iterator[Conversation]:
    """The conversations ``org_name`` creates on UTC ``day``, in creation order (none before ``since_ms``).

    Each conversation has its own seed, so skipping is cheap and does not change the others.
    """
    org = get_org(org_name)
    seed, count = _day_plan(org_name, day, volume_scale)
    rng = random.Random(seed + 1)
    base = day_start_ms(day)
    hours = rng.choices(range(24), cum_weights=_UTC_CUM, k=count)
    created = sorted(base + h * HOUR + rng.randrange(HOUR) for h in hours)
    for i, at in enumerate(created):
        if since_ms is not None and at < since_ms:
            continue
        yield _conversation(random.Random(stable_seed(seed, i)), org, at)
