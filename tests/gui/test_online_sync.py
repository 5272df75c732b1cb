"""Online sync in the window: the status bar's state, "Sinkronkan sekarang", the regency
confirming a device that came over the network, and a hanging server never freezing saves."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kudus_desktop.core.regency.sync_server import SyncServer
from kudus_desktop.core.storage.signing import identity
from kudus_desktop.core.sync import RegencySync, VillageSync
from kudus_desktop.gui.main_window import MainWindow
from kudus_desktop.gui.signals import AppSignals
from kudus_desktop.gui.sync import sync_page as module
from kudus_desktop.gui.sync.sync_page import RegencySyncPage, VillageSyncPage
from tests.conftest import TODAY, Office
from tests.factories import DESA, make_draft
from tests.server.conftest import Server


@pytest.fixture
def hub(offices: dict[str, Office]) -> Iterator[Server]:
    server = Server(SyncServer(offices["kab"].db))
    yield server
    server.stop()


def join(village: Office, regency: Office, server: str, tmp_path: Path) -> None:
    path, _ = RegencySync(regency.db, regency.user).make_setup_file(DESA, tmp_path, server=server)
    VillageSync(village.db, village.user).join(path)


def village_window(qtbot: QtBot, village: Office) -> MainWindow:
    w = MainWindow(village.db, village.user, today=lambda: TODAY)
    qtbot.addWidget(w)
    w.show()
    return w


def test_sync_now_then_the_regency_confirms_then_the_status_bar_says_synced(
    qtbot: QtBot, offices: dict[str, Office], hub: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, kab = offices["a"], offices["kab"]
    join(a, kab, hub.url, tmp_path)
    a.participants.create(make_draft(1))
    a.participants.create(make_draft(2))
    w = village_window(qtbot, a)
    page = w.sync_page
    assert isinstance(page, VillageSyncPage)
    w.show_page("sinkronisasi")
    qtbot.waitUntil(lambda: page.sync_now_button.isEnabled())

    qtbot.mouseClick(page.sync_now_button, Qt.MouseButton.LeftButton)
    fingerprint = identity(a.db).fingerprint
    qtbot.waitUntil(lambda: "Menunggu konfirmasi kabupaten" in w.online_label.text())
    assert fingerprint in w.online_label.text()
    assert w.online_label.isVisible()

    # DPMD sees the device waiting on its Sinkronisasi page and confirms it after the phone call.
    questions: list[str] = []

    def answer_yes(_parent: object, _title: str, text: str, _yes: str, _no: str) -> bool:
        questions.append(text)
        return True

    monkeypatch.setattr(module, "ask", answer_yes)
    regency = RegencySyncPage(kab.db, kab.user, AppSignals())
    qtbot.addWidget(regency)
    regency.show()
    qtbot.waitUntil(lambda: regency.pending_button.isEnabled())
    assert "(1)" in regency.pending_button.text()
    qtbot.mouseClick(regency.pending_button, Qt.MouseButton.LeftButton)
    assert fingerprint in questions[-1]
    qtbot.waitUntil(lambda: regency.results.count() >= 1)
    assert "2 baru" in regency.results.item(0).text()
    qtbot.waitUntil(lambda: not regency.pending_button.isEnabled())

    qtbot.mouseClick(page.sync_now_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.online_label.text().startswith("Tersinkron "))
    # The receipt came back: the package list shows the regency received it.
    qtbot.waitUntil(lambda: page.packages.rowCount() == 1 and page.packages.text(0, 5) != "belum")
    assert w.online.backoff.failures == 0  # type: ignore[union-attr]
    w.close()


def test_a_dead_server_shows_the_failure_and_backs_off(
    qtbot: QtBot, offices: dict[str, Office], tmp_path: Path
) -> None:
    a, kab = offices["a"], offices["kab"]
    join(a, kab, "http://127.0.0.1:9", tmp_path)
    a.participants.create(make_draft(1))
    w = village_window(qtbot, a)
    page = w.sync_page
    assert isinstance(page, VillageSyncPage)
    qtbot.waitUntil(lambda: page.sync_now_button.isEnabled())
    qtbot.mouseClick(page.sync_now_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.online_label.text().startswith("Gagal:"))
    assert "tidak dapat dihubungi" in w.online_label.text()
    assert "Dicoba lagi dalam 1 menit" in w.online_label.toolTip()
    assert w.online is not None and w.online.backoff.failures == 1
    assert w.online.timer.isActive() and w.online.timer.interval() == 30_000  # not the usual 5 minutes
    assert "tidak dapat dihubungi" in page.online_label.text()
    w.close()


def test_a_server_that_never_answers_does_not_hold_up_saving(
    qtbot: QtBot, offices: dict[str, Office], tmp_path: Path
) -> None:
    a, kab = offices["a"], offices["kab"]
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # accepts connections, never answers
    try:
        join(a, kab, f"http://127.0.0.1:{silent.getsockname()[1]}", tmp_path)
        w = village_window(qtbot, a)
        page = w.sync_page
        assert isinstance(page, VillageSyncPage)
        qtbot.waitUntil(lambda: page.sync_now_button.isEnabled())
        qtbot.mouseClick(page.sync_now_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: w.online_label.text() == "Menyinkronkan…")
        # While the exchange hangs, the clerk's work goes through the database thread as usual.
        w.participants.create(make_draft(5))
        w.sync_page.refresh()
        qtbot.waitUntil(lambda: page.status is not None and page.status.unsent == 1)
        assert w.online is not None and w.online.running
        w.close()  # cuts the hanging request off instead of waiting for its timeout
        assert w.online.pool.activeThreadCount() == 0
    finally:
        silent.close()
