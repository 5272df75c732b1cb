"""Log audit: read-only, filterable, exportable. Nothing here can change an entry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kudus_desktop.core.errors import KudusError
from kudus_desktop.core.office.accounts import AccountService
from kudus_desktop.core.reports.exporting import export_audit
from kudus_desktop.core.rules.dates import format_stamp
from kudus_desktop.core.rules.records import UserView
from kudus_desktop.core.storage.audit import AuditEvent, audit_actions, audit_events, log_event
from kudus_desktop.gui.messages import code_text, inform, show_error
from kudus_desktop.gui.signals import AppSignals

LIMIT = 2000


class AuditTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[AuditEvent] = []

    def set_rows(self, rows: list[AuditEvent]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 4

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (self.tr("Waktu"), self.tr("Pengguna"), self.tr("Kejadian"), self.tr("Keterangan"))[section]

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        e = self.rows[index.row()]
        return (format_stamp(e.at, seconds=True), e.username, code_text("audit", e.action), e.detail)[index.column()]


class AuditWidget(QWidget):
    """The newest audit entries, read again whenever the widget is shown and after every change
    made while it is (each act writes an entry)."""

    def __init__(
        self,
        accounts: AccountService,
        actor: UserView,
        signals: AppSignals | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.accounts = accounts
        self.actor = actor
        self.user_filter = QComboBox()
        self.user_filter.setObjectName("auditUser")
        self.action_filter = QComboBox()
        self.action_filter.setObjectName("auditAction")
        self.refresh_button = QPushButton(self.tr("Muat ulang"))
        self.export_button = QPushButton(self.tr("Ekspor…"))
        self.model = AuditTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("auditTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setMinimumHeight(180)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        row = QHBoxLayout()
        row.addWidget(self.user_filter)
        row.addWidget(self.action_filter)
        row.addStretch(1)
        row.addWidget(self.refresh_button)
        row.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.table)
        self.refresh_button.clicked.connect(self.reload)
        self.export_button.clicked.connect(self.export)
        self.user_filter.currentIndexChanged.connect(lambda _i: self._load_rows())
        self.action_filter.currentIndexChanged.connect(lambda _i: self._load_rows())
        if signals is not None:
            signals.changed.connect(lambda _changes: self.reload() if self.isVisible() else None)
        self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.reload()  # what happened since it was last shown

    def reload(self) -> None:
        for combo, all_text, values in (
            (self.user_filter, self.tr("Semua pengguna"), [a.username for a in self.accounts.accounts()] + ["cli"]),
            (self.action_filter, self.tr("Semua kejadian"), audit_actions(self.accounts.db)),
        ):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(all_text, "")
            for v in values:
                combo.addItem(code_text("audit", v) if combo is self.action_filter else v, v)
            combo.setCurrentIndex(max(combo.findData(current), 0) if current else 0)
            combo.blockSignals(False)
        self._load_rows()

    def _load_rows(self) -> None:
        self.model.set_rows(
            audit_events(
                self.accounts.db,
                username=str(self.user_filter.currentData() or ""),
                action=str(self.action_filter.currentData() or ""),
                limit=LIMIT,
            )
        )

    def export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Ekspor log audit"), "log-audit.xlsx", "Excel (*.xlsx)")
        if not path:
            return
        target = Path(path if path.lower().endswith(".xlsx") else path + ".xlsx")
        try:
            n = export_audit(self.model.rows, target)
            log_event(self.accounts.db, self.actor.username, "export_audit", f"{n} kejadian ke {target.name}")
        except KudusError as exc:
            show_error(self, exc)
            return
        inform(self, self.tr("Log audit"), self.tr("{n} kejadian ditulis ke {path}.").format(n=n, path=target))
        self.reload()
