"""Work sessions as Gladly's work-session report shows them at a given moment.

Gladly documents (Reports API, "Generate a Work Session Report", developer.gladly.com/rest/#tag/Reports):
- a row is the unique combination of ``contact_session_id`` and ``agent_id``; ``agent_id`` is empty when no
  agent handled the contact;
- the time anchor is the contact's end once it has ended, its creation while it is open ("a contact created
  2023-03-21T04:00Z and ended 2023-03-22T04:00Z is not in the 03-21 → 03-22 window");
- ``id`` stays empty until the contact ends; ``work_session_handle_time_sec`` is only available after it ends;
- after-contact and unknown time "may accumulate after the contact ends and before the conversation ends /
  another contact begins";
- the data is as late as every Gladly report: about one hour behind (help.gladly.com/docs/why-is-my-reporting-
  data-not-current), so a report asked for at ``now`` shows the state of ``now - latency``.

``views(contact, as_of_ms)`` is that state for one contact, straight from the generator: the CSV of the
simulator and the truth used to reconcile a warehouse both read it, never each other.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from xo_sandbox.gladly.data import Contact
from xo_sandbox.gladly.orgs import Agent, Inbox, stable_id
from xo_sandbox.gladly.timeline import merge_in_time

REPORT_LATENCY_MS = 60 * 60 * 1_000
"""Gladly's reports run about an hour behind real time (help.gladly.com, "Why is my reporting data not current")."""


@dataclass(frozen=True, slots=True)
class WorkSessionView:
    """One row of the work-session report at a moment: None where Gladly leaves the cell empty."""

    id: str | None
    contact: Contact
    agent: Agent | None
    accepted_inbox: Inbox | None
    routed_ms: int | None
    accepted_ms: int | None
    ended_ms: int | None
    status: str
    handle_sec: int | None
    after_contact_sec: int | None
    unknown_sec: int | None

    @property
    def anchor_ms(self) -> int:
        """The contact's end once it ended, its creation while open: where Gladly places the row."""
        return self.contact.started_ms if self.ended_ms is None else self.ended_ms


def anchor_ms(contact: Contact, as_of_ms: int) -> int | None:
    """Where the contact's rows are placed at ``as_of_ms`` (None before the contact exists)."""
    if contact.started_ms > as_of_ms:
        return None
    return contact.ended_ms if contact.ended_ms <= as_of_ms else contact.started_ms


def _accrued(final: int, contact: Contact, as_of_ms: int) -> int:
    """After-contact or unknown time at ``as_of_ms``: grows linearly from the contact's end to its settling."""
    span = contact.settled_ms - contact.ended_ms
    if span <= 0 or as_of_ms >= contact.settled_ms:
        return final
    return final * max(0, as_of_ms - contact.ended_ms) // span


def views(contact: Contact, as_of_ms: int) -> list[WorkSessionView]:
    """The contact's rows at ``as_of_ms``: one per agent who accepted it, or one without agent."""
    if contact.started_ms > as_of_ms:
        return []
    ended = contact.ended_ms <= as_of_ms
    rows: list[WorkSessionView] = []
    for s in contact.sessions:
        if s.accepted_ms > as_of_ms:
            continue
        rows.append(
            WorkSessionView(
                id=s.id if ended else None,
                contact=contact,
                agent=s.agent,
                accepted_inbox=s.accepted_inbox,
                routed_ms=s.routed_ms,
                accepted_ms=s.accepted_ms,
                ended_ms=contact.ended_ms if ended else None,
                status=s.status if ended else ("TRANSFERRED" if s.released_ms <= as_of_ms else "IN_PROGRESS"),
                handle_sec=s.handle_sec if ended else None,
                after_contact_sec=_accrued(s.after_contact_sec, contact, as_of_ms) if ended else None,
                unknown_sec=_accrued(s.unknown_sec, contact, as_of_ms) if ended else None,
            )
        )
    if rows:
        return rows
    # Nobody has accepted the contact (yet, or ever: the customer gave up): one row with an empty agent.
    return [
        WorkSessionView(
            id=stable_id(contact.id, "unhandled") if ended else None,
            contact=contact,
            agent=None,
            accepted_inbox=None,
            routed_ms=None,
            accepted_ms=None,
            ended_ms=contact.ended_ms if ended else None,
            status="ENDED" if ended else "IN_PROGRESS",
            handle_sec=0 if ended else None,
            after_contact_sec=0 if ended else None,
            unknown_sec=0 if ended else None,
        )
    ]


def work_session_views(
    org: str, lo_ms: int, hi_ms: int, as_of_ms: int, volume_scale: float = 1.0
) -> Iterator[WorkSessionView]:
    """Every row the report for ``[lo_ms, hi_ms)`` holds at ``as_of_ms``, in anchor order."""

    def anchored(conv_contacts: tuple[Contact, ...]) -> Iterator[tuple[int, Contact]]:
        for contact in conv_contacts:
            at = anchor_ms(contact, as_of_ms)
            if at is not None:
                yield at, contact

    for contact in merge_in_time(org, lo_ms, hi_ms, volume_scale, lambda conv: anchored(conv.contacts)):
        yield from views(contact, as_of_ms)
