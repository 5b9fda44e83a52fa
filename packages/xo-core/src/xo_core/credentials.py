"""Credentials: looked up by connection id, never logged, never stored.

One convention everywhere: a connection is what Airflow calls a Connection (conn_type, host, login, password,
extra). Deployed pipelines read them from Airflow (its metastore, ``AIRFLOW_CONN_*`` variables or a secrets
backend such as AWS Secrets Manager: see ``xo_foundry.tasks.connections``). Outside Airflow the same
``AIRFLOW_CONN_<ID>`` variables are read from the environment and then from a ``.env`` file, so a laptop, a test
and a deployment describe a connection the same way. A missing connection is a ``CredentialError`` that names
every place that was looked at.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qsl, unquote, urlsplit

from xo_core.errors import ConfigError, CredentialError


@dataclass(frozen=True)
class Connection:
    """A resolved connection. ``password`` is kept out of ``repr`` so it cannot leak through a log line."""

    conn_id: str
    conn_type: str = ""
    host: str = ""
    login: str = ""
    password: str = field(default="", repr=False)
    port: int | None = None
    schema: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict, repr=False)

    def base_url(self, default_scheme: str = "https") -> str:
        """``host`` as a URL (a bare host gets ``default_scheme``), with the port when one is set."""
        host = self.host if "://" in self.host else f"{default_scheme}://{self.host}"
        return f"{host.rstrip('/')}:{self.port}" if self.port else host.rstrip("/")


class ConnectionSource(Protocol):
    """One place connections may be found."""

    def describe(self, conn_id: str) -> str:
        """Where this source looked for ``conn_id``, for the error when nothing was found."""
        ...

    def get(self, conn_id: str) -> Connection | None: ...


def env_var_name(conn_id: str) -> str:
    return f"AIRFLOW_CONN_{conn_id.upper()}"


def parse_connection(conn_id: str, value: str) -> Connection:
    """Parse an Airflow connection given as JSON or as a URI (``http://login:password@host:port/schema?k=v``).

    A value that does not parse is a ``ConfigError`` naming the connection and what kind of value it is, never a
    part of the value: a malformed URI's "port" or "host" is often a piece of the password (an unescaped ``/``
    in ``http://user:pa/ss@host`` makes the parser read ``pa`` as the port), and the standard library's own
    messages quote it.
    """
    value = value.strip()
    kind = "JSON" if value.startswith(("{", "[")) else "URI"
    try:
        return _from_json(conn_id, value) if kind == "JSON" else _from_uri(conn_id, value)
    except json.JSONDecodeError as exc:
        problem = f"is not valid JSON (at character {exc.pos})"
    except (ValueError, TypeError, AttributeError):
        problem = (
            "is not a JSON object with the fields of an Airflow connection"
            if kind == "JSON"
            else "is not a valid URI (percent-encode any '/', '?', '#', '@' or ':' in the login or password)"
        )
    raise ConfigError(f"connection {conn_id!r}: {env_var_name(conn_id)} {problem}") from None


def _from_json(conn_id: str, value: str) -> Connection:
    data = json.loads(value)
    if not isinstance(data, dict):
        raise TypeError("not an object")
    extra = data.get("extra") or {}
    return Connection(
        conn_id=conn_id,
        conn_type=str(data.get("conn_type", "")),
        host=str(data.get("host") or ""),
        login=str(data.get("login") or ""),
        password=str(data.get("password") or ""),
        port=int(data["port"]) if data.get("port") else None,
        schema=str(data.get("schema") or ""),
        extra=dict(json.loads(extra) if isinstance(extra, str) else extra),
    )


def _from_uri(conn_id: str, value: str) -> Connection:
    parts = urlsplit(value)
    if not parts.scheme:
        raise ValueError("no scheme")
    extra: dict[str, Any] = dict(parse_qsl(parts.query))
    host = extra.pop("__host", None) or (unquote(parts.hostname or ""))
    return Connection(
        conn_id=conn_id,
        conn_type=parts.scheme.replace("-", "_"),
        host=host,
        login=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        port=parts.port,
        schema=unquote(parts.path.lstrip("/")),
        extra=extra,
    )


class EnvironmentSource:
    """``AIRFLOW_CONN_<ID>`` in the process environment."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._environ = os.environ if environ is None else environ

    def describe(self, conn_id: str) -> str:
        return f"environment variable {env_var_name(conn_id)}"

    def get(self, conn_id: str) -> Connection | None:
        value = self._environ.get(env_var_name(conn_id))
        return parse_connection(conn_id, value) if value else None


class DotEnvSource:
    """``AIRFLOW_CONN_<ID>=...`` lines of a ``.env`` file (``KEY=value``, optional quotes, ``#`` comments)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def describe(self, conn_id: str) -> str:
        return f"{env_var_name(conn_id)} in {self.path}"

    def get(self, conn_id: str) -> Connection | None:
        value = read_dotenv(self.path).get(env_var_name(conn_id))
        return parse_connection(conn_id, value) if value else None


def read_dotenv(path: Path) -> dict[str, str]:
    """The variables of a ``.env`` file; an absent file has none."""
    if not path.is_file():
        return {}
    values: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def resolve_connection(conn_id: str, sources: Sequence[ConnectionSource]) -> Connection:
    """The first source that has ``conn_id``; else a CredentialError naming every place looked."""
    for source in sources:
        found = source.get(conn_id)
        if found is not None:
            return found
    looked = "; ".join(source.describe(conn_id) for source in sources)
    raise CredentialError(f"connection {conn_id!r} not found. Looked in: {looked}")


def local_sources(dotenv: Path | None = None) -> list[ConnectionSource]:
    """Where a run outside Airflow looks: the environment, then ``.env`` (default: the current directory's)."""
    return [EnvironmentSource(), DotEnvSource(dotenv or Path.cwd() / ".env")]
