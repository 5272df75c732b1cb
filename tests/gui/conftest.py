"""GUI fixtures: offscreen Qt, isolated QSettings, a main window over a real database."""

from __future__ import annotations

import os
import re
import subprocess
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from kudus_desktop.core.enrolment.participants import ParticipantService
from kudus_desktop.core.rules.records import UserView
from kudus_desktop.core.storage.db import Database
from kudus_desktop.gui import app as app_module
from kudus_desktop.gui import ops, preferences
from kudus_desktop.gui.main_window import MainWindow
from kudus_desktop.gui.theme import apply_theme
from tests.conftest import TODAY


def until(qtbot: QtBot, condition: Callable[[], object]) -> None:
    """Wait, on the database jobs' own signal and never on a clock, until ``condition`` holds.

    Each job's result is handled on this thread, so the condition can only change while the
    wait below runs the event loop; when no job is left and it still does not hold, it never will.
    """
    while not condition():
        if not ops.running():
            qtbot.wait(0)  # events already posted (a timer, a repaint) run first
            if condition():
                return
            if not ops.running():
                raise AssertionError("no database job left to wait for, and the condition does not hold")
        with qtbot.waitSignal(ops.jobs().settled, timeout=None):
            pass


def settle(qtbot: QtBot) -> None:
    """Wait until every database job started so far (and any it started) has been handled: what
    a click on a dialog's Save leaves running."""
    until(qtbot, lambda: not ops.running())


#: Waits that cannot follow a job (the idle timer, the online sync's own thread) get a cap far
#: beyond what a busy two-core machine needs; they still return as soon as the condition holds.
SLOW_MACHINE_MS = 120_000


@pytest.fixture(autouse=True)
def patient_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    wait_until, wait_signal = QtBot.waitUntil, QtBot.waitSignal

    def waitUntil(self: QtBot, callback: Callable[[], object], *, timeout: int = SLOW_MACHINE_MS) -> None:
        wait_until(self, callback, timeout=max(timeout, SLOW_MACHINE_MS))  # type: ignore[arg-type]

    def waitSignal(self: QtBot, signal: Any, *, timeout: int | None = SLOW_MACHINE_MS, **kw: Any) -> Any:
        return wait_signal(self, signal, timeout=None if timeout is None else max(timeout, SLOW_MACHINE_MS), **kw)

    monkeypatch.setattr(QtBot, "waitUntil", waitUntil)
    monkeypatch.setattr(QtBot, "waitSignal", waitSignal)


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
def drive(monkeypatch: pytest.MonkeyPatch, qtbot: QtBot) -> Callable[[type[QDialog], Callable[[Any], None]], None]:
    """Replace a dialog class's blocking exec() with a function that fills it in; as exec() does,
    it returns once what the dialog started (its save, on the database thread) is done."""

    def install(cls: type[QDialog], action: Callable[[Any], None]) -> None:
        def fake_exec(self: QDialog) -> int:
            self.show()
            action(self)
            settle(qtbot)
            return self.result()

        monkeypatch.setattr(cls, "exec", fake_exec)

    return install


QT_TS = Path(__file__).resolve().parents[2] / "resources" / "i18n" / "qt_id.ts"


@pytest.fixture
def qt_indonesian(tmp_path: Path, qapp: QApplication, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Qt's own words (context menus, standard buttons, file and print dialogs) in Indonesian, from
    the shipped translation built afresh, as the application installs it at start."""
    qm = tmp_path / "qt_id.qm"
    subprocess.run([Path(sys.executable).parent / "pyside6-lrelease", "-silent", QT_TS, "-qm", qm], check=True)
    monkeypatch.setattr(app_module, "qt_translation_file", lambda _lang: qm)
    translator = app_module.install_qt_translator(qapp, preferences.DEFAULT_LANGUAGE)
    assert translator is not None
    yield
    QCoreApplication.removeTranslator(translator)


def cells_without_stored_dates(qtbot: QtBot, window: MainWindow, keys: Sequence[str], *, rows: int) -> int:
    """Visit each page and read the first ``rows`` rows of its visible lists: no cell may show a
    stored date (2026-12-03, 2026-12) instead of 03/12/2026 or Desember 2026. Returns the cells read."""
    from PySide6.QtWidgets import QTableView

    stored = re.compile(r"\b\d{4}-\d{2}(-\d{2})?\b")
    seen = 0
    for key in keys:
        window.show_page(key)
        settle(qtbot)
        for view in window.findChildren(QTableView):
            model = view.model()
            if not view.isVisible() or model is None:
                continue
            for row in range(min(model.rowCount(), rows)):
                for col in range(model.columnCount()):
                    text = str(model.index(row, col).data() or "")
                    seen += 1
                    assert not stored.search(text), f"{key}: {view.objectName()} shows {text!r}"
    return seen
