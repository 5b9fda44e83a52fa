"""The Gmail API simulator: a deterministic mailbox of daily report e-mails with CSV attachments."""

from xo_sandbox.google.gmail.mailbox import MAILBOX, PARTNER, REPORT_COLUMNS, REPORT_SUBJECT
from xo_sandbox.google.gmail.server import DEFAULT_TOKENS, GmailSandbox

__all__ = ["DEFAULT_TOKENS", "MAILBOX", "PARTNER", "REPORT_COLUMNS", "REPORT_SUBJECT", "GmailSandbox"]
