"""Log-in: one account per person, so the history says who did what.

The window can be shown before the database layer is loaded (a third of a second on an old
PC): the clerk sees it at once, and "Masuk" is enabled once :meth:`LoginDialog.ready` has the
office's accounts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kudus_desktop.core.errors import AuthError
from kudus_desktop.core.rules.codes import Mode
from kudus_desktop.core.rules.records import OfficeProfile, UserView
from kudus_desktop.gui.messages import error_text, show_error
from kudus_desktop.gui.ops import run_db
from kudus_desktop.gui.theme import icon

if TYPE_CHECKING:
    from kudus_desktop.core.office.accounts import AccountService


class LoginDialog(QDialog):
    def __init__(
        self,
        accounts: AccountService | None = None,
        profile: OfficeProfile | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.accounts = accounts
        self.user: UserView | None = None
        self.setWindowTitle(self.tr("Masuk — Kudus Desktop"))
        self.setMinimumWidth(380)
        logo = QLabel()
        logo.setPixmap(icon("kudus").pixmap(56, 56))
        logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.heading = heading = QLabel("Kudus Desktop")
        heading.setObjectName("pageTitle")
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setObjectName("errorBanner")
        self.error.hide()
        self.notice = QLabel()
        self.notice.setObjectName("muted")
        self.notice.setWordWrap(True)
        self.notice.hide()
        # A village whose only admin forgot the password: the regency's one-time recovery file.
        self.recover_button = QPushButton(self.tr("Lupa kata sandi admin…"))
        self.recover_button.setObjectName("recoverAdmin")
        self.recover_button.setFlat(True)
        self.recover_button.setAutoDefault(False)
        self.recover_button.hide()
        self.recover_button.clicked.connect(self.recover)
        form = QFormLayout()
        form.addRow(self.tr("Nama pengguna"), self.username)
        form.addRow(self.tr("Kata sandi"), self.password)
        form.addRow("", self.recover_button)
        buttons = QDialogButtonBox()
        self.login_button = buttons.addButton(self.tr("Masuk"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.tr("Keluar"), QDialogButtonBox.ButtonRole.RejectRole)
        self.login_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(logo)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.notice)
        layout.addWidget(buttons)
        self.username.setFocus()
        self.login_button.setEnabled(False)
        if accounts is not None and profile is not None:
            self.ready(accounts, profile)

    def ready(self, accounts: AccountService, profile: OfficeProfile) -> None:
        """The database is open: name the office and let the clerk log in."""
        self.accounts = accounts
        self.heading.setText(profile.region_name)
        self.login_button.setEnabled(True)
        self.recover_button.setVisible(profile.mode == Mode.DESA)

    def recover(self) -> None:
        """The recovery dialog; once it set a new password, the clerk logs in with it here."""
        if self.accounts is None:
            return
        # Loaded when asked for: the window itself appears before the database layer is imported.
        from kudus_desktop.gui.office.recovery_dialog import RecoveryDialog

        dialog = RecoveryDialog(self.accounts.db, self.username.text(), self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.user is None:
            return
        self.username.setText(dialog.user.username)
        self.password.clear()
        self.password.setFocus()
        self.error.hide()
        self.notice.setText(self.tr("Kata sandi admin sudah diganti. Masuk dengan kata sandi baru."))
        self.notice.show()

    def accept(self) -> None:
        """Check the password on the database thread: argon2 is slow on purpose."""
        accounts = self.accounts
        if accounts is None:  # Enter pressed before the database was open: nothing to check yet
            return
        username, password = self.username.text(), self.password.text()
        self.login_button.setEnabled(False)
        run_db(self, lambda: accounts.login(username, password), self._logged_in, self._refused)

    def _logged_in(self, user: UserView) -> None:
        self.login_button.setEnabled(True)
        self.user = user
        super().accept()

    def _refused(self, exc: BaseException) -> None:
        self.login_button.setEnabled(True)
        if not isinstance(exc, AuthError):
            show_error(self, exc)
            return
        self.error.setText(error_text(exc))
        self.error.show()
        self.password.clear()
        self.password.setFocus()
