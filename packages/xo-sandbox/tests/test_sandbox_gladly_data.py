"""The synthetic data generator: a pure function of (org, day, scale), realistic volumes and shapes."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from xo_sandbox.gladly import truth
from xo_sandbox.gladly.data import MAX_SPAN_MS, conversation_count, conversations_for_day
from xo_sandbox.gladly.orgs import get_org

WEEKDAY, SATURDAY = date(2025, 1, 14), date(2025, 1, 18)


def test_a_day_is_the_same_whenever_and_however_it_is_generated() -> None:
    first = list(conversations_for_day("condenast", WEEKDAY))
    list(conversations_for_day("condenast", WEEKDAY + timedelta(days=1)))  # generating another day changes nothing
    again = list(conversations_for_day("condenast", WEEKDAY))
    assert first == again
    skipped = list(conversations_for_day("condenast", WEEKDAY, since_ms=first[100].created_ms))
    assert skipped == first[100:]
    assert first != list(conversations_for_day("warbyparker", WEEKDAY))


def test_volumes_follow_the_org_profiles_and_scale() -> None:
    wbp_weekday = sum(len(c.contacts) for c in conversations_for_day("warbyparker", WEEKDAY))
    wbp_saturday = sum(len(c.contacts) for c in conversations_for_day("warbyparker", SATURDAY))
    assert 1_500 <= wbp_weekday <= 3_000
    assert wbp_saturday < wbp_weekday
    assert all(300 <= conversation_count("condenast", WEEKDAY + timedelta(d)) <= 600 for d in range(7))
    assert conversation_count("condenast", WEEKDAY, volume_scale=10) > 9 * conversation_count("condenast", WEEKDAY)


def test_conversations_stay_within_the_lookback_and_events_are_ordered() -> None:
    for conv in conversations_for_day("warbyparker", WEEKDAY):
        events = [e for c in conv.contacts for e in c.events]
        assert events[0].at_ms == conv.created_ms
        assert all(a.at_ms < b.at_ms for a, b in itertools.pairwise(events))
        assert events[-1].at_ms - conv.created_ms < MAX_SPAN_MS


def test_agents_and_inboxes_of_each_org() -> None:
    wbp, cnd = get_org("warbyparker"), get_org("condenast")
    assert len(wbp.agents) == 40 and len(cnd.agents) == 15
    assert [i.name for i in wbp.inboxes] == ["Orders", "Returns", "Eyewear Help", "Retail"]
    assert len({a.email for a in wbp.agents}) == 40
    served = {
        s.agent.id for conv in conversations_for_day("condenast", WEEKDAY) for c in conv.contacts for s in c.sessions
    }
    assert served <= {a.id for a in cnd.agents} and len(served) > 10


def test_truth_started_and_fulfilled_anchors_agree_over_a_quiet_boundary() -> None:
    # Over a whole week the two anchors differ only by contacts that straddle the week's edges.
    start, end = WEEKDAY, WEEKDAY + timedelta(days=6)
    started = truth.contacts_per_agent_per_day("condenast", start, end, "America/New_York", volume_scale=0.2)
    fulfilled = truth.contacts_per_agent_per_day(
        "condenast", start, end, "America/New_York", volume_scale=0.2, anchor="fulfilled"
    )
    assert abs(sum(started.values()) - sum(fulfilled.values())) <= 5
    assert {agent for agent, _ in started} == {agent for agent, _ in fulfilled}
