"""Akun pengguna in Pengaturan, driven as an admin would."""

from collections.abc import Callable
from typing import Any

from pytestqt.qtbot import QtBot

from kudus_desktop.core.office.accounts import AccountService
from kudus_desktop.core.rules.records import OpChanges
from kudus_desktop.gui.main_window import MainWindow
from kudus_desktop.gui.office.accounts_widget import AccountDialog
from tests.gui.conftest import settle

Drive = Callable[[type, Callable[[Any], None]], None]


def test_admin_adds_disables_and_resets_an_account(
    qtbot: QtBot, window: MainWindow, drive: Drive, message_boxes: list[str]
) -> None:
    window.show_page("pengaturan")
    widget = window.settings_page.accounts_widget
    assert window.settings_page.accounts_box.isVisible()
    assert [a.username for a in widget.model.rows] == ["admin"]

    def fill_new(d: AccountDialog) -> None:
        qtbot.keyClicks(d.username, "sekdes")
        qtbot.keyClicks(d.full_name, "Siti Sekdes")
        d.role.setCurrentIndex(d.role.findData("verifikator"))
        qtbot.keyClicks(d.password, "sandi-sekdes")
        qtbot.keyClicks(d.confirm, "sandi-lain")
        d.ok_button.click()
        settle(qtbot)
        assert d.isVisible() and "tidak sama" in d.error.text()
        d.confirm.clear()
        qtbot.keyClicks(d.confirm, "sandi-sekdes")
        d.ok_button.click()
        settle(qtbot)

    drive(AccountDialog, fill_new)
    widget.add_button.click()
    assert [a.username for a in widget.model.rows] == ["admin", "sekdes"]
    assert widget.model.index(1, 2).data() == "Verifikator"

    widget.select_username("sekdes")
    widget.toggle_button.click()
    settle(qtbot)
    assert widget.model.index(1, 3).data() == "Nonaktif" and widget.toggle_button.text() == "Aktifkan"

    widget.select_username("admin")
    widget.toggle_button.click()
    settle(qtbot)
    assert any("satu-satunya admin" in m for m in message_boxes)

    widget.select_username("sekdes")
    widget.toggle_button.click()
    settle(qtbot)

    def reset(d: AccountDialog) -> None:
        assert not d.username.isVisible()
        qtbot.keyClicks(d.password, "sandi-baru-1")
        qtbot.keyClicks(d.confirm, "sandi-baru-1")
        d.ok_button.click()
        settle(qtbot)

    drive(AccountDialog, reset)
    widget.reset_button.click()
    assert AccountService(window.db).login("sekdes", "sandi-baru-1").role == "verifikator"


def test_an_operator_sees_no_account_management(qtbot: QtBot, db: Any, admin: Any) -> None:
    accounts = AccountService(db)
    accounts.create_account(admin, "operator1", "Operator Desa", "operator", "sandi-operator")
    w = MainWindow(db, accounts.login("operator1", "sandi-operator"))
    qtbot.addWidget(w)
    w.show()
    w.show_page("pengaturan")
    assert not w.settings_page.accounts_box.isVisible()
    assert w.settings_page.head_name.isReadOnly()


def test_audit_log_viewer_filters_and_exports(
    qtbot: QtBot, window: MainWindow, tmp_path: Any, monkeypatch: Any, message_boxes: list[str]
) -> None:
    import openpyxl

    from kudus_desktop.gui.office import audit_widget

    window.participants_page.reveal_action.trigger()
    settle(qtbot)
    window.show_page("pengaturan")
    viewer = window.settings_page.audit_widget  # read again as the page is shown: the reveal is there
    actions = [viewer.action_filter.itemData(i) for i in range(viewer.action_filter.count())]
    assert "nik_revealed" in actions
    viewer.action_filter.setCurrentIndex(viewer.action_filter.findData("nik_revealed"))
    assert viewer.model.rowCount() == 1
    assert viewer.model.index(0, 2).data() == "NIK lengkap ditampilkan"
    monkeypatch.setattr(audit_widget.QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "log"), ""))
    viewer.export_button.click()
    rows = list(openpyxl.load_workbook(tmp_path / "log.xlsx").active.iter_rows(values_only=True))
    assert rows[0] == ("Waktu", "Pengguna", "Kejadian", "Keterangan") and rows[1][2] == "nik_revealed"

    # An act done while the log is on screen appears in it without pressing Muat ulang.
    viewer.action_filter.setCurrentIndex(0)
    before = viewer.model.rowCount()
    window.participants_page.reveal_action.trigger()  # hides the NIKs again: no entry
    window.participants_page.reveal_action.trigger()  # shows them: one entry, and a change notice
    settle(qtbot)
    window.signals.changed.emit(OpChanges(participants=True))
    qtbot.waitUntil(lambda: viewer.model.rowCount() > before)


def test_the_admin_sets_the_minimum_count_and_a_bad_value_is_named(
    qtbot: QtBot, window: MainWindow, message_boxes: list[str]
) -> None:
    window.show_page("pengaturan")
    page = window.settings_page
    assert page.min_participants.isVisibleTo(page) and page.min_participants.text() == "10"
    page.min_participants.setText("sepuluh")
    page.save_button.click()
    settle(qtbot)
    assert page.error.isVisible() and "sepuluh" in page.error.text()
    assert AccountService(window.participants.db).profile().min_participants == 10  # nothing saved
    page.min_participants.setText("12")
    page.save_button.click()
    settle(qtbot)
    assert not page.error.isVisible()
    assert AccountService(window.participants.db).profile().min_participants == 12
