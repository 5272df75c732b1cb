"""One exception root for the core; subclasses carry codes and data, never sentences.

The wording of every code lives in :mod:`kudus_desktop.core.rules.labels`, so the GUI can
translate it and the command line can print it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from kudus_desktop.core.rules.labels import describe, describe_issue

if TYPE_CHECKING:
    from kudus_desktop.core.rules.validation import Issue


class KudusError(Exception):
    """Root of every expected failure; ``code`` selects the message, ``params`` fill it."""

    def __init__(self, code: str, /, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params: dict[str, object] = params

    def __str__(self) -> str:
        return describe(self.code, self.params)


class DataDirError(KudusError):
    """The data directory cannot be created or written."""


class ClockError(KudusError):
    """The PC clock shows a date that cannot be right; nothing is written under it."""


class StorageError(KudusError):
    """The database file is missing, foreign, damaged or from a newer version."""


class SetupError(KudusError):
    """Initialising an installation failed or was refused."""


class AuthError(KudusError):
    """Log-in refused."""


class NotFoundError(KudusError):
    """A record asked for does not exist."""


class StateError(KudusError):
    """An operation does not fit the record's current state (e.g. ending an ended participation)."""


class ValidationError(KudusError):
    """Input broke one or more rules; ``issues`` names each field and rule."""

    def __init__(self, issues: Sequence[Issue]) -> None:
        first = issues[0] if issues else None
        super().__init__(first.code if first else "invalid", **(dict(first.params) if first else {}))
        self.issues = tuple(issues)

    def __str__(self) -> str:
        return " ".join(describe_issue(i) for i in self.issues)  # each is a sentence of its own


class CancelledError(KudusError):
    """A long job was cancelled by the user; shown to nobody."""

    def __init__(self) -> None:
        super().__init__("cancelled")
