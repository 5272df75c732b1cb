"""Impor: read a candidate list, correct the column mapping, preview every row, then commit."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kudus_desktop.core.errors import CancelledError, KudusError
from kudus_desktop.core.reports.exporting import export_problem_report
from kudus_desktop.core.rules.codes import Category, Funding, can_enrol
from kudus_desktop.core.rules.dates import format_number
from kudus_desktop.core.village.importing import (
    IMPORT_FIELDS,
    ImportOptions,
    ImportPreview,
    ImportResult,
    ImportRow,
    ImportService,
    RowStatus,
    WorkbookInfo,
    mapping_from_headers,
)
from kudus_desktop.gui.messages import ask, code_text, field_text, inform, issue_text, show_error
from kudus_desktop.gui.ops import run_job, run_stream
from kudus_desktop.gui.signals import AppSignals
from kudus_desktop.gui.widgets import compact

FILE_FILTER = "Buku kerja (*.xlsx *.xlsm *.xls *.ods *.csv)"
SOURCES = ("DTKS", "DTSEN", "P3KE", "Daftar RT/RW", "Daftar Linmas", "Daftar BPD")


class PreviewColumn(IntEnum):
    ROW = 0
    NIK = 1
    NAME = 2
    RESULT = 3
    REASON = 4


class ImportPreviewTableModel(QAbstractTableModel):
    """One row per data row of the file, with its result and reasons."""

    STATUS_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[ImportRow] = []
        self._colours = {
            RowStatus.REJECTED: QBrush(QColor("#fdecea")),
            RowStatus.UNCHANGED: QBrush(QColor("#f1f3f4")),
        }
        self._warn = QBrush(QColor("#fff6db"))

    def set_rows(self, rows: Sequence[ImportRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def append(self, rows: Sequence[ImportRow]) -> None:
        """Rows checked since the last batch, below the ones shown (the clerk's place is kept)."""
        if rows:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(rows) - 1)
            self.rows.extend(rows)
            self.endInsertRows()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(PreviewColumn)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (self.tr("Baris"), self.tr("NIK di berkas"), self.tr("Nama"), self.tr("Hasil"), self.tr("Keterangan"))[
            section
        ]

    def result_text(self, r: ImportRow) -> str:
        return {
            RowStatus.ADD: self.tr("Ditambahkan"),
            RowStatus.UPDATE: self.tr("Diperbarui"),
            RowStatus.UNCHANGED: self.tr("Tidak berubah"),
            RowStatus.REJECTED: self.tr("Ditolak"),
        }[r.status]

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        col = PreviewColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if col == PreviewColumn.ROW:
                return r.row
            if col == PreviewColumn.NIK:
                return r.nik
            if col == PreviewColumn.NAME:
                return r.name
            if col == PreviewColumn.RESULT:
                warned = r.warnings and r.status != RowStatus.REJECTED
                return self.result_text(r) + (self.tr(" (peringatan)") if warned else "")
            reasons = r.errors or r.warnings
            if r.status == RowStatus.UPDATE and not reasons:
                return self.tr("Diubah: {fields}").format(fields=", ".join(field_text(f) for f in r.changes))
            return " ".join(issue_text(i) for i in reasons)  # each reason is a sentence of its own
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._colours.get(r.status, self._warn if r.warnings else None)
        if role == self.STATUS_ROLE:
            return "warning" if r.warnings and r.status != RowStatus.REJECTED else r.status.value
        if role == Qt.ItemDataRole.ToolTipRole and col == PreviewColumn.REASON:
            return "\n".join(issue_text(i) for i in r.issues) or None
        return None


