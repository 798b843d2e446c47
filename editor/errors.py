"""The one error type users see: a file (or setting) and what is wrong with it."""

from __future__ import annotations

from pathlib import Path


class AutocutError(Exception):
    """A user-facing failure, printed by the CLI as one line: ``<where>: <reason>``."""

    def __init__(self, where: str | Path, reason: str) -> None:
        self.where = str(where)
        self.reason = reason
        super().__init__(f"{self.where}: {reason}")

    def __reduce__(self):
        """Pickled as its place and reason: it crosses from worker processes intact."""
        return (type(self), (self.where, self.reason))


class Terminated(KeyboardInterrupt):
    """The process was asked to stop (SIGTERM). It unwinds like Ctrl-C, so every temporary
    file is removed on the way out, and the CLI exits with 143."""
