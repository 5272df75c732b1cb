"""DPMD publishes a new version from the window (Sinkronisasi desa > Terbitkan pembaruan…): a
wrong entry is named on the form and nothing is signed; the right one is signed, copied to the
stick, and a village takes it from there."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from kudus_desktop.core.storage.audit import audit_events
from kudus_desktop.core.sync import updates
from kudus_desktop.gui.regency.publish_dialog import PublishUpdateDialog
from kudus_desktop.gui.signals import AppSignals
from kudus_desktop.gui.sync.sync_page import RegencySyncPage
from tests.conftest import Office
from tests.core.conftest import join
from tests.gui.conftest import settle


def test_the_regency_publishes_from_the_window_and_a_village_takes_it_from_the_stick(
    qtbot: QtBot, offices: dict[str, Office], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, message_boxes: list[str]
) -> None:
    regency, village = offices["kab"], offices["a"]
    join(village, regency, tmp_path)
    page = RegencySyncPage(regency.db, regency.user, AppSignals())
    qtbot.addWidget(page)
    assert page.publish_button.isVisibleTo(page)
    opened: list[PublishUpdateDialog] = []
    monkeypatch.setattr(PublishUpdateDialog, "exec", lambda d: opened.append(d) or 0)
    page.publish_button.click()
    dialog = opened[0]
    qtbot.addWidget(dialog)
    dialog.show()
    folder = regency.path / updates.UPDATE_DIR

    dialog.publish_button.click()  # nothing chosen
    assert dialog.error.isVisible() and "Pilih berkas" in dialog.error.text()
    setup = tmp_path / "KudusDesktop-0.2.0-setup.exe"
    setup.write_bytes(b"MZ" + bytes(range(256)) * 1000)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(setup), ""))
    dialog.choose_file()
    assert dialog.platform.currentData() == "windows-x64"  # the .exe is the Windows installer
    dialog.version.setText("versi baru")
    dialog.publish_button.click()
    settle(qtbot)
    assert dialog.error.isVisible() and "versi baru" in dialog.error.text()
    assert not any(folder.rglob("*.kdu")), "nothing signed for a refused entry"

    stick = tmp_path / "flashdisk"
    stick.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(stick))
    dialog.version.setText("0.2.0")
    dialog.notes.setPlainText("Kartu dapat dicetak tanpa dupleks.")
    dialog.stick.setChecked(True)
    dialog.publish_button.click()
    settle(qtbot)
    assert not dialog.isVisible()
    on_stick = stick / updates.update_name("0.2.0", "windows-x64")
    assert on_stick.is_file() and not list(stick.glob("~*"))
    assert "ditandatangani" in message_boxes[-1] and str(on_stick) in message_boxes[-1]
    assert any(e.action == "update_published" for e in audit_events(regency.db))

    staged = updates.receive_file(village.db, on_stick, tag="windows-x64")
    assert (staged.info.version, staged.info.notes, staged.info.size) == (
        "0.2.0", "Kartu dapat dicetak tanpa dupleks.", setup.stat().st_size
    )  # fmt: skip
