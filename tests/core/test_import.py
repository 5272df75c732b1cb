"""Importing village lists: real workbooks written with openpyxl and read back."""

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from kudus_desktop.core.enrolment.approval import ApprovalService, ApprovalState
from kudus_desktop.core.enrolment.participants import ParticipantQuery, ParticipantService
from kudus_desktop.core.errors import CancelledError
from kudus_desktop.core.storage import settings
from kudus_desktop.core.village.importing import (
    ImportOptions,
    ImportService,
    RowStatus,
    SourceFileError,
    inspect_workbook,
    mapping_from_headers,
)
from tests.factories import ENCRYPTED, make_draft, make_nik, village_list

OPTIONS = ImportOptions(source_list="DTKS", source_date="01/10/2026", start_date="01/12/2026")


def nik(serial: int, **kw: object) -> str:
    return make_nik(serial, **kw)  # type: ignore[arg-type]


def test_finds_the_sheet_and_header_and_maps_synonyms(tmp_path: Path) -> None:
    path = village_list(tmp_path / "dtks.xlsx", [[nik(1), "Siti", date(1980, 5, 12), "P", 1, 2, "Buruh"]])
    info = inspect_workbook(path)
    assert info.best is not None
    assert info.best.name == "Data DTKS" and info.best.header_row == 3
    assert info.best.mapping == {"nik": 1, "full_name": 2, "birth_date": 3, "sex": 4, "rt": 5, "rw": 6, "occupation": 7}


def test_values_the_way_villages_write_them(tmp_path: Path, service: ParticipantService) -> None:
    rows = [
        [nik(1), "  Siti   Aminah ", date(1980, 5, 12), "Perempuan", 1, "02", "Buruh"],
        [nik(2), "Budi", "12-05-1980", "L", "3", "1", "Tani"],
        [nik(3), "Joko", "12/05/1980", "Laki-laki", "3", "1", ""],
        [nik(4), "Dewi", "1980-05-12", "P", "3", "1", ""],
        [nik(5), "Sri", "12 Mei 1980", "p", "3", "1", ""],
        [nik(6, birth=date(1985, 8, 17)), "Agus", "17 Agustus 1985", "LK", "3", "1", ""],
        [nik(7), "Eko", datetime(1980, 5, 12, 0, 0), "L", "3", "1", ""],
    ]
    preview = ImportService(service).preview(village_list(tmp_path / "l.xlsx", rows), options=OPTIONS)
    by_name = {r.name: r for r in preview.rows}
    assert set(by_name) == {"Siti Aminah", "Budi", "Joko", "Dewi", "Sri", "Agus", "Eko"}, "blank and total rows skipped"
    assert all(r.status == RowStatus.ADD for r in preview.rows if r.name != "Siti Aminah")
    siti = by_name["Siti Aminah"]
    assert siti.values is not None and siti.values.rt == "001" and siti.values.rw == "002"
    assert siti.values.birth_date == date(1980, 5, 12) and siti.values.source_list == "DTKS"
    assert siti.row == 4
    assert {i.code for i in siti.warnings} == {"nik_sex_mismatch"}  # make_nik is male; the list says P


def test_a_nik_stored_as_a_number_is_refused_when_excel_may_have_cut_it(
    tmp_path: Path, service: ParticipantService
) -> None:
    """Excel keeps 15 significant digits and writes the 16th as 0: a number ending in 0 may
    have lost its last digit; one ending otherwise cannot have, and is accepted with a warning."""
    from kudus_desktop.core.rules.labels import describe_issue

    cut = 3319031205800010  # what Excel leaves of 3319031205800013
    kept = 3319031205800009
    rows = [[cut, "Dipotong", date(1980, 5, 12), "L", 1, 1, ""], [kept, "Utuh", date(1980, 5, 12), "L", 1, 1, ""]]
    preview = ImportService(service).preview(village_list(tmp_path / "n.xlsx", rows), options=OPTIONS)
    refused, accepted = preview.rows
    assert refused.status == RowStatus.REJECTED and refused.errors[0].code == "nik_number_cell"
    assert "15 digit" in describe_issue(refused.errors[0])
    assert accepted.status == RowStatus.ADD and accepted.nik == str(kept)
    assert [i.code for i in accepted.warnings] == ["nik_number_cell_kept"]
    assert "bukan 0" in describe_issue(accepted.warnings[0]) and "diterima" in describe_issue(accepted.warnings[0])


