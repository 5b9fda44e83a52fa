"""Secrets never in messages: a malformed connection names the connection, never its parts, and every object that
holds a credential hides it from ``repr`` and ``str`` (issue 11, finding 4)."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from xo_core.credentials import Connection, EnvironmentSource, parse_connection, resolve_connection
from xo_core.errors import ConfigError
from xo_core.extractors.bamboohr.client import BambooHRClient
from xo_core.extractors.gladly.client import GladlyClient
from xo_core.extractors.google_auth import (
    BearerAuth,
    ServiceAccountKey,
    ServiceAccountTokens,
    StaticToken,
    credentials_from_connection,
)
from xo_core.extractors.http import RetryingHttpClient
from xo_core.storage.s3 import S3ObjectStore
from xo_core.warehouse.snowflake.connect import settings_from_connection

SECRET = "s3cr3t-Zq9"

MALFORMED = {
    "a slash in the password": f"http://user:{SECRET}/rest@host",
    "a password where the port goes": f"http://user@host:{SECRET}",
    "a broken IPv6 host": f"http://user:{SECRET}@[host",
    "a JSON port that is no number": json.dumps({"conn_type": "http", "password": "pw", "port": SECRET}),
    "a JSON extra that is a list": json.dumps({"conn_type": "http", "extra": [SECRET]}),
    "a JSON array": json.dumps([SECRET]),
    "a JSON extra that is not JSON": json.dumps({"conn_type": "http", "extra": f"{{{SECRET}"}),
    "JSON that does not parse": f'{{"password": "{SECRET}"',
}


@pytest.mark.parametrize("value", list(MALFORMED.values()), ids=list(MALFORMED))
def test_a_malformed_connection_names_the_connection_never_its_parts(value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_connection("partner_api", value)
    message = str(caught.value)
    assert "AIRFLOW_CONN_PARTNER_API" in message
    assert SECRET not in message and "s3cr3t" not in message and "rest@host" not in message
    # Neither the chained cause nor its context may carry the value to a traceback in the task log.
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None or caught.value.__suppress_context__


def test_a_malformed_connection_found_in_the_environment_is_refused_the_same_way() -> None:
    source = EnvironmentSource({"AIRFLOW_CONN_PARTNER_API": MALFORMED["a slash in the password"]})
    with pytest.raises(ConfigError, match="AIRFLOW_CONN_PARTNER_API") as caught:
        resolve_connection("partner_api", [source])
    assert "s3cr3t" not in str(caught.value)


def _pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def _service_account_json(pem: str) -> str:
    return json.dumps({"client_email": "reader@proj.iam.gserviceaccount.com", "private_key": pem})


def _holders() -> dict[str, tuple[object, list[str]]]:
    """Every kind of object of xo_core that holds a secret, each with the secrets it holds."""
    pem = _pem()
    pem_body = pem.splitlines()[1]
    static = credentials_from_connection(Connection("gmail_x", password=SECRET), ["scope"])
    service = credentials_from_connection(
        Connection("gmail_x", extra={"service_account_json": _service_account_json(pem)}), ["scope"]
    )
    key = ServiceAccountKey.from_json(_service_account_json(pem))
    snowflake = settings_from_connection(
        Connection(
            "snowflake_x",
            login="XO_LOADER",
            password=SECRET,
            extra={"account": "acme", "warehouse": "WH", "role": "XO_LOADER"},
        ),
        database="WBP_DB",
    )
    return {
        "Connection": (Connection("x", login="me", password=SECRET, extra={"token": SECRET}), [SECRET]),
        "GoogleCredentials (static token)": (static, [SECRET]),
        "GoogleCredentials (service account)": (service, [pem_body]),
        "ServiceAccountKey": (key, [pem_body]),
        "ServiceAccountTokens": (ServiceAccountTokens(key, ["scope"]), [pem_body]),
        "StaticToken": (StaticToken(SECRET), [SECRET]),
        "BearerAuth": (BearerAuth(StaticToken(SECRET)), [SECRET]),
        "SnowflakeSettings": (snowflake, [SECRET]),
        "RetryingHttpClient": (RetryingHttpClient("https://api.example", secrets=[SECRET]), [SECRET]),
        "BambooHRClient": (BambooHRClient("https://api.example", SECRET), [SECRET]),
        "GladlyClient": (GladlyClient("https://api.example", "me@example.com", SECRET), [SECRET]),
        "httpx.BasicAuth": (httpx.BasicAuth("me", SECRET), [SECRET]),
        "S3ObjectStore": (
            S3ObjectStore.from_settings(
                "http://127.0.0.1:9", "us-east-1", access_key_id="AK", secret_access_key=SECRET
            ),
            [SECRET],
        ),
    }


@pytest.mark.parametrize("render", [repr, str], ids=["repr", "str"])
def test_no_credential_object_shows_its_secret(render: Callable[[object], str]) -> None:
    holders = _holders()
    shown = {name: render(obj) for name, (obj, _) in holders.items()}
    leaks = [name for name, (_, secrets) in holders.items() if any(s in shown[name] for s in secrets)]
    assert leaks == [], {name: shown[name] for name in leaks}
