"""The one error tree of XO-Data.

    XoError                      base of every error the platform raises on purpose
    ├── ConfigError              bad configuration; carries where (file, line, dotted field)
    ├── TransientError           may succeed if tried again: 429, 5xx, timeouts, resets
    │                            (Airflow retries the task)
    └── TerminalError            will fail again the same way: bad credentials, bad input,
        │                        a silent row cap, a row count that disagrees (fail now)
        ├── CredentialError      a credential was not found; names every place looked
        ├── SourceDataError      a source answered with something that is not the data
        │   │                    (error text instead of CSV, a ragged or undecodable file)
        │   └── ContractError    a file's header drifted from its source's column contract
        │                        and the contract's ``on_drift`` is ``fail``
        ├── InputMissing         an awaited input (an upload, an e-mail) is not there, after
        │                        any wait; ``skip`` says the run of that source is skipped
        └── LoadError            a warehouse load was refused and rolled back

Callers catch ``TransientError`` to retry and let everything else fail the task.
"""

from __future__ import annotations


class XoError(Exception):
    """Base of every error the platform raises on purpose."""


class ConfigError(XoError):
    """A configuration problem at a known place: ``PATH:LINE: dotted.field: message``."""

    def __init__(self, message: str, *, path: str = "", line: int | None = None, field: str = "") -> None:
        self.path = path
        self.line = line
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where = f"{where}:{self.line}"
        parts = [p for p in (where, self.field, self.message) if p]
        return ": ".join(parts)


class TransientError(XoError):
    """May succeed if tried again (rate limits, server errors, timeouts, resets)."""


class TerminalError(XoError):
    """Will fail again the same way: retrying does not help."""


class CredentialError(TerminalError):
    """A credential was not found or was refused."""


class SourceDataError(TerminalError):
    """A source answered with something that is not the expected data."""


class ContractError(SourceDataError):
    """A staged header drifted from its source's column contract (``on_drift: fail``); nothing was loaded."""


class LoadError(TerminalError):
    """A warehouse load was refused; the table was left as it was."""


class InputMissing(TerminalError):
    """An awaited input (an upload, an e-mail attachment) is not there, after any wait.

    ``skip`` is True when the source's ``on_missing`` is ``skip``: under Airflow the task then ends skipped
    (and the tasks after it skip visibly) instead of failed.
    """

    def __init__(self, message: str, *, skip: bool = False) -> None:
        self.skip = skip
        super().__init__(message)
