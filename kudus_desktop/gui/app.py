"""Starting the window: application object, translations, first start or log-in."""

from __future__ import annotations

import gc
import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QCoreApplication,
    QLocale,
    QMessageLogContext,
    QThreadPool,
    QtMsgType,
    QTranslator,
    qInstallMessageHandler,
)
from PySide6.QtWidgets import QApplication, QDialog

from kudus_desktop import __version__
from kudus_desktop.core.errors import KudusError, StorageError
from kudus_desktop.core.office.logbook import configure_logging
from kudus_desktop.core.paths import DB_FILE_NAME, ensure_data_dir, resource_path
from kudus_desktop.core.rules.dates import check_clock
from kudus_desktop.core.rules.records import UserView
from kudus_desktop.core.storage import instance
from kudus_desktop.gui import preferences
from kudus_desktop.gui.messages import show_error
from kudus_desktop.gui.office.login_dialog import LoginDialog
from kudus_desktop.gui.ops import run_beside
from kudus_desktop.gui.theme import apply_theme

# The database layer (SQLAlchemy and the core services, a third of a second to load on an old
# PC) is imported only once the log-in window is on screen; see AppController.start.
if TYPE_CHECKING:
    from kudus_desktop.core.office.accounts import AccountService
    from kudus_desktop.core.storage.db import Database
    from kudus_desktop.gui.main_window import MainWindow
    from kudus_desktop.gui.office.setup_wizard import SetupWizard

log = logging.getLogger("kudus_desktop")


def translation_file(language: str) -> Path:
    return resource_path("i18n", f"kudus_{language}.qm")


def qt_translation_file(language: str) -> Path:
    return resource_path("i18n", f"qt_{language}.qm")


def install_qt_translator(app: QApplication, language: str) -> QTranslator | None:
    """Qt's own words in the interface's language: text fields' context menus, dialog buttons,
    the print preview, Qt's file dialog. Qt ships no Indonesian for them, so the project keeps
    its own catalogue (``resources/i18n/qt_id.ts``); English is Qt's own."""
    if language != preferences.DEFAULT_LANGUAGE:
        return None
    return _install(app, qt_translation_file(language))


def install_translator(app: QApplication, language: str) -> QTranslator | None:
    """Load the compiled translation for ``language``; Indonesian is the source language."""
    QLocale.setDefault(QLocale(QLocale.Language.Indonesian, QLocale.Country.Indonesia))
    if language == preferences.DEFAULT_LANGUAGE:
        return None
    return _install(app, translation_file(language))


def _install(app: QApplication, path: Path) -> QTranslator | None:
    translator = QTranslator(app)
    if not translator.load(str(path)):
        log.warning("translation %s not found; run 'python tools/dev.py run' to build it", path)
        return None
    app.installTranslator(translator)
    return translator


#: How long a thread running Python may keep the interpreter while another waits for it. Each
#: call Qt makes into our models while it paints (about 800 for a screen of the import
#: preview) waits that long behind a busy worker thread: at Python's 5 ms a repaint took over a
#: second while a list was checked, at 0.5 ms it takes about 0.1 s (benchmarks/README.md). Only
#: a thread that waits makes the other switch, so work on one thread runs as fast as before.
SWITCH_INTERVAL_S = 0.0005


def create_application(argv: list[str] | None = None) -> QApplication:
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv)
    app.setApplicationName("Kudus Desktop")
    app.setOrganizationName("KudusDesktop")
    app.setApplicationVersion(__version__)
    apply_theme(app)
    language = preferences.language()
    install_qt_translator(app, language)
    install_translator(app, language)
    return app


def _qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """Qt's own warnings into the log, where a support file finds them (they went nowhere)."""
    level = {
        QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }.get(kind, logging.WARNING)  # fmt: skip
    where = f" ({context.file}:{context.line})" if context.file else ""
    logging.getLogger("qt").log(level, "%s%s", message, where)


def _setup_logging(data_dir: Path) -> None:
    configure_logging(data_dir)
    qInstallMessageHandler(_qt_message)


def _excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    log.error("unexpected error\n%s", "".join(traceback.format_exception(kind, exc, tb)))
    if QApplication.instance() is not None:
        show_error(QApplication.activeWindow(), exc)


def settle_heap() -> None:
    """Leave what lives as long as the session (modules, the main window and its pages) out of
    the cyclic garbage collector's full passes. With them a pass takes about 50 ms, a stutter
    when it lands on a search keystroke; without them a few. They are still freed by reference
    counting as usual; only a cycle among them would outlive the session."""
    gc.freeze()


def _daily_backup(path: Path) -> Path | None:
    """The day's backup if none was made yet; a failure is logged, never in the clerk's way."""
    from kudus_desktop.core.storage.backup import daily_backup_if_due

    try:
        return daily_backup_if_due(path)
    except KudusError:
        log.exception("daily backup failed")
        return None


