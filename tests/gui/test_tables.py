"""The read-only tables every page shares (the bill, the approval queue, the regency's lists)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kudus_desktop.gui.widgets import data_table, fill_table

LONG = "Siti Wahyuningsih Rahmawati binti Abdul Rachman"


def test_a_refilled_table_fits_its_text_and_the_clerk_may_widen_a_column(qtbot: QtBot) -> None:
    table = data_table(["Nama", "Status", "Alamat"])
    qtbot.addWidget(table)
    table.resize(900, 400)
    table.show()
    rows: list[list[object]] = [[f"Peserta {n}", "Aktif", "RT 001/002"] for n in range(50)]
    fill_table(table, rows)
    rows[3][0] = LONG  # a refresh after an edit: the same row count, a longer name
    fill_table(table, rows)
    assert table.columnWidth(0) >= table.fontMetrics().horizontalAdvance(LONG), "the name is not cut"
    # The clerk drags the border wider (ResizeToContents ignored this, and measured every row again
    # for each cell of a refresh).
    table.horizontalHeader().resizeSection(1, 300)
    assert table.columnWidth(1) == 300
    fill_table(table, rows)
    assert table.rowCount() == 50 and table.item(3, 0).text() == LONG
