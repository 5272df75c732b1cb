"""The regency's own pages: coverage at a glance, the double-enrolment queue, BPJS lists.

Thin shells over :mod:`core.overview`, :mod:`core.doubles` and :mod:`core.bpjs`; the work
runs on the database thread, the results come back to these widgets.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from itertools import pairwise
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kudus_desktop.core.regency.bpjs import (
    RESULT_FIELDS,
    BpjsExport,
    BpjsService,
    ResultApplied,
    ResultPreview,
    ResultRow,
)
from kudus_desktop.core.regency.doubles import ApbdImport, CaseSide, DoubleCase, DoubleEnrolmentService, ScanResult
from kudus_desktop.core.regency.overview import AreaSummary, RegencyOverview, coverage_report, overview
from kudus_desktop.core.rules.codes import Category, can_decide_doubles
from kudus_desktop.core.rules.dates import (
    format_date,
    format_date_long,
    format_month,
    format_number,
    format_stamp,
    from_iso,
)
from kudus_desktop.core.rules.nik import mask_nik
from kudus_desktop.core.rules.records import OfficeProfile, OpChanges, UserView
from kudus_desktop.core.storage.db import Database
from kudus_desktop.gui.column_fit import ColumnFit, column_header
from kudus_desktop.gui.messages import code_text, inform, message_text
from kudus_desktop.gui.ops import run_change, run_db
from kudus_desktop.gui.record_table import Col, RecordTable
from kudus_desktop.gui.signals import AppSignals
from kudus_desktop.gui.widgets import CutTextToolTips, MetricCard, area_combo

SHEET_FILTER = "Lembar kerja (*.xlsx *.xlsm *.xls *.ods *.csv)"
XLSX_FILTER = "Excel (*.xlsx)"
#: Line colours for the nine kecamatan, distinguishable in print and for colour-blind readers.
PALETTE = ("#1f6f5c", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#1b6fb3", "#555555")


def _when(stamp: str | None) -> str:
    return format_stamp(stamp) if stamp else "—"


_DIFFERS = QColor("#9b1c1c")
#: The narrowest a column of counts becomes on a small screen (its header is then cut, whole in its tooltip).
NUMBER_COLUMN = 52


def _result_note(row: ResultRow) -> str:
    return message_text(row.problem, row.params) if row.problem else ", ".join(row.desa_codes)


# ----------------------------------------------------------------------------- dashboard


class TrendChart(QWidget):
    """Participants active at the end of each month, one line per kecamatan: the trend a
    table hides. Drawn with QPainter (Qt Charts is not part of the Essentials wheels)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trendChart")
        self.setMinimumHeight(220)
        self.months: list[tuple[int, int]] = []
        self.series: list[tuple[str, list[int]]] = []

    def set_data(self, months: list[tuple[int, int]], series: list[tuple[str, list[int]]]) -> None:
        self.months = months
        self.series = series
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("white"))
        fm = p.fontMetrics()
        legend_w = max((fm.horizontalAdvance(n) for n, _ in self.series), default=0) + 30
        left, top, bottom = fm.horizontalAdvance("100.000") + 12, 12, fm.height() * 2 + 8
        plot = QRectF(left, top, self.width() - left - legend_w - 16, self.height() - top - bottom)
        if not self.months or plot.width() < 40 or plot.height() < 40:
            return
        peak = max((max(v, default=0) for _, v in self.series), default=0)
        step = _nice_step(peak)
        ceiling = max(step * 4, step * ((peak + step - 1) // step))
        grid = QPen(QColor("#e3e8e6"))
        p.setPen(grid)
        muted = QColor("#6b7785")
        ticks = int(ceiling // step)
        for i in range(ticks + 1):
            y = plot.bottom() - plot.height() * i / ticks
            p.setPen(grid)
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            p.setPen(muted)
            label = format_number(int(step * i))
            p.drawText(QRectF(0, y - fm.height() / 2, left - 6, fm.height()), Qt.AlignmentFlag.AlignRight, label)
        n = len(self.months)

        def x_at(i: int) -> float:
            return plot.left() + (plot.width() * i / (n - 1) if n > 1 else plot.width() / 2)

        for i, (y, m) in enumerate(self.months):
            if i % 2 == 0 or i == n - 1:
                text = format_month(y, m).split(" ")[0][:3] + (f" {y % 100:02d}" if m == 1 or i == 0 else "")
                p.drawText(QRectF(x_at(i) - 30, plot.bottom() + 4, 60, fm.height()), Qt.AlignmentFlag.AlignHCenter,
                           text)  # fmt: skip
        for k, (name, values) in enumerate(self.series):
            colour = QColor(PALETTE[k % len(PALETTE)])
            p.setPen(QPen(colour, 2))
            points = [QPointF(x_at(i), plot.bottom() - plot.height() * v / ceiling) for i, v in enumerate(values)]
            for a, b in pairwise(points):
                p.drawLine(a, b)
            ly = top + k * (fm.height() + 4)
            lx = plot.right() + 16
            p.drawLine(QPointF(lx, ly + fm.height() / 2), QPointF(lx + 14, ly + fm.height() / 2))
            p.setPen(QColor("#23302c"))
            p.drawText(QPointF(lx + 18, ly + fm.ascent()), name)
        p.end()


def _nice_step(peak: int) -> int:
    """A round grid step giving about four lines up to ``peak``."""
    raw = max(peak / 4, 1)
    magnitude = 10 ** (len(str(int(raw))) - 1)
    for m in (1, 2, 5, 10):
        if raw <= m * magnitude:
            return int(m * magnitude)
    return int(10 * magnitude)


class RegencyDashboardPage(QWidget):
    """Beranda for the regency: coverage per kecamatan and desa, what needs attention."""

    #: A kecamatan or desa code whose participants the user wants to see.
    open_area = Signal(str)

    def __init__(
        self,
        db: Database,
        user: UserView,
        profile: OfficeProfile,
        signals: AppSignals,
        *,
        today: Callable[[], date] = date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db, self.user, self.profile, self.today = db, user, profile, today
        self.data: RegencyOverview | None = None
        title = QLabel(self.tr("Beranda"))
        title.setObjectName("pageTitle")
        self.subtitle = QLabel()
        self.subtitle.setObjectName("muted")
        self.report_button = QPushButton(self.tr("Simpan laporan cakupan…"))
        self.report_button.setObjectName("coverageReport")
        self.report_button.clicked.connect(self.choose_report)
        head = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(title)
        titles.addWidget(self.subtitle)
        head.addLayout(titles, 1)
        head.addWidget(self.report_button, 0, Qt.AlignmentFlag.AlignBottom)

        self.active_card = MetricCard(self.tr("Peserta aktif"), "active")
        self.new_card = MetricCard(self.tr("Baru bulan ini"), "new")
        self.ended_card = MetricCard(self.tr("Berhenti bulan ini"), "ended")
        self.silent_card = MetricCard(self.tr("Desa tanpa kabar 30 hari"), "silent")
        self.gaps_card = MetricCard(self.tr("Desa dengan paket hilang"), "gaps")
        self.cases_card = MetricCard(self.tr("Kepesertaan ganda terbuka"), "cases")
        cards = QGridLayout()
        for i, card in enumerate(
            (self.active_card, self.new_card, self.ended_card, self.silent_card, self.gaps_card, self.cases_card)
        ):
            cards.addWidget(card, 0, i)

        self.categories = [c.value for c in Category]
        headers = [self.tr("Kecamatan / desa"), self.tr("Aktif")]
        headers += [code_text("category", c) for c in self.categories]
        headers += [self.tr("Baru"), self.tr("Berhenti"), self.tr("Ber-KPJ"), self.tr("Iuran bulan ini lunas"),
                    self.tr("Ganda"), self.tr("Kontak terakhir"), self.tr("Paket hilang")]  # fmt: skip
        self.tree = QTreeWidget()
        self.tree.setObjectName("coverageTree")
        self.tree.setHeaderLabels(headers)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        # Sized once per refresh (show_overview): ResizeToContents measured every row again for
        # each item added, seconds per refresh for 123 desa. The columns share the page's width
        # (no sideways scrolling at 1024 or 1366 px): a header cut short shows itself whole as
        # its tooltip; a column dragged wider keeps its width.
        self.tree.header().setTextElideMode(Qt.TextElideMode.ElideRight)
        for col, text in enumerate(headers):
            self.tree.headerItem().setToolTip(col, text)
        # Where even the narrowest widths do not fit (1024 px), these go first: the cards above
        # show new and ended for the regency; the header's menu brings any of them back.
        n = len(self.categories)
        self.tree.setItemDelegate(CutTextToolTips(self.tree))
        self.columns = ColumnFit(self.tree, stretch=0, hide_order=[1 + n, 2 + n, 3 + n, 5 + n, 4 + n], name="coverage")
        self.tree.itemDoubleClicked.connect(self._open_item)
        hint = QLabel(self.tr("Klik dua kali kecamatan atau desa untuk melihat daftar pesertanya."))
        hint.setObjectName("muted")

        self.chart = TrendChart()
        chart_title = QLabel(self.tr("Peserta aktif per kecamatan pada akhir bulan"))
        chart_title.setObjectName("cardTitle")
        chart_box = QWidget()
        cl = QVBoxLayout(chart_box)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.addWidget(chart_title)
        cl.addWidget(self.chart, 1)

        table_box = QWidget()
        tl = QVBoxLayout(table_box)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.tree, 1)
        tl.addWidget(hint)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(table_box)
        split.addWidget(chart_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addLayout(cards)
        layout.addWidget(split, 1)
        signals.changed.connect(self.on_changed)
        self.refresh()

    def on_changed(self, changes: OpChanges) -> None:
        if changes.participants or changes.settings:
            self.refresh()

    def refresh(self) -> None:
        run_db(self, lambda: overview(self.db, self.user, today=self.today), self.show_overview)

    def _row(self, a: AreaSummary, *, desa: bool) -> list[str]:
        values = [a.name, format_number(a.active)]
        values += [format_number(a.by_category.get(c, 0)) for c in self.categories]
        values += [format_number(a.new_month), format_number(a.ended_month), format_number(a.with_kpj),
                   format_number(a.paid_month), format_number(a.open_cases)]  # fmt: skip
        if desa:
            values += [_when(a.last_contact) if a.last_contact else self.tr("belum pernah"), str(a.missing or "")]
        else:
            values += [self.tr("{n} desa tanpa kabar").format(n=a.silent) if a.silent else "", str(a.missing or "")]
        return values

    def show_overview(self, ov: RegencyOverview) -> None:
        self.data = ov
        t = ov.total
        month = format_month(ov.today.year, ov.today.month)
        self.subtitle.setText(f"{self.profile.region_name} · {format_date_long(ov.today)}")
        self.active_card.value.setText(format_number(t.active))
        self.active_card.note.setText(self.tr("{n} sudah ber-KPJ").format(n=format_number(t.with_kpj)))
        self.new_card.value.setText(format_number(t.new_month))
        self.new_card.note.setText(month)
        self.ended_card.value.setText(format_number(t.ended_month))
        self.ended_card.note.setText(month)
        self.silent_card.value.setText(format_number(t.silent))
        self.silent_card.note.setText(self.tr("dari {n} desa").format(n=t.villages))
        gaps = sum(1 for k in ov.kecamatan for d in k.villages if d.missing)
        self.gaps_card.value.setText(format_number(gaps))
        self.gaps_card.note.setText(self.tr("{n} paket belum sampai").format(n=format_number(t.missing)))
        self.cases_card.value.setText(format_number(sum(ov.open_cases.values())))
        self.cases_card.note.setText(
            self.tr("{nik} NIK sama, {apbd} APBD, {sim} mirip").format(
                nik=ov.open_cases.get("nik", 0), apbd=ov.open_cases.get("apbd", 0), sim=ov.open_cases.get("similar", 0)
            )
        )
        tops = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        expanded = {t.data(0, Qt.ItemDataRole.UserRole) for t in tops if t is not None and t.isExpanded()}
        self.tree.setUpdatesEnabled(False)
        self.tree.clear()
        bold = QFont(self.tree.font())
        bold.setBold(True)
        for kec in ov.kecamatan:
            top = QTreeWidgetItem(self._row(kec.total, desa=False))
            top.setData(0, Qt.ItemDataRole.UserRole, kec.total.code)
            for col in range(top.columnCount()):
                top.setFont(col, bold)
            for d in kec.villages:
                child = QTreeWidgetItem(self._row(d, desa=True))
                child.setData(0, Qt.ItemDataRole.UserRole, d.code)
                if d.silent:
                    child.setForeground(len(self.categories) + 6, QColor("#9b1c1c"))
                top.addChild(child)
            self.tree.addTopLevelItem(top)
            top.setExpanded(kec.total.code in expanded)
        total = QTreeWidgetItem(self._row(t, desa=False))
        total.setText(0, self.tr("Jumlah kabupaten"))
        for col in range(total.columnCount()):
            total.setFont(col, bold)
        self.tree.addTopLevelItem(total)
        wanted = {c: self.tree.sizeHintForColumn(c) + 12 for c in range(self.tree.columnCount())}
        # Counts may be narrower than their header; the name column shows a kecamatan whole.
        narrowest = dict.fromkeys(range(1, self.tree.columnCount()), NUMBER_COLUMN)
        narrowest[0] = min(wanted[0], 160)
        narrowest[self.tree.columnCount() - 2] = min(wanted[self.tree.columnCount() - 2], 90)  # last contact
        self.columns.set_widths({c: max(w, column_header(self.tree).sectionSizeHint(c)) for c, w in wanted.items()},
                                narrowest)  # fmt: skip
        self.tree.setUpdatesEnabled(True)
        self.chart.set_data(ov.months, [(k.total.name, k.series) for k in ov.kecamatan])

    def _open_item(self, item: QTreeWidgetItem, _column: int) -> None:
        code = item.data(0, Qt.ItemDataRole.UserRole)
        if code:
            self.open_area.emit(str(code))

    def choose_report(self) -> None:
        default = f"cakupan_{self.today().isoformat()}.xlsx"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Simpan laporan cakupan"), default, XLSX_FILTER)
        if path:
            self.save_report(Path(path))

    def save_report(self, path: Path) -> None:
        def work() -> int:
            return coverage_report(self.db, self.user, self.profile, path, today=self.today).villages

        run_db(
            self,
            work,
            lambda n: inform(
                self,
                self.tr("Laporan cakupan"),
                self.tr("Laporan cakupan {n} desa disimpan ke {path}.").format(n=n, path=path),
            ),
        )


# ----------------------------------------------------------------------------- double enrolment


class DoubleEnrolmentPage(QWidget):
    """The double-enrolment queue: both enrolments side by side, one decision."""

    def __init__(self, db: Database, user: UserView, signals: AppSignals, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = DoubleEnrolmentService(db, user)
        self.user = user
        self.signals = signals
        title = QLabel(self.tr("Kepesertaan ganda"))
        title.setObjectName("pageTitle")
        self.summary = QLabel()
        self.summary.setObjectName("duplicateSummary")
        self.summary.setWordWrap(True)

        self.kind_filter = QComboBox()
        self.kind_filter.setObjectName("kindFilter")
        self.kind_filter.addItem(self.tr("Semua jenis"), "")
        for k in ("nik", "apbd", "similar"):
            self.kind_filter.addItem(code_text("case", k), k)
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("caseStatusFilter")
        self.status_filter.addItem(self.tr("Menunggu keputusan"), "open")
        self.status_filter.addItem(self.tr("Sudah diputuskan"), "resolved")
        self.status_filter.addItem(self.tr("Semua"), "")
        self.area_filter = area_combo("caseAreaFilter", self.tr("Semua wilayah"))
        for combo in (self.kind_filter, self.status_filter, self.area_filter):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.scan_button = QPushButton(self.tr("Periksa ulang semua peserta"))
        self.scan_button.setObjectName("scanDuplicates")
        self.scan_button.clicked.connect(self.scan)
        self.apbd_button = QPushButton(self.tr("Impor daftar NIK APBD…"))
        self.apbd_button.setObjectName("importApbd")
        self.apbd_button.clicked.connect(self.choose_apbd)
        filters = QHBoxLayout()
        for w in (self.kind_filter, self.status_filter, self.area_filter):
            filters.addWidget(w)
        filters.addStretch(1)
        filters.addWidget(self.scan_button)
        filters.addWidget(self.apbd_button)

        self.table = RecordTable(
            [Col(self.tr("No."), lambda c: c.id), Col(self.tr("Jenis"), lambda c: code_text("case", c.kind)),
             Col(self.tr("NIK"), lambda c: mask_nik(c.nik)),
             Col(self.tr("Pertama"), lambda c: f"{c.first.full_name} ({c.first.desa_name})"),
             Col(self.tr("Kedua"), lambda c: f"{c.second.full_name} ({c.second.desa_name})"),
             Col(self.tr("Ditemukan"), lambda c: _when(c.found_at)),
             Col(self.tr("Keputusan"), lambda c: code_text("decision", c.decision) if c.decision else "")],
            "caseTable",
        )  # fmt: skip
        self.table.selection_changed.connect(self.show_selected)

        # (label, first, second, differs) per line of the two enrolments side by side.
        self.detail = RecordTable(
            [Col("", lambda d: d[0]),
             Col(self.tr("Kepesertaan pertama"), lambda d: d[1], colour=lambda d: _DIFFERS if d[3] else None),
             Col(self.tr("Kepesertaan kedua"), lambda d: d[2], colour=lambda d: _DIFFERS if d[3] else None)],
            "caseDetail",
        )  # fmt: skip
        self.detail.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.note = QLineEdit()
        self.note.setObjectName("decisionNote")
        self.note.setPlaceholderText(self.tr("Catatan keputusan (mis. hasil cek ke Dukcapil atau ke desa)"))
        self.keep_first = QPushButton(self.tr("Yang pertama berlaku"))
        self.keep_first.setObjectName("keepFirst")
        self.keep_second = QPushButton(self.tr("Yang kedua berlaku"))
        self.keep_second.setObjectName("keepSecond")
        self.not_same = QPushButton(self.tr("Bukan orang yang sama"))
        self.not_same.setObjectName("notSame")
        self.keep_first.clicked.connect(lambda: self.decide("keep_first"))
        self.keep_second.clicked.connect(lambda: self.decide("keep_second"))
        self.not_same.clicked.connect(lambda: self.decide("not_same"))
        self.decision_hint = QLabel()
        self.decision_hint.setObjectName("muted")
        self.decision_hint.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.note, 1)
        for b in (self.keep_first, self.keep_second, self.not_same):
            buttons.addWidget(b)
        detail_box = QGroupBox(self.tr("Bandingkan dan putuskan"))
        dl = QVBoxLayout(detail_box)
        dl.addWidget(self.detail, 1)
        dl.addLayout(buttons)
        dl.addWidget(self.decision_hint)

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(detail_box)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.summary)
        layout.addLayout(filters)
        layout.addWidget(split, 1)
        signals.changed.connect(lambda changes: self.refresh() if changes.participants else None)
        self.refresh()

    def refresh(self) -> None:
        kind = str(self.kind_filter.currentData() or "")
        status = str(self.status_filter.currentData() or "")
        area = str(self.area_filter.currentData() or "")
        run_db(
            self,
            lambda: (self.desk.cases(status=status, kind=kind, desa=area), self.desk.counts(), self.desk.apbd_count()),
            self.show_cases,
        )

    def show_cases(self, data: tuple[list[DoubleCase], dict[str, int], int]) -> None:
        cases, counts, apbd = data
        self.summary.setText(
            self.tr(
                "Menunggu keputusan: {nik} NIK sama di dua desa, {apbd_cases} NIK juga di daftar APBD, {sim} mirip "
                "(nama, tanggal lahir dan KK sama dengan NIK lain). Daftar APBD berisi {apbd} NIK."
            ).format(nik=counts["nik"], apbd_cases=counts["apbd"], sim=counts["similar"], apbd=format_number(apbd))
        )
        self.table.set_rows(cases, keep=lambda c: c.id)

    def _current(self) -> DoubleCase | None:
        case: DoubleCase | None = self.table.current_record()
        return case

    def _side_rows(self, a: CaseSide, b: CaseSide) -> list[tuple[str, str, str]]:
        def day(text: str) -> str:
            return format_date(from_iso(text)) if text else ""

        def place(x: CaseSide) -> str:
            return f"{x.desa_name}, Kec. {x.kecamatan}" if x.kecamatan else x.desa_name

        def category(x: CaseSide) -> str:
            return code_text("category", x.category) if x.category else ""

        return [
            (self.tr("Desa"), place(a), place(b)),
            (self.tr("NIK"), a.nik, b.nik),
            (self.tr("Nama"), a.full_name, b.full_name),
            (self.tr("Tanggal lahir"), day(a.birth_date), day(b.birth_date)),
            (self.tr("No. KK"), a.kk, b.kk),
            (self.tr("Kategori"), category(a), category(b)),
            (self.tr("Sumber dana"), code_text("funding", a.funding), code_text("funding", b.funding)),
            (self.tr("Mulai"), day(a.start_date), day(b.start_date)),
            (self.tr("No. registrasi"), a.reg_no, b.reg_no),
        ]  # fmt: skip

    def show_selected(self) -> None:
        case = self._current()
        rows = self._side_rows(case.first, case.second) if case else []
        self.detail.set_rows([(label, a, b, a != b and r > 0) for r, (label, a, b) in enumerate(rows)])
        allowed = can_decide_doubles(self.user.role)
        open_case = case is not None and case.status == "open"
        for button in (self.keep_first, self.keep_second):
            button.setEnabled(open_case and allowed)
        self.not_same.setEnabled(open_case and allowed and case is not None and case.kind == "similar")
        self.note.setEnabled(open_case and allowed)
        if case is None:
            self.decision_hint.setText("")
        elif not open_case:
            self.decision_hint.setText(
                self.tr("Diputuskan {when} oleh {who}: {decision}. {note}").format(
                    when=_when(case.decided_at), who=case.decided_by or "sistem",
                    decision=code_text("decision", case.decision), note=case.note,
                )
            )  # fmt: skip
        elif not allowed:
            self.decision_hint.setText(self.tr("Hanya admin atau verifikator yang boleh memutuskan."))
        elif case.kind == "apbd":
            self.keep_second.setText(self.tr("APBD yang berlaku"))
            self.keep_first.setText(self.tr("Kepesertaan desa berlaku"))
            self.decision_hint.setText(
                self.tr("Bila APBD yang berlaku, desa menerima penolakan di tanda terima berikutnya. Bila kepesertaan "
                        "desa yang berlaku, keluarkan NIK ini dari daftar APBD.")
            )  # fmt: skip
        else:
            self.keep_first.setText(self.tr("Yang pertama berlaku"))
            self.keep_second.setText(self.tr("Yang kedua berlaku"))
            self.decision_hint.setText(
                self.tr("Kepesertaan yang tidak berlaku ditolak; desanya menerima alasan \"sudah terdaftar di Desa … "
                        "sejak …\" di tanda terima berikutnya. Desa yang lain tidak menerima apa-apa.")
            )  # fmt: skip

    def decide(self, decision: str) -> None:
        case = self._current()
        if case is None:
            return
        note = self.note.text()

        def done(result: DoubleCase) -> None:
            self.note.clear()
            self.signals.changed.emit(OpChanges(participants=True))

        run_db(self, lambda: self.desk.decide(case.id, decision, note), done)

    def scan(self) -> None:
        def done(r: ScanResult) -> None:
            inform(
                self,
                self.tr("Periksa ulang"),
                self.tr(
                    "Kasus baru: {nik} NIK sama di dua desa, {apbd} NIK di daftar APBD, {sim} mirip. {closed} kasus "
                    "selesai sendiri. Menunggu keputusan: {open}."
                ).format(
                    nik=r.opened["nik"], apbd=r.opened["apbd"], sim=r.opened["similar"], closed=r.closed,
                    open=r.open_total,
                ),
            )  # fmt: skip

        run_change(self, self.signals, self.desk.scan, done)

    def choose_apbd(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Pilih daftar NIK peserta APBD"), "", SHEET_FILTER)
        if path:
            self.import_apbd(Path(path))

    def import_apbd(self, path: Path) -> None:
        def done(r: ApbdImport) -> None:
            lines = [
                self.tr("Daftar APBD sekarang {n} NIK ({added} baru, {removed} keluar). {cases} peserta desa juga "
                        "ada di daftar itu dan menunggu keputusan.").format(
                    n=r.members, added=r.added, removed=r.removed, cases=r.scan.opened["apbd"]
                )
            ]  # fmt: skip
            if r.rejected:
                lines.append(self.tr("{n} baris dilewati:").format(n=len(r.rejected)))
                lines += [
                    self.tr("baris {row}: {reason}").format(row=x.row, reason=message_text(x.code, x.params))
                    for x in r.rejected[:15]
                ]
            inform(self, self.tr("Daftar APBD"), "\n".join(lines))

        run_change(self, self.signals, lambda: self.desk.import_apbd(path), done)


# ----------------------------------------------------------------------------- BPJS


class BpjsPage(QWidget):
    """Registration lists to BPJS, and BPJS's answers back to the villages."""

    def __init__(
        self,
        db: Database,
        user: UserView,
        signals: AppSignals,
        *,
        today: Callable[[], date] = date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = BpjsService(db, user, today=today)
        self.signals = signals
        self.today = today
        self.preview: ResultPreview | None = None
        title = QLabel(self.tr("BPJS Ketenagakerjaan"))
        title.setObjectName("pageTitle")

        out_box = QGroupBox(self.tr("Daftar pendaftaran ke BPJS"))
        self.area = area_combo("bpjsArea", self.tr("Semua desa"))
        self.include_sent = QCheckBox(self.tr("Juga yang sudah pernah dikirim tetapi belum dijawab"))
        self.include_sent.setObjectName("includeSent")
        self.pending = QLabel()
        self.pending.setObjectName("bpjsPending")
        self.export_button = QPushButton(self.tr("Simpan daftar pendaftaran…"))
        self.export_button.setObjectName("bpjsExport")
        self.export_button.clicked.connect(self.choose_export)
        self.counts = QLabel()
        self.counts.setObjectName("bpjsCounts")
        form = QFormLayout(out_box)
        form.addRow(self.tr("Wilayah"), self.area)
        form.addRow("", self.include_sent)
        row = QHBoxLayout()
        row.addWidget(self.pending, 1)
        row.addWidget(self.export_button)
        form.addRow(row)
        form.addRow(self.counts)
        hint = QLabel(
            self.tr("Hanya peserta aktif yang diterima (tidak ditinjau, tidak ditolak) dan belum ber-KPJ. Kolom dan "
                    "urutannya mengikuti pengaturan daftar BPJS; kode wadah SD/SA/SL dari sumber dana.")
        )  # fmt: skip
        hint.setObjectName("muted")
        hint.setWordWrap(True)
        form.addRow(hint)
        self.area.currentIndexChanged.connect(lambda _i: self.refresh())
        self.include_sent.toggled.connect(lambda _b: self.refresh())

        in_box = QGroupBox(self.tr("Jawaban BPJS: nomor KPJ dan penolakan"))
        self.open_button = QPushButton(self.tr("Buka berkas jawaban BPJS…"))
        self.open_button.setObjectName("bpjsOpenResults")
        self.open_button.clicked.connect(self.choose_results)
        self.mapping: dict[str, QComboBox] = {}
        map_row = QHBoxLayout()
        labels = {"nik": self.tr("NIK"), "kpj": self.tr("KPJ"), "status": self.tr("Status"),
                  "reason": self.tr("Alasan"), "full_name": self.tr("Nama")}  # fmt: skip
        for f in RESULT_FIELDS:
            combo = QComboBox()
            combo.setObjectName(f"map_{f}")
            combo.currentIndexChanged.connect(lambda _i: self.remap())
            combo.setEnabled(False)  # until a file is open
            self.mapping[f] = combo
            map_row.addWidget(QLabel(labels[f]))
            map_row.addWidget(combo, 1)
        self.result_summary = QLabel()
        self.result_summary.setObjectName("bpjsResultSummary")
        self.result_summary.setWordWrap(True)
        self.results = RecordTable(
            [Col(self.tr("Baris"), lambda r: r.row), Col(self.tr("NIK"), lambda r: r.nik),
             Col(self.tr("KPJ"), lambda r: r.kpj),
             Col(self.tr("Jawaban"), lambda r: code_text("bpjs_result", r.result) if r.result else ""),
             Col(self.tr("Alasan"), lambda r: r.reason, tooltip=lambda r: r.reason),
             Col(self.tr("Tindakan"), lambda r: code_text("bpjs_action", r.action)),
             Col(self.tr("Keterangan"), _result_note, tooltip=_result_note)],
            "bpjsResults",
            row_colour=lambda r: _DIFFERS if r.action in ("unknown", "not_sent", "invalid") else None,
        )  # fmt: skip
        self.apply_button = QPushButton(self.tr("Catat hasil BPJS"))
        self.apply_button.setObjectName("bpjsApply")
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self.apply)
        il = QVBoxLayout(in_box)
        top = QHBoxLayout()
        top.addWidget(self.open_button)
        top.addLayout(map_row, 1)
        il.addLayout(top)
        il.addWidget(self.result_summary)
        il.addWidget(self.results, 1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.apply_button)
        il.addLayout(bottom)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(out_box)
        layout.addWidget(in_box, 1)
        signals.changed.connect(lambda changes: self.refresh() if changes.participants else None)
        self.refresh()

    def refresh(self) -> None:
        area = str(self.area.currentData() or "")
        again = self.include_sent.isChecked()
        run_db(
            self,
            lambda: (len(self.service.pending_ids(desa=area, include_sent=again)), self.service.sent_counts()),
            self.show_counts,
        )

    def show_counts(self, data: tuple[int, dict[str, int]]) -> None:
        pending, counts = data
        self.pending.setText(self.tr("{n} peserta akan masuk daftar.").format(n=format_number(pending)))
        self.export_button.setEnabled(pending > 0)
        self.counts.setText(
            self.tr("Sudah dikirim ke BPJS: {sent}; terdaftar (ber-KPJ): {ok}; ditolak BPJS: {rej}.").format(
                sent=format_number(counts["sent"]), ok=format_number(counts["registered"]),
                rej=format_number(counts["rejected"]),
            )
        )  # fmt: skip

    def choose_export(self) -> None:
        default = f"pendaftaran_bpjs_{self.today().isoformat()}.xlsx"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Simpan daftar pendaftaran BPJS"), default, XLSX_FILTER)
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        area = str(self.area.currentData() or "")
        again = self.include_sent.isChecked()

        def done(r: BpjsExport) -> None:
            inform(
                self,
                self.tr("Daftar pendaftaran BPJS"),
                self.tr("{n} peserta ditulis ke {path} dan ditandai dikirim ke BPJS pada {day}.").format(
                    n=r.count, path=r.path, day=format_date(from_iso(r.sent_on))
                ),
            )

        run_change(self, self.signals, lambda: self.service.export_list(path, desa=area, include_sent=again), done)

    def choose_results(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Pilih berkas jawaban BPJS"), "", SHEET_FILTER)
        if path:
            self.load_results(Path(path))

    def load_results(self, path: Path, mapping: dict[str, int] | None = None) -> None:
        run_db(self, lambda: self.service.preview_results(path, mapping=mapping), self.show_preview)

    def remap(self) -> None:
        if self.preview is None or any(c.signalsBlocked() for c in self.mapping.values()):
            return
        chosen = {f: int(c.currentData()) for f, c in self.mapping.items() if c.currentData() is not None}
        if chosen != self.preview.mapping and "nik" in chosen:
            self.load_results(self.preview.path, chosen)

    def show_preview(self, preview: ResultPreview) -> None:
        self.preview = preview
        for f, combo in self.mapping.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self.tr("(tidak ada)"), None)
            for i, h in enumerate(preview.headers):
                combo.addItem(h or self.tr("kolom {n}").format(n=i + 1), i)
            combo.setCurrentIndex(max(combo.findData(preview.mapping[f]), 0) if f in preview.mapping else 0)
        for combo in self.mapping.values():
            combo.blockSignals(False)
            combo.setEnabled(True)
        self.results.set_rows(preview.rows)
        todo = preview.count("kpj") + preview.count("rejected")
        self.result_summary.setText(
            self.tr(
                "{name}, lembar {sheet}: {kpj} nomor KPJ baru, {rej} penolakan, {same} sudah tercatat, {unknown} NIK "
                "tidak dikenal, {not_sent} belum pernah dikirim, {bad} baris salah. NIK yang tidak dikenal tidak "
                "ditambahkan."
            ).format(
                name=preview.path.name, sheet=preview.sheet, kpj=preview.count("kpj"), rej=preview.count("rejected"),
                same=preview.count("unchanged"), unknown=preview.count("unknown"), not_sent=preview.count("not_sent"),
                bad=preview.count("invalid"),
            )
        )  # fmt: skip
        self.apply_button.setEnabled(todo > 0)

    def apply(self) -> None:
        preview = self.preview
        if preview is None:
            return

        def done(r: ResultApplied) -> None:
            self.apply_button.setEnabled(False)
            inform(
                self,
                self.tr("Jawaban BPJS"),
                self.tr("Dicatat: {kpj} nomor KPJ dan {rej} penolakan. Semuanya sampai ke {n} desa lewat tanda terima "
                        "berikutnya.").format(kpj=r.kpj, rej=r.rejected, n=len(r.desa_codes)),
            )  # fmt: skip
            self.load_results(preview.path, preview.mapping)

        run_change(self, self.signals, lambda: self.service.apply_results(preview), done)
