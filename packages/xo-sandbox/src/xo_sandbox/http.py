"""A small threaded HTTP server base shared by every simulator (Gladly, Sprout, Gmail, Sheets, BambooHR).

A simulator subclasses ``SimulatorHandler`` for its routes (``api``, and ``control`` for control routes of
its own) and ``SandboxServer`` for its state (a ``faults`` plan; the request ``log`` is the base's), then::

    with GladlySandbox() as sandbox:          # binds 127.0.0.1 on a free port, serves in a thread
        httpx.get(f"{sandbox.url}/api/v1/agents", auth=...)
"""

from __future__ import annotations

import json
import socket
import struct
import threading
from collections.abc import Callable, Iterable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import BaseRequestHandler
from types import TracebackType
from typing import Any, Protocol, Self
from urllib.parse import SplitResult, urlsplit

from xo_sandbox.faults import FaultPlan
from xo_sandbox.requestlog import RequestLog

# How often serve_forever looks for a shutdown request; the stdlib's 0.5 s makes every stop() slow.
_POLL_SECONDS = 0.05

type HandlerFactory = Callable[..., BaseRequestHandler]


class Simulator(Protocol):
    """What the control endpoints need of a simulator's state."""

    @property
    def faults(self) -> FaultPlan[Any]: ...

    @property
    def log(self) -> RequestLog: ...


class SandboxHandler(BaseHTTPRequestHandler):
    """Request handler with helpers for JSON, plain text and chunked (streamed) bodies."""

    # HTTP/1.1 so that chunked transfer encoding and keep-alive behave as with a real API.
    protocol_version = "HTTP/1.1"
    server_version = "xo-sandbox"
    sys_version = ""

    _log: RequestLog | None = None
    _entry: dict[str, object] | None = None

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: tests and the CLI print what matters themselves."""

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without TCP_NODELAY, Nagle's algorithm and the client's
        # delayed ACK hold every keep-alive answer back by ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def record_request(self, log: RequestLog, path: str, query: str, body: bytes) -> None:
        """Log this request; its status is filled in when the answer starts (see ``send_response``)."""
        self._log, self._entry = log, log.record(self.command, path, query, body)

    def send_response(self, code: int, message: str | None = None) -> None:
        # The status is logged before the answer leaves, so a client reading the log right after it was
        # answered sees it.
        if self._log is not None and self._entry is not None:
            self._log.answer(self._entry, code)
        super().send_response(code, message)

    def read_body(self) -> bytes:
        """The request body, as announced by Content-Length (empty if none)."""
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def send_bytes(self, status: int, body: bytes, content_type: str, headers: Mapping[str, str] | None = None) -> None:
        """Send a complete response with a Content-Length."""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def send_json(self, status: int, payload: object, headers: Mapping[str, str] | None = None) -> None:
        """Send ``payload`` as a JSON response."""
        body = json.dumps(payload).encode("utf-8")
        self.send_bytes(status, body, "application/json", headers)

    def start_chunked(self, status: int, content_type: str, headers: Mapping[str, str] | None = None) -> None:
        """Send the status line and headers of a chunked response; follow with ``send_chunk``."""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()

    def send_chunk(self, data: bytes) -> None:
        """Send one chunk of a chunked body (empty data is skipped: it would end the body)."""
        if data:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def end_chunked(self) -> None:
        """Send the terminating zero-length chunk."""
        self.wfile.write(b"0\r\n\r\n")

    def stream_chunked(
        self,
        status: int,
        content_type: str,
        chunks: Iterable[bytes],
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Send a whole chunked response from an iterable of byte chunks."""
        self.start_chunked(status, content_type, headers)
        for chunk in chunks:
            self.send_chunk(chunk)
        self.end_chunked()

    def reset_connection(self) -> None:
        """Abort the connection with a TCP reset and no response (simulates a dropped connection)."""
        self.close_connection = True
        try:
            self.wfile.flush()
            # Linger on with a zero timeout makes close() send RST instead of an orderly FIN.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass


