"""The regency's name word table (PostgreSQL): kept by the server's own triggers whatever writes
the participants, and a name search read from it finds the same people, in the same order, as
the list's own order would."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from kudus_desktop.core.enrolment import participants as module
from kudus_desktop.core.enrolment.participants import ParticipantQuery, ParticipantService
from kudus_desktop.core.office.accounts import AccountService
from kudus_desktop.core.storage.db import COPY_ROWS, Database, insert_many, open_store
from kudus_desktop.core.storage.name_words import WORDS
from kudus_desktop.core.storage.store_copy import copy_store
from tests.conftest import PASSWORD, Office
from tests.factories import make_draft

#: Names a search must find by any word: a word twice, two words holding the same text, case,
#: a word the text is inside of.
NAMES = ["Siti Aminah", "SITI RAHAYU", "Siti Siti", "Nursiti Siti", "Ani siti", "Bambang Sitiawan", "Sri Wahyuni",
         "Agus Sitaminah", "Budi"]  # fmt: skip


def _words_expected(db: Database) -> set[tuple[str, str, str, str, int]]:
    with db.begin() as conn:
        rows = conn.execute(text("SELECT id, full_name, nik, reg_no FROM participant")).all()
    return {(w, r.full_name.lower(), r.nik, r.reg_no, r.id) for r in rows for w in r.full_name.lower().split(" ") if w}


def _words_held(db: Database) -> set[tuple[str, str, str, str, int]]:
    with db.begin() as conn:
        rows = conn.execute(text(f"SELECT word, name, nik, reg_no, participant_id FROM {WORDS}")).all()
    held = [tuple(r) for r in rows]
    assert len(held) == len(set(held)), "a participant listed twice under one word"
    return set(held)  # type: ignore[arg-type]


def _people(db: Database) -> list[Any]:
    with db.begin() as conn:
        return list(conn.execute(text("SELECT id, full_name, nik, reg_no FROM participant")).all())


@pytest.fixture
def store(offices: dict[str, Office], pg_url: str) -> Any:
    office = offices["a"]
    db = open_store(office.path, pg_url)
    copy_store(office.db, db)
    yield db
    db.close()


def test_every_write_keeps_the_word_table(store: Database) -> None:
    assert store.name_words
    service = ParticipantService(store, AccountService(store).login("admin", PASSWORD))
    made = [
        service.create(make_draft(n, full_name=name), accept_warnings=True)[0] for n, name in enumerate(NAMES, start=1)
    ]
    assert _words_held(store) == _words_expected(store)
    # A batch as the regency's packages write it (one statement of many rows), and one through COPY.
    with store.begin() as conn:
        template = conn.execute(text("SELECT * FROM participant WHERE id = :i"), {"i": made[0]}).mappings().one()
    columns = [c for c in template if c != "id"]
    for count, start in ((5, 100), (COPY_ROWS + 10, 1000)):
        rows = []
        for n in range(start, start + count):
            row = {c: template[c] for c in columns}
            # Written by other means than the forms, which keep one space between words.
            row |= {"uid": f"u{n}", "reg_no": f"{row['desa_code']}-{n:05d}", "nik": f"3399{n:012d}",
                    "full_name": f"Siti  Batch {n} ", "rev": n}  # fmt: skip
            rows.append(tuple(row.values()))
        with store.begin() as conn:
            insert_many(conn, "participant", columns, rows, conflict="ON CONFLICT DO NOTHING")
            # Skipped by the conflict: no words for it.
            insert_many(conn, "participant", columns, rows[:1], conflict="ON CONFLICT DO NOTHING")
        assert _words_held(store) == _words_expected(store)
    # A rename, a corrected NIK (the package's step aside to '~' and back), a removal.
    service.update(made[-1], make_draft(len(NAMES), full_name="Budi Santoso Siti"))
    with store.begin() as conn:
        conn.execute(text("UPDATE participant SET nik = '~' || id WHERE id = :i"), {"i": made[1]})
        conn.execute(text("UPDATE participant SET nik = '3399000000000001', status = status WHERE id = :i"),
                     {"i": made[1]})  # fmt: skip
        conn.execute(text("UPDATE participant SET status = 'berhenti' WHERE id = :i"), {"i": made[2]})
        conn.execute(text("DELETE FROM participant_history WHERE participant_id = :i"), {"i": made[3]})
        conn.execute(text("DELETE FROM participant_review WHERE participant_id = :i"), {"i": made[3]})
        conn.execute(text("DELETE FROM participant WHERE id = :i"), {"i": made[3]})
    held = _words_held(store)
    assert held == _words_expected(store)
    assert ("santoso", "budi santoso siti", made[-1]) in {(w, n, i) for w, n, _, _, i in held}
    assert all(i != made[3] for *_, i in held)


def test_a_store_opened_again_keeps_its_words_and_one_without_them_gets_them(
    store: Database, offices: dict[str, Office], pg_url: str
) -> None:
    service = ParticipantService(store, AccountService(store).login("admin", PASSWORD))
    for n, name in enumerate(NAMES, start=1):
        service.create(make_draft(n, full_name=name), accept_warnings=True)
    with store.begin() as conn:
        conn.exec_driver_sql(f"DROP TABLE {WORDS}, participant_name_vocabulary")
        conn.exec_driver_sql(f"DROP FUNCTION {WORDS}_added, {WORDS}_changed, {WORDS}_emptied CASCADE")
    again = open_store(offices["a"].path, pg_url)
    try:
        assert again.name_words
        assert _words_held(again) == _words_expected(again) != set()
    finally:
        again.close()


def test_a_name_search_read_from_the_words_is_the_lists_order(store: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    service = ParticipantService(store, AccountService(store).login("admin", PASSWORD))
    for n, name in enumerate(NAMES * 3, start=1):
        service.create(make_draft(n, full_name=name), accept_warnings=True)
    # No screenful within the first look along the order: the words answer.
    monkeypatch.setattr(module, "PROBE_ROWS", 2)
    used: list[int] = []
    real = module.ids_by_words

    def by_words(*args: Any, **kwargs: Any) -> list[int]:
        found = real(*args, **kwargs)
        used.append(len(found))
        return found

    monkeypatch.setattr(module, "ids_by_words", by_words)
    people = _people(store)
    for typed in ("siti", "SITI", "iti", "sitamin", "ani", "wahyu", "zzz"):
        matching = [p for p in people if typed.lower() in p.full_name.lower()]
        order = sorted(matching, key=lambda p: (p.full_name.lower(), p.nik, p.reg_no))
        for descending in (False, True):
            expected = [p.id for p in (order[::-1] if descending else order)]
            q = ParticipantQuery(text=typed, descending=descending)
            used.clear()
            assert service.query_ids(q) == expected, typed
            assert service.query_ids(q, limit=4) == expected[:4], typed
            assert len(used) == 2, typed
    # A text with a space is not within one word: the order answers it, the same way.
    used.clear()
    assert [store_name(service, i) for i in service.query_ids(ParticipantQuery(text="ni siti"))] == ["Ani siti"] * 3
    assert used == []


def store_name(service: ParticipantService, participant_id: int) -> str:
    return service.get(participant_id).full_name


def test_a_server_that_refuses_the_words_still_opens_and_searches(
    offices: dict[str, Office], pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kudus_desktop.core.storage import name_words

    # As a role without the right to make tables or triggers is answered: an error from the server.
    monkeypatch.setattr(name_words, "_DDL", ("CREATE TABLE participant_name_word (x no_such_type)",))
    db = open_store(offices["a"].path, pg_url)
    try:
        copy_store(offices["a"].db, db)
        assert not db.name_words
        with db.begin() as conn:
            assert conn.exec_driver_sql(f"SELECT to_regclass('{WORDS}')").scalar() is None
        service = ParticipantService(db, AccountService(db).login("admin", PASSWORD))
        service.create(make_draft(1, full_name="Siti Aminah"))
        assert [store_name(service, i) for i in service.query_ids(ParticipantQuery(text="siti"))] == ["Siti Aminah"]
    finally:
        db.close()
