"""Enrolment desk at village scale: 100,000 participants.

Generates its own data, then measures what a clerk waits for:
  * start until the log-in window is shown, and log-in until the main window is shown
    (each in a fresh process, offscreen);
  * opening the participant list, each search keystroke, one save, resident memory;
  * beside each, the bare-library baseline measured in the same run.

    python benchmarks/bench_desk.py [--rows 100000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PASSWORD = "bench-sandi-123"
FIRST = (
    "Siti Budi Sri Agus Dwi Joko Nur Slamet Ahmad Muhammad Kartini Suparmi Bambang Rina Eko Wahyu Tri Dewi "
    "Yuni Hadi Sugeng Lestari Rahmat Fitri Endang Sutrisno Ani Heri Suwarni Bagus"
).split()
LAST = (
    "Aminah Santoso Wahyuni Fauzi Lestari Susilo Hidayah Riyadi Rizki Sutrisno Rahayu Setiawan Purnomo "
    "Handayani Saputra Kurniawan Wibowo Prasetyo Utami Hartono Maryati Nugroho Safitri"
).split()
CATEGORIES = ("pekerja_rentan", "rt_rw", "linmas", "bpd", "perangkat_lembaga", "buruh_tani")


def rows(n: int, desa: str) -> list[dict[str, object]]:
    rng = random.Random(42)
    out = []
    prefix = desa.replace(".", "")
    for i in range(n):
        female = i % 2 == 0
        birth = date(1960, 1, 1) + timedelta(days=(i * 37) % 16000)
        day = birth.day + (40 if female else 0)
        nik = f"331903{day:02d}{birth.month:02d}{birth.year % 100:02d}{i % 9999 + 1:04d}"
        cat = CATEGORIES[i % len(CATEGORIES)]
        out.append({
            "uid": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "reg_no": f"{prefix}-{i + 1:06d}",
            "desa_code": desa, "nik": nik, "kk": f"331903{birth:%d%m%y}{i % 9999 + 1:04d}",
            "full_name": f"{rng.choice(FIRST)} {rng.choice(LAST)}", "birth_place": "Kudus",
            "birth_date": birth.isoformat(), "sex": "P" if female else "L", "address": f"Jl. Desa No. {i % 200}",
            "dusun": ("Krajan", "Ngemplak", "Gondang", "Tegalsari")[i % 4], "rt": f"{i % 12 + 1:03d}",
            "rw": f"{i % 5 + 1:03d}", "phone": None, "occupation": "Buruh harian", "category": cat,
            "source_list": "DTKS" if cat == "pekerja_rentan" else None, "source_date": None, "funding": "pades",
            "start_date": "2026-01-01", "status": "aktif" if i % 20 else "berhenti",
            "exit_reason": None if i % 20 else "pindah", "exit_date": None if i % 20 else "2026-06-30",
            "kpj": None, "created_at": "2026-01-01 08:00:00", "updated_at": "2026-01-01 08:00:00",
            "created_by": "admin", "updated_by": "admin", "rev": i + 1,
        })  # fmt: skip
    return out


def build(data_dir: Path, n: int) -> tuple[float, float]:
    """Set up a village and load ``n`` participants; returns (our bulk load s, raw sqlite3 s)."""
    from sqlalchemy import text

    from kudus_desktop.core.office.accounts import AccountService, SetupRequest
    from kudus_desktop.core.storage.db import open_database
    from kudus_desktop.core.storage.tables import participant_table

    desa = "33.19.03.2008"
    db = open_database(data_dir)
    AccountService(db).initialise(SetupRequest("desa", desa, "Sutrisno", "Kepala Desa", "admin", "Admin", PASSWORD))
    data = rows(n, desa)
    t0 = time.perf_counter()
    with db.begin() as conn:
        conn.execute(participant_table.insert(), data)
        conn.execute(text("UPDATE counter SET value = :n WHERE name IN ('change', 'reg_no')"), {"n": n})
    ours = time.perf_counter() - t0
    db.close()

    raw_path = data_dir.parent / "raw.sqlite"
    raw = sqlite3.connect(raw_path)
    # The same file settings as ours (page size, WAL, fsync at commit, cache), so that the
    # baseline does the same work and only the library differs.
    from kudus_desktop.core.storage.db import PAGE_SIZE
    from kudus_desktop.core.storage.migrations import FILL_SEARCH

    raw.execute(f"PRAGMA page_size = {PAGE_SIZE}")
    raw.executescript((ROOT / "sqlite_schema.sql").read_text(encoding="utf-8"))
    for pragma in ("journal_mode = WAL", "synchronous = FULL", "cache_size = -65536", "foreign_keys = ON"):
        raw.execute(f"PRAGMA {pragma}")
    cols = list(data[0])
    sql = f"INSERT INTO participant ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    values = [tuple(r[c] for c in cols) for r in data]
    t0 = time.perf_counter()
    with raw:
        raw.executemany(sql, values)
        raw.execute(FILL_SEARCH)  # our commit indexes the rows for search in one statement too
    baseline = time.perf_counter() - t0
    raw.close()
    raw_path.unlink()
    return ours, baseline


def child_start(data_dir: str, t_parent: float) -> None:
    """Runs in a fresh process: time to the log-in window's first paint, then log-in to the main
    window. The window is painted before the database opens behind it; its first paint is caught
    by an event filter, as the clerk sees it."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    from kudus_desktop.gui.app import AppController, create_application
    from kudus_desktop.gui.office.login_dialog import LoginDialog

    app = create_application([sys.argv[0]])
    painted: list[float] = []

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
            if not painted and event.type() == QEvent.Type.Paint and isinstance(watched, LoginDialog):
                painted.append(time.time())
            return False

    spy = FirstPaint()
    app.installEventFilter(spy)
    controller = AppController(Path(data_dir))
    controller.start()
    app.processEvents()
    assert controller.login is not None and painted, "the log-in window was never painted"
    app.removeEventFilter(spy)
    shown_login = painted[0] - t_parent
    usable = time.time() - t_parent  # "Masuk" enabled: the database is open behind it
    controller.login.username.setText("admin")
    controller.login.password.setText(PASSWORD)
    t0 = time.perf_counter()
    controller.login.accept()
    while controller.window is None:
        QApplication.processEvents()
    assert controller.window.isVisible()
    controller.window.grab()  # a painted frame, not just a mapped window
    to_window = time.perf_counter() - t0
    print(json.dumps({"login_shown": shown_login, "login_usable": usable, "login_to_window": to_window}))


