"""The body of ``POST /v1/{customer_id}/messages``, validated: filters, fields, limit, timezone, sort, cursor.

Filters are strings ``field.op(args)``, as in the Messages section of https://api.sproutsocial.com/docs/.
``group_id.eq``, ``customer_profile_id.eq`` and ``created_time.in`` are answered 400 when missing: the docs'
filter table leaves them unmarked, but the endpoint is scoped by group and profiles and needs a time range
[U: likely required; refusing is the reading that catches a client that leaves one out].
``created_time.in(A..B)`` (``...`` is accepted too) takes dates or datetimes; a bare date means midnight.

Which zone a bound without an offset is read in is not documented [U]: the docs describe the body's ``timezone``
for period values, not for this filter. ``timezone_applies_to_created_time`` picks the reading: False (the
default) reads such bounds as UTC, which shifts a client's local window by its UTC offset; True reads them in
the body's ``timezone``. The simulator reads the range end as INCLUSIVE [U: the docs do not say; this is the
reading that catches a client which sends the window end and trusts it].
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from xo_sandbox.sprout.customer import GROUPS, profile

KNOWN_FIELDS: frozenset[str] = frozenset(
    {
        "guid",
        "created_time",
        "customer_profile_id",
        "profile_guid",
        "network",
        "post_type",
        "post_category",
        "content_category",
        "text",
        "perma_link",
        "inbox_permalink",
        "language_code",
        "from",
        "from.guid",
        "from.name",
        "from.screen_name",
        "from.profile_picture",
        "internal",
        "internal.tags",
        "internal.tags.id",
        "internal.sent_by",
        "internal.sent_by.id",
        "internal.sent_by.email",
        "internal.sent_by.first_name",
        "internal.sent_by.last_name",
    }
)
DEFAULT_LIMIT = 50
MAX_LIMIT = 100
_FILTER = re.compile(r"^\s*([a-z_.]+)\.(eq|in)\((.*)\)\s*$", re.DOTALL)


class BadRequest(ValueError):
    """The body is invalid: answered with 400 and this text under ``error``."""


@dataclass(frozen=True)
class Query:
    """A validated messages request. ``lo_s``/``hi_s`` are epoch seconds, both INCLUSIVE."""

    lo_s: int
    hi_s: int
    profile_ids: frozenset[int]
    post_types: frozenset[str]
    tag_ids: frozenset[int]
    fields: tuple[str, ...]
    limit: int
    descending: bool
    cursor: str | None
    digest: str
    """Identifies the query apart from its cursor: a cursor is only valid for the query that issued it."""


def _moment(text: str, tz: tzinfo, what: str) -> int:
    text = text.strip()
    try:
        if len(text) == 10:
            parsed = datetime.combine(date.fromisoformat(text), datetime.min.time())
        else:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise BadRequest(f"created_time.in: {what} {text!r} is not a date or datetime") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return int(parsed.timestamp())


def _ints(args: str, name: str) -> frozenset[int]:
    try:
        return frozenset(int(a) for a in args.split(",") if a.strip())
    except ValueError:
        raise BadRequest(f"{name}.eq takes numbers, got {args!r}") from None


def _digest(body: dict[str, Any]) -> str:
    rest = {k: v for k, v in body.items() if k != "page_cursor"}
    return hashlib.sha256(json.dumps(rest, sort_keys=True).encode()).hexdigest()[:24]


def parse_query(body: Any, *, timezone_applies_to_created_time: bool = False) -> Query:
    """Validate a messages body; BadRequest with Sprout-like wording on anything wrong.

    ``timezone_applies_to_created_time``: whether bounds without an offset are read in the body's ``timezone``
    (True) or in UTC (False); see the module docstring.
    """
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object")
    unknown = set(body) - {"filters", "fields", "limit", "timezone", "page_cursor", "sort"}
    if unknown:
        raise BadRequest(f"Unknown request parameter(s): {', '.join(sorted(unknown))}")
    tz_name = body.get("timezone", "UTC")
    try:
        tz = ZoneInfo(str(tz_name))
    except (ZoneInfoNotFoundError, ValueError):
        raise BadRequest(f"Invalid timezone {tz_name!r}") from None
    filters = body.get("filters")
    if not isinstance(filters, list) or not filters or not all(isinstance(f, str) for f in filters):
        raise BadRequest("filters is required: a non-empty list of filter strings")
    span: tuple[int, int] | None = None
    group: int | None = None
    profiles: frozenset[int] = frozenset()
    post_types: frozenset[str] = frozenset()
    tags: frozenset[int] = frozenset()
    for text in filters:
        match = _FILTER.match(text)
        if match is None:
            raise BadRequest(f"Invalid filter {text!r}")
        name, op, args = match.groups()
        if (name, op) == ("created_time", "in"):
            lo, sep, hi = args.partition("...") if "..." in args else args.partition("..")
            if not sep:
                raise BadRequest(f"created_time.in needs a range START..END, got {args!r}")
            naive_zone = tz if timezone_applies_to_created_time else UTC
            span = (_moment(lo, naive_zone, "start"), _moment(hi, naive_zone, "end"))
        elif (name, op) == ("group_id", "eq"):
            if group is not None or len(ids := _ints(args, name)) != 1:
                raise BadRequest("At most one group_id may be given")
            group = next(iter(ids))
            if group not in GROUPS:
                raise BadRequest(f"Unknown group_id {group}")
        elif (name, op) == ("customer_profile_id", "eq"):
            profiles = _ints(args, name)
        elif (name, op) == ("post_type", "eq"):
            post_types = frozenset(a.strip() for a in args.split(",") if a.strip())
        elif (name, op) == ("tag_id", "eq"):
            tags = _ints(args, name)
        else:
            raise BadRequest(f"Unsupported filter {name}.{op}")
    if span is None:
        raise BadRequest("A created_time.in(...) filter is required")
    if group is None:
        raise BadRequest("A group_id.eq(...) filter is required")
    if not profiles:
        raise BadRequest("A customer_profile_id.eq(...) filter is required")
    for pid in profiles:
        p = profile(pid)
        if p is None or group not in p.groups:
            raise BadRequest(f"customer_profile_id {pid} is not a profile of the group")
    fields = body.get("fields", ["guid"])
    if not isinstance(fields, list) or not fields or not all(isinstance(f, str) for f in fields):
        raise BadRequest("fields must be a non-empty list of field names")
    if bad := [f for f in fields if f not in KNOWN_FIELDS]:
        raise BadRequest(f"Unknown field(s): {', '.join(bad)}")
    limit = body.get("limit", DEFAULT_LIMIT)
    if type(limit) is not int or not 1 <= limit <= MAX_LIMIT:
        raise BadRequest(f"limit must be an integer from 1 to {MAX_LIMIT}")
    sort = body.get("sort", ["created_time:desc"])
    if sort not in (["created_time:asc"], ["created_time:desc"]):
        raise BadRequest('sort must be ["created_time:asc"] or ["created_time:desc"]')
    cursor = body.get("page_cursor")
    if cursor is not None and not isinstance(cursor, str):
        raise BadRequest("page_cursor must be a string")
    return Query(
        lo_s=span[0],
        hi_s=span[1],
        profile_ids=profiles,
        post_types=post_types,
        tag_ids=tags,
        fields=tuple(dict.fromkeys(fields)),
        limit=limit,
        descending=sort == ["created_time:desc"],
        cursor=cursor,
        digest=_digest(body),
    )


def project(full: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """Only the requested field paths of a full message; a list on the way (tags) is projected item by item."""
    out: dict[str, Any] = {}
    for path in fields:
        _merge(out, _select(full, path.split(".")))
    return out


def _select(value: Any, parts: list[str]) -> Any:
    if not parts:
        return value
    if isinstance(value, list):
        return [_select(item, parts) for item in value]
    if isinstance(value, dict) and parts[0] in value:
        return {parts[0]: _select(value[parts[0]], parts[1:])}
    return {}


def _merge(into: dict[str, Any], part: Any) -> None:
    for key, value in part.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        elif isinstance(value, list) and isinstance(into.get(key), list):
            for mine, theirs in zip(into[key], value, strict=True):
                _merge(mine, theirs)
        else:
            into[key] = value


def encode_cursor(secret: bytes, digest: str, day: date, index: int) -> str:
    """An opaque, signed cursor for the position (day, index) of the query ``digest``."""
    payload = base64.urlsafe_b64encode(f"{digest}|{day.isoformat()}|{index}".encode()).decode()
    sig = hmac.new(secret, payload.encode(), hashlib.sha256).hexdigest()[:16]
    return f"{payload}.{sig}"


def decode_cursor(secret: bytes, digest: str, cursor: str) -> tuple[date, int]:
    """The position of a cursor this server issued for this query; BadRequest otherwise."""
    payload, _, sig = cursor.partition(".")
    expected = hmac.new(secret, payload.encode(), hashlib.sha256).hexdigest()[:16]
    if not hmac.compare_digest(sig, expected):
        raise BadRequest("Invalid page_cursor")
    owner, day, index = base64.urlsafe_b64decode(payload.encode()).decode().split("|")
    if owner != digest:
        raise BadRequest("Invalid page_cursor: it belongs to a different query")
    return date.fromisoformat(day), int(index)
