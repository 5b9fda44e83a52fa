"""Faults of the Google simulators (the queue itself is ``xo_sandbox.faults``).

Set at construction (``GmailSandbox(faults=[GoogleFault("429")])``) or at run time with
``POST /_sandbox/faults`` (``{"kind": "403", "times": 2}`` or a list) and cleared with ``DELETE``.
``path`` is a prefix of the API paths hit (default: every API path; ``/token`` is never faulted).
"""

from __future__ import annotations

from dataclasses import dataclass

from xo_sandbox.faults import Fault

GOOGLE_FAULT_KINDS: dict[str, str] = {
    "429": "429 RESOURCE_EXHAUSTED, reason rateLimitExceeded",
    "403": "403 with reason rateLimitExceeded (domain usageLimits), as Gmail sends a project quota refusal",
    "403user": "403 with reason userRateLimitExceeded",
    "401": "401 authError, whatever the token",
    "500": "500 INTERNAL",
    "503": "503 UNAVAILABLE",
    "slow": "sleep `seconds` before answering normally",
    "reset": "close the socket (TCP reset) without a response",
}


@dataclass(frozen=True, slots=True)
class GoogleFault(Fault):
    """A Gmail or Sheets fault; ``path`` is a prefix of the API paths it hits."""

    KINDS = GOOGLE_FAULT_KINDS

    def matches(self, path: str) -> bool:
        """Whether this fault applies to a request for ``path``."""
        return self.path is None or path.startswith(self.path)
