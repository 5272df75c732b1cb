"""Bulk inserts (the regency's ingest) land as a row-by-row INSERT would, on both stores: on
PostgreSQL a batch of COPY_ROWS or more goes through COPY and a temporary table, and must keep
every value, the first row of a DO NOTHING conflict and the last row of a DO UPDATE one."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from kudus_desktop.core.storage.db import COPY_ROWS, Database, insert_many, open_store

#: Text COPY must escape (tabs, newlines, backslashes, the \N that means NULL) and NULL itself.
AWKWARD = ["Jl. Kenanga\\2", "RT 01\nRW 02", "Tab\there", "\\N", "Ñoño 李", "", None]
#: What the drivers raise for a broken constraint (the bulk path talks to their cursors directly).
REFUSED = (IntegrityError, sqlite3.IntegrityError, psycopg.errors.IntegrityError)
UPDATE = "ON CONFLICT (k) DO UPDATE SET v = excluded.v"


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    url = request.getfixturevalue("pg_url") if request.param == "postgresql" else None
    db = open_store(tmp_path / "kab", url)
    with db.begin() as conn:
        conn.execute(text("CREATE TABLE probe (k INTEGER PRIMARY KEY, v TEXT, w INTEGER NOT NULL DEFAULT 1)"))
    yield db
    db.close()


def stored(db: Database) -> dict[int, str | None]:
    with db.begin() as conn:
        return {row.k: row.v for row in conn.execute(text("SELECT k, v FROM probe"))}


@pytest.mark.parametrize("count", [5, COPY_ROWS + 50])
def test_every_value_lands_as_given(store: Database, count: int) -> None:
    rows = [(n, AWKWARD[n % len(AWKWARD)]) for n in range(count)]
    with store.begin() as conn:
        insert_many(conn, "probe", ("k", "v"), rows)
    assert stored(store) == dict(rows)


@pytest.mark.parametrize("count", [5, COPY_ROWS + 50])
def test_conflicts_resolve_as_row_by_row(store: Database, count: int) -> None:
    with store.begin() as conn:
        insert_many(conn, "probe", ("k", "v"), [(0, "kept"), (1, "old")])
    # Every key three times: DO NOTHING keeps the first, DO UPDATE applies the last.
    rows = [(n % max(2, count // 3), f"{n}") for n in range(count)]
    with store.begin() as conn:
        insert_many(conn, "probe", ("k", "v"), rows, conflict="ON CONFLICT DO NOTHING")
    before = {0: "kept", 1: "old"}
    assert stored(store) == dict(reversed(rows)) | before
    with store.begin() as conn:
        insert_many(conn, "probe", ("k", "v"), rows, conflict=UPDATE, last_wins=("k",))
    assert stored(store) == before | dict(rows)


def test_a_refused_batch_leaves_nothing_and_the_next_one_lands(store: Database) -> None:
    rows = [(n, "x", 1) for n in range(COPY_ROWS)]
    columns = ("k", "v", "w")
    # The last row breaks a constraint only the table has (its copy in the temporary table does not).
    with pytest.raises(REFUSED), store.begin() as conn:
        insert_many(conn, "probe", columns, [*rows, (COPY_ROWS, "x", None)], conflict=UPDATE, last_wins=("k",))
    assert stored(store) == {}
    with pytest.raises(REFUSED), store.begin() as conn:
        insert_many(conn, "probe", columns, [*rows, (0, "twice", 1)])
    assert stored(store) == {}
    # The temporary table of the failed batch went with its transaction.
    with store.begin() as conn:
        insert_many(conn, "probe", columns, rows, conflict=UPDATE, last_wins=("k",))
    assert len(stored(store)) == COPY_ROWS
