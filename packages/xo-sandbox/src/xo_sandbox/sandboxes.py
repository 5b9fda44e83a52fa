"""Every simulator at once, and the Airflow connections that point the pipelines at them.

The pipelines find their sources through connections (``AIRFLOW_CONN_<ID>``), exactly as in production; the
sandbox only decides where those connections point. ``connection_env()`` is what a demo, a test or an engineer's
shell sets (``xo-sandbox serve --all`` prints the ``export`` lines).
"""

from __future__ import annotations

import json
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from xo_core.extractors.registry import source_for
from xo_sandbox.bamboohr import COMPANY as BAMBOOHR_COMPANY
from xo_sandbox.bamboohr import DEFAULT_API_KEY as BAMBOOHR_KEY
from xo_sandbox.bamboohr import BambooHRSandbox
from xo_sandbox.gladly import DEFAULT_CREDENTIALS as GLADLY_CREDENTIALS
from xo_sandbox.gladly import GladlySandbox, RateLimits
from xo_sandbox.google.gmail import DEFAULT_TOKENS as GMAIL_TOKENS
from xo_sandbox.google.gmail import GmailSandbox
from xo_sandbox.google.sheets import DEFAULT_TOKENS as SHEETS_TOKENS
from xo_sandbox.google.sheets import SheetsSandbox
from xo_sandbox.http import SandboxServer
from xo_sandbox.sprout import DEFAULT_TOKEN as SPROUT_TOKEN
from xo_sandbox.sprout import SproutLimits, SproutSandbox


def _conn(conn_type: str, host: str, login: str = "", password: str = "", **extra: Any) -> str:
    # "simulator": a connection to this machine, so the dev path (XO_ENV=dev on moto) may reach it over http.
    body: dict[str, Any] = {"conn_type": conn_type, "host": host, "login": login, "password": password}
    body["extra"] = {"simulator": True, **extra}
    return json.dumps(body, sort_keys=True)


def _conn_type(source_type: str) -> str:
    """The connection type the registered source declares (the simulators are reached like the vendors)."""
    shape = source_for(source_type).connection
    if shape is None:
        raise ValueError(f"source {source_type!r} declares no connection")
    return shape.conn_type


@dataclass
class Sandboxes:
    """The running simulators by vendor name."""

    gladly: GladlySandbox
    bamboohr: BambooHRSandbox
    gmail: GmailSandbox
    sheets: SheetsSandbox
    sprout: SproutSandbox
    tokens: dict[str, str] = field(default_factory=dict)
    """The secret each simulator accepts, by vendor (``SANDBOX_TOKENS`` unless the caller planted others)."""
    _stack: ExitStack = field(default_factory=ExitStack)

    @property
    def servers(self) -> dict[str, SandboxServer]:
        return {
            "gladly": self.gladly,
            "sprout": self.sprout,
            "gmail": self.gmail,
            "sheets": self.sheets,
            "bamboohr": self.bamboohr,
        }

    def connection_env(self) -> dict[str, str]:
        """``AIRFLOW_CONN_*`` variables for every connection the example pipelines use, and for the default
        connection of every source type (what a config that names no ``connection_id`` gets)."""
        env: dict[str, str] = {}
        for org in ("warbyparker", "condenast"):
            user, token = self.gladly.credentials.get(org, GLADLY_CREDENTIALS[org])
            env[f"AIRFLOW_CONN_GLADLY_{org.upper()}"] = _conn("http", self.gladly.url, user, token)
        # gladly_default belongs to no client (connection_rules): in the sandbox it reaches the organization
        # of GLADLY_DEFAULT_ORG, so the seed's example and a fresh `xo new pipeline` run as written.
        user, token = self.gladly.credentials.get(GLADLY_DEFAULT_ORG, GLADLY_CREDENTIALS[GLADLY_DEFAULT_ORG])
        env["AIRFLOW_CONN_GLADLY_DEFAULT"] = _conn("http", self.gladly.url, user, token)
        env["AIRFLOW_CONN_BAMBOOHR_DEFAULT"] = _conn("http", self.bamboohr.url, password=self.tokens["bamboohr"])
        env["AIRFLOW_CONN_GMAIL_DEFAULT"] = _conn(
            _conn_type("gmail_attachment"), self.gmail.url, password=self.tokens["gmail"]
        )
        env["AIRFLOW_CONN_GOOGLE_SHEETS_DEFAULT"] = _conn(
            _conn_type("google_sheets"), self.sheets.url, password=self.tokens["sheets"]
        )
        env["AIRFLOW_CONN_SPROUT_DEFAULT"] = _conn("http", self.sprout.url, password=self.tokens["sprout"])
        return env

    def urls(self) -> dict[str, str]:
        return {name: server.url for name, server in self.servers.items()}

    def __enter__(self) -> Sandboxes:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self._stack.close()


GLADLY_DEFAULT_ORG = "warbyparker"
"""The simulated Gladly organization that the connection ``gladly_default`` reaches."""

SANDBOX_TOKENS: dict[str, str] = {
    "bamboohr": BAMBOOHR_KEY,
    "gmail": GMAIL_TOKENS[0],
    "sheets": SHEETS_TOKENS[0],
    "sprout": SPROUT_TOKEN,
}
"""The sandbox-only secret of each simulator but Gladly's (whose credentials are per org), safe to print."""


def start_all(
    *,
    volume_scale: float = 1.0,
    gladly_credentials: dict[str, tuple[str, str]] | None = None,
    tokens: dict[str, str] | None = None,
    relaxed_limits: bool = False,
) -> Sandboxes:
    """Start every simulator on a free port of 127.0.0.1; stop them with ``stop()`` or a ``with`` block.

    The vendors' real rate limits apply unless ``relaxed_limits`` (for test suites that make many requests
    a minute; the limits themselves are tested against each simulator). ``tokens`` replaces the secrets of
    ``SANDBOX_TOKENS`` (a test plants its own to look for them afterwards).
    """
    secrets = {**SANDBOX_TOKENS, **(tokens or {})}
    gladly_limits = RateLimits(reports_per_minute=10_000, reports_in_flight=8) if relaxed_limits else None
    with ExitStack() as stack:
        gladly = stack.enter_context(
            GladlySandbox(volume_scale=volume_scale, credentials=gladly_credentials, limits=gladly_limits)
        )
        bamboohr = stack.enter_context(BambooHRSandbox(api_keys={BAMBOOHR_COMPANY: secrets["bamboohr"]}))
        # The mailbox holds a report a day up to today, so a demo "for a recent date" finds one.
        today = date.today()
        gmail = stack.enter_context(
            GmailSandbox(first_day=today - timedelta(days=120), last_day=today, tokens=[secrets["gmail"]])
        )
        sheets = stack.enter_context(SheetsSandbox(tokens=[secrets["sheets"]]))
        sprout_limits = SproutLimits(requests_per_minute=100_000) if relaxed_limits else None
        sprout = stack.enter_context(
            SproutSandbox(volume_scale=volume_scale, limits=sprout_limits, token=secrets["sprout"])
        )
        return Sandboxes(
            gladly=gladly,
            bamboohr=bamboohr,
            gmail=gmail,
            sheets=sheets,
            sprout=sprout,
            tokens=secrets,
            _stack=stack.pop_all(),
        )
