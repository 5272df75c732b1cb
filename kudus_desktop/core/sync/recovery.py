"""A way back in for a village whose only admin forgot the password: a one-time recovery file
the regency signs for that village's device, which the village checks with the regency key it
trusts from its setup file before it sets a new admin password. Audited on both sides.

The file is small JSON: what it is for (regency, desa, the device the regency knows for it), a
random one-time number, when it was issued and until when it holds, who issued it, and the
Ed25519 signature of all of that. Whoever carries it can only reset an admin's password of
that one installation, once, within the week, and the regency's log says who asked for it.
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select, update

from kudus_desktop.core.errors import AuthError, KudusError, ValidationError
from kudus_desktop.core.office.accounts import MIN_PASSWORD, hash_password
from kudus_desktop.core.rules.codes import Mode, Role
from kudus_desktop.core.rules.dates import format_date
from kudus_desktop.core.rules.records import UserView
from kudus_desktop.core.rules.regions import region
from kudus_desktop.core.rules.validation import Issue
from kudus_desktop.core.storage import settings
from kudus_desktop.core.storage.audit import write_audit
from kudus_desktop.core.storage.db import Database
from kudus_desktop.core.storage.signing import device_id, identity
from kudus_desktop.core.storage.syncfile import canonical_json, strict_json
from kudus_desktop.core.storage.tables import sync_device_table, user_table

FORMAT = "kudus-recovery"
VERSION = 1
#: How long a file holds after the regency made it.
VALID_DAYS = 7
#: A recovery file is a few hundred bytes; anything larger is not one and is not parsed.
MAX_BYTES = 4096
#: A PC clock this far behind the regency's still accepts a file issued "in its future".
CLOCK_SLACK = timedelta(hours=12)
_FIELDS = ("format", "version", "regency", "desa", "device", "nonce", "issued", "expires", "issued_by")


class RecoveryError(KudusError):
    """A recovery file refused, with the reason."""


@dataclass(frozen=True, slots=True)
class RecoveryFile:
    regency: str
    desa: str
    device: str
    nonce: str
    issued: datetime
    expires: datetime
    issued_by: str


def recovery_name(desa: str) -> str:
    return f"PEMULIHAN_{desa.replace('.', '')}.kdr.json"


def issue_recovery(db: Database, actor: UserView, desa_code: str, out: Path, *, now: datetime | None = None) -> Path:
    """The regency (an admin) writes the recovery file for ``desa_code``'s registered device."""
    if actor.role != Role.ADMIN:
        raise AuthError("not_allowed")
    with db.read() as conn:
        values = settings.read_all(conn)
        devices = conn.execute(
            select(sync_device_table.c.device_id)
            .where(sync_device_table.c.desa_code == desa_code, sync_device_table.c.retired_at.is_(None))
            .where(sync_device_table.c.revoked_at.is_(None))
            .order_by(sync_device_table.c.registered_at.desc())
        ).scalars().all()  # fmt: skip
    if values[settings.MODE.key] != Mode.KABUPATEN:
        raise RecoveryError("recovery_not_regency")
    reg = region(desa_code)
    if reg is None or reg.level != "desa" or not desa_code.startswith(values[settings.REGION_CODE.key] + "."):
        raise RecoveryError("sync_desa_unknown", code=desa_code)
    if not devices:
        raise RecoveryError("recovery_no_device", desa=reg.name)
    moment = (now or datetime.now().astimezone()).replace(microsecond=0)
    body: dict[str, Any] = {
        "format": FORMAT, "version": VERSION, "regency": values[settings.REGION_CODE.key], "desa": desa_code,
        "device": devices[0], "nonce": secrets.token_hex(16), "issued": moment.isoformat(),
        "expires": (moment + timedelta(days=VALID_DAYS)).isoformat(), "issued_by": actor.username,
    }  # fmt: skip
    body["signature"] = base64.b64encode(identity(db).sign.sign(canonical_json(body))).decode()
    target = out / recovery_name(desa_code) if out.is_dir() else out
    target.write_text(json.dumps(body, indent=1), encoding="utf-8")
    with db.begin() as conn:
        write_audit(conn, actor.username, "recovery_issued", f"{reg.name} ({desa_code}), perangkat {devices[0]}")
    return target


