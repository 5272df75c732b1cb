"""What another OS user, a plain backup or a copied database file can get from this office: the
data folder is private to its user, and the private keys are never in the database as they are."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from kudus_desktop.core.errors import KudusError
from kudus_desktop.core.paths import DB_FILE_NAME
from kudus_desktop.core.storage.backup import backup_database, encrypted_backup
from kudus_desktop.core.storage.db import open_database
from kudus_desktop.core.storage.signing import KEY_DIR, KEY_FILE, _raw_private, identity
from kudus_desktop.core.sync import VillageSync
from tests.commands import cli
from tests.conftest import Office
from tests.factories import enrol, export

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes; Windows keeps %LOCALAPPDATA% per user")


pytestmark = pytest.mark.usefixtures("as_admin")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@posix_only
def test_everything_the_office_writes_is_private_to_its_user(world: dict[str, Office], tmp_path: Path) -> None:
    a = world["a"]
    enrol(a, 1)
    export(a, tmp_path / "stick")
    backup_database(a.db_file)
    open_database(a.path).close()
    assert mode(a.path) == 0o700
    for name in (DB_FILE_NAME, f"{DB_FILE_NAME}-wal"):
        if (a.path / name).exists():
            assert mode(a.path / name) == 0o600, name
    for folder in (a.path / "backups", a.path / "sync" / "outbox", a.path / KEY_DIR):
        assert mode(folder) == 0o700, folder
        for f in folder.iterdir():
            assert mode(f) == 0o600, f


@posix_only
def test_a_folder_open_to_others_is_closed_at_start_with_a_warning(data_dir: Path) -> None:
    data_dir.chmod(0o755)
    (data_dir / DB_FILE_NAME).chmod(0o644)
    (data_dir / KEY_DIR / KEY_FILE).chmod(0o644)
    first = cli("info", "--data-dir", str(data_dir))
    assert first.returncode == 0 and "Peringatan" in first.stderr and "hanya untuk Anda" in first.stderr
    assert mode(data_dir) == 0o700 and mode(data_dir / DB_FILE_NAME) == 0o600
    assert mode(data_dir / KEY_DIR / KEY_FILE) == 0o600
    again = cli("info", "--data-dir", str(data_dir))
    assert again.returncode == 0 and again.stderr == ""  # repaired once, said once


def test_the_database_and_its_plain_copies_hold_no_usable_private_key(world: dict[str, Office], tmp_path: Path) -> None:
    a, kab = world["a"], world["kab"]
    for office in (a, kab):
        me = identity(office.db)
        secrets = [_raw_private(me.sign), _raw_private(me.box)]
        copy = backup_database(office.db_file, tmp_path / office.path.name)
        for path in (office.db_file, copy):
            data = path.read_bytes()
            assert not any(s in data for s in secrets), path
    # The encrypted copy carries the key file inside its own encryption, never in clear.
    sealed = encrypted_backup(a.db_file, tmp_path / "usb", "frasa-sandi-desa")
    assert (a.path / KEY_DIR / KEY_FILE).read_bytes() not in sealed.read_bytes()


def test_a_regency_whose_key_file_is_gone_refuses_to_make_new_keys(world: dict[str, Office], tmp_path: Path) -> None:
    kab = world["kab"]
    moved = tmp_path / "kab-copy"
    moved.mkdir()
    shutil.copyfile(kab.db_file, moved / DB_FILE_NAME)  # the database alone, without keys/device.key
    db = open_database(moved)
    try:
        with pytest.raises(KudusError) as err:
            identity(db)
        assert err.value.code == "keys_locked" and ".kbak" in str(err.value)
    finally:
        db.close()


def test_a_village_whose_key_file_is_gone_gets_new_keys_and_says_so(world: dict[str, Office], tmp_path: Path) -> None:
    a = world["a"]
    before = identity(a.db)
    (a.path / KEY_DIR / KEY_FILE).unlink()
    after = identity(a.db)
    assert after.device_id != before.device_id
    with a.db.begin() as conn:
        actions = [r[0] for r in conn.exec_driver_sql("SELECT action FROM audit_event ORDER BY id")]
    assert actions[-1] == "keys_regenerated"
    assert VillageSync(a.db, a.user).status().fingerprint == after.fingerprint
