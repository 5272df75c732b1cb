"""Beranda: active participants by category, new and ended this month."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from kudus_desktop.core.enrolment.participants import ParticipantService
from kudus_desktop.core.rules.codes import Category
from kudus_desktop.core.rules.dates import format_date_long, format_month, format_number, format_rupiah
from kudus_desktop.core.rules.records import DashboardStats, OfficeProfile, OpChanges
from kudus_desktop.core.village.premiums import PremiumError, PremiumEstimate, PremiumService
from kudus_desktop.gui.messages import code_text
from kudus_desktop.gui.ops import run_db
from kudus_desktop.gui.signals import AppSignals
from kudus_desktop.gui.widgets import MetricCard


class DashboardPage(QWidget):
    def __init__(
        self, service: ParticipantService, profile: OfficeProfile, signals: AppSignals, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.premiums = PremiumService(service.db, service.user, today=service.today)
        self.stats: DashboardStats | None = None
        title = QLabel(self.tr("Beranda"))
        title.setObjectName("pageTitle")
        self.subtitle = QLabel()
        self.subtitle.setObjectName("muted")
        place = (
            profile.region_name
            if profile.mode != "desa"
            else self.tr("Desa {desa}, Kecamatan {kec}").format(desa=profile.region_name, kec=profile.kecamatan_name)
        )
        self.place = place

        self.active_card = MetricCard(self.tr("Peserta aktif"), "active")
        self.new_card = MetricCard(self.tr("Baru bulan ini"), "new")
        self.ended_card = MetricCard(self.tr("Berhenti bulan ini"), "ended")
        self.premium_card = MetricCard(self.tr("Perkiraan iuran sebulan"), "premium")
        cards = QHBoxLayout()
        for card in (self.active_card, self.new_card, self.ended_card, self.premium_card):
            cards.addWidget(card)

        by_category = QFrame()
        by_category.setObjectName("card")
        grid = QGridLayout(by_category)
        heading = QLabel(self.tr("Peserta aktif per kategori"))
        heading.setObjectName("cardTitle")
        grid.addWidget(heading, 0, 0, 1, 3)
        self.category_bars: dict[str, tuple[QProgressBar, QLabel]] = {}
        for row, c in enumerate(Category, start=1):
            bar = QProgressBar()
            bar.setTextVisible(False)
            bar.setMaximumHeight(12)
            count = QLabel("0")
            count.setObjectName(f"count_{c.value}")
            grid.addWidget(QLabel(code_text("category", c.value)), row, 0)
            grid.addWidget(bar, row, 1)
            grid.addWidget(count, row, 2)
            self.category_bars[c.value] = (bar, count)
        grid.setColumnStretch(1, 1)

        self.empty = QLabel(
            self.tr("Belum ada peserta. Buka halaman Peserta untuk mendaftarkan pekerja rentan, RT/RW, Linmas, "
                    "anggota BPD dan perangkat desa.")
        )  # fmt: skip
        self.empty.setObjectName("emptyState")
        self.empty.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.subtitle)
        layout.addSpacing(8)
        layout.addLayout(cards)
        layout.addWidget(self.empty)
        layout.addWidget(by_category)
        layout.addStretch(1)
        signals.changed.connect(self.on_changed)
        self.refresh()

    def on_changed(self, changes: OpChanges) -> None:
        if changes.participants or changes.settings:
            self.refresh()

    def refresh(self) -> None:
        """The figures read on the database thread: at a million rows they are not instant."""
        run_db(self, self._read, self._show)

    def _read(self) -> tuple[DashboardStats, PremiumEstimate | None, str]:
        stats = self.service.dashboard()
        try:
            return stats, self.premiums.estimate(), ""
        except PremiumError as exc:  # no rate for this month (a row switched off): said, not a crash
            return stats, None, str(exc)

    def _show(self, read: tuple[DashboardStats, PremiumEstimate | None, str]) -> None:
        s, estimate, problem = read
        self.stats = s
        self.subtitle.setText(f"{self.place} · {format_date_long(s.today)}")
        month = format_month(s.today.year, s.today.month)
        self.active_card.value.setText(format_number(s.active_total))
        self.active_card.note.setText(self.tr("{n} sudah berhenti").format(n=format_number(s.ended_total)))
        self.new_card.value.setText(format_number(s.new_this_month))
        self.new_card.note.setText(self.tr("mulai {month}").format(month=month))
        self.ended_card.value.setText(format_number(s.ended_this_month))
        self.ended_card.note.setText(month)
        if estimate is None:
            self.premium_card.value.setText("—")
            self.premium_card.note.setText(problem)
        else:
            self.premium_card.value.setText(format_rupiah(estimate.total))
            self.premium_card.note.setText(
                self.tr("{n} × {rate} (JKK + JKM)").format(
                    n=format_number(estimate.people), rate=format_rupiah(estimate.rate)
                )
            )
        top = max(s.active_by_category.values(), default=0) or 1
        for code, (bar, label) in self.category_bars.items():
            n = s.active_by_category.get(code, 0)
            bar.setMaximum(top)
            bar.setValue(n)
            label.setText(format_number(n))
        self.empty.setVisible(s.active_total == 0 and s.ended_total == 0)
