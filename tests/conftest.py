"""Fixtures shared by core and GUI tests; nothing here imports Qt.

A database is set up (schema, office profile, admin) once per session and copied for
each test, so every test gets its own real SQLite file quickly.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from kudus_desktop.core.accounts import AccountService, SetupRequest
from kudus_desktop.core.db import Database, open_database
from kudus_desktop.core.participants import ParticipantService
from kudus_desktop.core.paths import DB_FILE_NAME
from kudus_desktop.core.views import UserView
from tests.factories import DESA, PASSWORD

TODAY = date(2026, 11, 24)


@pytest.fixture(scope="session")
def template_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template")
    db = open_database(path)
    AccountService(db).initialise(
        SetupRequest("desa", DESA, "Sutrisno", "Kepala Desa", "admin", "Admin Desa", PASSWORD, "0291-123456")
    )
    db.close()
    assert not (path / f"{DB_FILE_NAME}-wal").exists(), "template must be checkpointed before copying"
    return path


@pytest.fixture
def data_dir(tmp_path: Path, template_dir: Path) -> Path:
    """A data directory holding an initialised village database of its own."""
    target = tmp_path / "data"
    target.mkdir()
    shutil.copyfile(template_dir / DB_FILE_NAME, target / DB_FILE_NAME)
    return target


@pytest.fixture
def db(data_dir: Path) -> Iterator[Database]:
    database = open_database(data_dir)
    yield database
    database.close()


@pytest.fixture
def admin(db: Database) -> UserView:
    return AccountService(db).login("admin", PASSWORD)


@pytest.fixture
def service(db: Database, admin: UserView) -> ParticipantService:
    return ParticipantService(db, admin, today=lambda: TODAY)