class SimulatorHandler(SandboxHandler):
    """One connection to a simulator: dispatch, the control endpoints, a connection the client cut short.

    Every ``/_sandbox/`` path is a control route (no auth; the test's side door, not part of the API):
    ``GET|POST|DELETE /_sandbox/faults``, ``GET|DELETE /_sandbox/requests`` and whatever ``control`` adds.
    Any other request is logged and answered by ``api``.
    """

    def __init__(self, *args: Any, sandbox: Simulator, **kwargs: Any) -> None:
        # Any, so that each simulator's handler can narrow it to its own sandbox class (``sandbox: X``).
        self.sandbox: Any = sandbox
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def api(self, url: SplitResult, body: bytes) -> None:
        """Answer a request of the simulated API (already logged)."""
        raise NotImplementedError

    def route(self, url: SplitResult, body: bytes) -> None:
        """Log a request outside ``/_sandbox/`` and answer it with ``api``; override to answer some unlogged."""
        self.record_request(self.sandbox.log, url.path, url.query, body)
        self.api(url, body)

    def control(self, path: str, body: bytes) -> bool:
        """Answer a control request of the simulator's own; False when ``path`` is not one."""
        return False

    def control_error(self, status: int, message: str) -> None:
        """Refuse a control request (400: a bad fault; 404: no such route), in the simulator's error shape."""
        self.send_json(status, {"error": message})

    def _dispatch(self) -> None:
        url = urlsplit(self.path)
        body = self.read_body()
        try:
            if url.path.startswith("/_sandbox/"):
                self._control(url.path, body)
            else:
                self.route(url, body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client went away mid-response

    def _control(self, path: str, body: bytes) -> None:
        plan, log = self.sandbox.faults, self.sandbox.log
        if path == "/_sandbox/faults":
            if self.command == "POST":
                try:
                    plan.add_json(json.loads(body or b"[]"))
                except (ValueError, UnicodeDecodeError) as exc:
                    self.control_error(400, str(exc))
                    return
            elif self.command == "DELETE":
                plan.clear()
            self.send_json(200, [f.to_json() for f in plan.pending()])
        elif path == "/_sandbox/requests" and self.command in ("GET", "DELETE"):
            if self.command == "DELETE":
                log.clear()
            self.send_json(200, log.entries())
        elif not self.control(path, body):
            self.control_error(404, f"no sandbox route {self.command} {path}")


class _ThreadingServer(ThreadingHTTPServer):
    daemon_threads = True
    # The stdlib default backlog of 5 drops connections when tests fire requests concurrently.
    request_queue_size = 64

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Connections the client (or a fault) cut short are expected here; do not print tracebacks."""


class SandboxServer:
    """Owns a ThreadingHTTPServer on ``host`` (default 127.0.0.1) and a free port; a context manager.

    Subclasses pass a handler factory (usually ``functools.partial(TheirHandler, sandbox=self)``).
    """

    def __init__(self, handler_factory: HandlerFactory, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.log = RequestLog()
        self._httpd = _ThreadingServer((host, port), handler_factory)
        self._thread: threading.Thread | None = None

    def requests(self) -> list[dict[str, object]]:
        """The API requests received so far (method, path, query, body, status; never headers)."""
        return self.log.entries()

    @property
    def host(self) -> str:
        """The address bound."""
        return str(self._httpd.server_address[0])

    @property
    def port(self) -> int:
        """The port bound (the free port chosen when constructed with port 0)."""
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:54321`` (no trailing slash)."""
        return f"http://{self.host}:{self.port}"

    def start(self) -> Self:
        """Serve in a background daemon thread; returns self."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever, args=(_POLL_SECONDS,), name=type(self).__name__
            )
            self._thread.daemon = True
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until ``stop`` is called from another thread (or Ctrl-C)."""
        try:
            self._httpd.serve_forever(_POLL_SECONDS)
        finally:
            self._httpd.server_close()

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
