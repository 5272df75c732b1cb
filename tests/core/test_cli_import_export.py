"""`kudus-desktop import` and `export` as a real process, on a real data directory."""

import json
from pathlib import Path

import openpyxl
import pytest

from kudus_desktop.core.enrolment.participants import ParticipantService
from tests.commands import cli
from tests.factories import ENCRYPTED, make_nik, village_list

pytestmark = pytest.mark.usefixtures("as_admin")


def test_import_previews_then_commits_and_reports_json(
    tmp_path: Path, data_dir: Path, service: ParticipantService
) -> None:
    rows = [
        [make_nik(1), "Siti", "12/05/1980", "L", 1, 2, ""],
        [3319031205800010, "Angka", "12/05/1980", "L", 1, 1, ""],
        [make_nik(3), "Budi", "12/05/1980", "P", 1, 1, ""],
    ]
    source = village_list(tmp_path / "dtks.xlsx", rows)
    preview = cli("import", str(source), "--data-dir", str(data_dir), "--source", "DTKS", "--json")
    assert preview.returncode == 0, preview.stderr
    out = json.loads(preview.stdout)
    assert [e["row"] for e in out["accepted"]] == [4, 6]
    assert out["rejected"] == [
        {"row": 5, "nik": "3319031205800010", "status": "rejected", "reasons": [out["rejected"][0]["reasons"][0]]}
    ]
    assert "15 digit" in out["rejected"][0]["reasons"][0]
    assert [w["row"] for w in out["warnings"]] == [6] and "jenis kelamin" in out["warnings"][0]["reasons"][0]
    assert service.count() == 0, "without --commit nothing is written"

    report = tmp_path / "masalah.xlsx"
    done = cli(
        "import", str(source), "--data-dir", str(data_dir), "--source", "DTKS", "--commit", "--report", str(report)
    )
    assert done.returncode == 0 and "2 baru" in done.stdout
    assert service.count() == 2
    assert openpyxl.load_workbook(report).active.max_row >= 5
    again = cli("import", str(source), "--data-dir", str(data_dir), "--commit", "--json")
    assert json.loads(again.stdout)["counts"]["add"] == 0
    assert service.count() == 2


def test_import_of_a_bad_file_fails_with_one_line(tmp_path: Path, data_dir: Path) -> None:
    bad = tmp_path / "daftar.xlsx"
    bad.write_bytes(ENCRYPTED)
    result = cli("import", str(bad), "--data-dir", str(data_dir))
    assert result.returncode == 2
    assert "dilindungi kata sandi" in result.stderr and result.stderr.count("\n") == 1


def test_export_commands_write_workbooks(tmp_path: Path, data_dir: Path) -> None:
    source = village_list(tmp_path / "dtks.xlsx", [[make_nik(1), "Siti", "12/05/1980", "L", 1, 2, ""]])
    assert cli("import", str(source), "--data-dir", str(data_dir), "--commit").returncode == 0
    roster = cli("export", "roster", "--out", str(tmp_path / "r.xlsx"), "--data-dir", str(data_dir))
    assert roster.returncode == 0 and "1 peserta" in roster.stdout
    bpjs = cli(
        "export", "bpjs", "--out", str(tmp_path / "b.xlsx"), "--columns", "nik,wadah", "--data-dir", str(data_dir)
    )
    assert bpjs.returncode == 0
    rows = list(openpyxl.load_workbook(tmp_path / "b.xlsx").active.iter_rows(values_only=True))
    assert rows == [("NIK", "KODE_WADAH"), (make_nik(1), "SD")]
    wrong = cli(
        "export", "bpjs", "--out", str(tmp_path / "c.xlsx"), "--columns", "nik,hobi", "--data-dir", str(data_dir)
    )
    assert wrong.returncode == 2 and "hobi" in wrong.stderr


def test_import_leaves_out_warned_rows_and_a_complete_list_fills_the_review_list(
    tmp_path: Path, data_dir: Path, service: ParticipantService
) -> None:
    first = village_list(
        tmp_path / "dtks.xlsx",
        [[make_nik(1), "Siti", "12/05/1980", "L", 1, 2, ""], [make_nik(2), "Budi", "12/05/1980", "P", 1, 1, ""]],
    )
    done = cli(
        "import", str(first), "--data-dir", str(data_dir), "--source", "DTKS", "--commit", "--leave-out",
        "nik_sex_mismatch", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["warned_kinds"] == {"nik_sex_mismatch": 1} and out["left_out"] == 1
    assert service.count() == 1 and service.find_by_nik(make_nik(2)) is None
    newer = village_list(tmp_path / "dtks-baru.xlsx", [[make_nik(3), "Joko", "12/05/1980", "L", 1, 1, ""]])
    again = cli("import", str(newer), "--data-dir", str(data_dir), "--source", "DTKS", "--complete-list", "--commit")
    assert again.returncode == 0, again.stderr
    assert "1 peserta aktif dari DTKS tidak ada lagi di berkas ini; dicatat di daftar tinjauan." in again.stdout
    review = cli("peserta", "review", "--data-dir", str(data_dir), "--out", str(tmp_path / "tinjauan.xlsx"))
    assert review.returncode == 0, review.stderr
    assert "Siti" in review.stdout and "tidak ada lagi di daftar DTKS" in review.stdout
    assert (tmp_path / "tinjauan.xlsx").exists()
