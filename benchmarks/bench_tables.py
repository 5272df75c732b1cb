"""Filling a shown read-only table (the bill, the approval queue, the regency's lists) and filling
it again with the same number of rows, as a refresh after a save does.

The first fill is the baseline a refresh is held to. Beside it, the same refresh with the header
in ResizeToContents mode, as the tables were made before, at a size it survives.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_tables.py [--rows 10000] [--old-rows 300]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QHeaderView, QTableWidget

from kudus_desktop.gui.widgets import data_table, fill_table, table_item

HEADERS = ["No. reg", "Nama", "NIK", "Dana", "Iuran", "Dibayar", "Status", "Alamat"]


def rows_of(n: int) -> list[list[object]]:
    return [
        [f"REG-{r:06d}", f"Peserta Uji {r} {'Bin ' * (r % 4)}Santoso", f"331903****{r % 10000:04d}", "Dana desa",
         16800, "" if r % 3 else 16800, "Terbayar" if r % 3 else "Belum", f"RT {r % 12:03d}/RW {r % 5:03d}"]
        for r in range(n)
    ]  # fmt: skip


def old_fill(table: QTableWidget, rows: list[list[object]]) -> None:
    """The fill as it was: cells set one by one into a table that sizes itself to them."""
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.setItem(r, c, table_item(value))


def timed_fills(
    table: QTableWidget, rows: list[list[object]], app: QApplication, fill: Callable[..., None] = fill_table
) -> tuple[float, float]:
    """Seconds for the first fill and for a refill of the shown table, each painted."""
    out = []
    for _ in range(2):
        start = time.perf_counter()
        fill(table, rows)
        app.processEvents()
        out.append(time.perf_counter() - start)
    return out[0], out[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--old-rows", type=int, default=300)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    for n in (args.old_rows, args.rows):
        table = data_table(HEADERS)
        table.resize(1300, 650)
        table.show()
        first, again = timed_fills(table, rows_of(n), app)
        print(f"{n:,} rows: first fill {first:.3f} s, refresh {again:.3f} s (ratio {again / first:.2f})")
        assert table.rowCount() == n and table.columnWidth(1) > table.fontMetrics().horizontalAdvance("Peserta Uji")
        table.close()
    old = data_table(HEADERS)
    old.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    old.resize(1300, 650)
    old.show()
    first, again = timed_fills(old, rows_of(args.old_rows), app, old_fill)
    print(
        f"{args.old_rows:,} rows, header in ResizeToContents (before): first fill {first:.3f} s, refresh {again:.3f} s"
    )


if __name__ == "__main__":
    main()
