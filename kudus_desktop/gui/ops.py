"""Background work off the GUI thread, with a busy cursor and success/failure callbacks.

Database work goes through one single-thread pool because SQLite has one writer; the
callbacks run back on the GUI thread. Core functions never touch widgets.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from kudus_desktop.core.rules.records import OpChanges
from kudus_desktop.gui.messages import show_error
from kudus_desktop.gui.signals import AppSignals

log = logging.getLogger(__name__)
BUSY_CURSOR_AFTER_MS = 300


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int)
    found = Signal(object)  # a part of the result, ahead of the whole (run_stream)


class _Jobs(QObject):
    """``settled``: a database job has ended and its result handler has run (tests wait on it)."""

    settled = Signal()


_jobs: _Jobs | None = None


def jobs() -> _Jobs:
    global _jobs
    if _jobs is None:
        _jobs = _Jobs()
    return _jobs


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        # Python owns the job until its result is back on the GUI thread: letting Qt
        # delete a Python QRunnable on the worker thread corrupts reference counts.
        self.setAutoDelete(False)
        self.fn = fn
        self.relay = relay

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the GUI thread
            self.relay.failed.emit(exc)
        else:
            self.relay.done.emit(result)


_db_pool: QThreadPool | None = None
_read_pool: QThreadPool | None = None
_running: dict[_Relay, _Job] = {}
_beside: dict[_Relay, _Job] = {}


def _one_thread() -> QThreadPool:
    app = QCoreApplication.instance()
    pool = QThreadPool(app)
    pool.setMaxThreadCount(1)
    if app is not None:
        app.aboutToQuit.connect(pool.waitForDone)
    return pool


def db_pool() -> QThreadPool:
    """The single database thread, owned by the application and stopped with it."""
    global _db_pool
    if _db_pool is None:
        _db_pool = _one_thread()
    return _db_pool


def read_pool() -> QThreadPool:
    """A thread for the reads behind a list (a search over a million participants takes
    0.4 s): they hold up neither the GUI nor a save, and never wait behind an import's write."""
    global _read_pool
    if _read_pool is None:
        _read_pool = _one_thread()
    return _read_pool


def run_db(
    parent: QWidget | None,
    fn: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_failed: Callable[[BaseException], None] | None = None,
    *,
    relay: _Relay | None = None,
    pool: QThreadPool | None = None,
    busy_cursor: bool = True,
) -> _Relay:
    """Run ``fn`` on the database thread; call ``on_done(result)`` or show/handle the error.

    ``relay``: one made (and connected) by the caller before the job can start, so that nothing
    the job reports while it runs can arrive before there is somewhere to send it. ``pool``:
    another thread (``read_pool()``); ``busy_cursor``: False where the page shows its own wait."""
    relay = relay or _Relay()
    job = _Job(fn, relay)
    _running[relay] = job
    busy = QTimer(relay)
    busy.setSingleShot(True)
    cursor_set = False

    def set_cursor() -> None:
        nonlocal cursor_set
        cursor_set = True
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)

    def finish() -> None:
        busy.stop()
        if cursor_set:
            QApplication.restoreOverrideCursor()
        _running.pop(relay, None)
        relay.deleteLater()

    def gone() -> bool:
        # The widget that asked was closed and deleted meanwhile (the window closed for the next
        # person to log in): its result has nowhere to go.
        return parent is not None and not shiboken6.isValid(parent)

    def done(result: object) -> None:
        finish()
        try:
            if not gone():
                on_done(result)
        finally:
            jobs().settled.emit()

    def failed(exc: BaseException) -> None:
        finish()
        try:
            if gone():
                log.info("a job's error after its window closed: %s", exc)
            elif on_failed is not None:
                on_failed(exc)
            else:
                show_error(parent, exc)
        finally:
            jobs().settled.emit()

    if busy_cursor:
        busy.timeout.connect(set_cursor)
        busy.start(BUSY_CURSOR_AFTER_MS)
    relay.done.connect(done, Qt.ConnectionType.QueuedConnection)
    relay.failed.connect(failed, Qt.ConnectionType.QueuedConnection)
    (pool or db_pool()).start(job)
    return relay


class Changing(Protocol):
    """A service's result that says what it changed (the core's result records have it)."""

    @property
    def changes(self) -> OpChanges: ...


Changed = TypeVar("Changed", bound=OpChanges | Changing)


