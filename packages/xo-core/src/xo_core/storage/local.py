"""The local-folder object store: a bucket is a folder under ``root``, a key a relative path inside it.

Every write goes to a ``.tmp-`` file beside the target and is renamed into place only on success, so a reader
sees the old object or the new one, never half of one. Objects are written 0600 in folders made 0700
(``xo_core.private_files``): they are client data. Because writes replace the file (a new inode), a hard
link made by ``copy`` keeps the content it was made with when the source is later rewritten.

A writer killed before its rename (SIGKILL, OOM) leaves its temp file behind. Temp names carry the writer's pid
(``.tmp-<pid>-<random>``), and every write into a folder first removes the temp files there whose process is
gone, so the next write to the same place (a rerun) cleans up. A temp whose pid is alive (or reused by another
process) is kept: a live writer's file is never touched. The store is therefore meant for one machine's processes.

A write or copy that runs out of room (``ENOSPC``, ``EDQUOT``, or ``EFBIG`` past a file size limit) removes its
temp file and raises ``TerminalError`` naming the object and the folder to free: the previous object stays.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import uuid
from collections.abc import Generator, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import BinaryIO

from xo_core.errors import ConfigError, TerminalError
from xo_core.private_files import PRIVATE_FILE_MODE, make_private_dirs, open_private
from xo_core.storage.base import ObjectInfo

TEMP_PREFIX = ".tmp-"
# Out of room: more of the same write will not fit until someone frees space, so no retry (TerminalError).
_NO_ROOM = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def _check_part(part: str, what: str, whole: str) -> None:
    if part in {"", ".", ".."} or part.startswith(TEMP_PREFIX) or "\\" in part or "\x00" in part:
        raise ConfigError(
            f"{what} {whole!r} is not allowed: no empty, '.' or '..' parts, "
            f"no backslash, no names starting with {TEMP_PREFIX!r}"
        )


def _temp_path(directory: Path) -> Path:
    _remove_orphan_temps(directory)
    return directory / f"{TEMP_PREFIX}{os.getpid()}-{uuid.uuid4().hex}"


def _process_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0 checks that the process exists without signalling it
    except ProcessLookupError:
        return True
    except PermissionError:  # it exists, under another user
        return False
    return False


def _remove_orphan_temps(directory: Path) -> None:
    """Remove the temp files in ``directory`` whose writer process no longer exists."""
    with os.scandir(directory) as scan:
        temps = [entry.name for entry in scan if entry.name.startswith(TEMP_PREFIX)]
    for name in temps:
        pid = name[len(TEMP_PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and _process_gone(int(pid)):
            (directory / name).unlink(missing_ok=True)


def _no_room(exc: BaseException, uri: str, root: Path) -> TerminalError | None:
    """The platform error for a write that ran out of room, or None for any other error."""
    if not isinstance(exc, OSError) or exc.errno not in _NO_ROOM:
        return None
    return TerminalError(
        f"no room to write {uri}: {exc.strerror or exc} (errno {errno.errorcode.get(exc.errno or 0, exc.errno)});"
        f" nothing was published there: free space under {root} and rerun"
    )


class LocalObjectStore:
    """Objects as files under ``root/<bucket>/<key>``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()

    def _bucket_dir(self, bucket: str) -> Path:
        if "/" in bucket:
            raise ConfigError(f"bucket {bucket!r} is not allowed: a bucket is one folder name")
        _check_part(bucket, "bucket", bucket)
        return self.root / bucket

    def _path(self, bucket: str, key: str) -> Path:
        # Checked part by part so no key can leave the bucket folder (``..``, absolute paths, ``C:\``).
        if key.startswith("/"):
            raise ConfigError(f"key {key!r} is not allowed: keys are relative and never start with '/'")
        for part in key.split("/"):
            _check_part(part, "key", key)
        return self._bucket_dir(bucket).joinpath(*key.split("/"))

    @contextmanager
    def _atomic_file(self, path: Path) -> Generator[BinaryIO]:
        make_private_dirs(path.parent)
        temp = _temp_path(path.parent)
        fd = open_private(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
        try:
            # closefd=False: a TextIOWrapper closing the handle inside the block must not lose the fsync.
            with os.fdopen(fd, "wb", closefd=False) as handle:
                yield handle
            os.fsync(fd)
            os.close(fd)
            fd = -1
            temp.replace(path)
        except BaseException as exc:
            if fd >= 0:
                os.close(fd)
            temp.unlink(missing_ok=True)
            error = _no_room(exc, str(path), self.root)
            if error is not None:
                raise error from exc
            raise

    def open_write(self, bucket: str, key: str) -> AbstractContextManager[BinaryIO]:
        """A writer that renames its temp file onto ``key`` only when the block exits without error."""
        return self._atomic_file(self._path(bucket, key))

    @contextmanager
    def _reader(self, path: Path, uri: str) -> Generator[BinaryIO]:
        try:
            handle = path.open("rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
            raise TerminalError(f"no object at {uri}") from exc
        with handle:
            yield handle

    def open_read(self, bucket: str, key: str) -> AbstractContextManager[BinaryIO]:
        """A streaming reader of the whole file."""
        return self._reader(self._path(bucket, key), self.uri(bucket, key))

    def read_range(self, bucket: str, key: str, start: int, length: int) -> bytes:
        """Bytes ``[start, start + length)``; fewer (or none) at the end of the file."""
        if start < 0 or length < 0:
            raise ValueError(f"read_range needs start >= 0 and length >= 0, got {start}, {length}")
        with self.open_read(bucket, key) as handle:
            handle.seek(start)
            return handle.read(length)

    def copy(self, src_bucket: str, src_key: str, dst_bucket: str, dst_key: str) -> ObjectInfo:
        """Hard-link (or, across filesystems, byte-copy) the source onto the destination atomically."""
        src = self._path(src_bucket, src_key)
        dst = self._path(dst_bucket, dst_key)
        if not src.is_file():
            raise TerminalError(f"no object at {self.uri(src_bucket, src_key)} to copy")
        if src == dst:
            return ObjectInfo(dst_bucket, dst_key, src.stat().st_size)
        make_private_dirs(dst.parent)
        temp = _temp_path(dst.parent)
        try:
            try:
                temp.hardlink_to(src)
            except OSError as exc:
                # Another filesystem, or one without hard links: fall back to copying the bytes.
                if exc.errno not in {errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EACCES}:
                    raise
                shutil.copyfile(src, temp)
                temp.chmod(PRIVATE_FILE_MODE)
            temp.replace(dst)
        except BaseException as exc:
            temp.unlink(missing_ok=True)
            error = _no_room(exc, str(dst), self.root)
            if error is not None:
                raise error from exc
            raise
        return ObjectInfo(dst_bucket, dst_key, dst.stat().st_size)

    def put_bytes(self, bucket: str, key: str, data: bytes) -> ObjectInfo:
        """Write a small object atomically."""
        with self.open_write(bucket, key) as handle:
            handle.write(data)
        return ObjectInfo(bucket, key, len(data))

    def get_bytes(self, bucket: str, key: str) -> bytes:
        """Read a small object whole."""
        with self.open_read(bucket, key) as handle:
            return handle.read()

    def head(self, bucket: str, key: str) -> ObjectInfo | None:
        """The file's size, or None when there is no file at ``key``."""
        try:
            info = self._path(bucket, key).stat()
        except (FileNotFoundError, NotADirectoryError):
            return None
        if not stat.S_ISREG(info.st_mode):
            return None
        return ObjectInfo(bucket, key, info.st_size)

    def list(self, bucket: str, prefix: str) -> Iterator[ObjectInfo]:
        """Every file whose key starts with ``prefix``, in key order, temp files left out."""
        top = self._bucket_dir(bucket)
        if top.is_dir():
            yield from self._walk(bucket, top, "", prefix)

    def _walk(self, bucket: str, directory: Path, key_prefix: str, prefix: str) -> Iterator[ObjectInfo]:
        with os.scandir(directory) as scan:
            entries = [e for e in scan if not e.name.startswith(TEMP_PREFIX)]
        # A folder sorts as ``name/`` so the walk yields keys in plain string order (``a-b`` before ``a/c``).
        entries.sort(key=lambda e: e.name + "/" if e.is_dir(follow_symlinks=False) else e.name)
        for entry in entries:
            key = key_prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                folder = key + "/"
                if folder.startswith(prefix) or prefix.startswith(folder):
                    yield from self._walk(bucket, Path(entry.path), folder, prefix)
            elif entry.is_file(follow_symlinks=False) and key.startswith(prefix):
                yield ObjectInfo(bucket, key, entry.stat(follow_symlinks=False).st_size)

    def delete(self, bucket: str, key: str) -> None:
        """Remove the file; nothing happens when it is already gone."""
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            self._path(bucket, key).unlink()

    def uri(self, bucket: str, key: str) -> str:
        """The file's absolute path."""
        return str(self._path(bucket, key))
