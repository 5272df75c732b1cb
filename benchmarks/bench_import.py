"""Importing and exporting at scale: a generated 100,000-row, 12-column workbook.

Measures, in one run: a bare openpyxl read-only loop and a bare python-calamine read over
the same file (baselines), our preview (read, map, validate, match), our commit, and the
roster and BPJS exports against the bare loops of three well-kept writers (openpyxl write-only,
XlsxWriter constant-memory, PyExcelerate) over the same rows, each with the same database reads.

    python benchmarks/bench_import.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402
from openpyxl import Workbook, load_workbook  # noqa: E402

HEADERS = ["No", "NIK", "NOMOR_KK", "NAMA", "TEMPAT_LAHIR", "TANGGAL_LAHIR", "JENIS_KELAMIN", "ALAMAT", "DUSUN",
           "RT", "RW", "PEKERJAAN"]  # fmt: skip


def make_workbook(path: Path, n: int, *, occupation: str = "Buruh harian") -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("DTKS")
    ws.append(["DATA TERPADU KESEJAHTERAAN SOSIAL DESA GETASPEJATEN"])
    ws.append([])
    ws.append(HEADERS)
    for i in range(n):
        birth = date(1960, 1, 1) + timedelta(days=(i * 37) % 16000)
        female = i % 2 == 0
        day = birth.day + (40 if female else 0)
        nik = f"331903{day:02d}{birth.month:02d}{birth.year % 100:02d}{i % 9999 + 1:04d}"
        ws.append([
            i + 1, nik, f"331903{birth:%d%m%y}{i % 9999 + 1:04d}",
            f"Warga Desa {chr(65 + i % 26)}{chr(65 + i // 26 % 26)}",
            "Kudus", birth.strftime("%d-%m-%Y"), "P" if female else "L", f"Jl. Desa {i % 300}",
            ("Krajan", "Ngemplak", "Gondang")[i % 3], str(i % 12 + 1), str(i % 5 + 1), occupation,
        ])  # fmt: skip
    wb.save(path)


def bare_sqlite_commit(work: Path, values: list) -> float:  # type: ignore[type-arg]
    """The floor: the same database work as our commit, with none of our Python around it.

    The same participants, history rows and approval queue entries, made beforehand as prepared
    tuples, go through bare sqlite3 into a new database of the same schema and settings (8 KiB
    pages, WAL, synchronous=FULL, 64 MiB cache) with the same strategy: time-ordered uids, the
    participant table's secondary indexes dropped and built again inside the transaction, the
    search index filled in one statement, and the WAL checkpoint left until after the commit.
    Only the inserts, the index builds and the commit are timed; the history texts are made
    before the clock starts (our commit has the database make them, inside its time)."""
    import json
    import sqlite3

    from kudus_desktop.core.enrolment.participants import uuid7_run
    from kudus_desktop.core.storage.db import PAGE_SIZE
    from kudus_desktop.core.storage.migrations import FILL_SEARCH

    conn = sqlite3.connect(work / "bare.sqlite", isolation_level=None)
    conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
    conn.executescript((ROOT / "sqlite_schema.sql").read_text(encoding="utf-8"))
    for pragma in ("journal_mode = WAL", "synchronous = FULL", "cache_size = -65536", "foreign_keys = ON",
                   "wal_autocheckpoint = 0"):  # fmt: skip
        conn.execute(f"PRAGMA {pragma}")
    names = list(values[0].__slots__)
    stamp = "2026-11-24 10:00:00"
    rows, history, queue = [], [], []
    for i, (v, uid) in enumerate(zip(values, uuid7_run(len(values)), strict=True), start=1):
        fields = [getattr(v, f) for f in names]
        fields = [x.isoformat() if isinstance(x, date) else x for x in fields]
        rows.append((i, *fields, uid, f"3319032008-{i:05d}", "33.19.03.2008", "aktif", stamp, stamp, "admin",
                     "admin", i))  # fmt: skip
        filled = [[f, None, x] for f, x in zip(names, fields, strict=True) if x is not None]
        history.append((i, stamp, "admin", "create", json.dumps(filled, ensure_ascii=False), i))
        queue.append((i, "admin", stamp))
    cols = ["id", *names, "uid", "reg_no", "desa_code", "status", "created_at", "updated_at", "created_by",
            "updated_by", "rev"]  # fmt: skip
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'participant' AND sql IS NOT NULL"
    ).fetchall()
    t = time.perf_counter()
    conn.execute("BEGIN")
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    conn.executemany(f"INSERT INTO participant ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", rows)
    conn.executemany(
        "INSERT INTO participant_history (participant_id, at, username, action, changes, rev) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        history,
    )
    conn.executemany(
        "INSERT INTO participant_review (participant_id, state, approved, makers, submitted_at, reason) "
        "VALUES (?, 'menunggu', NULL, ?, ?, '')",
        queue,
    )
    for _, sql in indexes:
        conn.execute(sql)
    conn.execute(FILL_SEARCH)  # the trigram search index, in one statement as our commit does
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - t
    conn.close()
    return elapsed


def roster_values(p: Any) -> list[Any]:
    return [p.reg_no, p.nik, p.kk, p.full_name, p.birth_place, p.birth_date, p.sex, p.address, p.dusun, p.rt, p.rw,
            p.category, p.funding, p.start_date, p.status, p.kpj]  # fmt: skip


def bare_writers(work: Path, rows: list[list[Any]]) -> dict[str, float]:
    """Each well-kept writer's bare loop over the same rows (text as text, dates as dates)."""
    import pyexcelerate
    import xlsxwriter

    times: dict[str, float] = {}
    t = time.perf_counter()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("x")
    for r in rows:
        ws.append(r)
    wb.save(work / "bare-openpyxl.xlsx")
    times["openpyxl write-only"] = time.perf_counter() - t

    t = time.perf_counter()
    book = xlsxwriter.Workbook(str(work / "bare-xlsxwriter.xlsx"), {"constant_memory": True})
    sheet = book.add_worksheet("x")
    day = book.add_format({"num_format": "DD/MM/YYYY"})
    for n, r in enumerate(rows):
        for c, v in enumerate(r):
            if isinstance(v, str):
                sheet.write_string(n, c, v)
            elif isinstance(v, date):
                sheet.write_datetime(n, c, v, day)
    book.close()
    times["xlsxwriter constant-memory"] = time.perf_counter() - t

    t = time.perf_counter()
    wb2 = pyexcelerate.Workbook()
    wb2.new_sheet("x", data=rows)
    wb2.save(str(work / "bare-pyexcelerate.xlsx"))
    times["pyexcelerate"] = time.perf_counter() - t
    return times


