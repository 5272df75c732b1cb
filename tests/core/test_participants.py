import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from kudus_desktop.core.enrolment.participants import (
    _ADD_COLUMNS,
    _FIELD_NAMES,
    ParticipantQuery,
    ParticipantService,
    SortKey,
    _created_history,
    _fields_to_columns,
    _new_row,
)
from kudus_desktop.core.errors import NotFoundError, StateError, ValidationError
from kudus_desktop.core.rules.validation import ParticipantFields
from kudus_desktop.core.storage.db import Database, open_database
from kudus_desktop.core.storage.tables import history_table, participant_table
from kudus_desktop.core.village.premiums import PremiumService
from tests.factories import make_draft, make_nik, sqlite_file


def history_count(service: ParticipantService) -> int:
    with sqlite_file(service.db.path) as conn:
        return conn.execute("SELECT count(*) FROM participant_history").fetchone()[0]


def test_enrol_stores_every_field_with_ids_for_merging(service: ParticipantService) -> None:
    pid, changes = service.create(make_draft(1, kk="3319031205100009"))
    p = service.get(pid)
    assert changes.participants and changes.participant_ids == (pid,)
    assert p.nik == make_nik(1) and p.kk == "3319031205100009" and p.full_name == "Peserta Uji A"
    assert p.status == "aktif" and p.desa_code == "33.19.03.2008"
    assert p.reg_no == "3319032008-00001"
    assert len(p.uid) == 36 and p.rev > 0
    second, _ = service.create(make_draft(2))
    assert service.get(second).reg_no == "3319032008-00002"
    assert service.get(second).uid != p.uid
    assert service.get(second).rev > p.rev


def test_a_nik_already_enrolled_is_refused_and_names_the_holder(service: ParticipantService) -> None:
    pid, _ = service.create(make_draft(1))
    result = service.check(make_draft(1, full_name="Orang Lain"))
    dup = [i for i in result.errors if i.code == "nik_registered"]
    assert dup and dup[0].params["participant_id"] == pid and dup[0].params["name"] == "Peserta Uji A"
    with pytest.raises(ValidationError):
        service.create(make_draft(1, full_name="Orang Lain"))
    assert service.count() == 1
    # The same NIK typed with spaces is the same NIK.
    spaced = " ".join(make_nik(1)[i : i + 4] for i in range(0, 16, 4))
    assert service.find_by_nik(spaced) is not None


def test_warnings_must_be_accepted(service: ParticipantService) -> None:
    draft = make_draft(1, sex="P")  # the NIK says male
    with pytest.raises(ValidationError) as err:
        service.create(draft)
    assert err.value.issues[0].code == "nik_sex_mismatch"
    assert service.count() == 0
    service.create(draft, accept_warnings=True)
    assert service.count() == 1


def test_update_writes_and_records_only_what_changed(service: ParticipantService) -> None:
    pid, _ = service.create(make_draft(1))
    before = service.get(pid)
    assert service.update(pid, make_draft(1)).participants is False  # nothing changed
    assert service.get(pid).rev == before.rev and history_count(service) == 1

    service.update(pid, make_draft(1, phone="0857 1111 2222", rt="3"))
    after = service.get(pid)
    assert after.phone == "0857 1111 2222" and after.rt == "003" and after.rev > before.rev
    last = service.history(pid)[-1]
    assert last.action == "update" and last.username == "admin"
    assert set(last.changes) == {("phone", "0812-3456-7890", "0857 1111 2222"), ("rt", "001", "003")}


def test_update_may_keep_its_own_nik_but_not_take_another(service: ParticipantService) -> None:
    a, _ = service.create(make_draft(1))
    service.create(make_draft(2))
    service.update(a, make_draft(1, full_name="Nama Baru"))
    with pytest.raises(ValidationError) as err:
        service.update(a, make_draft(2))
    assert err.value.issues[0].code == "nik_registered"
    assert service.get(a).nik == make_nik(1)


def test_end_and_reactivate_keep_the_person_and_the_history(service: ParticipantService) -> None:
    pid, _ = service.create(make_draft(1))
    service.end(pid, "meninggal", "20/11/2026")
    p = service.get(pid)
    assert (p.status, p.exit_reason, p.exit_date.isoformat() if p.exit_date else None) == (
        "berhenti",
        "meninggal",
        "2026-11-20",
    )
    with pytest.raises(StateError):
        service.end(pid, "pindah", "21/11/2026")
    with pytest.raises(ValidationError) as err:
        service.reactivate(pid, "01/11/2026")
    assert err.value.issues[0].code == "reactivate_before_exit"
    service.reactivate(pid, "22/11/2026")
    p = service.get(pid)
    assert p.status == "aktif" and p.exit_reason == "" and p.start_date.isoformat() == "2026-11-22"
    actions = [h.action for h in service.history(pid)]
    assert actions == ["create", "end", "reactivate"]
    assert ("exit_reason", "meninggal", "") in service.history(pid)[-1].changes


