"""The window locks itself when left alone, and makes a backup when it closes."""

from pathlib import Path

from pytestqt.qtbot import QtBot

from kudus_desktop.core.storage.db import Database
from kudus_desktop.gui.main_window import MainWindow
from tests.factories import PASSWORD
from tests.gui.conftest import settle


def test_an_idle_window_locks_and_hides_the_data_until_the_password(qtbot: QtBot, window: MainWindow) -> None:
    window.idle_lock.set_interval_ms(50)
    qtbot.waitUntil(lambda: window.idle_lock.locked)
    dialog = window.idle_lock.dialog
    assert dialog is not None and dialog.isVisible()
    assert not window.pages.isVisible()
    qtbot.keyClicks(dialog.password, "salah")
    dialog.unlock_button.click()
    settle(qtbot)
    assert dialog.isVisible() and "salah" in dialog.error.text()
    qtbot.keyClicks(dialog.password, PASSWORD)
    dialog.unlock_button.click()
    settle(qtbot)
    assert not window.idle_lock.locked and window.pages.isVisible()
    window.idle_lock.set_interval_ms(0)


def test_the_idle_time_is_an_office_setting(qtbot: QtBot, window: MainWindow) -> None:
    window.show_page("pengaturan")
    page = window.settings_page
    page.idle_lock.setText("999")
    page.save_button.click()
    settle(qtbot)
    assert page.idle_lock.property("invalid") is True
    page.idle_lock.setText("3")
    page.save_button.click()
    settle(qtbot)
    assert window.profile.idle_lock_minutes == 3
    assert window.idle_lock.timer.interval() == 3 * 60_000


def test_closing_the_window_leaves_a_backup(qtbot: QtBot, db: Database, admin: object, data_dir: Path) -> None:
    w = MainWindow(db, admin)  # type: ignore[arg-type]
    qtbot.addWidget(w)
    w.show()
    before = set((data_dir / "backups").glob("kudus-harian-*.sqlite")) if (data_dir / "backups").exists() else set()
    w.close()
    after = set((data_dir / "backups").glob("kudus-harian-*.sqlite"))
    assert len(after - before) == 1
