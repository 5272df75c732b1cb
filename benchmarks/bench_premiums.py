"""Coverage of 100,000 participants over 24 months (target: within 2 s).

Generates a village database with 100,000 participants (starting over two years, some ended)
and a payment history of about 2 million participant-months (most paid, some in arrears, some
lapsed), then times ``PremiumService.coverage`` (paid, due, arrears and lapsed for every
participant and month) and, in the same run, the bare sqlite3 aggregate that any answer needs
(the paid months per participant).

    python benchmarks/bench_premiums.py [--participants 100000] [--months 24]
"""

from __future__ import annotations

import argparse
import platform
import random
import sqlite3
import sys
import tempfile
import time
import uuid
from contextlib import closing
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kudus_desktop.core.office.accounts import AccountService, SetupRequest  # noqa: E402
from kudus_desktop.core.paths import DB_FILE_NAME  # noqa: E402
from kudus_desktop.core.storage import settings  # noqa: E402
from kudus_desktop.core.storage.db import open_database  # noqa: E402
from kudus_desktop.core.village.premiums import CoverState, PremiumService, first_day, month_index  # noqa: E402

TODAY = date(2026, 11, 24)
PASSWORD = "rahasia-desa-1"


def fill(path: Path, participants: int, months: int, seed: int = 5) -> int:
    """Participants and paid months written with raw sqlite3 (the benchmark measures reading)."""
    rng = random.Random(seed)
    now = month_index(TODAY)
    first = now - months + 1
    stamp = "2026-11-24 10:00:00"
    people, paid = [], []
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("BEGIN")
        conn.execute(
            "INSERT INTO premium_payment (id, uid, desa_code, paid_on, amount, first_month, last_month, people, "
            "created_at, created_by) VALUES (1, ?, '33.19.03.2008', '2026-11-01', 0, ?, ?, 0, ?, 'bench')",
            (str(uuid.uuid4()), first, now, stamp),
        )
        for pid in range(1, participants + 1):
            start = first + rng.randrange(months)
            ended = rng.random() < 0.1
            end = min(now, start + rng.randrange(1, months)) if ended else None
            nik = f"3319{pid:012d}"
            people.append(
                (pid, str(uuid.uuid4()), f"3319032008-{pid:06d}", "33.19.03.2008", nik, f"Warga {pid}", "1980-05-12",
                 "L", "pekerja_rentan", "pades", first_day(start).isoformat(), "berhenti" if ended else "aktif",
                 first_day(end).isoformat() if end is not None else None, stamp, stamp, "bench", "bench")
            )  # fmt: skip
            habit = rng.random()  # most pay every month, some stop paying
            stop = start + rng.randrange(months) if habit < 0.15 else now + 1
            for m in range(start, min(now, end if end is not None else now) + 1):
                if m < stop:
                    paid.append((pid, m, 1, 16_800))
        conn.executemany(
            "INSERT INTO participant (id, uid, reg_no, desa_code, nik, full_name, birth_date, sex, category, funding, "
            "start_date, status, exit_date, created_at, updated_at, created_by, updated_by) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            people,
        )
        conn.executemany(
            "INSERT INTO premium_paid (participant_id, month, payment_id, amount) VALUES (?, ?, ?, ?)", paid
        )
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
    return len(paid)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=24)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        data = Path(tmp_name)
        db = open_database(data)
        accounts = AccountService(db)
        accounts.initialise(
            SetupRequest("desa", "33.19.03.2008", "Kepala", "Kepala Desa", "admin", "Admin", PASSWORD, "")
        )
        user = accounts.login("admin", PASSWORD)
        first = month_index(TODAY) - args.months + 1
        with db.begin() as conn:
            settings.write(conn, {settings.PREMIUM_SINCE: f"{first // 12:04d}-{first % 12 + 1:02d}"})
        db.close()
        t0 = time.perf_counter()
        rows = fill(data / DB_FILE_NAME, args.participants, args.months)
        made = time.perf_counter() - t0
        db = open_database(data)
        service = PremiumService(db, user, today=lambda: TODAY)
        service.rates()  # the rate table is seeded once, outside the timing
        runs = []
        for _ in range(3):
            t0 = time.perf_counter()
            table = service.coverage(first, args.months)
            runs.append(time.perf_counter() - t0)
        counts = table.counts()
        lapsed, arrears = table.lapsed_people(), table.in_arrears_people()
        strip = table.strip(0)
        db.close()
        with closing(sqlite3.connect(data / DB_FILE_NAME)) as conn:
            t0 = time.perf_counter()
            paid_masks = conn.execute(
                "SELECT participant_id, SUM(1 << (month - ?)) FROM premium_paid WHERE month BETWEEN ? AND ? "
                "GROUP BY participant_id",
                (first, first, first + args.months - 1),
            ).fetchall()
            baseline = time.perf_counter() - t0
    print(f"machine: {platform.machine()}, Python {platform.python_version()}")
    print(f"data: {args.participants:,} participants, {rows:,} paid participant-months (generated in {made:.1f} s)")
    print(
        f"coverage over {args.months} months: best {min(runs):.2f} s, worst {max(runs):.2f} s  [target 2 s]; "
        f"paid {counts[CoverState.PAID]:,}, in arrears {counts[CoverState.ARREARS]:,}, "
        f"lapsed {counts[CoverState.LAPSED]:,} participant-months; {arrears:,} people in arrears, {lapsed:,} lapsed"
    )
    print(f"baseline, bare sqlite3 paid-months aggregate ({len(paid_masks):,} rows): {baseline:.2f} s")
    print(f"first participant's strip: {' '.join(s.value[:2] for s in strip)}")


if __name__ == "__main__":
    main()
