"""A fresh checkout of this working tree in a temporary folder, as a new user's clone would be.

Copied from the files git tracks plus the new ones it does not ignore (so uncommitted work is tested too), then
committed into a new repository: the same tree a ``git clone`` of the branch gives once the work is committed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GIT = shutil.which("git") or "git"


def fresh_checkout(dest: Path) -> Path:
    """Copy the working tree's files (tracked and unignored) to ``dest`` and commit them there; returns ``dest``."""
    listed = subprocess.run(
        [GIT, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if not source.is_file():  # deleted in the working tree, not yet committed
            continue
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    git_env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "docs test",
        "GIT_AUTHOR_EMAIL": "docs@test.invalid",
        "GIT_COMMITTER_NAME": "docs test",
        "GIT_COMMITTER_EMAIL": "docs@test.invalid",
    }
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "fresh checkout"]):
        subprocess.run([GIT, *args], cwd=dest, env=git_env, check=True, capture_output=True)
    return dest
