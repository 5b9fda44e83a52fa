"""Every shell example of the documentation runs as written, page by page, in a fresh checkout, against the
simulators.

The convention, stated on the pages: every ```bash (or ```sh, ```shell) block runs, each in a new shell at the
checkout root, in page order, with the checkout's ``.venv/bin`` on PATH and the simulators' ``AIRFLOW_CONN_*``
set (what ``xo-sandbox serve --all`` prints). An HTML comment on the line above a fence changes that:

- ``<!-- docs-test: skip (REASON) -->``: the block cannot run here (production: Astro, Snowflake, AWS; or an
  interactive or minutes-long command tested elsewhere); the reason is required.
- ``<!-- docs-test: serves (...) -->``: each line runs until Ctrl-C; it passes once it prints a ``127.0.0.1`` URL
  (and, for ``serve --all``, its ``export`` lines), then it is stopped. Later blocks use the module's one set of
  simulators, already in the environment under the same ``AIRFLOW_CONN_*`` names, in place of the server the
  reader leaves running.
- ``<!-- docs-test: exits N (REASON) -->``: the block's documented exit status is N, not 0 (``xo-foundry status``
  exits 1 on a stale table, for monitors). Every command runs; each one that fails must exit with exactly N
  (any other status stops the block and fails the test), and the block must end with N.

An unmarked block that fails fails the test. Pages run in an order that builds state up (``EARLY`` first,
then by path), all in one checkout with one warehouse (``XO_HOME`` is its ``.xo/``); a block already run on an
earlier page (the same text, e.g. an include shown twice) is not run again. The checkout is a copy of this
working tree committed into a new repository, synced once with ``uv sync --locked --all-groups`` (about 5 s
from uv's cache); ``make`` finds it set up (its stamp is touched, as ``make setup`` leaves it, without the
bytecode compile).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pytest
from fresh_checkout import REPO, fresh_checkout

from xo_sandbox.sandboxes import Sandboxes

DOCS = REPO / "apps" / "material-mkdocs" / "docs"
FENCE = re.compile(r"^(?P<indent>\s*)```(?P<lang>[A-Za-z]*)\s*$")
MARKER = re.compile(r"^\s*<!-- docs-test: (?P<kind>skip|serves|exits)\b(?P<rest>.*?)(-->)?\s*$")
EXITS = re.compile(r"^\s*(?P<status>[1-9][0-9]*)\b(?P<reason>.*)$")
SNIPPET = re.compile(r'^--8<-- "([^"]+)"$')
SHELLS = {"bash", "sh", "shell"}
EXPORT = re.compile(r"^export (AIRFLOW_CONN_[A-Z0-9_]+)='(.*)'$")
# Per page. Measured: the slowest page (backfill, replay, status) takes 40 s at load 5 on 2 cores and the whole
# module under 3 min; 300 s leaves room for a machine several times as loaded and still stops a hung block.
PAGE_TIMEOUT = 300


@dataclass
class Block:
    page: str
    line: int
    text: str
    marker: str | None = None  # None, "skip", "serves" or "exits"
    reason: str = ""
    exits: int = 0  # the documented exit status of the block


def blocks_of(page: Path) -> list[Block]:
    """The shell blocks of a page with their markers, snippets (``--8<--``) expanded."""
    lines = page.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    i = 0
    while i < len(lines):
        opened = FENCE.match(lines[i])
        if not opened:
            i += 1
            continue
        indent, lang = opened["indent"], opened["lang"]
        end = next(j for j in range(i + 1, len(lines)) if lines[j].strip() == "```")
        if lang in SHELLS:
            body = [line.removeprefix(indent) for line in lines[i + 1 : end]]
            text = "\n".join(_expand(line) for line in body)
            above = next((lines[k] for k in range(i - 1, -1, -1) if lines[k].strip()), "")
            mark = MARKER.match(above)
            block = Block(page.relative_to(DOCS).as_posix(), i + 1, text + "\n")
            if mark:
                block.marker, rest = mark["kind"], mark["rest"]
                if block.marker == "exits":
                    status = EXITS.match(rest)
                    assert status, f"{block.page}:{block.line}: 'docs-test: exits' needs a status: exits N (REASON)"
                    block.exits, rest = int(status["status"]), status["reason"]
                block.reason = rest.strip(" ()-")
            found.append(block)
        i = end + 1
    return found


def _expand(line: str) -> str:
    snippet = SNIPPET.match(line.strip())
    return (DOCS / snippet[1]).read_text(encoding="utf-8").rstrip("\n") if snippet else line


# State builds up across pages: the guides, then the everyday commands (their first run of 2025-01-15), then
# the runbooks that build on them (the backfill then finds that date loaded and skips it, as its page says).
EARLY = ("guides/", "index.md", "packages/xo-foundry.md")


def _order(page: Path) -> tuple[int, str]:
    name = page.relative_to(DOCS).as_posix()
    return next((i for i, first in enumerate(EARLY) if name.startswith(first)), len(EARLY)), name


PAGES = sorted((p for p in DOCS.rglob("*.md") if any(True for _ in blocks_of(p))), key=_order)


@dataclass
class Checkout:
    root: Path
    env: dict[str, str]
    ran: set[str] = field(default_factory=set)


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory, sandboxes: Sandboxes) -> Checkout:
    root = fresh_checkout(tmp_path_factory.mktemp("docs") / "xo-data")
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "XO_", "VIRTUAL_ENV", "UV_"))}
    synced = subprocess.run(
        [*_uv(kept), "sync", "--locked", "--all-groups", "-q"],
        cwd=root,
        env={**kept, "UV_PYTHON_DOWNLOADS": "never"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert synced.returncode == 0, f"uv sync in the fresh checkout failed: {synced.stderr}"
    (root / ".venv" / ".xo-synced").touch()
    venv = root / ".venv"
    env = {
        **kept,
        "PATH": f"{venv / 'bin'}{os.pathsep}{kept.get('PATH', '')}",
        "VIRTUAL_ENV": str(venv),
        **sandboxes.connection_env(),
    }
    return Checkout(root, env)


def _uv(env: dict[str, str]) -> list[str]:
    """uv as the Makefile finds it: ``python3 -m uv`` with a python3 outside this virtualenv."""
    venv_bin = str(Path(sys.executable).parent)
    path = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != venv_bin)
    python = shutil.which("python3", path=path)
    assert python is not None, "no python3 outside the virtualenv to run uv with"
    return [python, "-m", "uv"]


def _run(block: Block, checkout: Checkout) -> None:
    if block.exits:
        # Not -e: a command that exits with the documented status goes on to the next; any other failure stops.
        stop = f'trap \'status=$?; [ "$status" -eq {block.exits} ] || exit "$status"\' ERR\n'
        bash = ["bash", "-E", "-o", "pipefail", "-c", stop + block.text]
    else:
        bash = ["bash", "-e", "-o", "pipefail", "-c", block.text]
    done = subprocess.run(
        bash, cwd=checkout.root, env=checkout.env, capture_output=True, text=True, timeout=PAGE_TIMEOUT
    )
    assert done.returncode == block.exits, (
        f"{block.page}:{block.line}: the block exited {done.returncode}, not {block.exits}:\n{block.text}\n"
        f"--- stdout\n{done.stdout[-4000:]}\n--- stderr\n{done.stderr[-4000:]}"
    )


def _serve(block: Block, checkout: Checkout) -> None:
    for line in block.text.splitlines():
        command = line.split("  #", 1)[0].strip()
        if not command or command.startswith("#"):
            continue
        exports = _start_until_ready(block, command, checkout)
        # The reader leaves the server running and pastes its exports into the shell of the next blocks. Here it
        # is stopped, so its exports would point at closed ports: the module's simulators, already in the
        # environment under the same names, stand in for it.
        missing = {name for name in exports if name not in checkout.env}
        assert not missing, f"{block.page}:{block.line}: {command!r} exports connections the test lacks: {missing}"


def _start_until_ready(block: Block, command: str, checkout: Checkout, timeout: float = 120) -> dict[str, str]:
    process = subprocess.Popen(
        shlex.split(command),
        cwd=checkout.root,
        env=checkout.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    seen: list[str] = []
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + timeout
        for out in _lines(process.stdout, deadline):
            seen.append(out)
            if "serve --all" in command and out.startswith("# Press Ctrl-C"):
                break
            if "serve --all" not in command and "http://127.0.0.1:" in out:
                break
        else:
            pytest.fail(f"{block.page}:{block.line}: {command!r} never became ready:\n" + "".join(seen))
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    exports = {m[1]: m[2] for m in (EXPORT.match(s.strip()) for s in seen) if m}
    if "serve --all" in command:
        assert "AIRFLOW_CONN_GLADLY_DEFAULT" in exports, "".join(seen)
    return exports


def _lines(stream: IO[str], deadline: float) -> Iterator[str]:
    # A reader thread: select() on the pipe misses lines already read into the text wrapper's buffer.
    import queue
    import threading

    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in stream], daemon=True).start()
    while (left := deadline - time.monotonic()) > 0:
        try:
            yield lines.get(timeout=left)
        except queue.Empty:
            return


def test_the_pages_state_the_convention_and_every_skip_gives_a_reason() -> None:
    assert PAGES
    for page in PAGES:
        for block in blocks_of(page):
            if block.marker is not None:
                assert block.reason, f"{block.page}:{block.line}: a docs-test marker says why"


def test_a_marker_is_read_only_directly_above_its_fence(tmp_path: Path) -> None:
    page = DOCS / "guides" / "simulators.md"
    kinds = [b.marker for b in blocks_of(page)]
    assert kinds == ["serves", "skip"]


@pytest.mark.slow
@pytest.mark.timeout(PAGE_TIMEOUT)
@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_the_shell_examples_of_the_page_run_in_order(page: Path, checkout: Checkout) -> None:
    for block in blocks_of(page):
        if block.marker == "skip" or block.text in checkout.ran:
            continue
        if block.marker == "serves":
            _serve(block, checkout)
        else:
            _run(block, checkout)
        checkout.ran.add(block.text)


@pytest.mark.parametrize(
    ("text", "exits", "status"),
    [
        ("false\nfalse\n", 1, 1),  # every command exits with the documented status: the block passes
        ("true\nfalse\n", 1, 1),
        ("sh -c 'exit 2'\nfalse\n", 1, 2),  # another failure stops the block there
        ("false\ntrue\n", 1, 0),  # the block must end with the documented status
        ("true\n", 0, 0),
        ("false\ntrue\n", 0, 1),  # an unmarked block stops at its first failure
    ],
)
def test_a_block_passes_only_with_its_documented_exit_status(
    tmp_path: Path, text: str, exits: int, status: int
) -> None:
    block = Block("a page of the docs", 1, text, "exits" if exits else None, "a reason", exits)
    checkout = Checkout(tmp_path, {"PATH": os.environ["PATH"]})
    if status == exits:
        _run(block, checkout)
    else:
        with pytest.raises(AssertionError, match=f"exited {status}, not {exits}"):
            _run(block, checkout)


def test_an_exits_marker_gives_the_status_and_a_reason() -> None:
    page = DOCS / "operations" / "backfill-replay-status.md"
    status = next(b for b in blocks_of(page) if "xo-foundry status" in b.text)
    assert (status.marker, status.exits) == ("exits", 1)
    assert status.reason.startswith("a scheduled pipeline")
