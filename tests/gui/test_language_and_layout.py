"""English through Qt Linguist, and a window that fits a 1366x768 office screen."""

import itertools
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QSize
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kudus_desktop.core.enrolment.participants import ParticipantService
from kudus_desktop.core.paths import resource_path
from kudus_desktop.gui import app as app_module
from kudus_desktop.gui import preferences
from kudus_desktop.gui.main_window import MainWindow
from kudus_desktop.gui.village.participant_dialog import ParticipantDialog
from kudus_desktop.gui.village.status_dialogs import EndParticipationDialog
from tests.factories import make_draft
from tests.gui.conftest import cells_without_stored_dates, settle, until

ROOT = Path(__file__).resolve().parents[2]
TS = resource_path("i18n", "kudus_en.ts")
TOOLS = Path(sys.executable).parent


def _sources(ts: Path) -> dict[tuple[str, str], str | None]:
    out = {}
    for ctx in ET.parse(ts).getroot().iter("context"):
        name = ctx.findtext("name") or ""
        for m in ctx.iter("message"):
            tr = m.find("translation")
            done = tr is not None and tr.get("type") not in ("unfinished", "obsolete") and tr.text
            out[(name, m.findtext("source") or "")] = tr.text if done and tr is not None else None
    return out


def test_every_interface_text_is_in_the_ts_file_and_translated(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.ts"
    # Every source file that marks text for translation, in any folder: a page moved into a subfolder
    # is still checked.
    marks = re.compile(r"\.tr\(|QCoreApplication\.translate\(|QT_TRANSLATE_NOOP\(")
    sources = [p for p in sorted((ROOT / "kudus_desktop").rglob("*.py")) if marks.search(p.read_text(encoding="utf-8"))]
    assert ROOT / "kudus_desktop" / "core" / "rules" / "labels.py" in sources and len(sources) > 20
    subprocess.run([TOOLS / "pyside6-lupdate", *sources, "-ts", fresh], check=True, capture_output=True)
    committed = _sources(TS)
    missing = set(_sources(fresh)) - set(committed)
    assert not missing, f"run pyside6-lupdate and translate: {sorted(missing)[:5]}"
    untranslated = [k for k, v in committed.items() if v is None and k in _sources(fresh)]
    assert not untranslated, f"untranslated: {untranslated[:5]}"


@pytest.fixture
def english(tmp_path: Path, qapp: QApplication, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    qm = tmp_path / "kudus_en.qm"
    subprocess.run([TOOLS / "pyside6-lrelease", "-silent", TS, "-qm", qm], check=True)
    monkeypatch.setattr(app_module, "translation_file", lambda _lang: qm)
    preferences.set_language("en")
    translator = app_module.install_translator(qapp, preferences.language())
    assert translator is not None
    yield
    QCoreApplication.removeTranslator(translator)


def test_english_can_be_chosen(english: None, qtbot: QtBot, db: Any, admin: Any) -> None:
    window = MainWindow(db, admin)
    qtbot.addWidget(window)
    nav = [window.navigation.item(i).text() for i in range(window.navigation.count())]
    assert nav == ["Home", "Participants", "Approval", "Premiums", "Import", "Sync", "Settings"]
    assert window.participants_page.add_action.text() == "Add participant"
    settle(qtbot)
    assert window.participants_page.count_label.text() == "0 participants"
    assert "Administrator" in window.user_label.text()
    service: ParticipantService = window.participants
    pid, _ = service.create(make_draft(1))
    dialog = EndParticipationDialog(service, service.get(pid))
    qtbot.addWidget(dialog)
    assert dialog.ok_button.text() == "Save"  # text from the shared base class
    assert dialog.reason.itemText(1) == "Died"
    form = ParticipantDialog(service)
    qtbot.addWidget(form)
    form.save_button.click()
    settle(qtbot)
    assert "NIK is required." in form.banner.text()


def test_settings_page_switches_the_stored_language(window: MainWindow, message_boxes: list[str]) -> None:
    page = window.settings_page
    page.language.setCurrentIndex(page.language.findData("en"))
    assert preferences.language() == "en"
    assert any("opened again" in text for text in message_boxes)


def test_office_settings_are_validated_and_saved(qtbot: QtBot, window: MainWindow) -> None:
    window.show_page("pengaturan")
    page = window.settings_page
    page.max_age.setText("200")
    page.save_button.click()
    settle(qtbot)
    assert page.error.isVisible() and page.max_age.property("invalid") is True
    page.max_age.setText("60")
    page.head_name.setText("Hj. Siti Rahmah")
    page.save_button.click()
    settle(qtbot)
    profile = window.accounts.profile()
    assert (profile.max_age, profile.head_name) == (60, "Hj. Siti Rahmah")


def test_window_and_form_fit_a_1366x768_screen(
    window: MainWindow, gui_service: ParticipantService, qtbot: QtBot
) -> None:
    screen = QSize(1366, 768 - 40)  # less the Windows taskbar
    for page in ("beranda", "peserta", "impor", "pengaturan"):
        window.show_page(page)
        hint = window.minimumSizeHint()
        assert hint.width() <= screen.width() and hint.height() <= screen.height(), page
    form = ParticipantDialog(gui_service)
    qtbot.addWidget(form)
    assert form.sizeHint().width() <= screen.width() and form.sizeHint().height() <= screen.height() - 30


@pytest.mark.parametrize("size", [QSize(1024, 768 - 40), QSize(1366, 768 - 40)])
def test_every_page_fits_a_small_office_screen(
    window: MainWindow, gui_service: ParticipantService, qtbot: QtBot, size: QSize
) -> None:
    """At 1024x768 and 1366x768 (less the taskbar): the window is no wider than the screen on
    any page, the Peserta tool bar folds what does not fit instead of cutting button texts, the
    filters do not overlap, and the settings need no sideways scrolling."""
    from PySide6.QtWidgets import QAbstractScrollArea, QScrollArea, QToolButton

    for n in range(1, 4):
        window.signals.changed.emit(gui_service.create(make_draft(n))[1])
    window.resize(size)
    window.show()
    qtbot.waitExposed(window)
    for key in ("beranda", "peserta", "persetujuan", "iuran", "impor", "sinkronisasi", "pengaturan"):
        window.show_page(key)
        settle(qtbot)
        if key == "peserta":
            until(qtbot, window.participants_page.table.isVisible)
        hint = window.minimumSizeHint()
        assert hint.width() <= size.width() and hint.height() <= size.height(), (key, hint)
        assert window.width() <= size.width(), key
        for area in window.findChildren(QAbstractScrollArea):
            if area.isVisible():  # every list and the settings: no sideways scrolling
                bar = area.horizontalScrollBar()
                assert bar.maximum() == 0, f"{key}: {area.objectName() or type(area).__name__} scrolls sideways"
    window.show_page("peserta")
    settle(qtbot)
    page = window.participants_page
    for button in page.toolbar.findChildren(QToolButton):
        if button.isVisible() and button.defaultAction() is not None and button.text():
            assert button.width() >= button.sizeHint().width(), f"{button.text()!r} is cut"
    filters = [w for w in (page.search, page.category_filter, page.status_filter, page.dusun_filter, page.rt_filter,
                           page.rw_filter) if w.isVisible()]  # fmt: skip
    for a, b in itertools.pairwise(filters):
        assert a.geometry().right() < b.geometry().left(), f"{a.objectName()} overlaps {b.objectName()}"
    assert page.search.width() >= 150
    window.show_page("pengaturan")
    settle(qtbot)
    for area in window.settings_page.findChildren(QScrollArea):
        wide = area.widget().minimumSizeHint().width() if area.widget() is not None else 0
        assert area.horizontalScrollBar().maximum() == 0, (
            f"the settings scroll sideways: {wide} px in {area.viewport().width()}, "
            f"max {area.horizontalScrollBar().maximum()}, widget {area.widget().width()}"
        )


def test_the_window_opens_maximised_where_it_would_not_fit(db: Any, admin: Any, qtbot: QtBot) -> None:
    window = MainWindow(db, admin)
    qtbot.addWidget(window)
    screen = window.screen().availableGeometry()
    small = screen.width() < 1280 + 16 or screen.height() < 720 + 40
    assert window.open_maximised == small
    if not small:
        assert (window.width(), window.height()) == (1280, 720)


def test_qts_own_words_are_indonesian(qt_indonesian: None, qtbot: QtBot) -> None:
    """The context menu of every text field, the standard buttons and the print preview's tools:
    the English words a clerk met on every form."""
    from PySide6.QtPrintSupport import QPrintPreviewDialog
    from PySide6.QtWidgets import QDialogButtonBox, QLineEdit

    field = QLineEdit("3319031205800001")
    qtbot.addWidget(field)
    menu = field.createStandardContextMenu()
    texts = [a.text().replace("&", "").split("\t")[0] for a in menu.actions() if not a.isSeparator()]
    assert texts[:7] == ["Urungkan", "Ulangi", "Potong", "Salin", "Tempel", "Hapus", "Pilih semua"], texts
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        | QDialogButtonBox.StandardButton.Close | QDialogButtonBox.StandardButton.Yes
        | QDialogButtonBox.StandardButton.No
    )  # fmt: skip
    qtbot.addWidget(buttons)
    shown = {b.text().replace("&", "") for b in buttons.buttons()}
    assert shown == {"OK", "Batal", "Tutup", "Ya", "Tidak"}
    preview = QPrintPreviewDialog()
    qtbot.addWidget(preview)
    tips = {a.toolTip() or a.text() for a in preview.findChildren(QAction) if a.text()}
    assert {"Halaman berikutnya", "Perbesar", "Cetak", "Melintang", "Pengaturan halaman"} <= tips, sorted(tips)
    english = {"Next page", "Zoom in", "Print", "Cancel", "Copy", "Paste"}
    assert not english & (tips | shown | set(texts))


def test_dates_and_times_are_shown_one_way_on_every_page(
    window: MainWindow, gui_service: ParticipantService, qtbot: QtBot
) -> None:
    """Dates as 03/12/2026, times as 03/12/2026 11:13, months as Desember 2026: never the stored
    2026-12-03 11:13:05 or 2026-12 in a list (the approval queue and the sync lists showed it)."""

    for n in range(1, 4):
        window.signals.changed.emit(gui_service.create(make_draft(n))[1])
    keys = ("beranda", "peserta", "persetujuan", "iuran", "impor", "sinkronisasi", "pengaturan")
    seen = cells_without_stored_dates(qtbot, window, keys, rows=30)
    assert seen > 50, "the lists were empty: nothing was checked"
