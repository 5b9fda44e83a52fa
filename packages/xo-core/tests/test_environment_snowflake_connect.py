"""Snowflake connection settings from an Airflow-style connection: fields, key pair, QUERY_TAG, no leaks."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from xo_core.credentials import Connection, parse_connection
from xo_core.errors import CredentialError
from xo_core.warehouse.snowflake.connect import query_tag, settings_from_connection

EXTRA = {"account": "xy12345.eu-west-1", "warehouse": "XO_LOADING_WH", "role": "XO_LOADER"}


def _pem(passphrase: bytes | None = None) -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    encryption = serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


def test_password_connection_gives_qmark_and_a_query_tag() -> None:
    uri = "snowflake://XO_LOADER:p%40ss@/BRONZE?account=xy12345.eu-west-1&warehouse=XO_LOADING_WH&role=XO_LOADER"
    tag = query_tag(dag_id="warbyparker_gladly_daily", run_id="scheduled__2025-01-15")
    settings = settings_from_connection(parse_connection("snowflake_prod", uri), database="WBP_DB", tag=tag)
    kwargs = settings.connect_kwargs()
    assert kwargs["paramstyle"] == "qmark" and kwargs["password"] == "p@ss"
    assert (kwargs["account"], kwargs["user"], kwargs["role"], kwargs["warehouse"], kwargs["database"]) == (
        "xy12345.eu-west-1",
        "XO_LOADER",
        "XO_LOADER",
        "XO_LOADING_WH",
        "WBP_DB",
    )
    assert json.loads(kwargs["session_parameters"]["QUERY_TAG"])["run_id"] == "scheduled__2025-01-15"
    assert "p@ss" not in repr(settings)


@pytest.mark.parametrize("form", ["pem", "base64", "file"])
def test_private_key_from_extra_or_file_with_the_password_as_passphrase(form: str, tmp_path: Path) -> None:
    pem = _pem(b"key-pass")
    extra: dict[str, str] = dict(EXTRA)
    if form == "pem":
        extra["private_key_content"] = pem.decode()
    elif form == "base64":
        extra["private_key_content"] = base64.b64encode(pem).decode()
    else:
        (tmp_path / "key.p8").write_bytes(pem)
        extra["private_key_file"] = str(tmp_path / "key.p8")
    conn = Connection("snowflake_prod", "snowflake", login="XO_LOADER", password="key-pass", extra=extra)
    kwargs = settings_from_connection(conn, database="WBP_DB").connect_kwargs()
    assert kwargs["authenticator"] == "SNOWFLAKE_JWT" and "password" not in kwargs
    key = serialization.load_der_private_key(kwargs["private_key"], password=None)
    assert isinstance(key, rsa.RSAPrivateKey)


def test_missing_fields_and_a_wrong_passphrase_are_credential_errors_naming_the_connection() -> None:
    with pytest.raises(CredentialError, match=r"'snowflake_dev' lacks account, role, login"):
        settings_from_connection(Connection("snowflake_dev", extra={"warehouse": "W"}), database="D")
    with pytest.raises(CredentialError, match="neither a password nor a private key"):
        settings_from_connection(Connection("snowflake_dev", login="u", extra=EXTRA), database="D")
    conn = Connection(
        "snowflake_dev", login="u", password="wrong", extra={**EXTRA, "private_key_content": _pem(b"right").decode()}
    )
    with pytest.raises(CredentialError, match="private key cannot be read") as caught:
        settings_from_connection(conn, database="D")
    assert "BEGIN" not in str(caught.value)
