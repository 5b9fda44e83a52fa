"""What a connection must be before a source may use it, checked before any request is sent.

A pipeline config arrives in a pull request and names a ``connection_id``; it must not be able to send one
client's credentials, or any other stored credential, to a host of its choosing. So, before a source opens a
socket (``SourceRegistration.extract``), and at ``validate`` where the config alone tells:

- **type**: the connection's ``conn_type`` is one the source accepts (a Snowflake or AWS connection never
  reaches a vendor's API);
- **domain**: a connection named for a client (``gladly_warbyparker``: the suffix is a domain of
  ``xo_core.clients``) serves only that client's pipelines; any connection may also list its domains in its
  extra (``{"domains": ["warbyparker"]}``), and then serves only those;
- **host**: the vendor's hosts only, over https (each source's allowlist); plain http only to this machine
  (127.0.0.1, localhost, ::1), in the ``local`` environment or through a connection whose extra says
  ``{"simulator": true}`` (what only a connection admin writes): that is how the simulators are reached. A
  config never names a host.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from xo_core.clients import CLIENTS
from xo_core.credentials import Connection
from xo_core.errors import CredentialError

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
DOMAINS_EXTRA = "domains"
"""The connection extra that lists the domains a connection serves."""
SIMULATOR_EXTRA = "simulator"
"""The connection extra that marks a connection to a simulator on this machine (tests of the dev path)."""


def connection_domain(conn_id: str) -> str | None:
    """The client domain a connection id is named for (``gladly_condenast`` → ``condenast``), or None."""
    return next((domain for domain in CLIENTS if conn_id.endswith(f"_{domain}")), None)


def domain_problem(conn_id: str, domain: str) -> str | None:
    """Why a pipeline of ``domain`` may not use the connection named ``conn_id`` (by its name), or None."""
    owner = connection_domain(conn_id)
    if owner is not None and owner != domain:
        return f"connection {conn_id!r} belongs to domain {owner!r}; a {domain!r} pipeline may not use it"
    return None


def host_problem(url: str, allowed: Iterable[str], *, loopback: bool) -> str | None:
    """Why ``url`` (a bare host or a URL) is not a host the source may be sent to, or None.

    ``allowed`` are host names; a subdomain of one is allowed too (``acme.gladly.com`` under ``gladly.com``).
    ``loopback`` lets plain http reach this machine (the simulators of the local environment).
    """
    parts = urlsplit(url if "://" in url else f"https://{url}")
    host = (parts.hostname or "").lower()
    if loopback and host in LOOPBACK_HOSTS and parts.scheme in ("http", "https"):
        return None
    names = sorted(allowed)
    if not any(host == name or host.endswith(f".{name}") for name in names):
        return f"host {host or '(none)'!r} is not one of the vendor's hosts ({', '.join(names)})"
    if parts.scheme != "https":
        return f"the vendor's hosts are reached over https only, not {parts.scheme}"
    return None


def check_connection(
    connection: Connection,
    *,
    source_type: str,
    conn_types: Iterable[str],
    hosts: Iterable[str],
    domain: str | None,
    local: bool,
) -> None:
    """Refuse (CredentialError naming the connection and the rule, never its secrets) a connection the source
    may not use; see the module docstring for the rules."""
    where = f"connection {connection.conn_id!r} for source type {source_type}"
    accepted = sorted(conn_types)
    if connection.conn_type not in accepted:
        raise CredentialError(
            f"{where}: its type is {connection.conn_type or '(none)'!r}, the source accepts {', '.join(accepted)}"
        )
    if domain is not None:
        problem = domain_problem(connection.conn_id, domain)
        listed = connection.extra.get(DOMAINS_EXTRA)
        if problem is None and listed is not None and domain not in (listed if isinstance(listed, list) else []):
            problem = f"its extra {DOMAINS_EXTRA!r} does not list domain {domain!r}"
        if problem is not None:
            raise CredentialError(f"{where}: {problem}")
    if connection.host:
        loopback = local or connection.extra.get(SIMULATOR_EXTRA) is True
        problem = host_problem(connection.base_url(), hosts, loopback=loopback)
        if problem is not None:
            raise CredentialError(f"{where}: {problem}")
