"""The regency's whole double-enrolment scan on both stores: the same NIK in two villages, a NIK
in the APBD list and the same person under two NIKs are found alike on SQLite and PostgreSQL,
and a record the regency rejected is never counted again."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from kudus_desktop.core.regency.doubles import DoubleEnrolmentService
from kudus_desktop.core.storage.signing import identity
from kudus_desktop.core.sync import RegencySync, VillageSync
from tests.conftest import Office
from tests.factories import enrol_one, kk, make_nik
from tests.server.conftest import CODES, Regency


def test_the_whole_scan_finds_every_kind_and_skips_what_was_rejected(
    offices: dict[str, Office], regency: Regency, tmp_path: Path
) -> None:
    villages = {key: offices[key] for key in ("a", "b", "c")}
    for key, village in villages.items():
        setup, _ = RegencySync(regency.db, regency.user).make_setup_file(CODES[key], tmp_path)
        VillageSync(village.db, village.user).join(setup)
    a, b, c = villages["a"], villages["b"], villages["c"]
    enrol_one(a, 1, full_name="Siti Aminah", kk=kk(40))
    enrol_one(b, 2, full_name="SITI  AMINAH.", kk=kk(40))  # same KK and birth date, another NIK
    enrol_one(b, 3, full_name="Bambang Sutrisno", kk=kk(40))  # the same family, another person
    for village in (a, c):
        enrol_one(village, 5)  # one NIK in two villages
    enrol_one(a, 6)  # in the regency's APBD scheme
    for serial in range(10, 40):  # people nothing is wrong with
        enrol_one(villages["abc"[serial % 3]], serial)
    desk = DoubleEnrolmentService(regency.db, regency.user)
    listing = tmp_path / "apbd.csv"
    listing.write_text(f"NIK,NAMA\n{make_nik(6)},Peserta APBD\n{make_nik(99)},Bukan peserta\n", encoding="utf-8")
    assert desk.import_apbd(listing).scan.opened == {"nik": 0, "apbd": 0, "similar": 0}
    # The three packages in one batch: one whole scan at its end.
    stick = tmp_path / "stick"
    for village in (a, b, c):
        VillageSync(village.db, village.user).export_package(stick)
    fingerprints = {identity(v.db).device_id: identity(v.db).fingerprint for v in (a, b, c)}
    sync = RegencySync(regency.db, regency.user)
    report = sync.import_files(sorted(stick.glob("*.kdp")), confirm=lambda p: fingerprints[p.device])
    assert len(report.done) == 3 and report.scan is not None
    assert {case.kind for case in desk.cases()} == {"nik", "apbd", "similar"}
    # Found again from nothing by the whole scan alone (each package's own scan found two).
    with regency.db.begin() as conn:
        conn.execute(text("DELETE FROM duplicate_case"))
        conn.execute(text("UPDATE participant_sync SET outcome = 'accepted', reason = ''"))
    assert desk.scan().opened == {"nik": 1, "apbd": 1, "similar": 1}
    found = {case.kind: case for case in desk.cases()}
    assert found["nik"].nik == make_nik(5)
    assert {found["nik"].first.desa_code, found["nik"].second.desa_code} == {CODES["a"], CODES["c"]}
    assert {found["similar"].first.full_name, found["similar"].second.full_name} == {"Siti Aminah", "SITI AMINAH."}
    assert found["apbd"].first.nik == make_nik(6)
    # The same NIK decided for the later enrolment: the earlier one is rejected, and when a third
    # village enrols that NIK the whole scan pairs it with the one kept, never with the rejected.
    first_desa = found["nik"].first.desa_code
    kept = found["nik"].second.desa_code
    desk.decide(found["nik"].id, "keep_second")
    enrol_one(b, 5)
    VillageSync(b.db, b.user).export_package(stick)
    sync.import_files(sorted(stick.glob("*.kdp")))
    with regency.db.begin() as conn:  # what the package's own scan opened, found again by the whole scan
        conn.execute(text("DELETE FROM duplicate_case WHERE status = 'open' AND kind = 'nik'"))
    assert desk.scan().opened == {"nik": 1, "apbd": 0, "similar": 0}
    cases = [case for case in desk.cases() if case.kind == "nik"]
    assert [(case.first.desa_code, case.second.desa_code) for case in cases] == [(kept, CODES["b"])]
    assert first_desa != kept
