"""The log of requests a simulator received, so tests can assert what a connector sent.

Entries hold method, path, query, body (parsed JSON when it is JSON, else text) and the status answered;
never headers, so no credential is ever stored.
"""

from __future__ import annotations

import json
import threading


class RequestLog:
    """Thread-safe list of request entries, in order of arrival."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[dict[str, object]] = []

    def record(self, method: str, path: str, query: str, body: bytes) -> dict[str, object]:
        """Append an entry (status None until ``answer``) and return it."""
        try:
            parsed: object = json.loads(body) if body else None
        except (json.JSONDecodeError, UnicodeDecodeError):
            parsed = body.decode("utf-8", "replace")
        entry: dict[str, object] = {
            "method": method,
            "path": path,
            "query": query,
            "body": parsed,
            "status": None,
        }
        with self._lock:
            self._entries.append(entry)
        return entry

    def answer(self, entry: dict[str, object], status: int) -> None:
        """Set the status an entry was answered with."""
        with self._lock:
            entry["status"] = status

    def entries(self) -> list[dict[str, object]]:
        """A copy of every entry so far."""
        with self._lock:
            return [dict(e) for e in self._entries]

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()
