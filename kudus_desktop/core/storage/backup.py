"""Backups of the local database: daily automatic copies with rotation, manual copies, restore.

Copies are made with SQLite's online backup API, so they are consistent while the
application runs, written under a temporary name and renamed, and checked before use.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable
from contextlib import closing
from datetime import date, datetime
from pathlib import Path

from kudus_desktop.core.errors import StorageError
from kudus_desktop.core.paths import DB_FILE_NAME, database_space, private_file, space_error
from kudus_desktop.core.storage import instance
from kudus_desktop.core.storage.db import BACKUP_DIR_NAME, SCHEMA_VERSION, inspect_file, open_database
from kudus_desktop.core.storage.signing import rewrap_keys, wrapping_key

DAILY = "harian"
KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = 7, 4, 12


def backup_database(
    db_path: Path, target_dir: Path | None = None, *, label: str = "manual", now: datetime | None = None
) -> Path:
    """Copy the database to ``target_dir`` (default: the data directory's ``backups``)."""
    now = now or datetime.now()
    target_dir = target_dir or db_path.parent / BACKUP_DIR_NAME
    target = target_dir / f"kudus-{label}-{now:%Y%m%d-%H%M%S}.sqlite"
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        target_dir.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(db_path)) as src, closing(sqlite3.connect(private_file(tmp))) as dst:
            src.backup(dst)
            if dst.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("quick_check failed on the copy")
        tmp.replace(target)
    except (OSError, sqlite3.Error) as exc:
        tmp.unlink(missing_ok=True)
        raise space_error(target_dir, database_space(db_path), seen=exc) or StorageError(
            "backup_failed", path=str(target_dir), detail=str(exc)
        ) from None
    return target


def _daily_backups(backup_dir: Path) -> list[tuple[datetime, Path]]:
    out = []
    for p in backup_dir.glob(f"kudus-{DAILY}-*.sqlite"):
        try:
            out.append((datetime.strptime(p.stem.removeprefix(f"kudus-{DAILY}-"), "%Y%m%d-%H%M%S"), p))
        except ValueError:
            continue
    return sorted(out, reverse=True)


def _keep(backups: Iterable[tuple[datetime, Path]], key: str, count: int) -> set[Path]:
    kept: dict[str, Path] = {}
    for when, path in backups:  # newest first: the newest of each period is kept
        iso = when.isocalendar()
        period = {"day": f"{when:%Y%m%d}", "week": f"{iso.year}-{iso.week:02d}", "month": f"{when:%Y%m}"}[key]
        if period not in kept and len(kept) < count:
            kept[period] = path
    return set(kept.values())


def rotate(backup_dir: Path) -> list[Path]:
    """Keep the newest daily copy of each of the last 7 days, 4 weeks and 12 months; delete the rest."""
    backups = _daily_backups(backup_dir)
    keep = (
        _keep(backups, "day", KEEP_DAILY) | _keep(backups, "week", KEEP_WEEKLY) | _keep(backups, "month", KEEP_MONTHLY)
    )
    removed = [p for _, p in backups if p not in keep]
    for p in removed:
        p.unlink(missing_ok=True)
    return removed


def daily_backup_if_due(db_path: Path, *, now: datetime | None = None) -> Path | None:
    """Make today's automatic copy unless there is one, then rotate the old ones."""
    now = now or datetime.now()
    backup_dir = db_path.parent / BACKUP_DIR_NAME
    if any(when.date() == now.date() for when, _ in _daily_backups(backup_dir)):
        return None
    made = backup_database(db_path, backup_dir, label=DAILY, now=now)
    rotate(backup_dir)
    return made


def backup_on_close(db_path: Path, *, now: datetime | None = None) -> Path:
    """The copy made when the window closes; it counts as that day's automatic copy."""
    made = backup_database(db_path, label=DAILY, now=now)
    rotate(db_path.parent / BACKUP_DIR_NAME)
    return made


# Encrypted copies for a USB stick: MAGIC, 16-byte scrypt salt, 12-byte nonce, then the
# AES-256-GCM ciphertext, with MAGIC as associated data, of: (version 2) the installation's
# 32-byte key-wrapping key followed by the whole SQLite file; (version 1) the SQLite file alone,
# whose keys were stored unwrapped then.
MAGIC = b"KUDUSBAK2\n"
MAGIC_V1 = b"KUDUSBAK1\n"
_SALT, _NONCE = 16, 12
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**15, 8, 1
MIN_PASSPHRASE = 8


def _key(passphrase: str, salt: bytes) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=32, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P).derive(passphrase.encode("utf-8"))


