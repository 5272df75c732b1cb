"""Persetujuan: the verifikator's queue of new and changed enrolments, what changed, approve or send back."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from kudus_desktop.core.enrolment.approval import (
    ApprovalCounts,
    ApprovalItem,
    ApprovalResult,
    ApprovalService,
    ApprovalState,
    FieldChange,
)
from kudus_desktop.core.rules.codes import can_approve, can_enrol
from kudus_desktop.core.rules.nik import mask_nik
from kudus_desktop.core.rules.records import OpChanges, UserView
from kudus_desktop.core.rules.validation import Issue
from kudus_desktop.gui.messages import code_text, field_text, inform, issue_text
from kudus_desktop.gui.ops import run_change, run_db
from kudus_desktop.gui.signals import AppSignals
from kudus_desktop.gui.village.history_dialog import value_text
from kudus_desktop.gui.widgets import data_table, end_fill, start_fill, table_item


def _when(stamp: str) -> str:
    return stamp[:16] if stamp else ""


class DeclineDialog(QDialog):
    """Asks for the reason the operator will read; it cannot be left empty."""

    def __init__(self, count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Kembalikan ke operator"))
        text = QLabel(
            self.tr("{n} data peserta dikembalikan ke operator. Tulis apa yang harus diperbaiki; operator "
                    "membacanya di daftar peserta.").format(n=count)
        )  # fmt: skip
        text.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setObjectName("declineReason")
        self.reason.setPlaceholderText(self.tr("mis. Tanggal lahir tidak sesuai KTP"))
        self.buttons = QDialogButtonBox()
        self.ok = self.buttons.addButton(self.tr("Kembalikan"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.tr("Batal"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.ok.setEnabled(False)
        self.reason.textChanged.connect(lambda t: self.ok.setEnabled(bool(t.strip())))
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.reason)
        layout.addWidget(self.buttons)
        self.resize(460, self.sizeHint().height())


class ApprovalPage(QWidget):
    """Who waits for approval and why something was sent back; verifikator and admin decide."""

    # The number waiting changed (for the navigation's badge).
    waiting_changed = Signal(int)

    def __init__(self, review: ApprovalService, user: UserView, signals: AppSignals, parent: QWidget | None = None):
        super().__init__(parent)
        self.review = review
        self.user = user
        self.signals = signals
        self.items: list[ApprovalItem] = []
        title = QLabel(self.tr("Persetujuan data peserta"))
        title.setObjectName("pageTitle")
        self.summary = QLabel()
        self.summary.setObjectName("approvalSummary")
        self.summary.setWordWrap(True)

        self.state_filter = QComboBox()
        self.state_filter.setObjectName("approvalFilter")
        self.state_filter.addItem(self.tr("Menunggu persetujuan"), ApprovalState.WAITING.value)
        self.state_filter.addItem(self.tr("Dikembalikan ke operator"), ApprovalState.DECLINED.value)
        self.state_filter.addItem(self.tr("Semua"), "")
        self.state_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        filters = QHBoxLayout()
        filters.addWidget(self.state_filter)
        filters.addStretch(1)

        self.table = data_table(
            [self.tr("No. registrasi"), self.tr("Nama"), self.tr("NIK"), self.tr("Jenis"), self.tr("Diubah oleh"),
             self.tr("Diajukan"), self.tr("Keadaan")],
            "approvalTable",
        )  # fmt: skip
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.itemSelectionChanged.connect(self.show_selected)

        self.detail = QTableWidget(0, 4)
        self.detail.setObjectName("approvalChanges")
        self.detail.setHorizontalHeaderLabels(
            [self.tr("Data"), self.tr("Yang disetujui"), self.tr("Sekarang"), self.tr("Peringatan yang diterima")]
        )
        self.detail.setWordWrap(True)
        self.detail.verticalHeader().setVisible(False)
        self.detail.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.detail.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.detail.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.approve_button = QPushButton(self.tr("Setujui"))
        self.approve_button.setObjectName("approveSelected")
        self.approve_button.setDefault(True)
        self.approve_button.clicked.connect(self.approve)
        self.decline_button = QPushButton(self.tr("Kembalikan…"))
        self.decline_button.setObjectName("declineSelected")
        self.decline_button.clicked.connect(self.decline)
        self.hint = QLabel()
        self.hint.setObjectName("muted")
        self.hint.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.hint, 1)
        buttons.addWidget(self.approve_button)
        buttons.addWidget(self.decline_button)
        self.detail_box = QGroupBox(self.tr("Yang berubah"))
        dl = QVBoxLayout(self.detail_box)
        dl.addWidget(self.detail, 1)
        dl.addLayout(buttons)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.approve)

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail_box)
        split.setSizes([300, 300])
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.summary)
        layout.addLayout(filters)
        layout.addWidget(split, 1)
        signals.changed.connect(lambda changes: self.refresh() if changes.participants or changes.settings else None)
        self.refresh()

    # -- reading -------------------------------------------------------------------------

    def refresh(self) -> None:
        state = str(self.state_filter.currentData() or "")
        run_db(self, lambda: (self.review.queue(state), self.review.counts(), self.review.required()), self.show_queue)

    def show_queue(self, data: tuple[list[ApprovalItem], ApprovalCounts, bool]) -> None:
        items, counts, required = data
        text = self.tr("Menunggu persetujuan: {w}. Dikembalikan ke operator: {d}.").format(
            w=counts.waiting, d=counts.declined
        )
        if not required:
            text += " " + self.tr("Persetujuan verifikator tidak wajib di kantor ini (Pengaturan): perubahan baru "
                                  "langsung siap dikirim.")  # fmt: skip
        self.summary.setText(text)
        self.waiting_changed.emit(counts.waiting)
        chosen = {i.participant_id for i in self.selected()}
        self.items = items
        start_fill(self.table, len(items))
        for r, it in enumerate(items):
            state = code_text("review", it.state)
            if it.reason:
                state = f"{state}: {it.reason}"
            values = [it.reg_no, it.full_name, mask_nik(it.nik), code_text("review_kind", it.kind),
                      ", ".join(it.makers), _when(it.submitted_at), state]  # fmt: skip
            for col, v in enumerate(values):
                self.table.setItem(r, col, table_item(v, it.participant_id if col == 0 else None))
        end_fill(self.table)
        # Keep what was chosen (the first row otherwise), without one selection signal per row.
        keep = [r for r, it in enumerate(items) if it.participant_id in chosen] or ([0] if items else [])
        model = self.table.selectionModel()
        self.table.blockSignals(True)
        model.blockSignals(True)
        self.table.clearSelection()
        flags = model.SelectionFlag.Select | model.SelectionFlag.Rows
        for r in keep:
            model.select(self.table.model().index(r, 0), flags)
        if keep:
            self.table.setCurrentCell(keep[0], 0, model.SelectionFlag.NoUpdate)
        model.blockSignals(False)
        self.table.blockSignals(False)
        self.table.viewport().update()
        self.show_selected()

    def selected(self) -> list[ApprovalItem]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()}) if self.items else []
        return [self.items[r] for r in rows if 0 <= r < len(self.items)]

    def show_selected(self) -> None:
        chosen = self.selected()
        allowed = can_approve(self.user.role)
        mine = [i for i in chosen if self.user.username in i.makers]
        waiting = [i for i in chosen if i.state == ApprovalState.WAITING]
        self.approve_button.setEnabled(allowed and bool(chosen) and len(mine) < len(chosen))
        self.decline_button.setEnabled(allowed and bool(waiting) and not mine)
        if not allowed:
            hint = self.tr("Verifikator atau admin yang menyetujui.")
            if can_enrol(self.user.role):
                hint += " " + self.tr("Data yang dikembalikan diperbaiki di halaman Peserta, lalu menunggu lagi.")
        elif mine:
            hint = self.tr("{n} yang dipilih Anda ubah sendiri: orang lain yang memeriksanya.").format(n=len(mine))
        elif len(chosen) > 1:
            hint = self.tr("{n} peserta dipilih.").format(n=len(chosen))
        else:
            hint = ""
        self.hint.setText(hint)
        if len(chosen) != 1:
            self.detail.setRowCount(0)
            self.detail_box.setTitle(self.tr("Yang berubah"))
            return
        item = chosen[0]
        self.detail_box.setTitle(
            self.tr("Yang berubah: {name} ({kind})").format(
                name=item.full_name, kind=code_text("review_kind", item.kind)
            )
        )
        pid = item.participant_id
        run_db(
            self,
            lambda: (self.review.changes(pid), self.review.warnings(pid)),
            lambda data: self.show_changes(item, *data),
        )

    def show_changes(self, item: ApprovalItem, changes: list[FieldChange], warnings: list[Issue]) -> None:
        """Each change with, beside it, the warnings about that field the maker accepted; a
        warning about a field that did not change gets a row of its own."""
        current = self.selected()
        if len(current) != 1 or current[0].participant_id != item.participant_id:
            return
        by_field: dict[str, list[str]] = {}
        for w in warnings:
            by_field.setdefault(w.field, []).append(issue_text(w))
        rows = [(c.field, c.before, c.after) for c in changes]
        shown = {c.field for c in changes}
        rows += [(f, "", "") for f in by_field if f not in shown]
        start_fill(self.detail, len(rows))
        warn = QColor("#8a5300")
        for r, (fld, before, now) in enumerate(rows):
            self.detail.setItem(r, 0, table_item(field_text(fld)))
            self.detail.setItem(r, 1, table_item(value_text(fld, before)))
            after = table_item(value_text(fld, now))
            if item.kind == "perubahan":
                after.setForeground(QColor("#9b1c1c"))
            self.detail.setItem(r, 2, after)
            note = table_item(" ".join(by_field.get(fld, [])))
            note.setForeground(warn)
            self.detail.setItem(r, 3, note)
        end_fill(self.detail)
        self.detail.resizeRowsToContents()
        if warnings:
            accepted = self.tr("{n} peringatan diterima pembuat data").format(n=len(warnings))
            self.detail_box.setTitle(f"{self.detail_box.title()} · {accepted}")

    # -- deciding ------------------------------------------------------------------------

    def approve(self) -> None:
        chosen = [i.participant_id for i in self.selected()]
        if not chosen or not self.approve_button.isEnabled():
            return

        def done(result: ApprovalResult) -> None:
            if result.own:
                inform(
                    self,
                    self.tr("Sebagian tetap menunggu"),
                    self.tr("{n} peserta disetujui. Yang Anda ubah sendiri tetap menunggu pemeriksa lain: "
                            "{names}.").format(n=result.approved, names=", ".join(result.own)),
                )  # fmt: skip

        run_change(self, self.signals, lambda: self.review.approve(chosen), done)

    def decline(self) -> None:
        chosen = [i.participant_id for i in self.selected() if i.state == ApprovalState.WAITING]
        if not chosen:
            return
        dialog = DeclineDialog(len(chosen), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        reason = dialog.reason.text()
        run_db(self, lambda: self.review.decline(chosen, reason), lambda _n: self.signals.changed.emit(
            OpChanges(participants=True)))  # fmt: skip
