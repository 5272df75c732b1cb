"""Sync at scale: a village's 5,000-participant package, and the regency ingesting 123
villages' packages totalling 100,000 participants.

Measures, in one run:
- building a package of 5,000 changed participants (read, compress, encrypt, sign, write
  to the outbox and to a "stick" folder with fsync and read-back verification);
- the regency importing 123 packages (parse, verify, decrypt, check, apply in one
  transaction each, with device registration, history and the double-NIK check);
- the baseline: raw sqlite3 ``executemany`` inserting the same participant and history rows
  into a fresh database with the same schema and settings.

    python benchmarks/bench_sync.py [--villages 123] [--total 100000] [--village-size 5000]
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
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

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey  # noqa: E402

from kudus_desktop.core.enrolment.participants import ParticipantService  # noqa: E402
from kudus_desktop.core.office.accounts import AccountService, SetupRequest  # noqa: E402
from kudus_desktop.core.paths import schema_path  # noqa: E402
from kudus_desktop.core.rules.regions import all_regions  # noqa: E402
from kudus_desktop.core.rules.validation import ParticipantFields  # noqa: E402
from kudus_desktop.core.storage import settings  # noqa: E402
from kudus_desktop.core.storage.db import open_database  # noqa: E402
from kudus_desktop.core.storage.signing import Identity, identity  # noqa: E402
from kudus_desktop.core.storage.syncfile import seal  # noqa: E402
from kudus_desktop.core.sync import (  # noqa: E402
    HISTORY_COLUMNS,
    PARTICIPANT_COLUMNS,
    RegencySync,
    VillageSync,
    package_name,
)
from tests.factories import letters  # noqa: E402

PASSWORD = "rahasia-desa-1"
STAMP = "2026-11-24 10:00:00"


def office(path: Path, mode: str, code: str) -> tuple[object, object]:
    db = open_database(path)
    accounts = AccountService(db)
    accounts.initialise(SetupRequest(mode, code, "Kepala", "Kepala", "admin", "Admin", PASSWORD, ""))
    return db, accounts.login("admin", PASSWORD)


def fields(i: int) -> ParticipantFields:
    nik = f"3319{(i // 9999) % 9 + 1:02d}120580{i % 9999 + 1:04d}"
    return ParticipantFields(
        nik=nik, kk="3319031205100001", full_name=f"Warga {letters(i + 1)}", birth_place="Kudus",
        birth_date=date(1980, 5, 12), sex="L", address="Jl. Raya", dusun="Krajan", rt="001", rw="002",
        phone=None, occupation="Buruh", category="pekerja_rentan", source_list="DTKS", source_date=None,
        funding="pades", start_date=date(2026, 11, 1),
    )  # fmt: skip


def village_rows(desa: str, count: int, start: int) -> tuple[list[list[object]], list[list[object]]]:
    """Rows shaped exactly as a village writes them (same columns, same kinds of values)."""
    people, history = [], []
    digits = desa.replace(".", "")
    for n in range(count):
        i = start + n
        uid = str(uuid.uuid4())
        values: dict[str, object] = {
            "uid": uid, "reg_no": f"{digits}-{n + 1:05d}", "desa_code": desa,
            "nik": f"3319{(i // 9999) % 9 + 1:02d}{12 + i % 17:02d}0580{i % 9999 + 1:04d}",
            "kk": "3319031205100001", "full_name": f"Warga {letters(i + 1)}", "birth_place": "Kudus",
            "birth_date": "1980-05-12", "sex": "L" if i % 2 else "P", "address": "Jl. Raya", "dusun": "Krajan",
            "rt": "001", "rw": "002", "phone": None, "occupation": "Buruh", "category": "pekerja_rentan",
            "source_list": "DTKS", "source_date": None, "funding": "pades", "start_date": "2026-11-01",
            "status": "aktif", "exit_reason": None, "exit_date": None, "kpj": None, "created_at": STAMP,
            "updated_at": STAMP, "created_by": "operator", "updated_by": "operator", "rev": n + 1,
        }  # fmt: skip
        people.append([values[c] for c in PARTICIPANT_COLUMNS])
        changes = json.dumps([[k, None, v] for k, v in values.items() if k in ("nik", "full_name", "birth_date")])
        history.append([uid, STAMP, "operator", "create", changes, n + 1])
    return people, history


def baseline(tmp: Path, packages: list[tuple[list[list[object]], list[list[object]]]], *, per_village: bool) -> float:
    """Raw sqlite3: the same participant and history rows with executemany, one transaction per
    village (as the ingest commits) or one for everything (the database's floor)."""
    path = tmp / f"baseline-{per_village}.sqlite"
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.executescript(schema_path().read_text(encoding="utf-8"))
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA cache_size = -65536")
        cols = ", ".join(PARTICIPANT_COLUMNS)
        ins = f"INSERT INTO participant ({cols}) VALUES ({', '.join('?' * len(PARTICIPANT_COLUMNS))})"
        t0 = time.perf_counter()
        next_id = 1
        conn.execute("BEGIN")
        for people, history in packages:
            conn.executemany(ins, people)
            ids = {r[0]: next_id + n for n, r in enumerate(people)}
            next_id += len(people)
            conn.executemany(
                "INSERT INTO participant_history (participant_id, at, username, action, changes, rev) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(ids[h[0]], *h[1:]) for h in history],
            )
            if per_village:
                conn.execute("COMMIT")
                conn.execute("BEGIN")
        conn.execute("COMMIT")
        return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--villages", type=int, default=123)
    parser.add_argument("--total", type=int, default=100_000)
    parser.add_argument("--village-size", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        kab_db, kab_user = office(tmp / "kab", "kabupaten", "33.19")
        regency = RegencySync(kab_db, kab_user)  # type: ignore[arg-type]

        # 1. A village package of N changed participants, built by the village's own code path.
        desa_db, desa_user = office(tmp / "desa", "desa", "33.19.03.2008")
        setup, _ = regency.make_setup_file("33.19.03.2008", tmp / "setup.kdsetup")
        village = VillageSync(desa_db, desa_user)  # type: ignore[arg-type]
        village.join(setup)
        # The package is measured, not the verifikator's approval (which a new office requires).
        with desa_db.begin() as conn:  # type: ignore[attr-defined]
            settings.write(conn, {settings.APPROVAL_REQUIRED: "0"})
        ParticipantService(desa_db, desa_user).bulk_write([fields(i) for i in range(args.village_size)], [])  # type: ignore[arg-type]
        t0 = time.perf_counter()
        result = village.export_package(tmp / "stick")
        build = time.perf_counter() - t0
        size = result.outbox_path.stat().st_size

        # 2. The regency ingests one package per village, 123 villages, 100,000 participants.
        desas = [r.code for r in all_regions() if r.level == "desa"][: args.villages]
        per = [args.total // len(desas) + (1 if n < args.total % len(desas) else 0) for n in range(len(desas))]
        kab_box = identity(kab_db).box_public  # type: ignore[arg-type]
        files, rows = [], []
        start = 0
        for desa, count in zip(desas, per, strict=True):
            sender = Identity(Ed25519PrivateKey.generate(), X25519PrivateKey.generate())
            people, history = village_rows(desa, count, start)
            start += count
            rows.append((people, history))
            payload = {
                "from_rev": 0, "to_rev": count, "full": False,
                "participants": {"columns": list(PARTICIPANT_COLUMNS), "rows": people},
                "history": {"columns": list(HISTORY_COLUMNS), "rows": history},
            }  # fmt: skip
            data = seal(
                "package", regency="33.19", desa=desa, seq=1, created=STAMP, schema=5, payload=payload,
                sender=sender, recipient_box=kab_box,
            )  # fmt: skip
            files.append((package_name(desa, sender.device_id, 1), data, sender.fingerprint))
        total_bytes = sum(len(d) for _, d, _ in files)
        # The rows made for the baseline stay alive through the run; a server holds no such pile,
        # so the collector's full passes are not made to walk it on every package.
        gc.collect()
        gc.freeze()
        t0 = time.perf_counter()
        added = 0
        for name, data, fp in files:
            added += regency.import_package(data, name, confirm_fingerprint=fp).added
        ingest = time.perf_counter() - t0
        assert added == args.total, added
        base = baseline(tmp, rows, per_village=True)
        floor = baseline(tmp, rows, per_village=False)

    print(f"machine: {platform.machine()}, {platform.processor() or '?'}, Python {platform.python_version()}")
    print(f"village package, {args.village_size:,} participants: {build:.2f} s ({size / 1e6:.2f} MB)  [target 2 s]")
    print(
        f"regency ingest, {len(files)} packages, {args.total:,} participants ({total_bytes / 1e6:.1f} MB): "
        f"{ingest:.2f} s  [target 30 s]"
    )
    print(f"baseline raw sqlite3 executemany, same rows, a transaction per village: {base:.2f} s")
    print(f"baseline raw sqlite3 executemany, same rows, one transaction: {floor:.2f} s")
    print(f"ingest / baseline: {ingest / base:.2f}x; against one transaction: {ingest / floor:.2f}x  [target 5x]")


if __name__ == "__main__":
    main()
