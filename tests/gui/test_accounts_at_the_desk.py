"""Another person at the same PC: switch user from the menu or the lock screen, and change one's
own password, without quitting the application."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kudus_desktop.core.office.accounts import AccountService
from kudus_desktop.core.storage.audit import audit_events
from kudus_desktop.core.storage.db import open_database
from kudus_desktop.gui.app import AppController
from kudus_desktop.gui.office.password_dialog import PasswordDialog
from tests.factories import PASSWORD

VERIF_PASSWORD = "sandi-verif-123"


def with_verifikator(data_dir: Path) -> None:
    db = open_database(data_dir)
    try:
        accounts = AccountService(db)
        admin = accounts.login("admin", PASSWORD)
        accounts.create_account(admin, "vera", "Vera Verifikator", "verifikator", VERIF_PASSWORD)
    finally:
        db.close()


def log_in(qtbot: QtBot, controller: AppController, username: str, password: str) -> None:
    qtbot.waitUntil(lambda: controller.login is not None and controller.login.isVisible())
    login = controller.login
    assert login is not None
    qtbot.keyClicks(login.username, username)
    qtbot.keyClicks(login.password, password)
    login.login_button.click()
    qtbot.waitUntil(lambda: controller.window is not None and controller.window.isVisible())


def test_the_next_person_logs_in_from_the_menu_without_quitting(qtbot: QtBot, data_dir: Path) -> None:
    with_verifikator(data_dir)
    controller = AppController(data_dir)
    assert controller.start()
    log_in(qtbot, controller, "admin", PASSWORD)
    first = controller.window
    assert first is not None and "Admin Desa" in first.user_label.text()
    quits: list[int] = []
    closed: list[int] = []
    controller._quit = lambda: quits.append(1)  # type: ignore[method-assign]
    first.closed.connect(lambda: closed.append(1))
    first.switch_action.trigger()
    qtbot.waitUntil(lambda: controller.window is None and controller.login is not None)
    assert closed and not quits, "the window closed and the application stayed open for the next person"
    assert QApplication.instance().quitOnLastWindowClosed()  # type: ignore[union-attr]
    log_in(qtbot, controller, "vera", VERIF_PASSWORD)
    second = controller.window
    assert second is not None and "Vera Verifikator" in second.user_label.text()
    assert controller.db is not None
    actions = [(e.username, e.action) for e in audit_events(controller.db)]
    assert ("admin", "logout") in actions and ("vera", "login") in actions
    second.close()


def test_someone_else_logs_in_from_the_lock_screen(qtbot: QtBot, data_dir: Path) -> None:
    with_verifikator(data_dir)
    controller = AppController(data_dir)
    assert controller.start()
    log_in(qtbot, controller, "admin", PASSWORD)
    window = controller.window
    assert window is not None
    window.idle_lock.lock()
    dialog = window.idle_lock.dialog
    assert dialog is not None and dialog.switch_button.text() == "Ganti pengguna"
    dialog.switch_button.click()
    qtbot.waitUntil(lambda: controller.window is None and controller.login is not None)
    log_in(qtbot, controller, "vera", VERIF_PASSWORD)
    assert controller.window is not None and "Vera Verifikator" in controller.window.user_label.text()
    controller.window.close()


def test_changing_ones_own_password_proves_the_current_one(qtbot: QtBot, data_dir: Path) -> None:
    db = open_database(data_dir)
    try:
        accounts = AccountService(db)
        me = accounts.login("admin", PASSWORD)
        dialog = PasswordDialog(accounts, me)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.keyClicks(dialog.current, "bukan-sandinya")
        qtbot.keyClicks(dialog.new, "sandi-baru-456")
        qtbot.keyClicks(dialog.repeat, "sandi-baru-457")
        dialog.save_button.click()
        assert dialog.error.text() == "Ulangan kata sandi baru tidak sama." and dialog.repeat.text() == ""
        qtbot.keyClicks(dialog.repeat, "sandi-baru-456")
        assert dialog.error.isHidden(), "the error goes once the entry is corrected"
        dialog.save_button.click()
        qtbot.waitUntil(lambda: dialog.error.isVisible())
        assert dialog.error.text() == "Kata sandi yang sekarang salah." and dialog.current.text() == ""
        qtbot.keyClicks(dialog.current, PASSWORD)
        dialog.save_button.click()
        qtbot.waitUntil(lambda: dialog.result() == dialog.DialogCode.Accepted)
        assert accounts.login("admin", "sandi-baru-456").username == "admin"
        actions = [e.action for e in audit_events(db) if e.username == "admin"]
        assert "password_changed" in actions and "password_change_failed" in actions
    finally:
        db.close()
