"""Config problems as a person reads them: ``PATH:LINE: dotted.field: message``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xo_core.errors import ConfigError


@dataclass(frozen=True)
class ConfigProblem:
    """One problem of one config file, at a line and a dotted field."""

    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class ConfigErrors(ConfigError):
    """Every problem of a config file at once; ``str()`` is one problem per line."""

    def __init__(self, problems: Sequence[ConfigProblem]) -> None:
        self.problems: list[ConfigProblem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
