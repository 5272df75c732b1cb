"""Backups as the office makes them: a copy to a stick, a restore from one, each audited.

The file work is :mod:`kudus_desktop.core.storage.backup`; this is the act the window and the
command line both call, so both refuse the same things and write the same audit entry.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from kudus_desktop.core.errors import KudusError
from kudus_desktop.core.rules.records import UserView
from kudus_desktop.core.storage.audit import log_event
from kudus_desktop.core.storage.backup import (
    backup_database,
    encrypted_backup,
    last_backup_day,
    restore_database,
)
from kudus_desktop.core.storage.db import Database, open_database

#: What another window or command is told while a restore holds the file.
RESTORE_PURPOSE = "Pemulihan cadangan"


class BackupService:
    def __init__(self, db: Database, actor: UserView) -> None:
        self.db = db
        self.actor = actor

    @property
    def folder(self) -> Path:
        """Where the daily copies are kept."""
        return self.db.data_dir / "backups"

    def last_day(self) -> date | None:
        return last_backup_day(self.db.path)

    def copy(self, target: Path | None, passphrase: str | None) -> Path:
        """A copy of the whole database: encrypted under ``passphrase`` into the folder ``target``
        (a stick), or plain (``passphrase`` None) to ``target`` or the backup folder."""
        if not self.db.is_sqlite:
            raise KudusError("backup_server_store", url=self.db.label)
        if passphrase is not None:
            if target is None:
                raise KudusError("required", field="--to")
            made = encrypted_backup(self.db.path, target, passphrase)
        else:
            made = backup_database(self.db.path, target)
        log_event(self.db, self.actor.username, "backup", str(made))
        return made

    def restore(self, source: Path, passphrase: str | None) -> Path:
        """Replace the database with ``source``; returns the copy kept of the one replaced.

        This connection's pooled handles go first (they would keep the replaced file), and the
        file is held alone throughout, so no window, command or server opens it mid-swap."""
        with self.db.alone(RESTORE_PURPOSE):
            self.db.engine.dispose()
            kept = restore_database(self.db.data_dir, source, passphrase)
        _log_restore(self.db, self.actor.username, source, kept)
        return kept


def restore_fresh(data_dir: Path, source: Path, passphrase: str | None, actor: str) -> Path:
    """Restore onto a PC that has no database yet (nobody to log in as): the new PC of an office."""
    kept = restore_database(data_dir, source, passphrase)
    db = open_database(data_dir)
    try:
        _log_restore(db, actor, source, kept)
    finally:
        db.close()
    return kept


def _log_restore(db: Database, actor: str, source: Path, kept: Path) -> None:
    log_event(db, actor, "restore", f"dari {source.name}; yang lama di {kept.name}")
