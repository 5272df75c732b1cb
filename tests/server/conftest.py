"""A real sync server on 127.0.0.1 over a regency store on SQLite or PostgreSQL.

PostgreSQL comes from ``KUDUS_TEST_PG_URL`` (a role allowed to create databases; ``.ci/run``
starts Debian's server and sets it); each test gets a database of its own, dropped afterwards.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import Engine, create_engine, func, make_url, select, text
from sqlalchemy.exc import ProgrammingError

from kudus_desktop.core.office.accounts import AccountService
from kudus_desktop.core.regency.sync_server import RateLimiter, SyncServer
from kudus_desktop.core.rules.records import UserView
from kudus_desktop.core.storage.db import Database, open_database, open_store
from kudus_desktop.core.storage.signing import identity
from kudus_desktop.core.storage.store_copy import copy_store
from kudus_desktop.core.sync import RegencySync, VillageSync
from kudus_desktop.server.app import create_app
from tests.conftest import DESA_B, DESA_C, PASSWORD, Office
from tests.factories import DESA

CODES = {"a": DESA, "b": DESA_B, "c": DESA_C}


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    url = os.environ.get("KUDUS_TEST_PG_URL")
    if not url:
        pytest.skip("PostgreSQL tidak tersedia: set KUDUS_TEST_PG_URL (.ci/run menjalankan server PostgreSQL)")
    return url


@contextmanager
def _fresh_database(admin_url: str) -> Iterator[str]:
    name = f"kudus_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        drop_database(admin, name)
        admin.dispose()


@pytest.fixture
def pg_url(pg_admin_url: str) -> Iterator[str]:
    """An empty PostgreSQL database of this test's own."""
    with _fresh_database(pg_admin_url) as url:
        yield url


@pytest.fixture
def second_pg_url(pg_admin_url: str) -> Iterator[str]:
    """Another one, beside it (a fresh store to compare with)."""
    with _fresh_database(pg_admin_url) as url:
        yield url


def drop_database(admin: Engine, name: str) -> None:
    """Drop a test's database. FORCE ends the test's own leftover sessions; an autovacuum worker
    the server started on the new database is the superuser's and cannot be ended by this role,
    so the drop is tried again until the worker is done (it is, within moments); a database left
    behind costs nothing but disk, so a drop that never succeeds is no failure of the test."""
    for _ in range(100):
        try:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        except ProgrammingError as exc:
            if "pg_signal_backend" not in str(exc):
                raise
            time.sleep(0.1)


@dataclass
class Regency:
    db: Database
    user: UserView
    data_dir: Path


@pytest.fixture(params=["sqlite", "postgresql"])
def regency(request: pytest.FixtureRequest, offices: dict[str, Office], tmp_path: Path) -> Iterator[Regency]:
    """The regency's store: its SQLite file, or the same data copied into PostgreSQL."""
    kab = offices["kab"]
    if request.param == "sqlite":
        yield Regency(kab.db, kab.user, kab.path)
        return
    url = request.getfixturevalue("pg_url")
    store = open_store(kab.path, url)
    copy_store(kab.db, store)
    user = AccountService(store).login("admin", PASSWORD)
    yield Regency(store, user, kab.path)
    store.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """uvicorn serving the hub app in a thread of the test process."""

    def __init__(
        self,
        service: SyncServer,
        *,
        max_body: int | None = None,
        limiter: RateLimiter | None = None,
        max_bodies: int | None = None,
    ) -> None:
        self.port = free_port()
        kwargs: dict[str, int] = {"max_body": max_body} if max_body else {}
        if max_bodies:
            kwargs["max_bodies"] = max_bodies
        app = create_app(service, limiter=limiter, **kwargs)  # type: ignore[arg-type]
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.02)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture
def hub(regency: Regency) -> Iterator[Server]:
    server = Server(SyncServer(regency.db))
    yield server
    server.stop()


@pytest.fixture
def villages(offices: dict[str, Office], regency: Regency, hub: Server, tmp_path: Path) -> dict[str, Office]:
    """Three villages joined with setup files that carry the server's address."""
    for key in ("a", "b", "c"):
        path, _ = RegencySync(regency.db, regency.user).make_setup_file(CODES[key], tmp_path, server=hub.url)
        VillageSync(offices[key].db, offices[key].user).join(path)
    return {k: offices[k] for k in ("a", "b", "c")}


def reopen(path: Path) -> Database:
    return open_database(path)


def count(regency: Regency, table: object) -> int:
    with regency.db.begin() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def confirm(regency: Regency, village: Office) -> None:
    """The regency operator compares the fingerprint the village reads out and confirms."""
    me = identity(village.db)
    report = RegencySync(regency.db, regency.user).confirm_pending(me.device_id, me.fingerprint)
    assert not report.failed


def error_of(response: httpx.Response) -> str:
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["reason"] and body["reason"] != body["error"]  # a sentence, not just a code
    return str(body["error"])
