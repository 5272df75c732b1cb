"""The read-only tables of the bill, the approval queue and the regency's lists, at the sizes users reach.

Two parts, each beside its baseline in the same run:
  * the table alone: ``RecordTable`` (a model over the records) filled with N records and filled
    again with as many, as a refresh after a save does, beside the same rows in a ``QTableWidget``
    of items (how these tables were made before) and, for the refresh, beside the first fill;
  * the pages a clerk opens on a village of N participants: Iuran with its bill, Persetujuan with
    everyone waiting, Iuran again with everyone shown apart. Page created until its table is filled
    and painted, and what it added to the process's memory, beside the service's own call.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_tables.py [--rows 100000] [--items 100000]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import psutil
from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication, QHeaderView, QTableWidget, QTableWidgetItem

from benchmarks.bench_desk import PASSWORD, build
from kudus_desktop.gui.record_table import Col, RecordTable

HEADERS = ["No. reg", "Nama", "NIK", "Dana", "Iuran", "Dibayar", "Status", "Alamat"]


@dataclass(frozen=True, slots=True)
class Line:
    reg_no: str
    name: str
    nik: str
    funding: str
    amount: int
    paid: int
    rt: int
    rw: int


def lines_of(n: int) -> list[Line]:
    return [
        Line(f"REG-{r:06d}", f"Peserta Uji {r} {'Bin ' * (r % 4)}Santoso", f"331903****{r % 10000:04d}", "Dana desa",
             16800, 0 if r % 3 else 16800, r % 12, r % 5)
        for r in range(n)
    ]  # fmt: skip


COLUMNS = [
    Col("No. reg", lambda x: x.reg_no), Col("Nama", lambda x: x.name), Col("NIK", lambda x: x.nik),
    Col("Dana", lambda x: x.funding), Col("Iuran", lambda x: f"Rp{x.amount:,}".replace(",", ".")),
    Col("Dibayar", lambda x: f"Rp{x.paid:,}".replace(",", ".") if x.paid else ""),
    Col("Status", lambda x: "Terbayar" if x.paid else "Belum"), Col("Alamat", lambda x: f"RT {x.rt:03d}/RW {x.rw:03d}"),
]  # fmt: skip


def rss_mb() -> float:
    return float(psutil.Process().memory_info().rss) / 2**20


def item_fill(table: QTableWidget, lines: list[Line]) -> None:
    """The baseline: every cell an item, as the tables were filled before."""
    table.setUpdatesEnabled(False)
    table.setRowCount(len(lines))
    for r, x in enumerate(lines):
        for c, col in enumerate(COLUMNS):
            table.setItem(r, c, QTableWidgetItem(str(col.value(x))))
    table.resizeColumnsToContents()
    table.setUpdatesEnabled(True)


def painted(app: QApplication, fill: Callable[[], None], widget: QTableWidget | RecordTable) -> float:
    start = time.perf_counter()
    fill()
    app.processEvents()
    widget.viewport().grab()
    return time.perf_counter() - start


def tables(app: QApplication, n: int, items: int) -> None:
    lines = lines_of(n)
    again = list(lines)  # a refresh: new records, as many
    before = rss_mb()
    table = RecordTable(COLUMNS)
    table.resize(1300, 650)
    table.show()
    first = painted(app, lambda: table.set_rows(lines), table)
    refresh = painted(app, lambda: table.set_rows(again), table)
    grown = rss_mb() - before
    assert table.rowCount() == n and table.columnWidth(1) > table.fontMetrics().horizontalAdvance("Peserta Uji")
    assert table.text(n - 1, 0) == lines[-1].reg_no
    print(f"{n:,} rows: first fill {first:.3f} s, refresh {refresh:.3f} s (ratio {refresh / first:.2f}), "
          f"+{grown:.0f} MB")  # fmt: skip
    table.close()
    item_lines = lines[:items]
    before = rss_mb()
    old = QTableWidget(0, len(HEADERS))
    old.setHorizontalHeaderLabels(HEADERS)
    old.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    old.horizontalHeader().setResizeContentsPrecision(200)
    old.resize(1300, 650)
    old.show()
    first = painted(app, lambda: item_fill(old, item_lines), old)
    refresh = painted(app, lambda: item_fill(old, item_lines), old)
    print(f"{len(item_lines):,} rows in a table of items (baseline): first fill {first:.3f} s, refresh "
          f"{refresh:.3f} s, +{rss_mb() - before:.0f} MB")  # fmt: skip
    old.close()


def wait(app: QApplication, done: Callable[[], bool]) -> None:
    """Run the event loop, idle as the application's is, until ``done()`` after a database job.

    Not a loop of processEvents: that keeps the window's thread taking Python's lock from the
    database thread and made the job itself look 70 % slower."""
    from kudus_desktop.gui.ops import jobs

    loop = QEventLoop()

    def check() -> None:
        if done():
            loop.quit()

    jobs().settled.connect(check)
    try:
        if not done():
            loop.exec()
    finally:
        jobs().settled.disconnect(check)
    app.processEvents()


def pages(app: QApplication, n: int) -> None:
    from kudus_desktop.core.enrolment.approval import ApprovalService
    from kudus_desktop.core.office.accounts import AccountService
    from kudus_desktop.core.storage.db import open_database
    from kudus_desktop.core.village.premiums import PremiumService, month_index
    from kudus_desktop.gui.ops import running
    from kudus_desktop.gui.signals import AppSignals
    from kudus_desktop.gui.village.approval_page import ApprovalPage
    from kudus_desktop.gui.village.premiums_page import PremiumsPage

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        build(data, n)
        db = open_database(data)
        accounts = AccountService(db)
        user = accounts.login("admin", PASSWORD)
        premiums = PremiumService(db, user)
        approval = ApprovalService(db, user)
        signals = AppSignals()

        def iuran(label: str, rows: Callable[[PremiumsPage], int]) -> None:
            t0 = time.perf_counter()
            bill = premiums.bill(month_index(premiums.today()))
            core = time.perf_counter() - t0
            before = rss_mb()
            t0 = time.perf_counter()
            page = PremiumsPage(premiums, user, accounts.profile, signals)
            page.resize(1300, 700)
            page.show()
            wait(app, lambda: page.bill is not None and rows(page) > 0)
            page.grab()
            opened = time.perf_counter() - t0
            grown = rss_mb() - before
            wait(app, lambda: running() == 0)  # the page's other tabs, loaded behind the bill
            page.bill = None
            t0 = time.perf_counter()
            page.refresh_bill()
            wait(app, lambda: page.bill is not None)
            page.grab()
            again = time.perf_counter() - t0
            print(f"Iuran page, {label} {rows(page):,} rows: open {opened:.3f} s (+{grown:.0f} MB), refresh "
                  f"{again:.3f} s; the bill alone (baseline) {core:.3f} s for {len(bill.lines):,} lines")  # fmt: skip
            page.close()
            page.deleteLater()
            app.processEvents()

        iuran("bill of", lambda p: p.bill_table.rowCount())
        with db.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO participant_review (participant_id, state, makers, submitted_at) "
                "SELECT id, 'menunggu', 'operator', created_at FROM participant"
            )
        t0 = time.perf_counter()
        queue = approval.queue()
        core = time.perf_counter() - t0
        before = rss_mb()
        t0 = time.perf_counter()
        page = ApprovalPage(approval, user, signals)
        page.resize(1300, 700)
        page.show()
        wait(app, lambda: page.table.rowCount() == len(queue))
        page.grab()
        opened = time.perf_counter() - t0
        grown = rss_mb() - before
        wait(app, lambda: running() == 0)
        shown: list[int] = []
        page.waiting_changed.connect(shown.append)  # said once the refreshed queue is in the table
        t0 = time.perf_counter()
        page.refresh()
        wait(app, lambda: bool(shown))
        page.grab()
        print(f"Persetujuan page, {page.table.rowCount():,} waiting: open {opened:.3f} s (+{grown:.0f} MB), "
              f"refresh {time.perf_counter() - t0:.3f} s; the queue alone (baseline) {core:.3f} s")  # fmt: skip
        assert page.table.rowCount() == n
        page.close()
        iuran("apart", lambda p: p.apart_table.rowCount())
        db.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000, help="records in the table and participants")
    parser.add_argument("--items", type=int, default=100_000, help="rows of the item-table baseline")
    parser.add_argument("--no-pages", action="store_true")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    tables(app, args.rows, args.items)
    if not args.no_pages:
        pages(app, args.rows)


if __name__ == "__main__":
    main()
