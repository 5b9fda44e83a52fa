"""The base of the platform's notifiers: resolve the channel's connection, send, and never hide the failure."""

from __future__ import annotations

import logging
from typing import Any

from airflow.sdk import BaseNotifier

from xo_core.credentials import Connection
from xo_foundry.alerts.message import Alert, alert_from

log = logging.getLogger("xo_foundry.alerts")


class XoNotifier(BaseNotifier):
    """Sends an ``Alert`` over one channel whose secrets are in the connection ``connection_id``."""

    channel = "alert"

    def __init__(self, *, connection_id: str) -> None:
        super().__init__()
        self.connection_id = connection_id

    def notify(self, context: Any) -> None:
        from xo_foundry.tasks.connections import connection_for

        alert = alert_from(context)
        try:
            self.send(alert, connection_for(self.connection_id, context))
        except Exception as error:
            # The task has failed already and says so in its log and state; a broken alert channel (a missing
            # connection, a refused webhook, an SMTP server that is down) must not raise over it, but be loud.
            log.error("%s alert for %s.%s not sent: %s", self.channel, alert.dag_id, alert.task_id, error)
            return
        log.info("%s alert sent for %s.%s", self.channel, alert.dag_id, alert.task_id)

    def send(self, alert: Alert, connection: Connection) -> None:
        raise NotImplementedError