class _StatusFilter(QSortFilterProxyModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.wanted = ""

    def set_wanted(self, wanted: str) -> None:
        # Qt 6.10 replaced invalidateFilter() with a begin/end pair; older Qt has only the former.
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            self.wanted = wanted
            self.endFilterChange()
        else:
            self.wanted = wanted
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        if not self.wanted:
            return True
        model = self.sourceModel()
        assert isinstance(model, ImportPreviewTableModel)
        r = model.rows[source_row]
        if self.wanted == "warning":
            return bool(r.warnings) and r.status != RowStatus.REJECTED
        return r.status.value == self.wanted


class ImportConfirmDialog(QDialog):
    """The import question when some rows carry a warning: how many of each kind, and a box per
    kind to leave those rows out (a verifikator will see each accepted warning on approval)."""

    def __init__(self, question: str, preview: ImportPreview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Impor"))
        self.preview = preview
        text = QLabel(question)
        text.setWordWrap(True)
        box = QGroupBox(self.tr("Baris dengan peringatan yang akan diimpor"))
        box_layout = QVBoxLayout(box)
        self.leave_out: dict[str, QCheckBox] = {}
        for code, n in preview.warned_kinds():
            check = QCheckBox(
                self.tr("Lewati {n} baris: {kind}").format(n=format_number(n), kind=code_text("warning", code))
            )
            check.setObjectName(f"leaveOut_{code}")
            check.toggled.connect(self._recount)
            box_layout.addWidget(check)
            self.leave_out[code] = check
        self.count_label = QLabel()
        self.count_label.setObjectName("importCount")
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton(self.tr("Impor"), QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton(self.tr("Batal"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        cancel.setDefault(True)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(box)
        layout.addWidget(self.count_label)
        layout.addWidget(buttons)
        self._recount()

    def chosen(self) -> frozenset[str]:
        return frozenset(code for code, check in self.leave_out.items() if check.isChecked())

    def _recount(self, *_: Any) -> None:
        n = self.preview.to_write - self.preview.left_out_by(self.chosen())
        self.count_label.setText(self.tr("Akan diimpor: {n} baris.").format(n=format_number(n)))
        self.ok.setEnabled(n > 0)


class ImportPage(QWidget):
    def __init__(self, importer: ImportService, signals: AppSignals, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.importer = importer
        self.signals = signals
        self.info: WorkbookInfo | None = None
        self.preview: ImportPreview | None = None
        # The preview being checked: its number (a newer one makes older answers stale), its
        # cancel flag, and its rows so far by result; ``_stale``: a term or column changed since.
        self._run = 0
        self._checking: threading.Event | None = None
        self._tally: dict[str, int] = {}
        self._stale = False

        title = QLabel(self.tr("Impor daftar calon peserta"))
        title.setObjectName("pageTitle")
        hint = QLabel(
            self.tr("Baca daftar DTKS, DTSEN, P3KE atau daftar RT/RW dari Excel, LibreOffice atau CSV. "
                    "Tidak ada yang disimpan sebelum pratinjau diperiksa dan impor dikonfirmasi.")
        )  # fmt: skip
        hint.setObjectName("muted")
        hint.setWordWrap(True)
        self.choose_button = QPushButton(self.tr("Pilih berkas…"))
        self.choose_button.setObjectName("chooseFile")
        self.file_label = QLabel(self.tr("Belum ada berkas dipilih."))
        self.file_label.setObjectName("muted")

        self.sheet = compact(QComboBox(), 10)
        self.sheet.setObjectName("sheet")
        self.header_row = QSpinBox()
        self.header_row.setRange(1, 1000)
        self.source = compact(QComboBox(), 10)
        self.source.setObjectName("source")
        self.source.setEditable(True)
        self.source.addItems(SOURCES)
        self.source_date = QLineEdit()
        self.source_date.setPlaceholderText(self.tr("hh/bb/tttt"))
        self.category = compact(QComboBox(), 10)
        for c in Category:
            self.category.addItem(code_text("category", c.value), c.value)
        self.funding = compact(QComboBox(), 10)
        for f in Funding:
            self.funding.addItem(code_text("funding", f.value), f.value)
        self.start_date = QLineEdit()
        self.start_date.setPlaceholderText(self.tr("hh/bb/tttt (bawaan: hari ini)"))
        self.remember = QCheckBox(self.tr("Ingat pemetaan kolom untuk sumber ini"))
        self.remember.setChecked(True)
        self.complete = QCheckBox(self.tr("Daftar lengkap terbaru dari sumber ini"))
        self.complete.setObjectName("completeList")
        self.complete.setToolTip(
            self.tr("Peserta dari sumber yang sama yang tidak ada di berkas ini masuk daftar tinjauan; tidak ada "
                    "yang dihentikan otomatis.")
        )  # fmt: skip

        options = QGroupBox(self.tr("Berkas dan ketentuan"))
        form = QFormLayout(options)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # labels above fields when narrow
        form.addRow(self.tr("Lembar"), self.sheet)
        form.addRow(self.tr("Baris judul kolom"), self.header_row)
        form.addRow(self.tr("Sumber data"), self.source)
        form.addRow(self.tr("Tanggal sumber data"), self.source_date)
        form.addRow(self.tr("Kategori (bila tidak ada di berkas)"), self.category)
        form.addRow(self.tr("Sumber dana (bila tidak ada di berkas)"), self.funding)
        form.addRow(self.tr("Tanggal mulai kepesertaan"), self.start_date)
        form.addRow(self.remember)
        form.addRow(self.complete)
        complete_note = QLabel(
            self.tr("Bila dicentang, peserta dari sumber ini yang tidak ada lagi di berkas dilaporkan.")
        )
        complete_note.setObjectName("muted")
        complete_note.setWordWrap(True)
        form.addRow(complete_note)

        mapping_box = QGroupBox(self.tr("Kolom di berkas"))
        grid = QGridLayout(mapping_box)
        self.mapping: dict[str, QComboBox] = {}
        for i, fld in enumerate(IMPORT_FIELDS):
            combo = compact(QComboBox(), 6)
            combo.setObjectName(f"map_{fld}")
            self.mapping[fld] = combo
            grid.addWidget(QLabel(field_text(fld)), i // 2, (i % 2) * 2)
            grid.addWidget(combo, i // 2, (i % 2) * 2 + 1)

        self.preview_button = QPushButton(self.tr("Pratinjau"))
        self.preview_button.setObjectName("previewButton")
        self.summary = QLabel()
        self.summary.setObjectName("previewSummary")
        self.summary.setWordWrap(True)
        self.checking_bar = QProgressBar()
        self.checking_bar.setObjectName("previewProgress")
        self.checking_bar.setMaximumWidth(180)
        self.checking_bar.hide()
        self.cancel_button = QPushButton(self.tr("Batal"))
        self.cancel_button.setObjectName("cancelPreview")
        self.cancel_button.hide()
        self.stale_note = QLabel(self.tr("Ketentuan atau kolom diubah sejak pratinjau: tekan Pratinjau lagi."))
        self.stale_note.setObjectName("muted")
        self.stale_note.setWordWrap(True)
        self.stale_note.hide()
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("previewFilter")
        for text, value in (
            (self.tr("Semua baris"), ""),
            (self.tr("Ditambahkan"), "add"),
            (self.tr("Diperbarui"), "update"),
            (self.tr("Tidak berubah"), "unchanged"),
            (self.tr("Ditolak"), "rejected"),
            (self.tr("Peringatan"), "warning"),
        ):
            self.status_filter.addItem(text, value)
        self.model = ImportPreviewTableModel(self)
        self.proxy = _StatusFilter(self)  # over the rows only while a filter is chosen
        self.table = QTableView()
        self.table.setObjectName("previewTable")
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(False)
        self._show_model(self.model)
        self.report_button = QPushButton(self.tr("Simpan laporan masalah…"))
        self.report_button.setObjectName("reportButton")
        self.commit_button = QPushButton(self.tr("Impor"))
        self.commit_button.setObjectName("commitButton")
        self.commit_button.setDefault(True)

        top = QHBoxLayout()
        top.addWidget(self.choose_button)
        top.addWidget(self.file_label, 1)
        setup = QHBoxLayout()
        setup.addWidget(options, 2)
        setup.addWidget(mapping_box, 3)
        result_row = QHBoxLayout()
        result_row.addWidget(self.preview_button)
        result_row.addWidget(self.summary, 1)
        result_row.addWidget(self.checking_bar)
        result_row.addWidget(self.cancel_button)
        result_row.addWidget(self.status_filter)
        bottom = QHBoxLayout()
        bottom.addWidget(self.stale_note, 1)
        bottom.addWidget(self.report_button)
        bottom.addWidget(self.commit_button)
        # A verifikator checks what others imported and imports nothing: said before any file is
        # chosen and read, not after the preview.
        self.may_import = can_enrol(importer.participants.user.role)
        self.not_allowed = QLabel(
            self.tr("Verifikator memeriksa data, tidak mengimpornya: impor daftar dilakukan oleh admin atau operator.")
        )
        self.not_allowed.setObjectName("reviewBanner")
        self.not_allowed.setWordWrap(True)
        self.not_allowed.setVisible(not self.may_import)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addWidget(self.not_allowed)
        layout.addLayout(top)
        layout.addLayout(setup)
        layout.addLayout(result_row)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

        self.choose_button.clicked.connect(self.choose_file)
        self.sheet.currentIndexChanged.connect(self._sheet_changed)
        self.source.currentTextChanged.connect(self._apply_saved_mapping)
        self.preview_button.clicked.connect(self.run_preview)
        self.cancel_button.clicked.connect(self._cancel_preview)
        # A preview holds the terms and columns it was made with: changing one asks for another.
        for combo in (self.sheet, self.source, self.category, self.funding, *self.mapping.values()):
            combo.currentIndexChanged.connect(self._terms_changed)
        self.source.currentTextChanged.connect(self._terms_changed)
        self.header_row.valueChanged.connect(self._terms_changed)
        self.source_date.textChanged.connect(self._terms_changed)
        self.start_date.textChanged.connect(self._terms_changed)
        self.complete.toggled.connect(self._terms_changed)
        self.status_filter.currentIndexChanged.connect(self._filter_changed)
        self.report_button.clicked.connect(self.save_report)
        self.commit_button.clicked.connect(self.commit)
        self._update_buttons()

    def _show_model(self, model: QAbstractTableModel | QSortFilterProxyModel) -> None:
        self.table.setModel(model)
        header = self.table.horizontalHeader()
        for col, width in (
            (PreviewColumn.ROW, 60),
            (PreviewColumn.NIK, 150),
            (PreviewColumn.NAME, 200),
            (PreviewColumn.RESULT, 190),  # "Ditambahkan (peringatan)" on one line
        ):
            header.resizeSection(col, width)
        header.setSectionResizeMode(PreviewColumn.REASON, QHeaderView.ResizeMode.Stretch)

    def _filter_changed(self, *_: Any) -> None:
        # The filter stands between the rows and the table only while one is chosen: rows
        # added while the check runs then cost the window nothing per row.
        wanted = str(self.status_filter.currentData())
        if wanted and self.proxy.sourceModel() is not self.model:
            self.proxy.setSourceModel(self.model)
        self.proxy.set_wanted(wanted)
        shown = self.proxy if wanted else self.model
        if self.table.model() is not shown:
            self._show_model(shown)
        if not wanted and self.proxy.sourceModel() is not None:
            self.proxy.setSourceModel(None)  # type: ignore[arg-type]  # its rows cost a call each

    # -- file and mapping ----------------------------------------------------------------

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Pilih daftar"), "", FILE_FILTER)
        if path:
            self.open_file(Path(path))

    def open_file(self, path: Path) -> None:
        # Finding the sheets and their header rows reads the file: off the window's thread.
        self._stop_checking()
        self.file_label.setText(self.tr("Membaca {name}…").format(name=path.name))
        run_job(self, self.tr("Membaca {name}…").format(name=path.name), lambda _p, _c: self.importer.inspect(path),
                lambda info: self._inspected(path, info), self._inspect_failed)  # fmt: skip

    def _inspect_failed(self, exc: BaseException) -> None:
        self.file_label.setText(self.tr("Belum ada berkas dipilih.") if self.info is None else str(self.info.path))
        show_error(self, exc)

    def _inspected(self, path: Path, info: WorkbookInfo) -> None:
        self.info = info
        self.file_label.setText(str(path))
        self.sheet.blockSignals(True)
        self.sheet.clear()
        for guess in info.sheets:
            self.sheet.addItem(guess.name, guess.name)
        best = info.best.name if info.best else info.sheets[0].name
        self.sheet.setCurrentIndex(self.sheet.findData(best))
        self.sheet.blockSignals(False)
        self._sheet_changed()
        self._clear_preview()
        if info.best is None:
            self.summary.setText(self.tr("Kolom NIK tidak ditemukan otomatis: pilih lembar, baris judul dan kolomnya."))
        elif self.may_import:
            # The columns were found: the preview starts from the book just read, its rows
            # shown as they are checked; the terms can still be changed and previewed again.
            self.run_preview()

    def _guess(self) -> Any:
        if self.info is None:
            return None
        return next((g for g in self.info.sheets if g.name == self.sheet.currentData()), None)

    def _sheet_changed(self) -> None:
        guess = self._guess()
        if guess is None:
            return
        self.header_row.setValue(max(guess.header_row, 1))
        headers = guess.headers
        for fld, combo in self.mapping.items():
            combo.clear()
            combo.addItem(self.tr("— tidak ada —"), -1)
            for i, h in enumerate(headers):
                combo.addItem(h or self.tr("(kolom {n})").format(n=i + 1), i)
            combo.setCurrentIndex(max(combo.findData(guess.mapping.get(fld, -1)), 0))
        self._apply_saved_mapping()

    def _apply_saved_mapping(self) -> None:
        guess = self._guess()
        if guess is None:
            return
        saved = self.importer.saved_mapping(self.source.currentText())
        for fld, col in mapping_from_headers(guess.headers, saved).items():
            if fld in self.mapping:
                self.mapping[fld].setCurrentIndex(max(self.mapping[fld].findData(col), 0))

    def current_mapping(self) -> dict[str, int]:
        return {
            f: int(c.currentData())
            for f, c in self.mapping.items()
            if c.currentData() is not None and int(c.currentData()) >= 0
        }

    def current_options(self) -> ImportOptions:
        return ImportOptions(
            source_list=self.source.currentText().strip(),
            source_date=self.source_date.text(),
            category=str(self.category.currentData()),
            funding=str(self.funding.currentData()),
            start_date=self.start_date.text(),
            complete_list=self.complete.isChecked(),
        )

    # -- preview and commit --------------------------------------------------------------

    def _clear_preview(self) -> None:
        self._stop_checking()
        self.preview = None
        self._stale = False
        self.model.set_rows(())
        self._update_buttons()

    def _update_buttons(self) -> None:
        p = self.preview
        ready = p is not None and not self._stale
        self.choose_button.setEnabled(self.may_import)
        self.preview_button.setEnabled(self.may_import and self.info is not None)
        self.report_button.setEnabled(p is not None and any(r.issues for r in p.rows))
        self.commit_button.setEnabled(self.may_import and ready and p is not None and p.to_write > 0)
        self.commit_button.setText(
            self.tr("Impor {n} peserta").format(n=format_number(p.to_write)) if p else self.tr("Impor")
        )
        self.stale_note.setVisible(self._stale)
        checking = self._checking is not None
        self.checking_bar.setVisible(checking)
        self.cancel_button.setVisible(checking)

    def _terms_changed(self, *_: Any) -> None:
        if (self.preview is not None or self._checking is not None) and not self._stale:
            self._stale = True
            self._update_buttons()

    def _stop_checking(self) -> None:
        if self._checking is not None:
            self._checking.set()
            self._checking = None
        self._run += 1  # whatever the stopped check still sends is for nobody

    def _cancel_preview(self) -> None:
        if self._checking is not None:
            self._checking.set()
            self.summary.setText(self.tr("Membatalkan pratinjau…"))

    def run_preview(self) -> None:
        if self.info is None:
            return
        self._clear_preview()
        run = self._run
        path, sheet, mapping = self.info.path, str(self.sheet.currentData()), self.current_mapping()
        header_row, options = self.header_row.value(), self.current_options()
        self._tally = dict.fromkeys((*RowStatus, "warning"), 0)
        self.summary.setText(self.tr("Memeriksa {name}…").format(name=path.name))
        self.checking_bar.setRange(0, 0)
        self._checking = run_stream(
            self,
            lambda found, progress, cancelled: self.importer.preview(
                path, sheet=sheet, mapping=mapping, header_row=header_row, options=options,
                progress=progress, cancelled=cancelled, found=found,
            ),
            lambda rows: self._rows_found(run, rows),
            lambda done, total: self._checked(run, done, total),
            lambda preview: self._show_preview(run, preview),
            lambda exc: self._preview_failed(run, exc),
        )  # fmt: skip
        self._update_buttons()

    def _rows_found(self, run: int, rows: Sequence[ImportRow]) -> None:
        if run != self._run:
            return
        self.model.append(rows)
        tally = self._tally
        for r in rows:
            tally[r.status] += 1
            if r.warnings and r.status != RowStatus.REJECTED:
                tally["warning"] += 1
        counts = self._counts_text(
            tally[RowStatus.ADD], tally[RowStatus.UPDATE], tally[RowStatus.UNCHANGED], tally[RowStatus.REJECTED],
            tally["warning"],
        )  # fmt: skip
        self.summary.setText(
            self.tr("Memeriksa… {n} baris sejauh ini: ").format(n=format_number(len(self.model.rows))) + counts
        )

    def _checked(self, run: int, done: int, total: int) -> None:
        if run == self._run and total:
            self.checking_bar.setRange(0, total)
            self.checking_bar.setValue(min(done, total))

    def _preview_failed(self, run: int, exc: BaseException) -> None:
        if run != self._run:
            return  # a check stopped for a newer one
        self._checking = None
        self.model.set_rows(())
        if isinstance(exc, CancelledError):
            self.summary.setText(self.tr("Pratinjau dibatalkan; tidak ada yang disimpan."))
        else:
            self.summary.setText("")
            show_error(self, exc)
        self._update_buttons()

    def _counts_text(self, add: int, update: int, same: int, rejected: int, warned: int) -> str:
        return self.tr(
            "{add} baru, {update} diperbarui, {same} tidak berubah, {rejected} ditolak, {warn} dengan peringatan"
        ).format(
            add=format_number(add), update=format_number(update), same=format_number(same),
            rejected=format_number(rejected), warn=format_number(warned),
        )  # fmt: skip

    def _show_preview(self, run: int, preview: ImportPreview) -> None:
        if run != self._run:
            return
        self._checking = None
        self.preview = preview
        if len(self.model.rows) != len(preview.rows):
            self.model.set_rows(preview.rows)
        warned = sum(1 for r in preview.rows if r.warnings and r.status != RowStatus.REJECTED)
        text = self._counts_text(
            preview.count(RowStatus.ADD), preview.count(RowStatus.UPDATE), preview.count(RowStatus.UNCHANGED),
            preview.count(RowStatus.REJECTED), warned,
        )  # fmt: skip
        if preview.has_formulas:
            text += "\n" + self.tr("Lembar ini berisi rumus; yang dibaca adalah hasil terakhir yang disimpan Excel.")
        if preview.options.complete_list and preview.options.source_list:
            text += "\n" + self.tr(
                "{n} peserta aktif dari {source} tidak ada lagi di berkas ini; setelah impor mereka masuk daftar "
                "tinjauan (tidak dihentikan otomatis)."
            ).format(n=format_number(len(preview.dropped)), source=preview.options.source_list)
        self.summary.setText(text)
        self._update_buttons()

    def save_report(self) -> None:
        if self.preview is None:
            return
        default = str(self.preview.path.with_name(self.preview.path.stem + "-masalah.xlsx"))
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Simpan laporan masalah"), default, "Excel (*.xlsx)")
        if not path:
            return
        try:
            n = export_problem_report(self.preview, Path(path))
        except KudusError as exc:
            show_error(self, exc)
            return
        inform(
            self, self.tr("Laporan masalah"), self.tr("{n} baris bermasalah ditulis ke {path}.").format(n=n, path=path)
        )

    def commit(self) -> None:
        preview = self.preview
        if preview is None or preview.to_write == 0:
            return
        question = self.tr("Tambahkan {add} peserta baru dan perbarui {update} peserta dari {name}? "
                           "{rejected} baris yang ditolak tidak diimpor.").format(
            add=format_number(preview.count(RowStatus.ADD)), update=format_number(preview.count(RowStatus.UPDATE)),
            name=preview.path.name, rejected=format_number(preview.count(RowStatus.REJECTED)),
        )  # fmt: skip
        leave_out: frozenset[str] = frozenset()
        if preview.warned_kinds():
            dialog = ImportConfirmDialog(question, preview, self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            leave_out = dialog.chosen()
        elif not ask(self, self.tr("Impor"), question, self.tr("Impor"), self.tr("Batal")):
            return
        if self.remember.isChecked() and preview.options.source_list:
            headers = {
                f: preview.headers[c]
                for f, c in preview.mapping.items()
                if c < len(preview.headers) and preview.headers[c]
            }
            self.importer.save_mapping(preview.options.source_list, headers)
        run_job(
            self,
            self.tr("Menyimpan peserta…"),
            lambda progress, cancelled: self.importer.commit(
                preview, leave_out=leave_out, progress=progress, cancelled=cancelled
            ),
            self._committed,
            self._commit_failed,
        )

    def _committed(self, result: ImportResult) -> None:
        self.signals.changed.emit(result.changes)
        self._clear_preview()
        self.importer.forget()
        text = self.tr("Selesai: {add} peserta ditambahkan, {update} diperbarui.").format(
            add=format_number(result.added), update=format_number(result.updated)
        )
        if result.left_out:
            text += " " + self.tr("{n} baris dengan peringatan dilewati.").format(n=format_number(result.left_out))
        self.summary.setText(text)

    def _commit_failed(self, exc: BaseException) -> None:
        if isinstance(exc, CancelledError):
            self.summary.setText(self.tr("Impor dibatalkan; tidak ada yang disimpan."))
            return
        show_error(self, exc)
