"""Setting up an installation, its office profile and logging in."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, func, select, update

from kudus_desktop.core.errors import AuthError, NotFoundError, SetupError, StateError, ValidationError
from kudus_desktop.core.rules.codes import Mode, Role
from kudus_desktop.core.rules.dates import now_iso
from kudus_desktop.core.rules.letterhead import OfficialPaper, check_paper
from kudus_desktop.core.rules.records import AccountView, OfficeProfile, OpChanges, UserView
from kudus_desktop.core.rules.regions import KUDUS_CODE, region
from kudus_desktop.core.rules.validation import Issue, collapse
from kudus_desktop.core.storage import settings
from kudus_desktop.core.storage.audit import audit_events, write_audit
from kudus_desktop.core.storage.db import Database
from kudus_desktop.core.storage.signing import ensure_keys
from kudus_desktop.core.storage.tables import user_table

MIN_PASSWORD = 8
MAX_FAILURES = 5
LOCK_MINUTES = 15
_USERNAME = re.compile(r"^[a-z0-9._-]{3,32}$")
# argon2id with the library's defaults (RFC 9106 low-memory profile): about 50 ms on an old PC.
_hasher = PasswordHasher()


def _stamp(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat(sep=" ")


def _minutes_left(locked_until: str, now: datetime) -> int:
    return max(1, int((datetime.fromisoformat(locked_until) - now).total_seconds() // 60) + 1)


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


def _paper(values: dict[str, str]) -> OfficialPaper:
    """The official paper as stored; a value that no longer reads (edited by hand) is left out
    rather than printed."""
    stored = {name: values[key.key] for name, key in settings.PAPER.items()}
    if stored["decree_date"]:
        try:
            stored["decree_date"] = date.fromisoformat(stored["decree_date"]).strftime("%d/%m/%Y")
        except ValueError:
            stored["decree_date"] = ""
    paper, issues = check_paper(stored)
    if not issues:
        return paper
    return replace(paper, **{i.field: getattr(OfficialPaper(), i.field) for i in issues if i.field != "decree_date"})


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
        with self.db.read() as conn:
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
            idle_lock_minutes=int(values[settings.IDLE_LOCK_MINUTES.key]),
            min_participants=int(values[settings.MIN_PARTICIPANTS.key]),
            kpj_digits=int(values[settings.KPJ_DIGITS.key]),
            paper=_paper(values),
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
            ensure_keys(conn, self.db.data_dir)
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

    def login(self, username: str, password: str, *, now: datetime | None = None) -> UserView:
        """The account for these credentials; :class:`AuthError` otherwise.

        Every attempt is written to the audit log. After :data:`MAX_FAILURES` wrong passwords
        in a row the account is locked for :data:`LOCK_MINUTES`. Failures are counted inside
        the write transaction, so attempts made at once (two windows, scripts) all count.
        """
        now = now or datetime.now()
        name = normalise_username(username)
        with self.db.read() as conn:
            row = conn.execute(select(user_table).where(user_table.c.username == name)).first()
        if row is not None:
            self._refuse_if_locked(row.id, name, row.locked_until, now)
        if row is None or not verify_password(row.password_hash, password):
            with self.db.begin() as conn:
                if row is not None:
                    self._count_failure(conn, row.id, now)
                write_audit(conn, name or "?", "login_failed")
            raise AuthError("login_failed")
        if not row.active:
            self._audit(name, "login_disabled")
            raise AuthError("account_disabled")
        with self.db.begin() as conn:
            # Locked meanwhile by attempts made at the same time: the lock holds.
            locked_until = conn.execute(select(user_table.c.locked_until).where(user_table.c.id == row.id)).scalar()
            if locked_until and locked_until > _stamp(now):
                write_audit(conn, name, "login_locked")
                raise AuthError("account_locked", minutes=_minutes_left(locked_until, now))
            conn.execute(update(user_table).where(user_table.c.id == row.id).values(failed_logins=0, locked_until=None))
            write_audit(conn, name, "login")
        return UserView(row.id, row.username, row.full_name, row.role)

    def _refuse_if_locked(self, user_id: int, name: str, locked_until: str | None, now: datetime) -> None:
        """Refuse a locked account. A lock ending more than :data:`LOCK_MINUTES` from now was
        set under a clock that was ahead (a PC at 2040 would lock its only admin for years):
        it is cut to :data:`LOCK_MINUTES` from the moment it is seen."""
        if not locked_until or locked_until <= _stamp(now):
            return
        longest = _stamp(now + timedelta(minutes=LOCK_MINUTES))
        with self.db.begin() as conn:
            if locked_until > longest:
                conn.execute(update(user_table).where(user_table.c.id == user_id).values(locked_until=longest))
                locked_until = longest
            write_audit(conn, name, "login_locked")
        raise AuthError("account_locked", minutes=_minutes_left(locked_until, now))

    @staticmethod
    def _count_failure(conn: Connection, user_id: int, now: datetime) -> None:
        current = conn.execute(
            select(user_table.c.failed_logins, user_table.c.locked_until).where(user_table.c.id == user_id)
        ).one()
        if current.locked_until and current.locked_until > _stamp(now):
            return  # locked by an attempt made at the same moment; the lock already counts
        failures = current.failed_logins + 1
        locked = _stamp(now + timedelta(minutes=LOCK_MINUTES)) if failures >= MAX_FAILURES else None
        conn.execute(
            update(user_table)
            .where(user_table.c.id == user_id)
            .values(failed_logins=0 if locked else failures, locked_until=locked)
        )

    def _audit(self, username: str, action: str, detail: str = "") -> None:
        with self.db.begin() as conn:
            write_audit(conn, username, action, detail)

    # -- accounts (admin) ----------------------------------------------------------------

    def accounts(self) -> list[AccountView]:
        with self.db.read() as conn:
            rows = conn.execute(select(user_table).order_by(user_table.c.username)).all()
        return [AccountView(r.id, r.username, r.full_name, r.role, bool(r.active), r.locked_until or "") for r in rows]

    @staticmethod
    def _require_admin(actor: UserView) -> None:
        if actor.role != Role.ADMIN:
            raise AuthError("not_allowed")

    def create_account(self, actor: UserView, username: str, full_name: str, role: str, password: str) -> OpChanges:
        """A new account; only an admin may make one."""
        self._require_admin(actor)
        name = normalise_username(username)
        issues: list[Issue] = []
        if not _USERNAME.match(name):
            issues.append(Issue("username", "username_invalid"))
        if not collapse(full_name):
            issues.append(Issue("admin_full_name", "required"))
        if role not in {r.value for r in Role}:
            issues.append(Issue("role", "choice_invalid", params={"value": role}))
        if len(password) < MIN_PASSWORD:
            issues.append(Issue("password", "password_too_short", params={"min": MIN_PASSWORD}))
        if issues:
            raise ValidationError(issues)
        with self.db.begin() as conn:
            if conn.execute(select(user_table.c.id).where(user_table.c.username == name)).first():
                raise ValidationError([Issue("username", "username_taken", params={"username": name})])
            conn.execute(
                user_table.insert().values(
                    username=name, full_name=collapse(full_name), role=role, password_hash=hash_password(password),
                    active=1, created_at=now_iso(),
                )
            )  # fmt: skip
            write_audit(conn, actor.username, "account_created", f"{name} ({role})")
        return OpChanges(settings=True)

    def set_active(self, actor: UserView, account_id: int, active: bool) -> OpChanges:
        """Disable or enable an account; the last active admin cannot be disabled."""
        self._require_admin(actor)
        with self.db.begin() as conn:
            row = conn.execute(select(user_table).where(user_table.c.id == account_id)).first()
            if row is None:
                raise NotFoundError("account_not_found", id=account_id)
            if not active and row.role == Role.ADMIN:
                admins = conn.execute(
                    select(func.count())
                    .select_from(user_table)
                    .where(user_table.c.role == Role.ADMIN, user_table.c.active == 1)
                ).scalar_one()
                if admins <= 1 and row.active:
                    raise StateError("last_admin", name=row.username)
            conn.execute(update(user_table).where(user_table.c.id == account_id).values(active=1 if active else 0))
            write_audit(conn, actor.username, "account_enabled" if active else "account_disabled", row.username)
        return OpChanges(settings=True)

    def reset_password(self, actor: UserView, account_id: int, password: str) -> OpChanges:
        """Set a new password (and lift a lock); only an admin may do it."""
        self._require_admin(actor)
        if len(password) < MIN_PASSWORD:
            raise ValidationError([Issue("password", "password_too_short", params={"min": MIN_PASSWORD})])
        with self.db.begin() as conn:
            row = conn.execute(select(user_table).where(user_table.c.id == account_id)).first()
            if row is None:
                raise NotFoundError("account_not_found", id=account_id)
            conn.execute(
                update(user_table)
                .where(user_table.c.id == account_id)
                .values(password_hash=hash_password(password), failed_logins=0, locked_until=None)
            )
            write_audit(conn, actor.username, "password_reset", row.username)
        return OpChanges(settings=True)

    def change_own_password(self, user: UserView, current: str, new: str, *, now: datetime | None = None) -> OpChanges:
        """The person at the PC sets a new password for their own account, proving the current one.
        A wrong current password counts as a failed log-in (the account locks after
        :data:`MAX_FAILURES`), so this is no way around the lock."""
        now = now or datetime.now()
        issues: list[Issue] = []
        if len(new) < MIN_PASSWORD:
            issues.append(Issue("password", "password_too_short", params={"min": MIN_PASSWORD}))
        elif new == current:
            issues.append(Issue("password", "password_unchanged"))
        with self.db.read() as conn:
            row = conn.execute(select(user_table).where(user_table.c.id == user.id)).first()
        if row is None or not row.active:
            raise AuthError("account_disabled")
        self._refuse_if_locked(row.id, row.username, row.locked_until, now)
        if not verify_password(row.password_hash, current):
            with self.db.begin() as conn:
                self._count_failure(conn, row.id, now)
                write_audit(conn, row.username, "password_change_failed")
            raise AuthError("password_current_wrong")
        if issues:
            raise ValidationError(issues)
        with self.db.begin() as conn:
            conn.execute(
                update(user_table)
                .where(user_table.c.id == row.id)
                .values(password_hash=hash_password(new), failed_logins=0, locked_until=None)
            )
            write_audit(conn, row.username, "password_changed")
        return OpChanges(settings=True)

    def log_out(self, user: UserView) -> None:
        """Recorded when someone leaves the window for another person to log in."""
        self._audit(user.username, "logout")

    def update_paper(self, actor: UserView, fields: dict[str, str]) -> OpChanges:
        """Change the letterhead and signature settings (Pengaturan), each field checked; only an
        admin may, and the change is audited with what the printouts will now say."""
        self._require_admin(actor)
        paper, issues = check_paper(fields)
        if issues:
            raise ValidationError(issues)
        values = {
            "basis": paper.basis, "signer_title": paper.signer_title, "ub_title": paper.ub_title,
            "rank": paper.rank, "nip": paper.nip, "agency": paper.agency, "office_address": paper.office_address,
            "decree_kind": paper.decree_kind, "decree_number": paper.decree_number,
            "decree_date": paper.decree_date.isoformat() if paper.decree_date else "",
            "decree_about": paper.decree_about,
        }  # fmt: skip
        with self.db.begin() as conn:
            settings.write(conn, {settings.PAPER[name]: value for name, value in values.items()})
            changed = ", ".join(f"{name}={value}" for name, value in values.items() if value)
            write_audit(conn, actor.username, "paper_changed", changed)
        return OpChanges(settings=True)

    def audit_events(self, limit: int = 500) -> list[tuple[str, str, str, str]]:
        """The newest audit events as (at, username, action, detail)."""
        return [(e.at, e.username, e.action, e.detail) for e in audit_events(self.db, limit=limit)]

    def update_profile(
        self,
        *,
        head_name: str,
        head_title: str,
        office_phone: str,
        max_age: str,
        idle_lock_minutes: str = "10",
        min_participants: str | None = None,
        kpj_digits: str | None = None,
    ) -> OpChanges:
        """Change the signatory, office phone, age limit, lock time, minimum count and KPJ length."""
        issues: list[Issue] = []
        if not collapse(head_name):
            issues.append(Issue("head_name", "required"))
        if not collapse(head_title):
            issues.append(Issue("head_title", "required"))
        age = max_age.strip()
        if not (age.isdigit() and 15 <= int(age) <= 100):
            issues.append(Issue("max_age", "settings_invalid", params={"value": max_age}))
        idle = idle_lock_minutes.strip()
        if not (idle.isdigit() and 0 <= int(idle) <= 240):
            issues.append(Issue("idle_lock_minutes", "settings_invalid", params={"value": idle_lock_minutes}))
        extra: dict[settings.SettingKey, str] = {}
        for name, raw, key, low, high in (
            ("min_participants", min_participants, settings.MIN_PARTICIPANTS, 0, 10_000),
            ("kpj_digits", kpj_digits, settings.KPJ_DIGITS, 6, 20),
        ):
            if raw is None:
                continue
            if not (raw.strip().isdigit() and low <= int(raw.strip()) <= high):
                issues.append(Issue(name, "settings_invalid", params={"value": raw}))
            else:
                extra[key] = str(int(raw.strip()))
        if issues:
            raise ValidationError(issues)
        with self.db.begin() as conn:
            settings.write(
                conn,
                {
                    **extra,
                    settings.IDLE_LOCK_MINUTES: str(int(idle)),
                    settings.HEAD_NAME: collapse(head_name),
                    settings.HEAD_TITLE: collapse(head_title),
                    settings.OFFICE_PHONE: collapse(office_phone),
                    settings.MAX_AGE: str(int(age)),
                },
            )
        return OpChanges(settings=True)
