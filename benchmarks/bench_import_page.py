"""The wait a clerk sits through on the Impor page: file chosen until its preview is on screen.

Generates a list of N rows (the 12-column workbook of ``bench_import``), then, in one run:
  * the baseline: python-calamine's bare read of the whole sheet into Python rows;
  * the core's own preview of the file (read, check every row), no window;
  * the page: ``open_file`` as the file dialog calls it, until the first checked rows are
    painted, and until every row is checked and counted; meanwhile a 10 ms timer on the GUI
    thread records the longest the window was held (what a click or a repaint would wait).

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_import_page.py [--rows 100000] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import psutil
from PySide6.QtCore import QEventLoop, QTimer

from benchmarks.bench_import import make_workbook


def bare_read(book: Path) -> float:
    from python_calamine import CalamineWorkbook

    t = time.perf_counter()
    rows = sum(1 for _ in CalamineWorkbook.from_path(str(book)).get_sheet_by_name("DTKS").iter_rows())
    assert rows > 0
    return time.perf_counter() - t


def one_run(page: object, book: Path) -> tuple[float, float, float, int]:
    """(first rows painted, every row checked, longest GUI-thread hold, rows previewed)."""
    from kudus_desktop.gui import ops
    from kudus_desktop.gui.village.import_page import ImportPage

    assert isinstance(page, ImportPage)
    page.importer.forget()  # each run reads the file afresh, as a newly chosen file is
    page.model.set_rows(())  # the last run's rows are let go before the clock starts
    marks: dict[str, float] = {}
    loop = QEventLoop()
    ticks = [time.perf_counter()]
    held = [0.0]

    def tick() -> None:
        now = time.perf_counter()
        held[0] = max(held[0], now - ticks[0])
        ticks[0] = now

    def first_rows(*_: object) -> None:
        if "first" not in marks:
            page.table.viewport().grab()  # painted, as the clerk sees it
            marks["first"] = time.perf_counter()

    def maybe_done() -> None:
        if page.preview is not None and "done" not in marks:
            page.table.viewport().grab()
            marks["done"] = time.perf_counter()
            loop.quit()
        elif not ops.running() and page.preview is None:
            loop.quit()  # the page refused the file: nothing more will come

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    page.model.rowsInserted.connect(first_rows)
    ops.jobs().settled.connect(maybe_done)
    t0 = time.perf_counter()
    ticks[0] = t0
    timer.start()
    page.open_file(book)
    loop.exec()
    timer.stop()
    ops.jobs().settled.disconnect(maybe_done)
    page.model.rowsInserted.disconnect(first_rows)
    if "done" not in marks or "first" not in marks:
        raise SystemExit(f"the page showed no preview of {book.name}: nothing was measured ({page.summary.text()})")
    return marks["first"] - t0, marks["done"] - t0, held[0], len(page.preview.rows) if page.preview else 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from kudus_desktop.core.enrolment.participants import ParticipantService
    from kudus_desktop.core.office.accounts import AccountService, SetupRequest
    from kudus_desktop.core.storage.db import open_database
    from kudus_desktop.core.village.importing import ImportService
    from kudus_desktop.gui.app import create_application, settle_heap
    from kudus_desktop.gui.signals import AppSignals
    from kudus_desktop.gui.village.import_page import ImportPage

    work = Path(tempfile.mkdtemp(prefix="kudus-import-page-"))
    try:
        book = work / "dtks.xlsx"
        make_workbook(book, args.rows)
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
        print(f"list: {args.rows:,} rows x 12 columns, {book.stat().st_size / 2**20:.1f} MB")
        app = create_application([sys.argv[0]])
        db = open_database(work / "data")
        accounts = AccountService(db)
        user = accounts.initialise(
            SetupRequest("desa", "33.19.03.2008", "Sutrisno", "Kepala Desa", "admin", "Admin", "x" * 10)
        )
        page = ImportPage(ImportService(ParticipantService(db, user)), AppSignals())
        page.resize(1366, 700)
        page.show()
        app.processEvents()
        settle_heap()  # as the application does once its window is open
        rss = psutil.Process().memory_info().rss
        bare, core, runs = [], [], []
        for _ in range(args.runs):
            bare.append(bare_read(book))  # the baseline and the page take turns, in the same run
            t = time.perf_counter()
            ImportService(page.importer.participants).preview(book)
            core.append(time.perf_counter() - t)
            runs.append(one_run(page, book))
        grown = (psutil.Process().memory_info().rss - rss) / 2**20
        base = statistics.median(bare)
        first = statistics.median(r[0] for r in runs)
        done = statistics.median(r[1] for r in runs)
        print(f"baseline: bare calamine read of the sheet, median of {args.runs}: {base:.2f} s "
              f"({', '.join(f'{b:.2f}' for b in bare)})")  # fmt: skip
        print(f"core preview alone (read, check every row, no window): {statistics.median(core):.2f} s")
        print(f"Impor page, file chosen to first rows shown: {first:.2f} s, {first / base:.2f}x the bare read "
              f"(target 2x; runs {', '.join(f'{r[0]:.2f}' for r in runs)})")  # fmt: skip
        print(
            f"Impor page, every one of {runs[-1][3]:,} rows checked and counted: {done:.2f} s "
            f"({done / base:.2f}x; runs {', '.join(f'{r[1]:.2f}' for r in runs)}); "
            f"GUI thread held at most {max(r[2] for r in runs) * 1000:.0f} ms; resident memory grew {grown:.0f} MB"
        )
        db.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