def test_a_total_row_is_never_a_person(tmp_path: Path, service: ParticipantService) -> None:
    """JUMLAH in the NIK column, or TOTAL beside an empty NIK, with counts: not a rejected person."""
    rows = [[make_nik(1), "Siti", "12/05/1980", "L", 1, 1, ""], ["JUMLAH", "14 orang", None, None, None, None, ""]]
    preview = ImportService(service).preview(
        village_list(tmp_path / "t.xlsx", rows, summary_sheet=False), options=OPTIONS
    )
    assert [(r.nik, r.status) for r in preview.rows] == [(make_nik(1), RowStatus.ADD)]


def test_a_row_that_sums_a_column_is_a_total_but_a_named_person_without_nik_is_not(
    tmp_path: Path, service: ParticipantService
) -> None:
    rows = [
        [make_nik(1), "Siti", "12/05/1980", "L", 1, 1, ""],
        [make_nik(2), "Budi", "12/05/1980", "L", 2, 1, ""],
        ["", "Tanpa NIK", "12/05/1980", "L", 3, 2, ""],  # a person whose NIK is missing: shown, rejected
        [None, None, None, None, 6, 4, None],  # RT and RW summed by a formula: not a person
    ]
    preview = ImportService(service).preview(
        village_list(tmp_path / "t.xlsx", rows, summary_sheet=False), options=OPTIONS
    )
    assert [(r.name, r.status) for r in preview.rows] == [
        ("Siti", RowStatus.ADD), ("Budi", RowStatus.ADD), ("Tanpa NIK", RowStatus.REJECTED)
    ]  # fmt: skip


def test_a_nik_in_scientific_notation_in_a_csv_gets_the_excel_explanation(
    tmp_path: Path, service: ParticipantService
) -> None:
    from kudus_desktop.core.rules.labels import describe_issue

    path = tmp_path / "daftar.csv"
    path.write_text(f"NIK;Nama;Tanggal Lahir;JK\n3,31903E+15;Siti;12/05/1980;P\n{make_nik(2)};Budi;12/05/1980;L\n")
    preview = ImportService(service).preview(path, options=OPTIONS)
    bad = preview.rows[0]
    assert bad.status == RowStatus.REJECTED and bad.errors[0].code == "nik_number_cell"
    assert "hanya boleh" not in describe_issue(bad.errors[0]) and "Excel" in describe_issue(bad.errors[0])


def test_the_sex_mismatch_names_the_sexes_from_their_codes() -> None:
    from kudus_desktop.core.rules.labels import describe_issue
    from kudus_desktop.core.rules.validation import Issue

    issue = Issue("nik", "nik_sex_mismatch", "warning", {"nik_sex": "L", "typed_sex": "P"})
    text = describe_issue(issue)
    assert "Laki-laki" in text and "Perempuan" in text


