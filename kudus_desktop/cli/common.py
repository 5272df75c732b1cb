"""What every command shares: the data folder and store, who runs the command, output."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kudus_desktop.cli.needs import need_of
from kudus_desktop.core.errors import KudusError
from kudus_desktop.core.office.accounts import AccountService
from kudus_desktop.core.paths import default_data_dir
from kudus_desktop.core.rules.labels import code_label
from kudus_desktop.core.rules.nik import mask_nik
from kudus_desktop.core.rules.records import UserView
from kudus_desktop.core.rules.regions import region
from kudus_desktop.core.storage.audit import log_event
from kudus_desktop.core.storage.db import Database, open_store

EXIT_BAD_INPUT = 2


def data_folder(args: argparse.Namespace) -> Path:
    return Path(args.data_dir) if args.data_dir else default_data_dir()


def server_store_url(args: argparse.Namespace) -> str | None:
    """A server store's URL from ``--db`` or ``KUDUS_DATABASE_URL``; none means the SQLite file."""
    return getattr(args, "db", None) or os.environ.get("KUDUS_DATABASE_URL") or None


def password_from(path: str) -> str:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise KudusError("password_file_unreadable", path=path) from None
    return text.splitlines()[0] if text else ""


@contextmanager
def office(args: argparse.Namespace, *, local: bool = False) -> Iterator[tuple[Database, AccountService]]:
    """The office's store (its SQLite file when ``local``, whatever server is configured), open
    for the command, with the person it runs as logged in (see :data:`kudus_desktop.cli.needs.NEEDS`);
    closed when the command is done, however it ends."""
    db = open_store(data_folder(args), None if local else server_store_url(args), create=False)
    try:
        _warn_repaired(db.report.repaired)
        accounts = AccountService(db)
        if not accounts.profile().initialised:
            raise KudusError("not_initialised", path=str(db.data_dir))
        log_in(args, accounts)
        yield db, accounts
    finally:
        db.close()


#: Nobody logged in: reads with NIKs masked. It has no role, so no service lets it change
#: anything: every change and every full NIK needs a person who logged in.
NO_ACCOUNT = UserView(0, "cli", "Baris perintah (tanpa akun)", "")


def _credentials(args: argparse.Namespace) -> tuple[str, str] | None:
    """The account and password from the options, the environment or, at a terminal, a prompt."""
    user = args.user or os.environ.get("KUDUS_USER") or ""
    if not user:
        return None
    password_file = args.password_file or os.environ.get("KUDUS_PASSWORD_FILE")
    if password_file:
        return user, password_from(password_file)
    if "KUDUS_PASSWORD" in os.environ:
        return user, os.environ["KUDUS_PASSWORD"]
    if sys.stdin.isatty():
        import getpass

        return user, getpass.getpass(f"Kata sandi {user}: ")
    raise KudusError("cli_password_missing", user=user)


def log_in(args: argparse.Namespace, accounts: AccountService) -> None:
    """Log the person in (same lockout and audit as the window) when the command needs one
    or credentials were given; refuse a command their role may not run."""
    need = need_of(args)
    given = _credentials(args)
    if given is None:
        if need is not None:
            raise KudusError("cli_login_needed", command=args.command_line)
        return
    user = accounts.login(*given)
    if need is not None and not need.may(user.role):
        raise KudusError(
            "cli_role", user=user.username, role=code_label("role", user.role), command=args.command_line,
            allowed=need.allowed,
        )  # fmt: skip
    args.actor = user


def acting_user(args: argparse.Namespace) -> UserView:
    actor: UserView | None = getattr(args, "actor", None)
    return actor or NO_ACCOUNT


def _reveals(args: argparse.Namespace) -> bool:
    """Whether this run shows full NIKs: only to a logged-in person (any role; audited)."""
    return getattr(args, "actor", None) is not None


def nik_display(args: argparse.Namespace, db: Database, what: str) -> Callable[[str], str]:
    """Full NIKs for a logged-in person who may see them, the reveal audited; masked otherwise."""
    if not _reveals(args):
        return mask_nik
    log_event(db, acting_user(args).username, "nik_revealed", f"{what} di baris perintah")
    return lambda nik: nik


def required_option(value: str | None, option: str) -> str:
    if not value:
        raise KudusError("required", field=option)
    return value


def _warn_repaired(paths: Sequence[Path]) -> None:
    """Files other OS users could read were made private at opening: say so, once, on stderr."""
    if paths:
        shown = ", ".join(str(p) for p in paths[:3]) + (f" (+{len(paths) - 3})" if len(paths) > 3 else "")
        print(f"Peringatan: {shown} dapat dibaca pengguna lain komputer ini; kini hanya untuk Anda.", file=sys.stderr)


_qt_app: Any = None


def qt_offscreen() -> None:
    """Cards and printed lists are painted with Qt; headless, without a screen."""
    global _qt_app
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _qt_app = QGuiApplication(["kudus-desktop"])


def desa_code_of(code: str | None) -> str:
    """A desa or kecamatan code of this regency, or empty for all."""
    if not code:
        return ""
    reg = region(code)
    if reg is None or reg.level not in ("desa", "kecamatan"):
        raise KudusError("area_code_unknown", code=code)
    return reg.code