def read_recovery(data: bytes, sign_public: bytes) -> RecoveryFile:
    """Check a recovery file's shape, field by field, and its signature by ``sign_public``."""
    if len(data) > MAX_BYTES:
        raise RecoveryError("recovery_not_file")
    try:
        raw = strict_json(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, KudusError):
        raise RecoveryError("recovery_not_file") from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise RecoveryError("recovery_not_file")
    if raw.get("version") != VERSION or set(raw) != {*_FIELDS, "signature"}:
        raise RecoveryError("recovery_not_file")
    texts = [raw[k] for k in _FIELDS if k != "version"]
    if not all(isinstance(t, str) and 0 < len(t) <= 64 for t in texts) or not isinstance(raw["signature"], str):
        raise RecoveryError("recovery_not_file")
    try:
        signature = base64.b64decode(raw["signature"], validate=True)
        Ed25519PublicKey.from_public_bytes(sign_public).verify(signature, canonical_json({k: raw[k] for k in _FIELDS}))
    except (ValueError, TypeError, InvalidSignature):
        raise RecoveryError("recovery_bad_signature") from None
    try:
        issued, expires = datetime.fromisoformat(raw["issued"]), datetime.fromisoformat(raw["expires"])
    except ValueError:
        raise RecoveryError("recovery_not_file") from None
    if issued.tzinfo is None or expires.tzinfo is None:
        raise RecoveryError("recovery_not_file")
    return RecoveryFile(raw["regency"], raw["desa"], raw["device"], raw["nonce"], issued, expires, raw["issued_by"])


def recover_admin(
    db: Database, path: Path, username: str, password: str, repeat: str, *, now: datetime | None = None
) -> UserView:
    """The village sets a new password for its admin ``username`` with the regency's recovery
    file; the account is unlocked and enabled. Refused with the reason, changing nothing."""
    if len(password) < MIN_PASSWORD:
        raise ValidationError([Issue("password", "password_too_short", params={"min": MIN_PASSWORD})])
    if password != repeat:
        raise ValidationError([Issue("password", "password_mismatch")])
    try:
        with path.open("rb") as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as exc:
        raise RecoveryError("file_not_found", path=str(path)) from exc
    with db.read() as conn:
        values = settings.read_all(conn)
    trusted = values[settings.SYNC_REGENCY_SIGN.key]
    if values[settings.MODE.key] != Mode.DESA or not trusted:
        raise RecoveryError("recovery_not_joined")
    file = read_recovery(data, base64.b64decode(trusted))
    if file.regency != values[settings.SYNC_REGENCY.key] or file.desa != values[settings.REGION_CODE.key]:
        named = region(file.desa)
        raise RecoveryError("recovery_other_desa", desa=named.name if named else file.desa)
    if file.device != device_id(identity(db).sign_public):
        raise RecoveryError("recovery_other_device")
    moment = now or datetime.now().astimezone()
    if moment > file.expires or moment < file.issued - CLOCK_SLACK:
        raise RecoveryError(
            "recovery_expired", issued=format_date(file.issued.date()), expires=format_date(file.expires.date())
        )
    name = username.strip().lower()
    with db.begin() as conn:
        used = json.loads(settings.read_all(conn)[settings.RECOVERY_USED.key] or "[]")
        if file.nonce in used:
            raise RecoveryError("recovery_used")
        row = conn.execute(select(user_table).where(user_table.c.username == name)).first()
        if row is None or row.role != Role.ADMIN:
            raise RecoveryError("recovery_not_admin", username=name)
        conn.execute(
            update(user_table)
            .where(user_table.c.id == row.id)
            .values(password_hash=hash_password(password), failed_logins=0, locked_until=None, active=1)
        )
        settings.write(conn, {settings.RECOVERY_USED: json.dumps([*used, file.nonce][-50:])})
        write_audit(conn, row.username, "admin_recovered", f"berkas dari {file.issued_by}, {file.issued.isoformat()}")
    return UserView(row.id, row.username, row.full_name, row.role)
