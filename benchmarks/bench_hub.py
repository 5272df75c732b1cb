"""Load and faults on the sync server over loopback, on SQLite and on PostgreSQL.

123 villages (confirmed devices with their own keys) each upload 5 packages at once, every
village in its own thread, to a real ``kudus-desktop server serve`` process. Some uploads are
first cut at a random byte offset (the connection closes mid-body) and then retried; the
server is killed (SIGKILL) and started again in the middle of the load. Afterwards every
package must be in the regency's inbox exactly once and every participant present once.

Baseline in the same run: the same packages imported in one process straight through
``RegencySync.import_package`` (no HTTP), on the same kind of store.

    python benchmarks/bench_hub.py [--villages 123] [--packages 5] [--per-package 20]
        [--pg-url postgresql+psycopg://user:pass@127.0.0.1/postgres] [--no-restart] [--cut 0.2]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey  # noqa: E402
from sqlalchemy import create_engine, func, make_url, select, text  # noqa: E402
from sqlalchemy.exc import ProgrammingError  # noqa: E402

from kudus_desktop.core.office.accounts import AccountService, SetupRequest  # noqa: E402
from kudus_desktop.core.paths import DB_FILE_NAME  # noqa: E402
from kudus_desktop.core.regency.sync_server import SERVER_USER  # noqa: E402
from kudus_desktop.core.rules.regions import all_regions  # noqa: E402
from kudus_desktop.core.storage.db import Database, open_database, open_store  # noqa: E402
from kudus_desktop.core.storage.signing import (  # noqa: E402
    KEY_DIR,
    Identity,
    identity,
)
from kudus_desktop.core.storage.store_copy import copy_store  # noqa: E402
from kudus_desktop.core.storage.syncfile import seal  # noqa: E402
from kudus_desktop.core.storage.tables import participant_table, sync_device_table, sync_inbox_table  # noqa: E402
from kudus_desktop.core.sync import (  # noqa: E402
    HISTORY_COLUMNS,
    PARTICIPANT_COLUMNS,
    RegencySync,
    package_name,
)
from kudus_desktop.core.sync.protocol import PACKAGES_PATH, sign_request  # noqa: E402
from tests.factories import letters  # noqa: E402

PASSWORD = "rahasia-kabupaten-1"
STAMP = "2026-11-24 10:00:00"


@dataclass
class Village:
    desa: str
    me: Identity
    rows: int  # participants per package
    packages: list[tuple[int, str, bytes]] = field(default_factory=list)  # seq, name, bytes


@dataclass
class LoadResult:
    store: str
    packages: int
    participants: int
    seconds: float
    statuses: dict[str, int]
    cut: int
    retries: int
    restarts: int
    inbox: int
    inbox_distinct: int
    held: int

    @property
    def per_second(self) -> tuple[float, float]:
        return self.packages / self.seconds, self.participants / self.seconds


def prepare(template: Path, villages: int, packages: int, per_package: int) -> list[Village]:
    """A SQLite regency in ``template`` with the villages' devices confirmed, and their packages."""
    db = open_database(template)
    try:
        AccountService(db).initialise(
            SetupRequest("kabupaten", "33.19", "Kepala", "Kepala DPMD", "admin", "Admin", PASSWORD, "")
        )
        return build_villages(db, villages, packages, per_package)
    finally:
        db.close()


def store_from(template: Path, data_dir: Path, url: str | None) -> None:
    """A copy of the prepared regency: the SQLite file, or its content in the empty database ``url``."""
    data_dir.mkdir(parents=True)
    shutil.copyfile(template / DB_FILE_NAME, data_dir / DB_FILE_NAME)
    shutil.copytree(template / KEY_DIR, data_dir / KEY_DIR)  # the file that opens the regency's keys
    if url:
        src = open_database(data_dir)
        dst = open_store(data_dir, url)
        try:
            copy_store(src, dst)
        finally:
            src.close()
            dst.close()


