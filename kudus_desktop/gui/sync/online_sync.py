"""Online sync in the background for a village: at start, every few minutes, and on demand.

The exchange runs on a thread of its own, never the database thread, so a slow line never
holds up a save; the window only hears the outcome. After a failure the next try waits longer
(:class:`kudus_desktop.core.sync.online.Backoff`); the status bar says how things stand.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThreadPool, QTimer, Signal

from kudus_desktop.core.errors import KudusError
from kudus_desktop.core.rules.records import UserView
from kudus_desktop.core.storage.db import Database
from kudus_desktop.core.sync.online import Backoff, OnlineState, OnlineSync, RunResult
from kudus_desktop.gui.ops import run_beside
from kudus_desktop.gui.signals import AppSignals

log = logging.getLogger(__name__)

FIRST_TRY_MS = 3_000  # after the window opens, once it has settled


@dataclass(frozen=True, slots=True)
class _Outcome:
    attempted: bool
    result: RunResult | None
    error: str | None
    state: OnlineState | None


class OnlineSyncRunner(QObject):
    """Schedules exchanges with the regency's server and reports their state."""

    # short text for the status bar, longer text for its tooltip
    state_changed = Signal(str, str)
    #: a newer version, verified and kept in the data folder (an updates.StagedUpdate)
    update_ready = Signal(object)
    #: the server being reached, emitted from the exchange's thread (delivered queued)
    _reaching = Signal(str)

    def __init__(self, db: Database, user: UserView, signals: AppSignals, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.client = OnlineSync(db, user)
        self.signals = signals
        self.backoff = Backoff()
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.sync_now)
        self.cancel = threading.Event()
        self.running = False
        self._reaching.connect(self._started, Qt.ConnectionType.QueuedConnection)

    def start(self) -> None:
        """Begin the schedule (only where a server address is set)."""
        self.timer.start(FIRST_TRY_MS)

    def sync_now(self) -> None:
        if self.running or self.cancel.is_set():
            return
        self.timer.stop()
        self.running = True
        run_beside(self.pool, self._exchange, self._finished)

    def _state(self) -> OnlineState | None:
        try:
            return self.client.state()
        except KudusError:
            return None

    def _exchange(self) -> _Outcome:
        """Reads the state and, where a server is set, runs one exchange: all off the GUI thread."""
        before = self._state()
        if before is None or not before.joined or not before.server:
            return _Outcome(False, None, None, before)
        self._reaching.emit(before.server)
        try:
            return _Outcome(True, self.client.run(cancelled=self.cancel.is_set), None, self._state())
        except KudusError as exc:
            error = str(exc)
        except Exception as exc:  # a network thread must report, never die silently
            log.exception("online sync failed")
            error = str(exc) or type(exc).__name__
        return _Outcome(True, None, error, self._state())

    def _started(self, server: str) -> None:
        self.state_changed.emit(self.tr("Menyinkronkan…"), server)

    def _finished(self, outcome: _Outcome) -> None:
        self.running = False
        if outcome.attempted and outcome.error is None:
            self.backoff.succeeded()
        elif outcome.attempted:
            self.backoff.failed()
        if outcome.state is not None:
            self._publish(outcome.state, outcome.error)
        result = outcome.result
        if result is not None and result.made is not None:
            self.signals.changed.emit(result.made.changes)
        elif result is not None and result.receipt is not None and not result.receipt.already_applied:
            self.signals.changed.emit(result.receipt.changes)
        if result is not None and result.update is not None:
            self.update_ready.emit(result.update)
        if not self.cancel.is_set():
            self.timer.start(int(self.backoff.delay() * 1000))

    def _publish(self, state: OnlineState, error: str | None) -> None:
        self.state_changed.emit(*describe_state(state, error, self.backoff.delay() if error else None))

    def stop(self, wait_ms: int = 5_000) -> None:
        """At close: no new exchange; the one in flight is cut off and its package stays waiting."""
        self.cancel.set()
        self.timer.stop()
        self.client.abort()
        self.pool.waitForDone(wait_ms)


def describe_state(state: OnlineState, error: str | None, retry_in: float | None) -> tuple[str, str]:
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
