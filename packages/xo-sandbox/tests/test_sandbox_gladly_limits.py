"""Rate limits of the Gladly sandbox: 10 report POSTs a minute, 2 in flight, 10 requests a second; no Retry-After."""

from __future__ import annotations

import threading
import time

import httpx

from xo_sandbox.gladly import DEFAULT_CREDENTIALS, Fault, GladlySandbox, ManualClock, RateLimits

AUTH = DEFAULT_CREDENTIALS["condenast"]
BODY = {"metricSet": "ContactTimestampsReport", "startAt": "2025-01-14", "endAt": "2025-01-14", "timezone": "UTC"}


_CLIENT = httpx.Client(auth=AUTH, timeout=30)  # one client: building one per call costs ~50 ms


def _post(url: str) -> httpx.Response:
    return _CLIENT.post(f"{url}/api/v1/reports", json=BODY)


def test_the_eleventh_report_in_a_minute_gets_429_without_retry_after() -> None:
    clock = ManualClock()
    limits = RateLimits(requests_per_second=1_000, clock=clock)
    with GladlySandbox(volume_scale=0.01, limits=limits) as sandbox:
        for _ in range(10):
            assert _post(sandbox.url).status_code == 200
            clock.advance(5)  # ten requests spread over 50 s
        refused = _post(sandbox.url)
        assert refused.status_code == 429
        assert "retry-after" not in refused.headers
        assert refused.headers["ratelimit-limit-second"] == "1000"
        assert "errors" in refused.json()
        # The other org has its own budget.
        other = httpx.post(f"{sandbox.url}/api/v1/reports", auth=DEFAULT_CREDENTIALS["warbyparker"], json=BODY)
        assert other.status_code == 200
        clock.advance(10.5)  # the first request has left the rolling minute
        assert _post(sandbox.url).status_code == 200
        assert _post(sandbox.url).status_code == 429


def test_a_third_concurrent_report_gets_429() -> None:
    # Long enough that both still hold their slot when the third arrives, even on a loaded machine.
    slow = Fault("slow", seconds=3.0, times=2)
    with GladlySandbox(volume_scale=0.01, faults=[slow]) as sandbox:
        results: list[int] = []
        threads = [threading.Thread(target=lambda: results.append(_post(sandbox.url).status_code)) for _ in range(2)]
        for thread in threads:
            thread.start()
        limiter = sandbox.limiter("condenast")
        deadline = time.monotonic() + 60  # a condition, not a time: both slots taken
        while limiter.in_flight < 2:
            assert time.monotonic() < deadline, f"{limiter.in_flight} of 2 report slots taken after 60 s"
            time.sleep(0.02)
        third = _post(sandbox.url)
        for thread in threads:
            thread.join()
        assert third.status_code == 429
        assert "retry-after" not in third.headers
        assert results == [200, 200]
        assert _post(sandbox.url).status_code == 200  # slots are given back once the slow ones finish


def test_every_response_reports_the_per_second_budget() -> None:
    clock = ManualClock()
    with GladlySandbox(limits=RateLimits(requests_per_second=3, clock=clock)) as sandbox:
        url = f"{sandbox.url}/api/v1/agents"
        remaining = [_CLIENT.get(url).headers["ratelimit-remaining-second"] for _ in range(3)]
        assert remaining == ["2", "1", "0"]
        over = _CLIENT.get(url)
        assert over.status_code == 429 and "retry-after" not in over.headers
        assert over.headers["ratelimit-limit-second"] == "3"
        clock.advance(1.0)
        assert _CLIENT.get(url).status_code == 200
