"""Deterministic Warby Parker social messages: customers writing in and agents replying, on three networks.

The unit of generation is (UTC day, volume_scale): ``day_times`` gives the day's sorted creation times (epoch
seconds), and ``message(day, index)`` builds the message at that position from its own hashlib seed, so a
page can start anywhere in a day without generating what comes before it. Inbound messages come from
customers; outbound ones are replies ``internal.sent_by`` an agent of the social team.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from itertools import accumulate

from xo_sandbox.gladly.orgs import stable_seed
from xo_sandbox.sprout.customer import CUSTOMER_ID, PROFILE_WEIGHTS, PROFILES, TAGS, Profile, User, users

DAILY_MESSAGES = (220, 380)
"""Messages on a weekday at volume_scale 1 (weekends get ``WEEKEND_FACTOR`` of that)."""
WEEKEND_FACTOR = 0.7
OUTBOUND_SHARE = 0.45
# Share of messages per UTC hour: US Eastern waking hours, rotated to UTC.
_LOCAL_CURVE = (1, 1, 1, 1, 1, 1, 2, 4, 7, 9, 10, 10, 10, 10, 10, 10, 9, 9, 9, 9, 8, 6, 4, 2)
_UTC_CUM = tuple(accumulate(_LOCAL_CURVE[(h - 5) % 24] for h in range(24)))

_INBOUND = (
    "Hi! Where is my order #{n}? It said it shipped on {day}.",
    "Love my new frames 😍 thank you @warbyparker!",
    'Can I swap the "Durand" frames for a wider fit, or do I need to return them?',
    "My prescription changed, can you update the lenses on order {n}?",
    "Home Try-On box arrived, but one pair is missing its case.\nWhat should I do?",
    "¿Tienen tiendas en Madrid? Quiero probarme las gafas.",
    "Still waiting on my refund for order {n}, it's been two weeks...",
)
_OUTBOUND = (
    "Hi {who}! Thanks for reaching out, could you DM us your order number?",
    "So glad you love them, {who}! 💙",
    "Happy to help with an exchange, {who}: we've sent you a return label by email.",
    "Thanks {who}, we've updated the lenses on order {n}; a confirmation is on its way.",
    "Sorry about that, {who}! A new case is on its way, no need to send anything back.",
)
_POST_TYPES = {
    "TWITTER": (("TWEET", "POST"), ("TWITTER_DIRECT_MESSAGE", "DIRECT_MESSAGE")),
    "INSTAGRAM": (("INSTAGRAM_MEDIA", "COMMENT"), ("INSTAGRAM_DIRECT_MESSAGE", "DIRECT_MESSAGE")),
    "FACEBOOK": (("FACEBOOK_POST", "POST"), ("FACEBOOK_POST", "COMMENT")),
}
_FIRST = ("Jess", "Marco", "Aiko", "Sam", "Priya", "Dev", "Lena", "Omar", "Chloé", "Noor", "Tom", "Zoë")
_HANDLE = ("lovesfr4mes", "nyc_reader", "spectacle.fan", "bookish_jo", "the_real_sam", "eyes_on_you")


@dataclass(frozen=True, slots=True)
class Message:
    """One message, with every field the simulator can serve (``to_json`` gives the full nested form)."""

    guid: str
    created_s: int
    profile: Profile
    post_type: str
    post_category: str
    outbound: bool
    text: str
    from_guid: str
    from_name: str
    from_screen_name: str
    tag_ids: tuple[int, ...]
    sent_by: User | None
    language_code: str

    @property
    def created_time(self) -> str:
        return datetime.fromtimestamp(self.created_s, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def to_json(self) -> dict[str, object]:
        """Every field, nested as Sprout nests them; ``internal.sent_by`` only on an agent's reply."""
        internal: dict[str, object] = {"tags": [{"id": t} for t in self.tag_ids]}
        if self.sent_by is not None:
            u = self.sent_by
            internal["sent_by"] = {"id": u.id, "email": u.email, "first_name": u.first_name, "last_name": u.last_name}
        native = self.guid.partition(":")[2]
        return {
            "guid": self.guid,
            "created_time": self.created_time,
            "customer_profile_id": self.profile.customer_profile_id,
            "profile_guid": self.profile.guid,
            "network": self.profile.network,
            "post_type": self.post_type,
            "post_category": self.post_category,
            "content_category": "SENT_MESSAGE" if self.outbound else "INBOUND_MESSAGE",
            "text": self.text,
            "perma_link": f"https://{self.profile.network_type}.example/{self.from_screen_name}/{native}",
            "inbox_permalink": f"https://app.sproutsocial.com/inbox/?customer={CUSTOMER_ID}&message={self.guid}",
            "language_code": self.language_code,
            "from": {
                "guid": self.from_guid,
                "name": self.from_name,
                "screen_name": self.from_screen_name,
                "profile_picture": f"https://img.example/{self.from_guid.replace(':', '_')}.jpg",
            },
            "internal": internal,
        }


