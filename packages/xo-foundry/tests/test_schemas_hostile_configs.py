"""A hostile pipeline file is refused quickly, in bounded memory, with PATH:LINE, and the others still validate.

Each case runs the real CLI in a child process with its address space capped (``RLIMIT_AS``) and a timeout,
so a file that expands (YAML aliases) or recurses cannot take the test run down with it.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from test_schemas_broken_configs import VALID

CLI = Path(sys.executable).parent / "xo-foundry"
MEMORY_CAP = 200 * 1024 * 1024  # the bound: 200 MB of address space for the whole CLI run
SECONDS = 2.0  # the bound for reading one file (measured after imports), in CPU seconds

# Billion laughs: nine levels of nine aliases each, 9**9 values for whoever walks the document as a tree.
BOMB = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]\n" for n in range(1, 9)
)
BINARY = bytes(range(256)) * 40  # byte 10 is a newline, byte 128 the first that is no UTF-8 start


def _write(content: str | bytes) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")

    return write


def _fifo(path: Path) -> None:
    os.mkfifo(path)  # reading it would wait for a writer forever


HOSTILE: list[tuple[str, Callable[[Path], None], str]] = [
    ("alias bomb", _write(BOMB), "5: anchors and aliases expand the file to more than 20,000 values"),
    ("recursive alias", _write("dag: &a [*a]\n"), "1: alias *a is inside its own anchor"),
    ("deep nesting", _write("dag: " + "[" * 100_000 + "]" * 100_000 + "\n"), "1: nested more than 32 levels deep"),
    (
        "megabytes of text",
        _write("# padding\n" * 300_000),
        "1: the file is 2,930 KiB; a pipeline file may be at most 256 KiB",
    ),
    (
        "many values",
        _write("dag: [" + ", ".join(["1"] * 60_000) + "]\n"),
        "1: more than 20,000 values; a pipeline file holds far fewer",
    ),
    (
        "binary bytes",
        _write(BINARY),
        "2: not UTF-8 text: byte 0x80 at offset 128 (invalid start byte); save the file as UTF-8",
    ),
    (
        "latin-1 text",
        _write(VALID.replace("dag:\n", "dag:\n  owner: José\n").encode("latin-1")),
        "2: not UTF-8 text: byte 0xe9 at offset 17 (invalid continuation byte); save the file as UTF-8",
    ),
    (
        "a NUL character",
        _write(VALID.replace("  domain:", "  owner: a\x00b\n  domain:")),
        "2: character U+0000 is not allowed in YAML (is this a text file?)",
    ),
    ("an impossible date", _write("dag: 2025-13-45\n"), "1: '2025-13-45' is no timestamp: month must be in 1..12"),
    (
        "an int Python will not print",
        _write("dag: " + "1" * 5000 + "\n"),
        "1: a number of 5,000 characters (at most 40; quote it if it is text)",
    ),
    (
        "a base-60 int that takes seconds to compute",
        _write("dag: 1" + ":59" * 80_000 + "\n"),
        "1: a number of 240,001 characters (at most 40; quote it if it is text)",
    ),
    ("a FIFO", _fifo, "1: not a regular file"),
]


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def _folder(tmp_path: Path, make: Callable[[Path], None]) -> Path:
    folder = tmp_path / "configs"
    folder.mkdir()
    (folder / "gladly_daily.yaml").write_text(VALID)
    make(folder / "hostile.yaml")
    return folder


@pytest.mark.parametrize(("make", "expected"), [c[1:] for c in HOSTILE], ids=[c[0] for c in HOSTILE])
def test_validate_refuses_a_hostile_file_and_reports_the_good_one(
    make: Callable[[Path], None], expected: str, tmp_path: Path
) -> None:
    folder = _folder(tmp_path, make)
    env = {**os.environ, "XO_CONFIG_ROOT": str(folder), "NO_COLOR": "1", "COLUMNS": "300"}
    done = subprocess.run(
        [str(CLI), "validate", "configs"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=30,
        preexec_fn=_cap_memory,
    )
    assert "Traceback" not in done.stderr + done.stdout
    assert done.stderr.splitlines() == [f"config root: {folder}", f"configs/hostile.yaml:{expected}"]
    assert done.stdout == "1 pipeline(s) valid, 1 problem(s)\n"
    assert done.returncode == 1


_TIME_EACH = """
import json, sys, time
from pathlib import Path
from xo_foundry.schemas.loader import load_pipelines
seconds = {}
for path in sys.argv[1:]:
    start = time.process_time()
    result = load_pipelines([Path(path)], root=Path(path).parent)
    seconds[path] = time.process_time() - start
    assert not result.ok
print(json.dumps(seconds))
"""


def test_each_hostile_file_is_refused_within_two_cpu_seconds(tmp_path: Path) -> None:
    # CPU seconds of the reading process, not wall time: the bound is on the work a hostile file makes the loader
    # do, and it holds on a busy machine, beside the other tests (a wall-clock bound would not).
    files: list[str] = []
    for index, (_, make, _) in enumerate(HOSTILE):
        path = tmp_path / f"hostile_{index}.yaml"
        make(path)
        files.append(str(path))
    done = subprocess.run(
        [sys.executable, "-c", _TIME_EACH, *files],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_cap_memory,
        check=True,
    )
    seconds = json.loads(done.stdout)
    assert len(seconds) == len(HOSTILE)
    slow = {path: round(s, 2) for path, s in seconds.items() if s > SECONDS}
    assert slow == {}, f"over {SECONDS} CPU seconds"
