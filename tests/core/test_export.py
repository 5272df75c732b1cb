"""Exported spreadsheets, read back with openpyxl and (where installed) LibreOffice."""

import csv
import shutil
import subprocess
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from kudus_desktop.core.enrolment.participants import ParticipantQuery, ParticipantService
from kudus_desktop.core.errors import KudusError
from kudus_desktop.core.office.accounts import AccountService
from kudus_desktop.core.reports.exporting import export_bpjs_list, export_problem_report, export_roster, wadah_code
from kudus_desktop.core.rules.card_layout import Paper
from kudus_desktop.core.village.importing import ImportOptions, ImportService
from tests.factories import make_draft, make_nik, village_list


@pytest.fixture
def enrolled(service: ParticipantService) -> list[str]:
    niks = []
    for n, funding in enumerate(("pades", "bagi_hasil", "apbd", "lainnya"), start=1):
        nik = make_nik(n * 1000 + 1)  # ends in 1: a float would show 3.3e15 or lose it
        service.create(make_draft(n, nik=nik, funding=funding))
        niks.append(nik)
    return niks


def test_roster_keeps_every_digit_and_has_the_signatory_block(
    tmp_path: Path, service: ParticipantService, enrolled: list[str]
) -> None:
    profile = AccountService(service.db).profile()
    out = tmp_path / "roster.xlsx"
    assert export_roster(service, profile, out) == 4
    wb = openpyxl.load_workbook(out)
    ws = wb["Daftar Peserta"]
    # The office's letterhead first, centred across the sheet with a double rule under it.
    assert [ws.cell(row=r, column=1).value for r in (1, 2, 3)] == [
        "PEMERINTAH KABUPATEN KUDUS", "KECAMATAN JATI", "DESA GETASPEJATEN"
    ]  # fmt: skip
    assert "A1:" in " ".join(str(m) for m in ws.merged_cells.ranges)
    assert ws["A3"].font.b and ws["A1"].alignment.horizontal == "center"
    h = next(r for r in range(1, 20) if ws.cell(row=r, column=1).value == "No. Registrasi")
    assert "GETASPEJATEN" in str(ws.cell(row=h - 3, column=1).value)  # the title under the letterhead
    assert ws.freeze_panes == f"A{h + 1}"
    header = [c.value for c in ws[h]]
    assert header[:4] == ["No. Registrasi", "NIK", "No. KK", "Nama Lengkap"]
    niks = [ws.cell(row=r, column=2).value for r in range(h + 1, h + 5)]
    assert sorted(niks) == sorted(enrolled)
    assert all(isinstance(n, str) for n in niks)
    birth = ws.cell(row=h + 1, column=6)
    assert birth.value.date() == date(1980, 5, 12) and birth.number_format == "DD/MM/YYYY"
    texts = [str(c.value) for row in ws.iter_rows(min_row=h + 5) for c in row if c.value]
    assert "Mengetahui," in texts and "Sutrisno" in texts and "KEPALA DESA GETASPEJATEN," in texts
    assert any(t.startswith("Getaspejaten, ") for t in texts)
    assert abs(ws.column_dimensions["D"].width - 28) < 1  # the name column as set (Excel adds its padding)


def test_the_roster_and_bpjs_list_print_on_the_offices_paper_one_page_wide(
    tmp_path: Path, service: ParticipantService, enrolled: list[str]
) -> None:
    """Excel and LibreOffice print what the sheet says: F4 is Excel's paper 14 (Folio, 8.5 x 13
    in), the wide roster lies landscape, and the header row heads every page."""
    profile = AccountService(service.db).profile()
    roster, bpjs, narrow = tmp_path / "roster.xlsx", tmp_path / "bpjs.xlsx", tmp_path / "narrow.xlsx"
    export_roster(service, profile, roster, paper=Paper.F4)
    export_bpjs_list(service, bpjs, paper=Paper.A4)
    export_bpjs_list(service, narrow, columns=["nik", "full_name"], paper=Paper.F4)
    ws = openpyxl.load_workbook(roster)["Daftar Peserta"]
    assert ws.page_setup.paperSize == 14 and ws.page_setup.orientation == "landscape"
    # fitToWidth absent is the format's default, 1 page wide
    assert ws.sheet_properties.pageSetUpPr.fitToPage and (ws.page_setup.fitToWidth or 1) == 1
    assert ws.page_setup.fitToHeight == 0, "as many pages long as it takes"
    h = next(r for r in range(1, 20) if ws.cell(row=r, column=1).value == "No. Registrasi")
    assert ws.print_title_rows == f"${h}:${h}", "the header row, under the letterhead, heads every page"
    wide = openpyxl.load_workbook(bpjs)["Pendaftaran"]
    assert wide.page_setup.paperSize == 9 and wide.page_setup.orientation == "landscape"
    assert wide.print_title_rows == "$1:$1"
    slim = openpyxl.load_workbook(narrow)["Pendaftaran"]
    assert slim.page_setup.paperSize == 14 and slim.page_setup.orientation != "landscape"
    assert slim.print_title_rows == "$1:$1"


