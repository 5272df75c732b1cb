"""The Persetujuan page driven as a village's verifikator and operator would: the queue, what
changed, approve, send back with a reason, and the operator reading that reason."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QDialog
from pytestqt.qtbot import QtBot

from kudus_desktop.core.enrolment.approval import ApprovalService
from kudus_desktop.core.enrolment.participants import ParticipantService
from kudus_desktop.core.office.accounts import AccountService
from kudus_desktop.core.rules.codes import Role
from kudus_desktop.core.rules.records import UserView
from kudus_desktop.core.storage.db import Database
from kudus_desktop.gui.main_window import MainWindow
from kudus_desktop.gui.village.approval_page import ApprovalPage, DeclineDialog
from kudus_desktop.gui.village.participant_dialog import ParticipantDialog
from tests.conftest import TODAY
from tests.factories import PASSWORD, make_draft


@pytest.fixture
def people(db: Database, admin: UserView) -> dict[str, UserView]:
    """Approval on; an operator has enrolled two people and corrected one already approved."""
    accounts = AccountService(db)
    accounts.create_account(admin, "opr", "Operator Desa", Role.OPERATOR, PASSWORD)
    accounts.create_account(admin, "sekdes", "Sekretaris Desa", Role.VERIFIKATOR, PASSWORD)
    ApprovalService(db, admin).set_required(True)
    users = {"opr": accounts.login("opr", PASSWORD), "sekdes": accounts.login("sekdes", PASSWORD)}
    desk = ParticipantService(db, users["opr"], today=lambda: TODAY)
    first, _ = desk.create(make_draft(1, full_name="Siti Aminah"))
    ApprovalService(db, users["sekdes"]).approve([first])
    desk.update(first, make_draft(1, full_name="Siti Aminah Binti Kasmo"))
    desk.create(make_draft(2, full_name="Budi Santoso"))
    desk.create(make_draft(3, full_name="Wati"))
    return users


def open_window(qtbot: QtBot, db: Database, user: UserView) -> MainWindow:
    w = MainWindow(db, user, today=lambda: TODAY)
    qtbot.addWidget(w)
    w.resize(1366, 740)
    w.show()
    return w


@pytest.fixture
def checker_window(qtbot: QtBot, db: Database, people: dict[str, UserView]) -> Iterator[MainWindow]:
    yield open_window(qtbot, db, people["sekdes"])


def nav_text(window: MainWindow, key: str) -> str:
    for row in range(window.navigation.count()):
        item = window.navigation.item(row)
        if item.data(Qt.ItemDataRole.UserRole) == key:
            return item.text()
    return ""


def rows(page: ApprovalPage) -> list[str]:
    return [page.table.text(r, 1) for r in range(page.table.rowCount())]


def test_the_verifikator_sees_what_changed_approves_and_sends_back(
    checker_window: MainWindow, qtbot: QtBot, drive: Callable[[type[QDialog], Callable[[Any], None]], None]
) -> None:
    window = checker_window
    page = window.approval_page
    qtbot.waitUntil(lambda: nav_text(window, "persetujuan") == "Persetujuan (3)")
    window.show_page("persetujuan")
    qtbot.waitUntil(lambda: page.table.rowCount() == 3)
    assert rows(page) == ["Siti Aminah Binti Kasmo", "Budi Santoso", "Wati"]
    assert page.table.text(0, 3) == "Perubahan data" and page.table.text(1, 3) == "Pendaftaran baru"
    assert page.table.text(0, 4) == "opr"

    # The correction: only the name, old beside new.
    page.table.selectRow(0)
    qtbot.waitUntil(lambda: page.detail.rowCount() == 1)
    assert [page.detail.text(0, c) for c in range(3)] == [
        "Nama lengkap", "Siti Aminah", "Siti Aminah Binti Kasmo"
    ]  # fmt: skip
    assert page.approve_button.isEnabled() and page.decline_button.isEnabled()
    qtbot.mouseClick(page.approve_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: rows(page) == ["Budi Santoso", "Wati"])
    qtbot.waitUntil(lambda: nav_text(window, "persetujuan") == "Persetujuan (2)")
    assert page.done_label.text() == "1 peserta disetujui; datanya siap dikirim ke kabupaten."

    # A new enrolment: every field filled in, sent back with a reason the dialog insists on.
    page.table.selectRow(0)
    qtbot.waitUntil(lambda: page.detail.rowCount() > 8)
    shown = {page.detail.text(r, 0): page.detail.text(r, 2) for r in range(page.detail.rowCount())}
    assert shown["Nama lengkap"] == "Budi Santoso" and shown["Tanggal lahir"] == "12/05/1980"
    assert shown["Kategori"] == "Ketua RT/RW"

    def give_reason(dialog: DeclineDialog) -> None:
        assert not dialog.ok.isEnabled()
        dialog.reason.setText("No. KK kosong, minta fotokopi KK")
        assert dialog.ok.isEnabled()
        dialog.ok.click()

    drive(DeclineDialog, give_reason)
    qtbot.mouseClick(page.decline_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: rows(page) == ["Wati"])
    assert page.done_label.text() == "1 peserta dikembalikan ke operator: No. KK kosong, minta fotokopi KK"

    # The last one approved: the queue says it is empty instead of showing an empty grid.
    page.table.selectRow(0)
    qtbot.mouseClick(page.approve_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.empty_label.isVisible())
    assert page.empty_label.text() == "Tidak ada data yang menunggu persetujuan." and page.table.isHidden()
    page.state_filter.setCurrentIndex(page.state_filter.findData("ditolak"))
    qtbot.waitUntil(lambda: rows(page) == ["Budi Santoso"])
    assert page.table.isVisible() and page.empty_label.isHidden()
    assert page.table.text(0, 6) == "Dikembalikan: No. KK kosong, minta fotokopi KK"
    assert not page.decline_button.isEnabled()

    # A verifikator checks; the desk's enrol actions are not offered.
    assert not window.participants_page.add_action.isVisible()


def test_the_operator_reads_the_reason_and_cannot_decide(
    qtbot: QtBot,
    db: Database,
    people: dict[str, UserView],
    drive: Callable[[type[QDialog], Callable[[Any], None]], None],
) -> None:
    sekdes = ApprovalService(db, people["sekdes"])
    budi = next(i for i in sekdes.queue() if i.full_name == "Budi Santoso")
    sekdes.decline([budi.participant_id], "Tanggal lahir tidak sesuai KTP")
    window = open_window(qtbot, db, people["opr"])
    page = window.approval_page
    window.show_page("persetujuan")
    page.state_filter.setCurrentIndex(page.state_filter.findData(""))
    qtbot.waitUntil(lambda: page.table.rowCount() == 3)
    page.table.selectRow(rows(page).index("Budi Santoso"))
    assert not page.approve_button.isEnabled() and not page.decline_button.isEnabled()
    assert "diperbaiki di halaman Peserta" in page.hint.text()

    # In the participant list the state says why, and the form says it again.
    participants = window.participants_page
    window.show_page("peserta")
    qtbot.waitUntil(lambda: participants.model.rowCount() == 3)
    texts = [participants.model.index(r, c).data() for r in range(3) for c in range(participants.model.columnCount())]
    assert "Dikembalikan verifikator: Tanggal lahir tidak sesuai KTP" in texts

    seen: list[str] = []

    def look(dialog: ParticipantDialog) -> None:
        qtbot.waitUntil(dialog.review_banner.isVisible)  # read on the database thread
        seen.append(dialog.review_banner.text())
        dialog.reject()

    drive(ParticipantDialog, look)
    participants.select_participant(budi.participant_id)
    participants.edit_action.trigger()
    assert seen and "Dikembalikan oleh sekdes" in seen[0] and "Tanggal lahir tidak sesuai KTP" in seen[0]


def test_the_admin_switches_approval_off_in_settings(
    qtbot: QtBot, db: Database, admin: UserView, people: dict[str, UserView], monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_window(qtbot, db, admin)
    box = window.settings_page.findChild(QCheckBox, "approvalRequired")
    assert box is not None and box.isChecked() and box.isEnabled()
    monkeypatch.setattr("kudus_desktop.gui.office.settings_page.ask", lambda *a: True)
    box.setChecked(False)
    qtbot.waitUntil(lambda: not ApprovalService(db, admin).required())
    qtbot.waitUntil(lambda: nav_text(window, "persetujuan") == "Persetujuan")
    assert ApprovalService(db, admin).counts().waiting == 0


def test_the_verifikator_sees_each_warning_the_operator_accepted_beside_the_data(
    qtbot: QtBot, db: Database, people: dict[str, UserView]
) -> None:
    desk = ParticipantService(db, people["opr"], today=lambda: TODAY)
    # The NIK says male (day of birth below 41); the operator typed female and accepted the warning.
    desk.create(make_draft(4, full_name="Sri Wahyuni", sex="P"), accept_warnings=True)
    window = open_window(qtbot, db, people["sekdes"])
    page = window.approval_page
    window.show_page("persetujuan")
    qtbot.waitUntil(lambda: "Sri Wahyuni" in rows(page))
    page.table.selectRow(rows(page).index("Sri Wahyuni"))
    qtbot.waitUntil(lambda: "peringatan" in page.detail_box.title())
    by_field = {page.detail.text(r, 0): page.detail.text(r, 3) for r in range(page.detail.rowCount())}
    # Beside the NIK, whose digits contradict the sex typed, in words a verifikator reads.
    assert "Laki-laki" in by_field["NIK"] and "Perempuan" in by_field["NIK"]
    assert by_field["Nama lengkap"] == ""