class AppController:
    """Opens the database, then the setup wizard or the log-in, then the main window.

    Non-blocking: dialogs are opened with ``open()`` so the flow can be driven by tests.
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.db: Database | None = None
        self.accounts: AccountService | None = None
        self.wizard: SetupWizard | None = None
        self.login: LoginDialog | None = None
        self.window: MainWindow | None = None
        self.window_lock: instance.WindowLock | None = None
        self.background = QThreadPool()
        self.background.setMaxThreadCount(1)
        self.backup_done = False

    def start(self) -> bool:
        """False when the database cannot be opened or another window has this data folder
        (the reason has been shown).

        Where the office's database exists the log-in window is shown first and painted, and the
        database layer is loaded and the file opened behind it: the clerk sees the window in a
        fraction of a second and can type while it opens ("Masuk" waits for it)."""
        instance.set_role("jendela Kudus Desktop")
        try:
            check_clock()
            self.window_lock = instance.WindowLock(ensure_data_dir(self.data_dir))
            holder = self.window_lock.acquire()
            if holder is not None:
                raise StorageError("window_open", path=str(self.data_dir), holder=str(holder))
        except KudusError as exc:
            show_error(None, exc)
            self._let_go()
            return False
        database = self.data_dir / DB_FILE_NAME
        if database.is_file() and database.stat().st_size > 0:
            self.login = LoginDialog()
            self.login.finished.connect(self._login_finished)
            self.login.open()
            QApplication.processEvents()  # on screen before the slow part below
        from kudus_desktop.core.office.accounts import AccountService
        from kudus_desktop.core.storage.db import open_database

        try:
            self.db = open_database(self.data_dir)
            if self.db.report.swept:
                log.info("removed what killed work left: %s", ", ".join(str(p) for p in self.db.report.swept))
            self.accounts = AccountService(self.db)
            profile = self.accounts.profile()
        except KudusError as exc:
            self._drop_login()
            show_error(None, exc)
            self._let_go()
            return False
        if not profile.initialised:
            from kudus_desktop.gui.office.setup_wizard import SetupWizard

            self._drop_login()  # a file left by a setup that was not finished
            self.wizard = SetupWizard(self.accounts)
            self.wizard.finished.connect(self._wizard_finished)
            self.wizard.open()
        else:
            if self.login is None:
                self.login = LoginDialog()
                self.login.finished.connect(self._login_finished)
                self.login.open()
            self.login.ready(self.accounts, profile)
        # The day's backup once the first window shows, on a thread of its own (seconds for a
        # large file; a copy through SQLite's backup API, which a save meanwhile does not disturb).
        path = self.db.path
        run_beside(self.background, lambda: _daily_backup(path), self._backup_done)
        return True

    def _drop_login(self) -> None:
        if self.login is not None:
            self.login.finished.disconnect(self._login_finished)
            self.login.close()
            self.login.deleteLater()
            self.login = None

    def _backup_done(self, made: Path | None) -> None:
        self.backup_done = True
        if made is not None:
            log.info("daily backup: %s", made)

    def _wizard_finished(self, result: int) -> None:
        assert self.wizard is not None
        if result == QDialog.DialogCode.Accepted and self.wizard.user is not None:
            self._open_window(self.wizard.user)
        else:
            self._quit()

    def _login_finished(self, result: int) -> None:
        assert self.login is not None
        if result == QDialog.DialogCode.Accepted and self.login.user is not None:
            self._open_window(self.login.user)
        else:
            self._quit()

    def _open_window(self, user: UserView) -> None:
        # Imported only now: the main window and its pages (spreadsheets, printing, sync) take
        # half a second to load, which the log-in window need not wait for.
        from kudus_desktop.gui.main_window import MainWindow

        assert self.db is not None
        self.window = MainWindow(self.db, user)
        self.window.closed.connect(self._let_go)
        self.window.log_out_requested.connect(self._switch_user)
        self.window.show_on_screen()
        if self.db.report.repaired:
            # Other OS users could read the data folder (copied in, or made by an old version):
            # it was made private at opening; the clerk is told, without stopping the work.
            log.warning("made private: %s", ", ".join(str(p) for p in self.db.report.repaired))
            self.window.statusBar().showMessage(
                QCoreApplication.translate(
                    "AppController",
                    "Folder data tadinya dapat dibaca pengguna lain komputer ini; kini hanya untuk akun Windows/Linux "
                    "Anda ({n} berkas diperbaiki).",
                ).format(n=len(self.db.report.repaired)),
                60_000,
            )
        settle_heap()

    def _switch_user(self) -> None:
        """Close the window (it saves and closes the database) and start again at the log-in,
        without the application quitting in between."""
        app = QApplication.instance()
        window, self.window = self.window, None
        if window is None or not isinstance(app, QApplication):
            return
        quits = app.quitOnLastWindowClosed()
        app.setQuitOnLastWindowClosed(False)
        try:
            window.close()
            window.deleteLater()
            self.login = None
            started = self.start()
        finally:
            app.setQuitOnLastWindowClosed(quits)
        if not started:
            self._quit()

    def _let_go(self) -> None:
        self.background.waitForDone()  # the day's backup, if it is still being written
        if self.db is not None:
            self.db.close()
        if self.window_lock is not None:
            self.window_lock.release()

    def _quit(self) -> None:
        self._let_go()
        app = QApplication.instance()
        if app is not None:
            app.quit()


def run_gui(data_dir: Path) -> int:
    """Run the application until its last window closes; returns the exit code."""
    app = create_application()
    _setup_logging(data_dir)
    sys.excepthook = _excepthook
    controller = AppController(data_dir)
    if not controller.start():
        return 1
    return app.exec()
