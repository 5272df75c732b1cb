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
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
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
from kudus_desktop.core.rules.dates import format_number, format_stamp
from kudus_desktop.core.rules.nik import mask_nik
from kudus_desktop.core.rules.records import OpChanges, UserView
from kudus_desktop.core.rules.validation import Issue
from kudus_desktop.gui.messages import code_text, field_text, inform, issue_text
from kudus_desktop.gui.ops import run_change, run_db
from kudus_desktop.gui.record_table import Col, RecordTable
from kudus_desktop.gui.signals import AppSignals
from kudus_desktop.gui.village.history_dialog import value_text


def _when(stamp: str) -> str:
    return format_stamp(stamp)


def _state_text(item: ApprovalItem) -> str:
    state = code_text("review", item.state)
    return f"{state}: {item.reason}" if item.reason else state


_CHANGED = QColor("#9b1c1c")
_WARNING = QColor("#8a5300")


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

        self.table = RecordTable(
            [Col(self.tr("No. registrasi"), lambda i: i.reg_no, whole=True),
             Col(self.tr("Nama"), lambda i: i.full_name),
             Col(self.tr("NIK"), lambda i: mask_nik(i.nik)),
             Col(self.tr("Jenis"), lambda i: code_text("review_kind", i.kind)),
             Col(self.tr("Diubah oleh"), lambda i: ", ".join(i.makers)),
             Col(self.tr("Diajukan"), lambda i: _when(i.submitted_at)),
             Col(self.tr("Keadaan"), _state_text, tooltip=_state_text)],
            "approvalTable",
        )  # fmt: skip
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.selection_changed.connect(self.show_selected)

        # Rows of the one chosen person: (field, approved value, value now, accepted warnings, changed).
        self.detail = RecordTable(
            [Col(self.tr("Data"), lambda d: field_text(d[0])), Col(self.tr("Yang disetujui"), lambda d: d[1]),
             Col(self.tr("Sekarang"), lambda d: d[2], colour=lambda d: _CHANGED if d[4] else None),
             Col(self.tr("Peringatan yang diterima"), lambda d: d[3], colour=lambda _d: _WARNING)],
            "approvalChanges",
        )  # fmt: skip
        self.detail.wrap_rows()
        self.detail.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
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

        # What was just decided, said where the verifikator looks, until the next decision.
        self.done_label = QLabel()
        self.done_label.setObjectName("approvalDone")
        self.done_label.setWordWrap(True)
        self.done_label.hide()
        # An empty queue says so, instead of an empty grid.
        self.empty_label = QLabel()
        self.empty_label.setObjectName("approvalEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()
        queue = QWidget()
        ql = QVBoxLayout(queue)
        ql.setContentsMargins(0, 0, 0, 0)
        ql.addWidget(self.empty_label)
        ql.addWidget(self.table, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(queue)
        split.addWidget(self.detail_box)
        split.setSizes([300, 300])
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.summary)
        layout.addWidget(self.done_label)
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
            w=format_number(counts.waiting), d=format_number(counts.declined)
        )
        if not required:
            text += " " + self.tr("Persetujuan verifikator tidak wajib di kantor ini (Pengaturan): perubahan baru "
                                  "langsung siap dikirim.")  # fmt: skip
        self.summary.setText(text)
        self.waiting_changed.emit(counts.waiting)
        # Keep what was chosen (the first row otherwise), with one selection signal.
        self.table.set_rows(items, keep=lambda i: i.participant_id)
        state = str(self.state_filter.currentData() or "")
        empty = {
            ApprovalState.WAITING.value: self.tr("Tidak ada data yang menunggu persetujuan."),
            ApprovalState.DECLINED.value: self.tr("Tidak ada data yang dikembalikan ke operator."),
        }.get(state, self.tr("Tidak ada data yang menunggu atau dikembalikan."))
        self.empty_label.setText(empty)
        self.empty_label.setVisible(not items)
        self.table.setVisible(bool(items))

    def selected(self) -> list[ApprovalItem]:
        return self.table.selected_records()

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
            hint = self.tr("{n} peserta dipilih.").format(n=format_number(len(chosen)))
        else:
            hint = ""
        self.hint.setText(hint)
        if len(chosen) != 1:
            self.detail.set_rows([])
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
        changed = item.kind == "perubahan"
        rows = [
            (c.field, value_text(c.field, c.before), value_text(c.field, c.after), " ".join(by_field.get(c.field, [])),
             changed)
            for c in changes
        ]  # fmt: skip
        shown = {c.field for c in changes}
        rows += [(f, "", "", " ".join(notes), False) for f, notes in by_field.items() if f not in shown]
        self.detail.set_rows(rows)
        if warnings:
            accepted = self.tr("{n} peringatan diterima pembuat data").format(n=len(warnings))
            self.detail_box.setTitle(f"{self.detail_box.title()} · {accepted}")

    # -- deciding ------------------------------------------------------------------------

    def approve(self) -> None:
        chosen = [i.participant_id for i in self.selected()]
        if not chosen or not self.approve_button.isEnabled():
            return

        def done(result: ApprovalResult) -> None:
            self._say_done(self.tr("{n} peserta disetujui; datanya siap dikirim ke kabupaten.").format(
                n=format_number(result.approved)))  # fmt: skip
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

        def declined(n: int) -> None:
            self._say_done(self.tr("{n} peserta dikembalikan ke operator: {reason}").format(
                n=format_number(n), reason=reason))  # fmt: skip
            self.signals.changed.emit(OpChanges(participants=True))

        run_db(self, lambda: self.review.decline(chosen, reason), declined)

    def _say_done(self, text: str) -> None:
        self.done_label.setText(text)
        self.done_label.show()