def run_change(
    parent: QWidget | None,
    signals: AppSignals,
    fn: Callable[[], Changed],
    on_done: Callable[[Changed], None] | None = None,
    on_failed: Callable[[BaseException], None] | None = None,
) -> None:
    """Run a service call that changes data on the database thread, then broadcast the changes
    it returned (an ``OpChanges``, or a result's ``changes``) on ``signals.changed``, so every
    page refreshes what it touched, before ``on_done(result)``."""

    def done(result: Changed) -> None:
        signals.changed.emit(result if isinstance(result, OpChanges) else result.changes)
        if on_done is not None:
            on_done(result)

    run_db(parent, fn, done, on_failed)


def run_beside(pool: QThreadPool, fn: Callable[[], Any], on_done: Callable[[Any], None]) -> None:
    """Run ``fn`` on ``pool`` (a thread of its own, not the database thread: the online sync's
    network exchange must never hold up a save) and call ``on_done(result)`` back on the GUI
    thread. No busy cursor, no error box: ``fn`` reports its own failures in its result."""
    relay = _Relay()
    job = _Job(fn, relay)
    _beside[relay] = job

    def done(result: object) -> None:
        _beside.pop(relay, None)
        relay.deleteLater()
        on_done(result)

    def failed(exc: BaseException) -> None:
        _beside.pop(relay, None)
        relay.deleteLater()
        raise exc  # a bug in ``fn``: Qt's handler logs it, as any slot's

    relay.done.connect(done, Qt.ConnectionType.QueuedConnection)
    relay.failed.connect(failed, Qt.ConnectionType.QueuedConnection)
    pool.start(job)


def running() -> int:
    """Database jobs started whose result has not been handled yet."""
    return len(_running)


def wait_idle(timeout_ms: int = 10_000) -> bool:
    """Block until the database and read threads are idle (used at shutdown)."""
    return read_pool().waitForDone(timeout_ms) and db_pool().waitForDone(timeout_ms)


PROGRESS_AFTER_MS = 600
PROGRESS_INTERVAL_S = 0.1  # about ten updates a second


def _throttled(relay: _Relay) -> Callable[[int, int], None]:
    """The core's ``progress(done, total)``, sent on about ten times a second and at the end."""
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_INTERVAL_S or (total and done >= total):
            last[0] = now
            relay.progress.emit(done, total)

    return progress


def run_job(
    parent: QWidget | None,
    title: str,
    fn: Callable[[Callable[[int, int], None], Callable[[], bool]], Any],
    on_done: Callable[[Any], None],
    on_failed: Callable[[BaseException], None] | None = None,
) -> QProgressDialog:
    """Run a long core job ``fn(progress, cancelled)`` on the database thread.

    A progress dialog with a Cancel button appears after 600 ms; Cancel sets the flag the
    core checks between rows, and the job's CancelledError is not shown as an error.
    """
    cancel = threading.Event()
    dialog = QProgressDialog(title, QCoreApplication.translate("Pesan", "Batal"), 0, 0, parent)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(PROGRESS_AFTER_MS)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.canceled.connect(cancel.set)
    # Made and connected before the job starts: a fast job reports its progress at once.
    relay = _Relay()
    progress = _throttled(relay)

    def show_progress(done: int, total: int) -> None:
        dialog.setMaximum(max(total, 0))
        if total:
            dialog.setValue(min(done, total))
        dialog.setLabelText(f"{title}\n{done:,}".replace(",", "."))

    def finished(result: Any) -> None:
        dialog.close()
        on_done(result)

    def failed(exc: BaseException) -> None:
        dialog.close()
        if on_failed is not None:
            on_failed(exc)
        else:
            show_error(parent, exc)

    relay.progress.connect(show_progress, Qt.ConnectionType.QueuedConnection)
    run_db(parent, lambda: fn(progress, cancel.is_set), finished, failed, relay=relay)
    return dialog


def run_stream(
    parent: QWidget | None,
    fn: Callable[[Callable[[Any], None], Callable[[int, int], None], Callable[[], bool]], Any],
    on_found: Callable[[Any], None],
    on_progress: Callable[[int, int], None],
    on_done: Callable[[Any], None],
    on_failed: Callable[[BaseException], None],
) -> threading.Event:
    """Run a long core job ``fn(found, progress, cancelled)`` on the database thread whose parts
    are shown as they come (an import's checked rows), with no dialog over the page: the page
    shows its own progress and Cancel. Parts, progress and the end arrive in the order sent.

    Returns the cancel flag: set, the core's next check raises CancelledError into
    ``on_failed``."""
    cancel = threading.Event()
    relay = _Relay()
    progress = _throttled(relay)
    relay.found.connect(on_found, Qt.ConnectionType.QueuedConnection)
    relay.progress.connect(on_progress, Qt.ConnectionType.QueuedConnection)
    run_db(parent, lambda: fn(relay.found.emit, progress, cancel.is_set), on_done, on_failed, relay=relay,
           busy_cursor=False)  # fmt: skip
    return cancel
