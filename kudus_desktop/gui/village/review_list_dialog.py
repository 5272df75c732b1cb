"""Daftar tinjauan: participants to look at again (age limit, end of term, gone from their list)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from kudus_desktop.core.reports.exporting import export_review_list
from kudus_desktop.core.rules.dates import format_date_long, format_number
from kudus_desktop.core.rules.nik import mask_nik
from kudus_desktop.core.village.eligibility import EligibilityService, ReviewEntry, ReviewReason
from kudus_desktop.gui.messages import code_text, inform, message_text
from kudus_desktop.gui.ops import run_db, run_job
from kudus_desktop.gui.record_table import Col, RecordTable


class ReviewListDialog(QDialog):
    """Who should be looked at again; nobody here is ended until the clerk does it."""

    def __init__(self, service: EligibilityService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Daftar tinjauan kelayakan"))
        self.service = service
        self.entries: list[ReviewEntry] = []
        self.summary = QLabel(self.tr("Memuat…"))
        self.summary.setObjectName("reviewSummary")
        self.summary.setWordWrap(True)
        self.table = RecordTable(
            [Col(self.tr("No. Registrasi"), lambda e: e.reg_no, whole=True),
             Col(self.tr("Nama"), lambda e: e.full_name),
             Col(self.tr("NIK"), lambda e: mask_nik(e.nik)),
             Col(self.tr("RT/RW"), lambda e: f"{e.rt or '-'}/{e.rw or '-'}"),
             Col(self.tr("Perlu ditinjau"), lambda e: code_text("review_reason", e.reason)),
             Col(self.tr("Keterangan"), lambda e: message_text(e.code, e.params))],
            "reviewTable",
        )  # fmt: skip
        note = QLabel(
            self.tr("Tidak ada yang dihentikan otomatis. Periksa setiap orang, lalu hentikan kepesertaannya dengan "
                    "alasannya di halaman Peserta bila memang tidak memenuhi syarat lagi.")
        )  # fmt: skip
        note.setObjectName("muted")
        note.setWordWrap(True)
        self.save_button = QPushButton(self.tr("Simpan sebagai Excel…"))
        self.save_button.setObjectName("saveReviewList")
        self.save_button.clicked.connect(self.save)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Tutup"))
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.resize(900, 480)
        run_db(self, service.review_list, self.show_entries)

    def show_entries(self, entries: list[ReviewEntry]) -> None:
        self.entries = entries
        by = {r: sum(1 for e in entries if e.reason == r) for r in ReviewReason}
        self.summary.setText(
            self.tr("{n} peserta perlu ditinjau: {age} melewati batas umur, {term} masa jabatannya berakhir, "
                    "{gone} tidak ada lagi di daftar sumbernya.").format(
                n=format_number(len({e.participant_id for e in entries})), age=format_number(by[ReviewReason.AGE]),
                term=format_number(by[ReviewReason.TERM]), gone=format_number(by[ReviewReason.NOT_IN_SOURCE]),
            )
        )  # fmt: skip
        self.table.set_rows(entries)
        self.save_button.setEnabled(bool(entries))

    def save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Simpan daftar tinjauan"), "daftar-tinjauan.xlsx", "Excel (*.xlsx)"
        )
        if not path:
            return
        target = Path(path if path.lower().endswith(".xlsx") else path + ".xlsx")
        entries = list(self.entries)
        title = f"DAFTAR TINJAUAN KELAYAKAN PESERTA · keadaan per {format_date_long(self.service.today())}"
        run_job(
            self,
            self.tr("Menulis daftar tinjauan…"),
            lambda _p, _c: export_review_list(entries, target, title=title),
            lambda n: inform(
                self, self.tr("Daftar tinjauan"), self.tr("{n} baris ditulis ke {path}.").format(n=n, path=target)
            ),
        )