def child_bare(t_parent: float) -> None:
    """Runs in a fresh process: the baseline, a bare PySide6 dialog of the log-in window's
    size and fields, from the interpreter's start until it is shown."""
    from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit

    app = QApplication([sys.argv[0]])
    dialog = QDialog()
    form = QFormLayout(dialog)
    form.addRow(QLabel("Kudus Desktop"))
    form.addRow("Nama pengguna", QLineEdit())
    password = QLineEdit()
    password.setEchoMode(QLineEdit.EchoMode.Password)
    form.addRow("Kata sandi", password)
    form.addRow(QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel))
    dialog.show()
    app.processEvents()
    dialog.grab()
    print(json.dumps({"bare_shown": time.time() - t_parent}))


def shown_when_loaded(app: Any, page: Any) -> None:
    """Run the event loop until the list's latest search is in, then paint it."""
    from PySide6.QtCore import QEventLoop

    if page.model.loading:
        loop = QEventLoop()
        page.model.loaded.connect(loop.quit)
        loop.exec()  # sleeps until the answer's signal: no polling beside the reading thread
        page.model.loaded.disconnect(loop.quit)
    page.table.viewport().grab()


def keystrokes(app: Any, page: Any, text: str) -> list[tuple[float, float, float]]:
    """Per keystroke: until its first rows are painted, how long the GUI thread was held, and
    until every match is read and counted."""
    page.search.clear()
    page.apply_query()
    shown_when_loaded(app, page)
    first: list[float] = []
    page.model.shown.connect(lambda: first.append(time.perf_counter()))
    times = []
    for i in range(1, len(text) + 1):
        first.clear()
        t = time.perf_counter()
        page.search.setText(text[:i])
        page.apply_query()  # what the debounce timer fires
        blocked = time.perf_counter() - t
        shown_when_loaded(app, page)
        times.append((first[0] - t, blocked, time.perf_counter() - t))
    return times


