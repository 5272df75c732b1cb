"""The database file: schema vs mappings, pragmas, refusals that leave files untouched, migration."""

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from kudus_desktop.core.enrolment.participants import ParticipantQuery, ParticipantService
from kudus_desktop.core.errors import DataDirError, StorageError
from kudus_desktop.core.office.accounts import AccountService
from kudus_desktop.core.paths import DB_FILE_NAME, schema_path
from kudus_desktop.core.storage import db as dbmod
from kudus_desktop.core.storage.db import SCHEMA_VERSION, open_database
from kudus_desktop.core.storage.tables import Base
from tests.factories import PASSWORD, make_draft, sqlite_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _shape(conn: sqlite3.Connection, *, search: bool = True) -> dict[str, object]:
    """Tables with their columns (name, type, not null, pk) and indexes (columns, unique), and
    the triggers. ``search=False`` leaves out the SQLite-only trigram search index (its FTS5
    table, shadow tables, noted rows and triggers), which no mapping describes."""
    shape: dict[str, object] = {}
    tables = [
        r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
    ]
    shape["triggers"] = sorted(
        (r[0], r[1]) for r in conn.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'")
    )
    if not search:
        tables = [t for t in tables if not t.startswith("participant_search")]
        shape["triggers"] = [t for t in shape["triggers"] if not t[0].startswith("participant_search")]
    for t in sorted(tables):
        # An INTEGER PRIMARY KEY is never NULL whether or not NOT NULL is spelled out.
        cols = [(r[1], r[2].upper(), bool(r[3]) or r[5] > 0, r[5]) for r in conn.execute(f"PRAGMA table_info({t})")]
        indexes = set()
        for idx in conn.execute(f"PRAGMA index_list({t})"):
            info = tuple(r[2] for r in conn.execute(f"PRAGMA index_xinfo({idx[1]})") if r[5])
            indexes.add((info, bool(idx[2])))
        fks = sorted((r[3], r[2], r[4]) for r in conn.execute(f"PRAGMA foreign_key_list({t})"))
        shape[t] = (cols, indexes, fks)
    return shape


def test_sqlalchemy_mappings_match_the_schema_file(tmp_path: Path) -> None:
    from_file = sqlite3.connect(tmp_path / "file.sqlite")
    from_file.executescript(schema_path().read_text(encoding="utf-8"))
    engine = create_engine(f"sqlite:///{tmp_path / 'mapped.sqlite'}")
    Base.metadata.create_all(engine)
    engine.dispose()
    mapped = sqlite3.connect(tmp_path / "mapped.sqlite")
    try:
        assert _shape(from_file, search=False) == _shape(mapped, search=False)
        assert from_file.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        from_file.close()
        mapped.close()


def test_new_database_is_current_with_wal_and_durable_settings(tmp_path: Path) -> None:
    db = open_database(tmp_path / "new")
    assert db.report.created
    with db.begin() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA user_version")).scalar() == SCHEMA_VERSION
    db.close()


def test_history_cannot_point_at_a_missing_participant(db: dbmod.Database) -> None:
    with pytest.raises(IntegrityError), db.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO participant_history (participant_id, at, username, action, changes)"
                " VALUES (42, 'x', 'x', 'x', '[]')"
            )
        )


def _bytes(path: Path) -> bytes:
    return path.read_bytes()


def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / DB_FILE_NAME
    path.write_bytes(b"Ini surat undangan rapat desa, bukan basis data." * 100)
    before = _bytes(path)
    with pytest.raises(StorageError) as err:
        open_database(tmp_path)
    assert err.value.code == "db_not_sqlite"
    assert "bukan basis data" in str(err.value)
    assert _bytes(path) == before
    # Nothing but the folder's lock (whose holder list is empty again) was added.
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([DB_FILE_NAME, "kudus.lock", "run"])
    assert list((tmp_path / "run").iterdir()) == []


def test_a_truncated_database_is_refused_untouched(data_dir: Path) -> None:
    path = data_dir / DB_FILE_NAME
    path.write_bytes(_bytes(path)[:6000])
    before = _bytes(path)
    with pytest.raises(StorageError) as err:
        open_database(data_dir)
    assert err.value.code == "db_corrupt"
    assert _bytes(path) == before


def test_another_applications_sqlite_file_is_refused(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / DB_FILE_NAME)
    conn.execute("CREATE TABLE penduduk (nik TEXT)")
    conn.commit()
    conn.close()
    before = _bytes(tmp_path / DB_FILE_NAME)
    with pytest.raises(StorageError) as err:
        open_database(tmp_path)
    assert err.value.code == "db_foreign"
    assert _bytes(tmp_path / DB_FILE_NAME) == before


