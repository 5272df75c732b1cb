"""SQLCipher against plain SQLite on the application's schema (the encryption-at-rest evaluation).

Needs the `sqlcipher3` module, which Kudus Desktop does not depend on:
``pip install sqlcipher3-binary`` (Linux) or ``sqlcipher3-wheels`` (Windows) into a scratch venv.

    python benchmarks/bench_sqlcipher.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = (ROOT / "sqlite_schema.sql").read_text(encoding="utf-8")
INSERT = (
    "INSERT INTO participant (id, uid, reg_no, desa_code, nik, full_name, birth_date, sex, category, funding, "
    "start_date, status, created_at, updated_at, created_by, updated_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)


def measure(mod: ModuleType, path: Path, rows: int, key: str | None) -> tuple[float, float, float, bytes]:
    def connect() -> sqlite3.Connection:
        conn: sqlite3.Connection = mod.connect(str(path), isolation_level=None)
        if key:
            conn.execute(f"PRAGMA key = '{key}'")
        return conn

    conn = connect()
    conn.executescript(SCHEMA)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    data = [
        (i, f"u{i}", f"3319032008-{i:06d}", "33.19.03.2008", f"3319{i:012d}", f"Warga {i}", "1980-05-12", "L",
         "pekerja_rentan", "pades", "2026-01-01", "aktif", "x", "x", "b", "b")
        for i in range(1, rows + 1)
    ]  # fmt: skip
    t0 = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany(INSERT, data)
    conn.execute("COMMIT")
    insert = time.perf_counter() - t0
    conn.close()
    t0 = time.perf_counter()
    conn = connect()
    conn.execute("SELECT count(*) FROM participant WHERE full_name LIKE 'Warga 9%'").fetchone()
    conn.execute("SELECT id FROM participant ORDER BY full_name COLLATE NOCASE").fetchall()
    query = time.perf_counter() - t0
    t0 = time.perf_counter()
    for i in range(200):
        conn.execute("UPDATE participant SET phone = ? WHERE id = ?", (str(i), i + 1))
    save = (time.perf_counter() - t0) / 200
    conn.close()
    return insert, query, save, path.read_bytes()[:16]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    drivers: list[tuple[str, Any, str | None]] = [("sqlite3", sqlite3, None)]
    try:
        import sqlcipher3  # type: ignore[import-not-found]
    except ImportError:
        print("sqlcipher3 is not installed (pip install sqlcipher3-binary on Linux, sqlcipher3-wheels on Windows):")
        print("only the plain sqlite3 baseline is measured")
    else:
        drivers.append(("sqlcipher3", sqlcipher3.dbapi2, "rahasia-kunci"))
    with tempfile.TemporaryDirectory() as tmp:
        for name, mod, key in drivers:
            insert, query, save, head = measure(mod, Path(tmp) / f"{name}.db", args.rows, key)
            print(
                f"{name}: insert {args.rows:,} {insert:.2f} s; open + search + sort {query:.2f} s; "
                f"one saved change {save * 1000:.1f} ms; file header {head[:6]!r}"
            )


if __name__ == "__main__":
    main()
