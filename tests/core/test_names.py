"""The same person under two NIKs is caught where it is typed, not months later at the regency."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from kudus_desktop.core.enrolment.participants import ParticipantService
from kudus_desktop.core.errors import ValidationError
from kudus_desktop.core.rules.names import likely_same, name_key, similar
from kudus_desktop.core.village.importing import ImportOptions, ImportService, RowStatus
from tests.factories import make_draft, make_nik

KK = "3319031205100777"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Moch. Choirul Oemar bin Djoko", "Muhammad Khoirul Umar Joko"),
        ("M. Sholeh", "Mohammad Soleh"),  # ch/sh aside, the initial M. is Muhammad
        ("Tjahjono", "Cahjono"),
        ("Siti Aminah", "Siti Aminah Binti Kasmo"),
        ("Sugiyanto", "Sugianto"),
        ("Nur Hasanah", "Hasanah Nur"),
    ],
)
def test_spelling_variants_of_one_name_are_similar(a: str, b: str) -> None:
    assert similar(a, b)


@pytest.mark.parametrize(("a", "b"), [("Budi Santoso", "Joko Santoso"), ("Agus", "Agung"), ("Siti", "Sri")])
def test_different_people_are_not(a: str, b: str) -> None:
    assert not similar(a, b)


def test_the_key_folds_old_spelling_muhammad_bin_and_doubled_letters() -> None:
    assert name_key("MOCH. DJOEMADI BIN SOEPARDJO") == "MUHAMAD JUMADI SUPARJO"
    assert name_key("Muhammad Saaddah") == name_key("Muchamad Sadah") == "MUHAMAD SADAH"
    assert not likely_same(None, "Siti Aminah", None, "Siti Aminah Kasmo")  # no KK: only the same name counts
    assert likely_same(KK, "Siti Aminah", KK, "Siti Aminah Kasmo")


def test_entry_warns_of_the_same_family_member_under_another_nik(service: ParticipantService) -> None:
    first, _ = service.create(make_draft(1, full_name="Moch. Choirul Anam", kk=KK))
    with pytest.raises(ValidationError) as warned:
        service.create(make_draft(2, full_name="Muhammad Khoirul Anam", kk=KK))
    [issue] = warned.value.issues
    assert issue.code == "likely_same_person" and issue.severity == "warning"
    assert issue.params["reg_no"] == service.get(first).reg_no and issue.params["nik4"] == make_nik(1)[-4:]
    # The same name born on another day: another person, nothing to say.
    service.create(make_draft(3, full_name="Muhammad Khoirul Anam", kk="3319031205100888", birth_date="12/05/1981",
                              nik=make_nik(3, birth=date(1981, 5, 12))))  # fmt: skip
    # Editing the person themself never matches them with their own record.
    service.update(first, make_draft(1, full_name="Moch. Choirul Anam", kk=KK, phone="081299990000"))
    # Same name and birth day without a KK: still the same person, most likely.
    with pytest.raises(ValidationError):
        service.create(make_draft(4, full_name="MOH. CHOIRUL ANAM", kk=""))
    # The clerk who knows better goes on; the verifikator sees the warning on the approval page.
    service.create(make_draft(4, full_name="MOH. CHOIRUL ANAM", kk=""), accept_warnings=True)


def test_import_warns_of_someone_enrolled_and_of_an_earlier_row(tmp_path: Path, service: ParticipantService) -> None:
    service.create(make_draft(1, full_name="Sri Wahyuni", kk=KK))
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["NIK", "No KK", "Nama", "Tanggal Lahir", "JK"])
    ws.append([make_nik(2), KK, "Sri Wahjoeni", "12/05/1980", "L"])  # old spelling, another NIK
    ws.append([make_nik(3), "3319031205100888", "Bambang", "12/05/1980", "L"])
    ws.append([make_nik(4), "3319031205100888", "Bambang S", "12/05/1980", "L"])  # same as the row above?
    path = tmp_path / "dtks.xlsx"
    wb.save(path)
    preview = ImportService(service).preview(path, options=ImportOptions(source_list="DTKS"))
    codes = [[i.code for i in r.warnings] for r in preview.rows]
    assert codes == [["likely_same_person"], [], ["likely_same_row"]]
    assert preview.rows[0].warnings[0].params["name"] == "Sri Wahyuni"
    assert preview.rows[2].warnings[0].params["row"] == 3  # the earlier row of the same file
    assert [r.status for r in preview.rows] == [RowStatus.ADD] * 3
    assert dict(preview.warned_kinds()) == {"likely_same_person": 1, "likely_same_row": 1}
