"""The clients the platform serves and their databases (``WBP_DB``); ``xo_core.environment`` maps a database
to its twin of each environment (``WBP_DB_DEV`` in development and local runs).
"""

from __future__ import annotations

from dataclasses import dataclass

from xo_core.environment import database_in
from xo_core.errors import ConfigError
from xo_core.suggest import did_you_mean


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
        hint = did_you_mean(domain, CLIENTS, list_when_none=True)
        raise ConfigError(f"unknown domain {domain!r}{hint}", field="dag.domain") from None


def database_for(domain: str, env: str) -> str:
    """The database ``domain`` writes to in ``env``: ``WBP_DB`` in prod, ``WBP_DB_DEV`` in dev and local."""
    return database_in(env, client_for(domain).database)


def allowed_databases(domain: str) -> tuple[str, str]:
    """The databases a config of ``domain`` may name: production's and development's."""
    database = client_for(domain).database
    return (database_in("prod", database), database_in("dev", database))
