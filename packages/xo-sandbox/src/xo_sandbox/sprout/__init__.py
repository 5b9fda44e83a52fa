"""The Sprout Social API simulator: Warby Parker's social messages, paging, rate limit, faults and the truth."""

from xo_sandbox.sprout.customer import CUSTOMER_ID, DEFAULT_TOKEN, PROFILES
from xo_sandbox.sprout.faults import FAULT_KINDS, Fault
from xo_sandbox.sprout.limits import SproutLimits
from xo_sandbox.sprout.server import SproutSandbox

__all__ = ["CUSTOMER_ID", "DEFAULT_TOKEN", "FAULT_KINDS", "PROFILES", "Fault", "SproutLimits", "SproutSandbox"]
