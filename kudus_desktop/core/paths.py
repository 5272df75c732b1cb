"""Where resources and data live, from source and from a frozen bundle alike."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

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
