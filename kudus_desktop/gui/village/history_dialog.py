"""Everything that happened to one participant: who, when, which fields, old and new."""

from __future__ import annotations

from datetime import date
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from kudus_desktop.core.rules.dates import format_date, format_stamp
from kudus_desktop.core.rules.records import HistoryEntry, ParticipantView
from kudus_desktop.gui.messages import code_text, field_text

_CODE_GROUPS = {
    "category": "category",
    "funding": "funding",
    "status": "status",
    "sex": "sex",
    "exit_reason": "exit_reason",
}
_DATE_FIELDS = {"birth_date", "source_date", "start_date", "exit_date"}


def value_text(field: str, stored: str) -> str:
    """A stored value the way the form shows it (dates as 17/08/1985, codes as words)."""
    if not stored:
        return ""
    if field in _DATE_FIELDS:
        try:
            return format_date(date.fromisoformat(stored))
        except ValueError:
            return stored
    if field in _CODE_GROUPS:
        return code_text(_CODE_GROUPS[field], stored)
    return stored


class HistoryColumn(IntEnum):
    AT = 0
    USER = 1
    ACTION = 2
    FIELD = 3
    OLD = 4
    NEW = 5


class HistoryTableModel(QAbstractTableModel):
    """One row per changed field of every history entry."""

    def __init__(self, entries: list[HistoryEntry], parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[str, str, str, str, str, str]] = []
        for e in entries:
            changes = e.changes or (("", "", ""),)
            for field, old, new in changes:
                self.rows.append(
                    (format_stamp(e.at), e.username, code_text("action", e.action), field_text(field) if field else "",
                     value_text(field, old), value_text(field, new))
                )  # fmt: skip

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HistoryColumn)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            self.tr("Waktu"),
            self.tr("Pengguna"),
            self.tr("Kejadian"),
            self.tr("Data"),
            self.tr("Sebelumnya"),
            self.tr("Menjadi"),
        )[section]

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and role == Qt.ItemDataRole.DisplayRole:
            return self.rows[index.row()][index.column()]
        return None


class HistoryDialog(QDialog):
    def __init__(
        self, participant: ParticipantView, entries: list[HistoryEntry], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Riwayat — {name}").format(name=participant.full_name))
        self.resize(820, 460)
        self.model = HistoryTableModel(entries, self)
        view = QTableView()
        view.setObjectName("historyTable")
        view.setModel(self.model)
        view.setAlternatingRowColors(True)
        view.verticalHeader().hide()
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        view.horizontalHeader().setStretchLastSection(True)
        self.view = view
        buttons = QDialogButtonBox()
        buttons.addButton(self.tr("Tutup"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        intro = QLabel(self.tr("{reg} · {n} kejadian tercatat").format(reg=participant.reg_no, n=len(entries)))
        intro.setObjectName("muted")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(view)
        layout.addWidget(buttons)
