"""The real app in a real browser: ``streamlit run`` on 127.0.0.1, headless Chromium loading every page.

Streamlit renders in the browser over a websocket, so the page is read with ``--dump-dom`` after a virtual
time budget; a page whose data has not arrived yet (the first load also fills the query cache) is loaded again.
Needs Debian's ``chromium`` (``apt-get install -y chromium``); skipped with that reason when it is absent.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Generator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from conftest import build_lens_warehouse

import xo_lens

CHROMIUM = Path("/usr/bin/chromium")
APP = Path(xo_lens.__file__).parent / "app.py"
ARTIFACTS = Path(__file__).parent / "artifacts"
PAGE_DEADLINE_SECONDS = 180
"""How long a page may take to show its data on a loaded machine; the test waits for the data, not for a time."""
START_DEADLINE_SECONDS = 180
"""How long ``streamlit run`` may take to answer its health check on a loaded machine (about 3 s when idle)."""
CHROMIUM_SECONDS = 240
"""One Chromium load, a bound and not a wait: it ends when its virtual time budget is spent (seconds when idle)."""

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.is_file(), reason="needs Debian's chromium: apt-get install -y chromium"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serve(home: Path) -> Generator[str]:
    """``streamlit run app.py`` on a free port over the warehouse in ``home``; its base URL."""
    env = {**os.environ, "XO_HOME": str(home), "XO_ENV": "local"}
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(APP), "--server.headless", "true"]
    command += ["--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false"]
    command += ["--client.toolbarMode", "viewer"]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_DEADLINE_SECONDS
        while True:
            try:
                if httpx.get(f"{url}/_stcore/health", timeout=1).text == "ok":
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, "streamlit exited"
            assert time.monotonic() < deadline, (
                f"streamlit did not answer /_stcore/health within {START_DEADLINE_SECONDS} s"
            )
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture(scope="module")
def lens_server(tmp_path_factory: pytest.TempPathFactory) -> Generator[str]:
    """The app over the small test warehouse (one server for the module)."""
    home = tmp_path_factory.mktemp("lens-browser") / "xo"
    build_lens_warehouse(home)
    with serve(home) as url:
        yield url


def chromium(profile: Path, *args: str) -> str:
    command = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
    command += ["--disable-background-networking", "--disable-component-update", "--disable-sync"]
    command += [f"--user-data-dir={profile}", "--window-size=1400,1000", "--virtual-time-budget=15000", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=CHROMIUM_SECONDS, check=True).stdout


def rendered(url: str, profile: Path, expected: list[str]) -> str:
    """The page's DOM once the app has finished its run and shows every ``expected`` text (loaded again until it
    does, within ``PAGE_DEADLINE_SECONDS``)."""
    deadline = time.monotonic() + PAGE_DEADLINE_SECONDS
    loads = 0
    while True:
        dom = chromium(profile, "--dump-dom", url)
        loads += 1
        if all(text in dom for text in expected):
            return dom
        missing = [text for text in expected if text not in dom]
        if time.monotonic() > deadline:
            raise AssertionError(f"{url} never showed {missing} in {loads} loads over {PAGE_DEADLINE_SECONDS} s")
        time.sleep(0.5)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("", ["Agent dashboard", "Contacts handled", "43", "Ada Lovelace"]),
        ("email_daily", ["E-mail daily report", "490", "90%"]),
        ("pipeline_health", ["Pipeline health", "SHEETS_AGENT_ROSTER", "row count 299 != expected 300"]),
    ],
)
def test_every_page_renders_its_data_in_chromium(lens_server: str, tmp_path: Path, path: str, expected: list[str]):
    dom = rendered(f"{lens_server}/{path}", tmp_path / "profile", expected)
    assert "Traceback" not in dom
    assert "stException" not in dom  # Streamlit's error box


def test_screenshot_of_the_agent_dashboard(lens_server: str, tmp_path: Path):
    rendered(lens_server, tmp_path / "profile", ["Ada Lovelace"])  # fills the cache: the shot shows data
    ARTIFACTS.mkdir(exist_ok=True)
    shot = tmp_path / "agent_dashboard.png"
    # A longer budget than the DOM reads: the charts draw after the data arrives.
    chromium(tmp_path / "profile", f"--screenshot={shot}", "--virtual-time-budget=60000", lens_server)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000  # a blank page is a few kB
    shutil.copyfile(shot, ARTIFACTS / "agent_dashboard.png")


def test_after_the_demo_the_dashboard_shows_the_demo_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`make demo` then `make dashboard`: the demo's own runs (direct, to keep this test short), then the app."""
    from xo_core.warehouse.duckdb.backend import DuckDBWarehouse
    from xo_sandbox.demo import recent_demo_date, run_demo, today_of_the_pipelines

    home = tmp_path / "xo"
    monkeypatch.setenv("XO_HOME", str(home))
    monkeypatch.setenv("XO_ENV", "local")
    assert run_demo(recent_demo_date(today_of_the_pipelines()), direct=True, echo=print) == 0
    with DuckDBWarehouse(home).connect_read_only("WBP_DB_DEV") as gold:
        top = gold.execute(
            'SELECT AGENT_NAME, CONTACTS_HANDLED FROM "WBP_DB_DEV"."GOLD"."rpt_agent_dashboard"'
            " ORDER BY CONTACTS_HANDLED DESC, AGENT_NAME LIMIT 1"
        ).fetchone()
        total = gold.execute('SELECT sum(CONTACTS_HANDLED) FROM "WBP_DB_DEV"."GOLD"."rpt_agent_dashboard"').fetchone()
    assert top is not None and total is not None and top[0]
    with serve(home) as url:
        dom = rendered(url, tmp_path / "profile", ["Agent dashboard", top[0], f"{total[0]:,}"])
        assert "Traceback" not in dom and "stException" not in dom
        shot = tmp_path / "agent_dashboard_demo.png"
        chromium(tmp_path / "profile", f"--screenshot={shot}", "--virtual-time-budget=60000", url)
    assert shot.stat().st_size > 20_000
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copyfile(shot, ARTIFACTS / "agent_dashboard_demo.png")
