"""The sync round trip, village -> regency -> village, with real databases on both sides."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from kudus_desktop.core.rules.sync_state import SyncState
from kudus_desktop.core.storage.db import SCHEMA_VERSION
from kudus_desktop.core.storage.signing import identity
from kudus_desktop.core.storage.syncfile import SyncError, parse, seal
from kudus_desktop.core.sync import (
    RegencySync,
    VillageSync,
    package_files,
    read_sync_file,
    write_safely,
)
from tests.conftest import DESA_B, Office
from tests.factories import DESA, enrol, export, file_state, fingerprint_of, ingest, make_draft, make_nik


def test_setup_file_is_checked_and_joins_the_village(offices: dict[str, Office], tmp_path: Path) -> None:
    kab, a = offices["kab"], offices["a"]
    path, setup = RegencySync(kab.db, kab.user).make_setup_file(DESA, tmp_path)
    assert path.name == "KDS_3319032008.kdsetup"
    village = VillageSync(a.db, a.user)
    with pytest.raises(SyncError) as err:
        village.export_package(tmp_path)
    assert err.value.code == "sync_not_joined"
    # A setup file for another village is refused and names both villages.
    other, _ = RegencySync(kab.db, kab.user).make_setup_file(DESA_B, tmp_path / "b.kdsetup")
    with pytest.raises(SyncError) as err:
        village.join(other)
    assert "Bakalankrapyak" in str(err.value) and "Getaspejaten" in str(err.value)
    # One changed character breaks the regency's signature on the file.
    forged = tmp_path / "forged.kdsetup"
    forged.write_text(path.read_text(encoding="utf-8").replace('"server": ""', '"server": "http://evil"'))
    with pytest.raises(SyncError) as err:
        village.join(forged)
    assert err.value.code == "sync_setup_invalid"
    joined = village.join(path)
    status = village.status()
    assert status.joined and status.regency_fingerprint == setup.fingerprint == joined.fingerprint
    assert status.fingerprint == fingerprint_of(a)
    assert RegencySync(kab.db, kab.user).devices() == []


def test_round_trip_two_villages_with_a_shared_nik(world: dict[str, Office], tmp_path: Path) -> None:
    a, b, kab = world["a"], world["b"], world["kab"]
    stick = tmp_path / "stick"
    ids_a = enrol(a, 1, 2, 3)
    enrol(b, 3, 4, rt="5")  # make_nik(3) is enrolled in both villages
    states = VillageSync(a.db, a.user).record_states(ids_a)
    assert {s.state for s in states.values()} == {SyncState.NOT_SENT}

    pkg_a = export(a, stick)
    pkg_b = export(b, stick)
    assert pkg_a.name == f"KDP_3319032008_{identity(a.db).device_id[:8]}_000001.kdp"
    assert VillageSync(a.db, a.user).record_states(ids_a)[ids_a[0]].state == SyncState.SENT

    regency = RegencySync(kab.db, kab.user)
    first = ingest(kab, pkg_a, a)
    assert (first.added, first.registered, first.duplicates) == (3, True, 0)
    second = ingest(kab, pkg_b, b)
    assert (second.added, second.duplicates) == (2, 1)
    with kab.db.begin() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM participant WHERE nik = :n"), {"n": make_nik(3)}).scalar() == 2
        assert conn.execute(text("SELECT COUNT(*) FROM duplicate_case WHERE status = 'open'")).scalar() == 1
        # The regency's BPJS results (issue 6) will set KPJ numbers; here the operator's database does.
        conn.execute(text("UPDATE participant SET kpj = '26010000001' WHERE nik = :n"), {"n": make_nik(1)})
    assert regency.open_duplicates() == 1
    rows = {v.code: v for v in regency.villages()}
    assert len(rows) == 123
    assert (rows[DESA].devices, rows[DESA].last_seq, rows[DESA].active, rows[DESA].missing) == (1, 1, 3, ())
    assert rows[DESA_B].active == 2

    receipts = tmp_path / "receipts"
    written = regency.write_receipts(receipts)
    assert sorted(p.name for p in written) == ["KDR_3319012001_000001.kdr", "KDR_3319032008_000001.kdr"]
    result_a = VillageSync(a.db, a.user).import_receipt(receipts / "KDR_3319032008_000001.kdr")
    assert (result_a.accepted, result_a.review, result_a.kpj_assigned) == (3, 0, 1)
    result_b = VillageSync(b.db, b.user).import_receipt(receipts / "KDR_3319012001_000001.kdr")
    assert (result_b.accepted, result_b.review) == (1, 1)

    assert a.participants.find_by_nik(make_nik(1)).kpj == "26010000001"  # type: ignore[union-attr]
    history = a.participants.history(ids_a[0])
    assert any(e.action == "sync" and "26010000001" in str(e.changes) for e in history)
    dup_b = b.participants.find_by_nik(make_nik(3))
    assert dup_b is not None
    state = VillageSync(b.db, b.user).record_states([dup_b.id])[dup_b.id]
    assert state.state == SyncState.REVIEW and "Getaspejaten" in state.reason
    # Village A heard nothing about village B's records, and its own shared NIK stays accepted.
    shared_a = a.participants.find_by_nik(make_nik(3))
    assert shared_a is not None
    assert VillageSync(a.db, a.user).record_states([shared_a.id])[shared_a.id].state == SyncState.ACCEPTED
    status = VillageSync(a.db, a.user).status()
    assert status.packages[0].acknowledged_at is not None and status.unsent == 0


def test_reimport_is_a_no_op_and_order_does_not_matter(world: dict[str, Office], tmp_path: Path) -> None:
    a, kab = world["a"], world["kab"]
    stick = tmp_path / "stick"
    (pid,) = enrol(a, 1)
    p1 = export(a, stick)
    a.participants.update(pid, make_draft(1, full_name="Nama Sesudah Perbaikan"))
    enrol(a, 2)
    p2 = export(a, stick)
    # The second package arrives first: the regency shows the gap.
    r2 = ingest(kab, p2, a)
    assert r2.added == 2
    village = RegencySync(kab.db, kab.user).villages()
    assert next(v for v in village if v.code == DESA).missing == ((1, 1),)
    before = file_state(kab)
    again = ingest(kab, p2)
    assert again.already and file_state(kab) == before
    r1 = ingest(kab, p1)
    assert (r1.added, r1.updated, r1.unchanged) == (0, 0, 1)  # older version of a newer row: kept as is
    with kab.db.begin() as conn:
        names = conn.execute(text("SELECT full_name FROM participant ORDER BY reg_no")).scalars().all()
        history = conn.execute(text("SELECT COUNT(*) FROM participant_history")).scalar()
    assert names == ["Nama Sesudah Perbaikan", "Peserta Uji B"]
    assert history == 3  # create 1, update 1, create 2: each once
    assert next(v for v in RegencySync(kab.db, kab.user).villages() if v.code == DESA).missing == ()


def test_no_changes_makes_no_package_and_full_resend_carries_everything(
    world: dict[str, Office], tmp_path: Path
) -> None:
    a = world["a"]
    stick = tmp_path / "stick"
    enrol(a, 1, 2)
    export(a, stick)
    village = VillageSync(a.db, a.user)
    with pytest.raises(SyncError) as err:
        village.export_package(stick)
    assert err.value.code == "sync_no_changes" and "paket 1" in str(err.value)
    full = village.export_package(stick, full=True)
    assert (full.seq, full.participants, full.full) == (2, 2, True)


def _refused(kab: Office, data: bytes, name: str, code: str, confirm: str | None = None) -> SyncError:
    before = file_state(kab)
    with pytest.raises(SyncError) as err:
        RegencySync(kab.db, kab.user).import_package(data, name, confirm_fingerprint=confirm)
    assert err.value.code == code, str(err.value)
    assert file_state(kab) == before
    return err.value


def test_every_bad_package_is_refused_and_changes_nothing(world: dict[str, Office], tmp_path: Path) -> None:
    a, kab = world["a"], world["kab"]
    stick = tmp_path / "stick"
    enrol(a, 1, 2)
    path = export(a, stick)
    good = path.read_bytes()
    fp = fingerprint_of(a)
    # Unknown device: refused with the fingerprint to compare; a wrong fingerprint is refused too.
    err = _refused(kab, good, path.name, "sync_unknown_device")
    assert fp in str(err) and "33.19.03.2008" in str(err)
    _refused(kab, good, path.name, "sync_fingerprint_mismatch", confirm="AAAA-BBBB-CCCC-DDDD")
    ingest(kab, path, a)
    enrol(a, 3)
    good = export(a, stick).read_bytes()
    tampered = bytearray(good)
    tampered[len(good) // 2] ^= 0x01
    _refused(kab, bytes(tampered), "x.kdp", "sync_signature_invalid")
    err = _refused(kab, good[: len(good) - 100], "x.kdp", "sync_truncated")
    assert f"{len(good) - 100} dari {len(good)}" in str(err)
    _refused(kab, good + b"\0", "x.kdp", "sync_trailing")
    _refused(kab, b"PK\x03\x04 not ours", "x.kdp", "sync_not_sync_file")
    _refused(kab, b"", "x.kdp", "sync_not_sync_file")
    newer = good[:8] + bytes([3]) + good[9:]
    assert "Perbarui Kudus Desktop" in str(_refused(kab, newer, "x.kdp", "sync_format_newer"))
    _refused(kab, good[:8] + bytes([0]) + good[9:], "x.kdp", "sync_format_older")
    # A package for another regency, signed correctly by a registered device.
    me = identity(a.db)
    kab_box = identity(kab.db).box_public
    common = {"desa": DESA, "seq": 9, "created": "2026-11-24 10:00:00", "schema": 5, "sender": me}
    foreign = seal("package", regency="33.74", payload={}, recipient_box=kab_box, **common)  # type: ignore[arg-type]
    _refused(kab, foreign, "x.kdp", "sync_foreign_regency")
    # Encrypted for another key (another regency's setup file).
    other_box = identity(world["b"].db).box_public
    wrong = seal("package", regency="33.19", payload={}, recipient_box=other_box, **common)  # type: ignore[arg-type]
    _refused(kab, wrong, "x.kdp", "sync_wrong_recipient")
    # Well signed and encrypted, but the rows claim another village.
    rows = {"columns": ["uid"], "rows": []}
    _refused(
        kab,
        seal("package", regency="33.19", payload={"participants": rows}, recipient_box=kab_box, **common),  # type: ignore[arg-type]
        "x.kdp",
        "sync_payload_invalid",
    )
    # A receipt is not a package.
    receipt = seal("receipt", regency="33.19", payload={}, recipient_box=kab_box, **common)  # type: ignore[arg-type]
    assert "tanda terima" in str(_refused(kab, receipt, "x.kdr", "sync_wrong_kind"))


def test_a_device_of_one_village_cannot_send_for_another(world: dict[str, Office], tmp_path: Path) -> None:
    a, kab = world["a"], world["kab"]
    enrol(a, 1)
    ingest(kab, export(a, tmp_path / "stick"), a)
    me = identity(a.db)
    kab_box = identity(kab.db).box_public
    forged = seal(
        "package", regency="33.19", desa=DESA_B, seq=1, created="2026-11-24 10:00:00", schema=5,
        payload={}, sender=me, recipient_box=kab_box,
    )  # fmt: skip
    _refused(kab, forged, "x.kdp", "sync_device_other_desa")


def test_replaced_pc_registers_its_new_key_the_same_confirmed_way(world: dict[str, Office], tmp_path: Path) -> None:
    a, kab = world["a"], world["kab"]
    stick = tmp_path / "stick"
    enrol(a, 1)
    ingest(kab, export(a, stick), a)
    old_fp = fingerprint_of(a)
    with a.db.begin() as conn:
        conn.execute(text("DELETE FROM key_pair"))
    assert fingerprint_of(a) != old_fp
    enrol(a, 2)
    path = export(a, stick)
    _refused(kab, path.read_bytes(), path.name, "sync_unknown_device")
    assert ingest(kab, path, a).registered
    devices = RegencySync(kab.db, kab.user).devices()
    assert {d.fingerprint for d in devices} == {old_fp, fingerprint_of(a)}


def test_receipts_apply_once_and_only_from_the_regency(world: dict[str, Office], tmp_path: Path) -> None:
    a, b, kab = world["a"], world["b"], world["kab"]
    stick, out = tmp_path / "stick", tmp_path / "out"
    enrol(a, 1)
    enrol(b, 5)
    ingest(kab, export(a, stick), a)
    ingest(kab, export(b, stick), b)
    regency = RegencySync(kab.db, kab.user)
    (first_a, first_b) = sorted(regency.write_receipts(out / "1"), key=lambda p: p.name, reverse=True)
    village = VillageSync(a.db, a.user)
    assert not village.import_receipt(first_a).already_applied
    before = file_state(a)
    assert village.import_receipt(first_a).already_applied and file_state(a) == before
    # Village B's receipt is readable only by B and is refused by A.
    with pytest.raises(SyncError) as err:
        village.import_receipt(first_b)
    assert err.value.code == "sync_receipt_other_desa" and file_state(a) == before
    (second_a,) = regency.write_receipts(out / "2", [DESA])
    village.import_receipt(second_a)
    before = file_state(a)
    with pytest.raises(SyncError) as err:
        village.import_receipt(first_a)
    assert err.value.code == "sync_receipt_old" and file_state(a) == before
    # A "receipt" signed by another installation (village B's key) is refused.
    fake = seal(
        "receipt", regency="33.19", desa=DESA, seq=99, created="2026-11-24 10:00:00", schema=5, payload={},
        sender=identity(b.db), recipient_box=identity(a.db).box_public,
    )  # fmt: skip
    (tmp_path / "fake.kdr").write_bytes(fake)
    with pytest.raises(SyncError) as err:
        village.import_receipt(tmp_path / "fake.kdr")
    assert err.value.code == "sync_receipt_foreign" and file_state(a) == before


def test_unsafe_write_leaves_no_file_that_looks_valid(tmp_path: Path) -> None:
    target = tmp_path / "stick" / "KDP_1_2_000001.kdp"

    def refuse(_: bytes) -> None:
        raise SyncError("sync_signature_invalid", name=target.name)

    with pytest.raises(SyncError) as err:
        write_safely(target, b"KUDUSPKG" + b"\0" * 100, refuse)
    assert err.value.code == "sync_verify_failed"
    assert list(target.parent.iterdir()) == []
    # A copy cut short by a pulled stick sits under a temporary name no reader picks up.
    (target.parent / f"~{target.name}.tmp").write_bytes(b"KUDUSPKG\x01")
    assert package_files([target.parent]) == []
    with pytest.raises(SyncError) as err:
        read_sync_file(tmp_path / "nope.kdp")
    assert err.value.code == "sync_read_failed"


def test_package_header_names_village_sequence_and_versions(world: dict[str, Office], tmp_path: Path) -> None:
    a = world["a"]
    enrol(a, 1)
    path = export(a, tmp_path / "stick")
    header = parse(path.read_bytes(), path.name, "package").header
    assert (header.desa, header.seq, header.format, header.regency) == (DESA, 1, 2, "33.19")
    assert header.schema == SCHEMA_VERSION
    # Nothing personal travels in clear: the NIK and the name are only inside the ciphertext.
    data = path.read_bytes()
    assert make_nik(1).encode() not in data and b"Peserta Uji" not in data
    assert json.loads(data[13 : 13 + int.from_bytes(data[9:13], "big")])["device"] == identity(a.db).device_id
