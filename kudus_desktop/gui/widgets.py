"""Small widgets several pages share: read-only tables, the kecamatan/desa chooser."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QHeaderView, QTableWidget, QTableWidgetItem

from kudus_desktop.core.rules.regions import kecamatan_list, villages_of

#: Rows a column's width is measured from: the first ones (and the visible ones) say enough, and
#: measuring every row of a long list on each refresh froze the window for minutes.
SIZE_SAMPLE_ROWS = 200


def data_table(headers: list[str], name: str = "") -> QTableWidget:
    """A read-only table that selects whole rows, one at a time, its columns sized to their contents
    once per fill (:func:`fill_table`, :func:`start_fill`) and widened by hand as the clerk likes."""
    table = QTableWidget(0, len(headers))
    if name:
        table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    header = table.horizontalHeader()
    # Interactive, not ResizeToContents: that mode measures every row again for every cell set,
    # so refilling a shown table of 300 rows took 10 s.
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setResizeContentsPrecision(SIZE_SAMPLE_ROWS)
    header.setStretchLastSection(True)
    return table


def table_item(value: Any, data: Any = None) -> QTableWidgetItem:
    """A cell: numbers right-aligned, ``data`` kept under the user role."""
    item = QTableWidgetItem("" if value is None else str(value))
    if isinstance(value, int):
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if data is not None:
        item.setData(Qt.ItemDataRole.UserRole, data)
    return item


def start_fill(table: QTableWidget, rows: int) -> None:
    """Before cells are set in bulk: no repaint or re-sort per cell. Close with :func:`end_fill`."""
    table.setUpdatesEnabled(False)
    table.setProperty("sortingWasEnabled", table.isSortingEnabled())
    table.setSortingEnabled(False)
    table.setRowCount(rows)


def end_fill(table: QTableWidget) -> None:
    """After a bulk fill: columns sized once (from the first rows), sorting and painting back on."""
    table.setSortingEnabled(bool(table.property("sortingWasEnabled")))
    table.resizeColumnsToContents()
    table.setUpdatesEnabled(True)


def fill_table(table: QTableWidget, rows: list[list[Any]]) -> None:
    start_fill(table, len(rows))
    try:
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                table.setItem(r, c, table_item(value))
    finally:
        end_fill(table)


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
