"""Eligibility over time: source IDs and desil kept, who dropped out of a newer list, the age limit
and ended terms on a review list in the window's service and as a workbook."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from kudus_desktop.core.enrolment.participants import ParticipantService
from kudus_desktop.core.reports.exporting import export_review_list
from kudus_desktop.core.village.eligibility import EligibilityService, ReviewReason
from kudus_desktop.core.village.importing import ImportOptions, ImportService, RowStatus
from tests.conftest import TODAY
from tests.factories import make_draft, make_nik

DTSEN = ImportOptions(source_list="DTSEN", source_date="01/10/2026", start_date="01/11/2026")


def dtsen(path: Path, rows: list[tuple[int, str, object, object]]) -> Path:
    """A DTSEN extract: its own row ID and the family's desil beside the person."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["ID DTSEN", "NIK", "Nama", "Tanggal Lahir", "JK", "Desil"])
    for serial, name, row_id, desil in rows:
        ws.append([row_id, make_nik(serial), name, "12/05/1980", "L", desil])
    wb.save(path)
    return path


def test_the_source_id_and_desil_are_kept_and_a_bad_desil_is_only_a_warning(
    tmp_path: Path, service: ParticipantService
) -> None:
    importer = ImportService(service)
    preview = importer.preview(
        dtsen(tmp_path / "dtsen.xlsx", [(1, "Siti", "DT-3319-0001", 2), (2, "Budi", "DT-3319-0002", "sebelas")]),
        options=DTSEN,
    )
    assert preview.mapping["source_id"] == 0 and preview.mapping["desil"] == 5
    assert [r.status for r in preview.rows] == [RowStatus.ADD, RowStatus.ADD]
    assert [i.code for i in preview.rows[1].warnings] == ["desil_invalid"]
    importer.commit(preview)
    siti, budi = service.find_by_nik(make_nik(1)), service.find_by_nik(make_nik(2))
    assert siti is not None and budi is not None
    assert (siti.source_id, siti.desil) == ("DT-3319-0001", 2)
    assert (budi.source_id, budi.desil) == ("DT-3319-0002", None)
    # The next quarter's list moves Siti to desil 3: an update, kept in her history.
    again = importer.preview(dtsen(tmp_path / "dtsen2.xlsx", [(1, "Siti", "DT-3319-0001", 3)]), options=DTSEN)
    assert again.rows[0].status == RowStatus.UPDATE and again.rows[0].changes == {"desil": 3}
    importer.commit(again)
    assert service.get(siti.id).desil == 3


def test_a_newer_complete_list_reports_who_is_gone_and_ends_nobody(tmp_path: Path, service: ParticipantService) -> None:
    importer = ImportService(service)
    first = dtsen(tmp_path / "q3.xlsx", [(1, "Siti", "A1", 1), (2, "Budi", "A2", 1), (3, "Joko", "A3", 2)])
    importer.commit(importer.preview(first, options=DTSEN))
    official = service.create(make_draft(9, category="rt_rw", term_end="31/12/2030"))[0]  # not from DTSEN
    newer = dtsen(tmp_path / "q4.xlsx", [(1, "Siti", "A1", 1), (3, "Joko", "A3", 3)])
    complete = dataclasses.replace(DTSEN, complete_list=True)
    preview = importer.preview(newer, options=complete)
    budi = service.find_by_nik(make_nik(2))
    assert budi is not None and preview.dropped == (budi.id,)
    assert importer.preview(newer, options=DTSEN).dropped == ()  # not said to be complete: nothing claimed
    importer.commit(preview)
    assert service.get(budi.id).status == "aktif"  # nobody is ended by a list
    [entry] = EligibilityService(service.db, today=lambda: TODAY).review_list()
    assert (entry.participant_id, entry.reason) == (budi.id, ReviewReason.NOT_IN_SOURCE)
    assert "DTSEN" in entry.detail and "q4.xlsx" in entry.detail
    assert official not in {e.participant_id for e in EligibilityService(service.db).review_list()}
    # Back on the next list: off the review list.
    importer.commit(importer.preview(first, options=complete))
    assert EligibilityService(service.db, today=lambda: TODAY).review_list() == []


def test_the_age_limit_and_ended_terms_are_listed_in_the_window_service_and_the_workbook(
    tmp_path: Path, service: ParticipantService
) -> None:
    from datetime import date

    old = date(1960, 1, 10)  # 66 on the test's day: past the limit of 65
    mbah = service.create(make_draft(1, nik=make_nik(1, birth=old), birth_date="10/01/1960"), accept_warnings=True)[0]
    rt = service.create(make_draft(2, category="rt_rw", start_date="01/01/2026", term_end="31/10/2026"))[0]
    service.create(make_draft(3, category="bpd", term_end="31/12/2031"))
    entries = EligibilityService(service.db, today=lambda: TODAY).review_list()
    assert [(e.participant_id, e.reason) for e in entries] == [(mbah, ReviewReason.AGE), (rt, ReviewReason.TERM)]
    assert entries[0].detail == "umur 66 tahun, batas 65 tahun"
    assert entries[1].detail == "masa jabatan berakhir 31/10/2026"
    out = tmp_path / "tinjauan.xlsx"
    assert export_review_list(entries, out, title="DAFTAR TINJAUAN") == 2
    ws = openpyxl.load_workbook(out).active
    assert ws is not None
    cells = [list(row) for row in ws.iter_rows(min_row=4, values_only=True)]
    assert cells[0][6] == "Melewati batas umur" and cells[1][6] == "Masa jabatan berakhir"
    assert make_nik(1) not in str(cells) and cells[0][3].endswith(make_nik(1)[-4:])  # masked NIK


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) not installed")
def test_the_review_workbook_opens_in_libreoffice(tmp_path: Path, service: ParticipantService) -> None:
    service.create(make_draft(2, category="rt_rw", start_date="01/01/2026", term_end="31/10/2026"))
    out = tmp_path / "tinjauan.xlsx"
    export_review_list(EligibilityService(service.db, today=lambda: TODAY).review_list(), out, title="TINJAUAN")
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "csv",
         "--outdir", str(tmp_path), str(out)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    text = (tmp_path / "tinjauan.csv").read_text(encoding="utf-8", errors="replace")
    assert "Masa jabatan berakhir" in text and "31/10/2026" in text
