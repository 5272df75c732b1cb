"""Village devices over time: keys renewed by the village (vouched for by the old ones), a lost
PC revoked by the regency, receipts addressed to the device that is current by its numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from kudus_desktop.core.storage.signing import identity, retired_identities
from kudus_desktop.core.storage.syncfile import SyncError, parse
from kudus_desktop.core.sync import RegencySync, VillageSync
from tests.conftest import Office
from tests.factories import DESA, enrol, export, file_state, fingerprint_of, ingest


def test_renewed_keys_are_registered_by_the_old_keys_word_and_receipts_follow(
    world: dict[str, Office], tmp_path: Path
) -> None:
    a, kab = world["a"], world["kab"]
    stick = tmp_path / "stick"
    enrol(a, 1)
    ingest(kab, export(a, stick), a)
    old = identity(a.db)
    enrol(a, 2)
    late = export(a, stick)  # written with the old keys, carried to the regency later
    rotated = VillageSync(a.db, a.user).rotate_keys()
    assert rotated.old_fingerprint == old.fingerprint != rotated.new_fingerprint == fingerprint_of(a)
    assert VillageSync(a.db, a.user).status().rotation_from == old.fingerprint
    enrol(a, 3)
    package = export(a, stick)
    header = parse(package.read_bytes(), package.name, "package").header
    assert header.rotation is not None and header.rotation.old_device == old.device_id
    # No telephone call: the registered device's key vouched for the new one.
    result = ingest(kab, package)
    assert result.registered and result.rotated and result.added == 2  # the first package of new keys is full
    states = {d.device_id: d.state for d in RegencySync(kab.db, kab.user).devices()}
    assert states == {old.device_id: "retired", rotated.new_device: "current"}
    # A package the old keys wrote before the renewal, arriving late, is still taken (it changes
    # nothing here: its rows came again in the full package).
    arrived = ingest(kab, late)
    assert not arrived.already and (arrived.added, arrived.unchanged) == (0, 1)
    (receipt,) = RegencySync(kab.db, kab.user).write_receipts(tmp_path / "r")
    assert parse(receipt.read_bytes(), receipt.name, "receipt").header.recipient == identity(a.db).box_public
    applied = VillageSync(a.db, a.user).import_receipt(receipt)
    assert applied.accepted == 3
    # The regency has taken the new keys: the old ones are forgotten, the notice goes.
    assert retired_identities(a.db) == [] and VillageSync(a.db, a.user).status().rotation_from == ""


def test_a_package_of_the_old_keys_numbered_after_the_renewal_is_refused(
    world: dict[str, Office], tmp_path: Path
) -> None:
    a, kab = world["a"], world["kab"]
    stick = tmp_path / "stick"
    enrol(a, 1)
    ingest(kab, export(a, stick), a)
    copy = tmp_path / "copy"
    import shutil

    shutil.copytree(a.path, copy)  # a stolen copy of the PC with the old keys
    VillageSync(a.db, a.user).rotate_keys()
    enrol(a, 2)
    ingest(kab, export(a, stick))
    thief = Office(copy)
    enrol(thief, 7)
    forged = export(thief, tmp_path / "thief")
    before = file_state(kab)
    with pytest.raises(SyncError) as err:
        ingest(kab, forged)
    assert err.value.code == "sync_device_retired" and file_state(kab) == before


def test_a_revoked_device_is_refused_everywhere_and_its_word_counts_for_nothing(
    world: dict[str, Office], tmp_path: Path
) -> None:
    a, kab = world["a"], world["kab"]
    stick = tmp_path / "stick"
    enrol(a, 1)
    ingest(kab, export(a, stick), a)
    regency = RegencySync(kab.db, kab.user)
    with pytest.raises(SyncError) as err:
        regency.revoke_device(identity(a.db).device_id, "  ")
    assert err.value.code == "sync_revoke_reason"
    row = regency.revoke_device(identity(a.db).device_id, "laptop hilang")
    assert row.state == "revoked" and row.revoke_reason == "laptop hilang"
    enrol(a, 2)
    package = export(a, stick)
    before = file_state(kab)
    with pytest.raises(SyncError) as err:
        ingest(kab, package)
    assert err.value.code == "sync_device_revoked" and "kunci perangkat baru" in str(err.value)
    assert file_state(kab) == before
    assert regency.write_receipts(tmp_path / "r") == []  # nobody to address the desa's receipt to
    # New keys vouched for by the revoked ones are a new device: confirmed by telephone.
    VillageSync(a.db, a.user).rotate_keys()
    renewed = export(a, stick)
    with pytest.raises(SyncError) as err:
        ingest(kab, renewed)
    assert err.value.code == "sync_unknown_device"
    result = ingest(kab, renewed, a)
    assert result.registered and not result.rotated
    (receipt,) = regency.write_receipts(tmp_path / "r2")
    assert VillageSync(a.db, a.user).import_receipt(receipt).accepted == 2
    assert next(v for v in regency.villages() if v.code == DESA).devices == 1


def test_the_regency_sees_which_version_each_village_runs(world: dict[str, Office], tmp_path: Path) -> None:
    """The version travels in every package's signed header; a header claiming something that is
    no version is refused like any other bad header."""
    from kudus_desktop import __version__
    from kudus_desktop.core.storage.syncfile import seal

    a, kab = world["a"], world["kab"]
    enrol(a, 1)
    package = export(a, tmp_path / "stick")
    assert parse(package.read_bytes(), package.name, "package").header.app == __version__
    ingest(kab, package, a)
    (device,) = RegencySync(kab.db, kab.user).devices()
    assert device.app_version == __version__
    me = identity(a.db)
    odd = seal(
        "package", regency="33.19", desa=DESA, seq=9, created="2026-12-03 10:00:00", schema=13,
        payload={"participants": {"columns": [], "rows": []}}, sender=me, recipient_box=me.box_public,
        app="0.2.0; rm -rf",
    )  # fmt: skip
    with pytest.raises(SyncError) as caught:
        parse(odd, "aneh.kdp", "package")
    assert caught.value.code == "sync_header_invalid" and "app" in str(caught.value)


def test_an_updated_village_with_nothing_new_still_tells_the_regency_its_version(
    world: dict[str, Office], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After an update the next package goes even when nothing changed (an empty one), once; a
    freshly joined village with no one enrolled yet registers its device the same way."""
    from kudus_desktop.core.sync import village as village_module

    a, kab = world["a"], world["kab"]
    stick = tmp_path / "stick"
    first = VillageSync(a.db, a.user).export_package(stick)
    assert first.participants == 0, "a new village's first package registers its device"
    ingest(kab, first.outbox_path, a)
    with pytest.raises(SyncError) as same:
        VillageSync(a.db, a.user).export_package(stick)
    assert same.value.code == "sync_no_changes"
    assert not VillageSync(a.db, a.user).status().has_changes
    monkeypatch.setattr(village_module, "__version__", "9.0.1")
    assert VillageSync(a.db, a.user).status().has_changes, "a scheduled push makes the package"
    updated = VillageSync(a.db, a.user).export_package(stick)
    assert (updated.seq, updated.participants) == (2, 0)
    result = ingest(kab, updated.outbox_path)
    assert result.added == 0
    (device,) = RegencySync(kab.db, kab.user).devices()
    assert device.app_version == "9.0.1" and device.last_seq == 2
    with pytest.raises(SyncError) as again:
        VillageSync(a.db, a.user).export_package(stick)
    assert again.value.code == "sync_no_changes", "only one empty package per version"