def test_end_needs_a_known_reason_and_a_date_after_start(service: ParticipantService) -> None:
    pid, _ = service.create(make_draft(1))
    for reason, day, code in (
        ("", "20/11/2026", "required"),
        ("dipecat", "20/11/2026", "choice_invalid"),
        ("pindah", "31/09/2026", "date_impossible"),
        ("pindah", "01/01/2020", "exit_before_start"),
    ):
        with pytest.raises(ValidationError) as err:
            service.end(pid, reason, day)
        assert err.value.issues[0].code == code
    assert service.get(pid).status == "aktif"
    assert len(service.history(pid)) == 1


def test_unknown_participant(service: ParticipantService) -> None:
    with pytest.raises(NotFoundError):
        service.get(999)


def test_search_filters_and_sorting(service: ParticipantService) -> None:
    people = [("Siti Aminah", "linmas", "001", "Krajan"), ("Budi Santoso", "bpd", "002", "Ngemplak"),
              ("siti rahayu", "linmas", "002", "Krajan"), ("Agus Jaya", "rt_rw", "003", "Gondang")]  # fmt: skip
    ids = {}
    for n, (name, cat, rt, dusun) in enumerate(people, start=1):
        ids[name], _ = service.create(make_draft(n, full_name=name, category=cat, rt=rt, dusun=dusun))
    service.end(ids["Budi Santoso"], "pindah", "20/11/2026")

    def names(**kw: object) -> list[str]:
        return [service.get(i).full_name for i in service.query_ids(ParticipantQuery(**kw))]  # type: ignore[arg-type]

    assert names(text="siti") == ["Siti Aminah", "siti rahayu"]  # case-insensitive, sorted by name
    assert names(text=make_nik(2)[-6:]) == ["Budi Santoso"]  # part of a NIK
    assert names(text="3319032008-00004") == ["Agus Jaya"]  # registration number
    assert names(text="Siti%") == []  # % is matched literally, not as a wildcard
    assert names(category="linmas", rt="002") == ["siti rahayu"]
    assert names(status="berhenti") == ["Budi Santoso"]
    assert names(dusun="Krajan", sort=SortKey.NAME, descending=True) == ["siti rahayu", "Siti Aminah"]
    assert names(sort=SortKey.RT_RW)[0] == "Siti Aminah"
    for key in SortKey:
        assert len(names(sort=key)) == 4
    assert service.count(ParticipantQuery(text="siti")) == 2
    assert service.filter_options().rt == ("001", "002", "003")


def test_dashboard_counts_this_month(service: ParticipantService) -> None:
    a, _ = service.create(make_draft(1, category="linmas"))
    service.create(make_draft(2, category="linmas", start_date="01/10/2026"))
    service.create(make_draft(3, category="bpd"))
    service.end(a, "pindah", "20/11/2026")
    stats = service.dashboard()
    assert stats.active_total == 2 and stats.ended_total == 1
    assert stats.active_by_category["linmas"] == 1 and stats.active_by_category["bpd"] == 1
    assert stats.new_this_month == 2 and stats.ended_this_month == 1
    premiums = PremiumService(service.db, service.user, today=service.today)
    assert premiums.estimate().total == 2 * 16800
    # The premium is the bill's: an APBD-funded participant and a rejected one are not the village's to pay.
    service.create(make_draft(4, funding="apbd"))
    rejected, _ = service.create(make_draft(5))
    with service.db.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO participant_sync (participant_id, outcome) VALUES (?, 'rejected')", (rejected,)
        )
    assert service.dashboard().active_total == 4
    assert (premiums.estimate().people, premiums.estimate().total) == (2, 2 * 16800)


def test_history_survives_a_reopen(service: ParticipantService) -> None:
    pid, _ = service.create(make_draft(1))
    service.update(pid, replace(make_draft(1), occupation="Petani"))
    service.db.close()
    reopened = ParticipantService(open_database(service.db.data_dir), service.user)
    assert [h.action for h in reopened.history(pid)] == ["create", "update"]
    assert reopened.get(pid).occupation == "Petani"
    reopened.db.close()


