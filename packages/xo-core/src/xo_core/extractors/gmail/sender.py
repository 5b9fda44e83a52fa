"""Whether a report e-mail really comes from the configured sender.

Gmail's ``from:`` search (https://support.google.com/mail/answer/7190) matches words anywhere in the ``From``
header, display name included, so ``"reports@partner.example" <attacker@evil.example>`` and
``reports@partner.example.evil.com`` are found by a search for ``reports@partner.example``. The search only
narrows; each message is then checked here:

1. **The exact address.** The ``From`` header must hold exactly one address, read alike by the standard
   library's two parsers (``email.headerregistry`` and ``email.utils.getaddresses``; where they differ, the header
   is ambiguous and refused), and that address must equal ``from_address`` (compared case-insensitively).
2. **Authentication, where required.** ``From`` itself can be written by anyone; Gmail records on receipt what
   it verified in an ``Authentication-Results`` header (RFC 8601, https://www.rfc-editor.org/rfc/rfc8601):
   ``mx.google.com; dkim=pass header.i=@partner.example; spf=pass ...; dmarc=pass (...) header.from=partner.example``.
   ``dmarc`` requires ``dmarc=pass`` for the From domain; ``dkim`` a ``dkim=pass`` signed by the From domain.
   Only the first ``Authentication-Results`` is read, and only if Gmail wrote it (authserv-id
   ``mx.google.com``): a receiving server prepends its header above all that came with the mail, and a sender's
   own ``Authentication-Results`` further down proves nothing (RFC 8601 §5).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from email import errors
from email.headerregistry import AddressHeader
from email.policy import default as default_policy
from email.utils import getaddresses
from typing import Literal

type Authentication = Literal["dmarc", "dkim", "none"]
GMAIL_AUTHSERV_ID = "mx.google.com"


@dataclass(frozen=True)
class AuthResult:
    """One ``method=result`` of an ``Authentication-Results`` header and its ``ptype.property=value`` items."""

    method: str
    result: str
    properties: dict[str, str] = field(default_factory=dict)


def sender_address(from_values: Sequence[str]) -> str | None:
    """The one address of a message's ``From`` header(s), lower-cased; None when it is not exactly one address
    both parsers agree on."""
    if len(from_values) != 1:
        return None
    value = from_values[0]
    header = default_policy.header_factory("From", value)
    if not isinstance(header, AddressHeader):
        return None
    if any(isinstance(defect, errors.InvalidHeaderDefect) for defect in header.defects):
        return None
    addresses = header.addresses
    simple = getaddresses([value])
    if len(addresses) != 1 or len(simple) != 1 or addresses[0].addr_spec.lower() != simple[0][1].lower():
        return None
    return addresses[0].addr_spec.lower() or None


def _without_comments(text: str) -> str:
    """``text`` with its (possibly nested) parenthesised comments removed, quoted strings kept."""
    out: list[str] = []
    depth, quoted = 0, False
    for ch in text:
        if quoted:
            out.append(ch)
            quoted = ch != '"'
        elif ch == "(":
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
        elif depth == 0:
            out.append(ch)
            quoted = ch == '"'
    return "".join(out)


def parse_authentication_results(value: str) -> tuple[str, list[AuthResult]]:
    """The authserv-id and the results of an ``Authentication-Results`` header value (RFC 8601 §2.2)."""
    pieces = [p.strip() for p in _without_comments(value).split(";")]
    authserv_id = pieces[0].split()[0].lower() if pieces and pieces[0] else ""
    results: list[AuthResult] = []
    for piece in pieces[1:]:
        words = piece.split()
        if not words or "=" not in words[0]:
            continue  # "none", or nothing
        method, _, result = words[0].partition("=")
        props = {}
        for word in words[1:]:
            name, eq, prop = word.partition("=")
            if eq and "." in name:
                props[name.lower()] = prop.strip('"').lower()
        results.append(AuthResult(method.split("/")[0].lower(), result.lower(), props))
    return authserv_id, results


def _domain_of(identity: str) -> str:
    return identity.rpartition("@")[2].lower()


def _passes(results: list[AuthResult], required: Authentication, domain: str) -> bool:
    if required == "dmarc":
        return any(r.method == "dmarc" and r.result == "pass" and r.properties.get("header.from") == domain
                   for r in results)  # fmt: skip
    signed = (
        {r.properties.get("header.d", ""), _domain_of(r.properties.get("header.i", ""))}
        for r in results
        if r.method == "dkim" and r.result == "pass"
    )
    return any(domain in domains for domains in signed)


def refusal(headers: Sequence[tuple[str, str]], from_address: str, required: Authentication) -> str | None:
    """Why a message with these headers (in message order) is not from ``from_address``; None when it is."""
    address = sender_address([v for name, v in headers if name.lower() == "from"])
    if address is None:
        return "the From header is not exactly one readable address"
    if address != from_address.lower():
        return f"sent from {address}, not {from_address.lower()}"
    if required == "none":
        return None
    first = next((v for name, v in headers if name.lower() == "authentication-results"), None)
    if first is None:
        return "no Authentication-Results header"
    authserv_id, results = parse_authentication_results(first)
    if authserv_id != GMAIL_AUTHSERV_ID:
        return f"the first Authentication-Results is not Gmail's ({GMAIL_AUTHSERV_ID})"
    domain = _domain_of(address)
    if not _passes(results, required, domain):
        found = ", ".join(f"{r.method}={r.result}" for r in results) or "no results"
        return f"Gmail found no {required} pass for {domain} ({found})"
    return None
