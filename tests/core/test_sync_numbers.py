"""Package numbers are taken only with the commit that records the package: an export that fails
(a full disk, a pulled stick) or is killed leaves no number used, so the regency never waits for
a package that never existed."""

from __future__ import annotations

from pathlib import Path

import pytest

from kudus_desktop.core.storage.syncfile import SyncError
from kudus_desktop.core.sync import RegencySync, VillageSync
from kudus_desktop.core.sync import village as village_module
from tests.conftest import Office
from tests.factories import DESA, enrol, ingest


def test_an_export_that_fails_uses_no_number(
    world: dict[str, Office], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, kab = world["a"], world["kab"]
    enrol(a, 1)
    village = VillageSync(a.db, a.user)
    real = village_module.write_safely

    def disk_full(target: Path, data: bytes, check: object) -> Path:
        raise SyncError("sync_write_failed", path=str(target), detail="No space left on device")

    for _ in range(3):  # the clerk tries again, and again
        monkeypatch.setattr(village_module, "write_safely", disk_full)
        with pytest.raises(SyncError) as err:
            village.export_package(tmp_path / "stick")
        assert err.value.code == "sync_write_failed"
        assert village.status().packages == () and village.status().last_seq == 0
    monkeypatch.setattr(village_module, "write_safely", real)
    made = village.export_package(tmp_path / "stick")
    assert made.seq == 1
    assert list((a.path / "sync" / "outbox").iterdir()) == [made.outbox_path]
    assert made.copied_to is not None
    ingest(kab, made.copied_to, a)
    row = next(v for v in RegencySync(kab.db, kab.user).villages() if v.code == DESA)
    assert (row.last_seq, row.missing, row.missing_count) == (1, (), 0)


def test_a_failed_commit_takes_its_outbox_file_with_it(
    world: dict[str, Office], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = world["a"]
    enrol(a, 1)
    village = VillageSync(a.db, a.user)

    def audit_fails(*args: object) -> None:
        raise SyncError("sync_write_failed", path="audit", detail="database or disk is full")

    monkeypatch.setattr(village_module, "write_audit", audit_fails)
    with pytest.raises(SyncError):
        village.export_package()
    assert not list((a.path / "sync" / "outbox").glob("KDP_*"))
    monkeypatch.undo()
    assert village.export_package().seq == 1
