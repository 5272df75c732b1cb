"""Backups made with SQLite's backup API, their rotation, and restore with its checks."""

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kudus_desktop.core.enrolment.participants import ParticipantService
from kudus_desktop.core.errors import StorageError
from kudus_desktop.core.paths import DB_FILE_NAME
from kudus_desktop.core.storage.backup import backup_database, daily_backup_if_due, restore_database, rotate
from kudus_desktop.core.storage.db import open_database
from tests.commands import cli
from tests.factories import make_draft, sqlite_file

pytestmark = pytest.mark.usefixtures("as_admin")


def names(path: Path) -> list[str]:
    with sqlite_file(path) as conn:
        return [r[0] for r in conn.execute("SELECT full_name FROM participant ORDER BY id")]


def test_a_backup_holds_what_was_saved_even_while_open(service: ParticipantService, tmp_path: Path) -> None:
    service.create(make_draft(1, full_name="Siti Aminah"))
    copy = backup_database(service.db.path, tmp_path / "stick")
    assert copy.parent == tmp_path / "stick" and names(copy) == ["Siti Aminah"]
    assert not list((tmp_path / "stick").glob(".*.tmp"))


def test_daily_backup_once_a_day_and_rotation(data_dir: Path) -> None:
    db_path = data_dir / DB_FILE_NAME
    start = datetime(2026, 1, 1, 8, 0)
    for day in range(400):
        when = start + timedelta(days=day)
        assert daily_backup_if_due(db_path, now=when) is not None
        assert daily_backup_if_due(db_path, now=when + timedelta(hours=3)) is None
    kept = sorted(p.name for p in (data_dir / "backups").glob("kudus-harian-*.sqlite"))
    # 7 days + older weekly and monthly copies, never everything.
    assert 7 <= len(kept) <= 7 + 4 + 12
    newest = start + timedelta(days=399)
    assert f"kudus-harian-{newest:%Y%m%d}-080000.sqlite" in kept
    assert rotate(data_dir / "backups") == []


def test_restore_replaces_the_database_and_keeps_the_old_one(service: ParticipantService, tmp_path: Path) -> None:
    service.create(make_draft(1, full_name="Sebelum"))
    copy = backup_database(service.db.path, tmp_path / "c")
    service.create(make_draft(2, full_name="Sesudah"))
    data_dir = service.db.data_dir
    service.db.close()
    kept = restore_database(data_dir, copy)
    assert names(data_dir / DB_FILE_NAME) == ["Sebelum"]
    assert names(kept) == ["Sebelum", "Sesudah"]
    open_database(data_dir).close()


def test_restore_refuses_a_damaged_or_foreign_file_and_changes_nothing(
    service: ParticipantService, tmp_path: Path
) -> None:
    service.create(make_draft(1, full_name="Tetap"))
    data_dir = service.db.data_dir
    service.db.close()
    before = (data_dir / DB_FILE_NAME).read_bytes()
    bad = tmp_path / "bukan.sqlite"
    bad.write_bytes(b"bukan cadangan" * 100)
    foreign = tmp_path / "lain.sqlite"
    with sqlite_file(foreign) as conn:
        conn.execute("CREATE TABLE x (y)")
    for source, code in (
        (bad, "db_not_sqlite"),
        (foreign, "db_foreign"),
        (tmp_path / "tidak-ada.sqlite", "db_not_sqlite"),
    ):
        with pytest.raises(StorageError) as err:
            restore_database(data_dir, source)
        assert err.value.code == code
    assert (data_dir / DB_FILE_NAME).read_bytes() == before


def test_backup_and_restore_commands(data_dir: Path, tmp_path: Path) -> None:
    made = cli("backup", "--to", str(tmp_path / "usb"), "--data-dir", str(data_dir), "--json")
    assert made.returncode == 0
    restored = cli("restore", __import__("json").loads(made.stdout)["backup"], "--data-dir", str(data_dir))
    assert restored.returncode == 0 and "dipulihkan" in restored.stdout
    refused = cli("restore", str(tmp_path / "tidak-ada.sqlite"), "--data-dir", str(data_dir))
    assert refused.returncode == 2 and "bukan basis data" in refused.stderr


def test_encrypted_copy_for_a_stick(service: ParticipantService, tmp_path: Path) -> None:
    from kudus_desktop.core.storage.backup import encrypted_backup, is_encrypted

    service.create(make_draft(1, full_name="Rahasia Warga"))
    sealed = encrypted_backup(service.db.path, tmp_path / "usb", "frasa-sandi-desa")
    assert sealed.suffix == ".kbak" and is_encrypted(sealed)
    assert b"Rahasia Warga" not in sealed.read_bytes() and b"SQLite format 3" not in sealed.read_bytes()
    assert not list((service.db.data_dir / "backups").glob("*untuk-enkripsi*")), "no plain copy is left behind"
    with pytest.raises(StorageError):
        encrypted_backup(service.db.path, tmp_path / "usb", "pendek")

    service.create(make_draft(2, full_name="Sesudah"))
    data_dir = service.db.data_dir
    service.db.close()
    before = (data_dir / DB_FILE_NAME).read_bytes()
    for passphrase, code in ((None, "backup_needs_passphrase"), ("salah-sandi", "backup_wrong_passphrase")):
        with pytest.raises(StorageError) as err:
            restore_database(data_dir, sealed, passphrase)
        assert err.value.code == code
    tampered = tmp_path / "ubah.kbak"
    data = bytearray(sealed.read_bytes())
    data[-5] ^= 0x01
    tampered.write_bytes(bytes(data))
    with pytest.raises(StorageError) as err:
        restore_database(data_dir, tampered, "frasa-sandi-desa")
    assert err.value.code == "backup_wrong_passphrase"
    assert (data_dir / DB_FILE_NAME).read_bytes() == before
    restore_database(data_dir, sealed, "frasa-sandi-desa")
    assert names(data_dir / DB_FILE_NAME) == ["Rahasia Warga"]


def test_encrypted_backup_commands(data_dir: Path, tmp_path: Path) -> None:
    secret = tmp_path / "frasa.txt"
    secret.write_text("frasa-sandi-desa\n", encoding="utf-8")
    made = cli(
        "backup", "--to", str(tmp_path / "usb"), "--passphrase-file", str(secret), "--data-dir", str(data_dir), "--json"
    )
    assert made.returncode == 0, made.stderr
    path = __import__("json").loads(made.stdout)["backup"]
    assert path.endswith(".kbak")
    refused = cli("restore", path, "--data-dir", str(data_dir))
    assert refused.returncode == 2 and "terenkripsi" in refused.stderr
    done = cli("restore", path, "--passphrase-file", str(secret), "--data-dir", str(data_dir))
    assert done.returncode == 0
