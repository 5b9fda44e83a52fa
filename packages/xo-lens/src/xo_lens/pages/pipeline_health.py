"""Pipeline health: the last load of every table in every client database's ledger; stale, failed and abandoned
(STARTED past the ledger's timeout: the load's process was killed) flagged; headers that drifted from their
source's column contract in the last week listed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import streamlit as st

from xo_lens import query, widgets

SHOWN = ["STATE", "DATABASE", "TABLE_NAME", "STATUS", "ROWS_LOADED", "EXPECTED_ROWS", "AGE_HOURS"]
SHOWN += ["FINISHED_AT", "LAST_SUCCESS_AT", "ERROR", "RUN_ID"]
DRIFT_DAYS = 7


def _state(row: pd.Series) -> str:
    if row["STATUS"] == "FAILED":
        return "failed"
    if row["STATUS"] == "STARTED":
        return "loading"
    if row["STATUS"] == "ABANDONED":
        return "abandoned"
    return "stale" if row["STALE"] else "ok"


def main() -> None:
    """The page."""
    st.title("Pipeline health")
    st.caption("The last load of every table, from each database's XO_META.LOAD_LEDGER")
    reader, env = widgets.current()
    databases = tuple(query.client_databases(env))
    with st.sidebar:
        stale_hours = st.number_input(
            "Stale after (hours)",
            min_value=1.0,
            value=query.DEFAULT_STALE_AFTER.total_seconds() / 3600,
            step=6.0,
            help="A table whose last successful load is older than this is flagged (daily tables: 36 h).",
        )
    # Rounded to the minute so that the cached ledger read is reused within a minute.
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    with widgets.friendly_errors():
        loads = widgets.last_loads(reader, reader.key, databases, now, float(stale_hours))
        drift = widgets.column_drift(reader, reader.key, databases, now - timedelta(days=DRIFT_DAYS))

    loads = loads.assign(STATE=loads.apply(_state, axis=1) if not loads.empty else [])
    failed = loads[loads["STATE"].isin(["failed", "abandoned"])]
    stale = loads[loads["STALE"].astype(bool)]
    kpis = st.columns(5)
    kpis[0].metric("Tables", len(loads))
    kpis[1].metric("Failed", len(failed))
    kpis[2].metric("Stale", len(stale))
    kpis[3].metric("Rows in last loads", f"{int(loads['ROWS_LOADED'].fillna(0).sum()):,}")
    kpis[4].metric(f"Drifted headers ({DRIFT_DAYS} d)", len(drift))

    if failed.empty and stale.empty:
        st.success(f"Every table loaded within {stale_hours:g} h and its last load succeeded.")
    # Ledger rows are data: an error can quote a source's row, so nothing of a row is rendered as markdown.
    for row in failed.itertuples():
        table = widgets.literal(f"{row.DATABASE}.{row.TABLE_NAME}")
        if row.STATE == "abandoned":
            st.error(
                f"**{table}** was abandoned (run {widgets.literal(row.RUN_ID)}): its load started at"
                f" {row.STARTED_AT} and never finished; the table keeps its previous rows,"
                " rerun the load"
            )
            continue
        st.error(f"**{table}** failed (run {widgets.literal(row.RUN_ID)}):")
        widgets.untrusted(row.ERROR)
    for row in stale.itertuples():
        age = "never loaded successfully" if pd.isna(row.AGE_HOURS) else f"last success {row.AGE_HOURS:g} h ago"
        st.warning(f"**{widgets.literal(f'{row.DATABASE}.{row.TABLE_NAME}')}** is stale: {age}")

    st.dataframe(
        loads[SHOWN],
        hide_index=True,
        width="stretch",
        column_config={
            "STATE": "State",
            "AGE_HOURS": st.column_config.NumberColumn("Age (h)", format="%.1f"),
            "ROWS_LOADED": st.column_config.NumberColumn("Rows", format="%d"),
            "EXPECTED_ROWS": st.column_config.NumberColumn("Expected", format="%d"),
        },
    )

    st.subheader("Column drift")
    if drift.empty:
        st.caption(f"No file's header differed from its source's column contract in the last {DRIFT_DAYS} days.")
    else:
        st.caption(
            "Headers that differed from their source's contract (declared, or the last good load's). on_drift "
            "fail stopped the stage before BRONZE was touched; evolve and warn loaded the file."
        )
        st.dataframe(drift, hide_index=True, width="stretch", column_config={"ON_DRIFT": "on_drift"})


main()
