"""Ganti kata sandi: the person at the PC changes their own password, proving the current one."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from kudus_desktop.core.errors import AuthError, ValidationError
from kudus_desktop.core.office.accounts import MIN_PASSWORD, AccountService
from kudus_desktop.core.rules.records import OpChanges, UserView
from kudus_desktop.gui.messages import error_text, show_error
from kudus_desktop.gui.ops import run_db


class PasswordDialog(QDialog):
    def __init__(self, accounts: AccountService, user: UserView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.accounts = accounts
        self.user = user
        self.setWindowTitle(self.tr("Ganti kata sandi"))
        self.setMinimumWidth(380)
        intro = QLabel(
            self.tr("Kata sandi baru untuk akun {name}, minimal {min} karakter.").format(
                name=user.username, min=MIN_PASSWORD
            )
        )
        intro.setWordWrap(True)
        self.current = self._password("currentPassword")
        self.new = self._password("newPassword")
        self.repeat = self._password("repeatPassword")
        self.error = QLabel()
        self.error.setObjectName("errorBanner")
        self.error.setWordWrap(True)
        self.error.hide()
        form = QFormLayout()
        form.addRow(self.tr("Kata sandi sekarang"), self.current)
        form.addRow(self.tr("Kata sandi baru"), self.new)
        form.addRow(self.tr("Ulangi kata sandi baru"), self.repeat)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(self.tr("Simpan"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.tr("Batal"), QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _password(self, name: str) -> QLineEdit:
        box = QLineEdit()
        box.setObjectName(name)
        box.setEchoMode(QLineEdit.EchoMode.Password)
        box.textEdited.connect(lambda _t: self.error.hide())  # a corrected entry clears the old error
        return box

    def accept(self) -> None:
        if not self.save_button.isEnabled():
            return
        if self.new.text() != self.repeat.text():
            self._say(self.tr("Ulangan kata sandi baru tidak sama."))
            self.repeat.clear()
            self.repeat.setFocus()
            return
        self.save_button.setEnabled(False)
        current, new = self.current.text(), self.new.text()
        run_db(self, lambda: self.accounts.change_own_password(self.user, current, new), self._saved, self._refused)

    def _saved(self, _changes: OpChanges) -> None:
        super().accept()

    def _refused(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, AuthError):
            self._say(error_text(exc))
            self.current.clear()
            self.current.setFocus()
        elif isinstance(exc, ValidationError):
            self._say(error_text(exc))
            self.new.setFocus()
        else:
            show_error(self, exc)

    def _say(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
