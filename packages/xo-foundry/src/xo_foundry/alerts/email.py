"""E-mail through an SMTP server (``smtplib``): plain text, one message to every recipient.

The connection is the SMTP provider's shape: host, port, login and password, extra ``from_email``; ``starttls``
(extra, default true on port 587, the submission port of RFC 6409).
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from xo_core.credentials import Connection
from xo_core.errors import ConfigError
from xo_foundry.alerts.message import Alert
from xo_foundry.alerts.notifier import XoNotifier

TIMEOUT_SECONDS = 30.0
SUBMISSION_PORT = 587


class EmailNotifier(XoNotifier):
    channel = "email"

    def __init__(self, *, connection_id: str, to: list[str]) -> None:
        super().__init__(connection_id=connection_id)
        self.to = to

    def send(self, alert: Alert, connection: Connection) -> None:
        sender = str(connection.extra.get("from_email") or connection.login)
        if not sender or not connection.host:
            raise ConfigError(f"SMTP connection {self.connection_id!r} needs a host and extra from_email (or a login)")
        message = EmailMessage()
        message["Subject"] = alert.subject
        message["From"] = sender
        message["To"] = ", ".join(self.to)
        message.set_content(alert.text)
        port = connection.port or SUBMISSION_PORT
        starttls = connection.extra.get("starttls", port == SUBMISSION_PORT)
        with smtplib.SMTP(connection.host, port, timeout=TIMEOUT_SECONDS) as smtp:
            if starttls in (True, "true", "True"):
                smtp.starttls()
            if connection.login and connection.password:
                smtp.login(connection.login, connection.password)
            smtp.send_message(message)
