"""Warby Parker agent dashboard: contacts handled, handle time and first response per agent and day."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from xo_lens import query, widgets
from xo_lens.readers import NoDataError

# More lines than this make a legend nobody can read: the trend then shows all agents together.
MAX_AGENT_LINES = 10


def _weighted_first_response(frame: pd.DataFrame) -> float | None:
    # A day's average weighs as many contacts as it covers, so the range's average is per contact.
    known = frame[frame["AVG_FIRST_RESPONSE_SEC"].notna() & (frame["CONTACTS_HANDLED"] > 0)]
    contacts = known["CONTACTS_HANDLED"].sum()
    if not contacts:
        return None
    return float((known["AVG_FIRST_RESPONSE_SEC"] * known["CONTACTS_HANDLED"]).sum() / contacts)


def _per_agent(frame: pd.DataFrame) -> pd.DataFrame:
    totals = frame.groupby("AGENT_LABEL", as_index=False).agg(
        CONTACTS_HANDLED=("CONTACTS_HANDLED", "sum"),
        WORK_SESSIONS=("WORK_SESSIONS", "sum"),
        HANDLE_TIME_SEC=("HANDLE_TIME_SEC", "sum"),
        TEAM=("TEAM", "first"),
    )
    first_response = {label: _weighted_first_response(rows) for label, rows in frame.groupby("AGENT_LABEL")}
    totals["HANDLE_MIN_PER_CONTACT"] = (
        totals["HANDLE_TIME_SEC"] / totals["CONTACTS_HANDLED"].where(totals["CONTACTS_HANDLED"] > 0) / 60
    ).round(1)
    totals["AVG_FIRST_RESPONSE_MIN"] = [
        round(v / 60, 1) if v is not None else None for v in map(first_response.get, totals["AGENT_LABEL"])
    ]
    return totals.sort_values("CONTACTS_HANDLED", ascending=False)


def _trend(frame: pd.DataFrame) -> tuple[pd.DataFrame, str | None]:
    """Per agent and day when few agents are shown; else the day's total over all of them (one readable line)."""
    if frame["AGENT_ID"].nunique() <= MAX_AGENT_LINES:
        daily = frame.assign(
            HANDLE_MIN_PER_CONTACT=frame["HANDLE_TIME_PER_CONTACT_SEC"] / 60,
            FIRST_RESPONSE_MIN=frame["AVG_FIRST_RESPONSE_SEC"] / 60,
        )
        return daily.rename(columns={"AGENT_LABEL": "Agent"}), "Agent"
    rows = []
    for day, group in frame.groupby("ACTIVITY_DATE"):
        contacts = group["CONTACTS_HANDLED"].sum()
        response = _weighted_first_response(group)
        rows.append(
            {
                "ACTIVITY_DATE": day,
                "CONTACTS_HANDLED": contacts,
                "HANDLE_MIN_PER_CONTACT": group["HANDLE_TIME_SEC"].sum() / contacts / 60 if contacts else None,
                "FIRST_RESPONSE_MIN": response / 60 if response is not None else None,
            }
        )
    return pd.DataFrame(rows), None


def main() -> None:
    """The page."""
    st.title("Agent dashboard")
    st.caption("Warby Parker · Gladly contacts per agent and local day (GOLD.rpt_agent_dashboard)")
    reader, env = widgets.current()
    database = env.database("WBP_DB")
    with widgets.friendly_errors():
        span = widgets.date_span(reader, reader.key, database, query.AGENT_DASHBOARD, "ACTIVITY_DATE")
        if span is None:
            raise NoDataError(f"{database}.GOLD.{query.AGENT_DASHBOARD} is empty")
        roster = widgets.agents(reader, reader.key, database)
        labels = dict(zip(roster["AGENT_ID"], roster["LABEL"], strict=True))
        with st.sidebar:
            default = widgets.default_range(span)
            picked = st.date_input("Dates", value=default, min_value=span.first, max_value=span.last, key="agent_dates")
            start, end = widgets.picked_range(picked, default)
            chosen = st.multiselect(
                "Agents", options=list(labels), format_func=labels.__getitem__, placeholder="All agents"
            )
        frame = widgets.agent_daily(reader, reader.key, database, start, end, tuple(chosen))

    if frame.empty:
        st.info(f"No agent activity between {start} and {end}.")
        return
    contacts = int(frame["CONTACTS_HANDLED"].sum())
    handle = frame["HANDLE_TIME_SEC"].sum() / contacts if contacts else None
    kpis = st.columns(4)
    kpis[0].metric("Contacts handled", f"{contacts:,}")
    kpis[1].metric("Handle time per contact", widgets.minutes(handle))
    kpis[2].metric("Avg first response", widgets.minutes(_weighted_first_response(frame)))
    kpis[3].metric("Agents", f"{frame['AGENT_ID'].nunique():,}")

    daily, series = _trend(frame)
    # Dates as text: a day axis without the hourly ticks a timestamp axis would draw between days.
    daily = daily.assign(ACTIVITY_DATE=daily["ACTIVITY_DATE"].astype(str))
    # One day has no line to draw: show it as bars (the day after a first `make demo`).
    chart = st.line_chart if daily["ACTIVITY_DATE"].nunique() > 1 else st.bar_chart
    st.subheader("Contacts handled per day")
    chart(daily, x="ACTIVITY_DATE", y="CONTACTS_HANDLED", color=series, x_label="", y_label="contacts")
    left, right = st.columns(2)
    with left:
        st.subheader("Handle time per contact")
        chart(daily, x="ACTIVITY_DATE", y="HANDLE_MIN_PER_CONTACT", color=series, x_label="", y_label="min")
    with right:
        st.subheader("Avg first response")
        chart(daily, x="ACTIVITY_DATE", y="FIRST_RESPONSE_MIN", color=series, x_label="", y_label="min")

    per_agent = _per_agent(frame)
    st.subheader(f"Per agent, {start} to {end}")
    st.bar_chart(per_agent, x="AGENT_LABEL", y="CONTACTS_HANDLED", horizontal=True, x_label="contacts", y_label="")
    st.dataframe(
        per_agent[
            [
                "AGENT_LABEL",
                "TEAM",
                "CONTACTS_HANDLED",
                "WORK_SESSIONS",
                "HANDLE_MIN_PER_CONTACT",
                "AVG_FIRST_RESPONSE_MIN",
            ]
        ],
        hide_index=True,
        width="stretch",
        column_config={
            "AGENT_LABEL": "Agent",
            "TEAM": "Team",
            "CONTACTS_HANDLED": st.column_config.NumberColumn("Contacts handled", format="%d"),
            "WORK_SESSIONS": st.column_config.NumberColumn("Work sessions", format="%d"),
            "HANDLE_MIN_PER_CONTACT": st.column_config.NumberColumn("Handle min / contact", format="%.1f"),
            "AVG_FIRST_RESPONSE_MIN": st.column_config.NumberColumn("Avg first response (min)", format="%.1f"),
        },
    )
    with st.expander("Daily rows"):
        st.dataframe(frame.drop(columns=["AGENT_LABEL"]), hide_index=True, width="stretch")


main()
