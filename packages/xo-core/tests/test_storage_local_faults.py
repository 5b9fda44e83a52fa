"""The local store when the disk is full: a clear error naming the object, nothing published, a rerun heals.

The disk really fills, in a child process, two ways:
- ENOSPC: a 3 MiB tmpfs mounted in a user and mount namespace of its own (``unshare --user --map-root-user
  --mount``, no root needed where unprivileged user namespaces are enabled; man 7 user_namespaces), 2 MiB of it
  taken by another file, so the write fails in the kernel exactly as on a full volume.
- EFBIG: ``RLIMIT_FSIZE`` (man 2 setrlimit) of 1 MiB; Python ignores SIGXFSZ, so the write past it fails with
  EFBIG instead of killing the process. It works everywhere, namespaces or not.
Both go through the same path: ``write``/``fsync`` raise ``OSError`` inside the store's atomic writer.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

MIB = 1024 * 1024

_CHILD = """
import json, os, resource, sys
from pathlib import Path
from xo_core.storage.local import LocalObjectStore

root, how = Path(sys.argv[1]), sys.argv[2]
store = LocalObjectStore(root)
store.put_bytes("xo-ingest", "wbp/contacts.csv", b"previous\\n")
if how == "tmpfs":
    ballast = root / "someone-elses-file"
    ballast.write_bytes(b"b" * (2 * 1024 * 1024))
else:
    resource.setrlimit(resource.RLIMIT_FSIZE, (1024 * 1024, resource.RLIM_INFINITY))


def write() -> None:
    with store.open_write("xo-ingest", "wbp/contacts.csv") as handle:
        for _ in range(2 * 1024):  # 2 MiB, streamed a KiB at a time like the extractors' csv writer
            handle.write(b"x" * 1023 + b"\\n")


report = {}
try:
    write()
    report["first"] = "written"
except Exception as exc:
    report["first"] = f"{type(exc).__name__}: {exc}"
report["left"] = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
report["object"] = store.get_bytes("xo-ingest", "wbp/contacts.csv")[:20].decode()
# Someone frees space (or the limit is lifted); the rerun heals.
if how == "tmpfs":
    ballast.unlink()
else:
    resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
write()
report["rerun_size"] = store.head("xo-ingest", "wbp/contacts.csv").size
print(json.dumps(report))
"""


def _user_namespaces_work() -> bool:
    unshare = shutil.which("unshare")
    if unshare is None:
        return False
    probe = subprocess.run([unshare, "--user", "--map-root-user", "--mount", "true"], capture_output=True, check=False)
    return probe.returncode == 0


def _run_child(root: Path, how: str) -> dict[str, Any]:
    command = [sys.executable, "-c", _CHILD, str(root), how]
    if how == "tmpfs":
        root.mkdir(parents=True)
        mount = 'mount -t tmpfs -o size=3m,mode=0700 xo-full "$1" && shift && exec "$@"'
        unshare = [shutil.which("unshare") or "unshare", "--user", "--map-root-user", "--mount"]
        command = [*unshare, "sh", "-c", mount, "sh", str(root), *command]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("how", ["tmpfs", "fsize"])
def test_a_full_disk_fails_the_write_naming_the_object_and_publishes_nothing(tmp_path: Path, how: str) -> None:
    if how == "tmpfs" and not _user_namespaces_work():
        pytest.skip("unprivileged user namespaces are disabled here; the fsize case covers the same path")
    root = tmp_path / "objects"
    report = _run_child(root, how)

    target = root / "xo-ingest" / "wbp" / "contacts.csv"
    errno_name = "ENOSPC" if how == "tmpfs" else "EFBIG"
    assert report["first"].startswith(f"TerminalError: no room to write {target}:")
    assert f"errno {errno_name}" in report["first"] and f"free space under {root}" in report["first"]
    # Nothing published: the previous object is untouched and no temp file is left beside it.
    assert report["object"] == "previous\n"
    assert [p for p in report["left"] if p != "someone-elses-file"] == ["xo-ingest/wbp/contacts.csv"]
    assert report["rerun_size"] == 2 * MIB