def measure_gui(data_dir: Path) -> dict[str, object]:
    import psutil

    from kudus_desktop.core.enrolment.participants import ParticipantQuery, ParticipantService
    from kudus_desktop.core.office.accounts import AccountService
    from kudus_desktop.core.rules.validation import ParticipantDraft
    from kudus_desktop.core.storage.db import open_database
    from kudus_desktop.gui.app import create_application, settle_heap
    from kudus_desktop.gui.signals import AppSignals
    from kudus_desktop.gui.village.participants_page import ParticipantsPage

    app = create_application([sys.argv[0]])
    db = open_database(data_dir)
    user = AccountService(db).login("admin", PASSWORD)
    service = ParticipantService(db, user)

    t0 = time.perf_counter()
    page = ParticipantsPage(service, user, AppSignals())
    page.resize(1180, 640)
    page.show()
    shown_when_loaded(app, page)
    open_list = time.perf_counter() - t0
    settle_heap()  # as the application does once its window is open
    assert page.model.rowCount() > 0

    name_keys = keystrokes(app, page, "siti rahayu")
    nik_keys = keystrokes(app, page, "3319034501")
    filter_t = time.perf_counter()
    page.search.clear()
    page.category_filter.setCurrentIndex(page.category_filter.findData("linmas"))
    shown_when_loaded(app, page)
    filter_time = time.perf_counter() - filter_t
    sort_t = time.perf_counter()
    page.model.sort(0)
    shown_when_loaded(app, page)
    sort_time = time.perf_counter() - sort_t
    rss = psutil.Process().memory_info().rss / 2**20

    saves = []
    for i in range(20):
        draft = ParticipantDraft(
            nik=f"3319031205809{i:03d}", full_name="Peserta Benchmark", birth_date="12/05/1980", sex="L",
            category="linmas", funding="pades", start_date="01/11/2026",
        )  # fmt: skip
        t = time.perf_counter()
        service.create(draft, accept_warnings=True)
        saves.append(time.perf_counter() - t)

    # Baseline: the same search as one bare sqlite3 query, no widgets.
    conn = sqlite3.connect(db.path)
    base = []
    for i in range(1, len("siti rahayu") + 1):
        t = time.perf_counter()
        conn.execute(
            "SELECT id FROM participant WHERE full_name LIKE ? ORDER BY full_name COLLATE NOCASE, id",
            (f"%{'siti rahayu'[:i]}%",),
        ).fetchall()
        base.append(time.perf_counter() - t)
    conn.close()
    total = service.count(ParticipantQuery())
    db.close()
    return {
        "participants": total, "open_list_s": open_list,
        "keystroke_name_max_s": max(k[0] for k in name_keys),
        "keystroke_name_median_s": statistics.median(k[0] for k in name_keys),
        "keystroke_nik_max_s": max(k[0] for k in nik_keys), "blocked_max_s": max(k[1] for k in name_keys + nik_keys),
        "all_read_max_s": max(k[2] for k in name_keys + nik_keys),
        "baseline_sqlite_search_max_s": max(base), "filter_s": filter_time, "sort_s": sort_time,
        "save_median_s": statistics.median(saves), "save_max_s": max(saves), "rss_mb": rss,
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="keep the generated data directory here")
    parser.add_argument("--child-start", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--child-bare", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_start:
        child_start(args.child_start[0], float(args.child_start[1]))
        return
    if args.child_bare is not None:
        child_bare(args.child_bare)
        return

    work = Path(tempfile.mkdtemp(prefix="kudus-bench-"))
    data_dir = args.keep or work / "data"
    if data_dir.exists():
        shutil.rmtree(data_dir)
    ours, baseline = build(data_dir, args.rows)
    cpu = platform.processor() or platform.machine()
    print(f"machine: {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"load {args.rows:,} participants: {ours:.2f} s (SQLAlchemy Core executemany); raw sqlite3 {baseline:.2f} s")

    starts, bares = [], []
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    for _ in range(3):
        t_parent = time.time()
        out = subprocess.run(
            [sys.executable, __file__, "--child-start", str(data_dir), repr(t_parent)],
            capture_output=True, text=True, check=True, env=env,
        )  # fmt: skip
        starts.append(json.loads(out.stdout.strip().splitlines()[-1]))
        t_parent = time.time()
        out = subprocess.run(
            [sys.executable, __file__, "--child-bare", repr(t_parent)], capture_output=True, text=True, check=True,
            env=env,
        )  # fmt: skip
        bares.append(json.loads(out.stdout.strip().splitlines()[-1])["bare_shown"])
    login_shown = statistics.median(s["login_shown"] for s in starts)
    usable = statistics.median(s["login_usable"] for s in starts)
    to_window = statistics.median(s["login_to_window"] for s in starts)
    bare = statistics.median(bares)
    print(f"start -> log-in window shown: {login_shown:.2f} s (median of 3; target 3x the bare dialog); "
          f"bare PySide6 dialog (baseline) {bare:.2f} s, ratio {login_shown / bare:.1f}")  # fmt: skip
    print(f'start -> log-in window ready (database open behind it, "Masuk" enabled): {usable:.2f} s')
    print(f"log-in -> main window shown: {to_window:.2f} s (median of 3; includes the argon2 check)")

    m = measure_gui(data_dir)
    print(f"participant list open with {m['participants']:,} rows: {m['open_list_s']:.3f} s (target 1 s)")
    ms = {k: v * 1000 for k, v in m.items() if k.endswith("_s") and isinstance(v, float)}
    print(
        f"search keystroke by name: max {ms['keystroke_name_max_s']:.0f} ms,"
        f" median {ms['keystroke_name_median_s']:.0f} ms;"
        f" by NIK digits: max {ms['keystroke_nik_max_s']:.0f} ms (target 100 ms);"
        f" GUI thread held at most {ms['blocked_max_s']:.1f} ms per keystroke;"
        f" every match read and counted: max {ms['all_read_max_s']:.0f} ms;"
        f" bare sqlite3 query alone: max {ms['baseline_sqlite_search_max_s']:.0f} ms"
    )
    print(f"category filter: {m['filter_s'] * 1000:.0f} ms; sort by another column: {m['sort_s'] * 1000:.0f} ms")
    print(f"save one participant: median {ms['save_median_s']:.1f} ms, max {ms['save_max_s']:.1f} ms (target 50 ms)")
    print(f"resident memory with the list open: {m['rss_mb']:.0f} MB (target 400 MB)")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
