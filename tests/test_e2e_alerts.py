"""Failure alerts under Airflow (``xo-foundry run``, ``dag.test()``): a failing task is announced to a Slack
webhook (a local HTTP receiver) and by e-mail (a local aiosmtpd server), with DAG, task, logical date and error;
the secrets come from connections and appear in no message."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope, Session

from xo_core.credentials import Connection
from xo_core.errors import ConfigError
from xo_foundry.alerts.slack import webhook_url

XO_FOUNDRY = str(Path(sys.executable).parent / "xo-foundry")
WEBHOOK_SECRET = "T000/B000/not-a-real-secret-4f1c"


class _Webhook(BaseHTTPRequestHandler):
    posts: list[tuple[str, bytes]]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        type(self).posts.append((self.path, body))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: object) -> None:
        del format, args


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[tuple[str, bytes]]]]:
    """A Slack-like webhook receiver on 127.0.0.1: its base URL and the (path, body) of every POST."""
    handler = type("Webhook", (_Webhook,), {"posts": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler.posts
    finally:
        server.shutdown()
        server.server_close()


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server: object, session: Session, envelope: Envelope) -> str:
        del server, session
        content = envelope.original_content or b""
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(content, policy=policy.default)))
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, _Inbox]]:
    """An SMTP server (aiosmtpd) on 127.0.0.1: its port and what it received."""
    inbox = _Inbox()
    # aiosmtpd's Controller checks it is up by connecting to the port it was given, so it needs a real one.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # aiosmtpd waits 5 s for its thread by default: a bound for a loaded machine instead.
    controller = Controller(inbox, hostname="127.0.0.1", port=port, ready_timeout=120)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


@pytest.mark.slow
def test_a_failed_task_is_announced_on_slack_and_by_email(
    tmp_path: Path,
    subprocess_env: Callable[..., dict[str, str]],
    config_checkout: Callable[..., Path],
    webhook: tuple[str, list[tuple[str, bytes]]],
    smtp_server: tuple[int, _Inbox],
) -> None:
    base_url, posts = webhook
    port, inbox = smtp_server
    alerts = {
        "slack": {"connection_id": "slack_alerts"},
        "email": {"connection_id": "smtp_alerts", "to": ["data-alerts@example.com", "oncall@example.com"]},
    }
    # No upload and no wait: the extract fails at once (InputMissing, not retried), then the alerts go out.
    root = config_checkout(tmp_path, "warbyparker/s3_uploads", {"wait": None}, dag={"alerts": alerts})
    host, webhook_port = base_url.removeprefix("http://").split(":")
    slack = {
        "conn_type": "slackwebhook",
        "host": f"http://{host}",
        "port": int(webhook_port),
        "password": WEBHOOK_SECRET,
    }
    smtp = {"conn_type": "smtp", "host": "127.0.0.1", "port": port, "extra": {"from_email": "xo-data@example.com"}}
    env = subprocess_env(
        tmp_path / "xo-home",
        XO_ENV="local",
        XO_CONFIG_ROOT=str(root),
        AIRFLOW_CONN_SLACK_ALERTS=json.dumps(slack),
        AIRFLOW_CONN_SMTP_ALERTS=json.dumps(smtp),
    )
    done = subprocess.run(
        [XO_FOUNDRY, "run", "warbyparker/s3_uploads", "--date", "2025-01-15"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode != 0

    assert len(posts) == 1, done.stdout + done.stderr  # one failed task, one alert: the upstream_failed ones send none
    path, body = posts[0]
    assert path == "/" + WEBHOOK_SECRET
    text = json.loads(body)["text"]
    assert "task extract_qa_scores of DAG warbyparker_s3_uploads failed" in text
    assert "logical date: 2025-01-15T05:00:00+00:00" in text
    assert "InputMissing (not retried): no upload in bucket" in text
    assert text.isprintable() or all(line.isprintable() for line in text.splitlines())

    assert len(inbox.messages) == 1
    recipients, mail = inbox.messages[0]
    assert recipients == ["data-alerts@example.com", "oncall@example.com"]
    assert mail["From"] == "xo-data@example.com"
    assert mail["Subject"] == "[XO-Data] warbyparker_s3_uploads.extract_qa_scores failed for 2025-01-15T05:00:00+00:00"
    assert "InputMissing (not retried): no upload in bucket" in str(mail.get_payload())
    assert WEBHOOK_SECRET not in str(mail.get_payload()) and WEBHOOK_SECRET not in done.stdout + done.stderr


@pytest.mark.parametrize(
    ("host", "port", "expected"),
    [
        ("https://hooks.slack.com/services", None, "https://hooks.slack.com/services/T0/B0/x"),
        ("hooks.slack.com/services", None, "https://hooks.slack.com/services/T0/B0/x"),
        ("http://127.0.0.1", 8080, "http://127.0.0.1:8080/T0/B0/x"),
    ],
)
def test_the_webhook_url_is_host_and_password(host: str, port: int | None, expected: str) -> None:
    assert webhook_url(Connection("slack_alerts", "slackwebhook", host=host, port=port, password="T0/B0/x")) == expected


def test_a_webhook_elsewhere_than_this_machine_must_be_https() -> None:
    with pytest.raises(ConfigError, match="must be https"):
        webhook_url(Connection("slack_alerts", "slackwebhook", host="http://hooks.example.com", password="T0/B0/x"))
