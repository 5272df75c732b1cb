"""Online sync in the background for a village: at start, every few minutes, and on demand.

The exchange runs on a thread of its own, never the database thread, so a slow line never
holds up a save; the window only hears the outcome. After a failure the next try waits longer
(:class:`kudus_desktop.core.regency.hub_client.Backoff`); the status bar says how things stand.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThreadPool, QTimer, Signal

from kudus_desktop.core.errors import KudusError
from kudus_desktop.core.regency.hub_client import Backoff, HubClient, HubState, RunResult
from kudus_desktop.core.rules.views import OpChanges, UserView
from kudus_desktop.core.storage.db import Database
from kudus_desktop.gui.signals import AppSignals

log = logging.getLogger(__name__)

FIRST_TRY_MS = 3_000  # after the window opens, once it has settled


class _Relay(QObject):
    started = Signal(str)  # the server being reached
    # attempted, RunResult | None, error text | None, HubState | None
    finished = Signal(bool, object, object, object)


class _Exchange(QRunnable):
    """Reads the state and, where a server is set, runs one exchange: all off the GUI thread."""

    def __init__(self, client: HubClient, relay: _Relay, cancel: threading.Event) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.client = client
        self.relay = relay
        self.cancel = cancel

    def _state(self) -> HubState | None:
        try:
            return self.client.state()
        except KudusError:
            return None

    def run(self) -> None:
        before = self._state()
        if before is None or not before.joined or not before.server:
            self.relay.finished.emit(False, None, None, before)
            return
        self.relay.started.emit(before.server)
        result: RunResult | None = None
        error: str | None = None
        try:
            result = self.client.run(cancelled=self.cancel.is_set)
        except KudusError as exc:
            error = str(exc)
        except Exception as exc:  # a network thread must report, never die silently
            log.exception("online sync failed")
            error = str(exc) or type(exc).__name__
        self.relay.finished.emit(True, result, error, self._state())


class BackgroundSync(QObject):
    """Schedules exchanges with the regency's server and reports their state."""

    # short text for the status bar, longer text for its tooltip
    state_changed = Signal(str, str)

    def __init__(self, db: Database, user: UserView, signals: AppSignals, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.client = HubClient(db, user)
        self.signals = signals
        self.backoff = Backoff()
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.sync_now)
        self.cancel = threading.Event()
        self.running: _Exchange | None = None
        self.relay = _Relay(self)
        self.relay.started.connect(self._started, Qt.ConnectionType.QueuedConnection)
        self.relay.finished.connect(self._finished, Qt.ConnectionType.QueuedConnection)

    def start(self) -> None:
        """Begin the schedule (only where a server address is set)."""
        self.timer.start(FIRST_TRY_MS)

    def sync_now(self) -> None:
        if self.running is not None or self.cancel.is_set():
            return
        self.timer.stop()
        self.running = _Exchange(self.client, self.relay, self.cancel)
        self.pool.start(self.running)

    def _started(self, server: str) -> None:
        self.state_changed.emit(self.tr("Menyinkronkan…"), server)

    def _finished(self, attempted: bool, result: RunResult | None, error: str | None, state: HubState | None) -> None:
        self.running = None
        if attempted and error is None:
            self.backoff.succeeded()
        elif attempted:
            self.backoff.failed()
        if state is not None:
            self._publish(state, error)
        if result is not None and (result.made or (result.receipt and not result.receipt.already_applied)):
            self.signals.changed.emit(OpChanges(participants=True))
        if not self.cancel.is_set():
            self.timer.start(int(self.backoff.delay() * 1000))

    def _publish(self, state: HubState, error: str | None) -> None:
        self.state_changed.emit(*describe_state(state, error, self.backoff.delay() if error else None))

    def stop(self, wait_ms: int = 5_000) -> None:
        """At close: no new exchange; the one in flight is cut off and its package stays waiting."""
        self.cancel.set()
        self.timer.stop()
        self.client.abort()
        self.pool.waitForDone(wait_ms)


def describe_state(state: HubState, error: str | None, retry_in: float | None) -> tuple[str, str]:
    """The status bar's words for a state: "Tersinkron 10:32", "3 paket menunggu koneksi", "Gagal: …"."""

    tip = state.server
    if not state.joined:
        return "", ""
    if not state.server:
        return QCoreApplication.translate(
            "Sinkron", "Sinkron daring tidak aktif (hanya flashdisk)"
        ), QCoreApplication.translate("Sinkron", "Berkas setup dari kabupaten tidak berisi alamat server.")
    if error:
        text = QCoreApplication.translate("Sinkron", "Gagal: {reason}").format(reason=error)
        if state.waiting:
            text = QCoreApplication.translate("Sinkron", "{n} paket menunggu koneksi. ").format(n=state.waiting) + text
        if retry_in:
            tip = QCoreApplication.translate("Sinkron", "{server}\nDicoba lagi dalam {minutes} menit.").format(
                server=state.server, minutes=max(1, round(retry_in / 60))
            )
        return text, tip
    if state.pending_fingerprint:
        return (
            QCoreApplication.translate("Sinkron", "Menunggu konfirmasi kabupaten (sidik jari {fp})").format(
                fp=state.pending_fingerprint
            ),
            QCoreApplication.translate("Sinkron", "Bacakan sidik jari ini kepada operator kabupaten lewat telepon."),
        )
    if state.waiting:
        return QCoreApplication.translate("Sinkron", "{n} paket menunggu koneksi").format(n=state.waiting), tip
    if state.last_ok:
        when = datetime.fromisoformat(state.last_ok)
        same_day = when.date() == datetime.now().date()
        stamp = when.strftime("%H:%M") if same_day else when.strftime("%d/%m %H:%M")
        return QCoreApplication.translate("Sinkron", "Tersinkron {time}").format(time=stamp), tip
    return QCoreApplication.translate("Sinkron", "Belum tersinkron"), tip
