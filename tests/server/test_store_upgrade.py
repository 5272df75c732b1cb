"""A regency store on PostgreSQL made by the previous version (schema 9) is carried forward when
opened, in one transaction, instead of being refused; its data stays and the sync boundary's new
tables and rules are in place."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect, text

from kudus_desktop.core.errors import StorageError
from kudus_desktop.core.office.accounts import AccountService
from kudus_desktop.core.storage.db import SCHEMA_VERSION, STORE_VERSION_KEY, open_store
from kudus_desktop.core.storage.store_copy import copy_store
from tests.conftest import PASSWORD, Office


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
        conn.execute(text("UPDATE setting SET value = '8' WHERE key = :k"), {"k": STORE_VERSION_KEY})
    engine.dispose()
    with pytest.raises(StorageError) as err:
        open_store(kab.path, pg_url)
    assert err.value.code == "store_schema_old"
