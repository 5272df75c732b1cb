"""Iuran: the month's bill, payments, the budget line and the rate table, over core.premiums."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kudus_desktop.core.reports.acts import premium_report
from kudus_desktop.core.reports.printouts import PrintedTable, premium_recap
from kudus_desktop.core.rules.codes import Role
from kudus_desktop.core.rules.dates import format_date, format_number, format_period, format_rupiah, parse_rupiah
from kudus_desktop.core.rules.nik import mask_nik
from kudus_desktop.core.rules.records import OfficeProfile, OpChanges, UserView
from kudus_desktop.core.village.premiums import (
    AHEAD,
    Bill,
    BillLine,
    BudgetPlan,
    CoverState,
    PaymentQuote,
    PaymentRequest,
    PaymentView,
    PremiumService,
    RateDraft,
    YearRecap,
    month_index,
    month_label,
)
from kudus_desktop.gui.messages import code_text, inform, show_error
from kudus_desktop.gui.ops import run_change, run_db
from kudus_desktop.gui.record_table import Col, RecordTable, list_columns
from kudus_desktop.gui.signals import AppSignals
from kudus_desktop.gui.village.coverage_strip import STATE_COLOURS, STRIP_ROLE, StripDelegate, legend
from kudus_desktop.gui.village.print_dialogs import TablePrintDialog


@dataclass(frozen=True, slots=True)
class ShownBill:
    """A bill with what its page says of it, counted on the database thread (over 100,000 lines
    the counts took 30 ms of the window's time)."""

    bill: Bill
    strip_rows: dict[int, int]  # participant id -> row of the bill's coverage table
    unpaid: int
    arrears: int
    lapsed: int

    @classmethod
    def of(cls, bill: Bill) -> ShownBill:
        states = Counter(line.state for line in bill.lines)
        return cls(
            bill, bill.coverage.index(), bill.unpaid_count, states[CoverState.ARREARS], states[CoverState.LAPSED]
        )


def _state_colour(line: BillLine) -> QColor | None:
    colour = STATE_COLOURS.get(line.state)
    return colour.darker(130) if colour is not None else None


class PaymentDialog(QDialog):
    """Record one payment: what the bills say for the chosen months and people, and what was paid."""

    def __init__(
        self, service: PremiumService, first_month: int, selected: Sequence[int], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Catat pembayaran iuran"))
        self.service = service
        self.selected = tuple(selected)
        self.quote: PaymentQuote | None = None
        now = month_index(service.today())
        self.month = QComboBox()
        self.month.setObjectName("payMonth")
        for m in range(now - 12, now + 13):
            self.month.addItem(month_label(m), m)
        self.month.setCurrentIndex(max(self.month.findData(first_month), 0))
        self.months = QComboBox()
        self.months.setObjectName("payMonths")
        for n in AHEAD:
            self.months.addItem(self.tr("{n} bulan").format(n=n) if n > 1 else self.tr("1 bulan"), n)
        self.everyone = QRadioButton(self.tr("Semua peserta yang belum dibayar pada tagihan"))
        self.only = QRadioButton(
            self.tr("Hanya {n} peserta yang dipilih di daftar").format(n=format_number(len(self.selected)))
        )
        self.only.setEnabled(bool(self.selected))
        (self.only if self.selected else self.everyone).setChecked(True)
        today = service.today()
        self.paid_on = QDateEdit(QDate(today.year, today.month, today.day))
        self.paid_on.setObjectName("payDate")
        self.paid_on.setCalendarPopup(True)
        self.paid_on.setDisplayFormat("dd/MM/yyyy")
        self.paid_on.setMaximumDate(QDate(today.year, today.month, today.day))
        self.quote_label = QLabel()
        self.quote_label.setObjectName("payQuote")
        self.quote_label.setWordWrap(True)
        self.amount = QLineEdit()
        self.amount.setObjectName("payAmount")
        self.amount.setPlaceholderText(self.tr("jumlah pada bukti bayar, mis. 84.000"))
        self.reference = QLineEdit()
        self.reference.setObjectName("payReference")
        self.reference.setPlaceholderText(self.tr("nomor bukti, virtual account, atau referensi bank"))
        self.note = QLineEdit()
        form = QFormLayout()
        form.addRow(self.tr("Bulan pertama"), self.month)
        form.addRow(self.tr("Lamanya"), self.months)
        form.addRow(self.tr("Peserta"), self.everyone)
        form.addRow("", self.only)
        form.addRow(self.tr("Tagihan"), self.quote_label)
        form.addRow(self.tr("Tanggal bayar"), self.paid_on)
        form.addRow(self.tr("Jumlah dibayar (Rp)"), self.amount)
        form.addRow(self.tr("Referensi"), self.reference)
        form.addRow(self.tr("Catatan"), self.note)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(self.tr("Simpan pembayaran"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("paySave")
        buttons.addButton(self.tr("Batal"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        for signal in (self.month.currentIndexChanged, self.months.currentIndexChanged, self.everyone.toggled):
            signal.connect(self.requote)
        self.requote()

    def request(self, amount: int = 0) -> PaymentRequest:
        return PaymentRequest(
            self.paid_on.date().toPython(),  # type: ignore[arg-type]
            int(self.month.currentData()),
            int(self.months.currentData()),
            amount,
            self.reference.text(),
            self.note.text(),
            self.selected if self.only.isChecked() else None,
        )

    def requote(self) -> None:
        request = self.request()
        self.save_button.setEnabled(False)

        def shown(quote: PaymentQuote) -> None:
            self.quote = quote
            text = self.tr("{total} untuk {people} peserta, {months} bulan").format(
                total=format_rupiah(quote.total), people=quote.people, months=len({m for _, m, _ in quote.items})
            )
            if quote.already_paid:
                text += self.tr(" ({n} bulan-peserta sudah dibayar sebelumnya, tidak ditagih lagi)").format(
                    n=quote.already_paid
                )
            self.quote_label.setText(text)
            self.amount.setText(format_number(quote.total))
            self.save_button.setEnabled(bool(quote.items))

        def failed(exc: BaseException) -> None:
            self.quote = None
            self.quote_label.setText(str(exc))

        run_db(self, lambda: self.service.quote(request), shown, failed)

    def save(self) -> None:
        request = self.request(parse_rupiah(self.amount.text()))
        run_db(self, lambda: self.service.pay(request), self._saved)

    def _saved(self, payment: PaymentView) -> None:
        self.payment = payment
        self.accept()


class RateDialog(QDialog):
    """A new dated row of the rate table (admin)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Tambah baris tarif"))
        self.kind = QComboBox()
        self.kind.addItem(code_text("rate_kind", "tarif"), "tarif")
        self.kind.addItem(code_text("rate_kind", "diskon"), "diskon")
        self.valid_from = QLineEdit()
        self.valid_from.setPlaceholderText("01/2027")
        self.valid_to = QLineEdit()
        self.valid_to.setPlaceholderText(self.tr("kosong: seterusnya"))
        self.funding = QComboBox()
        self.funding.addItem(self.tr("Semua sumber dana"), None)
        for code in ("pades", "bagi_hasil", "apbd", "lainnya"):
            self.funding.addItem(code_text("funding", code), code)
        self.income = QSpinBox()
        self.income.setRange(0, 100_000_000)
        self.income.setSingleStep(100_000)
        self.income.setValue(1_000_000)
        self.jkk = QLineEdit("1")
        self.jkm = QSpinBox()
        self.jkm.setRange(0, 1_000_000)
        self.jkm.setValue(6_800)
        self.discount = QSpinBox()
        self.discount.setRange(0, 100)
        self.note = QLineEdit()
        form = QFormLayout()
        for label, widget in (
            (self.tr("Jenis"), self.kind), (self.tr("Berlaku mulai (BB/TTTT)"), self.valid_from),
            (self.tr("Berlaku sampai"), self.valid_to), (self.tr("Sumber dana"), self.funding),
            (self.tr("Penghasilan dilaporkan (Rp)"), self.income), (self.tr("JKK (% penghasilan)"), self.jkk),
            (self.tr("JKM (Rp)"), self.jkm), (self.tr("Diskon (%)"), self.discount),
            (self.tr("Dasar hukum"), self.note),
        ):  # fmt: skip
            form.addRow(label, widget)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def draft(self) -> RateDraft:
        try:
            bp = round(float(self.jkk.text().replace(",", ".")) * 100)
        except ValueError:
            bp = 0
        return RateDraft(
            self.kind.currentData(), self.valid_from.text().strip(), self.valid_to.text().strip() or None,
            self.funding.currentData(), self.income.value(), bp, self.jkm.value(), self.discount.value(),
            self.note.text().strip(),
        )  # fmt: skip


class PremiumsPage(QWidget):
    """Iuran: Tagihan (the month's bill with each person's strip), Pembayaran, Anggaran, Tarif."""

    def __init__(
        self,
        service: PremiumService,
        user: UserView,
        profile: Callable[[], OfficeProfile],
        signals: AppSignals,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.user = user
        self.profile = profile
        self.signals = signals
        self.bill: Bill | None = None
        self.recap: YearRecap | None = None
        self.plan: BudgetPlan | None = None
        now = month_index(service.today())

        title = QLabel(self.tr("Iuran"))
        title.setObjectName("pageTitle")
        self.tabs = QTabWidget()
        self.tabs.setObjectName("premiumTabs")

        # -- Tagihan
        bill_tab = QWidget()
        self.month = QComboBox()
        self.month.setObjectName("billMonth")
        for m in range(now - 24, now + 13):
            self.month.addItem(month_label(m), m)
        self.month.setCurrentIndex(self.month.findData(now))
        self.month.currentIndexChanged.connect(self.refresh_bill)
        self.bill_summary = QLabel()
        self.bill_summary.setObjectName("billSummary")
        self.bill_summary.setWordWrap(True)
        self.bill_table = RecordTable(
            [Col(self.tr("No. Registrasi"), lambda x: x.reg_no, whole=True),
             Col(self.tr("Nama"), lambda x: x.full_name),
             Col(self.tr("NIK"), lambda x: mask_nik(x.nik)),
             Col(self.tr("Sumber dana"), lambda x: code_text("funding", x.funding)),
             Col(self.tr("Iuran"), lambda x: format_rupiah(x.amount)),
             Col(self.tr("Dibayar"), lambda x: format_rupiah(x.paid) if x.paid else ""),
             Col(self.tr("Keadaan"), lambda x: code_text("cover", x.state.value), colour=_state_colour),
             Col(self.tr("12 bulan terakhir"), lambda _x: "", tooltip=self._strip_tip, data=self._strip,
                 data_role=STRIP_ROLE, whole=True)],
            "billTable",
        )  # fmt: skip
        self.bill_table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        # Kept as an attribute: a view does not own the delegates it is given.
        self.strip_delegate = StripDelegate(self.bill_table)
        self.bill_table.setItemDelegateForColumn(7, self.strip_delegate)
        self.strip_rows: dict[int, int] = {}
        self.pay_button = QPushButton(self.tr("Catat pembayaran…"))
        self.pay_button.setObjectName("payButton")
        self.pay_button.clicked.connect(self.record_payment)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Bulan")))
        top.addWidget(self.month)
        top.addStretch(1)
        top.addWidget(self.pay_button)
        # Who is on the village's list that month but not enrolled: shown apart with why, never billed.
        self.apart_box = QGroupBox(self.tr("Tidak ditagih: belum atau tidak lagi terdaftar sebagai peserta"))
        self.apart_box.setObjectName("notBilledBox")
        self.apart_table = RecordTable(
            [Col(self.tr("No. Registrasi"), lambda x: x.reg_no, whole=True),
             Col(self.tr("Nama"), lambda x: x.full_name),
             Col(self.tr("Keadaan"), lambda x: code_text("standing", x.standing)),
             Col(self.tr("Alasan"), lambda x: x.reason, tooltip=lambda x: x.reason)],  # whole reason as tooltip
            "notBilledTable",
        )  # fmt: skip
        apart_layout = QVBoxLayout(self.apart_box)
        apart_layout.addWidget(self.apart_table)
        self.apart_box.hide()
        bl = QVBoxLayout(bill_tab)
        bl.addLayout(top)
        bl.addWidget(self.bill_summary)
        bl.addWidget(self.bill_table, 3)
        bl.addWidget(self.apart_box, 1)
        bl.addWidget(legend())

        # -- Pembayaran
        pay_tab = QWidget()
        self.pay_table = RecordTable(
            [Col(self.tr("No."), lambda p: p.id),
             Col(self.tr("Tanggal bayar"), lambda p: format_date(date.fromisoformat(p.paid_on))),
             Col(self.tr("Jumlah"), lambda p: format_rupiah(p.amount)),
             Col(self.tr("Untuk bulan"), lambda p: format_period(p.period)),
             Col(self.tr("Peserta"), lambda p: p.people), Col(self.tr("Referensi"), lambda p: p.reference),
             Col(self.tr("Dicatat oleh"), lambda p: p.created_by),
             Col(self.tr("Keadaan"), self._payment_state, tooltip=self._payment_state)],
            "paymentTable",
        )  # fmt: skip
        self.void_button = QPushButton(self.tr("Batalkan pembayaran terpilih…"))
        self.void_button.setObjectName("voidButton")
        self.void_button.clicked.connect(self.void_selected)
        pl = QVBoxLayout(pay_tab)
        pl.addWidget(self.pay_table, 1)
        pl.addWidget(self.void_button, 0, Qt.AlignmentFlag.AlignLeft)

        # -- Anggaran
        budget_tab = QWidget()
        self.year = QSpinBox()
        self.year.setObjectName("budgetYear")
        self.year.setRange(2020, 2100)
        self.year.setValue(service.today().year)
        self.additions = QSpinBox()
        self.additions.setObjectName("budgetAdditions")
        self.additions.setRange(0, 100_000)
        self.plan_label = QLabel()
        self.plan_label.setObjectName("budgetPlan")
        self.plan_label.setWordWrap(True)
        self.budget_amount = QLineEdit()
        self.budget_amount.setObjectName("budgetAmount")
        self.budget_amount.setPlaceholderText(self.tr("pagu yang disahkan dalam APBDes"))
        self.save_budget_button = QPushButton(self.tr("Simpan anggaran"))
        self.save_budget_button.setObjectName("saveBudget")
        self.save_budget_button.clicked.connect(self.save_budget)
        self.recap_label = QLabel()
        self.recap_label.setObjectName("recapSummary")
        self.recap_table = RecordTable(
            list_columns([self.tr("Bulan"), self.tr("Jatuh tempo"), self.tr("Peserta"), self.tr("Tagihan"),
                          self.tr("Dibayar"), self.tr("Belum dibayar"), self.tr("Pembayaran diterima")]),
            "recapTable",
        )  # fmt: skip
        self.export_button = QPushButton(self.tr("Simpan laporan Excel…"))
        self.export_button.setObjectName("exportReport")
        self.export_button.clicked.connect(self.export_report)
        self.print_button = QPushButton(self.tr("Cetak rekap…"))
        self.print_button.setObjectName("printRecap")
        self.print_button.clicked.connect(self.print_recap)
        for w in (self.year, self.additions):
            w.valueChanged.connect(self.refresh_budget)
        form = QFormLayout()
        form.addRow(self.tr("Tahun"), self.year)
        form.addRow(self.tr("Rencana tambahan peserta"), self.additions)
        form.addRow(self.tr("Kebutuhan anggaran"), self.plan_label)
        self.budget_note = QLabel()
        self.budget_note.setObjectName("budgetNote")
        self.budget_note.setWordWrap(True)
        self.budget_note.hide()
        form.addRow(self.budget_note)
        adopted = QHBoxLayout()
        adopted.addWidget(self.budget_amount, 1)
        adopted.addWidget(self.save_budget_button)
        form.addRow(self.tr("Anggaran APBDes (Rp)"), adopted)
        actions = QHBoxLayout()
        actions.addWidget(self.export_button)
        actions.addWidget(self.print_button)
        actions.addStretch(1)
        gl = QVBoxLayout(budget_tab)
        gl.addLayout(form)
        gl.addWidget(self.recap_label)
        gl.addWidget(self.recap_table, 1)
        gl.addLayout(actions)

        # -- Tarif
        rate_tab = QWidget()
        self.rate_table = RecordTable(
            [Col(self.tr("No."), lambda r: r.id), Col(self.tr("Jenis"), lambda r: code_text("rate_kind", r.kind)),
             Col(self.tr("Berlaku"), self._rate_period),
             Col(self.tr("Sumber dana"), lambda r: code_text("funding", r.funding) if r.funding else self.tr("semua")),
             Col(self.tr("Rincian"), self._rate_detail),
             Col(self.tr("Aktif"), lambda r: self.tr("ya") if r.active else self.tr("tidak")),
             Col(self.tr("Dasar hukum"), lambda r: r.note, tooltip=lambda r: r.note)],
            "rateTable",
        )  # fmt: skip
        self.toggle_button = QPushButton(self.tr("Aktifkan / nonaktifkan baris terpilih"))
        self.toggle_button.setObjectName("toggleRate")
        self.toggle_button.clicked.connect(self.toggle_rate)
        self.add_rate_button = QPushButton(self.tr("Tambah baris tarif…"))
        self.add_rate_button.setObjectName("addRate")
        self.add_rate_button.clicked.connect(self.add_rate)
        admin = user.role == Role.ADMIN
        for b in (self.toggle_button, self.add_rate_button):
            b.setEnabled(admin)
            if not admin:
                b.setToolTip(self.tr("Hanya admin yang boleh mengubah tarif."))
        note = QLabel(
            self.tr(
                "Iuran setiap bulan dihitung dari baris tarif yang berlaku pada bulan itu. Diskon PP 50/2025 "
                "(April-Desember 2026) dikecualikan untuk iuran dari APBN/APBD; berlakunya untuk APBDes belum pasti, "
                "jadi barisnya nonaktif sampai BPJS Kudus memastikannya."
            )
        )
        note.setWordWrap(True)
        note.setObjectName("muted")
        rb = QHBoxLayout()
        rb.addWidget(self.toggle_button)
        rb.addWidget(self.add_rate_button)
        rb.addStretch(1)
        rl = QVBoxLayout(rate_tab)
        rl.addWidget(self.rate_table, 1)
        rl.addLayout(rb)
        rl.addWidget(note)

        self.tabs.addTab(bill_tab, self.tr("Tagihan"))
        self.tabs.addTab(pay_tab, self.tr("Pembayaran"))
        self.tabs.addTab(budget_tab, self.tr("Anggaran"))
        self.tabs.addTab(rate_tab, self.tr("Tarif"))
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.tabs, 1)
        signals.changed.connect(self.on_changed)
        # Loaded when first shown: the bill, the coverage and the recap are not needed at start.
        self.loaded = False

    # -- loading -------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.loaded:
            self.refresh()

    def on_changed(self, changes: OpChanges) -> None:
        if (changes.participants or changes.settings) and self.loaded:
            self.refresh()

    def refresh(self) -> None:
        self.loaded = True
        self.refresh_bill()
        self.refresh_payments()
        self.refresh_budget()
        self.refresh_rates()

    def refresh_bill(self) -> None:
        month = int(self.month.currentData())

        run_db(self, lambda: ShownBill.of(self.service.bill(month)), self.show_bill)

    def _strip(self, line: BillLine) -> list[str]:
        """The last twelve months of the bill's coverage (its first month only decides lapses)."""
        row = self.strip_rows.get(line.participant_id)
        if self.bill is None or row is None:
            return []
        return [s.value for s in self.bill.coverage.strip(row)[1:]]

    def _strip_tip(self, line: BillLine) -> str:
        if self.bill is None:
            return ""
        first = self.bill.coverage.first + 1
        return "\n".join(f"{month_label(first + i)}: {code_text('cover', s)}" for i, s in enumerate(self._strip(line)))

    def _payment_state(self, p: PaymentView) -> str:
        return self.tr("dibatalkan: {reason}").format(reason=p.void_reason) if p.voided_at else self.tr("sah")

    def _rate_period(self, r: Any) -> str:
        return f"{format_period(r.valid_from)} – {format_period(r.valid_to) or self.tr('seterusnya')}"

    def _rate_detail(self, r: Any) -> str:
        if r.kind == "tarif":
            return self.tr("JKK {pct}% × {income} + JKM {jkm}").format(
                pct=f"{r.jkk_rate_bp / 100:g}", income=format_rupiah(r.income), jkm=format_rupiah(r.jkm)
            )
        return self.tr("diskon {pct}%").format(pct=r.discount_pct)

    def show_bill(self, shown: ShownBill) -> None:
        bill = self.bill = shown.bill
        self.strip_rows = shown.strip_rows
        text = self.tr(
            "Tagihan {month}: {n} peserta, {total}. Jatuh tempo {due}. Dibayar {paid}; belum dibayar {open} "
            "({unpaid} peserta)."
        ).format(
            month=month_label(bill.month), n=format_number(len(bill.lines)), total=format_rupiah(bill.total),
            due=format_date(bill.due), paid=format_rupiah(bill.paid), open=format_rupiah(bill.outstanding),
            unpaid=format_number(shown.unpaid),
        )  # fmt: skip
        lapsed, arrears = shown.lapsed, shown.arrears
        if arrears:
            text += " " + self.tr("{n} peserta menunggak setelah jatuh tempo.").format(n=format_number(arrears))
        if lapsed:
            text += " " + self.tr(
                "{n} peserta gugur (lebih dari 3 bulan tidak dibayar) dan harus didaftarkan ulang."
            ).format(n=format_number(lapsed))
        if bill.apbd_excluded:
            text += " " + self.tr("{n} peserta dibiayai APBD Kabupaten, tidak ditagih ke desa.").format(
                n=format_number(bill.apbd_excluded)
            )
        if bill.apart:
            text += " " + self.tr(
                "{n} orang tidak ditagih karena belum disetujui verifikator atau ditolak kabupaten/BPJS (lihat di "
                "bawah)."
            ).format(n=format_number(len(bill.apart)))
        self.bill_summary.setText(text)
        self.apart_table.set_rows(bill.apart)
        self.apart_box.setVisible(bool(bill.apart))
        self.bill_table.set_rows(bill.lines)
        self.pay_button.setEnabled(bool(bill.lines))

    def refresh_payments(self) -> None:
        run_db(self, self.service.payments, self.show_payments)

    def show_payments(self, payments: list[PaymentView]) -> None:
        self.pay_table.set_rows(payments)

    def refresh_budget(self) -> None:
        year, additions = self.year.value(), self.additions.value()
        run_db(self, lambda: (self.service.plan(year, additions), self.service.recap(year)), self.show_budget)

    def show_budget(self, data: tuple[BudgetPlan, YearRecap]) -> None:
        plan, recap = data
        self.plan, self.recap = plan, recap
        rates = sorted({r for _, r in plan.monthly})
        self.plan_label.setText(
            self.tr("({active} peserta aktif + {add} tambahan) × 12 bulan × {rates} = {total}").format(
                active=plan.active, add=plan.planned_additions, rates=" / ".join(format_rupiah(r) for r in rates),
                total=format_rupiah(plan.total),
            )
        )  # fmt: skip
        notes = []
        if plan.not_enrolled:
            notes.append(
                self.tr("{n} orang lain belum disetujui atau ditolak, jadi tidak dianggarkan.").format(
                    n=format_number(plan.not_enrolled)
                )
            )
        if plan.below_minimum:
            notes.append(
                self.tr(
                    "Perhatian: {n} peserta, kurang dari jumlah minimal {min} peserta per desa yang ditetapkan "
                    "kabupaten."
                ).format(n=format_number(plan.people), min=format_number(plan.minimum))
            )
        self.budget_note.setText(" ".join(notes))
        self.budget_note.setVisible(bool(notes))
        if recap.budget:
            self.budget_amount.setText(format_number(recap.budget))
            realised = self.tr("Realisasi {year}: {received} dari anggaran {budget} ({pct:.1f}%). Tunggakan {arrears}.")
            self.recap_label.setText(
                realised.format(
                    year=recap.year, received=format_rupiah(recap.received), budget=format_rupiah(recap.budget),
                    pct=recap.realisation_pct or 0.0, arrears=format_rupiah(recap.arrears),
                )
            )  # fmt: skip
        else:
            self.budget_amount.clear()
            self.recap_label.setText(
                self.tr("Anggaran {year} belum dicatat. Diterima {received}; tunggakan {arrears}.").format(
                    year=recap.year, received=format_rupiah(recap.received), arrears=format_rupiah(recap.arrears)
                )
            )
        rows = [
            [month_label(m.month), format_date(m.due), m.people, format_rupiah(m.billed), format_rupiah(m.paid),
             format_rupiah(m.outstanding) if m.overdue else "-", format_rupiah(m.received)]
            for m in recap.months
        ]  # fmt: skip
        rows.append([self.tr("Jumlah"), "", "", format_rupiah(recap.billed), format_rupiah(recap.paid),
                     format_rupiah(recap.arrears), format_rupiah(recap.received)])  # fmt: skip
        self.recap_table.set_rows(rows)

    def refresh_rates(self) -> None:
        run_db(self, self.service.rates, self.show_rates)

    def show_rates(self, rates: Any) -> None:
        self.rates = rates
        self.rate_table.set_rows(rates.rows)

    # -- actions -------------------------------------------------------------------------

    def _selected_ids(self) -> list[int]:
        return [line.participant_id for line in self.bill_table.selected_records()]

    def record_payment(self) -> None:
        month = int(self.month.currentData())
        dialog = PaymentDialog(self.service, month, self._selected_ids(), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            p = dialog.payment
            inform(
                self,
                self.tr("Pembayaran iuran"),
                self.tr("Pembayaran {amount} dicatat untuk {n} peserta, {period}.").format(
                    amount=format_rupiah(p.amount), n=p.people, period=format_period(p.period)
                ),
            )
            self.signals.changed.emit(p.changes)

    def void_selected(self) -> None:
        payment = self.pay_table.current_record()
        if payment is None:
            inform(self, self.tr("Batalkan pembayaran"), self.tr("Pilih pembayarannya di daftar lebih dahulu."))
            return
        payment_id = payment.id
        reason, ok = QInputDialog.getText(
            self, self.tr("Batalkan pembayaran"),
            self.tr("Alasan pembatalan (bulan-bulannya kembali belum dibayar; catatannya tetap ada):"),
        )  # fmt: skip
        if not ok:
            return
        run_change(self, self.signals, lambda: self.service.void(payment_id, reason))

    def save_budget(self) -> None:
        year, additions, amount = self.year.value(), self.additions.value(), parse_rupiah(self.budget_amount.text())
        run_db(self, lambda: self.service.set_budget(year, amount, additions), lambda _: self.refresh_budget())

    def export_report(self) -> None:
        if self.recap is None or self.plan is None:
            return
        year = self.recap.year
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Simpan laporan iuran"), f"laporan-iuran-{year}.xlsx", "Excel (*.xlsx)"
        )
        if not path:
            return
        target = Path(path if path.lower().endswith(".xlsx") else path + ".xlsx")
        additions = self.additions.value()

        run_db(
            self, lambda: premium_report(self.service, self.profile(), target, year, additions).payments,
            lambda n: inform(self, self.tr("Laporan iuran"),
                             self.tr("Laporan {year} ({n} pembayaran) ditulis ke {path}.").format(
                                 year=year, n=n, path=target)),
        )  # fmt: skip

    def print_recap(self) -> None:
        if self.recap is None:
            return
        year = self.recap.year

        def make(_progress: Callable[[int, int], None], _cancelled: Callable[[], bool]) -> PrintedTable:
            return premium_recap(self.service.recap(year), self.profile(), self.user.full_name, self.service.today())

        TablePrintDialog(
            self.tr("Rekap iuran {year}").format(year=year),
            self.tr("Rekapitulasi iuran bulanan tahun {year} dengan tanda tangan").format(year=year),
            make, lambda _t, where: self.service.log_event("premium_report", f"rekap {year}, {where}"),
            f"rekap-iuran-{year}.pdf", self,
        ).exec()  # fmt: skip

    def toggle_rate(self) -> None:
        rate = self.rate_table.current_record()
        if rate is None:
            inform(self, self.tr("Tarif"), self.tr("Pilih barisnya di tabel lebih dahulu."))
            return
        run_change(self, self.signals, lambda: self.service.set_rate_active(rate.id, not rate.active))

    def add_rate(self) -> None:
        dialog = RateDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        draft = dialog.draft()
        run_db(
            self, lambda: self.service.add_rate(draft),
            lambda _id: self.signals.changed.emit(OpChanges(settings=True)),
            lambda exc: show_error(self, exc),
        )  # fmt: skip
