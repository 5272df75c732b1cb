"""Printing participant cards and the participant list: preview, print, or save as PDF.

The same painters fill Qt's print preview, the printer and the PDF file, so the preview is
what comes out of the printer. Cards and long lists are prepared and painted on the database
thread with progress and Cancel; only the preview paints on the GUI thread, as Qt requires.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication, QPagedPaintDevice
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo, QPrintPreviewDialog, QPrintPreviewWidget
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from kudus_desktop.core.enrolment.participants import ParticipantQuery, ParticipantService
from kudus_desktop.core.errors import KudusError
from kudus_desktop.core.reports.acts import card_run, finish_card_run, list_printed, notices_printed, start_card_run
from kudus_desktop.core.reports.notice import Notice, notices_beside, notices_for
from kudus_desktop.core.reports.printouts import PrintedTable, participant_list
from kudus_desktop.core.rules.card_layout import CardSides, Paper, SheetLayout, folded_layout, sheet_layout
from kudus_desktop.core.rules.dates import format_number, format_stamp
from kudus_desktop.core.rules.records import OfficeProfile
from kudus_desktop.core.village.cards import CardAction, CardBatch, CardScope, CardService, StaleCard
from kudus_desktop.gui import preferences
from kudus_desktop.gui.messages import ask, code_text, inform, show_error
from kudus_desktop.gui.ops import run_db, run_job
from kudus_desktop.gui.record_table import Col, RecordTable
from kudus_desktop.render.cards import paint_calibration, paint_cards, write_cards_pdf
from kudus_desktop.render.notice import paint_notices, write_notices_pdf
from kudus_desktop.render.paper import full_page_layout
from kudus_desktop.render.table import paint_table, write_table_pdf

PDF_TARGET = ""  # the printer combo's entry for "save as PDF"


def make_printer(name: str, paper: Paper) -> QPrinter:
    """A high-resolution printer set to the paper with no margins: the layouts keep clear of edges."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    if name:
        printer.setPrinterName(name)
    printer.setFullPage(True)
    offered = QPrinterInfo.printerInfo(name).supportedPageSizes() if name else []
    printer.setPageLayout(full_page_layout(paper, offered))
    return printer


def ask_pdf_path(parent: QWidget, title: str, name: str) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(parent, title, name, "PDF (*.pdf)")
    if not path:
        return None
    return Path(path if path.lower().endswith(".pdf") else path + ".pdf")


