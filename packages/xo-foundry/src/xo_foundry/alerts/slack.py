"""A Slack incoming webhook: one POST of ``{"text": ...}``.

The connection follows the Slack provider's ``slackwebhook`` shape (host ``https://hooks.slack.com/services``,
password the ``T…/B…/…`` rest of the webhook URL), so a deployment that later installs
apache-airflow-providers-slack keeps its connections. See https://api.slack.com/messaging/webhooks.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from xo_core.credentials import Connection
from xo_core.errors import ConfigError, TerminalError
from xo_foundry.alerts.message import Alert
from xo_foundry.alerts.notifier import XoNotifier

TIMEOUT_SECONDS = 10.0
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def webhook_url(connection: Connection) -> str:
    """The webhook's URL: host + password; https, except to this machine (a local receiver)."""
    host = connection.base_url().rstrip("/")
    url = f"{host}/{connection.password.lstrip('/')}" if connection.password else host
    parts = urlsplit(url)
    if parts.scheme != "https" and parts.hostname not in LOCAL_HOSTS:
        raise ConfigError(f"a Slack webhook must be https (got {parts.scheme}://{parts.hostname})", field="host")
    return url


class SlackWebhookNotifier(XoNotifier):
    channel = "slack"

    def send(self, alert: Alert, connection: Connection) -> None:
        import httpx

        from xo_core.extractors.http import excerpt

        answer = httpx.post(webhook_url(connection), json={"text": alert.text}, timeout=TIMEOUT_SECONDS)
        if answer.status_code >= 300:
            # The URL holds the webhook's secret: name the status and the answer, never the URL.
            raise TerminalError(f"the Slack webhook answered {answer.status_code}: {excerpt(answer.text, 200)}")
