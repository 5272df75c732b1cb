"""The trigram search index: a rare search is answered from it, and never differently from the scan."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from kudus_desktop.core.enrolment import participants as participants_module
from kudus_desktop.core.enrolment.participants import ParticipantQuery, ParticipantService, SortKey
from kudus_desktop.core.office.accounts import AccountService
from kudus_desktop.core.paths import DB_FILE_NAME
from kudus_desktop.core.storage.db import open_database
from tests.factories import PASSWORD, make_draft, make_nik

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

NAMES = ("Siti Aminah", "siti rahayu", "Sri Wulandari", "Budi Santoso", "Ahmad Sholikhin", "Dewi Lestari")


def _people(service: ParticipantService, count: int = 30) -> list[int]:
    ids = []
    for n in range(1, count + 1):
        name = f"{NAMES[n % len(NAMES)]} {'Bin Darmo' if n % 7 == 0 else ''}".strip()
        draft = make_draft(n, full_name=name, category="linmas" if n % 3 else "bpd")
        ids.append(service.create(draft, accept_warnings=True)[0])  # namesakes born the same day
    return ids


def _index(service: ParticipantService) -> tuple[int, int]:
    """Rows in the search index, rows noted as changed and not yet indexed."""
    with closing(sqlite3.connect(service.db.path)) as conn:
        return (
            conn.execute("SELECT COUNT(*) FROM participant_search").fetchone()[0],
            conn.execute("SELECT COUNT(*) FROM participant_search_stale").fetchone()[0],
        )


SEARCHES = (
    make_nik(17), make_nik(17)[5:13], make_nik(4)[-6:], "3319", "33", "siti", "SITI RAHAYU", "wulandari", "bin darmo",
    "Darmo", "tidak ada", "3319032008-00004", "-0001", "Siti%", "si_i", "Sri Wulandari Bin", "\"Ami", "a\"b\"c",
    "NOT", "(sit", "ti)*",
)  # fmt: skip


def _answers(service: ParticipantService) -> dict[tuple[str, str], tuple[list[int], int]]:
    out = {}
    for text in SEARCHES:
        for key in (SortKey.NAME, SortKey.REG_NO):
            q = ParticipantQuery(text=text, sort=key)
            out[(text, key)] = (service.query_ids(q), service.count(q))
    out[("linmas siti", "")] = (service.query_ids(ParticipantQuery(text="siti", category="linmas")), 0)
    return out


def test_every_search_answers_the_same_from_the_index_as_from_the_scan(
    service: ParticipantService, monkeypatch: pytest.MonkeyPatch
) -> None:
    _people(service)
    assert _index(service) == (30, 0)  # every save is indexed as it commits
    looked_up: list[object] = []
    real = participants_module._few_matches

    def spy(conn: object, searches: object) -> list[int] | None:
        found = real(conn, searches)  # type: ignore[arg-type]
        looked_up.append(found)
        return found

    monkeypatch.setattr(participants_module, "_few_matches", spy)
    indexed = _answers(service)
    assert any(isinstance(f, list) for f in looked_up), "no search was answered from the index"
    assert indexed[(make_nik(17), SortKey.NAME)][1] == 1
    assert indexed[("wulandari", SortKey.NAME)][1] == 5 and indexed[("Siti%", SortKey.NAME)][1] == 0
    monkeypatch.setattr(participants_module, "FEW_MATCHES", 3)  # some from the index, some scanned
    assert _answers(service) == indexed
    monkeypatch.setattr(participants_module, "FEW_MATCHES", -1)  # every search scans, as before the index
    assert _answers(service) == indexed


def test_a_renamed_or_removed_person_is_found_by_what_they_are_now(service: ParticipantService) -> None:
    ids = _people(service, 8)
    target = ids[2]
    view = service.get(target)
    service.update(target, make_draft(3, full_name="Kasmini Purwaningsih", category="bpd"), accept_warnings=True)

    def found(text: str) -> list[int]:
        return service.query_ids(ParticipantQuery(text=text))

    assert found("purwaningsih") == [target]
    assert target not in found(view.full_name)  # the old name's words left the index with it
    assert _index(service) == (8, 0)
    with service.db.begin() as conn:
        for table in ("participant_history", "participant_sync", "participant_review"):
            conn.exec_driver_sql(f"DELETE FROM {table} WHERE participant_id = ?", (target,))
        conn.exec_driver_sql("DELETE FROM participant WHERE id = ?", (target,))
    assert found("purwaningsih") == [] and _index(service) == (7, 0)


def test_people_written_past_the_database_layer_are_still_found(service: ParticipantService) -> None:
    """A row written by anything but ``Database.begin`` (an older program, a repair by hand) is
    noted by the trigger but not indexed: a search still finds it, and the next save indexes it."""
    _people(service, 5)
    with closing(sqlite3.connect(service.db.path)) as conn:
        conn.execute(
            "INSERT INTO participant (uid, reg_no, desa_code, nik, full_name, birth_date, sex, category, funding, "
            "start_date, status, created_at, updated_at, created_by, updated_by) SELECT 'tangan-1', 'X-1', desa_code, "
            "'3319015505900077', 'Warsini Tulus Hati', birth_date, sex, category, funding, start_date, status, "
            "created_at, updated_at, 'sql', 'sql' FROM participant LIMIT 1"
        )
        conn.execute("UPDATE participant SET full_name = 'Sumirah Legiyem' WHERE id = 1")
        conn.commit()
    assert _index(service) == (5, 1)  # the new row is above the highest indexed id, the renamed one noted
    assert len(service.query_ids(ParticipantQuery(text="tulus hati"))) == 1
    assert len(service.query_ids(ParticipantQuery(text="3319015505900077"))) == 1
    assert service.query_ids(ParticipantQuery(text="sumirah leg")) == [1]
    service.create(make_draft(40, full_name="Parmi"))
    assert _index(service) == (7, 0)
    assert service.query_ids(ParticipantQuery(text="sumirah leg")) == [1]


def test_a_database_from_before_the_index_is_searched_through_it_once_migrated(tmp_path: Path) -> None:
    shutil.copyfile(FIXTURES / "desa_v1.sqlite", tmp_path / DB_FILE_NAME)
    db = open_database(tmp_path)
    try:
        with closing(sqlite3.connect(db.path)) as conn:
            indexed = conn.execute("SELECT COUNT(*) FROM participant_search").fetchone()[0]
            people = conn.execute("SELECT COUNT(*) FROM participant").fetchone()[0]
        assert indexed == people == 3
        admin = AccountService(db).login("admin", PASSWORD)
        found = ParticipantService(db, admin).query_ids(ParticipantQuery(text="budi santoso"))
        assert len(found) == 1
    finally:
        db.close()