def preview(
    parent: QWidget, printer: QPrinter, paint: Callable[[QPagedPaintDevice], object], *, printable: bool = True
) -> bool:
    """Qt's print preview; true when the user printed from it. ``printable`` False: a look only,
    without a print button (cards to reprint whose reason is not given yet: looking needs none)."""
    title = QCoreApplication.translate("CardPrintDialog", "Pratinjau cetak")
    if printable:
        dialog: QDialog = QPrintPreviewDialog(printer, parent)
        dialog.paintRequested.connect(lambda device: _paint_safely(parent, paint, device))  # type: ignore[attr-defined]
    else:
        dialog = QDialog(parent)
        view = QPrintPreviewWidget(printer, dialog)
        view.paintRequested.connect(lambda device: _paint_safely(parent, paint, device))
        note = QLabel(
            QCoreApplication.translate(
                "CardPrintDialog", "Hanya pratinjau. Untuk mencetak, isi alasan cetak ulang lalu klik Cetak."
            )
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        for text, zoom in (("−", view.zoomOut), ("+", view.zoomIn)):
            buttons.addButton(text, QDialogButtonBox.ButtonRole.ActionRole).clicked.connect(lambda _c, z=zoom: z())
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(note)
        layout.addWidget(view, 1)
        layout.addWidget(buttons)
    dialog.setWindowTitle(title)
    # Within the screen: at 768 px tall the preview's own 760 px put its bottom off screen.
    screen = (parent.screen() if parent is not None else None) or QGuiApplication.primaryScreen()
    room = screen.availableGeometry()
    dialog.resize(min(900, room.width() - 40), min(760, room.height() - 60))
    return dialog.exec() == QDialog.DialogCode.Accepted and printable


def _paint_safely(parent: QWidget, paint: Callable[[QPagedPaintDevice], object], device: QPagedPaintDevice) -> None:
    try:
        paint(device)
    except KudusError as exc:
        show_error(parent, exc)


def _paper_combo() -> QComboBox:
    combo = QComboBox()
    for paper in Paper:
        layout = sheet_layout(paper)
        combo.addItem(f"{paper} ({layout.width:g} × {layout.height:g} mm)", paper.value)
    combo.setCurrentIndex(max(combo.findData(preferences.card_paper()), 0))
    return combo


class CardPrintDialog(QDialog):
    """Choose whose cards, the paper and the printer's offset; then preview, print or save."""

    def __init__(
        self, service: ParticipantService, profile: OfficeProfile, selected: list[int], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Cetak kartu peserta"))
        self.cards = CardService(service.db, service, profile)
        self.selected = selected
        self._reprints = 0

        scope_box = QGroupBox(self.tr("Kartu untuk"))
        scope_layout = QVBoxLayout(scope_box)
        self.scope_group = QButtonGroup(self)
        n_selected = self.cards.scope_counts(CardScope.SELECTED, selected)[0] if selected else 0
        n_unprinted = self.cards.unprinted_count()
        n_all = self.cards.scope_counts(CardScope.ALL)[0]
        # Which printed cards no longer say what is so: read off the GUI thread (a whole print log).
        self.stale: list[StaleCard] = []
        self.scope_buttons: dict[CardScope, QRadioButton] = {}
        for scope, text in (
            (CardScope.SELECTED, self.tr("Peserta terpilih ({n} terdaftar)").format(n=n_selected)),
            (CardScope.UNPRINTED, self.tr("Semua yang kartunya belum dicetak ({n})").format(n=n_unprinted)),
            (CardScope.CHANGED, self.tr("Kartu yang statusnya berubah sejak dicetak (menghitung…)")),
            (CardScope.ALL, self.tr("Semua peserta terdaftar ({n})").format(n=format_number(n_all))),
        ):
            button = QRadioButton(text)
            self.scope_buttons[scope] = button
            self.scope_group.addButton(button)
            scope_layout.addWidget(button)
        self.scope_buttons[CardScope.SELECTED].setEnabled(n_selected > 0)
        self.scope_buttons[CardScope.CHANGED].setEnabled(False)
        note = QLabel(
            self.tr(
                "Kartu hanya untuk peserta yang disetujui dan tidak ditolak. Sebelum BPJS memberi nomor KPJ, kartu "
                "bertuliskan \u201cMenunggu pendaftaran BPJS - belum terlindungi\u201d."
            )
        )
        note.setWordWrap(True)
        note.setObjectName("muted")
        scope_layout.addWidget(note)
        self.stale_label = QLabel()
        self.stale_label.setObjectName("staleCards")
        self.stale_label.setWordWrap(True)
        self.stale_button = QPushButton(self.tr("Daftar kartu yang berubah…"))
        self.stale_button.setObjectName("staleCardsButton")
        self.stale_button.clicked.connect(self.show_stale)
        for w in (self.stale_label, self.stale_button):
            w.hide()
        scope_layout.addWidget(self.stale_label)
        scope_layout.addWidget(self.stale_button, 0, Qt.AlignmentFlag.AlignLeft)
        default = CardScope.SELECTED if n_selected else CardScope.UNPRINTED if n_unprinted else CardScope.ALL
        self.scope_buttons[default].setChecked(True)

        self.paper = _paper_combo()
        self.printer = QComboBox()
        for name in QPrinterInfo.availablePrinterNames():
            self.printer.addItem(name, name)
        self.printer.addItem(self.tr("Simpan sebagai PDF"), PDF_TARGET)
        default_printer = QPrinterInfo.defaultPrinterName()
        self.printer.setCurrentIndex(max(self.printer.findData(default_printer), 0))
        self.offset_x, self.offset_y = self._offset_box(), self._offset_box()
        self.back_x, self.back_y = self._offset_box(), self._offset_box()
        self.back_x.setObjectName("backOffsetX")
        self.back_y.setObjectName("backOffsetY")
        self.calibrate_button = QPushButton(self.tr("Halaman kalibrasi…"))

        # Each printer keeps its own way of printing both sides: duplex, two passes (the clerk
        # turns the stack over), or the back beside the front to be folded.
        self.sides = QComboBox()
        self.sides.setObjectName("cardSides")
        self.sides.addItem(self.tr("Bolak-balik otomatis (dupleks, sisi panjang)"), CardSides.DUPLEX.value)
        self.sides.addItem(self.tr("Bolak-balik manual: depan dulu, lalu kertas dibalik"), CardSides.MANUAL.value)
        self.sides.addItem(self.tr("Satu sisi: depan dan belakang berdampingan, lalu dilipat"), CardSides.FOLDED.value)
        self.sides.setToolTip(
            self.tr("Manual: pencetak tanpa dupleks mencetak semua sisi depan, Anda membalik tumpukan kertas, lalu "
                    "sisi belakang menyusul. Dilipat: potong pasangan kartu pada tanda potong, lipat pada garis "
                    "putus-putus \"lipat di sini\", lalu laminasi.")
        )  # fmt: skip
        self.backs_reversed = QCheckBox(self.tr("Sisi belakang mulai dari lembar terakhir"))
        self.backs_reversed.setObjectName("backsReversed")
        self.backs_reversed.setToolTip(
            self.tr("Centang bila pada pencetak ini lembar terakhir yang harus dicetak lebih dulu setelah tumpukan "
                    "dibalik (uji dengan halaman kalibrasi).")
        )  # fmt: skip
        self.back_label = QLabel(self.tr("Geser belakang (mm)"))
        self.back_row = QWidget()
        back_offsets = self._offset_row(self.back_x, self.back_y)
        back_offsets.addWidget(self.backs_reversed)
        back_offsets.setContentsMargins(0, 0, 0, 0)
        self.back_row.setLayout(back_offsets)
        front_offsets = self._offset_row(self.offset_x, self.offset_y)
        front_offsets.addWidget(self.calibrate_button)
        form = QFormLayout()
        form.addRow(self.tr("Kertas"), self.paper)
        form.addRow(self.tr("Pencetak"), self.printer)
        form.addRow(self.tr("Sisi kartu"), self.sides)
        form.addRow(self.tr("Geser depan (mm)"), front_offsets)
        form.addRow(self.back_label, self.back_row)

        self.reprint_label = QLabel()
        self.reprint_label.setWordWrap(True)
        self.reprint_label.setObjectName("warningLabel")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("Alasan cetak ulang, mis. kartu hilang atau rusak"))
        self.per_sheet = QLabel()
        self.with_notice = QCheckBox(
            self.tr("Cetak juga lembar informasi data pribadi (UU 27/2022), satu halaman untuk setiap peserta")
        )
        self.with_notice.setObjectName("withNotice")
        self.profile = profile
        self.service = service

        buttons = QDialogButtonBox()
        self.preview_button = buttons.addButton(self.tr("Pratinjau…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.print_button = buttons.addButton(self.tr("Cetak…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.pdf_button = buttons.addButton(self.tr("Simpan PDF…"), QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton(self.tr("Tutup"), QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)
        self.preview_button.clicked.connect(self.preview_cards)
        self.print_button.clicked.connect(self.print_cards)
        self.pdf_button.clicked.connect(self.save_pdf)
        self.calibrate_button.clicked.connect(self.calibration)

        layout = QVBoxLayout(self)
        layout.addWidget(scope_box)
        layout.addLayout(form)
        layout.addWidget(self.per_sheet)
        layout.addWidget(self.with_notice)
        layout.addWidget(self.reprint_label)
        layout.addWidget(self.reason)
        layout.addWidget(buttons)

        self.scope_group.buttonToggled.connect(self._scope_changed)
        self.printer.currentIndexChanged.connect(self._load_printer)
        self.paper.currentIndexChanged.connect(self._paper_changed)
        self.sides.currentIndexChanged.connect(self._sides_changed)
        for box in (self.offset_x, self.offset_y, self.back_x, self.back_y):
            box.valueChanged.connect(self._save_printer)
        self.backs_reversed.toggled.connect(self._save_printer)
        self._load_printer()
        self._paper_changed()
        self._scope_changed()
        run_db(self, self.cards.stale_cards, self._stale_loaded)

    def _stale_loaded(self, stale: list[StaleCard]) -> None:
        self.stale = stale
        n_changed = sum(1 for c in stale if c.action == CardAction.REPRINT)
        button = self.scope_buttons[CardScope.CHANGED]
        button.setText(self.tr("Kartu yang statusnya berubah sejak dicetak ({n})").format(n=n_changed))
        button.setEnabled(n_changed > 0)
        self.stale_label.setText(
            self.tr(
                "{changed} kartu perlu dicetak ulang karena statusnya berubah; {recall} kartu harus ditarik "
                "kembali karena pesertanya ditolak atau berhenti."
            ).format(changed=n_changed, recall=len(stale) - n_changed)
        )
        for w in (self.stale_label, self.stale_button):
            w.setVisible(bool(stale))

    def show_stale(self) -> None:
        """The cards in people's hands that no longer say what is so, to reprint or take back."""
        dialog = QDialog(self)
        dialog.setWindowTitle(self.tr("Kartu yang tidak lagi sesuai"))
        table = RecordTable(
            [Col(self.tr("No. Registrasi"), lambda c: c.reg_no, whole=True),
             Col(self.tr("Nama"), lambda c: c.full_name),
             Col(self.tr("RT/RW"), lambda c: f"{c.rt or '-'}/{c.rw or '-'}"),
             Col(self.tr("Dicetak"), lambda c: format_stamp(c.printed_at[:10])),
             Col(self.tr("Kini"), lambda c: code_text("standing", c.now)),
             Col(self.tr("Tindakan"),
                 lambda c: self.tr("Cetak ulang") if c.action == CardAction.REPRINT else self.tr("Tarik kembali")),
             Col(self.tr("Alasan"), lambda c: c.reason, tooltip=lambda c: c.reason)],
            "staleCardsTable",
        )  # fmt: skip
        table.set_rows(self.stale)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(table)
        layout.addWidget(close)
        dialog.resize(820, 420)
        dialog.open()
        self.stale_dialog = dialog

    def _offset_row(self, x: QDoubleSpinBox, y: QDoubleSpinBox) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("ke kanan")))
        row.addWidget(x)
        row.addSpacing(12)
        row.addWidget(QLabel(self.tr("ke bawah")))
        row.addWidget(y)
        row.addStretch(1)
        return row

    def _offset_box(self) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setRange(-15.0, 15.0)
        box.setSingleStep(0.5)
        box.setDecimals(1)
        box.setSuffix(" mm")
        return box

    # -- state ------------------------------------------------------------------------------

    def scope(self) -> CardScope:
        return next(s for s, b in self.scope_buttons.items() if b.isChecked())

    def paper_choice(self) -> Paper:
        return Paper(self.paper.currentData())

    def printer_name(self) -> str:
        return str(self.printer.currentData())

    def ids(self) -> list[int]:
        return self.cards.ids_for(self.scope(), self.selected)

    def _scope_changed(self, *_: Any) -> None:
        total, self._reprints = self.cards.scope_counts(self.scope(), self.selected)
        if self.scope() == CardScope.CHANGED and not self.reason.text():
            self.reason.setText(self.tr("status kepesertaan berubah"))
        has_reprints = self._reprints > 0
        self.reprint_label.setVisible(has_reprints)
        self.reason.setVisible(has_reprints)
        self.reprint_label.setText(
            self.tr("{n} dari {total} kartu ini sudah pernah dicetak. Cetak ulang dicatat dengan alasannya.").format(
                n=self._reprints, total=total
            )
        )
        for button in (self.preview_button, self.print_button, self.pdf_button):
            button.setEnabled(total > 0)

    def _paper_changed(self, *_: Any) -> None:
        paper = self.paper_choice()
        preferences.set_card_paper(paper.value)
        sides = self.sides_choice()
        if sides == CardSides.FOLDED:
            text = self.tr("{n} kartu per lembar {paper}, satu sisi: potong tiap pasangan, lipat pada garis tengah.")
        elif sides == CardSides.MANUAL:
            text = self.tr(
                "{n} kartu per lembar {paper}; semua sisi depan dicetak dulu, lalu aplikasi memandu membalik kertas "
                "untuk sisi belakang."
            )
        else:
            text = self.tr(
                "{n} kartu per lembar {paper}; bagian belakang di halaman berikutnya (bolak-balik, sisi panjang)."
            )
        self.per_sheet.setText(text.format(n=self.layout_now().per_sheet, paper=paper.value))

    def _sides_changed(self, *_: Any) -> None:
        sides = self.sides_choice()
        for w in (self.back_label, self.back_row):
            w.setVisible(sides != CardSides.FOLDED)  # a folded card's back is on the front's side
        self.backs_reversed.setVisible(sides == CardSides.MANUAL)
        self._save_printer()
        self._paper_changed()

    def _load_printer(self, *_: Any) -> None:
        """What this printer was last set to: its shifts, how it prints both sides."""
        name = self.printer_name()
        (x, y), (bx, by) = preferences.printer_offsets(name), preferences.printer_back_offsets(name)
        widgets: tuple[QWidget, ...] = (self.offset_x, self.offset_y, self.back_x, self.back_y, self.sides,
                                        self.backs_reversed)  # fmt: skip
        for w in widgets:
            w.blockSignals(True)
        for box, value in ((self.offset_x, x), (self.offset_y, y), (self.back_x, bx), (self.back_y, by)):
            box.setValue(value)
        self.sides.setCurrentIndex(max(self.sides.findData(preferences.printer_sides(name)), 0))
        self.backs_reversed.setChecked(preferences.printer_backs_reversed(name))
        for w in widgets:
            w.blockSignals(False)
        self._sides_changed()

    def _save_printer(self, *_: Any) -> None:
        name = self.printer_name()
        preferences.set_printer_offsets(name, self.offset_x.value(), self.offset_y.value())
        preferences.set_printer_back_offsets(name, self.back_x.value(), self.back_y.value())
        preferences.set_printer_sides(name, self.sides_choice().value)
        preferences.set_printer_backs_reversed(name, self.backs_reversed.isChecked())

    def sides_choice(self) -> CardSides:
        return CardSides(self.sides.currentData())

    def folded(self) -> bool:
        return self.sides_choice() == CardSides.FOLDED

    def layout_now(self) -> SheetLayout:
        paper, x, y = self.paper_choice(), self.offset_x.value(), self.offset_y.value()
        if self.folded():
            return folded_layout(paper, offset_x_mm=x, offset_y_mm=y)
        return sheet_layout(
            paper, offset_x_mm=x, offset_y_mm=y, back_offset_x_mm=self.back_x.value(),
            back_offset_y_mm=self.back_y.value(),
        )  # fmt: skip

    def _reason_ok(self) -> bool:
        if self._reprints and not self.reason.text().strip():
            show_error(self, KudusError("card_reprint_reason", count=self._reprints))
            self.reason.setFocus()
            return False
        return True

    # -- actions ----------------------------------------------------------------------------

    def _printed(self, batch: CardBatch, where: str) -> None:
        reason = self.reason.text()

        def done(_: object) -> None:
            inform(self, self.tr("Kartu"), self.tr("{n} kartu {where}.").format(n=len(batch.cards), where=where))
            self.accept()

        run_db(self, lambda: self.cards.record_print(batch, reason), done)

    def save_pdf(self) -> None:
        if not self._reason_ok():
            return
        target = ask_pdf_path(self, self.tr("Simpan kartu sebagai PDF"), "kartu-peserta.pdf")
        if target is None:
            return
        ids, paper, reason = self.ids(), self.paper_choice(), self.reason.text()
        x, y, folded = self.offset_x.value(), self.offset_y.value(), self.folded()
        bx, by = self.back_x.value(), self.back_y.value()
        notice_path = notices_beside(target) if self.with_notice.isChecked() else None

        def job(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> CardBatch:
            return card_run(
                self.cards, ids, reason,
                lambda batch, p, c: write_cards_pdf(
                    target, batch, paper, offset_x=x, offset_y=y, back_x=bx, back_y=by, folded=folded, progress=p,
                    cancelled=c,
                ),
                (lambda notices: write_notices_pdf(notice_path, notices, paper)) if notice_path else None,
                progress=progress, cancelled=cancelled,
            ).batch  # fmt: skip

        def done(batch: CardBatch) -> None:
            text = self.tr("{n} kartu ditulis ke {path}.").format(n=len(batch.cards), path=target)
            if notice_path is not None:
                text += " " + self.tr("Lembar informasi data pribadi: {path}.").format(path=notice_path)
            inform(self, self.tr("Kartu"), text)
            self.accept()

        run_job(self, self.tr("Menyiapkan kartu…"), job, done)

    def print_cards(self) -> None:
        if not self._reason_ok():
            return
        printer = make_printer(self.printer_name(), self.paper_choice())
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        if self.sides_choice() == CardSides.MANUAL:
            self._print_two_passes(printer)
            return
        ids, layout, reason = self.ids(), self.layout_now(), self.reason.text()
        with_notice, paper = self.with_notice.isChecked(), self.paper_choice()

        def job(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> CardBatch:
            # The sheets are a second print job on the same printer, plain paper.
            return card_run(
                self.cards, ids, reason,
                lambda batch, p, c: paint_cards(printer, batch, layout, progress=p, cancelled=c),
                (lambda notices: paint_notices(make_printer(printer.printerName(), paper), notices, paper))
                if with_notice else None,
                progress=progress, cancelled=cancelled,
            ).batch  # fmt: skip

        def done(batch: CardBatch) -> None:
            inform(self, self.tr("Kartu"), self.tr("{n} kartu dikirim ke pencetak.").format(n=len(batch.cards)))
            self.accept()

        run_job(self, self.tr("Mencetak kartu…"), job, done)

    def _print_two_passes(self, printer: QPrinter) -> None:
        """Manual duplex: every front, then, once the clerk has turned the stack over and said
        so, every back on the same sheets. The cards are logged as printed after the backs."""
        ids, layout, reason = self.ids(), self.layout_now(), self.reason.text()
        with_notice, paper, reverse = self.with_notice.isChecked(), self.paper_choice(), self.backs_reversed.isChecked()

        def fronts(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> CardBatch:
            batch = start_card_run(self.cards, ids, reason, cancelled=cancelled)
            paint_cards(printer, batch, layout, progress=progress, cancelled=cancelled, sides="fronts")
            return batch

        def backs(batch: CardBatch) -> None:
            sheets = math.ceil(len(batch.cards) / layout.per_sheet)
            if not ask(self, self.tr("Balik kertas"), turn_over_text(sheets, reverse),
                       self.tr("Cetak sisi belakang"), self.tr("Batal")):  # fmt: skip
                inform(self, self.tr("Kartu"), self.tr(
                    "Sisi belakang tidak dicetak; kartu ini tidak dicatat sebagai sudah dicetak."))  # fmt: skip
                return

            def job(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> CardBatch:
                paint_cards(printer, batch, layout, progress=progress, cancelled=cancelled, sides="backs",
                            backs_last_sheet_first=reverse)  # fmt: skip
                notices = (
                    (lambda n: paint_notices(make_printer(printer.printerName(), paper), n, paper))
                    if with_notice
                    else None
                )
                finish_card_run(self.cards, batch, reason, notices)
                return batch

            def done(batch: CardBatch) -> None:
                inform(self, self.tr("Kartu"), self.tr("{n} kartu dikirim ke pencetak.").format(n=len(batch.cards)))
                self.accept()

            run_job(self, self.tr("Mencetak sisi belakang…"), job, done)

        run_job(self, self.tr("Mencetak sisi depan…"), fronts, backs)

    def preview_cards(self) -> None:
        # Looking needs no reason; printing from the preview does, so without one it is a look only.
        printable = not self._reprints or bool(self.reason.text().strip())
        ids, layout, paper = self.ids(), self.layout_now(), self.paper_choice()

        def show(batch: CardBatch) -> None:
            printer = make_printer(self.printer_name(), paper)
            if preview(self, printer, lambda device: paint_cards(device, batch, layout), printable=printable):
                self._printed(batch, self.tr("dicetak"))

        run_job(
            self, self.tr("Menyiapkan kartu…"), lambda _p, cancelled: self.cards.prepare(ids, cancelled=cancelled), show
        )

    def calibration(self) -> None:
        paper, x, y = self.paper_choice(), self.offset_x.value(), self.offset_y.value()
        bx, by = self.back_x.value(), self.back_y.value()
        printer = make_printer(self.printer_name(), paper)
        if self.sides_choice() != CardSides.MANUAL:
            preview(self, printer, lambda device: paint_calibration(device, paper, x, y, back_x=bx, back_y=by))
            return
        # Manual duplex is learnt on the calibration sheet: its front, the turn, its back.
        if QPrintDialog(printer, self).exec() != QDialog.DialogCode.Accepted:
            return
        paint_calibration(printer, paper, x, y, sides="fronts")
        if ask(self, self.tr("Balik kertas"), turn_over_text(1, False), self.tr("Cetak sisi belakang"),
               self.tr("Batal")):  # fmt: skip
            paint_calibration(printer, paper, x, y, back_x=bx, back_y=by, sides="backs")


def turn_over_text(sheets: int, last_first: bool) -> str:
    """What the clerk does between the passes of manual duplex."""
    order = (
        QCoreApplication.translate("CardPrintDialog", "Sisi belakang dicetak mulai dari lembar terakhir.")
        if last_first
        else QCoreApplication.translate("CardPrintDialog", "Sisi belakang dicetak mulai dari lembar pertama.")
    )
    return QCoreApplication.translate(
        "CardPrintDialog",
        "Sisi depan {n} lembar sudah dikirim ke pencetak.\n\n"
        "1. Tunggu sampai semua lembar keluar. Ambil tumpukannya tanpa mengubah urutan.\n"
        "2. Balik tumpukan pada sisi panjangnya (seperti membalik halaman buku), sehingga sisi yang kosong "
        "akan dicetak dan bagian atas kartu tetap masuk lebih dulu.\n"
        '3. Masukkan kembali ke baki kertas, lalu klik "Cetak sisi belakang".\n\n'
        "{order} Belum yakin cara memasukkan kertas pada pencetak ini? Uji dulu dengan halaman kalibrasi: "
        "bingkai kedua sisi harus berimpit bila diterawang.",
    ).format(n=sheets, order=order)


class TablePrintDialog(QDialog):
    """A printed table (a list, a recap), or another paged document, on A4 or F4: preview, print
    or save as PDF. ``paint`` and ``write`` lay the document out (a table by default)."""

    def __init__(
        self,
        title: str,
        description: str,
        make_table: Callable[[Callable[[int, int], None], Callable[[], bool]], Any],
        logged: Callable[[Any, str], object],
        pdf_name: str,
        parent: QWidget | None = None,
        *,
        paint: Callable[..., int] = paint_table,
        write: Callable[..., int] = write_table_pdf,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.title = title
        self.make_table = make_table
        self.logged = logged
        self.pdf_name = pdf_name
        self.paint = paint
        self.write = write
        self.paper = _paper_combo()
        form = QFormLayout()
        form.addRow(self.tr("Isi"), QLabel(description))
        form.addRow(self.tr("Kertas"), self.paper)
        buttons = QDialogButtonBox()
        self.preview_button = buttons.addButton(self.tr("Pratinjau…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.print_button = buttons.addButton(self.tr("Cetak…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.pdf_button = buttons.addButton(self.tr("Simpan PDF…"), QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.tr("Tutup"), QDialogButtonBox.ButtonRole.RejectRole).clicked.connect(self.reject)
        self.preview_button.clicked.connect(self.preview_list)
        self.print_button.clicked.connect(self.print_list)
        self.pdf_button.clicked.connect(self.save_pdf)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def paper_choice(self) -> Paper:
        return Paper(self.paper.currentData())

    def _busy_text(self) -> str:
        return self.tr("Menyusun {title}…").format(title=self.title.lower())

    def save_pdf(self) -> None:
        target = ask_pdf_path(self, self.tr("Simpan sebagai PDF"), self.pdf_name)
        if target is None:
            return
        paper = self.paper_choice()

        def job(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> int:
            table = self.make_table(progress, cancelled)
            pages = self.write(target, table, paper, progress=progress, cancelled=cancelled)
            self.logged(table, target.name)
            return pages

        def done(pages: int) -> None:
            inform(self, self.title, self.tr("{n} halaman ditulis ke {path}.").format(n=pages, path=target))
            self.accept()

        run_job(self, self._busy_text(), job, done)

    def print_list(self) -> None:
        paper = self.paper_choice()
        printer = make_printer(QPrinterInfo.defaultPrinterName(), paper)
        if QPrintDialog(printer, self).exec() != QDialog.DialogCode.Accepted:
            return

        def job(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> int:
            table = self.make_table(progress, cancelled)
            pages = self.paint(printer, table, paper, progress=progress, cancelled=cancelled)
            self.logged(table, printer.printerName())
            return pages

        run_job(self, self._busy_text(), job, lambda _pages: self.accept())

    def preview_list(self) -> None:
        paper = self.paper_choice()

        def show(table: Any) -> None:
            printer = make_printer(QPrinterInfo.defaultPrinterName(), paper)
            if preview(self, printer, lambda device: self.paint(device, table, paper)):
                run_db(self, lambda: self.logged(table, printer.printerName()), lambda _: self.accept())

        run_job(self, self._busy_text(), self.make_table, show)


class ListPrintDialog(TablePrintDialog):
    """The participant list as the window filters it."""

    def __init__(
        self,
        service: ParticipantService,
        profile: OfficeProfile,
        query: ParticipantQuery,
        parent: QWidget | None = None,
    ) -> None:
        count = service.count(query)

        def make(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> PrintedTable:
            return participant_list(service, profile, query, progress=progress, cancelled=cancelled)

        def logged(table: PrintedTable, where: str) -> None:
            list_printed(service, table, where)

        super().__init__(
            QCoreApplication.translate("ListPrintDialog", "Cetak daftar peserta"),
            QCoreApplication.translate("ListPrintDialog", "{n} peserta sesuai pencarian dan saringan").format(
                n=format_number(count)
            ),
            make, logged, "daftar-peserta.pdf", parent,
        )  # fmt: skip


class NoticePrintDialog(TablePrintDialog):
    """The information sheet on personal data (UU 27/2022 Pasal 5), one page per person; a
    blank sheet to fill in by hand when nobody is chosen."""

    def __init__(
        self, service: ParticipantService, profile: OfficeProfile, ids: list[int], parent: QWidget | None = None
    ) -> None:
        def make(_progress: Callable[[int, int], None], _cancelled: Callable[[], bool]) -> list[Notice]:
            return notices_for(service, profile, ids)

        def logged(notices: list[Notice], where: str) -> None:
            notices_printed(service, len(notices), where)

        text = (
            QCoreApplication.translate("NoticePrintDialog", "{n} lembar, satu untuk setiap peserta").format(
                n=format_number(len(ids))
            )
            if ids
            else QCoreApplication.translate("NoticePrintDialog", "Satu lembar kosong untuk diisi tangan")
        )
        super().__init__(
            QCoreApplication.translate("NoticePrintDialog", "Cetak lembar informasi data pribadi"), text, make, logged,
            "informasi-data-pribadi.pdf", parent, paint=paint_notices, write=write_notices_pdf,
        )  # fmt: skip