def test_a_database_from_a_newer_version_is_refused_untouched(data_dir: Path) -> None:
    path = data_dir / DB_FILE_NAME
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = _bytes(path)
    with pytest.raises(StorageError) as err:
        open_database(data_dir)
    assert err.value.code == "db_newer"
    assert f"skema {SCHEMA_VERSION + 1}" in str(err.value)
    assert _bytes(path) == before


def test_first_release_database_migrates_forward_after_a_backup(tmp_path: Path) -> None:
    shutil.copyfile(FIXTURES / "desa_v1.sqlite", tmp_path / DB_FILE_NAME)
    original = _bytes(tmp_path / DB_FILE_NAME)
    db = open_database(tmp_path)
    assert db.report.migrated_from == 1
    assert db.report.backup is not None and db.report.backup.exists()
    backup = sqlite3.connect(db.report.backup)
    assert backup.execute("PRAGMA user_version").fetchone()[0] == 1
    assert backup.execute("SELECT count(*) FROM participant").fetchone()[0] == 3
    backup.close()
    assert len(original) > 0

    user = AccountService(db).login("admin", PASSWORD)
    service = ParticipantService(db, user)
    people = {service.get(i).full_name: service.get(i) for i in service.query_ids(ParticipantQuery())}
    assert set(people) == {"Siti Aminah", "Budi Santoso", "Slamet Riyadi"}
    assert people["Slamet Riyadi"].status == "berhenti" and people["Slamet Riyadi"].exit_reason == "meninggal"
    assert all(p.rev > 0 for p in people.values())
    assert [h.action for h in service.history(people["Slamet Riyadi"].id)] == ["create", "end"]
    # The registration sequence carries on where the old version stopped.
    pid, _ = service.create(make_draft(40))
    assert service.get(pid).reg_no == "3319032008-00004"
    assert service.get(pid).rev > max(p.rev for p in people.values())
    db.close()
    with sqlite_file(tmp_path / DB_FILE_NAME) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("SELECT count(*) FROM setting WHERE key = 'reg_no_seq'").fetchone()[0] == 0


def test_a_failing_migration_leaves_the_old_database_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copyfile(FIXTURES / "desa_v1.sqlite", tmp_path / DB_FILE_NAME)

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE participant ADD COLUMN rev INTEGER NOT NULL DEFAULT 0")
        raise RuntimeError("disk penuh")

    monkeypatch.setitem(dbmod.STEPS, 2, broken)
    with pytest.raises(StorageError) as err:
        open_database(tmp_path)
    assert err.value.code == "migration_failed" and "disk penuh" in str(err.value)
    with sqlite_file(tmp_path / DB_FILE_NAME) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        assert "rev" not in [r[1] for r in conn.execute("PRAGMA table_info(participant)")]
        assert conn.execute("SELECT count(*) FROM participant").fetchone()[0] == 3


def test_a_data_dir_that_is_a_file_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("x")
    with pytest.raises(DataDirError) as err:
        open_database(blocker)
    assert err.value.code == "data_dir_not_dir" and str(blocker) in str(err.value)


def test_a_data_dir_without_write_permission_is_refused(tmp_path: Path) -> None:
    locked = tmp_path / "terkunci"
    locked.mkdir()
    locked.chmod(0o555)
    if os.geteuid() != 0:
        with pytest.raises(DataDirError) as err:
            open_database(locked)
        assert err.value.code == "data_dir_not_writable"
        assert not any(locked.iterdir())
        return
    # root ignores permission bits: check as an ordinary user in a forked child.
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child process
        code = 1
        try:
            os.setgid(65534)
            os.setuid(65534)
            try:
                open_database(locked)
            except DataDirError as exc:
                code = 0 if exc.code == "data_dir_not_writable" else 3
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert not any(locked.iterdir())


def test_a_migrated_first_release_database_has_exactly_the_current_shape(tmp_path: Path) -> None:
    shutil.copyfile(FIXTURES / "desa_v1.sqlite", tmp_path / DB_FILE_NAME)
    open_database(tmp_path).close()
    fresh = sqlite3.connect(tmp_path / "fresh.sqlite")
    fresh.executescript(schema_path().read_text(encoding="utf-8"))
    migrated = sqlite3.connect(tmp_path / DB_FILE_NAME)
    try:
        assert _shape(migrated) == _shape(fresh)
    finally:
        fresh.close()
        migrated.close()
