"""The clients the platform serves, and the warehouse database of each client in each environment.

Production writes to the client's database (``WBP_DB``); development and local runs write to its ``_DEV``
twin (``WBP_DB_DEV``). This module is the one place that knows the names.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

from xo_core.errors import ConfigError

Environment = Literal["local", "dev", "prod"]
ENVIRONMENTS: tuple[Environment, ...] = ("local", "dev", "prod")
DEV_SUFFIX = "_DEV"


@dataclass(frozen=True)
class Client:
    """A client (or the shared ``core``): its config ``domain``, short code and production database."""

    domain: str
    code: str
    database: str
    display_name: str


CLIENTS: dict[str, Client] = {
    "warbyparker": Client("warbyparker", "WBP", "WBP_DB", "Warby Parker"),
    "condenast": Client("condenast", "CND", "CND_DB", "Conde Nast"),
    "core": Client("core", "CORE", "CORE_DB", "Core / shared"),
}


def client_for(domain: str) -> Client:
    """The client of ``domain``; an unknown domain is a ``ConfigError`` naming the closest one."""
    try:
        return CLIENTS[domain]
    except KeyError:
        close = difflib.get_close_matches(domain, sorted(CLIENTS), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else f" (known: {', '.join(sorted(CLIENTS))})"
        raise ConfigError(f"unknown domain {domain!r}{hint}", field="dag.domain") from None


def database_for(domain: str, env: str) -> str:
    """The database ``domain`` writes to in ``env``: ``WBP_DB`` in prod, ``WBP_DB_DEV`` in dev and local."""
    client = client_for(domain)
    if env not in ENVIRONMENTS:
        raise ConfigError(f"unknown environment {env!r} (one of {', '.join(ENVIRONMENTS)})")
    return client.database if env == "prod" else client.database + DEV_SUFFIX


def allowed_databases(domain: str) -> tuple[str, str]:
    """The databases a config of ``domain`` may name: production's and development's."""
    client = client_for(domain)
    return (client.database, client.database + DEV_SUFFIX)
