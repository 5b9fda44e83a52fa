"""What only the local-folder store does: hard links, path safety, temp files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from xo_core.errors import ConfigError
from xo_core.storage.local import LocalObjectStore


class Boom(Exception):
    pass


@pytest.fixture
def local_store(tmp_path: Path) -> LocalObjectStore:
    return LocalObjectStore(tmp_path / "root")


def test_copy_is_a_hard_link_on_one_filesystem(local_store: LocalObjectStore) -> None:
    local_store.put_bytes("ingest", "d/x.csv", b"a\n1\n")
    local_store.copy("ingest", "d/x.csv", "stage", "d/x.csv")
    src = Path(local_store.uri("ingest", "d/x.csv"))
    dst = Path(local_store.uri("stage", "d/x.csv"))
    assert src.stat().st_ino == dst.stat().st_ino
    assert src.stat().st_nlink == 2


def test_copy_across_filesystems_copies_bytes(local_store: LocalObjectStore, tmp_path: Path) -> None:
    shm = Path("/dev/shm")
    if not shm.is_dir() or shm.stat().st_dev == tmp_path.stat().st_dev:
        pytest.skip("needs /dev/shm on another filesystem than the test's temp folder")
    elsewhere = shm / f"xo-test-{uuid.uuid4().hex[:8]}"
    elsewhere.mkdir()
    try:
        local_store.root.mkdir(parents=True)
        (local_store.root / "stage").symlink_to(elsewhere)  # the stage bucket lives on the other filesystem
        local_store.put_bytes("ingest", "x.csv", b"a\n1\n")
        info = local_store.copy("ingest", "x.csv", "stage", "x.csv")
        assert info.size == 4
        assert (elsewhere / "x.csv").read_bytes() == b"a\n1\n"
        assert [p.name for p in elsewhere.iterdir()] == ["x.csv"]  # no temp file left behind
    finally:
        shutil.rmtree(elsewhere)


@pytest.mark.parametrize(
    "key",
    [
        "../escape.csv",
        "a/../../escape.csv",
        "/etc/passwd",
        "a//b.csv",
        "a/b/",
        "",
        ".",
        "a\\..\\b.csv",
        ".tmp-x",
    ],
)
def test_keys_that_could_leave_the_bucket_are_refused(local_store: LocalObjectStore, key: str) -> None:
    with pytest.raises(ConfigError, match="is not allowed") as caught:
        local_store.put_bytes("bucket", key, b"x")
    assert repr(key) in str(caught.value)
    assert not local_store.root.exists() or not any(local_store.root.rglob("*.csv"))


@pytest.mark.parametrize("bucket", ["..", ".", "", "a/b", "a\\b"])
def test_bad_bucket_names_are_refused(local_store: LocalObjectStore, bucket: str) -> None:
    with pytest.raises(ConfigError, match="not allowed"):
        local_store.head(bucket, "x.csv")


def test_temp_files_are_not_listed_and_failed_writes_leave_none(local_store: LocalObjectStore) -> None:
    local_store.put_bytes("b", "d/kept.csv", b"1")
    with pytest.raises(Boom), local_store.open_write("b", "d/failed.csv") as handle:
        handle.write(b"partial")
        raise Boom
    assert sorted(p.name for p in (local_store.root / "b" / "d").iterdir()) == ["kept.csv"]
    # A temp file of a write still in progress (another process) is never listed.
    (local_store.root / "b" / "d" / ".tmp-inflight").write_bytes(b"half")
    assert [i.key for i in local_store.list("b", "")] == ["d/kept.csv"]


def test_write_in_progress_is_invisible(local_store: LocalObjectStore) -> None:
    local_store.put_bytes("b", "x.csv", b"old")
    with local_store.open_write("b", "x.csv") as handle:
        handle.write(b"new")
        handle.flush()
        assert local_store.get_bytes("b", "x.csv") == b"old"
    assert local_store.get_bytes("b", "x.csv") == b"new"


def test_uri_is_an_absolute_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    store = LocalObjectStore(Path("relative-root"))
    assert store.uri("b", "k/x.csv") == str(tmp_path.resolve() / "relative-root" / "b" / "k" / "x.csv")


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_objects_and_folders_are_private_whatever_the_umask(tmp_path: Path) -> None:
    """Objects hold client data: readable by their owner only, even under a umask of 022."""
    home = tmp_path / "home"  # created by the store, as XO_HOME is on a first run
    store = LocalObjectStore(home / "objects")
    old = os.umask(0o022)
    try:
        store.put_bytes("ingest", "warbyparker/gladly/x.csv", b"a\n1\n")
        with store.open_write("ingest", "warbyparker/y.csv") as handle:
            handle.write(b"b\n")
        store.copy("ingest", "warbyparker/gladly/x.csv", "stage", "deep/er/x.csv")
    finally:
        os.umask(old)
    for folder in (home, home / "objects", home / "objects" / "ingest", home / "objects" / "ingest" / "warbyparker"):
        assert _mode(folder) == 0o700, folder
    assert _mode(home / "objects" / "stage" / "deep" / "er") == 0o700
    for key in ("warbyparker/gladly/x.csv", "warbyparker/y.csv"):
        assert _mode(Path(store.uri("ingest", key))) == 0o600, key
    assert _mode(Path(store.uri("stage", "deep/er/x.csv"))) == 0o600


def _dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    with subprocess.Popen([sys.executable, "-c", "pass"]) as process:
        process.wait()
        return process.pid


def test_the_next_write_into_a_folder_removes_temps_of_dead_writers_only(local_store: LocalObjectStore) -> None:
    local_store.put_bytes("b", "d/x.csv", b"old")
    folder = local_store.root / "b" / "d"
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"]) as alive:
        try:
            dead = folder / f".tmp-{_dead_pid()}-{uuid.uuid4().hex}"
            living = folder / f".tmp-{alive.pid}-{uuid.uuid4().hex}"
            unnamed = folder / ".tmp-inflight"  # no pid in the name: not ours to judge
            elsewhere = local_store.root / "b" / f".tmp-{_dead_pid()}-{uuid.uuid4().hex}"
            for temp in (dead, living, unnamed, elsewhere):
                temp.write_bytes(b"half")
            local_store.copy("b", "d/x.csv", "b", "d/y.csv")
            assert not dead.exists()
            assert living.exists() and unnamed.exists() and elsewhere.exists()
        finally:
            alive.kill()
    local_store.put_bytes("b", "d/x.csv", b"new")
    assert not living.exists()
    assert sorted(p.name for p in folder.iterdir()) == [".tmp-inflight", "x.csv", "y.csv"]
