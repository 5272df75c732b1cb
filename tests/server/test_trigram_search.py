"""A name searched anywhere in it on the regency's PostgreSQL store: the trigram index is made
when the store opens, the server's planner reads it for a rare name, and a server where the
role may not install pg_trgm still opens and searches, only without it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, create_engine, select, text

from kudus_desktop.core.enrolment.participants import ParticipantQuery, ParticipantService
from kudus_desktop.core.office.accounts import AccountService
from kudus_desktop.core.storage import db as db_module
from kudus_desktop.core.storage.db import open_store
from kudus_desktop.core.storage.store_copy import copy_store
from kudus_desktop.core.storage.tables import participant_table
from tests.conftest import PASSWORD, Office
from tests.factories import make_draft


def _indexes(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return set(conn.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = 'participant'")).scalars())
    finally:
        engine.dispose()


def _more_people(conn: Connection, name_like: str) -> None:
    """2,000 more participants, copies of the one whose name is LIKE ``name_like``: numbers
    "3399...", names "Siti Aminah <n>"; enough rows that the planner weighs its indexes."""
    made = {"uid": "'u' || g", "reg_no": "'r' || g", "nik": "'3399' || lpad(g::text, 12, '0')",
            "full_name": "'Siti Aminah ' || g"}  # fmt: skip
    rest = [c.name for c in participant_table.columns if c.name != "id" and c.name not in made]
    columns = ", ".join([*made, *rest])
    values = ", ".join([*made.values(), *(f"p.{c}" for c in rest)])
    conn.exec_driver_sql(
        f"INSERT INTO participant ({columns}) SELECT {values} "
        f"FROM participant p, generate_series(1, 2000) g WHERE p.full_name LIKE '{name_like}'"
    )
    conn.exec_driver_sql("ANALYZE participant")


def test_a_rare_name_is_found_through_the_trigram_index(offices: dict[str, Office], pg_url: str) -> None:
    office = offices["a"]
    store = open_store(office.path, pg_url)
    try:
        copy_store(office.db, store)
        assert "ix_participant_name_trgm" in _indexes(pg_url)
        service = ParticipantService(store, AccountService(store).login("admin", PASSWORD))
        service.create(make_draft(1, full_name="Raden Ajeng Kusumawardhani"))
        with store.begin() as conn:
            _more_people(conn, "Raden%%")
            # The index must serve this very query's shape (ILIKE '%...%', case folded); at this
            # size the planner would rather read the table, at 100,000 it takes the index
            # (benchmarks/bench_regency.py: the rarest name typed key by key in 20-36 ms, 116-123 without).
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
            plan = "\n".join(
                conn.execute(
                    text(
                        "EXPLAIN SELECT id FROM participant WHERE full_name ILIKE :t "
                        'ORDER BY lower(full_name) COLLATE "C" LIMIT 9'
                    ),
                    {"t": "%kusumaw%"},
                ).scalars()
            )
        assert "ix_participant_name_trgm" in plan, plan
        found = service.query_ids(ParticipantQuery(text="KUSUMAW"), limit=200)
        assert len(found) == 1
        assert len(service.query_ids(ParticipantQuery(text="siti amin"), limit=200)) == 200
        assert len(service.query_ids(ParticipantQuery(text="aminah 1999"))) == 1
    finally:
        store.close()


def test_a_store_without_pg_trgm_opens_and_searches_as_before(
    offices: dict[str, Office], pg_url: str, tmp_path: Path, monkeypatch: object
) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    # A server without the extension answers CREATE EXTENSION with an error, as this made-up one does.
    monkeypatch.setattr(db_module, "TRIGRAM_INDEXES", {"ix_participant_name_trgm": ("no_such_column",)})
    office = offices["a"]
    store = open_store(office.path, pg_url)
    try:
        copy_store(office.db, store)
        assert "ix_participant_name_trgm" not in _indexes(pg_url)
        service = ParticipantService(store, AccountService(store).login("admin", PASSWORD))
        service.create(make_draft(1, full_name="Raden Ajeng Kusumawardhani"))
        assert len(service.query_ids(ParticipantQuery(text="kusumaw"))) == 1
    finally:
        store.close()


def test_a_long_number_is_found_through_the_number_index_and_a_few_digits_row_by_row(
    offices: dict[str, Office], pg_url: str
) -> None:
    """Eight digits or more of a NIK, KPJ or registration number are looked up in the trigram
    index over numbers; fewer (whose trigrams every Kudus NIK has) are tested row by row, where
    the index would have the server read every row through it. Either way the same people."""
    office = offices["a"]
    village = ParticipantService(office.db, AccountService(office.db).login("admin", PASSWORD))
    for n in range(1, 31):
        village.create(make_draft(n))
    store = open_store(office.path, pg_url)
    try:
        copy_store(office.db, store)
        assert "ix_participant_number_trgm" in _indexes(pg_url)
        service = ParticipantService(store, AccountService(store).login("admin", PASSWORD))
        whole = village.views(village.query_ids(ParticipantQuery()))[7]
        texts = (whole.nik, whole.nik[4:14], whole.nik[-5:], "3319", whole.reg_no, whole.reg_no[-6:])
        for typed in texts:
            q = ParticipantQuery(text=typed)
            assert [v.nik for v in service.views(service.query_ids(q))] == [
                v.nik for v in village.views(village.query_ids(q))
            ], typed
        assert [v.nik for v in service.views(service.query_ids(ParticipantQuery(text=whole.nik)))] == [whole.nik]

        with store.begin() as conn:
            _more_people(conn, whole.full_name)

        def plan(typed: str) -> str:
            with store.engine.connect() as conn, conn.begin() as tx:
                # A few thousand rows: the table or the order index would do; both set aside
                # (for this transaction only) to ask whether the number index serves the query.
                conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
                conn.exec_driver_sql("DROP INDEX ix_participant_order_pg")
                stmt = select(participant_table.c.id).where(*service._where(conn, ParticipantQuery(text=typed)))
                sql = stmt.compile(dialect=conn.dialect)
                found = "\n".join(conn.exec_driver_sql(f"EXPLAIN {sql}", sql.params).scalars())
                tx.rollback()
                return found

        assert "ix_participant_number_trgm" in plan(whole.nik), plan(whole.nik)
        assert "ix_participant_number_trgm" not in plan(whole.nik[:5]), plan(whole.nik[:5])
    finally:
        store.close()
