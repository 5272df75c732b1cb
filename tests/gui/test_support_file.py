"""Bantuan → Buat berkas bantuan: the clerk saves one zip for the support person."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from kudus_desktop.gui.main_window import MainWindow
from tests.factories import make_draft, make_nik


def test_the_help_menu_saves_a_support_file_without_personal_data(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, message_boxes: list[str]
) -> None:
    window.participants.create(make_draft(1, full_name="Sri Rahayu Ningsih"))
    target = tmp_path / "bantuan"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "Zip (*.zip)"))
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Bantuan")
    assert window.support_action in menu.actions()
    window.support_action.trigger()
    qtbot.waitUntil(lambda: bool(message_boxes))
    saved = target.with_suffix(".zip")
    assert "Berkas bantuan disimpan di" in message_boxes[-1] and str(saved) in message_boxes[-1]
    with zipfile.ZipFile(saved) as zf:
        about = zf.read("tentang.txt").decode("utf-8")
        everything = "".join(zf.read(n).decode("utf-8") for n in zf.namelist())
    assert "PySide6" in about and "Qt:" in about and "keutuhan basis data: ok" in about
    assert "Sri Rahayu" not in everything and make_nik(1) not in everything
