"""The Iuran page driven as a clerk would: the bill with its strips, a payment, a void, the
budget line and the discount switch, over a real village database."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QInputDialog
from pytestqt.qtbot import QtBot

from kudus_desktop.core.enrolment.participants import ParticipantService
from kudus_desktop.core.village.premiums import CoverState, PremiumService, parse_month
from kudus_desktop.gui.main_window import MainWindow
from kudus_desktop.gui.village.coverage_strip import STRIP_ROLE
from kudus_desktop.gui.village.premiums_page import PaymentDialog, PremiumsPage
from tests.factories import make_draft

NOV = parse_month("2026-11")


@pytest.fixture
def page(window: MainWindow, gui_service: ParticipantService, qtbot: QtBot) -> PremiumsPage:
    for n in (1, 2, 3):
        gui_service.create(make_draft(n, start_date="2026-11-01"))
    window.show_page("iuran")
    p = window.premiums_page
    p.refresh()
    qtbot.waitUntil(lambda: p.bill is not None and len(p.bill.lines) == 3)
    return p


def test_the_bill_shows_everyone_with_a_strip_and_a_payment_settles_it(
    page: PremiumsPage,
    qtbot: QtBot,
    drive: Callable[[type[QDialog], Callable[[Any], None]], None],
    message_boxes: list[str],
) -> None:
    assert page.month.currentData() == NOV
    assert "3 peserta, Rp50.400" in page.bill_summary.text() and "16/11/2026" in page.bill_summary.text()
    strip = page.bill_table.model().index(0, 7).data(STRIP_ROLE)
    assert len(strip) == 12 and strip[-1] == CoverState.ARREARS and strip[0] == CoverState.NONE

    # The clerk selects two people and records what the bank slip says.
    page.bill_table.select_rows([0, 1])

    def fill(dialog: PaymentDialog) -> None:
        qtbot.waitUntil(lambda: dialog.save_button.isEnabled())
        assert dialog.only.isChecked() and "Rp33.600 untuk 2 peserta" in dialog.quote_label.text()
        dialog.amount.setText("33.600")
        dialog.reference.setText("VA-7788")
        dialog.save_button.click()
        qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted)

    drive(PaymentDialog, fill)
    qtbot.mouseClick(page.pay_button, Qt.MouseButton.LeftButton)
    assert "Rp33.600 dicatat untuk 2 peserta" in message_boxes[-1]
    qtbot.waitUntil(lambda: "belum dibayar Rp16.800" in page.bill_summary.text())
    qtbot.waitUntil(lambda: page.pay_table.rowCount() == 1)
    assert page.pay_table.text(0, 5) == "VA-7788"

    # A wrong amount is refused with the bill's figure, and nothing is recorded.
    def wrong(dialog: PaymentDialog) -> None:
        qtbot.waitUntil(lambda: dialog.save_button.isEnabled())
        assert dialog.everyone.isChecked() or dialog.only.isChecked()
        dialog.everyone.setChecked(True)
        qtbot.waitUntil(lambda: "Rp16.800 untuk 1 peserta" in dialog.quote_label.text())
        dialog.amount.setText("10.000")
        dialog.save_button.click()
        qtbot.waitUntil(lambda: any("Rp16.800" in m and "tidak sama" in m for m in message_boxes))
        dialog.reject()

    drive(PaymentDialog, wrong)
    page.bill_table.clearSelection()
    qtbot.mouseClick(page.pay_button, Qt.MouseButton.LeftButton)
    assert len(PremiumService(page.service.db, page.user).payments()) == 1


def test_void_budget_and_the_discount_switch(
    page: PremiumsPage, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, message_boxes: list[str]
) -> None:
    from datetime import date

    from kudus_desktop.core.village.premiums import PaymentRequest

    page.service.pay(PaymentRequest(date(2026, 11, 20), NOV, 1, 50_400, "VA-1"))
    page.refresh()
    qtbot.waitUntil(lambda: page.pay_table.rowCount() == 1)
    page.pay_table.selectRow(0)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("dicatat dua kali", True))
    qtbot.mouseClick(page.void_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "dibatalkan" in page.pay_table.text(0, 7))
    qtbot.waitUntil(lambda: "Dibayar Rp0" in page.bill_summary.text())

    page.tabs.setCurrentIndex(2)
    page.additions.setValue(2)
    qtbot.waitUntil(lambda: "(3 peserta aktif + 2 tambahan)" in page.plan_label.text())
    assert "Rp1.008.000" in page.plan_label.text()  # 5 x 12 x 16,800
    page.budget_amount.setText("1.000.000")
    qtbot.mouseClick(page.save_budget_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "dari anggaran Rp1.000.000" in page.recap_label.text())
    assert page.recap_table.rowCount() == 13

    # The admin switches the PP 50/2025 discount on: November's bill halves.
    page.tabs.setCurrentIndex(3)
    qtbot.waitUntil(lambda: page.rate_table.rowCount() == 2)
    assert page.rate_table.text(1, 5) == "tidak"
    page.rate_table.selectRow(1)
    qtbot.mouseClick(page.toggle_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.rate_table.text(1, 5) == "ya")
    qtbot.waitUntil(lambda: "3 peserta, Rp25.200" in page.bill_summary.text())


def test_the_participant_view_shows_the_months_as_a_strip(
    page: PremiumsPage, gui_service: ParticipantService, qtbot: QtBot
) -> None:
    from datetime import date

    from kudus_desktop.core.village.premiums import PaymentRequest
    from kudus_desktop.gui.village.participant_dialog import ParticipantDialog

    person = gui_service.find_by_nik(make_draft(1).nik)
    other = gui_service.find_by_nik(make_draft(2).nik)
    assert person is not None and other is not None
    page.service.pay(PaymentRequest(date(2026, 11, 20), NOV, 1, 16_800, "VA-1", participant_ids=(person.id,)))
    for view, state, text in ((person, CoverState.PAID, "Lunas sampai November 2026"),
                              (other, CoverState.ARREARS, "Menunggak 1 bulan")):  # fmt: skip
        dialog = ParticipantDialog(gui_service, None, view)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda d=dialog: d.strip.isVisible())  # type: ignore[misc]
        assert dialog.strip.states[-1] == state and dialog.strip.states[0] == CoverState.NONE
        assert text in dialog.strip_text.text()
        assert "November 2026: " in dialog.strip.toolTip()
        dialog.reject()


def test_someone_rejected_or_waiting_is_shown_apart_with_why_and_never_billed(
    window: MainWindow, gui_service: ParticipantService, qtbot: QtBot
) -> None:
    from kudus_desktop.core.enrolment.approval import ApprovalService

    ok = gui_service.create(make_draft(1, start_date="2026-11-01"))[0]
    rejected = gui_service.create(make_draft(2, start_date="2026-11-01"))[0]
    with gui_service.db.begin() as conn:  # what a receipt records for BPJS's rejection
        conn.exec_driver_sql(
            "INSERT INTO participant_sync (participant_id, outcome, reason) VALUES (?, 'rejected', ?)",
            (rejected, "BPJS: NIK tidak sesuai data Dukcapil"),
        )
    ApprovalService(gui_service.db, gui_service.user).set_required(True)
    waiting = gui_service.create(make_draft(3, start_date="2026-11-01"))[0]  # now waits for the verifikator
    window.show_page("iuran")
    page = window.premiums_page
    page.refresh()
    qtbot.waitUntil(lambda: page.bill is not None and page.apart_box.isVisible())
    assert [line.participant_id for line in page.bill.lines] == [ok]
    assert "1 peserta, Rp16.800" in page.bill_summary.text() and "2 orang tidak ditagih" in page.bill_summary.text()
    apart = {
        page.apart_table.text(r, 1): (page.apart_table.text(r, 2), page.apart_table.text(r, 3))
        for r in range(page.apart_table.rowCount())
    }
    assert apart == {
        gui_service.get(rejected).full_name: ("Ditolak kabupaten/BPJS", "BPJS: NIK tidak sesuai data Dukcapil"),
        gui_service.get(waiting).full_name: ("Menunggu persetujuan verifikator", ""),
    }
    # The budget counts the one enrolled, says who is left out, and warns below the minimum of 10.
    page.tabs.setCurrentIndex(2)
    qtbot.waitUntil(lambda: page.plan is not None and page.budget_note.isVisible())
    assert "(1 peserta aktif" in page.plan_label.text()
    assert "2 orang lain belum disetujui atau ditolak" in page.budget_note.text()
    assert "kurang dari jumlah minimal 10 peserta" in page.budget_note.text()
