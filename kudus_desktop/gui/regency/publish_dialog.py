"""The regency publishes a new version for the villages: the installer or bundle, its version,
the notes the village clerk reads and the oldest schema it opens, signed with the regency's key;
copied to a stick as well for the villages that are offline."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kudus_desktop import __version__
from kudus_desktop.core.rules.records import UserView
from kudus_desktop.core.storage.db import SCHEMA_VERSION, Database
from kudus_desktop.core.sync import updates
from kudus_desktop.gui.messages import error_text, inform
from kudus_desktop.gui.ops import run_job


class PublishUpdateDialog(QDialog):
    def __init__(self, db: Database, user: UserView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.user = db, user
        self.setWindowTitle(self.tr("Terbitkan pembaruan untuk desa"))
        self.file = QLineEdit()
        self.file.setObjectName("updateFile")
        self.file.setPlaceholderText(self.tr("Pemasang Windows (.exe) atau bundel Linux (.tar.gz)"))
        browse = QPushButton(self.tr("Pilih…"))
        browse.clicked.connect(self.choose_file)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file, 1)
        file_row.addWidget(browse)
        self.version = QLineEdit()
        self.version.setObjectName("updateVersion")
        self.version.setPlaceholderText(self.tr("mis. {example}").format(example="0.2.0"))
        self.platform = QComboBox()
        self.platform.setObjectName("updatePlatform")
        self.platform.addItem(self.tr("Windows 10/11 64-bit (pemasang)"), "windows-x64")
        self.platform.addItem(self.tr("Linux 64-bit (bundel)"), "linux-x64")
        self.min_schema = QSpinBox()
        self.min_schema.setRange(1, SCHEMA_VERSION)
        self.min_schema.setValue(1)
        self.min_schema.setToolTip(
            self.tr("Basis data desa yang lebih tua dari skema ini tidak dibuka versi baru; 1 berarti semua.")
        )
        self.notes = QPlainTextEdit()
        self.notes.setObjectName("updateNotes")
        self.notes.setPlaceholderText(self.tr("Yang baru atau diperbaiki, dibaca operator desa sebelum memasang"))
        self.notes.setMaximumHeight(110)
        self.stick = QCheckBox(self.tr("Salin juga ke flashdisk (untuk desa yang tidak daring)"))
        self.stick.setObjectName("updateToStick")
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        self.error.hide()
        note = QLabel(
            self.tr("Ditandatangani dengan kunci kabupaten yang sudah dipercaya setiap desa sejak bergabung. Server "
                    "sinkronisasi menawarkannya kepada desa yang daring; versi yang berjalan di kabupaten: {version}.")
            .format(version=__version__)
        )  # fmt: skip
        note.setObjectName("muted")
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Berkas"), file_row)
        form.addRow(self.tr("Versi"), self.version)
        form.addRow(self.tr("Untuk"), self.platform)
        form.addRow(self.tr("Skema terendah"), self.min_schema)
        form.addRow(self.tr("Catatan"), self.notes)
        buttons = QDialogButtonBox()
        self.publish_button = buttons.addButton(
            self.tr("Tandatangani dan terbitkan"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.publish_button.setObjectName("publishUpdate")
        buttons.addButton(self.tr("Tutup"), QDialogButtonBox.ButtonRole.RejectRole).clicked.connect(self.reject)
        self.publish_button.clicked.connect(self.publish)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.stick)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(620, self.sizeHint().height())

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Pilih pemasang atau bundel"), "", self.tr("Pembaruan (*.exe *.tar.gz);;Semua berkas (*)")
        )
        if path:
            self.file.setText(path)
            # The kind of file says for whom it is (an .exe is the Windows installer).
            self.platform.setCurrentIndex(self.platform.findData("windows-x64" if path.lower().endswith(".exe")
                                                                 else "linux-x64"))  # fmt: skip

    def publish(self) -> None:
        path = Path(self.file.text().strip())
        if not self.file.text().strip():
            self._say(self.tr("Pilih berkas pemasang atau bundel lebih dahulu."))
            return
        stick: Path | None = None
        if self.stick.isChecked():
            chosen = QFileDialog.getExistingDirectory(self, self.tr("Pilih flashdisk atau folder tujuan"))
            if not chosen:
                return
            stick = Path(chosen)
        version, tag = self.version.text().strip(), str(self.platform.currentData())
        notes, min_schema = self.notes.toPlainText(), self.min_schema.value()

        def job(_progress: object, _cancelled: object) -> tuple[Path, Path | None]:
            made = updates.publish(self.db, self.user, path, version, notes, tag, min_schema=min_schema)
            return made, updates.copy_update(made, stick) if stick is not None else None

        def done(result: tuple[Path, Path | None]) -> None:
            made, copied = result
            text = self.tr("Pembaruan {version} untuk {platform} ditandatangani: {path}.").format(
                version=version, platform=tag, path=made
            )
            if copied is not None:
                text += " " + self.tr("Disalin ke {path}.").format(path=copied)
            text += " " + self.tr("Desa yang daring menerimanya setelah sinkronisasi berikutnya.")
            inform(self, self.windowTitle(), text)
            self.accept()

        self.error.hide()
        run_job(self, self.tr("Menandatangani pembaruan…"), job, done, lambda exc: self._say(error_text(exc)))

    def _say(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
