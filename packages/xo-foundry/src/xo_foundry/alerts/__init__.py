"""Failure alerts through Airflow's notifier mechanism: one ``BaseNotifier`` per channel (Slack webhook, e-mail),
set as the tasks' ``on_failure_callback`` by the generated DAGs from ``dag.alerts``.

Airflow calls ``on_failure_callback`` once a task has failed for good (not on a try that will be retried), so a
transient error that a retry fixes pages nobody. No apache-airflow-providers-slack is installed; the SMTP
provider's notifier renders its message as a Jinja template, where an error text would be code: these small
notifiers build plain text themselves (``message``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from xo_foundry.alerts.notifier import XoNotifier


def failure_notifiers(pipeline: Mapping[str, Any]) -> list[XoNotifier]:
    """The notifiers ``dag.alerts`` of a DAG file's pipeline config asks for (cheap: runs at every DAG parse)."""
    from xo_foundry.alerts.email import EmailNotifier
    from xo_foundry.alerts.slack import SlackWebhookNotifier
    from xo_foundry.schemas.alerts import AlertsConfig

    alerts = AlertsConfig.model_validate(pipeline.get("dag", {}).get("alerts", {}))
    notifiers: list[XoNotifier] = []
    if alerts.slack is not None:
        notifiers.append(SlackWebhookNotifier(connection_id=alerts.slack.connection_id))
    if alerts.email is not None:
        notifiers.append(EmailNotifier(connection_id=alerts.email.connection_id, to=list(alerts.email.to)))
    return notifiers


__all__ = ["failure_notifiers"]
