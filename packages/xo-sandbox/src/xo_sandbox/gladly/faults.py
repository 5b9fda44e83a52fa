"""The Gladly simulator's faults (the queue itself is ``xo_sandbox.faults``).

A fault is set at construction (``GladlySandbox(faults=[...])``), on the CLI (``--fault 503,times=2``) or at
run time with ``POST /_sandbox/faults`` (a JSON object or list of them) and cleared with
``DELETE /_sandbox/faults``. JSON form::

    {"kind": "slow", "path": "/api/v1/reports", "times": 2, "seconds": 1.5}

``path`` defaults to every report path; ``times`` defaults to 1 and ``null`` means every request.
"""

from __future__ import annotations

from dataclasses import dataclass

from xo_sandbox import faults

REPORT_PATHS: tuple[str, ...] = ("/api/v1/reports", "/api/v1/reports/work-session-events")

FAULT_KINDS: dict[str, str] = {
    "429": "429 without Retry-After, as the rate limiter answers",
    "500": "500 with an errors body",
    "502": "502 with an HTML body, as a load balancer answers",
    "503": "503 with an HTML body",
    "slow": "sleep `seconds` before answering normally",
    "reset": "close the socket (TCP reset) without a response",
    "truncate": "start a chunked 200 body and cut it mid-row, never sending the last chunk",
    "empty": "200 text/csv with an empty body",
    "bom": "a UTF-8 BOM before the header",
    "blank_lines": "two CRLF before the header",
    "error_body": "200 text/plain 'Unexpected error occurred' instead of CSV",
    "row_cap": "silently stop the CSV after `rows` data rows (Gladly's real cap is about 100,000)",
}


@dataclass(frozen=True, slots=True)
class Fault(faults.Fault):
    """A Gladly fault; ``path=None`` matches every report path, ``rows`` is the cap of ``row_cap``."""

    KINDS = FAULT_KINDS

    rows: int = 100_000

    def matches(self, path: str) -> bool:
        """Whether this fault applies to a request for ``path``."""
        return path in REPORT_PATHS if self.path is None else path == self.path