def build_villages(regency: Database, villages: int, packages: int, per_package: int) -> list[Village]:
    """Villages whose devices the regency has confirmed, each with its packages sealed."""
    box = identity(regency).box_public
    desas = [r.code for r in all_regions() if r.level == "desa"][:villages]
    out = []
    serial = 0
    for desa in desas:
        v = Village(desa, Identity(Ed25519PrivateKey.generate(), X25519PrivateKey.generate()), per_package)
        digits = desa.replace(".", "")
        rev = 0
        for seq in range(1, packages + 1):
            people, history = [], []
            for _ in range(per_package):
                serial += 1
                rev += 1
                uid = str(uuid.uuid4())
                values: dict[str, object] = {
                    "uid": uid, "reg_no": f"{digits}-{rev:05d}", "desa_code": desa,
                    "nik": f"3319{(serial // 9999) % 9 + 1:02d}{12 + serial % 17:02d}0580{serial % 9999 + 1:04d}",
                    "kk": f"33190312051{serial:05d}", "full_name": f"Warga {letters(serial)}", "birth_place": "Kudus",
                    "birth_date": "1980-05-12", "sex": "L" if serial % 2 else "P", "address": "Jl. Raya",
                    "dusun": "Krajan", "rt": "001", "rw": "002", "phone": None, "occupation": "Buruh",
                    "category": "pekerja_rentan", "source_list": "DTKS", "source_date": None, "funding": "pades",
                    "start_date": "2026-11-01", "status": "aktif", "exit_reason": None, "exit_date": None,
                    "kpj": None, "created_at": STAMP, "updated_at": STAMP, "created_by": "operator",
                    "updated_by": "operator", "rev": rev,
                }  # fmt: skip
                people.append([values[c] for c in PARTICIPANT_COLUMNS])
                history.append([uid, STAMP, "operator", "create", json.dumps([["nik", None, values["nik"]]]), rev])
            payload = {
                "from_rev": rev - per_package, "to_rev": rev, "full": False,
                "participants": {"columns": list(PARTICIPANT_COLUMNS), "rows": people},
                "history": {"columns": list(HISTORY_COLUMNS), "rows": history},
            }  # fmt: skip
            data = seal(
                "package", regency="33.19", desa=desa, seq=seq, created=STAMP, schema=7, payload=payload,
                sender=v.me, recipient_box=box,
            )  # fmt: skip
            v.packages.append((seq, package_name(desa, v.me.device_id, seq), data))
        out.append(v)
    with regency.begin() as conn:
        conn.execute(
            sync_device_table.insert(),
            [
                {"device_id": v.me.device_id, "desa_code": v.desa, "sign_key": v.me.sign_public,
                 "box_key": v.me.box_public, "registered_at": STAMP, "registered_by": "admin"}
                for v in out
            ],
        )  # fmt: skip
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerProcess:
    """``kudus-desktop server serve`` as a separate process that can be killed and started again."""

    def __init__(self, data_dir: Path, url: str | None, port: int, log: Path) -> None:
        self.cmd = [sys.executable, "-m", "kudus_desktop", "--data-dir", str(data_dir)]
        if url:
            self.cmd += ["--db", url]
        self.cmd += ["server", "serve", "--port", str(port), "--rate", "1000000", "--burst", "100000"]
        self.port = port
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with open(self.log, "ab") as out:
            # The server runs as the regency's admin, as a scheduled service would.
            env = {**os.environ, "KUDUS_USER": "admin", "KUDUS_PASSWORD": PASSWORD}
            self.proc = subprocess.Popen(self.cmd, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, env=env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
            if self.proc.poll() is not None:
                break
        raise RuntimeError(f"server did not start: {self.log.read_text(errors='replace')[-2000:]}")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()


def cut_upload(port: int, me: Identity, data: bytes, offset: int) -> None:
    """Send a POST whose body stops at ``offset`` bytes, then close: a dropped line."""
    headers = sign_request(me, me.device_id, "POST", PACKAGES_PATH, data)
    head = (
        f"POST {PACKAGES_PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/octet-stream\r\n"
        f"Content-Length: {len(data)}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    ).encode("ascii")
    raw = head + data
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(raw[: len(head) + offset])
    except OSError:
        pass  # the server may be down at that moment: the line is cut either way


def run_load(
    template: Path,
    load: list[Village],
    data_dir: Path,
    url: str | None,
    *,
    restart: bool = True,
    cut: float = 0.2,
    seed: int = 1,
) -> LoadResult:
    """Upload every village's packages at once to a server process over a copy of ``template``."""
    store_from(template, data_dir, url)
    packages = len(load[0].packages)
    per_package = load[0].rows
    villages = len(load)
    port = free_port()
    server = ServerProcess(data_dir, url, port, data_dir / "hub.log")
    server.start()
    rng = random.Random(seed)
    plan = {(v.desa, seq): (rng.randint(0, len(d) - 1) if rng.random() < cut else None) for v in load
            for seq, _, d in v.packages}  # fmt: skip
    statuses: dict[str, int] = {}
    counters = {"retries": 0, "done": 0, "restarts": 0, "cut": 0}
    lock = threading.Lock()
    total = villages * packages
    restarted = threading.Event()

    def restart_when_due() -> None:
        if restart and not restarted.is_set() and counters["done"] >= total * 0.4:
            restarted.set()
            server.kill()
            time.sleep(0.3)
            server.start()
            counters["restarts"] += 1

    def village_worker(v: Village) -> None:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=httpx.Timeout(120, connect=5)) as client:
            for seq, _, data in v.packages:
                offset = plan[(v.desa, seq)]
                if offset is not None:
                    cut_upload(port, v.me, data, offset)
                    with lock:
                        counters["cut"] += 1
                headers = sign_request(v.me, v.me.device_id, "POST", PACKAGES_PATH, data)
                deadline = time.monotonic() + 300
                while True:
                    try:
                        r = client.post(PACKAGES_PATH, content=data, headers=headers)
                        if r.status_code == 200:
                            break
                        if r.status_code < 500 and r.status_code != 429:
                            raise RuntimeError(f"{v.desa} paket {seq}: {r.status_code} {r.text}")
                    except httpx.HTTPError:
                        pass
                    with lock:
                        counters["retries"] += 1
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"{v.desa} paket {seq}: no answer")
                    time.sleep(0.2)
                with lock:
                    status = r.json()["status"]
                    statuses[status] = statuses.get(status, 0) + 1
                    counters["done"] += 1

    watcher_stop = threading.Event()

    def watcher() -> None:
        while not watcher_stop.is_set():
            restart_when_due()
            if restarted.is_set():
                return
            time.sleep(0.02)

    w = threading.Thread(target=watcher, daemon=True)
    w.start()
    t0 = time.perf_counter()
    try:
        with ThreadPoolExecutor(max_workers=len(load)) as pool:
            for f in [pool.submit(village_worker, v) for v in load]:
                f.result()
        seconds = time.perf_counter() - t0
    finally:
        watcher_stop.set()
        server.stop()
    store = open_store(data_dir, url, create=False)
    try:
        with store.begin() as conn:
            inbox = int(conn.execute(select(func.count()).select_from(sync_inbox_table)).scalar_one())
            i = sync_inbox_table.c
            distinct = len(conn.execute(select(i.device_id, i.seq).distinct()).all())
            held = int(conn.execute(select(func.count()).select_from(participant_table)).scalar_one())
        kind = store.engine.dialect.name
    finally:
        store.close()
    return LoadResult(
        kind, total, total * per_package, seconds, statuses, counters["cut"], counters["retries"],
        counters["restarts"], inbox, distinct, held,
    )  # fmt: skip


