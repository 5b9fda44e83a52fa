"""Connection settings for snowflake-connector-python from an Airflow-style ``Connection``.

The fields are those of the Snowflake provider's connection type, so one connection serves Airflow hooks and
this loader: ``login`` is the user, ``password`` the password (or the private key's passphrase when a key is
given), ``schema`` the default schema, and ``extra`` holds ``account``, ``warehouse``, ``role``, ``database``
and optionally ``region``, ``host``/``port``/``protocol`` (a non-default endpoint), ``authenticator``,
``private_key_content`` (a PEM, or the provider's base64 of one) or ``private_key_file`` (a path), and
``private_key_file_pwd``. Secrets stay in ``repr=False`` fields and never reach a log line.

Every connection is made with ``paramstyle="qmark"`` (the shared SQL binds ``?``) and a ``QUERY_TAG`` session
parameter naming the run, so Snowflake's query history shows which run sent a statement.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xo_core.credentials import Connection
from xo_core.errors import ConfigError, CredentialError
from xo_core.warehouse.snowflake.session import SnowflakeConnectionLike

# Snowflake refuses a QUERY_TAG longer than 2,000 characters.
MAX_QUERY_TAG_CHARS = 2000
_EXTRA_ONLY = ("account", "warehouse", "role", "database", "region", "authenticator", "host", "protocol")


@dataclass(frozen=True)
class SnowflakeSettings:
    """What ``snowflake.connector.connect`` needs; the secret fields are kept out of ``repr``."""

    conn_id: str
    account: str
    user: str
    warehouse: str
    role: str
    database: str
    schema: str = "BRONZE"
    password: str = field(default="", repr=False)
    private_key_der: bytes = field(default=b"", repr=False)
    query_tag: str = ""
    authenticator: str = ""
    region: str = ""
    host: str = ""
    port: int | None = None
    protocol: str = ""

    def connect_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``snowflake.connector.connect`` (they hold the secret: never log them)."""
        kwargs: dict[str, Any] = {
            "account": self.account,
            "user": self.user,
            "warehouse": self.warehouse,
            "role": self.role,
            "database": self.database,
            "schema": self.schema,
            "paramstyle": "qmark",
            "application": "xo-data",
            "session_parameters": {"QUERY_TAG": self.query_tag} if self.query_tag else {},
        }
        if self.private_key_der:
            kwargs["private_key"] = self.private_key_der
            kwargs["authenticator"] = "SNOWFLAKE_JWT"
        else:
            kwargs["password"] = self.password
        if self.authenticator and not self.private_key_der:
            kwargs["authenticator"] = self.authenticator
        optional = {"region": self.region, "host": self.host, "port": self.port, "protocol": self.protocol}
        kwargs.update({k: v for k, v in optional.items() if v})
        return kwargs


def query_tag(**facts: str) -> str:
    """A JSON QUERY_TAG (``{"app": "xo-data", "run_id": ...}``), cut to Snowflake's 2,000 characters."""
    return json.dumps({"app": "xo-data", **facts}, sort_keys=True)[:MAX_QUERY_TAG_CHARS]


def settings_from_connection(conn: Connection, *, database: str, tag: str = "") -> SnowflakeSettings:
    """Settings for ``database`` from a Snowflake connection; a missing field is a ``CredentialError``."""
    extra = {str(k).lower(): v for k, v in conn.extra.items()}
    # The provider also accepted "extra__snowflake__account"-style keys; read those too.
    for key, value in list(extra.items()):
        if key.startswith("extra__snowflake__"):
            extra.setdefault(key.removeprefix("extra__snowflake__"), value)
    values = {name: str(extra.get(name) or "") for name in _EXTRA_ONLY}
    user = conn.login
    missing = [name for name in ("account", "warehouse", "role") if not values[name]]
    missing += [] if user else ["login (the user)"]
    if missing:
        raise CredentialError(f"Snowflake connection {conn.conn_id!r} lacks {', '.join(missing)}")
    key_der = _private_key(conn, extra)
    if not key_der and not conn.password:
        raise CredentialError(
            f"Snowflake connection {conn.conn_id!r} has neither a password nor a private key"
            " (extra private_key_content or private_key_file)"
        )
    port = extra.get("port") or conn.port
    return SnowflakeSettings(
        conn_id=conn.conn_id,
        account=values["account"],
        user=user,
        warehouse=values["warehouse"],
        role=values["role"],
        database=database,
        schema=conn.schema or "BRONZE",
        password="" if key_der else conn.password,
        private_key_der=key_der,
        query_tag=tag,
        authenticator=values["authenticator"],
        region=values["region"],
        host=values["host"],
        port=int(port) if port else None,
        protocol=values["protocol"],
    )


def connector(settings: SnowflakeSettings) -> Callable[[], SnowflakeConnectionLike]:
    """A function that opens a new connection with these settings (one per load, see ``SnowflakeWarehouse``)."""

    def connect() -> SnowflakeConnectionLike:
        import snowflake.connector  # imported late: DAG parsing never pays for it

        try:
            return snowflake.connector.connect(**settings.connect_kwargs())
        except snowflake.connector.errors.DatabaseError as exc:
            # The connector's message names the account and user at most, never the password.
            raise CredentialError(f"Snowflake connection {settings.conn_id!r} failed: {exc}") from exc

    return connect


def _private_key(conn: Connection, extra: Mapping[str, Any]) -> bytes:
    """The private key as unencrypted PKCS#8 DER, or ``b""`` when the connection has none."""
    content = str(extra.get("private_key_content") or "")
    path = str(extra.get("private_key_file") or "")
    if not content and not path:
        return b""
    if content:
        pem = _pem_bytes(conn.conn_id, content)
    else:
        try:
            pem = Path(path).expanduser().read_bytes()
        except OSError as exc:
            raise CredentialError(
                f"Snowflake connection {conn.conn_id!r}: private_key_file {path} cannot be read ({exc.strerror})"
            ) from None
    passphrase = str(extra.get("private_key_file_pwd") or conn.password or "")
    from cryptography.hazmat.primitives import serialization

    try:
        key = serialization.load_pem_private_key(pem, password=passphrase.encode() or None)
    except (ValueError, TypeError) as exc:
        # The exception text says what is wrong with the key, never the key itself.
        raise CredentialError(f"Snowflake connection {conn.conn_id!r}: the private key cannot be read: {exc}") from None
    return key.private_bytes(
        encoding=serialization.Encoding.DER,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )


def _pem_bytes(conn_id: str, content: str) -> bytes:
    """A PEM given as text, or as the base64 of one (the Snowflake provider's newer convention)."""
    if "-----BEGIN" in content:
        return content.replace("\\n", "\n").encode()
    try:
        return base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        raise ConfigError(
            f"Snowflake connection {conn_id!r}: private_key_content is neither a PEM nor base64 of one"
        ) from None
