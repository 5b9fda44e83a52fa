"""Conde Nast daily e-mail report: conversations that started on e-mail, per local day.

rpt_email_daily grows columns over time, so the page reads every column, charts the numeric ones the
reader picks (the known counts by default) and shows the rest in the table without naming them.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from xo_lens import query, widgets
from xo_lens.readers import NoDataError

# Shown first when present; any other numeric column is offered in the chart picker too.
COUNT_COLUMNS = ["EMAIL_CONVERSATIONS", "EMAIL_CONVERSATIONS_CLOSED", "EMAIL_FCR_SUCCESS"]
TIME_COLUMNS = ["EMAIL_AVG_HANDLE_TIME_SEC", "EMAIL_AVG_TIME_TO_FIRST_CLOSE_SEC"]


def _ratio(frame: pd.DataFrame, part: str, whole: str) -> str:
    if part not in frame or whole not in frame or not frame[whole].sum():
        return "n/a"
    return f"{frame[part].sum() / frame[whole].sum():.0%}"


def _total(frame: pd.DataFrame, column: str) -> str:
    return f"{int(frame[column].sum()):,}" if column in frame else "n/a"


def main() -> None:
    """The page."""
    st.title("E-mail daily report")
    st.caption("Conde Nast · conversations by local creation date (GOLD.rpt_email_daily)")
    reader, env = widgets.current()
    database = env.database("CND_DB")
    with widgets.friendly_errors():
        span = widgets.date_span(reader, reader.key, database, query.EMAIL_DAILY, "REPORT_DATE")
        if span is None:
            raise NoDataError(f"{database}.GOLD.{query.EMAIL_DAILY} is empty")
        with st.sidebar:
            default = widgets.default_range(span)
            picked = st.date_input("Dates", value=default, min_value=span.first, max_value=span.last, key="email_dates")
            start, end = widgets.picked_range(picked, default)
        frame = widgets.email_daily(reader, reader.key, database, start, end)

    if frame.empty:
        st.info(f"No conversations between {start} and {end}.")
        return
    kpis = st.columns(4)
    kpis[0].metric("E-mail conversations", _total(frame, "EMAIL_CONVERSATIONS"))
    kpis[1].metric("Closed", _ratio(frame, "EMAIL_CONVERSATIONS_CLOSED", "EMAIL_CONVERSATIONS"))
    kpis[2].metric("First-contact resolution", _ratio(frame, "EMAIL_FCR_SUCCESS", "EMAIL_FCR_ELIGIBLE"))
    kpis[3].metric("All conversations", _total(frame, "CONVERSATIONS"))

    # Dates as text: one bar group per day, not thin bars on a timestamp axis.
    charted = frame.assign(REPORT_DATE=frame["REPORT_DATE"].astype(str))
    numeric = [c for c in frame.columns if c != "REPORT_DATE" and pd.api.types.is_numeric_dtype(frame[c])]
    counts = [c for c in numeric if not c.endswith("_SEC")]
    shown = st.multiselect(
        "Counts to chart", options=counts, default=[c for c in COUNT_COLUMNS if c in counts] or counts[:3]
    )
    if shown:
        long = charted.melt(id_vars="REPORT_DATE", value_vars=shown, var_name="MEASURE", value_name="COUNT")
        st.bar_chart(
            long, x="REPORT_DATE", y="COUNT", color="MEASURE", stack=False, x_label="", y_label="conversations"
        )
    times = [c for c in numeric if c.endswith("_SEC")]
    if times:
        st.subheader("Times")
        minutes = charted[["REPORT_DATE", *times]].copy()
        minutes[times] = minutes[times] / 60
        long = minutes.melt(id_vars="REPORT_DATE", value_vars=times, var_name="MEASURE", value_name="MINUTES")
        st.line_chart(long, x="REPORT_DATE", y="MINUTES", color="MEASURE", x_label="", y_label="min")
    st.dataframe(frame, hide_index=True, width="stretch")


main()
