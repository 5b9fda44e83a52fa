"""CSV rendering of the report metric sets the sandbox serves, as streams of rows and byte chunks."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from xo_sandbox.gladly.data import SECOND, Contact, Conversation
from xo_sandbox.gladly.orgs import Agent, get_org
from xo_sandbox.gladly.timeline import contact_events, conversations_created
from xo_sandbox.gladly.work_sessions import work_session_views

CONTACT_TIMESTAMPS_COLUMNS: tuple[str, ...] = (
    "Timestamp",
    "Event Type",
    "Contact ID",
    "Conversation ID",
    "Customer ID",
    "Channel",
    "Initiator Type",
    "Initiator ID",
    "Initiator Agent Name",
    "Assigned Inbox ID",
    "Assigned Inbox Name",
    "Assigned Agent ID",
    "Assigned Agent Name",
    "Transferred To Inbox Name",  # [U] seen only in PostHog's column tests, not in Gladly's docs
    "Fulfilled by Contact ID",  # [U] same; the sandbox fills it on CONTACT/FULFILLED rows only
)

CONVERSATION_EXPORT_COLUMNS: tuple[str, ...] = (
    "Timezone Filter",
    "Inboxes Filter",
    "Created At",
    "Conversation ID",
    "Customer ID",
    "Conversation Link",
    "Status",
    "Assigned Agent ID - Current",
    "Assigned Agent Name - Current",
    "Inbox ID - Current",
    "Inbox Name - Current",
    "First Closed At",
    "Last Closed At",
    "Initiator Type - Created",
    "Initiator Agent ID - Created",
    "Initiator Agent Name - Created",
    "Inbox ID - Created",
    "Inbox Name - Created",
    "Assigned Agent ID - Created",
    "Assigned Agent Name - Created",
    "Initiator Type - Last Closed",
    "Initiator Agent ID - Last Closed",
    "Initiator Agent Name - Last Closed",
    "Initiator Rule ID - Last Closed",
    "Inbox ID - Last Closed",
    "Inbox Name - Last Closed",
    "Assigned Agent ID - Last Closed",
    "Assigned Agent Name - Last Closed",
    "Topics",
    "Topics with Hierarchy",
    "First Contact ID",
    "First Channel",
    "Second Channel",
    "Third Channel",
    "Last Channel",
    "Created-to-First Closed Time in seconds",
    "Created-to-Last Closed Time in seconds",
    "Conversation Handle Time in seconds",
    "Is FCR Eligible",
    "Is FCR Success",
    "Merged Conversations",
    "Count of Contacts",
    "Count of Channels",
    "Count of Notes",
    "Count of Agents Assigned",
    "Count of Inboxes Assigned",
    "Times Agent Unassigned by Rule",
    "Times Closed",
    "Times Reopened",
    "Times Topic Added",
    "Times Topic Removed",
    "Payment Requests - Completed",
    "Payment Requests - Declined",
    "Payment Amount - Completed USD",
    "Payment Amount - Declined USD",
)

WORK_SESSION_EVENTS_COLUMNS: tuple[str, ...] = (
    "id",
    "contact_session_id",
    "contact_session_created_at",
    "customer_id",
    "conversation_id",
    "inbox_id",
    "channel",
    "direction",
    "agent_accepted_at",
    "contact_session_routed_at",
    "agent_id",
    "sla_fulfilled_at",
    "contact_session_ended_at",
    "status",
    "within_sla",
    "work_session_handle_time_sec",
    "work_session_after_contact_time_sec",
    "work_session_unknown_time_sec",
    "accepted_inbox_id",
)

CHANNEL_FILTERS: dict[str, frozenset[str] | None] = {
    "allChannels": None,
    "chat": frozenset({"CHAT"}),
    "email": frozenset({"EMAIL"}),
    "fbMessenger": frozenset({"FB_MESSENGER"}),
    "sms": frozenset({"SMS"}),
    "twitter": frozenset({"TWITTER"}),
    "voice": frozenset({"PHONE_CALL", "VOICEMAIL"}),
    "whatsapp": frozenset({"WHATSAPP"}),
    "instagramDirect": frozenset({"INSTAGRAM_DIRECT"}),
}
"""The documented ``filters.channel`` values and the Channel values each keeps (None keeps all)."""


@dataclass(frozen=True, slots=True)
class ReportFilters:
    """``filters`` of a report request; a contact passes if it matches every filter given."""

    channels: frozenset[str] | None = None
    inbox_ids: frozenset[str] | None = None
    team_ids: frozenset[str] | None = None

    def keeps(self, contact: Contact) -> bool:
        """Whether ``contact`` passes (inbox and team filters match any inbox the contact was in)."""
        if self.channels is not None and contact.channel not in self.channels:
            return False
        inboxes = contact.inbox_ids
        if self.inbox_ids is not None and not inboxes & self.inbox_ids:
            return False
        if self.team_ids is not None:
            return any(e.inbox.team_id in self.team_ids for e in contact.events)
        return True


def local_iso(ms: int, tz: ZoneInfo) -> str:
    """ISO-8601 with milliseconds and the offset of ``tz``, e.g. ``2025-01-14T09:03:27.512-05:00``."""
    return datetime.fromtimestamp(ms / SECOND, tz).isoformat(timespec="milliseconds")


def utc_iso(ms: int | None) -> str:
    """ISO-8601 UTC with milliseconds and ``Z``, or empty for None."""
    if ms is None:
        return ""
    return datetime.fromtimestamp(ms / SECOND, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _agent_cols(agent: Agent | None) -> list[str]:
    return [agent.id, agent.name] if agent else ["", ""]


def contact_timestamp_rows(
    org: str, lo_ms: int, hi_ms: int, tz: ZoneInfo, filters: ReportFilters, volume_scale: float = 1.0
) -> Iterator[list[str]]:
    """ContactTimestampsReport rows: one per contact event in the window, in time order."""
    for e, c in contact_events(org, lo_ms, hi_ms, volume_scale):
        if not filters.keeps(c):
            continue
        yield [
            local_iso(e.at_ms, tz),
            e.type,
            c.id,
            c.conversation_id,
            c.customer_id,
            c.channel,
            e.initiator_type,
            e.initiator_id,
            e.initiator.name if e.initiator else "",
            e.inbox.id,
            e.inbox.name,
            *_agent_cols(e.agent),
            e.transferred_to.name if e.transferred_to else "",
            c.id if e.type == "CONTACT/FULFILLED" else "",
        ]


def _conversation_row(conv: Conversation, org: str, tz: ZoneInfo, tz_name: str, inboxes: str) -> list[str]:
    first, last = conv.contacts[0], conv.contacts[-1]
    last_agent = last.sessions[-1].agent if last.sessions else None
    last_inbox = last.events[-1].inbox
    channels = [c.channel for c in conv.contacts]
    agents = {s.agent.id for c in conv.contacts for s in c.sessions}
    inbox_ids = {i for c in conv.contacts for i in c.inbox_ids}
    closed = conv.status == "CLOSED"
    reopened = len(conv.contacts) - 1
    handle = sum(s.handle_sec for c in conv.contacts for s in c.sessions)

    def since_created(ms: int | None) -> str:
        return "" if ms is None else str(round((ms - conv.created_ms) / SECOND))

    first_closed = conv.closed_ms[0] if conv.closed_ms else None
    last_closed = conv.closed_ms[-1] if conv.closed_ms else None
    closer = next((c for c in reversed(conv.contacts) if c.sessions and conv.closed_ms), None)
    closer_agent = closer.sessions[-1].agent if closer else None
    closer_inbox = closer.events[-1].inbox if closer else None
    return [
        tz_name,
        inboxes,
        local_iso(conv.created_ms, tz),
        conv.id,
        conv.customer_id,
        f"https://{org}.gladly.example/agent/customer/{conv.customer_id}/conversation/{conv.id}",
        conv.status,
        *_agent_cols(last_agent),
        last_inbox.id,
        last_inbox.name,
        "" if first_closed is None else local_iso(first_closed, tz),
        "" if last_closed is None else local_iso(last_closed, tz),
        "CUSTOMER",
        "",
        "",
        first.inbox.id,
        first.inbox.name,
        "",
        "",
        "AGENT" if closer_agent else ("CUSTOMER" if last_closed else ""),
        *_agent_cols(closer_agent),
        "",
        closer_inbox.id if closer_inbox else "",
        closer_inbox.name if closer_inbox else "",
        *_agent_cols(closer_agent),
        # Topic names hold commas and the hierarchy holds newlines: the quoting quirks of the real CSVs.
        ", ".join(t.split(" > ")[-1] for t in conv.topics),
        "\n".join(conv.topics),
        first.id,
        channels[0],
        channels[1] if len(channels) > 1 else "",
        channels[2] if len(channels) > 2 else "",
        channels[-1],
        since_created(first_closed),
        since_created(last_closed),
        str(handle),
        "true" if closed else "false",
        "true" if closed and reopened == 0 else "false",
        "",
        str(len(conv.contacts)),
        str(len(set(channels))),
        str(conv.notes),
        str(len(agents)),
        str(len(inbox_ids)),
        "0",
        str(len(conv.closed_ms)),
        str(reopened),
        str(len(conv.topics)),
        "0",
        "0",
        "0",
        "0.00",
        "0.00",
    ]


def conversation_export_rows(
    org: str,
    lo_ms: int,
    hi_ms: int,
    tz: ZoneInfo,
    tz_name: str,
    filters: ReportFilters,
    volume_scale: float = 1.0,
) -> Iterator[list[str]]:
    """ConversationExportReport rows: one per conversation created in the window, in creation order."""
    names = {i.id: i.name for i in get_org(org).inboxes}
    inboxes = ", ".join(names[i] for i in sorted(filters.inbox_ids)) if filters.inbox_ids else "All Inboxes"
    for conv in conversations_created(org, lo_ms, hi_ms, volume_scale):
        if any(filters.keeps(c) for c in conv.contacts):
            yield _conversation_row(conv, org, tz, tz_name, inboxes)


def _int_cell(value: int | None) -> str:
    return "" if value is None else str(value)


def work_session_rows(
    org: str, lo_ms: int, hi_ms: int, as_of_ms: int, volume_scale: float = 1.0
) -> Iterator[list[str]]:
    """work-session-events rows as Gladly shows them at ``as_of_ms`` (see ``work_sessions``), anchored on the
    contact's end (its creation while open) in ``[lo_ms, hi_ms)``."""
    for v in work_session_views(org, lo_ms, hi_ms, as_of_ms, volume_scale):
        c = v.contact
        yield [
            v.id or "",
            c.id,
            utc_iso(c.started_ms),
            c.customer_id,
            c.conversation_id,
            c.inbox.id,
            c.channel,
            "INBOUND",
            utc_iso(v.accepted_ms),
            utc_iso(v.routed_ms),
            v.agent.id if v.agent else "",
            utc_iso(c.fulfilled_ms if c.fulfilled_ms is not None and c.fulfilled_ms <= as_of_ms else None),
            utc_iso(v.ended_ms),
            v.status,
            ("true" if c.within_sla else "false") if v.ended_ms is not None else "",
            _int_cell(v.handle_sec),
            _int_cell(v.after_contact_sec),
            _int_cell(v.unknown_sec),
            v.accepted_inbox.id if v.accepted_inbox else "",
        ]


def csv_chunks(
    header: Iterable[str],
    rows: Iterable[list[str]],
    *,
    row_cap: int | None = None,
    chunk_bytes: int = 64 * 1024,
) -> Iterator[bytes]:
    """Encode a header and rows as CSV (CRLF line ends) in chunks of about ``chunk_bytes``.

    ``row_cap`` silently stops after that many data rows, as Gladly does at about 100,000.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for n, row in enumerate(rows):
        if row_cap is not None and n >= row_cap:
            break
        writer.writerow(row)
        if buffer.tell() >= chunk_bytes:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")
