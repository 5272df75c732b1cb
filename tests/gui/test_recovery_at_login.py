"""Lupa kata sandi admin, end to end in the windows: the regency saves the recovery file from
Sinkronisasi, the village's admin uses it from the log-in window and logs in with the new password."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from kudus_desktop.core.office.accounts import AccountService
from kudus_desktop.gui.office.login_dialog import LoginDialog
from kudus_desktop.gui.office.recovery_dialog import RecoveryDialog
from kudus_desktop.gui.signals import AppSignals
from kudus_desktop.gui.sync.sync_page import RegencySyncPage
from tests.conftest import Office
from tests.factories import DESA, enrol_one, send
from tests.gui.conftest import settle, until

NEW = "kata-sandi-baru-123"


def test_the_regency_writes_it_and_the_village_admin_gets_back_in(
    qtbot: QtBot, three_villages: dict[str, Office], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    message_boxes: list[str],
) -> None:  # fmt: skip
    a, kab = three_villages["a"], three_villages["kab"]
    enrol_one(a, 1)
    send(a, kab, tmp_path / "stick")
    page = RegencySyncPage(kab.db, kab.user, AppSignals())
    qtbot.addWidget(page)
    page.desa_combo.setCurrentIndex(page.desa_combo.findData(DESA))
    target = tmp_path / "pemulihan.kdr.json"
    monkeypatch.setattr("kudus_desktop.gui.sync.sync_page.ask", lambda *args: True)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kw: (str(target), ""))
    assert page.recovery_button.isVisibleTo(page)
    page.recovery_button.click()
    settle(qtbot)
    assert target.is_file() and str(target) in message_boxes[-1]

    accounts = AccountService(a.db)
    login = LoginDialog(accounts, accounts.profile())
    qtbot.addWidget(login)
    login.show()
    assert login.recover_button.isVisible()
    seen: list[str] = []

    def use_the_file() -> None:
        dialog = login.findChild(RecoveryDialog)
        dialog.path.setText(str(tmp_path / "bukan.json"))  # a wrong file first: its sentence, nothing changed
        (tmp_path / "bukan.json").write_text("{}", encoding="utf-8")
        dialog.new.setText(NEW)
        dialog.repeat.setText(NEW)
        dialog.recover_button.click()
        until(qtbot, lambda: dialog.error.isVisible())
        seen.append(dialog.error.text())
        dialog.path.setText(str(target))
        dialog.recover_button.click()

    QTimer.singleShot(0, use_the_file)
    login.recover()  # modal: runs until the dialog is done
    assert seen and "bukan berkas pemulihan admin" in seen[0]
    assert login.username.text() == "admin" and "sudah diganti" in login.notice.text()
    login.password.setText(NEW)
    login.login_button.click()
    until(qtbot, lambda: login.user is not None)
    assert login.user is not None and login.user.username == "admin"
