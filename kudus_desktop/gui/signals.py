"""The application-wide signal that carries what a service changed to every view."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class AppSignals(QObject):
    #: emitted with a core ``OpChanges`` after every successful mutation
    changed = Signal(object)
