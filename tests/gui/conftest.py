"""GUI fixtures: offscreen Qt, isolated QSettings, a main window over a real database."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from kudus_desktop.core.db import Database
from kudus_desktop.core.participants import ParticipantService
from kudus_desktop.core.views import UserView
from kudus_desktop.gui.main_window import MainWindow
from kudus_desktop.gui.theme import apply_theme
from tests.conftest import TODAY


@pytest.fixture(scope="session", autouse=True)
def themed_app(qapp: Any) -> None:
    apply_theme(qapp)


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path) -> None:
    """Each test gets its own preferences file, never the developer's."""
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))


@pytest.fixture(autouse=True)
def message_boxes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """No real message box may block a test: each is recorded and closed unanswered."""
    shown: list[str] = []

    def fake_exec(box: QMessageBox) -> int:
        shown.append(box.text())
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    return shown


@pytest.fixture
def window(qtbot: QtBot, db: Database, admin: UserView) -> Iterator[MainWindow]:
    w = MainWindow(db, admin, today=lambda: TODAY)
    qtbot.addWidget(w)
    w.resize(1366, 740)
    w.show()
    yield w


@pytest.fixture
def gui_service(window: MainWindow) -> ParticipantService:
    return window.participants


@pytest.fixture
def drive(monkeypatch: pytest.MonkeyPatch) -> Callable[[type[QDialog], Callable[[Any], None]], None]:
    """Replace a dialog class's blocking exec() with a function that fills it in."""

    def install(cls: type[QDialog], action: Callable[[Any], None]) -> None:
        def fake_exec(self: QDialog) -> int:
            self.show()
            action(self)
            return self.result()

        monkeypatch.setattr(cls, "exec", fake_exec)

    return install
