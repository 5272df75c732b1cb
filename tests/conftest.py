"""Fixtures shared by core and GUI tests; nothing here imports Qt.

A database is set up (schema, office profile, admin) once per session and copied for
each test, so every test gets its own real SQLite file quickly.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import ClassVar

import pytest

from kudus_desktop.core.enrolment.participants import ParticipantService
from kudus_desktop.core.office.accounts import AccountService, SetupRequest
from kudus_desktop.core.paths import DB_FILE_NAME, private_file
from kudus_desktop.core.rules.records import UserView
from kudus_desktop.core.storage import settings
from kudus_desktop.core.storage.db import Database, open_database
from kudus_desktop.core.storage.signing import KEY_DIR
from kudus_desktop.core.sync import RegencySync, VillageSync
from tests.factories import DESA, PASSWORD

TODAY = date(2026, 11, 24)


def without_approval(db: Database) -> None:
    """Switch maker-checker off: most tests enrol and send as the office's only account. The
    approval flow itself is tested with it on (tests/core/test_approval.py and the GUI tests)."""
    with db.begin() as conn:
        settings.write(conn, {settings.APPROVAL_REQUIRED: "0"})


@pytest.fixture(scope="session")
def template_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template")
    db = open_database(path)
    AccountService(db).initialise(
        SetupRequest("desa", DESA, "Sutrisno", "Kepala Desa", "admin", "Admin Desa", PASSWORD, "0291-123456")
    )
    without_approval(db)
    db.close()
    assert not (path / f"{DB_FILE_NAME}-wal").exists(), "template must be checkpointed before copying"
    return path


@pytest.fixture
def as_admin(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands started by the test run as the template office's admin (the environment a
    scheduled job would set); tests of who may run what pass their own account instead."""
    monkeypatch.setenv("KUDUS_USER", "admin")
    monkeypatch.setenv("KUDUS_PASSWORD", PASSWORD)


def copy_office(template: Path, target: Path) -> Path:
    """An installation's data directory copied whole: its database and the key file that opens
    the private keys stored in it."""
    target.mkdir(mode=0o700, exist_ok=True)
    target.chmod(0o700)  # private to the OS user, as the application makes its data folder
    shutil.copyfile(template / DB_FILE_NAME, private_file(target / DB_FILE_NAME))
    shutil.copytree(template / KEY_DIR, target / KEY_DIR)
    return target


@pytest.fixture
def data_dir(tmp_path: Path, template_dir: Path) -> Path:
    """A data directory holding an initialised village database of its own."""
    return copy_office(template_dir, tmp_path / "data")


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


DESA_B = "33.19.01.2001"  # Bakalankrapyak, Kecamatan Kaliwungu
DESA_C = "33.19.05.2001"  # Gulang, Kecamatan Mejobo
KABUPATEN = "33.19"


def _initialised(path: Path, mode: str, code: str) -> Path:
    db = open_database(path)
    AccountService(db).initialise(SetupRequest(mode, code, "Kepala", "Kepala", "admin", "Admin", PASSWORD, ""))
    without_approval(db)
    db.close()
    return path


@pytest.fixture(scope="session")
def office_templates(tmp_path_factory: pytest.TempPathFactory, template_dir: Path) -> dict[str, Path]:
    """Initialised data directories (with their own keys) for two villages and the regency."""
    return {
        "a": template_dir,
        "b": _initialised(tmp_path_factory.mktemp("desa-b"), "desa", DESA_B),
        "c": _initialised(tmp_path_factory.mktemp("desa-c"), "desa", DESA_C),
        "kab": _initialised(tmp_path_factory.mktemp("kabupaten"), "kabupaten", KABUPATEN),
    }


class Office:
    """One installation in a test: its data directory, open database and logged-in admin.
    Every database an Office opens is closed when the test ends (:func:`closed_offices`)."""

    opened: ClassVar[list[Database]] = []

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = self._open(path)
        self.user = AccountService(self.db).login("admin", PASSWORD)
        self.participants = ParticipantService(self.db, self.user, today=lambda: TODAY)

    def replace_database(self, source: Path) -> None:
        """Close, put ``source`` in place of the database file (as a restore does), reopen."""
        self.db.close()
        for suffix in ("-wal", "-shm"):
            self.db_file.with_name(DB_FILE_NAME + suffix).unlink(missing_ok=True)
        shutil.copyfile(source, self.db_file)
        self.db = self._open(self.path)
        self.participants = ParticipantService(self.db, self.user, today=lambda: TODAY)

    def reopen(self) -> None:
        """Open the database again after something outside replaced it (a restore)."""
        self.db = self._open(self.path)
        self.participants = ParticipantService(self.db, self.user, today=lambda: TODAY)

    @classmethod
    def _open(cls, path: Path) -> Database:
        db = open_database(path)
        cls.opened.append(db)
        return db

    @property
    def db_file(self) -> Path:
        return self.path / DB_FILE_NAME


@pytest.fixture(autouse=True)
def closed_offices() -> Iterator[None]:
    """Close what the test's Offices opened, also those made in the test itself (a copied PC)."""
    yield
    while Office.opened:
        Office.opened.pop().close()


@pytest.fixture
def offices(tmp_path: Path, office_templates: dict[str, Path]) -> Iterator[dict[str, Office]]:
    out: dict[str, Office] = {}
    for key, template in office_templates.items():
        out[key] = Office(copy_office(template, tmp_path / key))
    yield out
    for office in out.values():
        office.db.close()


@pytest.fixture
def three_villages(offices: dict[str, Office], tmp_path: Path) -> dict[str, Office]:
    """Three villages in three kecamatan, joined to the regency."""
    for key, code in (("a", DESA), ("b", DESA_B), ("c", DESA_C)):
        path, _ = RegencySync(offices["kab"].db, offices["kab"].user).make_setup_file(code, tmp_path)
        VillageSync(offices[key].db, offices[key].user).join(path)
    return offices
