"""Data pribadi (admin): the retention period and its purge, and the lost stick or computer report."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kudus_desktop.core.office.accounts import AccountService
from kudus_desktop.core.reports.exporting import export_lost_report
from kudus_desktop.core.rules.dates import format_date_long
from kudus_desktop.core.rules.records import UserView
from kudus_desktop.core.village.lost_media import LostMediaService, LostReport
from kudus_desktop.core.village.retention import PurgePlan, RetentionService
from kudus_desktop.gui.messages import ask, inform
from kudus_desktop.gui.ops import run_change, run_db
from kudus_desktop.gui.signals import AppSignals


class PrivacyWidget(QWidget):
    def __init__(self, accounts: AccountService, user: UserView, signals: AppSignals) -> None:
        super().__init__()
        self.accounts = accounts
        self.user = user
        self.signals = signals
        self.retention = RetentionService(accounts.db, user)
        self.lost = LostMediaService(accounts.db, user)
        self.years = QSpinBox()
        self.years.setObjectName("retentionYears")
        self.years.setRange(0, 100)
        self.years.setSuffix(self.tr(" tahun"))
        self.years.setSpecialValueText(self.tr("simpan selamanya"))
        self.save_years = QPushButton(self.tr("Simpan"))
        self.save_years.setObjectName("saveRetention")
        self.save_years.clicked.connect(self.set_years)
        self.due = QLabel()
        self.due.setObjectName("retentionDue")
        self.due.setWordWrap(True)
        self.purge_button = QPushButton(self.tr("Hapus data lama…"))
        self.purge_button.setObjectName("purgeButton")
        self.purge_button.clicked.connect(self.purge)
        self.lost_packages = QPushButton(self.tr("Flashdisk hilang…"))
        self.lost_packages.setObjectName("lostPackages")
        self.lost_packages.clicked.connect(self.report_packages)
        self.lost_device = QPushButton(self.tr("Komputer hilang atau dicuri…"))
        self.lost_device.setObjectName("lostDevice")
        self.lost_device.clicked.connect(self.report_device)
        years_row = QHBoxLayout()
        years_row.addWidget(self.years)
        years_row.addWidget(self.save_years)
        years_row.addStretch(1)
        lost_row = QHBoxLayout()
        lost_row.addWidget(self.lost_packages)
        lost_row.addWidget(self.lost_device)
        lost_row.addStretch(1)
        form = QFormLayout()
        form.addRow(self.tr("Masa simpan setelah berhenti"), years_row)
        form.addRow("", self.due)
        purge_row = QHBoxLayout()
        purge_row.addWidget(self.purge_button)
        purge_row.addStretch(1)
        form.addRow("", purge_row)
        form.addRow(self.tr("Laporan kehilangan"), lost_row)
        note = QLabel(
            self.tr(
                "Data orang yang kepesertaannya berakhir lebih lama dari masa simpan dihapus untuk selamanya, "
                "termasuk riwayat dan catatan log yang menyebut mereka; log hanya mencatat jumlahnya. Laporan "
                "kehilangan mendaftar siapa saja yang datanya ada di flashdisk (menurut nomor paket) atau di "
                "komputer ini, dengan NIK lengkap, untuk pemberitahuan kepada mereka."
            )
        )
        note.setObjectName("muted")
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(note)
        self.refresh()

    def refresh(self) -> None:
        run_db(self, self.retention.plan, self.show_plan)

    def show_plan(self, plan: PurgePlan) -> None:
        self.years.setValue(plan.years)
        if plan.years:
            self.due.setText(
                self.tr("{n} orang berhenti sebelum {day} dan menunggu dihapus.").format(
                    n=plan.count, day=plan.cutoff.strftime("%d/%m/%Y")
                )
            )
        else:
            self.due.setText(self.tr("Masa simpan belum diatur: tidak ada yang dihapus."))
        self.purge_button.setEnabled(plan.count > 0)
        self.plan = plan

    def set_years(self) -> None:
        years = self.years.value()
        run_db(self, lambda: self.retention.set_years(years), lambda _: self.refresh())

    def purge(self) -> None:
        plan = self.plan
        today = format_date_long(self.retention.today())
        if plan.receipt_day is not None and plan.counted_to is not None:
            if plan.bound_by == "packages":
                text = self.tr(
                    "Jam komputer menunjukkan {today}, lebih dari sebulan setelah tanggal paket terbaru desa-desa "
                    "(nilai tengahnya {receipt}): umur data dihitung sampai {counted} saja. Bila jam itu salah, "
                    "perbaiki jam Windows."
                )
            else:
                text = self.tr(
                    "Jam komputer menunjukkan {today}, lebih dari sebulan setelah tanda terima kabupaten terakhir "
                    "({receipt}): umur data dihitung sampai {counted} saja. Bila jam itu salah, perbaiki jam Windows."
                )
            clock = text.format(
                today=today, receipt=format_date_long(plan.receipt_day), counted=format_date_long(plan.counted_to)
            )
        else:
            clock = self.tr(
                "Umur data dihitung dari jam komputer, yang kini menunjukkan {today}. Bila tanggal itu salah, "
                "batalkan dan perbaiki jam Windows dulu."
            ).format(today=today)
        question = self.tr(
            "{n} orang yang kepesertaannya berakhir sebelum {day} akan dihapus untuk selamanya, beserta riwayat, "
            "kartu, iuran, dan penyebutan mereka di log audit. Cadangan lama masih menyimpannya sampai terhapus "
            "oleh rotasi.\n\n{clock}\n\nLanjutkan?"
        ).format(n=plan.count, day=plan.cutoff.strftime("%d/%m/%Y"), clock=clock)
        if not ask(self, self.tr("Hapus data lama"), question, self.tr("Hapus"), self.tr("Batal")):
            return

        def done(result: PurgePlan) -> None:
            inform(self, self.tr("Hapus data lama"), self.tr("{n} orang dihapus.").format(n=result.count))
            self.refresh()

        run_change(self, self.signals, lambda: self.retention.purge(expected=plan.count, cutoff=plan.cutoff), done)

    def _save(self, report_fn: Callable[[], LostReport], name: str) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Simpan laporan kehilangan"), name, "Excel (*.xlsx)")
        if not path:
            return
        target = Path(path if path.lower().endswith(".xlsx") else path + ".xlsx")

        def job() -> int:
            report = report_fn()
            return export_lost_report(report, self.accounts.profile(), target, self.user.full_name, date.today())

        run_db(
            self, job,
            lambda n: inform(self, self.tr("Laporan kehilangan"),
                             self.tr("{n} orang ditulis ke {path}. Berkas ini memuat NIK lengkap: simpan dan kirim "
                                     "dengan hati-hati.").format(n=n, path=target)),
        )  # fmt: skip

    def report_packages(self) -> None:
        text, ok = QInputDialog.getText(
            self, self.tr("Flashdisk hilang"),
            self.tr("Nomor paket yang ada di flashdisk itu (lihat daftar paket di halaman Sinkronisasi), "
                    "misalnya 3, 4, 5:"),
        )  # fmt: skip
        if not ok:
            return
        seqs = [int(n) for n in re.findall(r"\d+", text)]
        self._save(lambda: self.lost.packages(seqs), "flashdisk-hilang.xlsx")

    def report_device(self) -> None:
        self._save(self.lost.device, "perangkat-hilang.xlsx")
