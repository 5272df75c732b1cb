"""Accounts: log-in lockout, the audit log of log-ins, and what only an admin may do."""

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kudus_desktop.core.enrolment.participants import ParticipantService
from kudus_desktop.core.errors import AuthError, StateError, ValidationError
from kudus_desktop.core.office.accounts import LOCK_MINUTES, MAX_FAILURES, AccountService
from kudus_desktop.core.rules.records import UserView
from kudus_desktop.core.storage.db import Database
from tests.factories import PASSWORD

NOW = datetime(2026, 11, 24, 9, 0)


def test_logins_and_failures_are_logged(db: Database) -> None:
    accounts = AccountService(db)
    accounts.login("admin", PASSWORD, now=NOW)
    with pytest.raises(AuthError):
        accounts.login("admin", "salah", now=NOW)
    with pytest.raises(AuthError):
        accounts.login("tidak-ada", "salah", now=NOW)
    events = [(u, a) for _, u, a, _ in accounts.audit_events()]
    assert events[:3] == [("tidak-ada", "login_failed"), ("admin", "login_failed"), ("admin", "login")]


def test_too_many_wrong_passwords_lock_the_account_for_a_while(db: Database) -> None:
    accounts = AccountService(db)
    for _ in range(MAX_FAILURES):
        with pytest.raises(AuthError) as err:
            accounts.login("admin", "salah", now=NOW)
        assert err.value.code == "login_failed"
    with pytest.raises(AuthError) as err:
        accounts.login("admin", PASSWORD, now=NOW + timedelta(minutes=1))
    assert err.value.code == "account_locked" and "menit" in str(err.value)
    assert accounts.login("admin", PASSWORD, now=NOW + timedelta(minutes=LOCK_MINUTES + 1)).username == "admin"


def test_admin_manages_accounts_and_others_may_not(db: Database, admin: UserView) -> None:
    accounts = AccountService(db)
    accounts.create_account(admin, "Sekdes", "Siti Sekdes", "verifikator", "sandi-sekdes")
    with pytest.raises(ValidationError) as err:
        accounts.create_account(admin, "sekdes", "Lain", "operator", "sandi-lainnya")
    assert err.value.issues[0].code == "username_taken"
    sekdes = accounts.login("sekdes", "sandi-sekdes")
    assert sekdes.role == "verifikator"
    with pytest.raises(AuthError) as denied:
        accounts.create_account(sekdes, "op", "Operator", "operator", "sandi-operator")
    assert denied.value.code == "not_allowed"
    sekdes_id = next(a.id for a in accounts.accounts() if a.username == "sekdes")
    accounts.set_active(admin, sekdes_id, False)
    with pytest.raises(AuthError) as err2:
        accounts.login("sekdes", "sandi-sekdes")
    assert err2.value.code == "account_disabled"
    accounts.set_active(admin, sekdes_id, True)
    accounts.reset_password(admin, sekdes_id, "sandi-baru-123")
    assert accounts.login("sekdes", "sandi-baru-123").username == "sekdes"
    with pytest.raises(StateError):
        accounts.set_active(admin, admin.id, False)  # the only admin
    actions = [a for _, _, a, _ in accounts.audit_events()]
    assert {"account_created", "account_disabled", "account_enabled", "password_reset"} <= set(actions)


def test_changes_imports_and_exports_are_in_the_audit_log(service: ParticipantService, tmp_path: Path) -> None:
    from kudus_desktop.core.reports.exporting import export_bpjs_list
    from kudus_desktop.core.storage.audit import audit_events
    from kudus_desktop.core.village.importing import ImportOptions, ImportService
    from tests.factories import make_draft, make_nik, village_list

    pid, _ = service.create(make_draft(1))
    service.end(pid, "pindah", "20/11/2026")
    source = village_list(tmp_path / "l.xlsx", [[make_nik(2), "Budi", "12/05/1980", "L", 1, 1, ""]])
    importer = ImportService(service)
    importer.commit(importer.preview(source, options=ImportOptions(source_list="DTKS")))
    export_bpjs_list(service, tmp_path / "b.xlsx")
    service.log_event("nik_revealed", "daftar peserta")
    events = [(e.username, e.action) for e in audit_events(service.db)][:5]
    assert events == [
        ("admin", "nik_revealed"),
        ("admin", "export_bpjs"),
        ("admin", "participants_imported"),
        ("admin", "participant_end"),
        ("admin", "participant_create"),
    ]
    imported = audit_events(service.db, action="participants_imported")[0]
    assert "1 baru" in imported.detail and "l.xlsx" in imported.detail


def test_changing_ones_own_password_needs_the_current_one_and_counts_wrong_ones(db: Database) -> None:
    accounts = AccountService(db)
    me = accounts.login("admin", PASSWORD)
    with pytest.raises(ValidationError) as short:
        accounts.change_own_password(me, PASSWORD, "pendek")
    assert short.value.issues[0].code == "password_too_short"
    with pytest.raises(ValidationError) as same:
        accounts.change_own_password(me, PASSWORD, PASSWORD)
    assert same.value.issues[0].code == "password_unchanged"
    # Wrong current passwords count as failed log-ins: guessing here locks the account as there.
    for _ in range(MAX_FAILURES):
        with pytest.raises(AuthError) as wrong:
            accounts.change_own_password(me, "tebak-tebakan", "sandi-baru-456")
        assert wrong.value.code in ("password_current_wrong", "account_locked")
    with pytest.raises(AuthError) as locked:
        accounts.change_own_password(me, PASSWORD, "sandi-baru-456")
    assert locked.value.code == "account_locked"
    later = datetime.now() + timedelta(minutes=LOCK_MINUTES + 1)
    accounts.change_own_password(me, PASSWORD, "sandi-baru-456", now=later)
    with pytest.raises(AuthError):
        accounts.login("admin", PASSWORD, now=later)
    assert accounts.login("admin", "sandi-baru-456", now=later).username == "admin"
