"""Official paper as offices sign it: a.n./u.b./Plt./Plh./Pj., the secretary signing, rank and
NIP, the Kepala Dinas for the regency, the letterhead and a decree's annex; set in Pengaturan
by an admin only, each field checked, and what the printouts and spreadsheets then write."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kudus_desktop.core.errors import AuthError, ValidationError
from kudus_desktop.core.office.accounts import AccountService
from kudus_desktop.core.reports.exporting import export_roster
from kudus_desktop.core.reports.printouts import participant_list
from kudus_desktop.core.rules.codes import Role
from kudus_desktop.core.rules.letterhead import (
    OfficialPaper,
    check_paper,
    decree_annex,
    letterhead_lines,
    nip_problem,
    signature_block,
)
from kudus_desktop.core.rules.records import OfficeProfile
from kudus_desktop.core.storage.audit import audit_events
from tests.conftest import PASSWORD, Office
from tests.factories import enrol_one

NIP = "197508122000031004"
DESA = OfficeProfile("desa", "33.19.03.2005", "Getaspejaten", "Jati", "Sri Wahyuni", "Kepala Desa", "0291-1", 65)
KAB = OfficeProfile("kabupaten", "33.19", "Kabupaten Kudus", "", "Dr. Hadi", "Kepala Dinas", "", 65)


def block(profile: OfficeProfile, **paper: str) -> tuple[tuple[str, ...], str, tuple[str, ...]]:
    checked, issues = check_paper(paper)
    assert issues == []
    got = signature_block(replace(profile, paper=checked))
    return got.above, got.name, got.below


def test_each_basis_signs_as_official_documents_write_it() -> None:
    assert block(DESA) == (("KEPALA DESA GETASPEJATEN,",), "Sri Wahyuni", ())
    assert block(DESA, basis="an", signer_title="Sekretaris Desa") == (
        ("a.n. KEPALA DESA GETASPEJATEN", "SEKRETARIS DESA,"), "Sri Wahyuni", ()
    )  # fmt: skip
    assert block(DESA, basis="ub", signer_title="Sekretaris Desa", ub_title="Kepala Urusan Umum")[0] == (
        "a.n. KEPALA DESA GETASPEJATEN", "SEKRETARIS DESA", "u.b.", "KEPALA URUSAN UMUM,"
    )  # fmt: skip
    for basis, prefix in (("plt", "Plt."), ("plh", "Plh."), ("pj", "Pj.")):
        assert block(DESA, basis=basis)[0] == (f"{prefix} KEPALA DESA GETASPEJATEN,",)
    # A Pj. Kepala Desa is a civil servant: rank and NIP under the name, grouped as printed.
    assert block(DESA, basis="pj", rank="Penata Tk. I (III/d)", nip="19750812 200003 1 004")[2] == (
        "Penata Tk. I (III/d)", "NIP. 19750812 200003 1 004"
    )  # fmt: skip
    # The regency's reports: the Kepala Dinas, the office written out.
    assert block(KAB, rank="Pembina Utama Muda (IV/c)", nip=NIP) == (
        ("KEPALA DINAS PEMBERDAYAAN MASYARAKAT DAN DESA KABUPATEN KUDUS,",), "Dr. Hadi",
        ("Pembina Utama Muda (IV/c)", "NIP. 19750812 200003 1 004"),
    )  # fmt: skip
    # A title that names its place already is not given it twice; no name leaves the dotted line.
    assert block(replace(DESA, head_title="Kepala Desa Getaspejaten", head_name=""))[:2] == (
        ("KEPALA DESA GETASPEJATEN,",), "(.............................)"
    )  # fmt: skip


def test_letterhead_and_annex() -> None:
    desa = replace(DESA, paper=OfficialPaper(office_address="Jl. Raya Jati No. 5, Kudus 59343"))
    assert letterhead_lines(desa) == (
        ("PEMERINTAH KABUPATEN KUDUS", 1), ("KECAMATAN JATI", 1), ("DESA GETASPEJATEN", 2),
        ("Jl. Raya Jati No. 5, Kudus 59343; Telepon 0291-1", 0),
    )  # fmt: skip
    assert letterhead_lines(KAB)[:2] == (
        ("PEMERINTAH KABUPATEN KUDUS", 1),
        ("DINAS PEMBERDAYAAN MASYARAKAT DAN DESA", 2),
    )
    kelurahan = replace(DESA, region_code="33.19.02.1001", region_name="Purwosari", head_title="Lurah")
    assert letterhead_lines(kelurahan)[2] == ("KELURAHAN PURWOSARI", 2)
    assert signature_block(kelurahan).above == ("LURAH KELURAHAN PURWOSARI,",)
    assert decree_annex(DESA) == ()
    paper, issues = check_paper(
        {"decree_kind": "Keputusan Kepala Desa", "decree_number": "12 Tahun 2026", "decree_date": "2/12/2026",
         "decree_about": "Penetapan Peserta Jaminan Sosial Ketenagakerjaan"}
    )  # fmt: skip
    assert issues == [] and paper.decree_date == date(2026, 12, 2)
    assert decree_annex(replace(DESA, paper=paper)) == (
        ("LAMPIRAN", "KEPUTUSAN KEPALA DESA GETASPEJATEN"), ("NOMOR", "12 TAHUN 2026"),
        ("TANGGAL", "2 Desember 2026"), ("TENTANG", "PENETAPAN PESERTA JAMINAN SOSIAL KETENAGAKERJAAN"),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("nip", "problem"),
    [
        (NIP, ""), ("19750812200003100", "nip_length"), ("1975081220000310045", "nip_length"),
        ("19751312200003 1004", "nip_length"), ("197513122000031004", "nip_date"),
        ("197508122000131004", "nip_date"), ("197508121980031004", "nip_date"), ("197508122000033004", "nip_sex"),
        ("19750812200003100x", "nip_length"),
    ],
)  # fmt: skip
def test_a_nip_is_checked_digit_by_digit(nip: str, problem: str) -> None:
    assert nip_problem(nip) == problem


def test_what_is_missing_or_wrong_is_named() -> None:
    _paper, issues = check_paper(
        {"basis": "ub", "nip": "1975 0812", "decree_number": "7", "decree_date": "31/02/2026",
         "office_address": "x" * 161, "rank": "Penata"}
    )  # fmt: skip
    got = {(i.field, i.code) for i in issues}
    assert got == {
        ("signer_title", "signer_title_required"), ("ub_title", "ub_title_required"), ("nip", "nip_length"),
        ("decree_date", "date_impossible"), ("decree_kind", "decree_incomplete"),
        ("decree_about", "decree_incomplete"), ("office_address", "too_long"),
    }  # fmt: skip
    _paper, issues = check_paper({"basis": "atas nama"})
    assert [(i.field, i.code) for i in issues] == [("basis", "choice_invalid")]
    text = str(ValidationError(check_paper({"basis": "an", "nip": "123"})[1]))
    assert "Sekretaris Desa" in text and "NIP '123' harus 18 digit" in text


def test_pengaturan_keeps_it_and_the_printouts_sign_with_it(offices: dict[str, Office], tmp_path: Path) -> None:
    office = offices["a"]
    accounts = AccountService(office.db)
    fields = {
        "basis": "an", "signer_title": "Sekretaris Desa", "nip": "19750812 200003 1 004", "rank": "Penata (III/c)",
        "office_address": "Jl. Raya Jati No. 5", "decree_kind": "Keputusan Kepala Desa", "decree_number": "12/2026",
        "decree_date": "02/12/2026", "decree_about": "Penetapan Peserta",
    }  # fmt: skip
    accounts.create_account(office.user, "operator", "Operator Desa", Role.OPERATOR, PASSWORD)
    with pytest.raises(AuthError):
        accounts.update_paper(accounts.login("operator", PASSWORD), fields)
    assert accounts.profile().paper == OfficialPaper()
    accounts.update_paper(office.user, fields)
    paper = accounts.profile().paper
    assert (paper.basis, paper.nip, paper.decree_date) == ("an", NIP, date(2026, 12, 2))
    assert any(e.action == "paper_changed" and "basis=an" in e.detail for e in audit_events(office.db))
    # Refused whole: nothing of a bad change is kept.
    with pytest.raises(ValidationError):
        accounts.update_paper(office.user, {**fields, "basis": "ub", "rank": "Pembina"})
    assert accounts.profile().paper == paper

    enrol_one(office, 1)
    profile = accounts.profile()
    table = participant_list(office.participants, profile)
    assert table.signatory.head_lines == ("Mengetahui,", "a.n. KEPALA DESA GETASPEJATEN", "SEKRETARIS DESA,")
    assert table.signatory.head_name == "Sutrisno"
    assert table.signatory.head_below == ("Penata (III/c)", "NIP. 19750812 200003 1 004")
    assert table.letterhead.lines[2] == ("DESA GETASPEJATEN", 2)
    assert table.letterhead.annex[1] == ("NOMOR", "12/2026")
    out = tmp_path / "daftar.xlsx"
    export_roster(office.participants, profile, out)
    cells = [c.value for row in load_workbook(out).active.iter_rows() for c in row if c.value]
    assert cells[:3] == ["PEMERINTAH KABUPATEN KUDUS", "KECAMATAN JATI", "DESA GETASPEJATEN"]
    assert "NOMOR : 12/2026" in cells[:12], "the decree's annex block heads the spreadsheet as the printed list"
    at = cells.index("a.n. KEPALA DESA GETASPEJATEN")
    assert cells[at + 1 : at + 5] == ["SEKRETARIS DESA,", "Sutrisno", "Penata (III/c)", "NIP. 19750812 200003 1 004"]
