"""Where a pipeline's failures are announced (``dag.alerts``), usually set once per domain in ``_defaults.yaml``.

Only connection ids live in config: the Slack webhook and the SMTP server with its password are Airflow
connections (``AIRFLOW_CONN_<ID>``, a secrets backend, the metastore), resolved when an alert is sent.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from xo_core.extractors import ConnectionId
from xo_foundry.schemas.base import StrictModel

# The address reaches an e-mail header: no blanks, brackets or separators that could add a header or a recipient.
EmailAddress = Annotated[str, StringConstraints(pattern=r"^[^\s<>\"(),;:@]+@[^\s<>\"(),;:@]+$", max_length=254)]


class SlackAlert(StrictModel):
    """Post to a Slack incoming webhook."""

    connection_id: ConnectionId = Field(
        description="Airflow connection of the webhook: host https://hooks.slack.com/services, password the "
        "T…/B…/… part of the webhook URL"
    )


class EmailAlert(StrictModel):
    """Send an e-mail through an SMTP server."""

    connection_id: ConnectionId = Field(
        description="Airflow connection of the SMTP server: host, port, login and password; extra from_email, "
        "and starttls (default: true on port 587)"
    )
    to: list[EmailAddress] = Field(min_length=1, description="Recipients, e.g. [data-alerts@example.com]")


class AlertsConfig(StrictModel):
    """Failure alerts: each failed task (after its retries) is announced on every channel set here."""

    slack: SlackAlert | None = Field(default=None, description="A Slack webhook")
    email: EmailAlert | None = Field(default=None, description="E-mail recipients and the SMTP server")

    @property
    def any(self) -> bool:
        return self.slack is not None or self.email is not None
