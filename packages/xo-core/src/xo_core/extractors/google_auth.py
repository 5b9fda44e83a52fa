"""Google API authentication shared by the Gmail and Sheets connectors: the bearer token.

The token comes from the connection:
- ``password`` (or ``extra.token``) holding a plain access token: used as is (the simulator, tests, a token
  minted elsewhere);
- ``password`` (or ``extra.service_account_json``) holding a service account JSON key: exchanged for an access
  token with the JWT-bearer grant (RFC 7523) at the key's ``token_uri`` (``extra.token_uri`` overrides it),
  impersonating ``extra.subject`` (or ``login``) when domain-wide delegation is used.

Google's error shape and the HTTP client that reads it are in ``xo_core.extractors.google_api``.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from xo_core.credentials import Connection
from xo_core.errors import CredentialError
from xo_core.extractors.http import (
    ERROR_TEXT_CHARS,
    RETRY_EXCEPTIONS,
    RETRY_STATUSES,
    RetriesExhausted,
    excerpt,
    scrub,
)

JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token"  # noqa: S105 - a URL, not a secret
_TOKEN_LIFETIME = 3600
_REFRESH_MARGIN = 300  # renew a token five minutes before Google says it expires


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class ServiceAccountKey:
    """The fields of a service account JSON key that the JWT-bearer grant needs."""

    client_email: str
    private_key: str = field(repr=False)
    private_key_id: str = ""
    token_uri: str = DEFAULT_TOKEN_URI

    @classmethod
    def from_json(cls, value: str | Mapping[str, Any]) -> ServiceAccountKey:
        """Parse a key file's JSON (text or already parsed); CredentialError naming a missing field."""
        try:
            data = json.loads(value) if isinstance(value, str) else dict(value)
        except json.JSONDecodeError:
            raise CredentialError("the service account key is not valid JSON") from None
        missing = [name for name in ("client_email", "private_key") if not data.get(name)]
        if missing:
            raise CredentialError(f"the service account key lacks {', '.join(missing)}")
        return cls(
            client_email=str(data["client_email"]),
            private_key=str(data["private_key"]),
            private_key_id=str(data.get("private_key_id") or ""),
            token_uri=str(data.get("token_uri") or DEFAULT_TOKEN_URI),
        )


