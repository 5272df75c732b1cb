"""``kudus-desktop bpjs|report|ganda|apbd ...`` as real processes on a regency with two villages' data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from tests.commands import cli
from tests.conftest import DESA_B, Office
from tests.factories import enrol_one, make_nik, send

pytestmark = pytest.mark.usefixtures("as_admin")


def run(office: Office, *args: str) -> dict:  # type: ignore[type-arg]
    result = cli(*args, "--data-dir", str(office.path), "--json")
    out = json.loads(result.stdout or result.stderr)
    out["returncode"] = result.returncode
    return out


def test_regency_desk_on_the_command_line(three_villages: dict[str, Office], tmp_path: Path) -> None:
    a, b, kab = three_villages["a"], three_villages["b"], three_villages["kab"]
    stick = tmp_path / "stick"
    enrol_one(a, 1, start_date="01/11/2026")
    enrol_one(a, 2)
    enrol_one(b, 1, start_date="15/11/2026")
    enrol_one(b, 3)
    send(a, kab, stick)
    send(b, kab, stick)
    kab.db.close()

    listed = run(kab, "ganda", "list")
    (case,) = listed["cases"]
    assert case["kind"] == "nik" and "Getaspejaten" in listed["message"] and make_nik(1) not in listed["message"]
    wrong = run(kab, "ganda", "decide", str(case["id"] + 99), "keep_first")
    assert wrong["returncode"] == 2 and wrong["error"] == "duplicate_not_found"
    decided = run(kab, "ganda", "decide", str(case["id"]), "keep_first", "--note", "dicek")
    assert decided["ok"] and decided["case"]["decision"] == "keep_first"
    assert run(kab, "ganda", "list")["cases"] == [] and len(run(kab, "ganda", "list", "--all")["cases"]) == 1

    exported = run(kab, "bpjs", "export", "--out", str(tmp_path / "bpjs.xlsx"), "--desa", DESA_B)
    assert exported["rows"] == 1  # Bakalankrapyak's other enrolment was rejected as a double
    sheet = load_workbook(tmp_path / "bpjs.xlsx").active
    assert sheet is not None and sheet.cell(2, 1).value == make_nik(3)
    unknown_area = run(kab, "bpjs", "export", "--out", str(tmp_path / "x.xlsx"), "--desa", "33.19.99")
    assert unknown_area["returncode"] == 2 and unknown_area["error"] == "area_code_unknown"
    run(kab, "bpjs", "export", "--out", str(tmp_path / "semua.xlsx"))

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Nomor Induk", "Nomor Peserta", "Hasil"])  # headers BPJS might use: mapped by hand
    ws.append([make_nik(3), "26010000003", "TERDAFTAR"])
    ws.append([make_nik(2), None, "DITOLAK"])
    ws.append(["3319031205800077", "26010000077", "TERDAFTAR"])
    wb.save(tmp_path / "hasil.xlsx")
    no_nik = run(kab, "bpjs", "import", str(tmp_path / "hasil.xlsx"))
    assert no_nik["returncode"] == 2 and no_nik["error"] == "no_nik_column"

    ws.insert_rows(1)
    ws["A1"], ws["B1"], ws["C1"] = "NIK", "Nomor Peserta", "Hasil"
    wb.save(tmp_path / "hasil.xlsx")
    dry = run(kab, "bpjs", "import", str(tmp_path / "hasil.xlsx"), "--map", "kpj=Nomor Peserta", "--dry-run")
    assert [r["action"] for r in dry["rows"]] == ["invalid", "kpj", "rejected", "unknown"]
    assert dry["applied"] is None
    done = run(kab, "bpjs", "import", str(tmp_path / "hasil.xlsx"), "--map", "kpj=Nomor Peserta")
    assert done["applied"]["kpj"] == 1 and done["applied"]["unknown"] == 1 and "3319031205800077" in done["message"]
    bad_map = run(kab, "bpjs", "import", str(tmp_path / "hasil.xlsx"), "--map", "kpj=Tidak Ada")
    assert bad_map["returncode"] == 2 and bad_map["error"] == "map_invalid"

    apbd = tmp_path / "apbd.csv"
    apbd.write_text(f"NIK;NAMA\n{make_nik(2)};Peserta Uji B\n", encoding="utf-8")
    imported = run(kab, "apbd", "import", str(apbd))
    assert imported["members"] == 1 and imported["cases"] == 0  # already rejected by BPJS: not standing
    scanned = run(kab, "ganda", "scan")
    assert scanned["ok"] and scanned["scan"]["open_total"] == 0

    report = run(kab, "report", "coverage", "--out", str(tmp_path / "cakupan.xlsx"))
    assert report["villages"] == 123 and report["active"] == 2  # rejected enrolments do not count
    refused = run(a, "report", "coverage", "--out", str(tmp_path / "desa.xlsx"))
    assert refused["returncode"] == 2 and refused["error"] == "regency_only"