def direct_import(template: Path, load: list[Village], data_dir: Path, url: str | None) -> float:
    """The same packages through the core import in one process, no HTTP: the server's floor."""
    store_from(template, data_dir, url)
    regency = open_store(data_dir, url, create=False)
    try:
        regency_sync = RegencySync(regency, SERVER_USER)
        t0 = time.perf_counter()
        for v in load:
            for _, name, data in v.packages:
                regency_sync.import_package(data, name)
        return time.perf_counter() - t0
    finally:
        regency.close()


def fresh_pg_database(admin_url: str) -> tuple[str, Callable[[], None]]:
    name = f"kudus_load_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        # An autovacuum worker the server started on the new database belongs to the superuser and
        # cannot be ended by this role: try again until it is done (moments), as the tests do.
        for _ in range(100):
            try:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                break
            except ProgrammingError as exc:
                if "pg_signal_backend" not in str(exc):
                    raise
                time.sleep(0.1)
        admin.dispose()

    return make_url(admin_url).set(database=name).render_as_string(hide_password=False), drop


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--villages", type=int, default=123)
    parser.add_argument("--packages", type=int, default=5)
    parser.add_argument("--per-package", type=int, default=20)
    parser.add_argument("--cut", type=float, default=0.2, help="share of uploads first cut mid-body")
    parser.add_argument("--no-restart", action="store_true")
    parser.add_argument("--pg-url", default=os.environ.get("KUDUS_TEST_PG_URL"), help="admin URL to create a database")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        load = prepare(tmp / "template", args.villages, args.packages, args.per_package)
        for n, admin_url in enumerate([None, *([args.pg_url] if args.pg_url else [])]):
            drops: list[Callable[[], None]] = []
            try:
                urls: list[str | None] = [None, None]
                if admin_url:
                    made = [fresh_pg_database(admin_url) for _ in range(2)]
                    urls = [u for u, _ in made]
                    drops = [d for _, d in made]
                r = run_load(
                    tmp / "template", load, tmp / f"load-{n}", urls[0], restart=not args.no_restart, cut=args.cut
                )
                direct = direct_import(tmp / "template", load, tmp / f"direct-{n}", urls[1])
            finally:
                for drop in drops:
                    drop()
            pps, ips = r.per_second
            ok = r.inbox == r.packages == r.inbox_distinct and r.held == r.participants
            print(
                f"{r.store}: {r.packages} packages ({r.participants:,} participants) from {args.villages} villages "
                f"at once in {r.seconds:.1f} s: {pps:.1f} packages/s, {ips:.0f} participants/s; "
                f"cut first: {r.cut}, retries: {r.retries}, server restarts: {r.restarts}; answers {r.statuses}; "
                f"inbox {r.inbox} ({r.inbox_distinct} distinct), participants held {r.held:,}: "
                + ("every package imported exactly once" if ok else "MISMATCH")
            )
            print(
                f"{r.store} baseline, the same packages imported in-process without HTTP: {direct:.1f} s "
                f"({r.packages / direct:.1f} packages/s); server / baseline: {r.seconds / direct:.2f}x"
            )


if __name__ == "__main__":
    main()
