"""Cadangan in Pengaturan: an encrypted copy to a folder, and a restore from it."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from kudus_desktop.core.enrolment.participants import ParticipantQuery
from kudus_desktop.gui.main_window import MainWindow
from kudus_desktop.gui.office import backup_widget as module
from kudus_desktop.gui.office.backup_widget import PassphraseDialog
from tests.factories import make_draft
from tests.gui.conftest import until

Drive = Callable[[type, Callable[[Any], None]], None]


def test_encrypted_copy_then_restore(
    qtbot: QtBot,
    window: MainWindow,
    tmp_path: Path,
    drive: Drive,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: list[str],
) -> None:
    window.participants.create(make_draft(1, full_name="Sebelum Cadangan"))
    window.show_page("pengaturan")
    widget = window.settings_page.backup_widget
    stick = tmp_path / "usb"
    stick.mkdir()
    monkeypatch.setattr(module.QFileDialog, "getExistingDirectory", lambda *a, **k: str(stick))

    def new_passphrase(d: PassphraseDialog) -> None:
        qtbot.keyClicks(d.passphrase, "frasa-desa-1")
        qtbot.keyClicks(d.again, "frasa-desa-2")
        d.ok_button.click()
        assert d.isVisible() and d.error.isVisible()
        d.again.clear()
        qtbot.keyClicks(d.again, "frasa-desa-1")
        d.ok_button.click()

    drive(PassphraseDialog, new_passphrase)
    widget.copy_button.click()
    until(qtbot, lambda: any("terenkripsi ditulis" in m for m in message_boxes))  # made off the window's thread
    (sealed,) = stick.glob("*.kbak")
    assert any("terenkripsi ditulis" in m for m in message_boxes)

    window.participants.create(make_draft(2, full_name="Sesudah Cadangan"))
    monkeypatch.setattr(module.QFileDialog, "getOpenFileName", lambda *a, **k: (str(sealed), ""))
    monkeypatch.setattr(module, "ask", lambda *a: True)
    drive(PassphraseDialog, lambda d: (qtbot.keyClicks(d.passphrase, "frasa-desa-1"), d.ok_button.click()))
    widget.restore_button.click()
    until(qtbot, lambda: not window.isVisible())  # the window closes after a restore
    restored = window.participants
    names = [restored.get(i).full_name for i in restored.query_ids(ParticipantQuery())]
    assert names == ["Sebelum Cadangan"]
