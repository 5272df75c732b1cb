"""A regency store on PostgreSQL made by an older version is carried forward when opened, in one
transaction, instead of being refused: from schema 7 (the first with server stores, as that
version's own code wrote it) to a store of the same shape as a fresh one, its data kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, create_engine, inspect, text

from kudus_desktop.core.enrolment.participants import ParticipantService
from kudus_desktop.core.errors import StorageError
from kudus_desktop.core.office.accounts import AccountService
from kudus_desktop.core.storage.db import SCHEMA_VERSION, STORE_VERSION_KEY, open_store
from kudus_desktop.core.storage.store_copy import copy_store
from tests.conftest import PASSWORD, Office

SCHEMA_7 = Path(__file__).resolve().parents[1] / "fixtures" / "regency_pg_v7.sql"
SCHEMA_7_PASSWORD = "sandi-rahasia-123"  # tests/fixtures/make_regency_pg_v7.py


def shape(conn: Connection) -> dict[str, Any]:
    """Everything of a store's tables that the application relies on, comparable across stores."""
    look = inspect(conn)
    out: dict[str, Any] = {}
    for table in sorted(look.get_table_names()):
        out[table] = {
            "columns": sorted(
                (c["name"], str(c["type"]), c["nullable"], str(c["default"] or "").split("::")[0])
                for c in look.get_columns(table)
            ),
            "primary key": look.get_pk_constraint(table)["constrained_columns"],
            "unique": sorted(tuple(u["column_names"]) for u in look.get_unique_constraints(table)),
            "indexes": sorted(
                (i["name"], tuple(str(c) for c in i["column_names"]), bool(i["unique"]), str(i.get("dialect_options")))
                for i in look.get_indexes(table)
            ),
            "foreign keys": sorted(
                (tuple(f["constrained_columns"]), f["referred_table"], tuple(f["referred_columns"]))
                for f in look.get_foreign_keys(table)
            ),
            "checks": sorted(c["sqltext"] for c in look.get_check_constraints(table)),
        }
    return out


def test_a_schema_7_store_as_that_version_made_it_becomes_a_fresh_stores_shape(
    tmp_path: Path, pg_url: str, second_pg_url: str
) -> None:
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.exec_driver_sql(SCHEMA_7.read_text(encoding="utf-8"))
    engine.dispose()
    store = open_store(tmp_path / "kab", pg_url)
    fresh = open_store(tmp_path / "fresh", second_pg_url)
    try:
        with store.engine.connect() as a, fresh.engine.connect() as b:
            migrated, made = shape(a), shape(b)
            version = a.execute(text("SELECT value FROM setting WHERE key = :k"), {"k": STORE_VERSION_KEY})
            assert version.scalar_one() == str(SCHEMA_VERSION)
        assert sorted(migrated) == sorted(made), "the same tables"
        for table in made:
            assert migrated[table] == made[table], table
        user = AccountService(store).login("admin", SCHEMA_7_PASSWORD)  # the account and its hash stayed
        assert [p.full_name for p in ParticipantService(store, user).views([1])] == ["Siti Aminah"]
    finally:
        store.close()
        fresh.close()


def as_schema_9(url: str) -> None:
    """Take a current store back to what schema 9 had: no rejection or alias tables, none of the
    new columns, a registration number unique across the regency."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE sync_rejection"))
        conn.execute(text("DROP TABLE participant_alias"))
        for table, column in (
            ("sync_outbox", "superseded_at"), ("sync_device", "predecessor"), ("sync_device", "retired_at"),
            ("sync_device", "retired_seq"), ("sync_device", "revoked_at"), ("sync_device", "revoked_by"),
            ("sync_device", "revoke_reason"), ("sync_inbox", "rejected"), ("sync_inbox", "format"),
        ):  # fmt: skip
            conn.execute(text(f"ALTER TABLE {table} DROP COLUMN {column}"))
        conn.execute(text("ALTER TABLE participant DROP CONSTRAINT participant_desa_code_reg_no_key"))
        conn.execute(text("ALTER TABLE participant ADD CONSTRAINT participant_reg_no_key UNIQUE (reg_no)"))
        conn.execute(text("UPDATE setting SET value = '9' WHERE key = :k"), {"k": STORE_VERSION_KEY})
    engine.dispose()


def test_a_schema_9_store_is_carried_forward(offices: dict[str, Office], pg_url: str) -> None:
    kab = offices["kab"]
    store = open_store(kab.path, pg_url)
    copy_store(kab.db, store)
    store.close()
    as_schema_9(pg_url)
    store = open_store(kab.path, pg_url)
    try:
        assert AccountService(store).login("admin", PASSWORD).username == "admin"  # the data stayed
        with store.engine.connect() as conn:
            names = set(inspect(conn).get_table_names())
            assert {"sync_rejection", "participant_alias"} <= names
            columns = {c["name"] for c in inspect(conn).get_columns("sync_device")}
            assert {"predecessor", "retired_at", "retired_seq", "revoked_at", "revoke_reason"} <= columns
            uniques = {tuple(u["column_names"]) for u in inspect(conn).get_unique_constraints("participant")}
            assert ("desa_code", "reg_no") in uniques and ("reg_no",) not in uniques
            version = conn.execute(text("SELECT value FROM setting WHERE key = :k"), {"k": STORE_VERSION_KEY})
            assert version.scalar_one() == str(SCHEMA_VERSION)
    finally:
        store.close()


def test_an_older_store_is_refused_unchanged(offices: dict[str, Office], pg_url: str) -> None:
    kab = offices["kab"]
    store = open_store(kab.path, pg_url)
    copy_store(kab.db, store)
    store.close()
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE setting SET value = '6' WHERE key = :k"), {"k": STORE_VERSION_KEY})
    engine.dispose()
    with pytest.raises(StorageError) as err:
        open_store(kab.path, pg_url)
    assert err.value.code == "store_schema_old"