def exports(work: Path, service: Any, profile: Any) -> None:
    """The roster and the BPJS list beside each writer's bare loop; every baseline also pays for
    reading the same participants from the database, as the export does."""
    from kudus_desktop.core.enrolment.participants import PAGE, ParticipantQuery
    from kudus_desktop.core.reports.exporting import export_bpjs_list, export_roster

    out = work / "roster.xlsx"
    t = time.perf_counter()
    export_roster(service, profile, out)
    roster = time.perf_counter() - t
    bpjs_out = work / "bpjs.xlsx"
    t = time.perf_counter()
    listed = export_bpjs_list(service, bpjs_out, query=ParticipantQuery())
    bpjs = time.perf_counter() - t
    t = time.perf_counter()
    ids = service.query_ids(ParticipantQuery())
    views = [v for start in range(0, len(ids), PAGE) for v in service.views(ids[start : start + PAGE])]
    fetch = time.perf_counter() - t
    times = bare_writers(work, [roster_values(p) for p in views])
    for name, took in times.items():
        print(f"baseline: fetch {fetch:.1f} s + bare {name} {took:.1f} s = {fetch + took:.1f} s")
    best_name, best = min(times.items(), key=lambda kv: kv[1])
    best += fetch
    print(f"roster export of {len(views):,} participants: {roster:.1f} s; fastest baseline ({best_name}) {best:.1f} s "
          f"(ratio {roster / best:.2f}, target at most 1.3)")  # fmt: skip
    print(f"BPJS list of {listed:,} participants: {bpjs:.1f} s (ratio {bpjs / best:.2f} to the same baseline)")
    ws = load_workbook(out, read_only=True)["Daftar Peserta"]
    rows = ws.iter_rows(values_only=True)
    for row in rows:  # the letterhead and the title above the header row
        if row and row[0] == "No. Registrasi":
            break
    niks = [row[1] for _, row in zip(range(len(views)), rows, strict=False)]
    if len(niks) != len(views) or not all(isinstance(n, str) and len(n) == 16 for n in niks):
        raise SystemExit("the roster lost participants or wrote a NIK as a number")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    from python_calamine import CalamineWorkbook

    from kudus_desktop.core.enrolment.participants import ParticipantService
    from kudus_desktop.core.office.accounts import AccountService, SetupRequest
    from kudus_desktop.core.storage.db import open_database
    from kudus_desktop.core.village.importing import ImportOptions, ImportService

    work = Path(tempfile.mkdtemp(prefix="kudus-import-"))
    try:
        book = work / "dtks.xlsx"
        t = time.perf_counter()
        make_workbook(book, args.rows)
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
        print(f"generated {args.rows:,} rows x {len(HEADERS)} columns: {book.stat().st_size / 2**20:.1f} MB in "
              f"{time.perf_counter() - t:.1f} s")  # fmt: skip

        t = time.perf_counter()
        ws = load_workbook(book, read_only=True).active
        assert ws is not None
        n = sum(1 for _ in ws.iter_rows(values_only=True))
        openpyxl_s = time.perf_counter() - t
        t = time.perf_counter()
        n2 = sum(1 for _ in CalamineWorkbook.from_path(str(book)).get_sheet_by_name("DTKS").iter_rows())
        calamine_s = time.perf_counter() - t
        print(
            f"baseline: bare openpyxl read-only loop {openpyxl_s:.1f} s ({n:,} rows); bare calamine {calamine_s:.1f} s"
        )

        db = open_database(work / "data")
        accounts = AccountService(db)
        user = accounts.initialise(
            SetupRequest("desa", "33.19.03.2008", "Sutrisno", "Kepala Desa", "admin", "Admin", "x" * 10)
        )
        service = ParticipantService(db, user)
        importer = ImportService(service)
        options = ImportOptions(source_list="DTKS", source_date="01/10/2026", start_date="01/12/2026")
        rss_before = psutil.Process().memory_info().rss
        t = time.perf_counter()
        preview = importer.preview(book, options=options)
        preview_s = time.perf_counter() - t
        grown = (psutil.Process().memory_info().rss - rss_before) / 2**20
        print(f"preview: {preview_s:.1f} s for {len(preview.rows):,} rows ({preview.to_write:,} to add; target 5 s); "
              f"resident memory grew {grown:.0f} MB")  # fmt: skip
        t = time.perf_counter()
        result = importer.commit(preview)
        commit_s = time.perf_counter() - t
        print(f"commit: {commit_s:.1f} s for {result.added:,} participants with history and approval queue "
              f"(target 3 s)")  # fmt: skip
        bare_commit = bare_sqlite_commit(work, [r.values for r in preview.rows if r.values is not None])
        print(f"baseline: bare sqlite3 doing the same database work (rows, history, approval queue, index builds, "
              f"one commit) from prepared tuples {bare_commit:.1f} s (ratio {commit_s / bare_commit:.2f})")  # fmt: skip
        assert n2 >= args.rows

        # The corrected list: the same people, everyone's occupation changed.
        corrected = work / "dtks-perbaikan.xlsx"
        make_workbook(corrected, args.rows, occupation="Petani penggarap")
        t = time.perf_counter()
        again = importer.preview(corrected, options=options)
        update_preview_s = time.perf_counter() - t
        t = time.perf_counter()
        updated = importer.commit(again)
        update_s = time.perf_counter() - t
        if updated.updated != args.rows:
            raise SystemExit(f"the corrected list updated {updated.updated} of {args.rows}: nothing to measure")
        print(f"corrected list: preview {update_preview_s:.1f} s, commit {update_s:.1f} s for {updated.updated:,} "
              f"updates with history and approval queue (target 5 s; additions above: {commit_s:.1f} s)")  # fmt: skip

        exports(work, service, accounts.profile())
        db.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