def test_errors_reject_rows_and_duplicates_are_caught(tmp_path: Path, service: ParticipantService) -> None:
    pid, _ = service.create(make_draft(9, full_name="Sudah Terdaftar"))
    rows = [
        [nik(1), "Siti", "12/05/1980", "L", 1, 1, ""],
        [nik(1), "Siti Lagi", "12/05/1980", "L", 1, 1, ""],
        ["12345", "Pendek", "12/05/1980", "L", 1, 1, ""],
        [nik(2), "", "31/02/1980", "L", 1, 1, ""],
        [nik(9), "Sudah Terdaftar", "12/05/1980", "L", 1, 1, "Petani"],
    ]
    preview = ImportService(service).preview(village_list(tmp_path / "e.xlsx", rows), options=OPTIONS)
    status = {r.row: (r.status, [i.code for i in r.errors]) for r in preview.rows}
    assert status[4] == (RowStatus.ADD, [])
    assert status[5] == (RowStatus.REJECTED, ["duplicate_in_file"])
    assert status[6][0] == RowStatus.REJECTED and "nik_length" in status[6][1]
    assert status[7][0] == RowStatus.REJECTED and {"required", "date_impossible"} <= set(status[7][1])
    assert status[8][0] == RowStatus.UPDATE
    update = next(r for r in preview.rows if r.row == 8)
    assert update.existing_id == pid and update.changes["occupation"] == "Petani"


def test_commit_is_one_transaction_and_reimport_adds_nobody(tmp_path: Path, service: ParticipantService) -> None:
    rows = [[nik(i), f"Orang {'ABCDEFGHIJ'[i]}", "12/05/1980", "L", 1, 1, ""] for i in range(1, 9)]
    path = village_list(tmp_path / "c.xlsx", rows)
    importer = ImportService(service)
    preview = importer.preview(path, options=OPTIONS)
    assert service.count() == 0, "a preview writes nothing"
    result = importer.commit(preview)
    assert (result.added, result.updated) == (8, 0)
    assert service.count() == 8
    people = [service.get(i) for i in service.query_ids(ParticipantQuery())]
    assert {p.source_list for p in people} == {"DTKS"}
    assert {p.start_date for p in people} == {date(2026, 12, 1)}
    assert len({p.reg_no for p in people}) == 8 and len({p.rev for p in people}) == 8
    assert service.history(people[0].id)[0].action == "create"
    # The same preview confirmed twice (a second window, a double click): its people are enrolled now.
    assert importer.commit(preview).added == 0 and service.count() == 8
    again = importer.preview(path, options=OPTIONS)
    assert {r.status for r in again.rows} == {RowStatus.UNCHANGED}
    importer.commit(again)
    assert service.count() == 8


def test_a_cancelled_commit_leaves_the_database_as_it_was(tmp_path: Path, service: ParticipantService) -> None:
    rows = [[make_nik(i, birth=date(1980, 5, 12)), "Orang Banyak", "12/05/1980", "L", 1, 1, ""] for i in range(1, 4500)]
    importer = ImportService(service)
    preview = importer.preview(village_list(tmp_path / "big.xlsx", rows), options=OPTIONS)
    calls = {"n": 0}

    def cancel_after_first_chunk() -> bool:
        calls["n"] += 1
        return calls["n"] > 1

    with pytest.raises(CancelledError):
        importer.commit(preview, cancelled=cancel_after_first_chunk)
    assert service.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("daftar.xlsx", b"bukan zip sama sekali" * 10, "no_nik_column"),  # text: read as CSV
        ("daftar.xlsx", ENCRYPTED, "file_protected"),
        ("daftar.xls", ENCRYPTED, "file_protected"),  # renamed, still named for what it is
        ("daftar.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "file_corrupt"),
        ("daftar.xlsx", b"PK\x03\x04" + b"\x00" * 200, "file_corrupt"),
        ("daftar.xls", b"\x00\x01 rusak" * 50, "file_binary"),
        ("daftar.csv", b"%PDF-1.7\n" + b"\x00" * 100, "file_is_other"),
        ("daftar.xls", b"<html><body><table><tr><td>NIK</td></tr></table></body></html>", "file_is_other"),
    ],
)
def test_files_that_are_not_workbooks_are_named(
    tmp_path: Path, service: ParticipantService, name: str, content: bytes, code: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SourceFileError) as err:
        ImportService(service).preview(path, options=OPTIONS)
    assert err.value.code == code
    assert path.name in str(err.value)
    assert service.count() == 0


