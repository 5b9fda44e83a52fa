"""Shell integration: a child process cannot change its shell's directory, so `xo` is wrapped in a function.

Like zoxide and direnv, the user adds ``eval "$(xo init bash)"`` to their rc file; the function runs
``command xo cd --print ...`` and cd's into what it prints, and passes every other command through.
"""

from __future__ import annotations

SHELLS: tuple[str, ...] = ("bash", "zsh")

# POSIX enough for both bash and zsh; `command xo` reaches the executable, not this function.
_FUNCTION = """\
# xo shell integration ({shell}): add `eval "$(xo init {shell})"` to your {rc}
xo() {{
  if [ "$1" = "cd" ]; then
    shift
    local __xo_dir
    __xo_dir="$(command xo cd --print "$@")" || return $?
    builtin cd -- "$__xo_dir"
  else
    command xo "$@"
  fi
}}
"""

_RC_FILES = {"bash": "~/.bashrc", "zsh": "~/.zshrc"}


def init_script(shell: str) -> str:
    """The shell function for ``shell`` (one of ``SHELLS``); ``ValueError`` for any other shell."""
    if shell not in SHELLS:
        raise ValueError(f"unsupported shell {shell!r} (one of {', '.join(SHELLS)})")
    return _FUNCTION.format(shell=shell, rc=_RC_FILES[shell])
