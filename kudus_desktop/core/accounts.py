"""Setting up an installation, its office profile and logging in."""

from __future__ import annotations

import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from kudus_desktop.core import settings
from kudus_desktop.core.codes import Mode, Role
from kudus_desktop.core.dates import now_iso
from kudus_desktop.core.db import Database
from kudus_desktop.core.errors import AuthError, SetupError, ValidationError
from kudus_desktop.core.regions import KUDUS_CODE, region
from kudus_desktop.core.tables import user_table
from kudus_desktop.core.validation import Issue, collapse
from kudus_desktop.core.views import OfficeProfile, OpChanges, UserView

MIN_PASSWORD = 8
_USERNAME = re.compile(r"^[a-z0-9._-]{3,32}$")
# argon2id with the library's defaults (RFC 9106 low-memory profile): about 50 ms on an old PC.
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """Salted argon2id hash; the password itself is never stored."""
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True, slots=True)
class SetupRequest:
    """Everything the first start asks for."""

    mode: str
    region_code: str
    head_name: str
    head_title: str
    admin_username: str
    admin_full_name: str
    password: str
    office_phone: str = ""


def normalise_username(name: str) -> str:
    """Usernames are compared case-insensitively: stored trimmed and in lower case."""
    return name.strip().lower()


def check_setup(req: SetupRequest) -> list[Issue]:
    """Every problem with a setup request, before anything is written."""
    issues: list[Issue] = []
    reg = region(req.region_code)
    if req.mode not in (Mode.DESA, Mode.KABUPATEN):
        issues.append(Issue("region", "choice_invalid", params={"value": req.mode}))
    elif reg is None:
        issues.append(Issue("region", "region_unknown", params={"code": req.region_code}))
    elif req.mode == Mode.DESA and reg.level != "desa":
        issues.append(Issue("region", "region_not_desa", params={"code": reg.code, "name": reg.name}))
    elif req.mode == Mode.KABUPATEN and (reg.level != "kabupaten" or reg.code != KUDUS_CODE):
        issues.append(Issue("region", "region_not_kabupaten", params={"code": reg.code}))
    # The signatory's name may be filled in later (Pengaturan); the title may not be empty.
    if not collapse(req.head_title):
        issues.append(Issue("head_title", "required"))
    if not _USERNAME.match(normalise_username(req.admin_username)):
        issues.append(Issue("username", "username_invalid"))
    if not collapse(req.admin_full_name):
        issues.append(Issue("admin_full_name", "required"))
    if len(req.password) < MIN_PASSWORD:
        issues.append(Issue("password", "password_too_short", params={"min": MIN_PASSWORD}))
    return issues


class AccountService:
    """Setup, profile and log-in. Safe to call from any one thread at a time."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def profile(self) -> OfficeProfile:
        """The office profile; ``initialised`` is false before the first setup."""
        with self.db.begin() as conn:
            values = settings.read_all(conn)
        reg = region(values[settings.REGION_CODE.key]) if values[settings.REGION_CODE.key] else None
        kec = region(reg.parent_code) if reg and reg.parent_code and reg.level in ("desa", "kelurahan") else None
        return OfficeProfile(
            mode=values[settings.MODE.key],
            region_code=values[settings.REGION_CODE.key],
            region_name=reg.name if reg else "",
            kecamatan_name=kec.name if kec else "",
            head_name=values[settings.HEAD_NAME.key],
            head_title=values[settings.HEAD_TITLE.key],
            office_phone=values[settings.OFFICE_PHONE.key],
            max_age=int(values[settings.MAX_AGE.key]),
            monthly_premium=int(values[settings.MONTHLY_PREMIUM.key]),
        )

    def initialise(self, req: SetupRequest) -> UserView:
        """Write the office profile and the first admin in one transaction.

        Refuses with ``already_initialised`` (changing nothing) when a profile exists.
        """
        issues = check_setup(req)
        if issues:
            raise ValidationError(issues)
        existing = self.profile()
        if existing.initialised:
            name = existing.region_name or existing.region_code
            raise SetupError("already_initialised", path=str(self.db.data_dir), name=name)
        password_hash = hash_password(req.password)
        username = normalise_username(req.admin_username)
        with self.db.begin() as conn:
            # Re-checked inside the write transaction: two first starts must not both win.
            if conn.execute(select(func.count()).select_from(user_table)).scalar_one():
                raise SetupError("already_initialised", path=str(self.db.data_dir), name=req.region_code)
            settings.write(
                conn,
                {
                    settings.MODE: req.mode,
                    settings.REGION_CODE: req.region_code,
                    settings.HEAD_NAME: collapse(req.head_name),
                    settings.HEAD_TITLE: collapse(req.head_title),
                    settings.OFFICE_PHONE: collapse(req.office_phone),
                },
            )
            new_id = conn.execute(
                user_table.insert().values(
                    username=username,
                    full_name=collapse(req.admin_full_name),
                    role=Role.ADMIN,
                    password_hash=password_hash,
                    active=1,
                    created_at=now_iso(),
                )
            ).inserted_primary_key
        assert new_id is not None
        return UserView(int(new_id[0]), username, collapse(req.admin_full_name), Role.ADMIN)

    def login(self, username: str, password: str) -> UserView:
        """The account for these credentials; :class:`AuthError` otherwise."""
        with self.db.begin() as conn:
            row = conn.execute(select(user_table).where(user_table.c.username == normalise_username(username))).first()
        if row is None or not verify_password(row.password_hash, password):
            raise AuthError("login_failed")
        if not row.active:
            raise AuthError("account_disabled")
        return UserView(row.id, row.username, row.full_name, row.role)

    def update_profile(self, *, head_name: str, head_title: str, office_phone: str, max_age: str) -> OpChanges:
        """Change the signatory, office phone and age limit."""
        issues: list[Issue] = []
        if not collapse(head_name):
            issues.append(Issue("head_name", "required"))
        if not collapse(head_title):
            issues.append(Issue("head_title", "required"))
        age = max_age.strip()
        if not (age.isdigit() and 15 <= int(age) <= 100):
            issues.append(Issue("max_age", "settings_invalid", params={"value": max_age}))
        if issues:
            raise ValidationError(issues)
        with self.db.begin() as conn:
            settings.write(
                conn,
                {
                    settings.HEAD_NAME: collapse(head_name),
                    settings.HEAD_TITLE: collapse(head_title),
                    settings.OFFICE_PHONE: collapse(office_phone),
                    settings.MAX_AGE: str(int(age)),
                },
            )
        return OpChanges(settings=True)