def test_no_nik_column_and_empty_sheet(tmp_path: Path, service: ParticipantService) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Nama", "Alamat"])
    ws.append(["Siti", "Jati"])
    wb.save(tmp_path / "tanpa_nik.xlsx")
    with pytest.raises(SourceFileError) as err:
        ImportService(service).preview(tmp_path / "tanpa_nik.xlsx", options=OPTIONS)
    assert err.value.code == "no_nik_column"
    openpyxl.Workbook().save(tmp_path / "kosong.xlsx")
    with pytest.raises(SourceFileError) as err:
        ImportService(service).preview(tmp_path / "kosong.xlsx", options=OPTIONS)
    assert err.value.code == "sheet_empty"


def test_csv_and_a_remembered_mapping(tmp_path: Path, service: ParticipantService) -> None:
    path = tmp_path / "rt.csv"
    path.write_text(f"Kolom A;Kolom B;Lahir;JK\n{nik(3)};Warsono;12/05/1980;L\n", encoding="utf-8")
    importer = ImportService(service)
    importer.save_mapping("Daftar RT", {"nik": "Kolom A", "full_name": "Kolom B", "birth_date": "Lahir", "sex": "JK"})
    saved = importer.saved_mapping("daftar rt")
    mapping = mapping_from_headers(["Kolom A", "Kolom B", "Lahir", "JK"], saved)
    preview = importer.preview(path, sheet="rt", mapping=mapping, header_row=1, options=OPTIONS)
    (row,) = preview.rows
    assert row.status == RowStatus.ADD and row.values is not None and row.values.full_name == "Warsono"


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path, service: ParticipantService) -> None:
    big = tmp_path / "besar.xlsx"
    with big.open("wb") as fh:
        fh.write(b"PK\x03\x04")
        fh.truncate(50 * 2**20)
    with pytest.raises(SourceFileError) as err:
        ImportService(service).preview(big, options=OPTIONS)
    assert err.value.code == "file_too_big" and "50 MB" in str(err.value)


