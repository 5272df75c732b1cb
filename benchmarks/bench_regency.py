"""The regency desk at scale: 100,000 participants from 123 villages.

Measures, in one run, on one regency database filled through the real ingest path:
- the dashboard's figures (``core.overview``: per desa and category, this month, KPJ, BPJS,
  open cases, contact and gaps, twelve months per kecamatan) and, with Qt present, the
  Beranda page building its tree and chart from them;
- the full double-enrolment scan (same NIK in two villages, NIKs in a 2,000-NIK APBD list,
  same KK + birth date + similar name) on a database with no case yet;
- the baseline: raw sqlite3 running the two grouped queries the work cannot avoid (active
  participants per desa and category; NIKs active in more than one desa) on the same file;
- five 20-row packages from one village into the full regency (the everyday case).

With ``--sizes`` it runs each size in turn and prints how each figure grows (``k`` in
time ~ size^k; the ingest must stay linear).

    python benchmarks/bench_regency.py [--villages 123] [--total 100000]
    python benchmarks/bench_regency.py --sizes 10000,100000,1000000
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey  # noqa: E402
from sqlalchemy import text  # noqa: E402

from benchmarks.bench_desk import keystrokes, shown_when_loaded  # noqa: E402
from benchmarks.bench_hub import fresh_pg_database  # noqa: E402
from kudus_desktop.core.office.accounts import AccountService, SetupRequest  # noqa: E402
from kudus_desktop.core.regency.doubles import DoubleEnrolmentService  # noqa: E402
from kudus_desktop.core.regency.overview import overview  # noqa: E402
from kudus_desktop.core.rules.regions import all_regions  # noqa: E402
from kudus_desktop.core.storage.db import open_store  # noqa: E402
from kudus_desktop.core.storage.signing import Identity, identity  # noqa: E402
from kudus_desktop.core.storage.syncfile import seal  # noqa: E402
from kudus_desktop.core.sync import HISTORY_COLUMNS, PARTICIPANT_COLUMNS, RegencySync, package_name  # noqa: E402

PASSWORD = "rahasia-desa-1"
STAMP = "2026-11-24 10:00:00"
CATEGORIES = ("pekerja_rentan", "rt_rw", "linmas", "bpd", "perangkat_lembaga")
SHARED = 500  # NIKs enrolled in two villages
SIMILAR = 300  # a second enrolment of the same person under another NIK
APBD = 2000  # the regency's APBD list, 300 of them also enrolled by a village


FIRST = (
    "Siti",
    "Budi",
    "Slamet",
    "Sri",
    "Agus",
    "Dwi",
    "Eko",
    "Nur",
    "Tri",
    "Ahmad",
    "Muhammad",
    "Dewi",
    "Rina",
    "Joko",
    "Yanti",
    "Suparno",
    "Wahyu",
    "Lestari",
    "Bambang",
    "Endang",
    "Heru",
    "Ika",
    "Rudi",
    "Wati",
)
LAST = (
    "Aminah",
    "Santoso",
    "Riyadi",
    "Wahyuni",
    "Setiawan",
    "Purnomo",
    "Hidayat",
    "Rahayu",
    "Susanto",
    "Kurniawan",
    "Lestari",
    "Prasetyo",
    "Handayani",
    "Saputra",
    "Utomo",
    "Maryati",
    "Sulistyo",
    "Fauzi",
    "Kusuma",
    "Hartono",
)


def name(i: int) -> str:
    """Names as varied as a village's: most people in a family do not share a name."""
    return f"{FIRST[i % len(FIRST)]} {FIRST[(i // 7) % len(FIRST)][:3]}{LAST[(i // 13) % len(LAST)].lower()}"


def nik(i: int) -> str:
    return f"3319{(i // 9999) % 9 + 1:02d}{12 + i % 17:02d}0580{i % 9999 + 1:04d}"


