"""What every page shares: the environment's reader, cached queries, friendly errors, number formats.

Text that came from the warehouse (ledger errors quoting source rows, run ids, exception messages) is shown
with ``st.code`` or escaped with ``literal`` before it reaches a markdown element: Streamlit renders markdown,
links and its own ``:color[...]`` directives in ``st.error``, ``st.warning`` and the like.

Query results are cached for ``CACHE_SECONDS`` keyed by the reader's ``key``, so moving a filter back and
forth does not open a new Snowflake session each time, and a pipeline's new rows show within a minute.
"""

from __future__ import annotations

import re
from collections.abc import Generator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

import pandas as pd
import streamlit as st

from xo_core.environment import Environment, environment
from xo_core.errors import CredentialError, TransientError
from xo_lens import query
from xo_lens.readers import NoDataError, Reader, reader_for

CACHE_SECONDS = 60
# CommonMark: a backslash before any ASCII punctuation makes it literal (spec, "Backslash escapes").
_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def literal(text: object) -> str:
    """``text`` escaped so a markdown element shows it as typed, on one line."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", " ".join(str(text).split()))


def untrusted(text: object) -> None:
    """Show text the dashboards did not write (an error a source caused) as it is, never as markdown."""
    st.code(str(text), language=None, wrap_lines=True)


def current() -> tuple[Reader, Environment]:
    """The reader and environment this process was started in (``XO_ENV``, ``XO_HOME``)."""
    env = environment()
    return reader_for(env), env


@contextmanager
def friendly_errors() -> Generator[None]:
    """Turn the expected failures into a message and stop the page, instead of a traceback."""
    try:
        yield
    except NoDataError as exc:
        st.info(query.RUN_DEMO_HINT, icon=":material/database:")
        st.caption(literal(exc))
        st.stop()
    except TransientError as exc:
        st.warning("The warehouse is busy (a pipeline is writing to it). Reload in a moment.")
        untrusted(exc)
        st.stop()
    except CredentialError as exc:
        st.error("Cannot connect to the warehouse:")
        untrusted(exc)
        st.stop()


def minutes(seconds: float | None) -> str:
    """``1234.5`` seconds as ``20.6 min``; ``n/a`` when unknown."""
    return "n/a" if seconds is None or pd.isna(seconds) else f"{seconds / 60:,.1f} min"


def default_range(span: query.DateSpan, days: int = 30) -> tuple[date, date]:
    """The last ``days`` days of the data (not of the calendar: a demo's data may be old)."""
    return max(span.first, span.last - timedelta(days=days - 1)), span.last


def picked_range(value: object, fallback: tuple[date, date]) -> tuple[date, date]:
    """``st.date_input``'s range value; while the user has picked only the start, that one day."""
    if isinstance(value, tuple | list) and len(value) == 2:
        return value[0], value[1]
    if isinstance(value, tuple | list) and len(value) == 1:
        return value[0], value[0]
    if isinstance(value, date):
        return value, value
    return fallback


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def date_span(_reader: Reader, reader_key: str, database: str, table: str, column: str) -> query.DateSpan | None:
    """Cached ``query.date_span``."""
    return query.date_span(_reader, database, table, column)


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def agents(_reader: Reader, reader_key: str, database: str) -> pd.DataFrame:
    """Cached ``query.agents``."""
    return query.agents(_reader, database)


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def agent_daily(
    _reader: Reader, reader_key: str, database: str, start: date, end: date, agent_ids: tuple[str, ...]
) -> pd.DataFrame:
    """Cached ``query.agent_daily``."""
    return query.agent_daily(_reader, database, start, end, agent_ids)


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def email_daily(_reader: Reader, reader_key: str, database: str, start: date, end: date) -> pd.DataFrame:
    """Cached ``query.email_daily``."""
    return query.email_daily(_reader, database, start, end)


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def last_loads(
    _reader: Reader, reader_key: str, databases: tuple[str, ...], now: datetime, stale_hours: float
) -> pd.DataFrame:
    """Cached ``query.last_loads``."""
    return query.last_loads(_reader, databases, now=now, stale_after=timedelta(hours=stale_hours))


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def column_drift(_reader: Reader, reader_key: str, databases: tuple[str, ...], since: datetime) -> pd.DataFrame:
    """Cached ``query.column_drift``."""
    return query.column_drift(_reader, databases, since=since)