def day_start_s(day: date) -> int:
    """Epoch seconds of ``day`` 00:00 UTC."""
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def utc_day(epoch_s: int) -> date:
    """The UTC day of an epoch second."""
    return date(1970, 1, 1) + timedelta(seconds=epoch_s - epoch_s % 86_400)


@lru_cache(maxsize=4096)
def day_times(day: date, volume_scale: float = 1.0) -> tuple[int, ...]:
    """Creation times (epoch seconds, sorted) of the messages of UTC ``day``; index i is message i."""
    rng = random.Random(stable_seed("sprout", CUSTOMER_ID, day.isoformat(), repr(float(volume_scale))))
    base = rng.randint(*DAILY_MESSAGES) * (WEEKEND_FACTOR if day.weekday() >= 5 else 1.0)
    count = max(0, round(base * volume_scale))
    start = day_start_s(day)
    hours = rng.choices(range(24), cum_weights=_UTC_CUM, k=count)
    return tuple(sorted(start + h * 3600 + rng.randrange(3600) for h in hours))


def message(day: date, index: int, volume_scale: float = 1.0) -> Message:
    """Message ``index`` of UTC ``day`` (0 ≤ index < len(day_times(day)))."""
    created = day_times(day, volume_scale)[index]
    rng = random.Random(stable_seed("sprout-message", day.isoformat(), repr(float(volume_scale)), index))
    profile = rng.choices(PROFILES, weights=PROFILE_WEIGHTS)[0]
    post_type, category = rng.choice(_POST_TYPES[profile.network])
    outbound = rng.random() < OUTBOUND_SHARE
    customer = rng.randrange(5000)
    who = f"{_FIRST[customer % len(_FIRST)]}"
    handle = f"{_HANDLE[customer % len(_HANDLE)]}{customer}"
    n = rng.randint(10_000_000, 99_999_999)
    if outbound:
        text = rng.choice(_OUTBOUND).format(who=who, n=n)
        from_guid, from_name, screen = profile.guid, "Warby Parker", profile.native_name
        sent_by: User | None = rng.choice(users())
    else:
        text = rng.choice(_INBOUND).format(n=n, day=day.isoformat())
        from_guid, from_name, screen = f"{profile.network_type[:2]}:{900_000 + customer}", who, handle
        sent_by = None
    tags = tuple(sorted(rng.sample([t for t, _, _ in TAGS], rng.choice((0, 1, 1, 2)))))
    native = stable_seed("sprout-guid", day.isoformat(), repr(float(volume_scale)), index) % 10**18
    return Message(
        guid=f"{profile.network_type[:2]}:{native}",
        created_s=created,
        profile=profile,
        post_type=post_type,
        post_category=category,
        outbound=outbound,
        text=text,
        from_guid=from_guid,
        from_name=from_name,
        from_screen_name=screen,
        tag_ids=tags,
        sent_by=sent_by,
        language_code="es" if text.startswith("¿") else "en",
    )