def village_rows(desa: str, people: list[int], start_rev: int, extra: list[dict[str, str]]) -> tuple[list, list]:
    rows, history = [], []
    digits = desa.replace(".", "")
    for n, i in enumerate(people):
        uid = str(uuid.uuid4())
        month = 1 + i % 11
        values: dict[str, object] = {
            "uid": uid, "reg_no": f"{digits}-{n + 1:05d}", "desa_code": desa, "nik": nik(i),
            "kk": f"3319{i % 90 + 10:02d}1205{i // 100:06d}"[:16], "full_name": name(i),
            "birth_place": "Kudus", "birth_date": f"1980-05-{12 + i % 17:02d}", "sex": "L" if i % 2 else "P",
            "address": "Jl. Raya", "dusun": "Krajan", "rt": "001", "rw": "002", "phone": None, "occupation": "Buruh",
            "category": CATEGORIES[i % len(CATEGORIES)], "source_list": "DTKS", "source_date": None,
            "funding": "pades", "start_date": f"2026-{month:02d}-01", "status": "aktif" if i % 23 else "berhenti",
            "exit_reason": None if i % 23 else "pindah", "exit_date": None if i % 23 else "2026-11-10", "kpj": None,
            "created_at": STAMP, "updated_at": STAMP, "created_by": "operator", "updated_by": "operator",
            "rev": start_rev + n + 1,
        }  # fmt: skip
        if n < len(extra):
            values.update(extra[n])
        rows.append([values[c] for c in PARTICIPANT_COLUMNS])
        history.append([uid, STAMP, "operator", "create", json.dumps([["nik", None, values["nik"]]]), values["rev"]])
    return rows, history


class Sender:
    """The last village of the build, to send more packages after it."""

    def __init__(self, desa: str, identity: Identity, rev: int, box: bytes) -> None:
        self.desa, self.identity, self.rev, self.box, self.seq = desa, identity, rev, box, 1

    def package(self, people: list[int]) -> tuple[bytes, str]:
        rows, history = village_rows(self.desa, people, self.rev, [])
        for r in rows:  # numbers of their own, after those of the first package
            r[PARTICIPANT_COLUMNS.index("reg_no")] = f"{self.desa.replace('.', '')}-8{r[-1]:07d}"
        self.seq += 1
        payload = {
            "from_rev": self.rev, "to_rev": self.rev + len(rows), "full": False,
            "participants": {"columns": list(PARTICIPANT_COLUMNS), "rows": rows},
            "history": {"columns": list(HISTORY_COLUMNS), "rows": history},
        }  # fmt: skip
        self.rev += len(rows)
        data = seal("package", regency="33.19", desa=self.desa, seq=self.seq, created=STAMP, schema=6,
                    payload=payload, sender=self.identity, recipient_box=self.box)  # fmt: skip
        return data, package_name(self.desa, self.identity.device_id, self.seq)


