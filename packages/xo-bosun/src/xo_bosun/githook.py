"""The git pre-commit hook `xo setup` installs: ``make lint`` before every commit."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Literal

MARKER = "# installed by `xo setup` (xo-bosun)"
HOOK_TEXT = f"""#!/bin/sh
{MARKER}: ruff check and ruff format --check before every commit.
# Skip once with `git commit --no-verify`.
cd "$(git rev-parse --show-toplevel)" || exit 1
exec make --no-print-directory lint
"""

HookOutcome = Literal["installed", "updated", "up to date", "replaced", "kept foreign hook", "not a git checkout"]


def hooks_dir(root: Path) -> Path | None:
    """Where git looks for hooks in ``root`` (respects core.hooksPath and worktrees); None outside git."""
    git = shutil.which("git")
    if git is None:
        return None
    done = subprocess.run([git, "rev-parse", "--git-path", "hooks"], cwd=root, capture_output=True, text=True)
    if done.returncode != 0:
        return None
    path = Path(done.stdout.strip())
    return path if path.is_absolute() else root / path


def install_hook(root: Path, *, force: bool = False) -> tuple[HookOutcome, Path | None]:
    """Install the pre-commit hook; a hook someone else wrote is kept unless ``force`` (then backed up)."""
    folder = hooks_dir(root)
    if folder is None:
        return "not a git checkout", None
    hook = folder / "pre-commit"
    outcome: HookOutcome = "installed"
    if hook.is_file():
        current = hook.read_text(encoding="utf-8", errors="replace")
        if current == HOOK_TEXT:
            return "up to date", hook
        if MARKER in current:
            outcome = "updated"
        else:
            if not force:
                return "kept foreign hook", hook
            hook.replace(hook.with_name("pre-commit.before-xo"))
            outcome = "replaced"
    folder.mkdir(parents=True, exist_ok=True)
    hook.write_text(HOOK_TEXT, encoding="utf-8")
    hook.chmod(0o755)
    return outcome, hook