def encrypted_backup(db_path: Path, target_dir: Path, passphrase: str, *, now: datetime | None = None) -> Path:
    """A copy that only the passphrase opens, for a stick that may be lost."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if len(passphrase) < MIN_PASSPHRASE:
        raise StorageError("passphrase_too_short", min=MIN_PASSPHRASE)
    now = now or datetime.now()
    plain_dir = db_path.parent / BACKUP_DIR_NAME
    plain = backup_database(db_path, plain_dir, label="untuk-enkripsi", now=now)
    target = target_dir / f"kudus-{now:%Y%m%d-%H%M%S}.kbak"
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        salt, nonce = os.urandom(_SALT), os.urandom(_NONCE)
        wrap = wrapping_key(db_path.parent)
        assert wrap is not None
        sealed = AESGCM(_key(passphrase, salt)).encrypt(nonce, wrap + plain.read_bytes(), MAGIC)
        target_dir.mkdir(parents=True, exist_ok=True)
        with private_file(tmp).open("wb") as fh:
            fh.write(MAGIC + salt + nonce + sealed)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise space_error(target_dir, plain.stat().st_size, seen=exc) or StorageError(
            "backup_failed", path=str(target_dir), detail=exc.strerror or str(exc)
        ) from None
    finally:
        plain.unlink(missing_ok=True)
    return target


def is_encrypted(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(len(MAGIC)) in (MAGIC, MAGIC_V1)
    except OSError:
        return False


def decrypt_backup(source: Path, passphrase: str, target: Path) -> bytes | None:
    """Write the SQLite file inside an encrypted copy to ``target`` (private to the OS user);
    returns the key-wrapping key it carries (``None`` for a version-1 copy). A wrong passphrase
    or a changed byte is refused."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    data = source.read_bytes()
    magic = data[: len(MAGIC)]
    head = len(MAGIC)
    salt, nonce, sealed = (
        data[head : head + _SALT],
        data[head + _SALT : head + _SALT + _NONCE],
        data[head + _SALT + _NONCE :],
    )
    try:
        plain = AESGCM(_key(passphrase, salt)).decrypt(nonce, sealed, magic)
    except (InvalidTag, ValueError):
        raise StorageError("backup_wrong_passphrase", path=str(source)) from None
    wrap: bytes | None = None
    if magic == MAGIC:
        wrap, plain = plain[:32], plain[32:]
    private_file(target).write_bytes(plain)
    return wrap


def check_backup(source: Path) -> int:
    """Schema version of a backup file after a full integrity check; refuses anything else."""
    if not source.is_file():
        raise StorageError("db_not_sqlite", path=str(source))
    version = inspect_file(source)
    if version == 0:
        raise StorageError("db_not_sqlite", path=str(source))
    with closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        raise StorageError("db_corrupt", path=str(source), detail=result)
    return version


def restore_database(data_dir: Path, source: Path, passphrase: str | None = None) -> Path:
    """Replace the database with a checked backup; returns the copy kept of the one replaced.

    Refused (``db_in_use``, naming them) while another process has the database open: its
    next saves would go to the replaced file and vanish. The current file is checkpointed and
    copied first; an older backup is migrated forward when opened. An encrypted copy needs
    its passphrase.
    """
    with instance.alone(data_dir, "Pemulihan cadangan"):
        return _restore(data_dir, source, passphrase)


def _restore(data_dir: Path, source: Path, passphrase: str | None) -> Path:
    if is_encrypted(source):
        if not passphrase:
            raise StorageError("backup_needs_passphrase", path=str(source))
        plain = data_dir / f".{source.stem}.dekripsi.sqlite"
        try:
            carried = decrypt_backup(source, passphrase, plain)
            # The copy's private keys are wrapped under the key it carries: wrapped again under this
            # installation's own key, so the office keeps its identity on this PC.
            local = wrapping_key(data_dir)
            assert local is not None
            rewrap_keys(plain, carried, local)
            return _restore(data_dir, plain, None)
        finally:
            plain.unlink(missing_ok=True)
    version = check_backup(source)
    if version > SCHEMA_VERSION:
        raise StorageError("db_newer", path=str(source), found=version, supported=SCHEMA_VERSION)
    current = data_dir / DB_FILE_NAME
    kept = backup_database(current, label="sebelum-pemulihan") if current.exists() else current
    counters: dict[str, int] = {}
    if current.exists():
        with closing(sqlite3.connect(current)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            counters = _counters(conn)
    tmp = current.with_name(f".{current.name}.restore")
    try:
        with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(private_file(tmp))) as dst:
            src.backup(dst)
            # Numbers this office has handed out (packages, registrations, changes) never come
            # round again: a restored older copy carries on above the highest ever used here.
            for name, value in counters.items():
                dst.execute("UPDATE counter SET value = ? WHERE name = ? AND value < ?", (value, name, value))
            dst.commit()
        for suffix in ("-wal", "-shm"):
            Path(f"{current}{suffix}").unlink(missing_ok=True)
        tmp.replace(current)
    except (OSError, sqlite3.Error) as exc:
        tmp.unlink(missing_ok=True)
        raise space_error(data_dir, database_space(source), seen=exc) or StorageError(
            "restore_failed", path=str(source), detail=str(exc)
        ) from None
    open_database(data_dir).close()  # migrates an older backup forward, after its own backup
    return kept


def _counters(conn: sqlite3.Connection) -> dict[str, int]:
    try:
        return {str(n): int(v) for n, v in conn.execute("SELECT name, value FROM counter")}
    except sqlite3.Error:
        return {}


def last_backup_day(db_path: Path) -> date | None:
    backups = _daily_backups(db_path.parent / BACKUP_DIR_NAME)
    return backups[0][0].date() if backups else None
