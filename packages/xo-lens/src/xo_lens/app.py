"""The Streamlit entry of xo-lens: ``streamlit run packages/xo-lens/src/xo_lens/app.py`` (``make dashboard``)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

PAGES = Path(__file__).parent / "pages"


def main() -> None:
    """Lay out the navigation and run the chosen page."""
    st.set_page_config(page_title="XO-Data lens", page_icon=":material/insights:", layout="wide")
    navigation = st.navigation(
        {
            "Warby Parker": [
                st.Page(
                    PAGES / "agent_dashboard.py", title="Agent dashboard", icon=":material/support_agent:", default=True
                )
            ],
            "Conde Nast": [st.Page(PAGES / "email_daily.py", title="E-mail daily", icon=":material/mail:")],
            "Platform": [
                st.Page(PAGES / "pipeline_health.py", title="Pipeline health", icon=":material/monitor_heart:")
            ],
        }
    )
    navigation.run()


main()
