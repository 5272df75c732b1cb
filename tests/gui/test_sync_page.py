"""The Sinkronisasi pages driven as a clerk and a DPMD operator would, over real databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kudus_desktop.core.rules.records import OpChanges
from kudus_desktop.core.storage.signing import identity
from kudus_desktop.gui.signals import AppSignals
from kudus_desktop.gui.sync import sync_page as module
from kudus_desktop.gui.sync.sync_page import RegencySyncPage, VillageSyncPage
from kudus_desktop.gui.village.participant_model import Column, ParticipantTableModel
from tests.conftest import Office
from tests.factories import DESA, make_draft
from tests.gui.conftest import settle, until


def test_round_trip_through_both_pages(
    qtbot: QtBot, offices: dict[str, Office], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, message_boxes: list[str]
) -> None:
    a, kab = offices["a"], offices["kab"]
    stick = tmp_path / "stick"
    stick.mkdir()
    questions: list[str] = []

    def answer_yes(_parent: object, _title: str, text: str, _yes: str, _no: str) -> bool:
        questions.append(text)
        return True

    monkeypatch.setattr(module, "ask", answer_yes)
    village_signals, regency_signals = AppSignals(), AppSignals()
    village = VillageSyncPage(a.db, a.user, village_signals)
    regency = RegencySyncPage(kab.db, kab.user, regency_signals)
    for page in (village, regency):
        qtbot.addWidget(page)
        page.show()
    qtbot.waitUntil(lambda: village.status is not None)
    assert not village.export_button.isEnabled() and "Belum terhubung" in village.regency_label.text()
    assert village.device_fp.text() == identity(a.db).fingerprint

    # DPMD saves the village's setup file; the clerk joins after comparing the fingerprint.
    regency.desa_combo.setCurrentIndex(regency.desa_combo.findData(DESA))
    setup = tmp_path / "setup.kdsetup"
    monkeypatch.setattr(module.QFileDialog, "getSaveFileName", lambda *a, **k: (str(setup), ""))
    qtbot.mouseClick(regency.setup_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: setup.exists() and len(message_boxes) == 1)
    regency_fp = identity(kab.db).fingerprint
    assert regency_fp in message_boxes[-1]
    monkeypatch.setattr(module.QFileDialog, "getOpenFileName", lambda *a, **k: (str(setup), ""))
    qtbot.mouseClick(village.join_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: village.regency_fp.text() == regency_fp)
    assert regency_fp in questions[-1]

    # Two enrolments, then a package to the stick.
    for n in (1, 2):
        a.participants.create(make_draft(n))
    village_signals.changed.emit(OpChanges(participants=True))
    qtbot.waitUntil(lambda: "2 peserta" in village.summary.text() and village.export_button.isEnabled())
    monkeypatch.setattr(module.QFileDialog, "getExistingDirectory", lambda *a, **k: str(stick))
    qtbot.mouseClick(village.export_button, Qt.MouseButton.LeftButton)
    until(qtbot, lambda: village.packages.rowCount() == 1)
    (package,) = stick.glob("*.kdp")
    assert "Paket 1 (2 peserta)" in message_boxes[-1]
    assert not village.export_button.isEnabled()  # nothing left to send

    # DPMD imports every package on the stick; a broken file beside it is refused by name.
    (stick / "KDP_rusak.kdp").write_bytes(b"rusak")
    qtbot.mouseClick(regency.import_folder_button, Qt.MouseButton.LeftButton)
    until(qtbot, lambda: regency.results.count() == 3)
    results = [regency.results.item(i).text() for i in range(3)]
    assert any(package.name in r and "2 baru" in r for r in results)
    assert any("KDP_rusak.kdp" in r and "DITOLAK" in r and "bukan paket" in r for r in results)
    # The batch ends with the double-enrolment check over every village.
    assert results[-1].startswith("Pemeriksaan kepesertaan ganda: ") and "halaman Ganda" in results[-1]
    assert identity(a.db).fingerprint in questions[-1]
    qtbot.waitUntil(lambda: "1 dari 123 desa" in regency.summary.text())
    row = next(r for r in range(regency.villages.rowCount()) if regency.villages.text(r, 0) == DESA)
    assert [regency.villages.text(row, c) for c in (3, 4, 6)] == ["1", "1", "2"]

    # Receipts out, and the village applies its own.
    back = tmp_path / "back"
    back.mkdir()
    monkeypatch.setattr(module.QFileDialog, "getExistingDirectory", lambda *a, **k: str(back))
    qtbot.mouseClick(regency.receipts_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(back.glob("*.kdr")))
    (receipt,) = back.glob("*.kdr")
    monkeypatch.setattr(module.QFileDialog, "getOpenFileName", lambda *a, **k: (str(receipt), ""))
    qtbot.mouseClick(village.receipt_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "2 diterima" in message_boxes[-1])
    qtbot.waitUntil(lambda: village.packages.text(0, 5) != "belum")

    # The participant list shows each record's state.
    model = ParticipantTableModel(a.participants)
    model.set_query(model.query)
    settle(qtbot)
    assert {model.index(r, Column.SYNC).data() for r in range(model.rowCount())} == {"Diterima"}
