"""The Gladly API simulator: deterministic synthetic data, reports, rate limits, faults and the truth."""

from xo_sandbox.gladly.faults import FAULT_KINDS, REPORT_PATHS, Fault
from xo_sandbox.gladly.limits import ManualClock, RateLimits
from xo_sandbox.gladly.orgs import DEFAULT_CREDENTIALS, ORGS
from xo_sandbox.gladly.server import GladlySandbox

__all__ = [
    "DEFAULT_CREDENTIALS",
    "FAULT_KINDS",
    "ORGS",
    "REPORT_PATHS",
    "Fault",
    "GladlySandbox",
    "ManualClock",
    "RateLimits",
]
