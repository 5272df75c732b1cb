"""Kop surat dan tanda tangan in Pengaturan, driven as the village admin sets it once."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit
from pytestqt.qtbot import QtBot

from kudus_desktop.core.office.accounts import AccountService
from kudus_desktop.gui.main_window import MainWindow
from tests.gui.conftest import settle


def test_the_admin_sets_an_acting_signature_sees_it_and_a_bad_nip_is_named(
    qtbot: QtBot, window: MainWindow, message_boxes: list[str]
) -> None:
    window.show_page("pengaturan")
    box = window.settings_page.paper_box
    assert box.isVisibleTo(window.settings_page)
    basis = box.findChild(QComboBox, "paper_basis")
    signer = box.findChild(QLineEdit, "paper_signer_title")
    nip = box.findChild(QLineEdit, "paper_nip")
    assert not signer.isEnabled()  # only a.n. and u.b. sign for someone
    basis.setCurrentIndex(basis.findData("an"))
    assert signer.isEnabled() and not box.findChild(QLineEdit, "paper_ub_title").isEnabled()
    qtbot.keyClicks(signer, "Sekretaris Desa")
    # What will print, as it is typed: the head's own fields beside it count too.
    window.settings_page.head_name.setText("Siti Rahayu")
    assert "a.n. KEPALA DESA GETASPEJATEN / SEKRETARIS DESA, / Siti Rahayu" in box.preview.text()
    qtbot.keyClicks(nip, "1975 0812")
    box.save_button.click()
    settle(qtbot)
    assert box.error.isVisible() and "NIP '1975 0812' harus 18 digit" in box.error.text()
    assert nip.property("invalid") is True
    assert AccountService(window.participants.db).profile().paper.basis == "langsung"  # nothing saved
    nip.setText("19750812 200003 1 004")
    box.save_button.click()
    settle(qtbot)
    assert not box.error.isVisible() and nip.property("invalid") is False
    assert message_boxes[-1].endswith("Kop surat dan tanda tangan disimpan.")
    paper = AccountService(window.participants.db).profile().paper
    assert (paper.basis, paper.signer_title, paper.nip) == ("an", "Sekretaris Desa", "197508122000031004")
    assert "NIP. 19750812 200003 1 004" in box.preview.text()
