"""A village's bulk enrolment (the path a large import takes) on both stores: the history text
the database writes itself must read exactly as json.dumps writes it, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import astuple, fields
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from kudus_desktop.core.enrolment.participants import ParticipantQuery, ParticipantService, SortKey
from kudus_desktop.core.office.accounts import AccountService
from kudus_desktop.core.rules.validation import ParticipantFields
from kudus_desktop.core.storage.db import open_store
from kudus_desktop.core.storage.store_copy import copy_store
from kudus_desktop.core.storage.tables import history_table, participant_table
from tests.conftest import PASSWORD, Office

#: Text a village list may hold that JSON must escape, or must keep as it is.
AWKWARD = ['Siti "Ipah" Rahayu', "Jl. Kenanga\\2", "RT 01\nRW 02", "Tab\there", "Ñoño 李 ﷺ", "ctrl \x01\x1f", ""]


@pytest.fixture(params=["sqlite", "postgresql"])
def village(request: pytest.FixtureRequest, offices: dict[str, Office]) -> Iterator[ParticipantService]:
    office = offices["a"]
    if request.param == "sqlite":
        yield ParticipantService(office.db, office.user)
        return
    store = open_store(office.path, request.getfixturevalue("pg_url"))
    copy_store(office.db, store)
    yield ParticipantService(store, AccountService(store).login("admin", PASSWORD))
    store.close()


def test_bulk_enrolment_history_reads_as_json_on_both_stores(village: ParticipantService) -> None:
    people = [
        ParticipantFields(
            nik=f"33190312058{i:05d}", kk=None if i % 2 else f"33190312058{i:05d}", full_name=text or "Warga",
            birth_place=text or None, birth_date=date(1980, 5, 12), sex="P", address=text, dusun=None, rt="001",
            rw="002", phone=None, occupation=text, category="pekerja_rentan", source_list="DTKS",
            source_date=None if i % 2 else date(2026, 10, 1), funding="pades", start_date=date(2026, 12, 1),
        )
        for i, text in enumerate(AWKWARD)
    ]  # fmt: skip
    village.bulk_write(people, [])
    p, h = participant_table.c, history_table.c
    with village.db.begin() as conn:
        got = dict(conn.execute(select(p.nik, h.changes).join(history_table, h.participant_id == p.id)).all())
    for v in people:
        values = zip((f.name for f in fields(v)), astuple(v), strict=True)
        filled = [[k, None, x.isoformat() if isinstance(x, date) else x] for k, x in values if x is not None]
        assert got[v.nik] == json.dumps(filled, ensure_ascii=False)
        assert json.loads(got[v.nik])[0] == ["nik", None, v.nik]


def test_the_list_searches_and_filters_alike_on_both_stores(village: ParticipantService) -> None:
    people = [
        ParticipantFields(
            nik=f"33190312058{i:05d}", kk=None, full_name=name, birth_place=None, birth_date=date(1980, 5, 12),
            sex="P", address="", dusun=None, rt="001", rw="002", phone=None, occupation="", category="pekerja_rentan",
            source_list="DTKS", source_date=None, funding="pades", start_date=date(2026, 12, 1),
        )
        for i, name in enumerate(["Siti Aminah", "Siti Rahayu", "Bambang", "Sri Wahyuni"])
    ]  # fmt: skip
    village.bulk_write(people, [])
    # Searches bound by name on PostgreSQL, by position on SQLite: the same people either way.
    names = lambda query: [village.get(i).full_name for i in village.query_ids(query)]  # noqa: E731
    assert names(ParticipantQuery(text="siti")) == ["Siti Aminah", "Siti Rahayu"]
    assert names(ParticipantQuery(text="120580000")) == ["Bambang", "Siti Aminah", "Siti Rahayu", "Sri Wahyuni"]
    assert names(ParticipantQuery(text="wahyu", category="pekerja_rentan")) == ["Sri Wahyuni"]
    assert village.query_ids(ParticipantQuery(text="tidak ada")) == []


@pytest.mark.parametrize("walk_per_match", [10**9, 0, None], ids=["walk-all", "sort-all", "name-words"])
def test_a_screenful_is_the_same_whether_walked_or_taken_from_every_match(
    village: ParticipantService, monkeypatch: pytest.MonkeyPatch, walk_per_match: int | None
) -> None:
    """PostgreSQL finds a search's rows along the sort order (a bounded way, or all of it when many
    match), by sorting every match (names cluster: every "Siti ..." under S), or from the name
    word table (``walk_per_match`` None). Each way the rows must be those of the order, in order,
    whatever their case; SQLite always walks."""
    from kudus_desktop.core.enrolment import participants as module

    names = (
        [f"Siti {chr(65 + i % 26)}{i:03d}" for i in range(50)]
        + [f"SITI {i:03d}" for i in range(5)]
        + [f"Ani siti {i:03d}" for i in range(5)]
        + [f"Bambang {i:03d}" for i in range(240)]
    )
    people = [
        ParticipantFields(
            nik=f"33190312058{i:05d}", kk=None, full_name=name, birth_place=None, birth_date=date(1980, 5, 12),
            sex="P", address="", dusun=None, rt="001", rw="002", phone=None, occupation="", category="pekerja_rentan",
            source_list="DTKS", source_date=None, funding="pades", start_date=date(2026, 12, 1),
        )
        for i, name in enumerate(names)
    ]  # fmt: skip
    village.bulk_write(people, [])
    monkeypatch.setattr(module, "PROBE_ROWS", 100)
    monkeypatch.setattr(module, "PROBE_ROWS_INDEXED", 100)
    if walk_per_match is not None:
        monkeypatch.setattr(module, "WALK_PER_MATCH", walk_per_match)
        monkeypatch.setattr(village.db, "name_words", False)
    walked: list[bool] = []
    real = module._early_in_order

    def early(*args: Any) -> list[int] | None:
        found = real(*args)
        walked.append(found is not None)
        return found

    monkeypatch.setattr(module, "_early_in_order", early)
    worded: list[int] = []
    by_words = module.ids_by_words
    monkeypatch.setattr(module, "ids_by_words", lambda *a, **k: worded.append(1) or by_words(*a, **k))
    matching = [p for p in people if "siti" in p.full_name.lower()]
    by_id = {p.nik: pid for pid, p in zip(village.query_ids(ParticipantQuery(sort=SortKey.NIK)), people, strict=True)}
    in_order = {
        SortKey.NAME: [by_id[p.nik] for p in sorted(matching, key=lambda p: (p.full_name.lower(), p.nik))],
        SortKey.NIK: [by_id[p.nik] for p in matching],
    }
    for sort in (SortKey.NAME, SortKey.NIK):
        for descending in (False, True):
            query = ParticipantQuery(text="siti", sort=sort, descending=descending)
            expected = in_order[sort][::-1] if descending else in_order[sort]
            assert village.query_ids(query) == expected
            assert village.query_ids(query, limit=25) == expected[:25]
    on_server = village.db.engine.dialect.name == "postgresql"
    # By name the 55 Siti come after the Ani and the 240 Bambang, beyond the first 100 rows, so
    # the first look finds no screenful; backwards they come first. Then, with many matches, the
    # whole order is walked or the name words read; else a further look, and every match sorted.
    # By NIK they are the first 60, so backwards they are beyond reach.
    by_name = [False, False, True] if walk_per_match == 0 else [False, True]
    assert walked == ([*by_name, True, False] if on_server else [])
    # By name, every match both ways, and the screenful forwards.
    assert len(worded) == (3 if on_server and walk_per_match is None else 0)
