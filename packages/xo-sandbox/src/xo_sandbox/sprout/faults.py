"""The Sprout simulator's faults (the queue itself is ``xo_sandbox.faults``).

Set at construction (``SproutSandbox(faults=[...])``) or at run time with ``POST /_sandbox/faults`` (a JSON
object or a list of them), cleared with ``DELETE /_sandbox/faults``. JSON form::

    {"kind": "503", "path": null, "times": 2, "seconds": 1.0}

``path`` null matches every messages endpoint; ``times`` defaults to 1 and null means every request.
"""

from __future__ import annotations

from dataclasses import dataclass

from xo_sandbox import faults

FAULT_KINDS: dict[str, str] = {
    "429": "429 {error} without Retry-After, as the rate limiter answers",
    "500": "500 {error}",
    "503": "503 with an HTML body, as a load balancer answers",
    "504": "504 {error} (Sprout's advice: shrink the date range)",
    "202": "202 processed-but-not-ready with an empty data list: the client must ask again",
    "slow": "sleep `seconds` before answering normally",
    "reset": "close the socket (TCP reset) without a response",
    "truncate": "send a 200 whose JSON body breaks off half way (Content-Length promises more)",
}


@dataclass(frozen=True, slots=True)
class Fault(faults.Fault):
    """A Sprout fault; ``path=None`` matches every messages path."""

    KINDS = FAULT_KINDS

    def matches(self, path: str) -> bool:
        """Whether this fault applies to a request for ``path``."""
        return path.endswith("/messages") if self.path is None else path == self.path
