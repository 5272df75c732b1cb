"""Not one English word on screen in the Indonesian interface: every page of the village's and the
regency's window, every button and menu entry on them pressed, and every dialog that opens (the
application's own, Qt's message, input, file and print dialogs) read for its visible words.

A word is English when the English translation or Qt's own English texts use it and no Indonesian
text of ours or Qt's Indonesian translation does: "status" and "data" are both, "Cancel", "Look in"
and "Details" only English."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QGroupBox,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QToolButton,
    QTreeView,
    QTreeWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from kudus_desktop.core.enrolment.participants import ParticipantService
from kudus_desktop.core.paths import resource_path
from kudus_desktop.core.rules.records import UserView
from kudus_desktop.core.storage.db import Database
from kudus_desktop.gui import ops
from kudus_desktop.gui.main_window import MainWindow
from tests.conftest import TODAY, Office
from tests.factories import enrol_one, make_draft, send
from tests.gui.conftest import settle

I18N = resource_path("i18n")
WORD = re.compile(r"[A-Za-z]{3,}")
#: Names that are no language: the product, the agencies, file kinds, the lists' own names.
NAMES = {"kudus", "desktop", "bpjs", "ketenagakerjaan", "pdf", "excel", "xlsx", "csv", "ods", "zip", "usb", "dpmd",
         "dtks", "dtsen", "kpj", "jkk", "jkm", "nik", "apbd", "apbdes", "linmas", "bpd", "libreoffice", "windows",
         "sqlite", "postgresql", "ctrl", "shift", "esc", "enter", "qpdf", "inno", "setup"}  # fmt: skip


def _words(texts: Iterator[str]) -> set[str]:
    return {w.lower() for t in texts for w in WORD.findall(re.sub(r"<[^>]+>|&\w+;", " ", t))}


@cache
def vocabularies() -> tuple[set[str], set[str]]:
    """(English, Indonesian) words, from our translation file and Qt's."""
    ours = ET.parse(I18N / "kudus_en.ts").getroot()
    qt = ET.parse(I18N / "qt_id.ts").getroot()
    english = _words(m.findtext("translation") or "" for m in ours.iter("message"))
    english |= _words(m.findtext("source") or "" for m in qt.iter("message"))
    indonesian = _words(m.findtext("source") or "" for m in ours.iter("message"))
    indonesian |= _words(m.findtext("translation") or "" for m in qt.iter("message"))
    indonesian |= _words(iter(resource_path("kudus_wilayah.csv").read_text(encoding="utf-8").splitlines()))
    return english, indonesian | NAMES


#: A file or folder path, a file name: the clerk's own words, not the interface's.
PATH = re.compile(r"\S*[/\\]\S*|\S+\.(?:sqlite|pdf|xlsx|zip|kdp|kdr|kdu)\b")


def english_words(text: str) -> set[str]:
    english, indonesian = vocabularies()
    return {w for w in _words(iter([PATH.sub(" ", text)])) if w in english and w not in indonesian}


def widget_texts(root: QWidget) -> Iterator[str]:
    """What a person reads on ``root``: titles, labels, buttons, headers, items of choice, tips."""
    yield root.windowTitle()
    for w in [root, *root.findChildren(QWidget)]:
        if w is not root and not w.isVisibleTo(root):
            continue
        yield w.toolTip()
        if isinstance(w, QLabel | QAbstractButton):
            yield w.text()
        elif isinstance(w, QGroupBox):
            yield w.title()
        elif isinstance(w, QLineEdit):
            yield w.placeholderText()
        elif isinstance(w, QComboBox):
            yield from (w.itemText(i) for i in range(min(w.count(), 50)))
        elif isinstance(w, QTabWidget):
            yield from (w.tabText(i) for i in range(w.count()))
        if isinstance(w, QTreeWidget):
            header = w.headerItem()
            yield from (header.text(c) for c in range(header.columnCount()))
        elif isinstance(w, QTableView | QTreeView) and w.model() is not None:
            model = w.model()
            columns = model.columnCount(QModelIndex())
            yield from (str(model.headerData(c, Qt.Orientation.Horizontal) or "") for c in range(columns))
        for action in w.actions():
            yield action.text()
            yield action.toolTip()
        menu = w.menu() if isinstance(w, QPushButton | QToolButton) else None
        if menu is not None:
            yield from menu_texts(menu)


