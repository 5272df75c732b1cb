"""A village restored from an older backup keeps working: on the same PC or a new one, from a
plain or an encrypted copy, what it enrols and sends afterwards arrives, and nothing collides
with what the regency already holds."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from kudus_desktop.core.rules.sync_state import SyncState
from kudus_desktop.core.storage.backup import backup_database, encrypted_backup, restore_database
from kudus_desktop.core.storage.signing import identity
from kudus_desktop.core.storage.syncfile import SyncError
from kudus_desktop.core.sync import RegencySync, VillageSync
from tests.conftest import Office
from tests.factories import DESA, enrol, export, fingerprint_of, ingest, make_nik

PASSPHRASE = "frasa-sandi-desa"


def regency_rows(kab: Office) -> list[tuple[str, str, str]]:
    with kab.db.begin() as conn:
        return [tuple(r) for r in conn.execute(text("SELECT nik, reg_no, uid FROM participant ORDER BY reg_no"))]


def restore(office: Office, source: Path, passphrase: str | None = None) -> None:
    """What a clerk's restore does: the window closes the database, the copy replaces it."""
    office.db.close()
    restore_database(office.path, source, passphrase)
    office.reopen()


def receipt_for(kab: Office, village: Office, tmp: Path, name: str) -> object:
    (path,) = RegencySync(kab.db, kab.user).write_receipts(tmp / name, [DESA])
    return VillageSync(village.db, village.user).import_receipt(path)


def test_same_pc_restore_carries_on_and_a_re_enrolled_person_is_the_same_enrolment(
    world: dict[str, Office], tmp_path: Path
) -> None:
    a, kab = world["a"], world["kab"]
    stick = tmp_path / "stick"
    enrol(a, 1, 2)
    backup = backup_database(a.db_file, tmp_path / "backups")
    ingest(kab, export(a, stick), a)
    enrol(a, 3)
    ingest(kab, export(a, stick), a)
    with kab.db.begin() as conn:
        conn.execute(text("UPDATE participant SET kpj = '26010000003' WHERE nik = :n"), {"n": make_nik(3)})
    lost_uid = next(uid for nik, _, uid in regency_rows(kab) if nik == make_nik(3))

    restore(a, backup)  # person 3 is gone from the village; the regency holds them
    assert a.participants.find_by_nik(make_nik(3)) is None
    enrol(a, 3)  # the clerk enrols the same person again: a new uid
    enrol(a, 4)
    package = export(a, stick)
    assert package.name.endswith("_000003.kdp")  # numbers carry on above the highest ever used here
    result = ingest(kab, package)
    assert (result.added, result.reconciled, result.rejected) == (1, 1, 0), result
    rows = regency_rows(kab)
    assert [nik for nik, _, _ in rows] == [make_nik(n) for n in (1, 2, 3, 4)]
    assert len({reg for _, reg, _ in rows}) == 4  # no registration number twice
    # The held enrolment took the new uid and kept its KPJ; the old uid now changes nothing.
    new_uid = next(uid for nik, _, uid in rows if nik == make_nik(3))
    assert new_uid != lost_uid
    applied = receipt_for(kab, a, tmp_path, "r1")
    person = a.participants.find_by_nik(make_nik(3))
    assert person is not None and person.kpj == "26010000003"
    assert applied.unknown == 0 and applied.rejected == 0  # type: ignore[attr-defined]
    states = VillageSync(a.db, a.user).record_states([person.id])
    assert states[person.id].state == SyncState.ACCEPTED


def test_new_pc_from_an_encrypted_backup_keeps_its_identity_and_renumbers_what_collides(
    world: dict[str, Office], tmp_path: Path
) -> None:
    a, kab = world["a"], world["kab"]
    stick = tmp_path / "stick"
    enrol(a, 1, 2)
    sealed = encrypted_backup(a.db_file, tmp_path / "usb", PASSPHRASE)
    ingest(kab, export(a, stick), a)
    enrol(a, 3)
    ingest(kab, export(a, stick), a)
    old_device = identity(a.db).device_id

    # The PC is replaced: a fresh data folder, the encrypted copy restored into it.
    fresh = tmp_path / "pc-baru"
    fresh.mkdir()
    restore_database(fresh, sealed, PASSPHRASE)
    new_pc = Office(fresh)
    assert identity(new_pc.db).device_id == old_device  # the keys came with the copy
    enrol(new_pc, 5)  # numbered 00003 again: the regency holds that number for person 3
    reused = export(new_pc, stick)
    assert reused.name.endswith("_000001.kdp")
    with pytest.raises(SyncError) as err:
        ingest(kab, reused)
    assert err.value.code == "sync_seq_reused"
    # The regency's receipt tells the new PC what it holds: the package numbers, the registration
    # numbers, and that package 2 there is another one.
    applied = receipt_for(kab, new_pc, tmp_path, "r1")
    assert applied.superseded == (1,) and applied.renumbered == 1 and applied.full_resend, applied  # type: ignore[attr-defined]
    package = export(new_pc, stick)
    assert package.name.endswith("_000003.kdp")
    result = ingest(kab, package)
    assert (result.added, result.rejected) == (1, 0), result
    rows = regency_rows(kab)
    assert [nik for nik, _, _ in rows] == [make_nik(n) for n in (1, 2, 3, 5)]
    assert len({reg for _, reg, _ in rows}) == 4
    applied = receipt_for(kab, new_pc, tmp_path, "r2")
    assert applied.rejected == 0 and applied.superseded == ()  # type: ignore[attr-defined]
    village = RegencySync(kab.db, kab.user).villages()
    assert next(v for v in village if v.code == DESA).missing == ()


def test_plain_copy_on_another_pc_makes_a_new_device_confirmed_by_fingerprint(
    world: dict[str, Office], tmp_path: Path
) -> None:
    a, kab = world["a"], world["kab"]
    stick = tmp_path / "stick"
    enrol(a, 1)
    ingest(kab, export(a, stick), a)
    copy = backup_database(a.db_file, tmp_path / "backups")
    old = identity(a.db)
    fresh = tmp_path / "pc-lain"
    fresh.mkdir()
    restore_database(fresh, copy)
    other = Office(fresh)
    # The copy's private keys do not open without the first PC's key file: new keys are made.
    assert identity(other.db).device_id != old.device_id
    enrol(other, 2)
    package = export(other, stick)
    with pytest.raises(SyncError) as err:
        ingest(kab, package)
    assert err.value.code == "sync_unknown_device" and fingerprint_of(other) in str(err.value)
    assert ingest(kab, package, other).registered
    states = {d.device_id: d.state for d in RegencySync(kab.db, kab.user).devices()}
    assert states == {old.device_id: "retired", identity(other.db).device_id: "current"}
    # Receipts now go to the new PC; the old one's copy of the key cannot read them.
    applied = receipt_for(kab, other, tmp_path, "r")
    assert applied.accepted == 2  # type: ignore[attr-defined]
