"""Cadangan: copy the database to a stick (encrypted) and restore from a copy."""

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
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kudus_desktop.core.office.backups import BackupService
from kudus_desktop.core.rules.dates import format_date_long
from kudus_desktop.core.rules.records import UserView
from kudus_desktop.core.storage.backup import MIN_PASSPHRASE, is_encrypted
from kudus_desktop.core.storage.db import Database
from kudus_desktop.gui.messages import ask, inform, message_text
from kudus_desktop.gui.ops import run_db, run_job


class PassphraseDialog(QDialog):
    """Asks for the backup passphrase, twice when a new copy is made."""

    def __init__(self, parent: QWidget | None = None, *, confirm: bool) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Frasa sandi cadangan"))
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit()
        self.again.setObjectName("again")
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setObjectName("errorBanner")
        self.error.hide()
        self.confirm = confirm
        form = QFormLayout()
        form.addRow(self.tr("Frasa sandi"), self.passphrase)
        if confirm:
            form.addRow(self.tr("Ulangi"), self.again)
            note = QLabel(self.tr("Simpan frasa sandi ini di tempat aman: tanpa itu cadangan tidak dapat dibuka."))
            note.setObjectName("muted")
            note.setWordWrap(True)
            form.addRow(note)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(self.tr("Lanjut"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.tr("Batal"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def accept(self) -> None:
        if self.confirm and len(self.passphrase.text()) < MIN_PASSPHRASE:
            self.error.setText(message_text("passphrase_too_short", {"min": MIN_PASSPHRASE}))
            self.error.show()
            return
        if self.confirm and self.passphrase.text() != self.again.text():
            self.error.setText(message_text("password_mismatch"))
            self.error.show()
            return
        super().accept()


class BackupWidget(QWidget):
    def __init__(self, db: Database, actor: UserView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.backups = BackupService(db, actor)
        self.last = QLabel()
        # The folder's path is one long word: it may be cut at a narrow window (whole in the
        # tooltip), never widen the settings past the screen.
        self.last.setWordWrap(True)
        self.last.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.copy_button = QPushButton(self.tr("Salin cadangan terenkripsi ke…"))
        self.copy_button.setObjectName("copyBackup")
        self.restore_button = QPushButton(self.tr("Pulihkan dari cadangan…"))
        self.restore_button.setObjectName("restoreBackup")
        row = QHBoxLayout()
        row.addWidget(self.copy_button)
        row.addWidget(self.restore_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.last)
        layout.addLayout(row)
        self.copy_button.clicked.connect(self.copy_backup)
        self.restore_button.clicked.connect(self.restore)
        self.refresh()

    def refresh(self) -> None:
        day = self.backups.last_day()
        self.last.setText(
            self.tr("Cadangan otomatis terakhir: {day}. Disimpan di {path}").format(
                day=format_date_long(day) if day else self.tr("belum ada"), path=self.backups.folder
            )
        )
        self.last.setToolTip(str(self.backups.folder))

    def copy_backup(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Pilih folder atau flashdisk"))
        if not folder:
            return
        dialog = PassphraseDialog(self, confirm=True)
        if not dialog.exec():
            return
        passphrase = dialog.passphrase.text()

        def done(made: Path) -> None:
            inform(self, self.tr("Cadangan"), self.tr("Cadangan terenkripsi ditulis ke {path}.").format(path=made))

        # The whole database is copied and encrypted: minutes on an old PC, off the window's thread.
        run_job(
            self, self.tr("Membuat cadangan terenkripsi…"), lambda _p, _c: self.backups.copy(Path(folder), passphrase),
            done,
        )  # fmt: skip

    def restore(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Pilih cadangan"), str(self.backups.folder), self.tr("Cadangan (*.sqlite *.kbak)")
        )
        if not path:
            return
        source = Path(path)
        passphrase = None
        if is_encrypted(source):
            dialog = PassphraseDialog(self, confirm=False)
            if not dialog.exec():
                return
            passphrase = dialog.passphrase.text()
        if not ask(
            self,
            self.tr("Pulihkan"),
            self.tr("Ganti seluruh data dengan isi {name}? Data yang sekarang disimpan dulu sebagai cadangan. "
                    "Kudus Desktop ditutup setelahnya; buka kembali untuk masuk.").format(name=source.name),
            self.tr("Pulihkan"),
            self.tr("Batal"),
        ):  # fmt: skip
            return

        def done(kept: Path) -> None:
            inform(
                self,
                self.tr("Pulihkan"),
                self.tr(
                    "Data dipulihkan dari {name}. Data sebelumnya disimpan di {kept}. Kudus Desktop akan ditutup."
                ).format(name=source.name, kept=kept),
            )
            self.window().close()

        run_db(self, lambda: self.backups.restore(source, passphrase), done)
