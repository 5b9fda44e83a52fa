"""The BambooHR API simulator: the ``xodata`` staff (every Gladly sandbox agent and more), the directory,
custom reports (``onlyCurrent`` and effective dates, fields a key may not read), 503 or 429 throttling, faults,
employee changes for history, and the truth."""

from xo_sandbox.bamboohr.employees import COMPANY, Employee, roster
from xo_sandbox.bamboohr.faults import FAULT_KINDS, BambooFault
from xo_sandbox.bamboohr.handler import ERROR_HEADER
from xo_sandbox.bamboohr.server import DEFAULT_API_KEY, LIMITED_API_KEY, LIMITED_HIDDEN_FIELDS, ApiKey, BambooHRSandbox
from xo_sandbox.bamboohr.throttle import Throttle

__all__ = [
    "COMPANY",
    "DEFAULT_API_KEY",
    "ERROR_HEADER",
    "FAULT_KINDS",
    "LIMITED_API_KEY",
    "LIMITED_HIDDEN_FIELDS",
    "ApiKey",
    "BambooFault",
    "BambooHRSandbox",
    "Employee",
    "Throttle",
    "roster",
]
