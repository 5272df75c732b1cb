"""Where resources and data live, from source and from a frozen bundle alike."""

from __future__ import annotations

import os
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