def build(tmp: Path, villages: int, total: int, url: str | None = None) -> tuple[object, object, float, Sender]:
    db = open_store(tmp / "kab", url)
    accounts = AccountService(db)
    accounts.initialise(SetupRequest("kabupaten", "33.19", "Kepala", "Kepala DPMD", "admin", "Admin", PASSWORD, ""))
    user = accounts.login("admin", PASSWORD)
    regency = RegencySync(db, user)
    desas = [r.code for r in all_regions() if r.level == "desa"][:villages]
    per = [total // len(desas) + (1 if n < total % len(desas) else 0) for n in range(len(desas))]
    box = identity(db).box_public
    start = 0
    t0 = time.perf_counter()
    for v, (desa, count) in enumerate(zip(desas, per, strict=True)):
        people = list(range(start, start + count))
        start += count
        extra: list[dict[str, str]] = []
        if v % 2 == 1:  # a few of the previous village's people enrolled here too
            extra += [{"nik": nik(people[0] - 1 - k)} for k in range(SHARED // (len(desas) // 2))]
        sender = Identity(Ed25519PrivateKey.generate(), X25519PrivateKey.generate())
        rows, history = village_rows(desa, people, 0, extra)
        if v % 3 == 0:  # the same person again under another NIK: same KK, birth date and name
            originals = list(rows)
            for k in range(SIMILAR // (len(desas) // 3 + 1)):
                twin = list(originals[-1 - k])
                twin[PARTICIPANT_COLUMNS.index("uid")] = str(uuid.uuid4())
                twin[PARTICIPANT_COLUMNS.index("reg_no")] = f"{desa.replace('.', '')}-9{k:04d}"  # numbers its own
                twin[PARTICIPANT_COLUMNS.index("nik")] = nik(total + v * 100 + k)
                twin[PARTICIPANT_COLUMNS.index("status")] = "aktif"
                twin[PARTICIPANT_COLUMNS.index("exit_date")] = None
                twin[PARTICIPANT_COLUMNS.index("exit_reason")] = None
                rows.append(twin)
        payload = {
            "from_rev": 0, "to_rev": len(rows), "full": False,
            "participants": {"columns": list(PARTICIPANT_COLUMNS), "rows": rows},
            "history": {"columns": list(HISTORY_COLUMNS), "rows": history},
        }  # fmt: skip
        data = seal("package", regency="33.19", desa=desa, seq=1, created=STAMP, schema=6, payload=payload,
                    sender=sender, recipient_box=box)  # fmt: skip
        regency.import_package(data, package_name(desa, sender.device_id, 1), confirm_fingerprint=sender.fingerprint)
        last = Sender(desa, sender, len(rows), box)
    ingest = time.perf_counter() - t0
    # PostgreSQL's vacuum after the last packages runs beside them; the figures below are
    # measured once it is done, and the wait is printed.
    t1 = time.perf_counter()
    db.settle()
    if url:
        print(f"vacuum still running after the ingest, waited for: {time.perf_counter() - t1:.2f} s")
    apbd = tmp / "apbd.csv"
    enrolled = [f"{nik(i)},Warga {i},01/01/2026" for i in range(0, total, total // 300)][:300]
    lines = ["NIK,NAMA,TMT", *enrolled]
    lines += [f"{nik(total * 2 + i)},APBD {i},01/01/2026" for i in range(APBD - 300)]
    apbd.write_text("\n".join(lines), encoding="utf-8")
    # The APBD list goes in without its scan, so that the timed scan below starts from nothing.
    with db.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(
            text(
                "INSERT INTO apbd_member (nik, full_name, start_date, imported_at) VALUES (:n, :f, '2026-01-01', :at)"
            ),
            [{"n": line.split(",")[0], "f": line.split(",")[1], "at": STAMP} for line in lines[1:]],
        )
        conn.execute(text("DELETE FROM duplicate_case"))
        conn.execute(text("UPDATE participant_sync SET outcome = 'accepted', reason = ''"))
    return db, user, ingest, last


def baseline(db: object) -> float:
    """The grouped queries any answer needs, through the bare driver (sqlite3 or psycopg) on the
    same store."""
    raw = db.engine.raw_connection()  # type: ignore[attr-defined]
    try:
        cur = raw.cursor()
        t0 = time.perf_counter()
        cur.execute(
            "SELECT desa_code, category, COUNT(*) FROM participant WHERE status = 'aktif' GROUP BY desa_code, category"
        )
        cur.fetchall()
        cur.execute(
            "SELECT nik FROM participant WHERE status = 'aktif' GROUP BY nik HAVING COUNT(DISTINCT desa_code) > 1"
        )
        cur.fetchall()
        return time.perf_counter() - t0
    finally:
        raw.close()


def same_statements(db: object, work: Callable[[], object]) -> tuple[float, float]:
    """Run ``work`` while recording every SQL statement it sends, then replay those statements
    through the bare driver on the same store: a baseline doing exactly the database's share.
    Returns (work's seconds, the replay's seconds)."""
    from sqlalchemy import event

    sent: list[tuple[str, object]] = []

    def record(_conn: object, _cursor: object, statement: str, parameters: object, _ctx: object, _many: bool) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")):
            sent.append((statement, parameters))

    engine = db.engine  # type: ignore[attr-defined]
    event.listen(engine, "before_cursor_execute", record)
    try:
        t0 = time.perf_counter()
        work()
        ours = time.perf_counter() - t0
    finally:
        event.remove(engine, "before_cursor_execute", record)
    connection = engine.raw_connection()
    try:
        cur = connection.cursor()
        t0 = time.perf_counter()
        for statement, parameters in sent:
            cur.execute(statement, parameters)
            cur.fetchall()
        raw = time.perf_counter() - t0
    finally:
        connection.close()
    return ours, raw


def peserta_page(app: Any, db: object, user: object) -> dict[str, float]:
    """The regency's Peserta page as the window opens it: every participant of the regency."""
    from kudus_desktop.core.enrolment.participants import ParticipantService
    from kudus_desktop.core.rules.records import OpChanges
    from kudus_desktop.gui.ops import wait_idle
    from kudus_desktop.gui.signals import AppSignals
    from kudus_desktop.gui.village.participants_page import ParticipantsPage

    service = ParticipantService(db, user)  # type: ignore[arg-type]
    t0 = time.perf_counter()
    page = ParticipantsPage(service, user, AppSignals(), profile=AccountService(db).profile)  # type: ignore[arg-type]
    page.resize(1180, 640)
    page.show()
    shown_when_loaded(app, page)
    opened = time.perf_counter() - t0
    if page.model.rowCount() == 0:
        raise SystemExit("the Peserta page listed nobody: nothing to measure")
    digits, name = keystrokes(app, page, "33190"), keystrokes(app, page, "siti")
    rare_nik, rare_name, holders, bare = rare_searches(db)
    # Typed key by key: each prefix of the NIK is rarer than the one before, the whole of it is one person.
    nik_keys, name_keys = keystrokes(app, page, rare_nik), keystrokes(app, page, rare_name)
    if page.model.rowCount() == 0:
        raise SystemExit(f"the rare name {rare_name!r} found nobody: nothing to measure")
    page.search.clear()
    page.apply_query()  # now, not when the debounce timer fires (perhaps after the store is closed)
    shown_when_loaded(app, page)
    first: list[float] = []
    page.model.shown.connect(lambda: first.append(time.perf_counter()))
    t0 = time.perf_counter()
    page.on_changed(OpChanges(participants=True, participant_ids=(page.model.ids[0],)))
    shown_when_loaded(app, page)
    save = time.perf_counter() - t0
    save_first = first[0] - t0
    page.close()
    wait_idle()
    return {
        "open": opened, "digits": max(k[0] for k in digits), "name": max(k[0] for k in name),
        "held": max(k[1] for k in digits + name), "all": max(k[2] for k in digits + name), "save": save,
        "save_first": save_first, "rare_nik": max(k[0] for k in nik_keys), "rare_name": max(k[0] for k in name_keys),
        "rare_all": max(k[2] for k in nik_keys + name_keys), "rare_bare": bare, "holders": holders,
    }  # fmt: skip


def rare_searches(db: Any) -> tuple[str, str, int, float]:
    """A whole NIK and the name the fewest participants have, how many have it, and (baseline) the slower of the two
    searches as a bare LIKE over the name index, the plan the list used before the trigram index:
    a screenful in name order, which for a rare text means reading every entry."""
    from sqlalchemy import text

    with db.engine.connect() as conn:
        nik = conn.execute(
            text("SELECT nik FROM participant ORDER BY id LIMIT 1 OFFSET :n"),
            {"n": conn.execute(text("SELECT COUNT(*) FROM participant")).scalar_one() // 2},
        ).scalar_one()
        name, holders = conn.execute(
            text("SELECT full_name, COUNT(*) AS n FROM participant GROUP BY full_name ORDER BY n, full_name LIMIT 1")
        ).one()
        bare = 0.0
        for sql, pattern in (
            ("SELECT id FROM participant WHERE nik LIKE :p OR kpj LIKE :p OR reg_no LIKE :p", nik),
            ("SELECT id FROM participant WHERE full_name LIKE :p", name),
        ):
            t0 = time.perf_counter()
            conn.execute(text(sql + " ORDER BY full_name, nik, reg_no, kpj, id LIMIT 200"), {"p": f"%{pattern}%"}).all()
            bare = max(bare, time.perf_counter() - t0)
    return nik, name, holders, bare


def run(villages: int, total: int, admin_url: str | None = None) -> dict[str, float]:
    """One regency of ``total`` participants: everything timed, printed, and returned. With
    ``admin_url`` the store is a fresh PostgreSQL database on that server, dropped after."""
    url, drop = fresh_pg_database(admin_url) if admin_url else (None, None)
    try:
        return _run(villages, total, url)
    finally:
        if drop is not None:
            drop()


def _run(villages: int, total: int, url: str | None) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        db, user, ingest, sender = build(tmp, villages, total, url)
        base = baseline(db)
        t0 = time.perf_counter()
        scan = DoubleEnrolmentService(db, user).scan()  # type: ignore[arg-type]
        scan_s = time.perf_counter() - t0
        found: list[object] = []
        figures, replay = same_statements(db, lambda: found.append(overview(db, user)))  # type: ignore[arg-type]
        ov = found[0]
        # A village's everyday package into the full regency: 20 new people, fifteen times, through
        # one service as the sync server and the Sinkronisasi page hold one (its keys read once).
        small = []
        service = RegencySync(db, user)  # type: ignore[arg-type]
        for k in range(15):
            data, name_ = sender.package(list(range(total * 3 + k * 20, total * 3 + k * 20 + 20)))
            t0 = time.perf_counter()
            got = service.import_package(data, name_)
            small.append(time.perf_counter() - t0)
            if got.added != 20:
                raise SystemExit(f"a 20-row package added {got.added}: nothing to measure")
        page_s = None
        peserta: dict[str, float] = {}
        try:
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
            from PySide6.QtWidgets import QApplication

            from kudus_desktop.gui.ops import wait_idle
            from kudus_desktop.gui.regency.regency_pages import RegencyDashboardPage
            from kudus_desktop.gui.signals import AppSignals

            app = QApplication.instance() or QApplication([])
            profile = AccountService(db).profile()  # type: ignore[arg-type]
            # As the window opens it: the page asks the database thread, then fills itself.
            t0 = time.perf_counter()
            page = RegencyDashboardPage(db, user, profile, AppSignals())  # type: ignore[arg-type]
            page.show()
            while page.data is None:
                app.processEvents()
            app.processEvents()
            page_s = time.perf_counter() - t0
            page.close()
            wait_idle()
            peserta = peserta_page(app, db, user)
        except ImportError:
            pass
        db.close()  # type: ignore[attr-defined]

    print(
        f"regency {'PostgreSQL store' if url else 'database'}: {total:,} participants from {villages} villages "
        f"(generated, sealed and ingested in {ingest:.1f} s)"
    )
    print(f"dashboard figures (core.overview): {figures:.2f} s  [target 1 s]; its SQL statements replayed through "
          f"the bare driver (baseline) {replay:.2f} s")  # fmt: skip
    if page_s is not None:
        print(f"Beranda page, figures + tree of 132 rows + chart, shown: {page_s:.2f} s  [target 1 s]")
    if peserta:
        print(
            f"Peserta page, every participant listed, opened: {peserta['open']:.2f} s  [target 1 s]; a keystroke's "
            f"results shown (digits / a name): max {peserta['digits'] * 1000:.0f} / {peserta['name'] * 1000:.0f} ms "
            f"[target 100 ms], every match read and counted: max {peserta['all'] * 1000:.0f} ms, the window "
            f"held at most {peserta['held'] * 1000:.1f} ms per keystroke; the list after a save: first rows "
            f"{peserta['save_first'] * 1000:.0f} ms [target 150 ms], all read {peserta['save'] * 1000:.0f} ms"
        )
        print(
            f"a rare search typed key by key (a whole NIK / the rarest name, {peserta['holders']:,} people), "
            f"results shown: max "
            f"{peserta['rare_nik'] * 1000:.0f} / {peserta['rare_name'] * 1000:.0f} ms [target 100 ms], every match "
            f"read: max {peserta['rare_all'] * 1000:.0f} ms; baseline, the bare LIKE over the name index: "
            f"{peserta['rare_bare'] * 1000:.0f} ms"
        )
    print(
        f"double-enrolment scan: {scan_s:.2f} s  [target 3 s at 1,000,000]; opened {scan.opened['nik']} same-NIK, "
        f"{scan.opened['apbd']} APBD, {scan.opened['similar']} similar"
    )
    print(f"baseline bare driver, the two grouped queries: {base:.2f} s")
    median, worst = statistics.median(small), max(small)
    print(f"a 20-row package into it: median {median * 1000:.0f} ms, max {worst * 1000:.0f} ms  [target 50 ms]")
    print(f"active shown on the dashboard: {ov.total.active:,}")  # type: ignore[attr-defined]
    return {"ingest": ingest, "dashboard": figures, "scan": scan_s, "package": median, "baseline": base,
            **{k: peserta[k] for k in ("rare_nik", "rare_name") if k in peserta}}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--villages", type=int, default=123)
    parser.add_argument("--total", type=int, default=100_000)
    parser.add_argument("--pg-url", help="a PostgreSQL server to run on (a fresh database is made and dropped)")
    parser.add_argument(
        "--sizes", default="", help="comma-separated totals, e.g. 10000,100000,1000000: each run, then growth"
    )
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {platform.processor() or '?'}, Python {platform.python_version()}")
    sizes = [int(x) for x in args.sizes.split(",") if x] or [args.total]
    results = [run(args.villages, n, args.pg_url) for n in sizes]
    steps = list(zip(sizes, results, strict=True))
    for (a, ra), (b, rb) in itertools.pairwise(steps):
        # Growth exponent k in time ~ size^k: 1 is linear (the target for ingest is k <= 1.05).
        grows = ", ".join(f"{key} k = {math.log(rb[key] / ra[key]) / math.log(b / a):.2f}" for key in ra)
        print(f"growth {a:,} -> {b:,}: {grows}")


if __name__ == "__main__":
    main()
