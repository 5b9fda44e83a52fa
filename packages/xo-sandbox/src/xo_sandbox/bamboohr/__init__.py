"""The BambooHR API simulator: the ``xodata`` staff (every Gladly sandbox agent and more), the directory,
custom reports, 503 throttling, faults, employee changes for history, and the truth."""

from xo_sandbox.bamboohr.employees import COMPANY, Employee, roster
from xo_sandbox.bamboohr.faults import FAULT_KINDS, BambooFault
from xo_sandbox.bamboohr.handler import ERROR_HEADER
from xo_sandbox.bamboohr.server import DEFAULT_API_KEY, BambooHRSandbox
from xo_sandbox.bamboohr.throttle import Throttle

__all__ = [
    "COMPANY",
    "DEFAULT_API_KEY",
    "ERROR_HEADER",
    "FAULT_KINDS",
    "BambooFault",
    "BambooHRSandbox",
    "Employee",
    "Throttle",
    "roster",
]