def menu_texts(menu: QMenu) -> Iterator[str]:
    yield menu.title()
    for action in menu.actions():
        yield action.text()
        if action.menu() is not None:
            yield from menu_texts(action.menu())  # type: ignore[arg-type]


class Reader:
    """Reads every dialog that opens instead of letting it wait for a person."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.seen: dict[str, set[str]] = {}
        self.dialogs = 0
        self.depth = 0
        read = self.read

        def dialog_exec(dialog: QDialog) -> int:
            read(dialog)
            return 0

        def dialog_open(dialog: QDialog) -> None:
            read(dialog)

        def file_dialog(mode: QFileDialog.FileMode) -> Callable[..., Any]:
            def ask(parent: QWidget | None = None, caption: str = "", *_a: Any, **_k: Any) -> Any:
                box = QFileDialog(parent, caption)
                box.setOption(QFileDialog.Option.DontUseNativeDialog)  # Qt's own, the one Linux shows
                box.setFileMode(mode)
                read(box)
                box.deleteLater()
                return "" if mode == QFileDialog.FileMode.Directory else ("", "")

            return ask

        def input_dialog(empty: Any) -> Callable[..., Any]:
            def ask(parent: QWidget | None = None, title: str = "", label: str = "", *_a: Any, **_k: Any) -> Any:
                box = QInputDialog(parent)
                box.setWindowTitle(title)
                box.setLabelText(label)
                read(box)
                box.deleteLater()
                return empty, False

            return ask

        for cls in (QDialog, QMessageBox, QPrintDialog, QPrintPreviewDialog):
            monkeypatch.setattr(cls, "exec", dialog_exec)
        monkeypatch.setattr(QDialog, "open", dialog_open)
        monkeypatch.setattr(QFileDialog, "getOpenFileName", file_dialog(QFileDialog.FileMode.ExistingFile))
        monkeypatch.setattr(QFileDialog, "getOpenFileNames", file_dialog(QFileDialog.FileMode.ExistingFiles))
        monkeypatch.setattr(QFileDialog, "getSaveFileName", file_dialog(QFileDialog.FileMode.AnyFile))
        monkeypatch.setattr(QFileDialog, "getExistingDirectory", file_dialog(QFileDialog.FileMode.Directory))
        for name, empty in (("getText", ""), ("getMultiLineText", ""), ("getDouble", 0.0), ("getInt", 0),
                            ("getItem", "")):  # fmt: skip
            monkeypatch.setattr(QInputDialog, name, input_dialog(empty))

    def read(self, widget: QWidget) -> None:
        """Shown for a moment (so that what it shows is laid out), read, its own buttons pressed
        once (what they open is read in turn, one level deep), read again, and closed unanswered."""
        self.dialogs += 1
        widget.show()
        QApplication.processEvents()
        where = f"{type(widget).__name__} {widget.windowTitle()!r}"
        self.add(where, widget_texts(widget))
        if self.depth == 0 and not isinstance(widget, QMessageBox | QFileDialog | QInputDialog | QPrintDialog):
            self.depth += 1
            try:
                press_buttons(None, widget, set(), widget.show)
                ops.wait_idle()
                QApplication.processEvents()
                self.add(where, widget_texts(widget))
            finally:
                self.depth -= 1
        widget.hide()

    def add(self, where: str, texts: Iterator[str]) -> None:
        for text in texts:
            found = english_words(text or "")
            if found:
                self.seen.setdefault(where, set()).update(f"{w!r} in {text[:70]!r}" for w in found)


#: Buttons not pressed: they leave the window (the next log-in) or end the application.
LEAVE = {"&Keluar", "Ganti &pengguna…", "Keluar", "Tutup", "Batal"}


def press_buttons(qtbot: QtBot | None, root: QWidget, done: set[str], back: Callable[[], None]) -> int:
    """Press every visible, enabled button and menu entry of ``root`` once (each tab of its tab
    widgets in turn); ``back`` returns to ``root`` after a press that led elsewhere."""
    pressed = 0
    tabs = [t for t in root.findChildren(QTabWidget) if t.isVisibleTo(root)]
    for tab, index in [(None, 0)] + [(t, i) for t in tabs for i in range(t.count())]:
        if tab is not None:
            tab.setCurrentIndex(index)
        for view in root.findChildren(QAbstractItemView):  # what needs a selected row is enabled
            if view.isVisibleTo(root) and view.model() is not None and view.model().rowCount():
                view.setCurrentIndex(view.model().index(0, 0))
        for button in root.findChildren(QAbstractButton):
            if not shiboken6.isValid(button):  # a list rebuilt by an earlier press
                continue
            name = f"{type(button).__name__}/{button.objectName()}/{button.text()}/{button.toolTip()}"
            if name in done or not (button.isVisibleTo(root) and button.isEnabled()):
                continue
            if button.text() in LEAVE or (not button.text() and not isinstance(button, QToolButton)):
                continue
            done.add(name)
            menu = button.menu() if isinstance(button, QPushButton | QToolButton) else None
            actions = [a for a in menu.actions() if a.isEnabled() and not a.isSeparator()] if menu else []
            if isinstance(button, QToolButton) and button.defaultAction() is not None and not actions:
                actions = [button.defaultAction()]
            for action in actions or [None]:
                if not shiboken6.isValid(button):
                    break
                if action is None:
                    button.click()
                else:
                    action.trigger()
                pressed += 1
                if qtbot is not None:
                    settle(qtbot)
                back()
    return pressed


def press_everything(qtbot: QtBot, window: MainWindow, reader: Reader, keys: list[str]) -> int:
    pressed = 0
    done: set[str] = set()
    for key in keys:
        window.show_page(key)
        settle(qtbot)
        page = window.pages.currentWidget()
        reader.add(f"page {key}", widget_texts(page))
        pressed += press_buttons(qtbot, page, done, lambda key=key: window.show_page(key))  # type: ignore[misc]
        reader.add(f"page {key}", widget_texts(page))  # with what the presses showed (errors, results)
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        reader.add(f"menu {menu_action.text()}", menu_texts(menu))  # type: ignore[arg-type]
        for action in menu.actions():  # type: ignore[union-attr]
            if action.isSeparator() or not action.isEnabled() or action.text() in LEAVE:
                continue
            action.trigger()
            pressed += 1
            settle(qtbot)
    if window.help_window is not None:
        reader.add("guide window", widget_texts(window.help_window))
        window.help_window.close()
    return pressed


@pytest.fixture
def reader(monkeypatch: pytest.MonkeyPatch, qt_indonesian: None) -> Reader:
    return Reader(monkeypatch)


def test_a_village_window_shows_no_english_word(qtbot: QtBot, reader: Reader, db: Database, admin: UserView) -> None:
    service = ParticipantService(db, admin, today=lambda: TODAY)
    for n in range(1, 6):
        service.create(make_draft(n))
    window = MainWindow(db, admin, today=lambda: TODAY)
    qtbot.addWidget(window)
    window.resize(1366, 728)
    window.show()
    keys = [window.navigation.item(r).data(Qt.ItemDataRole.UserRole) for r in range(window.navigation.count())]
    pressed = press_everything(qtbot, window, reader, keys)
    assert pressed >= 40 and reader.dialogs >= 25, (pressed, reader.dialogs)  # the walk reached the dialogs
    assert not reader.seen, "\n".join(f"{where}: {sorted(words)}" for where, words in reader.seen.items())


def test_a_regency_window_shows_no_english_word(
    qtbot: QtBot, reader: Reader, three_villages: dict[str, Office], tmp_path: Path
) -> None:
    a, b, kab = three_villages["a"], three_villages["b"], three_villages["kab"]
    enrol_one(a, 1, start_date="01/11/2026")
    enrol_one(b, 1, start_date="15/11/2026")  # the same NIK in another village: a case on Ganda
    send(a, kab, tmp_path / "stick")
    send(b, kab, tmp_path / "stick")
    window = MainWindow(kab.db, kab.user, today=lambda: TODAY)
    qtbot.addWidget(window)
    window.resize(1366, 728)
    window.show()
    keys = [window.navigation.item(r).data(Qt.ItemDataRole.UserRole) for r in range(window.navigation.count())]
    pressed = press_everything(qtbot, window, reader, keys)
    assert pressed >= 30 and reader.dialogs >= 15, (pressed, reader.dialogs)
    assert not reader.seen, "\n".join(f"{where}: {sorted(words)}" for where, words in reader.seen.items())


def test_the_detector_knows_english_from_indonesian() -> None:
    """So that the walk can fail: Qt's English words are caught, ours and the shared ones are not."""
    assert english_words("Look in: Cancel") == {"look", "cancel"}
    assert english_words("Files of type: Detail View") >= {"files", "view"}
    assert not english_words("Simpan daftar peserta, status data, Kudus Desktop, Batal")
