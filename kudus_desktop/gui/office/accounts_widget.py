"""Akun pengguna: the admin creates, disables and resets the accounts of the office."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kudus_desktop.core.errors import ValidationError
from kudus_desktop.core.office.accounts import AccountService
from kudus_desktop.core.rules.codes import Role
from kudus_desktop.core.rules.records import AccountView, UserView
from kudus_desktop.gui.messages import code_text, issue_text, message_text, show_error
from kudus_desktop.gui.ops import run_change, run_db
from kudus_desktop.gui.signals import AppSignals


class AccountColumn(IntEnum):
    USERNAME = 0
    NAME = 1
    ROLE = 2
    STATE = 3


class AccountsTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[AccountView] = []

    def set_rows(self, rows: list[AccountView]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(AccountColumn)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (self.tr("Nama pengguna"), self.tr("Nama lengkap"), self.tr("Peran"), self.tr("Keadaan"))[section]

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        a = self.rows[index.row()]
        match AccountColumn(index.column()):
            case AccountColumn.USERNAME:
                return a.username
            case AccountColumn.NAME:
                return a.full_name
            case AccountColumn.ROLE:
                return code_text("role", a.role)
            case AccountColumn.STATE:
                if not a.active:
                    return self.tr("Nonaktif")
                return (
                    self.tr("Terkunci sampai {time}").format(time=a.locked_until[11:16])
                    if a.locked_until
                    else self.tr("Aktif")
                )


class AccountDialog(QDialog):
    """A new account, or (with ``account``) a new password for an existing one."""

    def __init__(
        self,
        accounts: AccountService,
        actor: UserView,
        parent: QWidget | None = None,
        account: AccountView | None = None,
    ) -> None:
        super().__init__(parent)
        self.accounts = accounts
        self.actor = actor
        self.account = account
        self.setWindowTitle(
            self.tr("Akun baru")
            if account is None
            else self.tr("Atur ulang kata sandi — {name}").format(name=account.username)
        )
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.full_name = QLineEdit()
        self.full_name.setObjectName("fullName")
        self.role = QComboBox()
        self.role.setObjectName("role")
        for r in (Role.OPERATOR, Role.VERIFIKATOR, Role.ADMIN):
            self.role.addItem(code_text("role", r.value), r.value)
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm = QLineEdit()
        self.confirm.setObjectName("confirm")
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setObjectName("errorBanner")
        self.error.setWordWrap(True)
        self.error.hide()
        form = QFormLayout()
        if account is None:
            form.addRow(self.tr("Nama pengguna *"), self.username)
            form.addRow(self.tr("Nama lengkap *"), self.full_name)
            form.addRow(self.tr("Peran *"), self.role)
        form.addRow(self.tr("Kata sandi *"), self.password)
        form.addRow(self.tr("Ulangi kata sandi *"), self.confirm)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(self.tr("Simpan"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.tr("Batal"), QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.error)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def accept(self) -> None:
        if self.password.text() != self.confirm.text():
            self.error.setText(message_text("password_mismatch"))
            self.error.show()
            return
        account, role = self.account, str(self.role.currentData())
        username, full_name, password = self.username.text(), self.full_name.text(), self.password.text()

        def save() -> object:
            # A new password is hashed with argon2 (a second on an old PC): off the window's thread.
            if account is None:
                return self.accounts.create_account(self.actor, username, full_name, role, password)
            return self.accounts.reset_password(self.actor, account.id, password)

        def refused(exc: BaseException) -> None:
            self.ok_button.setEnabled(True)
            if isinstance(exc, ValidationError):
                self.error.setText("\n".join(issue_text(i) for i in exc.issues))
                self.error.show()
            else:
                show_error(self, exc)

        if not self.ok_button.isEnabled():
            return
        self.ok_button.setEnabled(False)
        run_db(self, save, lambda _r: super(AccountDialog, self).accept(), refused)


class AccountsWidget(QWidget):
    def __init__(
        self, accounts: AccountService, actor: UserView, signals: AppSignals, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.accounts = accounts
        self.actor = actor
        self.signals = signals
        self.model = AccountsTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("accountsTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMaximumHeight(150)
        self.add_button = QPushButton(self.tr("Tambah akun…"))
        self.toggle_button = QPushButton(self.tr("Nonaktifkan"))
        self.reset_button = QPushButton(self.tr("Atur ulang kata sandi…"))
        side = QVBoxLayout()
        for b in (self.add_button, self.toggle_button, self.reset_button):
            side.addWidget(b)
        side.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(side)
        self.add_button.clicked.connect(self.add_account)
        self.toggle_button.clicked.connect(self.toggle_selected)
        self.reset_button.clicked.connect(self.reset_selected)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.reload()

    def reload(self) -> None:
        self.model.set_rows(self.accounts.accounts())
        self._update_buttons()

    def selected(self) -> AccountView | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows else None

    def select_username(self, username: str) -> None:
        for row, a in enumerate(self.model.rows):
            if a.username == username:
                self.table.selectRow(row)

    def _update_buttons(self) -> None:
        a = self.selected()
        self.toggle_button.setEnabled(a is not None)
        self.reset_button.setEnabled(a is not None)
        self.toggle_button.setText(self.tr("Aktifkan") if a is not None and not a.active else self.tr("Nonaktifkan"))

    def add_account(self) -> None:
        if AccountDialog(self.accounts, self.actor, self).exec():
            self.reload()

    def toggle_selected(self) -> None:
        a = self.selected()
        if a is None:
            return

        def done(_changes: object) -> None:
            self.reload()
            self.select_username(a.username)

        run_change(self, self.signals, lambda: self.accounts.set_active(self.actor, a.id, not a.active), done)

    def reset_selected(self) -> None:
        a = self.selected()
        if a is not None and AccountDialog(self.accounts, self.actor, self, account=a).exec():
            self.reload()
            self.select_username(a.username)
