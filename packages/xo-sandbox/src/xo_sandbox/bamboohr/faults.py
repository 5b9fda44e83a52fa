"""The BambooHR simulator's faults (the queue itself is ``xo_sandbox.faults``).

Set at construction (``BambooHRSandbox(faults=[...])``) or with ``POST /_sandbox/faults`` (a JSON object or a
list), cleared with ``DELETE /_sandbox/faults``. JSON form::

    {"kind": "503", "path": "/employees/directory", "times": 2, "seconds": 1}

``path`` is matched against the path after ``/api/gateway.php/{company}/v1`` (None: every API request);
``times`` defaults to 1 and ``null`` means every request; ``seconds`` is the Retry-After of a 503/429 and the
delay of ``slow``.
"""

from __future__ import annotations

from dataclasses import dataclass

from xo_sandbox.faults import Fault

FAULT_KINDS: dict[str, str] = {
    "503": "503 with Retry-After: `seconds` and an X-BambooHR-Error-Message, as when throttled",
    "429": "429 with Retry-After: `seconds`",
    "500": "500 with an X-BambooHR-Error-Message",
    "slow": "sleep `seconds` before answering normally",
    "reset": "close the socket (TCP reset) without a response",
    "truncate": "start a chunked 200 JSON body and cut it half way, never sending the last chunk",
}


@dataclass(frozen=True, slots=True)
class BambooFault(Fault):
    """A BambooHR fault; ``path=None`` matches every API path."""

    KINDS = FAULT_KINDS
