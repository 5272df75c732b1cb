"""A full disk is named as a full disk, with the space needed, never as a damaged database
(whose advice, restoring a backup, would throw work away); nothing stored is changed.

Runs on a real small file system (a tmpfs mounted for the test), filled to its last byte.
"""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kudus_desktop.core.enrolment.participants import ParticipantService
from kudus_desktop.core.errors import KudusError, StorageError
from kudus_desktop.core.office.accounts import AccountService
from kudus_desktop.core.paths import DB_FILE_NAME
from kudus_desktop.core.reports.exporting import export_roster
from kudus_desktop.core.storage.backup import backup_database
from kudus_desktop.core.storage.db import open_database
from tests.conftest import copy_office
from tests.factories import PASSWORD, make_draft

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 24 MB file system of its own; skipped where this user may not mount one."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if sys.platform != "linux" or shutil.which("mount") is None:
        pytest.skip("needs Linux's mount to make a small file system")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path) -> Path:
    """Fill ``disk`` to its last byte; returns the filler to delete."""
    filler = disk / "film-pernikahan.mp4"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (1 << 20, 4096, 512):
            chunk = b"\0" * size
            try:
                while True:
                    os.write(fd, chunk)
            except OSError:
                pass
    finally:
        os.close(fd)
    assert shutil.disk_usage(disk).free < 8192
    return filler


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and p.suffix == ".sqlite"}


def test_opening_on_a_full_disk_says_the_disk_is_full(small_disk: Path, template_dir: Path) -> None:
    data = copy_office(template_dir, small_disk / "data")
    before = _snapshot(data)
    filler = fill(small_disk)
    with pytest.raises(StorageError) as refused:
        open_database(data)
    assert refused.value.code == "disk_full", str(refused.value)
    message = str(refused.value)
    assert "penuh" in message and "rusak" in message and "tidak rusak" in message
    assert "Kosongkan sedikitnya" in message and "MB" in message
    assert _snapshot(data) == before
    # The command line says the same sentence, without a traceback.
    cli = subprocess.run(
        [sys.executable, "-m", "kudus_desktop", "info", "--data-dir", str(data)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert cli.returncode == 2, cli.stderr
    assert "penuh" in cli.stderr and "Traceback" not in cli.stderr
    filler.unlink()
    db = open_database(data)
    assert AccountService(db).profile().initialised
    db.close()


def test_a_save_on_a_full_disk_says_so_and_keeps_what_was_saved(small_disk: Path, template_dir: Path) -> None:
    data = copy_office(template_dir, small_disk / "data")
    db = open_database(data)
    service = ParticipantService(db, AccountService(db).login("admin", PASSWORD))
    service.create(make_draft(1))
    filler = fill(small_disk)
    failure: KudusError | None = None
    for serial in range(2, 400):  # the log has room for a few; the disk runs out on one of them
        try:
            service.create(make_draft(serial))
        except KudusError as exc:
            failure = exc
            break
    assert failure is not None and failure.code == "disk_full", str(failure)
    assert "penuh" in str(failure) and "Tidak ada data yang berubah" in str(failure)
    saved = service.count()
    with pytest.raises(StorageError) as no_copy:
        backup_database(db.path)
    assert no_copy.value.code == "disk_full"
    assert not (data / "backups").exists() or not list((data / "backups").glob("*")), "no half copy left"
    filler.unlink()
    service.create(make_draft(500))
    assert service.count() == saved + 1
    db.close()
    db = open_database(data)
    assert ParticipantService(db, AccountService(db).login("admin", PASSWORD)).count() == saved + 1
    db.close()
    assert (data / DB_FILE_NAME).exists()
    assert os.access(data / DB_FILE_NAME, os.R_OK)


def test_an_export_to_a_full_disk_says_so_and_leaves_no_file(
    small_disk: Path, template_dir: Path, tmp_path: Path
) -> None:
    data = copy_office(template_dir, tmp_path / "data")  # the database is on a disk with room
    db = open_database(data)
    accounts = AccountService(db)
    service = ParticipantService(db, accounts.login("admin", PASSWORD))
    for serial in range(1, 200):
        service.create(make_draft(serial))
    stick = small_disk / "flashdisk"
    stick.mkdir()
    fill(small_disk)
    with pytest.raises(StorageError) as full:
        export_roster(service, accounts.profile(), stick / "daftar-peserta.xlsx")
    assert full.value.code == "disk_full" and str(stick) in str(full.value)
    assert list(stick.iterdir()) == []
    # Nothing of the failed file is left to be finished later, by the collector, in other work.
    del full
    gc.collect()
    db.close()
