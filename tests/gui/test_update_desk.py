"""Updates in the village's window: a file from a stick offered with DPMD's notes, a tampered one
refused with the reason, and the first start of a new version finishing its installation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from kudus_desktop import __version__, selftest
from kudus_desktop.core.rules.records import UserView
from kudus_desktop.core.storage.audit import audit_actions
from kudus_desktop.core.storage.db import Database
from kudus_desktop.core.sync import RegencySync, VillageSync, updates
from kudus_desktop.gui.main_window import MainWindow
from kudus_desktop.gui.office import update_desk
from tests.conftest import Office
from tests.factories import DESA
from tests.gui.conftest import TODAY, settle

HERE = updates.platform_tag()
pytestmark = pytest.mark.skipif(HERE not in updates.PLATFORMS, reason=f"no update is made for {HERE}")


@pytest.fixture
def joined(db: Database, admin: UserView, offices: dict[str, Office], tmp_path: Path) -> Office:
    """The window's village joined to the regency, which can publish."""
    kab = offices["kab"]
    setup, _ = RegencySync(kab.db, kab.user).make_setup_file(DESA, tmp_path)
    VillageSync(db, admin).join(setup)
    return kab


def publish(kab: Office, tmp: Path, version: str = "0.2.0") -> Path:
    payload = tmp / "payload.bin"
    payload.write_bytes(b"\x00program" * 10_000)
    return updates.publish(kab.db, kab.user, payload, version, "Kartu dapat dicetak tanpa dupleks.", HERE)


def test_an_update_from_a_stick_is_offered_with_its_notes(
    qtbot: QtBot, window: MainWindow, joined: Office, tmp_path: Path, message_boxes: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    kdu = publish(joined, tmp_path)
    monkeypatch.setattr(update_desk.QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(kdu), ""))
    desk = window.update_desk
    assert desk is not None and desk.file_action in window.menuBar().actions()[-1].menu().actions()
    desk.file_action.trigger()
    settle(qtbot)
    assert desk.notice.isVisible() and desk.notice.text() == "Versi baru 0.2.0 tersedia"
    offered = message_boxes[-1]
    assert "0.2.0" in offered and __version__ in offered and "tanpa dupleks" in offered
    assert "ditandatangani kabupaten" in offered
    assert (window.db.data_dir / updates.UPDATE_DIR / kdu.name).is_file()


def test_a_tampered_update_is_refused_with_the_reason_and_nothing_is_offered(
    qtbot: QtBot, window: MainWindow, joined: Office, tmp_path: Path, message_boxes: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    kdu = publish(joined, tmp_path)
    data = bytearray(kdu.read_bytes())
    data[-3] ^= 1
    kdu.write_bytes(bytes(data))
    monkeypatch.setattr(update_desk.QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(kdu), ""))
    assert window.update_desk is not None
    window.update_desk.file_action.trigger()
    settle(qtbot)
    assert "tidak sama dengan yang ditandatangani kabupaten" in message_boxes[-1]
    assert not window.update_desk.notice.isVisible()
    assert not list((window.db.data_dir / updates.UPDATE_DIR).glob("*.kdu"))


def pending(db: Database, tmp: Path, old: str) -> Path:
    """What an older version leaves when it swapped its bundle folder for this one."""
    running = tmp / "program" / "kudus-desktop"
    running.mkdir(parents=True)
    (running / "VERSI").write_text(__version__)
    kept = running.with_name("kudus-desktop.lama")
    kept.mkdir()
    (kept / "VERSI").write_text(old)
    folder = db.data_dir / updates.UPDATE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    (folder / updates.PENDING_FILE).write_text(json.dumps({
        "old_version": old, "new_version": __version__, "platform": HERE, "bundle_dir": str(running),
        "previous_installer": "", "backup": "cadangan.sqlite", "started_at": "2026-12-03 10:00:00",
    }))  # fmt: skip
    return running


def open_window(qtbot: QtBot, db: Database, admin: UserView) -> MainWindow:
    w = MainWindow(db, admin, today=lambda: TODAY)
    qtbot.addWidget(w)
    w.show()
    return w


def test_the_first_start_of_a_new_version_runs_its_selftest_and_keeps_it(
    qtbot: QtBot, db: Database, admin: UserView, tmp_path: Path, message_boxes: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    running = pending(db, tmp_path, "0.0.9")
    monkeypatch.setattr(selftest, "verdict", lambda: (True, "6 langkah lulus"))
    w = open_window(qtbot, db, admin)
    qtbot.waitUntil(lambda: any("diperbarui dari versi 0.0.9" in m for m in message_boxes))
    settle(qtbot)
    assert (running / "VERSI").read_text() == __version__ and not running.with_name("kudus-desktop.lama").exists()
    assert "update_installed" in audit_actions(db)
    assert w.isVisible()


def test_a_new_version_that_fails_its_selftest_gives_the_old_one_back_and_closes(
    qtbot: QtBot, db: Database, admin: UserView, tmp_path: Path, message_boxes: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    running = pending(db, tmp_path, "0.0.9")
    monkeypatch.setattr(selftest, "verdict", lambda: (False, "langkah 'kartu peserta (PDF)' gagal"))
    closed: list[Any] = []
    w = open_window(qtbot, db, admin)
    w.closed.connect(lambda: closed.append(True))
    qtbot.waitUntil(lambda: bool(closed))
    assert any("gagal uji mandiri" in m and "0.0.9 dipulihkan" in m for m in message_boxes), message_boxes
    assert (running / "VERSI").read_text() == "0.0.9", "the old version's folder is back in place"
