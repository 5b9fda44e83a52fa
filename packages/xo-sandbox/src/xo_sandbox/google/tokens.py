"""Bearer tokens of the Google simulators, and a fake ``POST /token`` for the JWT-bearer grant (RFC 7523).

Static tokens are configured at construction. A service account registered with its public key (PEM) may also
trade a signed assertion for a fresh token, as Google's token endpoint does; the assertion's signature,
issuer, audience (``<sandbox url>/token``) and expiry are checked, and the ``sub`` it names is remembered.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import parse_qs

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
TOKEN_LIFETIME = 3599


class TokenRefused(Exception):
    """The assertion was refused; ``error`` is the OAuth error code (``invalid_grant``, ...)."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TokenRegistry:
    """Which bearer tokens are valid, and who (service account, subject) each one was issued to."""

    def __init__(
        self,
        static_tokens: Iterable[str],
        service_accounts: Mapping[str, str],
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._static = frozenset(static_tokens)
        self._keys: dict[str, rsa.RSAPublicKey] = {}
        for email, pem in service_accounts.items():
            key = serialization.load_pem_public_key(pem.encode())
            if not isinstance(key, rsa.RSAPublicKey):
                raise ValueError(f"service account {email}: not an RSA public key")
            self._keys[email] = key
        self._clock = clock
        self._lock = threading.Lock()
        self._issued: dict[str, tuple[float, str, str]] = {}

    def valid(self, authorization: str | None) -> bool:
        """Whether an ``Authorization`` header carries a known, unexpired bearer token."""
        if not authorization or not authorization.startswith("Bearer "):
            return False
        token = authorization[7:].strip()
        if token in self._static:
            return True
        with self._lock:
            issued = self._issued.get(token)
        return issued is not None and issued[0] > self._clock()

    def issued_to(self) -> list[tuple[str, str]]:
        """(service account, subject) of every token issued so far, oldest first."""
        with self._lock:
            return [(email, subject) for _, email, subject in self._issued.values()]

    def exchange(self, form: bytes, audience: str) -> dict[str, Any]:
        """Answer a token request (form-encoded); TokenRefused when the grant or the assertion is bad."""
        fields = {k: v[0] for k, v in parse_qs(form.decode("utf-8", "replace")).items()}
        if fields.get("grant_type") != JWT_BEARER_GRANT:
            raise TokenRefused("unsupported_grant_type", f"grant_type must be {JWT_BEARER_GRANT}")
        claims = self._verified_claims(fields.get("assertion", ""), audience)
        token = "ya29.sandbox-" + secrets.token_urlsafe(24)
        with self._lock:
            self._issued[token] = (self._clock() + TOKEN_LIFETIME, str(claims["iss"]), str(claims.get("sub", "")))
        return {"access_token": token, "expires_in": TOKEN_LIFETIME, "token_type": "Bearer"}

    def _verified_claims(self, assertion: str, audience: str) -> dict[str, Any]:
        try:
            head_b64, claims_b64, signature_b64 = assertion.split(".")
            header = json.loads(_unb64(head_b64))
            claims = json.loads(_unb64(claims_b64))
            signature = _unb64(signature_b64)
        except (ValueError, binascii.Error):
            raise TokenRefused("invalid_grant", "the assertion is not a JWT") from None
        if header.get("alg") != "RS256":
            raise TokenRefused("invalid_grant", "the assertion must be signed with RS256")
        key = self._keys.get(str(claims.get("iss")))
        if key is None:
            raise TokenRefused("invalid_client", "the assertion's issuer is not a known service account")
        try:
            signed = f"{head_b64}.{claims_b64}".encode("ascii")
            key.verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            raise TokenRefused("invalid_grant", "Invalid JWT Signature.") from None
        if claims.get("aud") != audience:
            raise TokenRefused("invalid_grant", f"the assertion's aud must be {audience}")
        now = self._clock()
        if not isinstance(claims.get("exp"), int) or claims["exp"] <= now or claims["exp"] - now > 3600 + 60:
            raise TokenRefused(
                "invalid_grant", "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe."
            )
        if not claims.get("scope"):
            raise TokenRefused("invalid_scope", "the assertion names no scope")
        return claims