def signed_assertion(key: ServiceAccountKey, scopes: list[str], *, subject: str = "", now: float) -> str:
    """The RS256-signed JWT asserting ``key``'s identity for ``scopes`` (RFC 7523 §2.1)."""
    header: dict[str, str] = {"alg": "RS256", "typ": "JWT"}
    if key.private_key_id:
        header["kid"] = key.private_key_id
    claims: dict[str, Any] = {
        "iss": key.client_email,
        "scope": " ".join(scopes),
        "aud": key.token_uri,
        "iat": int(now),
        "exp": int(now) + _TOKEN_LIFETIME,
    }
    if subject:
        claims["sub"] = subject
    signing_input = f"{_b64url(json.dumps(header).encode())}.{_b64url(json.dumps(claims).encode())}"
    try:
        private = serialization.load_pem_private_key(key.private_key.encode(), password=None)
    except ValueError:
        raise CredentialError("the service account private_key is not a PEM private key") from None
    if not isinstance(private, rsa.RSAPrivateKey):
        raise CredentialError("the service account private_key is not an RSA key")
    signature = private.sign(signing_input.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{_b64url(signature)}"


class ServiceAccountTokens:
    """Access tokens from the JWT-bearer grant, cached until shortly before they expire."""

    def __init__(
        self,
        key: ServiceAccountKey,
        scopes: list[str],
        *,
        subject: str = "",
        token_uri: str | None = None,
        timeout: float = 60.0,
        attempts: int = 4,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.key = key
        self.scopes = scopes
        self.subject = subject
        self.token_uri = token_uri or key.token_uri
        self._timeout = timeout
        self._attempts = attempts
        self._sleep = sleep
        self._clock = clock
        self._lock = threading.Lock()
        self._token = ""
        self._expires = 0.0

    def token(self) -> str:
        """A valid access token, fetched anew when the cached one is (nearly) expired."""
        with self._lock:
            if not self._token or self._clock() >= self._expires - _REFRESH_MARGIN:
                self._token, self._expires = self._exchange()
            return self._token

    def _exchange(self) -> tuple[str, float]:
        now = self._clock()
        assertion = signed_assertion(self.key, self.scopes, subject=self.subject, now=now)
        form = {"grant_type": JWT_BEARER_GRANT, "assertion": assertion}
        reason = ""
        with httpx.Client(timeout=self._timeout) as client:
            for attempt in range(1, self._attempts + 1):
                try:
                    response = client.post(self.token_uri, data=form)
                except RETRY_EXCEPTIONS as exc:
                    reason = type(exc).__name__
                else:
                    if response.status_code < 300:
                        return _token_answer(response, now)
                    if response.status_code not in RETRY_STATUSES:
                        detail = excerpt(scrub(response.text[:ERROR_TEXT_CHARS], [assertion, self.key.private_key]))
                        raise CredentialError(
                            f"token exchange at {self.token_uri} for {self.key.client_email} refused: "
                            f"HTTP {response.status_code}: {detail}"
                        )
                    reason = f"HTTP {response.status_code}"
                if attempt < self._attempts:
                    self._sleep(min(30.0, 2.0 ** (attempt - 1)))
        raise RetriesExhausted(
            f"token exchange at {self.token_uri}: gave up after {self._attempts} attempts; last failure: {reason}",
            attempts=self._attempts,
            last_status=None,
        )


def _token_answer(response: httpx.Response, now: float) -> tuple[str, float]:
    try:
        body = response.json()
        return str(body["access_token"]), now + float(body.get("expires_in", _TOKEN_LIFETIME))
    except (ValueError, KeyError, TypeError):
        raise CredentialError("the token endpoint answered without an access_token") from None


class StaticToken:
    """A fixed access token."""

    def __init__(self, token: str) -> None:
        self._token = token

    def token(self) -> str:
        """The token."""
        return self._token


class BearerAuth(httpx.Auth):
    """``Authorization: Bearer <token>`` with the token asked for on every request (so it can be renewed)."""

    def __init__(self, tokens: StaticToken | ServiceAccountTokens) -> None:
        self._tokens = tokens

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        request.headers["Authorization"] = f"Bearer {self._tokens.token()}"
        yield request


@dataclass(frozen=True)
class GoogleCredentials:
    """How to authenticate, and the secrets to scrub from every message (kept out of ``repr``, like every field
    that holds a secret: a credentials object in a log line or a traceback's locals must not show them)."""

    tokens: StaticToken | ServiceAccountTokens
    secrets: tuple[str, ...] = field(repr=False)
    principal: str
    """Who is calling, for messages: the service account (and subject), or ``static token``."""


def credentials_from_connection(
    conn: Connection, scopes: list[str], *, sleep: Callable[[float], None] = time.sleep
) -> GoogleCredentials:
    """A static token or a service-account token source, as the connection describes (see module docstring)."""
    extra = dict(conn.extra)
    key_json = extra.get("service_account_json") or extra.get("keyfile_dict")
    password = conn.password.strip()
    if key_json is None and password.startswith("{"):
        key_json = password
    if key_json is not None:
        key = ServiceAccountKey.from_json(key_json)
        subject = str(extra.get("subject") or conn.login or "")
        token_uri = extra.get("token_uri")
        tokens = ServiceAccountTokens(
            key, scopes, subject=subject, token_uri=str(token_uri) if token_uri else None, sleep=sleep
        )
        who = key.client_email + (f" as {subject}" if subject else "")
        return GoogleCredentials(tokens, (key.private_key, password), who)
    token = str(extra.get("token") or password)
    if not token:
        raise CredentialError(
            f"connection {conn.conn_id!r} has neither a token nor a service account key "
            "(put one in its password, or extra.service_account_json)"
        )
    return GoogleCredentials(StaticToken(token), (token,), "static token")
