"""Simulators of Google's APIs (Gmail, Sheets): bearer auth, a fake token endpoint, Google's error shape."""

from xo_sandbox.google.faults import GOOGLE_FAULT_KINDS, GoogleFault

__all__ = ["GOOGLE_FAULT_KINDS", "GoogleFault"]
