"""Small widgets several pages share: read-only tables, the kecamatan/desa chooser."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QHeaderView, QTableWidget, QTableWidgetItem

from kudus_desktop.core.rules.regions import kecamatan_list, villages_of


def data_table(headers: list[str], name: str = "") -> QTableWidget:
    """A read-only table that selects whole rows, one at a time, sized to its contents."""
    table = QTableWidget(0, len(headers))
    if name:
        table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def table_item(value: Any, data: Any = None) -> QTableWidgetItem:
    """A cell: numbers right-aligned, ``data`` kept under the user role."""
    item = QTableWidgetItem("" if value is None else str(value))
    if isinstance(value, int):
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if data is not None:
        item.setData(Qt.ItemDataRole.UserRole, data)
    return item


def fill_table(table: QTableWidget, rows: list[list[Any]]) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.setItem(r, c, table_item(value))


def area_combo(name: str, all_text: str) -> QComboBox:
    """Every kecamatan of the regency followed by its desa; the data is the region code."""
    combo = QComboBox()
    combo.setObjectName(name)
    combo.addItem(all_text, "")
    for kec in kecamatan_list():
        combo.addItem(QCoreApplication.translate("Wilayah", "Kec. {name}").format(name=kec.name), kec.code)
        for desa in villages_of(kec.code):
            combo.addItem(f"    {desa.name}", desa.code)
    return combo