def test_formulas_without_saved_values_refuse_the_sheet_with_a_sentence(
    tmp_path: Path, service: ParticipantService
) -> None:
    """openpyxl, like many programs, writes formulas without results: every value read would be
    empty, and each row would be reported as a missing NIK. The sheet is refused instead."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["NIK", "NAMA", "TGL LAHIR", "JK"])
    ws.append([make_nik(1), "Siti", "12/05/1980", "L"])
    ws.append(['=CONCATENATE("3319",A2)', "=B2", "12/05/1980", "L"])  # never calculated: no cached value
    wb.save(tmp_path / "rumus.xlsx")
    with pytest.raises(SourceFileError) as err:
        ImportService(service).preview(tmp_path / "rumus.xlsx", options=OPTIONS)
    assert err.value.code == "formulas_unsaved" and "2 sel rumus" in str(err.value)
    assert "simpan, lalu impor lagi" in str(err.value) and service.count() == 0


def test_a_corrected_list_updates_each_person_once_with_history_revs_and_the_queue(
    tmp_path: Path, service: ParticipantService
) -> None:
    rows = [[nik(i), f"Orang {'ABCDEFGHIJ'[i]}", "12/05/1980", "L", 1, 1, "Buruh"] for i in range(1, 5)]
    importer = ImportService(service)
    importer.commit(importer.preview(village_list(tmp_path / "a.xlsx", rows), options=OPTIONS))
    before = {p.nik: p for p in map(service.get, service.query_ids(ParticipantQuery()))}
    with service.db.begin() as conn:  # the verifikator's step on from now
        settings.write(conn, {settings.APPROVAL_REQUIRED: "1"})
    approval = ApprovalService(service.db, service.user)
    # Person 3 was already changed by another clerk and waits: the list's correction joins that.
    service.update(before[nik(3)].id, make_draft(3, nik=nik(3), full_name="Orang C", occupation="Tukang"),
                   accept_warnings=True)  # fmt: skip
    corrected = [list(r) for r in rows]
    corrected[0][6] = "Petani"  # person 1: occupation
    corrected[1][1] = "Orang Bb"  # person 2: name
    corrected[2][6] = "Nelayan"  # person 3: occupation again
    result = importer.commit(importer.preview(village_list(tmp_path / "b.xlsx", corrected), options=OPTIONS))
    assert result.updated == 3
    after = {p.nik: p for p in map(service.get, service.query_ids(ParticipantQuery()))}
    assert after[nik(1)].occupation == "Petani" and after[nik(2)].full_name == "Orang Bb"
    assert after[nik(3)].occupation == "Nelayan"
    assert after[nik(4)].rev == before[nik(4)].rev, "an unchanged person is not touched"
    revs = [after[nik(i)].rev for i in (1, 2, 3)]
    assert revs == sorted(revs) and len(set(revs)) == 3 and revs[0] > max(p.rev for p in before.values())
    last = service.history(after[nik(1)].id)[-1]
    assert last.action == "update" and ("occupation", "Buruh", "Petani") in last.changes
    assert [e.action for e in service.history(after[nik(2)].id)][-1] == "update"
    waiting = {i.nik: i for i in approval.queue()}
    assert set(waiting) == {nik(1), nik(2), nik(3)} and all(i.state == ApprovalState.WAITING for i in waiting.values())
    assert waiting[nik(3)].makers == ("admin",)  # joined the waiting change, one maker named once


def test_checked_rows_are_handed_on_in_file_order_as_the_check_goes(
    tmp_path: Path, service: ParticipantService
) -> None:
    from kudus_desktop.core.village import importing

    rows = [[make_nik(i, birth=date(1980, 5, 12)), f"Orang {i}", "12/05/1980", "L", 1, 1, ""] for i in range(1, 5301)]
    rows[2] = rows[1]  # a duplicate, refused against the row before it
    batches: list[list[int]] = []
    preview = ImportService(service).preview(
        village_list(tmp_path / "b.xlsx", rows), options=OPTIONS, found=lambda b: batches.append([r.row for r in b])
    )
    # A screenful first, then the rest in a few large batches: the page can show rows at once.
    assert len(batches[0]) == importing.FIRST_BATCH
    assert [len(b) for b in batches[1:]] == [importing.NEXT_BATCH, 5300 - importing.FIRST_BATCH - importing.NEXT_BATCH]
    assert [n for b in batches for n in b] == [r.row for r in preview.rows], "every row once, in order"
    assert preview.rows[2].status == RowStatus.REJECTED


def test_the_book_read_to_find_its_columns_is_the_one_previewed_until_the_file_changes(
    tmp_path: Path, service: ParticipantService, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from kudus_desktop.core.village import importing

    opened: list[Path] = []
    real = importing._Book

    class Counted(real):  # type: ignore[misc, valid-type]
        def __init__(self, path: Path) -> None:
            opened.append(path)
            super().__init__(path)

    monkeypatch.setattr(importing, "_Book", Counted)
    path = village_list(tmp_path / "d.xlsx", [[nik(1), "Siti", "12/05/1980", "P", 1, 2, "Buruh"]])
    importer = ImportService(service)
    info = importer.inspect(path)
    assert info.best is not None
    preview = importer.preview(path, sheet=info.best.name, mapping=info.best.mapping,
                               header_row=info.best.header_row, options=OPTIONS)  # fmt: skip
    assert [r.name for r in preview.rows] == ["Siti"] and len(opened) == 1, "choosing a file reads it once"
    # The clerk fixes the file in Excel and previews again: the new file is read, not the kept one.
    village_list(path, [[nik(1), "Siti Aminah", "12/05/1980", "P", 1, 2, "Buruh"], [nik(2), "Budi", "", "L", 1, 1, ""]])
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    again = importer.preview(path, options=OPTIONS)
    assert [r.name for r in again.rows] == ["Siti Aminah", "Budi"] and len(opened) == 2
    importer.forget()
    importer.preview(path, options=OPTIONS)
    assert len(opened) == 3, "a forgotten book is read again"
