"""Where resources and data live, from source and from a frozen bundle alike."""

from __future__ import annotations

import errno
import logging
import os
import shutil
import stat
import sys
import tempfile
from pathlib import Path

from kudus_desktop.core.errors import DataDirError, StorageError

log = logging.getLogger(__name__)

APP_DIR_NAME = "KudusDesktop"
DATA_DIR_ENV = "KUDUS_DATA_DIR"
DB_FILE_NAME = "kudus.sqlite"


def install_root() -> Path:
    """The folder holding ``resources/`` and ``sqlite_schema.sql``.

    PyInstaller unpacks bundled data under ``sys._MEIPASS``; from source it is the
    repository root, two levels above this file.
    """
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parents[2]


def resource_path(*parts: str) -> Path:
    """Path of a file under ``resources/``."""
    return install_root().joinpath("resources", *parts)


def schema_path() -> Path:
    """The canonical schema, ``sqlite_schema.sql``."""
    return install_root() / "sqlite_schema.sql"


def default_data_dir() -> Path:
    """``$KUDUS_DATA_DIR`` if set, else the platform's per-user data folder."""
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_DIR_NAME, appauthor=False, roaming=False))


#: What the application keeps in its data folder: these files, and everything in these folders.
_OWN_FILES = (DB_FILE_NAME, f"{DB_FILE_NAME}-wal", f"{DB_FILE_NAME}-shm", "sync-seq.txt", "kudus.lock")
_OWN_DIRS = (Path("backups"), Path("sync"), Path("sync") / "outbox", Path("keys"), Path("log"), Path("run"))


def private_file(path: Path) -> Path:
    """``path``, created empty if need be, readable and writable by the OS user alone. On
    Windows the per-user data folder's access list already keeps other users out."""
    if os.name == "posix":
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        path.chmod(0o600)
    return path


def secure_data_dir(data_dir: Path) -> list[Path]:
    """Make the data folder and what the application keeps in it private to the OS user
    (folders 0700, files 0600), as they are created; returns what was open to others and has
    been closed, for a warning. Files of the application's own only: the folder may be one a
    person chose. Nothing to do on Windows (see :func:`private_file`)."""
    if os.name != "posix":
        return []
    repaired: list[Path] = []

    def close(path: Path, mode: int) -> None:
        try:
            info = path.lstat()
        except OSError:
            return
        if stat.S_ISLNK(info.st_mode) or stat.S_IMODE(info.st_mode) & 0o077 == 0:
            return
        try:
            path.chmod(mode)
        except OSError:
            return
        repaired.append(path)

    close(data_dir, 0o700)
    for name in _OWN_FILES:
        close(data_dir / name, 0o600)
    for sub in _OWN_DIRS:
        folder = data_dir / sub
        if not folder.is_dir() or folder.is_symlink():
            continue
        close(folder, 0o700)
        try:
            entries = list(folder.iterdir())
        except OSError:
            continue
        for entry in entries:
            if entry.is_file() and not entry.is_symlink():
                close(entry, 0o600)
    return repaired


#: Room the database needs beyond its own size to work: the write-ahead log between
#: checkpoints (up to 1,000 pages of 8 KiB), its shared-memory index, and a margin for the
#: day's backup copy, which is written beside it before the old one is rotated away.
WORK_SPACE = 32 * 1024 * 1024


def format_size(n: int) -> str:
    """``n`` bytes for people, the Indonesian way: ``0 B``, ``512 KB``, ``12,5 MB``, ``1,2 GB``."""
    if n < 1024:
        return f"{max(n, 0)} B"
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20)):
        if n >= size:
            return f"{n / size:.1f} {unit}".replace(".", ",")
    return f"{n // 1024} KB"


def is_no_space(exc: BaseException) -> bool:
    """An OS or SQLite failure that means the disk is full."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return True
    return "database or disk is full" in str(exc)


def space_error(folder: Path, needed: int, *, seen: BaseException | None = None) -> StorageError | None:
    """``disk_full``, with what is left and what to free, when the disk holding ``folder``
    has less than ``needed`` bytes free or ``seen`` was a no-space failure; otherwise None, and
    the caller reports the failure as what it was. Called after a failure, never instead of
    trying: a check before would refuse work that still fits."""
    probe = folder
    try:
        while not probe.exists() and probe.parent != probe:
            probe = probe.parent
        free = shutil.disk_usage(probe).free
    except OSError:  # a folder this user may not even look into: not a question of space
        return None
    if free >= needed and not (seen is not None and is_no_space(seen)):
        return None
    return StorageError(
        "disk_full", path=str(folder), free=format_size(free), needed=format_size(max(needed - free, 1 << 20))
    )


def database_space(db_path: Path) -> int:
    """What the database at ``db_path`` needs free to work: its size again plus :data:`WORK_SPACE`."""
    try:
        size = db_path.stat().st_size
    except OSError:
        size = 0
    return size + WORK_SPACE


def ensure_data_dir(path: Path) -> Path:
    """Create the data directory if needed and prove that it can be written."""
    path = path.expanduser()
    try:
        if path.exists() and not path.is_dir():
            raise DataDirError("data_dir_not_dir", path=str(path))
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".probe-"):
            pass
    except OSError as exc:
        log.warning("data folder %s cannot be written: %s", path, exc)  # the errno, for support
        raise space_error(path, 0, seen=exc) or DataDirError("data_dir_not_writable", path=str(path)) from None
    return path
