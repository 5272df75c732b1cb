"""A PostgreSQL store is vacuumed as soon as it has grown past autovacuum's own trigger, and once a
SQLite file has been copied into it: until then every new row sends an index-only scan back to
the table (the dashboard right after 100,000 participants came in: 0.16 s against 0.05 s)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from kudus_desktop.core.office.accounts import AccountService
from kudus_desktop.core.storage import db as db_module
from kudus_desktop.core.storage.db import Database, open_store
from kudus_desktop.core.storage.store_copy import copy_store
from kudus_desktop.core.sync import RegencySync
from tests.conftest import PASSWORD, Office
from tests.core.conftest import join
from tests.factories import enrol, export, ingest


def vacuums(db: Database) -> tuple[int, bool]:
    """How often the participant table was vacuumed, and whether its pages are all marked visible."""
    with db.engine.connect() as conn:
        conn.exec_driver_sql("SELECT pg_stat_clear_snapshot()")
        count = conn.exec_driver_sql(
            "SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'participant'"
        ).scalar_one()
        pages, visible = conn.exec_driver_sql(
            "SELECT relpages, relallvisible FROM pg_class WHERE relname = 'participant'"
        ).one()
    return int(count), pages > 0 and visible == pages


def test_a_copied_store_and_a_grown_one_are_vacuumed_at_once(
    offices: dict[str, Office], pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kab, a = offices["kab"], offices["a"]
    stick = tmp_path / "stick"
    join(a, kab, tmp_path)
    enrol(a, 1, 2, 3)
    ingest(kab, export(a, stick), a)  # the regency's file holds three people when it moves
    store = open_store(kab.path, pg_url)
    try:
        copy_store(kab.db, store)
        assert vacuums(store) == (1, True), "the copy is vacuumed before its first query"
        monkeypatch.setattr(db_module, "VACUUM_INSERTS", 5)
        regency = RegencySync(store, AccountService(store).login("admin", PASSWORD))

        def send(*serials: int) -> int:
            enrol(a, *serials)
            package = export(a, stick)
            regency.import_package(package.read_bytes(), package.name)
            store.settle()  # the vacuum runs beside the commit, not inside the import
            return vacuums(store)[0]

        assert send(*range(4, 12)) == 2, "11 rows and no vacuum by the store yet: vacuumed after the commit"
        assert vacuums(store)[1], "every page marked visible again"
        assert send(12, 13) == 2, "2 more rows are under 5 + 20 % of 11: left to autovacuum"
        assert send(*range(14, 22)) == 3, "10 rows since the store's vacuum: past the trigger again"
    finally:
        store.close()


def test_the_import_does_not_wait_for_the_vacuum(
    offices: dict[str, Office], pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A village's upload is answered after its commit; the vacuum it set off runs beside it."""
    kab, a = offices["kab"], offices["a"]
    stick = tmp_path / "stick"
    join(a, kab, tmp_path)
    enrol(a, 1, 2, 3)
    ingest(kab, export(a, stick), a)
    store = open_store(kab.path, pg_url)
    release, finished = threading.Event(), threading.Event()
    real = Database.vacuum

    def held(self: Database, tables: set[str]) -> None:
        release.wait(60)  # held until the test has seen the import return
        real(self, tables)
        finished.set()

    try:
        copy_store(kab.db, store)
        monkeypatch.setattr(db_module, "VACUUM_INSERTS", 5)
        monkeypatch.setattr(Database, "vacuum", held)
        regency = RegencySync(store, AccountService(store).login("admin", PASSWORD))
        enrol(a, *range(4, 12))
        package = export(a, stick)
        result = regency.import_package(package.read_bytes(), package.name)
        assert result.added == 8
        assert not finished.is_set(), "the import returned only after its vacuum"
        release.set()
        store.settle()
        assert finished.is_set()
        assert vacuums(store) == (2, True), "vacuumed once settled"
    finally:
        release.set()
        store.close()
