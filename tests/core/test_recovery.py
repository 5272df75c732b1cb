"""A sole admin who forgot the password gets back in with a one-time file the regency signs for
that village's device; every other file is refused, naming why, and nothing changes."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kudus_desktop.core.errors import AuthError, KudusError, ValidationError
from kudus_desktop.core.office.accounts import AccountService
from kudus_desktop.core.rules.codes import Role
from kudus_desktop.core.rules.labels import describe
from kudus_desktop.core.storage.audit import audit_events
from kudus_desktop.core.sync import VillageSync
from kudus_desktop.core.sync.recovery import issue_recovery, recover_admin
from tests.conftest import DESA_B, DESA_C, PASSWORD, Office
from tests.factories import DESA, enrol_one, send

CODES = {"a": DESA, "b": DESA_B, "c": DESA_C}

NEW = "kata-sandi-baru-123"


@pytest.fixture
def joined(three_villages: dict[str, Office], tmp_path: Path) -> dict[str, Office]:
    """Villages a and b have each sent a package: the regency knows their devices."""
    for key in ("a", "b"):
        enrol_one(three_villages[key], 1 if key == "a" else 2)
        send(three_villages[key], three_villages["kab"], tmp_path / "stick")
    return three_villages


def refused(office: Office, path: Path, username: str = "admin", **kw: object) -> str:
    with pytest.raises(KudusError) as caught:
        recover_admin(office.db, path, username, NEW, NEW, **kw)  # type: ignore[arg-type]
    with pytest.raises(AuthError):  # the old password still holds, the new one does not
        AccountService(office.db).login("admin", NEW)
    AccountService(office.db).login("admin", PASSWORD)
    return describe(caught.value.code, caught.value.params)


def test_the_regency_file_lets_the_sole_admin_in_once(joined: dict[str, Office], tmp_path: Path) -> None:
    a, kab = joined["a"], joined["kab"]
    accounts = AccountService(a.db)
    for _ in range(5):  # locked out after five wrong tries
        with pytest.raises(AuthError):
            accounts.login("admin", "salah-lagi-salah")
    path = issue_recovery(kab.db, kab.user, CODES["a"], tmp_path)
    assert any(e.action == "recovery_issued" and CODES["a"] in e.detail for e in audit_events(kab.db))
    user = recover_admin(a.db, path, "Admin", NEW, NEW)
    assert user.role == Role.ADMIN and accounts.login("admin", NEW).username == "admin"
    recovered = [e for e in audit_events(a.db) if e.action == "admin_recovered"]
    assert len(recovered) == 1 and recovered[0].username == "admin" and "dari admin" in recovered[0].detail
    with pytest.raises(KudusError) as again:
        recover_admin(a.db, path, "admin", "lain-lagi-12345", "lain-lagi-12345")
    assert again.value.code == "recovery_used"
    accounts.login("admin", NEW)


def test_every_other_file_is_refused_and_nothing_changes(joined: dict[str, Office], tmp_path: Path) -> None:
    a, b, kab = joined["a"], joined["b"], joined["kab"]
    path = issue_recovery(kab.db, kab.user, CODES["a"], tmp_path / "a.json")
    good = json.loads(path.read_text(encoding="utf-8"))

    def variant(name: str, **changes: object) -> Path:
        target = tmp_path / name
        target.write_text(json.dumps({**good, **changes}), encoding="utf-8")
        return target

    assert "diubah atau bukan dari kabupaten" in refused(a, variant("ubah.json", issued_by="orang lain"))
    assert "bukan berkas pemulihan" in refused(a, variant("kurang.json", signature=None))
    junk = tmp_path / "besar.json"
    junk.write_bytes(b"{" + b" " * 10_000 + b"}")
    assert "bukan berkas pemulihan" in refused(a, junk)
    assert "tidak ditemukan" in refused(a, tmp_path / "tidak-ada.json")
    # Made for village b: a refuses it, and b cannot use a's.
    other = issue_recovery(kab.db, kab.user, CODES["b"], tmp_path / "b.json")
    assert "bukan untuk desa ini" in refused(a, other)
    assert "bukan untuk desa ini" in refused(b, path)
    # Out of its week, by this PC's clock.
    later = datetime.now().astimezone() + timedelta(days=8)
    assert "di luar masa itu" in refused(a, path, now=later)
    # Only an admin account, and only a regency admin issues.
    AccountService(a.db).create_account(a.user, "operator", "Operator", Role.OPERATOR, PASSWORD)
    assert "Tidak ada akun admin bernama 'operator'" in refused(a, path, "operator")
    with pytest.raises(ValidationError):
        recover_admin(a.db, path, "admin", NEW, "lain")
    with pytest.raises(KudusError) as caught:
        issue_recovery(a.db, a.user, CODES["a"], tmp_path)
    assert caught.value.code == "recovery_not_regency"
    with pytest.raises(KudusError) as caught:
        issue_recovery(kab.db, kab.user, CODES["c"], tmp_path)  # c never sent a package
    assert caught.value.code == "recovery_no_device"
    # The file still works after all that: nothing above used it up.
    assert recover_admin(a.db, path, "admin", NEW, NEW).username == "admin"


def test_a_file_for_the_registered_device_is_refused_on_a_pc_with_other_keys(
    joined: dict[str, Office], tmp_path: Path
) -> None:
    a, kab = joined["a"], joined["kab"]
    path = issue_recovery(kab.db, kab.user, CODES["a"], tmp_path)
    VillageSync(a.db, a.user).rotate_keys()  # this PC is now another device than the one the regency knows
    assert "perangkat lain desa ini" in refused(a, path)
