"""Locks the window after a spell without keyboard or mouse: an office PC is shared."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from kudus_desktop.core.errors import AuthError
from kudus_desktop.core.office.accounts import AccountService
from kudus_desktop.core.rules.records import UserView
from kudus_desktop.gui.messages import error_text, show_error
from kudus_desktop.gui.ops import run_db

_ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


#: The lock dialog's result when the person at the PC is someone else, who logs in anew.
SWITCH_USER = 2


class LockDialog(QDialog):
    """Asks the signed-in user's password again; another person may log in instead (the
    window closes and the log-in opens); leaving it quits the application."""

    def __init__(self, accounts: AccountService, user: UserView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.accounts = accounts
        self.user = user
        self.setWindowTitle(self.tr("Layar terkunci"))
        self.setModal(True)
        intro = QLabel(
            self.tr("Kudus Desktop dikunci karena tidak dipakai. Masukkan kata sandi {name} untuk melanjutkan.").format(
                name=user.username
            )
        )
        intro.setWordWrap(True)
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setObjectName("errorBanner")
        self.error.hide()
        form = QFormLayout()
        form.addRow(self.tr("Kata sandi"), self.password)
        buttons = QDialogButtonBox()
        self.unlock_button = buttons.addButton(self.tr("Buka"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.switch_button = buttons.addButton(self.tr("Ganti pengguna"), QDialogButtonBox.ButtonRole.ActionRole)
        self.switch_button.setObjectName("switchUser")
        self.switch_button.clicked.connect(lambda: self.done(SWITCH_USER))
        buttons.addButton(self.tr("Keluar"), QDialogButtonBox.ButtonRole.RejectRole)
        self.unlock_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def accept(self) -> None:
        # The argon2 check (a second on an old PC) and the failed-attempt count it writes run on
        # the database thread, behind whatever job was running when the window locked.
        if not self.unlock_button.isEnabled():
            return
        self.unlock_button.setEnabled(False)
        password = self.password.text()
        run_db(self, lambda: self.accounts.login(self.user.username, password), self._unlocked, self._refused)

    def _unlocked(self, _user: UserView) -> None:
        super().accept()

    def _refused(self, exc: BaseException) -> None:
        self.unlock_button.setEnabled(True)
        if isinstance(exc, AuthError):
            self.error.setText(error_text(exc))
            self.error.show()
            self.password.clear()
        else:
            show_error(self, exc)


class IdleLock(QObject):
    """Watches input application-wide and calls ``lock`` after ``minutes`` of none."""

    #: Someone else chose to log in from the lock screen.
    switch_user = Signal()

    def __init__(self, window: QWidget, accounts: AccountService, user: UserView, minutes: int) -> None:
        super().__init__(window)
        self.window = window
        self.accounts = accounts
        self.user = user
        self.dialog: LockDialog | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.lock)
        self.set_interval_ms(minutes * 60_000)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def set_interval_ms(self, ms: int) -> None:
        self.timer.stop()
        self.timer.setInterval(ms)
        if ms > 0:
            self.timer.start()

    @property
    def locked(self) -> bool:
        return self.dialog is not None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY and not self.locked and self.timer.interval() > 0:
            self.timer.start()
        return False

    def lock(self) -> None:
        if self.locked:
            return
        central = self.window.findChild(QWidget, "pages")
        if central is not None:
            central.hide()  # nothing personal stays on screen behind the dialog
        self.dialog = LockDialog(self.accounts, self.user, self.window)
        self.dialog.finished.connect(self._finished)
        self.dialog.open()

    def _finished(self, result: int) -> None:
        self.dialog = None
        if result == SWITCH_USER:
            self.switch_user.emit()
            return
        if result != QDialog.DialogCode.Accepted:
            self.window.close()
            return
        central = self.window.findChild(QWidget, "pages")
        if central is not None:
            central.show()
        if self.timer.interval() > 0:
            self.timer.start()
