"""Lupa kata sandi admin: the village's admin chooses the recovery file the regency made for
this PC and sets a new password, from the log-in window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kudus_desktop.core.office.accounts import MIN_PASSWORD
from kudus_desktop.core.rules.records import UserView
from kudus_desktop.core.storage.db import Database
from kudus_desktop.core.sync.recovery import recover_admin
from kudus_desktop.gui.messages import error_text
from kudus_desktop.gui.ops import run_db


class RecoveryDialog(QDialog):
    def __init__(self, db: Database, username: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.user: UserView | None = None
        self.setWindowTitle(self.tr("Lupa kata sandi admin"))
        self.setMinimumWidth(460)
        intro = QLabel(
            self.tr("Minta DPMD membuat berkas pemulihan admin untuk desa ini (berlaku 7 hari, sekali pakai, hanya "
                    "untuk PC ini). Pilih berkasnya, lalu isi kata sandi baru, minimal {min} karakter.").format(
                min=MIN_PASSWORD
            )
        )  # fmt: skip
        intro.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("errorBanner")
        self.error.setWordWrap(True)
        self.error.hide()
        self.path = QLineEdit()
        self.path.setObjectName("recoveryPath")
        self.path.setReadOnly(True)
        choose = QPushButton(self.tr("Pilih berkas…"))
        choose.clicked.connect(self.choose_file)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(choose)
        self.username = QLineEdit(username or "admin")
        self.username.setObjectName("recoveryUsername")
        self.new = QLineEdit()
        self.new.setObjectName("recoveryPassword")
        self.repeat = QLineEdit()
        self.repeat.setObjectName("recoveryRepeat")
        for box in (self.new, self.repeat):
            box.setEchoMode(QLineEdit.EchoMode.Password)
            box.textEdited.connect(lambda _t: self.error.hide())
        form = QFormLayout()
        form.addRow(self.tr("Berkas pemulihan"), file_row)
        form.addRow(self.tr("Akun admin"), self.username)
        form.addRow(self.tr("Kata sandi baru"), self.new)
        form.addRow(self.tr("Ulangi kata sandi baru"), self.repeat)
        buttons = QDialogButtonBox()
        self.recover_button = buttons.addButton(self.tr("Pulihkan"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.tr("Batal"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Pilih berkas pemulihan"), "", self.tr("Berkas pemulihan (*.json)")
        )
        if path:
            self.path.setText(path)
            self.error.hide()

    def accept(self) -> None:
        if not self.recover_button.isEnabled():
            return
        if not self.path.text():
            self.error.setText(self.tr("Pilih berkas pemulihan dari DPMD lebih dahulu."))
            self.error.show()
            return
        db, path = self.db, Path(self.path.text())
        username, new, repeat = self.username.text(), self.new.text(), self.repeat.text()
        self.recover_button.setEnabled(False)
        run_db(self, lambda: recover_admin(db, path, username, new, repeat), self._recovered, self._refused)

    def _recovered(self, user: UserView) -> None:
        self.recover_button.setEnabled(True)
        self.user = user
        super().accept()

    def _refused(self, exc: BaseException) -> None:
        self.recover_button.setEnabled(True)
        self.error.setText(error_text(exc))
        self.error.show()
