"""The regency desk with several villages' packages, built by the village code path:
double enrolment and its decisions, the APBD list, BPJS lists and answers, coverage."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import text

from kudus_desktop.core.enrolment.standing import Standing
from kudus_desktop.core.errors import StateError
from kudus_desktop.core.office.accounts import AccountService
from kudus_desktop.core.regency.bpjs import BpjsError, BpjsService
from kudus_desktop.core.regency.doubles import DoubleEnrolmentError, DoubleEnrolmentService
from kudus_desktop.core.regency.overview import overview
from kudus_desktop.core.reports.exporting import export_coverage
from kudus_desktop.core.rules.codes import Role
from kudus_desktop.core.rules.sync_state import SyncState
from kudus_desktop.core.storage.audit import audit_events
from kudus_desktop.core.storage.signing import identity
from kudus_desktop.core.sync import RegencySync, VillageSync
from kudus_desktop.core.village.cards import CardAction, CardScope, CardService
from kudus_desktop.core.village.premiums import PremiumService, month_index
from tests.conftest import DESA_B, DESA_C, PASSWORD, TODAY, Office
from tests.factories import DESA, enrol_one, kk, make_draft, make_nik, send

CODES = {"a": DESA, "b": DESA_B, "c": DESA_C}


def receive(regency: Office, villages: dict[str, Office], out: Path) -> dict[str, Any]:
    """Receipts for every village, applied by each: what each village then sees."""
    paths = RegencySync(regency.db, regency.user).write_receipts(out)
    results = {}
    for key, village in villages.items():
        mine = [p for p in paths if p.name.startswith(f"KDR_{CODES[key].replace('.', '')}_")]
        results[key] = VillageSync(village.db, village.user).import_receipt(mine[-1]) if mine else None
    return results


def state_of(village: Office, nik: str) -> Any:
    person = village.participants.find_by_nik(nik)
    assert person is not None
    return VillageSync(village.db, village.user).record_states([person.id])[person.id]


def checker(kab: Office) -> Office:
    AccountService(kab.db).create_account(kab.user, "verif", "Verifikator DPMD", Role.VERIFIKATOR, PASSWORD)
    kab.user = AccountService(kab.db).login("verif", PASSWORD)
    return kab


def operator(kab: Office) -> Any:
    AccountService(kab.db).create_account(kab.user, "ops", "Operator DPMD", Role.OPERATOR, PASSWORD)
    return AccountService(kab.db).login("ops", PASSWORD)


def test_same_nik_in_two_villages_the_decision_reaches_only_the_rejected_village(
    three_villages: dict[str, Office], tmp_path: Path
) -> None:
    a, b, c, kab = three_villages["a"], three_villages["b"], three_villages["c"], three_villages["kab"]
    stick = tmp_path / "stick"
    enrol_one(a, 1, start_date="01/11/2026")
    enrol_one(a, 2)
    enrol_one(b, 1, start_date="15/11/2026", rt="7")  # the same person, enrolled later in Bakalankrapyak
    enrol_one(c, 5)
    for v in (a, b, c):
        send(v, kab, stick)
    desk = DoubleEnrolmentService(kab.db, kab.user)
    (case,) = desk.cases()
    assert case.kind == "nik" and case.first.desa_name == "Getaspejaten" and case.second.desa_name == "Bakalankrapyak"
    first = receive(kab, {"a": a, "b": b, "c": c}, tmp_path / "r1")
    assert state_of(b, make_nik(1)).state == SyncState.REVIEW
    assert (first["a"].review, first["c"].review) == (0, 0)

    # An operator may look but not decide; a verifikator decides for Getaspejaten's enrolment.
    with pytest.raises(DoubleEnrolmentError) as err:
        DoubleEnrolmentService(kab.db, operator(kab)).decide(case.id, "keep_first")
    assert err.value.code == "duplicate_not_allowed"
    with pytest.raises(DoubleEnrolmentError):
        DoubleEnrolmentService(kab.db, checker(kab).user).decide(case.id, "not_same")  # same NIK: same person
    decided = DoubleEnrolmentService(kab.db, kab.user).decide(case.id, "keep_first", "KTP dicek ke Dukcapil")
    assert (decided.status, decided.decision, decided.decided_by) == ("resolved", "keep_first", "verif")
    with pytest.raises(StateError):
        DoubleEnrolmentService(kab.db, kab.user).decide(case.id, "keep_second")

    second = receive(kab, {"a": a, "b": b, "c": c}, tmp_path / "r2")
    rejected = state_of(b, make_nik(1))
    assert rejected.state == SyncState.REJECTED
    assert rejected.reason == "sudah terdaftar di Desa Getaspejaten sejak 01/11/2026"
    assert state_of(b, make_nik(1)).state == SyncState.REJECTED
    # Nothing changes for the village whose enrolment stands, nor for the uninvolved one.
    assert state_of(a, make_nik(1)).state == SyncState.ACCEPTED
    assert (second["a"].rejected, second["a"].review, second["c"].rejected, second["c"].review) == (0, 0, 0, 0)
    assert second["b"].rejected == 1

    # The rejected village edits the record and sends it again: still rejected, no new case.
    person = b.participants.find_by_nik(make_nik(1))
    assert person is not None
    b.participants.update(person.id, make_draft(1, kk=kk(1), rt="8", start_date="15/11/2026"))
    send(b, kab, stick)
    assert DoubleEnrolmentService(kab.db, kab.user).cases() == []
    receive(kab, {"b": b}, tmp_path / "r3")
    assert state_of(b, make_nik(1)).state == SyncState.REJECTED


def test_a_nik_in_the_apbd_list_waits_then_the_village_hears_the_decision(
    three_villages: dict[str, Office], tmp_path: Path
) -> None:
    a, c, kab = three_villages["a"], three_villages["c"], three_villages["kab"]
    stick = tmp_path / "stick"
    enrol_one(a, 1)
    enrol_one(c, 6)
    send(a, kab, stick)
    send(c, kab, stick)
    # The regency's APBD scheme list, as its finance office writes it: a title, a header lower down.
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["DAFTAR PESERTA JAMSOSTEK DIBIAYAI APBD KABUPATEN KUDUS 2026"])
    ws.append([])
    ws.append(["No", "NIK", "Nama Lengkap", "TMT"])
    ws.append([1, make_nik(6), "Peserta Uji F", "01/03/2026"])
    ws.append([2, int(make_nik(70)), "Angka Bukan Teks", "01/03/2026"])  # ends in 0: Excel may have cut it
    ws.append([3, "33190312", "Terlalu Pendek", None])
    ws.append([4, make_nik(6), "Dobel", None])
    ws.append([5, make_nik(8), "Bukan Peserta Desa", "01/01/2026"])
    ws.append(["JUMLAH", None, None, None])
    path = tmp_path / "apbd.xlsx"
    wb.save(path)
    desk = DoubleEnrolmentService(kab.db, kab.user)
    result = desk.import_apbd(path)
    assert (result.members, result.added, result.scan.opened["apbd"]) == (2, 2, 1)
    assert [(r.row, r.code) for r in result.rejected] == [
        (5, "nik_number_cell"),
        (6, "nik_length"),
        (7, "list_nik_repeated"),
    ]
    assert "15 digit" in result.rejected[0].reason
    (case,) = desk.cases(kind="apbd")
    assert case.first.desa_code == DESA_C and case.second.participant_id is None
    assert case.second.start_date == "2026-03-01"
    receive(kab, {"a": a, "c": c}, tmp_path / "r1")
    assert state_of(c, make_nik(6)).state == SyncState.REVIEW
    assert "APBD" in state_of(c, make_nik(6)).reason
    assert state_of(a, make_nik(1)).state == SyncState.ACCEPTED

    DoubleEnrolmentService(kab.db, kab.user).decide(case.id, "keep_second")  # the admin: APBD stands
    receive(kab, {"a": a, "c": c}, tmp_path / "r2")
    state = state_of(c, make_nik(6))
    assert state.state == SyncState.REJECTED and state.reason == (
        "sudah terdaftar dalam kepesertaan yang dibiayai APBD Kabupaten sejak 01/03/2026"
    )
    assert state_of(a, make_nik(1)).state == SyncState.ACCEPTED
    # A list with no usable NIK changes nothing.
    bad = tmp_path / "kosong.csv"
    bad.write_text("NIK;Nama\n12345;X\n", encoding="utf-8")
    with pytest.raises(DoubleEnrolmentError) as err:
        desk.import_apbd(bad)
    assert err.value.code == "apbd_list_empty" and desk.apbd_count() == 2


def test_a_case_closes_when_a_village_ends_one_of_its_enrolments(
    three_villages: dict[str, Office], tmp_path: Path
) -> None:
    """The everyday package closes the case it settles and no other: it looks only at the
    cases holding its own enrolments."""
    a, b, c, kab = three_villages["a"], three_villages["b"], three_villages["c"], three_villages["kab"]
    stick = tmp_path / "stick"
    enrol_one(a, 1, start_date="01/11/2026")
    enrol_one(b, 1, start_date="15/11/2026")
    enrol_one(a, 2, start_date="01/11/2026")
    enrol_one(c, 2, start_date="15/11/2026")
    for v in (a, b, c):
        send(v, kab, stick)
    desk = DoubleEnrolmentService(kab.db, kab.user)
    assert sorted(case.nik for case in desk.cases()) == [make_nik(1), make_nik(2)]
    enrol_one(b, 7)  # a package of Bakalankrapyak that touches neither case
    send(b, kab, stick)
    assert len(desk.cases()) == 2
    b.participants.end(b.participants.find_by_nik(make_nik(1)).id, "pindah", "20/11/2026")
    send(b, kab, stick)
    (left,) = desk.cases()
    assert left.nik == make_nik(2)
    (gone,) = desk.cases(status="resolved")
    assert (gone.nik, gone.decision) == (make_nik(1), "gone")
    receive(kab, {"a": a, "b": b, "c": c}, tmp_path / "r")
    assert state_of(a, make_nik(1)).state == SyncState.ACCEPTED


def test_the_full_scan_finds_a_nik_active_in_two_desa_and_not_one_that_ended_in_one(
    three_villages: dict[str, Office], tmp_path: Path
) -> None:
    """The whole scan starts from every NIK held twice, ended or not: only active enrolments
    in two desa make a case."""
    a, b, c, kab = three_villages["a"], three_villages["b"], three_villages["c"], three_villages["kab"]
    stick = tmp_path / "stick"
    enrol_one(a, 1, start_date="01/11/2026")
    ended = enrol_one(b, 1, start_date="15/11/2026")
    b.participants.end(ended, "pindah", "20/11/2026")
    enrol_one(a, 2, start_date="01/11/2026")
    enrol_one(c, 2, start_date="15/11/2026")
    for v in (a, b, c):
        send(v, kab, stick)
    with kab.db.begin() as conn:  # a store whose cases were never looked for
        conn.execute(text("DELETE FROM duplicate_case"))
    result = DoubleEnrolmentService(kab.db, kab.user).scan()
    assert result.opened["nik"] == 1
    (case,) = DoubleEnrolmentService(kab.db, kab.user).cases(kind="nik")
    assert (case.nik, case.first.desa_name, case.second.desa_name) == (make_nik(2), "Getaspejaten", "Gulang")


def test_an_open_apbd_case_closes_when_the_nik_leaves_the_list(
    three_villages: dict[str, Office], tmp_path: Path
) -> None:
    c, kab = three_villages["c"], three_villages["kab"]
    enrol_one(c, 6)
    send(c, kab, tmp_path / "stick")
    desk = DoubleEnrolmentService(kab.db, kab.user)
    listing = tmp_path / "apbd.csv"
    listing.write_text(f"NIK,NAMA\n{make_nik(6)},F\n", encoding="utf-8")
    assert desk.import_apbd(listing).scan.opened["apbd"] == 1
    listing.write_text(f"NIK,NAMA\n{make_nik(9)},Lain\n", encoding="utf-8")
    again = desk.import_apbd(listing)
    assert (again.added, again.removed, again.scan.closed) == (1, 1, 1)
    assert desk.cases() == [] and desk.cases(status="resolved")[0].decision == "gone"
    receive(kab, {"c": c}, tmp_path / "r")
    assert state_of(c, make_nik(6)).state == SyncState.ACCEPTED


def test_same_person_under_two_niks_is_only_a_suggestion(three_villages: dict[str, Office], tmp_path: Path) -> None:
    a, b, kab = three_villages["a"], three_villages["b"], three_villages["kab"]
    stick = tmp_path / "stick"
    enrol_one(a, 1, full_name="Siti Aminah", kk=kk(40))
    enrol_one(b, 2, full_name="SITI  AMINAH.", kk=kk(40))  # same KK and birth date, another NIK
    enrol_one(b, 3, full_name="Bambang Sutrisno", kk=kk(40))  # same family, another person
    send(a, kab, stick)
    send(b, kab, stick)
    desk = DoubleEnrolmentService(kab.db, checker(kab).user)
    scan = desk.scan()
    assert scan.opened == {"nik": 0, "apbd": 0, "similar": 1}
    (case,) = desk.cases()
    assert {case.first.full_name, case.second.full_name} == {"Siti Aminah", "SITI AMINAH."}
    receive(kab, {"a": a, "b": b}, tmp_path / "r1")
    assert state_of(b, make_nik(2)).state == SyncState.ACCEPTED  # a suggestion never changes anyone's status
    assert desk.scan().opened["similar"] == 0  # scanning again finds nothing new
    desk.decide(case.id, "keep_first")
    receive(kab, {"a": a, "b": b}, tmp_path / "r2")
    state = state_of(b, make_nik(2))
    assert state.state == SyncState.REJECTED
    assert state.reason.startswith("sudah terdaftar di Desa Getaspejaten sejak 01/11/2026 (dengan NIK ")


def _results(path: Path, rows: list[list[Any]]) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["HASIL VERIFIKASI PENDAFTARAN KOLEKTIF"])
    ws.append(["NIK", "NAMA", "NO KPJ", "STATUS", "KETERANGAN"])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_bpjs_list_out_and_answers_back_to_the_right_villages(
    three_villages: dict[str, Office], tmp_path: Path
) -> None:
    a, b, c, kab = three_villages["a"], three_villages["b"], three_villages["c"], three_villages["kab"]
    stick = tmp_path / "stick"
    for n in (1, 2, 3):
        enrol_one(a, n)
    enrol_one(b, 4)
    enrol_one(c, 5, funding="apbd")
    for v in (a, b, c):
        send(v, kab, stick)
    bpjs = BpjsService(kab.db, kab.user, today=lambda: TODAY)
    only_a = bpjs.export_list(tmp_path / "a.xlsx", desa="33.19.03")  # a kecamatan: only Getaspejaten's
    assert only_a.count == 3
    everyone = bpjs.export_list(tmp_path / "semua.xlsx")
    assert everyone.count == 2  # the others were already sent
    # One audit entry per list, written with the marks of who was sent.
    listed = [e.detail for e in audit_events(kab.db) if e.action.startswith(("bpjs_list", "export_bpjs"))]
    assert listed == ["2 peserta ke semua.xlsx", "3 peserta ke a.xlsx"]
    sheet = load_workbook(tmp_path / "a.xlsx").active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "NIK" and [r[0] for r in values[1:]] == [make_nik(n) for n in (1, 2, 3)]
    assert all(isinstance(r[0], str) for r in values[1:])
    codes = {r[0]: r[values[0].index("KODE_WADAH")] for r in load_workbook(tmp_path / "semua.xlsx").active.iter_rows(  # type: ignore[union-attr]
        min_row=2, values_only=True)}  # fmt: skip
    assert codes == {make_nik(4): "SD", make_nik(5): "SA"}
    with pytest.raises(BpjsError) as err:
        bpjs.export_list(tmp_path / "lagi.xlsx")
    assert err.value.code == "bpjs_nothing_to_send" and not (tmp_path / "lagi.xlsx").exists()
    assert bpjs.sent_counts()["sent"] == 5
    with kab.db.begin() as conn:
        pid = conn.execute(text("SELECT id FROM participant WHERE nik = :n"), {"n": make_nik(4)}).scalar_one()
    sent = [e for e in kab.participants.history(pid) if e.action == "bpjs"]
    assert len(sent) == 1 and sent[0].changes == (("bpjs", "", "Dikirim ke BPJS dalam semua.xlsx"),)

    enrol_one(a, 9)  # enrolled after the list went out: never sent
    send(a, kab, stick)
    answer = _results(
        tmp_path / "hasil.xlsx",
        [
            [make_nik(1), "PESERTA UJI A", "26010000001", "TERDAFTAR", ""],
            [make_nik(2), "PESERTA UJI B", None, "DITOLAK", "NIK tidak sesuai data Dukcapil"],
            [make_nik(4), "PESERTA UJI D", "26010000004", "Berhasil", None],
            [make_nik(9), "PESERTA UJI I", "26010000009", "TERDAFTAR", None],
            ["3319031205800077", "ORANG LAIN", "26010000077", "TERDAFTAR", None],
            [int(make_nik(30)), "PESERTA UJI C", "26010000003", "TERDAFTAR", None],  # ends in 0: may be cut
            [make_nik(5), "PESERTA UJI E", "2601", "TERDAFTAR", None],
        ],
    )
    preview = bpjs.preview_results(answer)
    assert [r.action for r in preview.rows] == ["kpj", "rejected", "kpj", "not_sent", "unknown", "invalid", "invalid"]
    assert preview.rows[5].problem == "nik_number_cell" and preview.rows[6].problem == "bpjs_kpj_invalid"
    assert preview.warned == ()
    # 11 digits is the usual length, not a rule: another length is applied with a warning.
    odd = _results(tmp_path / "lain.xlsx", [[make_nik(1), "PESERTA UJI A", "260100000011", "TERDAFTAR", ""]])
    [row] = bpjs.preview_results(odd).rows
    assert (row.action, row.problem) == ("kpj", "bpjs_kpj_length") and "12 digit" in row.problem_text
    AccountService(kab.db).update_profile(
        head_name="Kepala", head_title="Kepala Dinas", office_phone="", max_age="65", kpj_digits="12"
    )
    assert bpjs.preview_results(odd).rows[0].problem == ""
    with kab.db.begin() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM participant WHERE kpj IS NOT NULL")).scalar() == 0
    applied = bpjs.apply_results(preview)
    assert (applied.kpj, applied.rejected, applied.unknown, applied.not_sent) == (2, 1, 1, 1)
    assert applied.desa_codes == (DESA_B, DESA)
    with kab.db.begin() as conn:
        # BPJS's answer about a NIK nobody sent is reported, never added.
        assert conn.execute(text("SELECT COUNT(*) FROM participant WHERE nik = '3319031205800077'")).scalar() == 0
    assert [r.action for r in bpjs.preview_results(answer).rows][:3] == ["unchanged"] * 3

    # Village A printed cards before BPJS answered: each says it is waiting for BPJS.
    cards_a = CardService(a.db, a.participants, AccountService(a.db).profile())
    waiting = cards_a.prepare(cards_a.ids_for(CardScope.ALL), issue_date=TODAY)
    assert {c.standing for c in waiting.cards} == {Standing.AWAITING_BPJS}
    cards_a.record_print(waiting)
    got = receive(kab, {"a": a, "b": b, "c": c}, tmp_path / "r1")
    assert (got["a"].kpj_assigned, got["a"].rejected, got["b"].kpj_assigned, got["c"].kpj_assigned) == (1, 1, 1, 0)
    assert a.participants.find_by_nik(make_nik(1)).kpj == "26010000001"  # type: ignore[union-attr]
    assert b.participants.find_by_nik(make_nik(4)).kpj == "26010000004"  # type: ignore[union-attr]
    state = state_of(a, make_nik(2))
    assert state.state == SyncState.REJECTED and state.reason == "BPJS: NIK tidak sesuai data Dukcapil"
    assert state_of(c, make_nik(5)).state == SyncState.ACCEPTED and c.participants.find_by_nik(make_nik(5)).kpj == ""  # type: ignore[union-attr]
    # The answer reaches the village's bill and cards: the rejected person is not billed, gets no
    # new card and their card is to be taken back; the registered one's card is to be printed again.
    rejected_id = a.participants.find_by_nik(make_nik(2)).id  # type: ignore[union-attr]
    registered_id = a.participants.find_by_nik(make_nik(1)).id  # type: ignore[union-attr]
    bill = PremiumService(a.db, a.user, today=lambda: TODAY).bill(month_index(TODAY))
    assert rejected_id not in {x.participant_id for x in bill.lines}
    assert [(x.participant_id, x.standing, x.reason) for x in bill.apart] == [
        (rejected_id, Standing.REJECTED, "BPJS: NIK tidak sesuai data Dukcapil")
    ]
    assert rejected_id not in cards_a.ids_for(CardScope.ALL)
    stale = {c.participant_id: (c.action, c.now) for c in cards_a.stale_cards()}
    assert stale[rejected_id] == (CardAction.RECALL, Standing.REJECTED)
    assert stale[registered_id] == (CardAction.REPRINT, Standing.REGISTERED)
    assert registered_id in cards_a.ids_for(CardScope.CHANGED)

    # The village corrects the rejected record and sends it again: it goes on the next list.
    person = a.participants.find_by_nik(make_nik(2))
    assert person is not None
    a.participants.update(person.id, make_draft(2, kk=kk(2), full_name="Peserta Uji Bee"))
    send(a, kab, stick)
    again = bpjs.export_list(tmp_path / "ulang.xlsx")
    assert again.count == 2  # the corrected one and the one enrolled later
    receive(kab, {"a": a}, tmp_path / "r2")
    assert state_of(a, make_nik(2)).state == SyncState.ACCEPTED


def test_coverage_overview_and_report(three_villages: dict[str, Office], tmp_path: Path) -> None:
    a, b, kab = three_villages["a"], three_villages["b"], three_villages["kab"]
    stick = tmp_path / "stick"
    for n in (1, 2, 3):
        enrol_one(a, n, start_date="01/11/2026")
    enrol_one(a, 4, start_date="01/06/2026", category="linmas")
    ended = enrol_one(b, 5, start_date="01/09/2026")
    enrol_one(b, 6, start_date="01/10/2026")
    b.participants.end(ended, "pindah", "10/11/2026")
    send(a, kab, stick)
    send(b, kab, stick)
    ov = overview(kab.db, kab.user, today=lambda: TODAY)
    assert len(ov.kecamatan) == 9 and sum(len(k.villages) for k in ov.kecamatan) == 123
    da, db_ = ov.desa(DESA), ov.desa(DESA_B)
    assert da is not None and db_ is not None
    assert (da.active, da.by_category["rt_rw"], da.by_category["linmas"], da.new_month) == (4, 3, 1, 3)
    assert (db_.active, db_.ended_month, db_.new_month) == (1, 1, 0)
    assert ov.total.active == 5 and ov.total.silent == 121  # all but the two that sent packages
    assert (da.silent, db_.silent) == (0, 0) and da.last_contact is not None
    kaliwungu = next(k for k in ov.kecamatan if k.total.code == "33.19.01")
    assert ov.months[-1] == (2026, 11) and ov.months[0] == (2025, 12)
    # Active at the end of Sep, Oct and Nov 2026 in Kaliwungu: 1 (from Sep), 2, then 1 after the exit.
    assert kaliwungu.series[-3:] == [1, 2, 1]
    jati = next(k for k in ov.kecamatan if k.total.code == "33.19.03")
    assert jati.series[-6] == 1 and jati.series[-1] == 4
    assert (da.rejected, db_.rejected) == (0, 0)

    # The regency rejects one enrolment: it no longer counts as covered, anywhere on the dashboard.
    with kab.db.begin() as conn:
        marked = conn.exec_driver_sql(
            "UPDATE participant_sync SET outcome = 'rejected' WHERE participant_id = "
            "(SELECT id FROM participant WHERE nik = ?)",
            (make_nik(1),),
        )
        assert marked.rowcount == 1
    after = overview(kab.db, kab.user, today=lambda: TODAY)
    da_after = after.desa(DESA)
    assert da_after is not None
    assert (da_after.active, da_after.by_category["rt_rw"], da_after.new_month, da_after.rejected) == (3, 2, 2, 1)
    assert after.total.active == 4 and after.total.rejected == 1
    jati_after = next(k for k in after.kecamatan if k.total.code == "33.19.03")
    assert jati_after.series[-1] == 3 and jati_after.series[-6] == 1

    out = tmp_path / "cakupan.xlsx"
    assert export_coverage(ov, AccountService(kab.db).profile(), out, "Admin") == 123
    book = load_workbook(out)
    rows = list(book["Cakupan"].iter_rows(values_only=True))
    assert rows[0][0] == "PEMERINTAH KABUPATEN KUDUS"  # the Dinas's letterhead heads the signed report
    header = next(r for r in rows if r[0] == "Kecamatan")
    line = next(r for r in rows if r[2] == DESA)
    assert line[header.index("Peserta Aktif")] == 4 and line[header.index("Baru Bulan Ini")] == 3
    total = next(r for r in rows if r[1] == "JUMLAH KABUPATEN")
    assert total[header.index("Peserta Aktif")] == 5
    monthly = list(book["Per Bulan"].iter_rows(values_only=True))
    assert monthly[2][0] == "Kecamatan" and monthly[-1][0] == "Jumlah" and monthly[-1][-1] == 5


def test_coverage_report_opens_in_libreoffice(three_villages: dict[str, Office], tmp_path: Path) -> None:
    import shutil

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    a, kab = three_villages["a"], three_villages["kab"]
    enrol_one(a, 1)
    send(a, kab, tmp_path / "stick")
    out = tmp_path / "cakupan.xlsx"
    export_coverage(overview(kab.db, kab.user, today=lambda: TODAY), AccountService(kab.db).profile(), out, "Admin")
    subprocess.run(
        [soffice, "--headless", "--convert-to", "csv", "--outdir", str(tmp_path), str(out)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    csv_text = (tmp_path / "cakupan.csv").read_text(encoding="utf-8", errors="replace")
    assert "Getaspejaten" in csv_text and "JUMLAH KABUPATEN" in csv_text


def test_a_batch_of_packages_ends_with_a_whole_scan(three_villages: dict[str, Office], tmp_path: Path) -> None:
    a, b, kab = three_villages["a"], three_villages["b"], three_villages["kab"]
    stick = tmp_path / "stick"
    enrol_one(a, 1, full_name="Siti Aminah", kk=kk(40))
    enrol_one(b, 2, full_name="Siti Aminah", kk=kk(40))
    for v in (a, b):
        VillageSync(v.db, v.user).export_package(stick)
    fingerprints = {identity(v.db).device_id: identity(v.db).fingerprint for v in (a, b)}
    regency = RegencySync(kab.db, kab.user)
    report = regency.import_files(sorted(stick.glob("*.kdp")), confirm=lambda p: fingerprints[p.device])
    assert len(report.done) == 2 and report.scan is not None
    assert report.scan.opened["similar"] == 1 and report.scan.open_total == 1
    again = regency.import_files(sorted(stick.glob("*.kdp")))
    assert all(r.already for r in again.done) and again.scan is None  # nothing new: no scan