def test_bpjs_list_columns_are_configurable_and_carry_the_wadah_code(
    tmp_path: Path, service: ParticipantService, enrolled: list[str]
) -> None:
    out = tmp_path / "bpjs.xlsx"
    assert export_bpjs_list(service, out, columns=["wadah", "nik", "full_name"]) == 4
    ws = openpyxl.load_workbook(out)["Pendaftaran"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("KODE_WADAH", "NIK", "NAMA")
    assert {r[0] for r in rows[1:]} == {"SD", "SA", "SL"}
    assert {r[1] for r in rows[1:]} == set(enrolled)
    assert wadah_code("pades") == wadah_code("bagi_hasil") == "SD"
    with pytest.raises(KudusError) as err:
        export_bpjs_list(service, out, columns=["nik", "golongan_darah"])
    assert "golongan_darah" in str(err.value)


def test_problem_report_lists_each_reason(tmp_path: Path, service: ParticipantService) -> None:
    source = village_list(tmp_path / "in.xlsx", [[3319031205800001, "Angka", "12/05/1980", "L", 1, 1, ""],
                                                 [make_nik(2), "", "12/05/1980", "L", 1, 1, ""]])  # fmt: skip
    preview = ImportService(service).preview(source, options=ImportOptions(source_list="DTKS"))
    out = tmp_path / "masalah.xlsx"
    assert export_problem_report(preview, out) == 2
    rows = list(openpyxl.load_workbook(out).active.iter_rows(min_row=4, values_only=True))
    assert rows[0][0] == 4 and rows[0][1] == "3319031205800001" and "15 digit" in rows[0][5]
    assert any(r[4] == "Nama lengkap" and "wajib diisi" in r[5] for r in rows)


def test_export_to_an_unwritable_place_names_it(tmp_path: Path, service: ParticipantService) -> None:
    (tmp_path / "berkas").write_text("x")
    with pytest.raises(KudusError) as err:
        export_bpjs_list(service, tmp_path / "berkas" / "bpjs.xlsx")
    assert err.value.code == "export_failed"


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed; .ci/run installs it"
)
def test_libreoffice_reads_every_nik_exactly(tmp_path: Path, service: ParticipantService, enrolled: list[str]) -> None:
    out = tmp_path / "bpjs.xlsx"
    export_bpjs_list(service, out, columns=["nik", "kk", "full_name", "birth_date"])
    # "csv" alone would do for the NIKs; the filter options ask for cells as shown, so the
    # dates come out as the clerk sees them (UTF-8, comma, quote, as shown).
    target = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true"
    profile = f"-env:UserInstallation=file://{tmp_path}/lo"
    cmd = ["soffice", "--headless", profile, "--convert-to", target, "--outdir", str(tmp_path), str(out)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=180)
    with (tmp_path / "bpjs.csv").open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["NIK", "NO_KK", "NAMA", "TGL_LAHIR"]
    assert sorted(r[0] for r in rows[1:]) == sorted(enrolled)
    assert {r[1] for r in rows[1:]} == {f"331903120510{n:04d}" for n in range(1, 5)}  # every digit of the KK
    assert {r[3] for r in rows[1:]} == {"12/05/1980"}


def test_roster_follows_the_list_filter(tmp_path: Path, service: ParticipantService, enrolled: list[str]) -> None:
    profile = AccountService(service.db).profile()
    n = export_roster(service, profile, tmp_path / "r.xlsx", query=ParticipantQuery(text=enrolled[0][-6:]))
    assert n == 1


def test_everything_about_one_person(tmp_path: Path, service: ParticipantService) -> None:
    from kudus_desktop.core.reports.exporting import export_person_report

    pid, _ = service.create(make_draft(1, full_name="Siti Aminah"))
    service.update(pid, make_draft(1, full_name="Siti Aminah", phone="0857-1111-2222"))
    service.end(pid, "pindah", "20/11/2026")
    out = tmp_path / "orang.xlsx"
    assert export_person_report(service, pid, out) == 3
    cells = [
        str(c) for row in openpyxl.load_workbook(out).active.iter_rows(values_only=True) for c in row if c is not None
    ]
    assert make_nik(1) in cells and "Siti Aminah" in cells and "Pindah domisili" in cells
    assert "0812-3456-7890 → 0857-1111-2222" in cells
    assert "participant_create" in cells


@pytest.mark.usefixtures("as_admin")
def test_person_report_command(tmp_path: Path, data_dir: Path, service: ParticipantService) -> None:
    from tests.commands import cli

    service.create(make_draft(1, full_name="Siti Aminah"))
    ok = cli("peserta", "report", "--nik", make_nik(1), "--out", str(tmp_path / "p.xlsx"), "--data-dir", str(data_dir))
    assert ok.returncode == 0 and (tmp_path / "p.xlsx").exists()
    missing = cli(
        "peserta", "report", "--nik", make_nik(2), "--out", str(tmp_path / "q.xlsx"), "--data-dir", str(data_dir)
    )
    assert missing.returncode == 2 and "tidak ditemukan" in missing.stderr


def test_the_command_lines_list_of_bpjs_columns_is_the_exports() -> None:
    from kudus_desktop.core.reports.exporting import BPJS_COLUMNS
    from kudus_desktop.core.rules.codes import BPJS_COLUMN_KEYS

    assert tuple(BPJS_COLUMNS) == BPJS_COLUMN_KEYS