def test_a_large_bulk_write_rebuilds_the_indexes_and_a_cancel_leaves_them(service: ParticipantService) -> None:
    """Above REINDEX_FROM new rows the desk's own indexes are dropped and built again inside the
    same transaction; a cancel must leave every index (and no row) behind, and the uids of one
    batch are time-ordered version-7 UUIDs."""
    import uuid as uuid_module

    from kudus_desktop.core.enrolment.participants import REINDEX_FROM
    from kudus_desktop.core.errors import CancelledError

    def indexes() -> list[str]:
        with service.db.begin() as conn:
            return sorted(
                r[0] for r in conn.exec_driver_sql(
                    "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'participant'"
                ) if r[0]
            )  # fmt: skip

    before = indexes()
    assert len(before) == 8
    people = [
        ParticipantFields(
            nik=f"3319{(i // 9999) % 9 + 1:02d}120580{i % 9999 + 1:04d}", kk=None, full_name=f"Warga {i}",
            birth_place=None, birth_date=date(1980, 5, 12), sex="L", address=None, dusun=None, rt="001", rw="002",
            phone=None, occupation=None, category="pekerja_rentan", source_list="DTKS", source_date=None,
            funding="pades", start_date=date(2026, 11, 1),
        )
        for i in range(REINDEX_FROM + 1000)
    ]  # fmt: skip
    calls = iter(range(100))
    with pytest.raises(CancelledError):
        service.bulk_write(people, [], cancelled=lambda: next(calls) >= 2)
    assert service.count() == 0 and indexes() == before

    service.bulk_write(people, [])
    assert service.count() == len(people) and indexes() == before
    with service.db.begin() as conn:
        plan = " ".join(str(r) for r in conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT id FROM participant ORDER BY full_name COLLATE NOCASE, nik, reg_no, kpj"
        ))  # fmt: skip
        uids = [r[0] for r in conn.exec_driver_sql("SELECT uid FROM participant ORDER BY id")]
    assert "ix_participant_name" in plan
    assert uids == sorted(uids) and len(set(uids)) == len(uids)
    assert {uuid_module.UUID(u).version for u in uids} == {7}

    # The commit left copying the write-ahead log into the file to a thread of its own: once it
    # has run, the file itself (read with the log ignored) holds every new participant, and the
    # connection the batch used checkpoints automatically again.
    db = service.db
    assert db._checkpointer is not None
    db._checkpointer.join(timeout=30)
    with closing(sqlite3.connect(f"file:{db.path}?mode=ro&immutable=1", uri=True)) as file_only:
        assert file_only.execute("SELECT count(*) FROM participant").fetchone()[0] == len(people)
        created = file_only.execute("SELECT count(*) FROM participant_history WHERE action = 'create'").fetchone()
        assert created[0] == len(people)
    with db.begin() as conn:
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000
        first = conn.exec_driver_sql("SELECT changes FROM participant_history ORDER BY id LIMIT 1").scalar()
    # The enrolment's history reads as every other history entry: [field, old, new] per filled field.
    assert json.loads(first)[:3] == [["nik", None, people[0].nik], ["full_name", None, "Warga 0"],
                                     ["birth_date", None, "1980-05-12"]]  # fmt: skip


@pytest.fixture(scope="module")
def bare_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    db = open_database(tmp_path_factory.mktemp("history") / "data")
    yield db
    db.close()


def _column_text(name: str) -> st.SearchStrategy[str | None]:
    if name == "sex":
        return st.sampled_from(["L", "P"])
    return st.one_of(st.none(), st.text()) if participant_table.c[name].nullable else st.text()


@given(st.fixed_dictionaries({name: _column_text(name) for name in _FIELD_NAMES}))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_an_imported_enrolment_history_reads_exactly_as_json_writes_it(
    bare_store: Database, stored: dict[str, str | None]
) -> None:
    """A bulk enrolment's history text is made by the database, not by json.dumps (for speed);
    the history view, the sync packages and the regency read it back as JSON, so it must be the
    very same text for any name or address a list may hold: quotes, backslashes, control
    characters, any script, empty fields left out."""
    filled = [[k, None, stored[k]] for k in _FIELD_NAMES if stored[k] is not None]
    expected = json.dumps(filled, ensure_ascii=False)
    with bare_store.engine.connect() as conn:  # rolled back: every example starts from an empty table
        conn.execute(
            participant_table.insert().values(
                uid="u", reg_no="r", desa_code="33.19.03.2008", status="aktif", created_at="t", updated_at="t",
                created_by="a", updated_by="a", rev=7, **stored,
            )
        )  # fmt: skip
        conn.execute(_created_history(participant_table.c.rev == 7, "admin", "t"))
        assert conn.execute(select(history_table.c.changes)).scalar_one() == expected
        conn.rollback()


def test_a_bulk_row_holds_the_fields_as_a_single_enrolment_stores_them() -> None:
    """The bulk path spells the fields out for speed; it must list them in the table's order."""
    values = ParticipantFields(
        nik="3319031205800001", kk="3319031205800009", full_name="Siti", birth_place="Kudus",
        birth_date=date(1980, 5, 12), sex="P", address="Jl. Kenanga", dusun="Krajan", rt="001", rw="002",
        phone="081234567890", occupation="Buruh", category="pekerja_rentan", source_list="DTKS",
        source_date=date(2026, 10, 1), funding="pades", start_date=date(2026, 12, 1), term_end=date(2029, 6, 30),
    )  # fmt: skip
    row = _new_row(values, "uid", "reg", ("33.19.03.2008", "aktif", "t", "t", "a", "a"), 9, ("DT-77", 3))
    assert dict(zip(_ADD_COLUMNS, row, strict=True)) == {
        **_fields_to_columns(values), "uid": "uid", "reg_no": "reg", "desa_code": "33.19.03.2008",
        "status": "aktif", "created_at": "t", "updated_at": "t", "created_by": "a", "updated_by": "a", "rev": 9,
        "source_id": "DT-77", "desil": 3,
    }  # fmt: skip
    assert _fields_to_columns(values)["term_end"] == "2029-06-30"
    no_source = _new_row(replace(values, source_date=None), "uid", "reg", ("d", "s", "t", "t", "a", "a"), 9)
    assert no_source[_ADD_COLUMNS.index("source_date")] is None
