"""Local state readable by its owner only: folders 0700, files 0600, whatever the umask.

XO_HOME holds client data (the object store's files, DuckDB files) and logs that may quote it; on a shared
machine the usual umask (022) would make all of it world-readable.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def make_private_dirs(path: Path) -> None:
    """Create ``path`` and its missing parents, each 0700; folders that exist already are left as they are
    (they may be the user's, like the checkout holding XO_HOME)."""
    missing: list[Path] = []
    current = path
    while not current.is_dir():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_DIR_MODE)
        except FileExistsError:
            continue  # made meanwhile by another process, or a file there: the next step says which
        # mkdir's mode is masked by the umask; the folder is ours, so set it exactly.
        folder.chmod(PRIVATE_DIR_MODE)


def open_private(path: Path, flags: int) -> int:
    """``os.open`` creating ``path`` 0600 (the umask can only remove bits of that)."""
    return os.open(path, flags, PRIVATE_FILE_MODE)
