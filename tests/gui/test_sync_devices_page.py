"""Village devices in the window: the clerk renews the keys, the DPMD operator sees each device
with its fingerprint and revokes a lost one; rejected rows and gaps show as counts and ranges."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog
from pytestqt.qtbot import QtBot

from kudus_desktop import __version__
from kudus_desktop.core.storage.signing import identity
from kudus_desktop.core.sync import RegencySync, VillageSync
from kudus_desktop.gui.signals import AppSignals
from kudus_desktop.gui.sync import sync_page as module
from kudus_desktop.gui.sync.sync_page import DevicesDialog, RegencySyncPage, VillageSyncPage
from tests.conftest import Office
from tests.factories import DESA, make_draft
from tests.hostile import craft, package_text, person, row


def joined(a: Office, kab: Office, tmp_path: Path) -> None:
    path, _ = RegencySync(kab.db, kab.user).make_setup_file(DESA, tmp_path)
    VillageSync(a.db, a.user).join(path)
    a.participants.create(make_draft(1))
    package = VillageSync(a.db, a.user).export_package(tmp_path / "stick")
    assert package.copied_to is not None
    RegencySync(kab.db, kab.user).import_package(
        package.copied_to.read_bytes(), package.file_name, confirm_fingerprint=identity(a.db).fingerprint
    )


def test_the_clerk_renews_the_keys_and_sees_them_waiting(
    qtbot: QtBot, offices: dict[str, Office], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, message_boxes: list[str]
) -> None:
    a, kab = offices["a"], offices["kab"]
    joined(a, kab, tmp_path)
    monkeypatch.setattr(module, "ask", lambda *args: True)
    page = VillageSyncPage(a.db, a.user, AppSignals())
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.status is not None and page.rotate_button.isEnabled())
    old = page.device_fp.text()
    assert not page.rotation_label.isVisible()
    qtbot.mouseClick(page.rotate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.device_fp.text() != old and page.rotation_label.isVisible())
    assert old in page.rotation_label.text()
    assert old in message_boxes[-1] and page.device_fp.text() in message_boxes[-1]
    assert page.device_fp.text() == identity(a.db).fingerprint


def test_the_operator_sees_devices_revokes_one_and_the_village_table_shows_rejections(
    qtbot: QtBot, offices: dict[str, Office], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, kab = offices["a"], offices["kab"]
    joined(a, kab, tmp_path)
    me = identity(a.db)
    payload, counts = package_text([row(person(DESA, 70, nik="123")), row(person(DESA, 71))])
    RegencySync(kab.db, kab.user).import_package(
        craft(me, identity(kab.db).box_public, desa=DESA, seq=5, text=payload, counts=counts), "x.kdp"
    )
    page = RegencySyncPage(kab.db, kab.user, AppSignals())
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.villages.rowCount() == 123)
    row_of = next(r for r in range(page.villages.rowCount()) if page.villages.text(r, 0) == DESA)
    assert page.villages.text(row_of, 7) == "3: 2-4"  # packages 2, 3 and 4 never came
    assert page.villages.text(row_of, 8) == "1"  # one record rejected, its reason in the receipt

    dialogs: list[DevicesDialog] = []
    monkeypatch.setattr(DevicesDialog, "open", lambda self: dialogs.append(self) or self.show())
    qtbot.mouseClick(page.devices_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(dialogs))
    dialog = dialogs[0]
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1
    assert dialog.table.text(0, 2) == me.fingerprint and dialog.table.text(0, 3) == "aktif"
    assert "Getaspejaten" in dialog.table.text(0, 0)
    assert dialog.table.text(0, 5) == __version__, "the version the village's package came from"
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kw: ("laptop dicuri", True))
    dialog.table.selectRow(0)
    qtbot.mouseClick(dialog.revoke_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.table.text(0, 3) == "dicabut")
    assert dialog.table.text(0, 7) == "laptop dicuri"
    assert RegencySync(kab.db, kab.user).devices()[0].state == "revoked"
