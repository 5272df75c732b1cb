"""Pengaturan > Data pribadi driven by the admin: the retention period, the purge, the lost-device list."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kudus_desktop.core.enrolment.participants import ParticipantService
from kudus_desktop.gui.main_window import MainWindow
from kudus_desktop.gui.office import privacy_widget as module
from tests.factories import make_draft, make_nik


def test_retention_purge_and_lost_device_report(
    window: MainWindow,
    gui_service: ParticipantService,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    message_boxes: list[str],
) -> None:
    old = gui_service.create(make_draft(1, full_name="Wartini Lama", start_date="2017-01-02"))[0]
    gui_service.end(old, "pindah", "2019-03-01")
    gui_service.create(make_draft(2))
    window.show_page("pengaturan")
    w = window.settings_page.privacy_widget
    qtbot.waitUntil(lambda: "belum diatur" in w.due.text())
    assert not w.purge_button.isEnabled()

    w.years.setValue(5)
    qtbot.mouseClick(w.save_years, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.due.text().startswith("1 orang berhenti sebelum"))
    asked: list[str] = []
    monkeypatch.setattr(module, "ask", lambda _p, _t, text, _y, _n: asked.append(text) or True)
    qtbot.mouseClick(w.purge_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any("1 orang dihapus" in m for m in message_boxes))
    assert "untuk selamanya" in asked[0]
    assert gui_service.find_by_nik(make_nik(1)) is None
    qtbot.waitUntil(lambda: w.due.text().startswith("0 orang"))

    target = tmp_path / "perangkat-hilang.xlsx"
    monkeypatch.setattr(module.QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    qtbot.mouseClick(w.lost_device, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: target.exists() and any("NIK lengkap" in m for m in message_boxes))
    rows = list(load_workbook(target).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert any(r[2] == make_nik(2) for r in rows) and not any(r[2] == make_nik(1) for r in rows)
