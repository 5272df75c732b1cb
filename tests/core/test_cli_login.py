"""The command line acts as a person: every command that changes data or shows full NIKs
logs someone in (same roles, lockout and audit as the window), and records them as the maker.
Read-only commands on masked data stay free. Each command runs as a real process."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from kudus_desktop.core.enrolment.approval import ApprovalService
from kudus_desktop.core.enrolment.participants import ParticipantService
from kudus_desktop.core.office.accounts import MAX_FAILURES, AccountService
from kudus_desktop.core.paths import DB_FILE_NAME
from kudus_desktop.core.rules.codes import Role
from kudus_desktop.core.rules.nik import mask_nik
from kudus_desktop.core.storage.db import open_database
from tests.commands import cli
from tests.conftest import copy_office
from tests.factories import PASSWORD, make_draft, make_nik, sqlite_file, village_list

NEWCOMER: list[list[object]] = [[make_nik(3), "Warsini", "12/05/1980", "L", 1, 1, "Buruh tani"]]


@pytest.fixture
def office(template_dir: Path, tmp_path: Path) -> Path:
    """A village with an operator, a verifikator and two people enrolled."""
    data = copy_office(template_dir, tmp_path / "data")
    db = open_database(data)
    accounts = AccountService(db)
    admin = accounts.login("admin", PASSWORD)
    accounts.create_account(admin, "opr", "Operator Desa", Role.OPERATOR, PASSWORD)
    accounts.create_account(admin, "sekdes", "Sekretaris Desa", Role.VERIFIKATOR, PASSWORD)
    service = ParticipantService(db, admin)
    service.create(make_draft(1))
    service.create(make_draft(2))
    db.close()
    (tmp_path / "sandi.txt").write_text(PASSWORD + "\n", encoding="utf-8")
    return data


def run(data: Path, *args: str, user: str | None = None, env: dict[str, str] | None = None) -> dict[str, Any]:
    login = ["--user", user, "--password-file", str(data.parent / "sandi.txt")] if user else []
    clean: dict[str, str | None] = {k: None for k in os.environ if k.startswith("KUDUS_")}
    done = cli("--data-dir", str(data), "--json", *args, *login, env={**clean, **(env or {})})
    return {**json.loads(done.stdout or done.stderr), "returncode": done.returncode}


def audit(data: Path) -> list[tuple[str, str, str]]:
    with sqlite_file(data / DB_FILE_NAME) as conn:
        return conn.execute("SELECT username, action, detail FROM audit_event ORDER BY id").fetchall()


def people(data: Path) -> int:
    with sqlite_file(data / DB_FILE_NAME) as conn:
        return int(conn.execute("SELECT count(*) FROM participant").fetchone()[0])


def test_changes_and_full_niks_need_a_person_reads_stay_free(office: Path, tmp_path: Path) -> None:
    source = village_list(tmp_path / "daftar.xlsx", NEWCOMER)
    before_people, before_audit = people(office), audit(office)
    refused = [
        ("import", str(source), "--commit"),
        ("iuran", "pay", "--month", "2026-11", "--amount", "33600"),
        ("iuran", "rates", "--id", "2", "--state", "on"),
        ("purge", "--set-years", "1"),
        ("peserta", "list", "--show-nik"),
        ("export", "roster", "--out", str(tmp_path / "daftar-peserta.xlsx")),
        ("backup",),
        ("sync", "export", "--to", str(tmp_path)),
    ]
    for args in refused:
        done = run(office, *args)
        assert done["returncode"] == 2 and done["error"] == "cli_login_needed", args
        assert "--user" in done["message"] and "Tidak ada yang diubah" in done["message"]
    assert people(office) == before_people and audit(office) == before_audit
    assert not (tmp_path / "daftar-peserta.xlsx").exists()

    # Reading what is masked needs nobody, and leaves the NIKs masked everywhere, JSON too.
    info = run(office, "info")
    assert info["returncode"] == 0 and info["active"] == 2
    listed = run(office, "peserta", "list")
    assert sorted(p["nik"] for p in listed["participants"]) == sorted(mask_nik(make_nik(i)) for i in (1, 2))
    bill = run(office, "iuran", "bill", "--month", "2026-11")
    assert bill["lines"] and all("*" * 8 in line["nik"] for line in bill["lines"])
    preview = run(office, "import", str(source))
    assert preview["returncode"] == 0 and preview["committed"] is False
    assert people(office) == before_people


def test_roles_are_those_of_the_window(office: Path, tmp_path: Path) -> None:
    source = village_list(tmp_path / "daftar.xlsx", NEWCOMER)
    checker = run(office, "import", str(source), "--commit", user="sekdes")
    assert checker["returncode"] == 2 and checker["error"] == "cli_role"
    assert "sekdes (Verifikator)" in checker["message"] and "admin atau operator" in checker["message"]
    for args in (("iuran", "rates", "--id", "2", "--state", "on"), ("purge", "--set-years", "1"), ("backup",)):
        done = run(office, *args, user="opr")
        assert done["returncode"] == 2 and done["error"] == "cli_role", args
    restored = run(office, "restore", str(tmp_path / "tidak-ada.sqlite"), user="opr")
    assert restored["error"] == "cli_role"

    made = run(office, "import", str(source), "--commit", user="opr")
    assert made["returncode"] == 0 and made["committed"] and people(office) == 3
    switched = run(office, "iuran", "rates", "--id", "2", "--state", "on", user="admin")
    assert switched["returncode"] == 0
    # The person is recorded, never "cli": the import's history and the rate switch.
    with sqlite_file(office / DB_FILE_NAME) as conn:
        history = (
            "SELECT h.username FROM participant_history h JOIN participant p ON p.id = h.participant_id WHERE p.nik = ?"
        )
        makers = {r[0] for r in conn.execute(history, (make_nik(3),))}
        rates = {r[0] for r in conn.execute("SELECT changed_by FROM premium_rate WHERE id = 2")}
    assert makers == {"opr"} and rates == {"admin"}
    assert not any(user == "cli" for user, _, _ in audit(office))


def test_a_full_nik_reveal_is_audited_with_the_person(office: Path) -> None:
    shown = run(office, "peserta", "list", "--show-nik", user="opr")
    assert sorted(p["nik"] for p in shown["participants"]) == sorted([make_nik(1), make_nik(2)])
    assert ("opr", "nik_revealed", "daftar peserta di baris perintah (2 orang)") in audit(office)


def test_the_maker_cannot_check_their_own_list(office: Path, tmp_path: Path) -> None:
    """An admin who imports a list is its maker: approving it needs someone else."""
    db = open_database(office)
    ApprovalService(db, AccountService(db).login("admin", PASSWORD)).set_required(True)
    db.close()
    source = village_list(tmp_path / "daftar.xlsx", NEWCOMER)
    assert run(office, "import", str(source), "--commit", user="admin")["committed"]
    own = run(office, "approval", "approve", "--all", user="admin")
    assert own["approved"] == 0 and own["own"]
    other = run(office, "approval", "approve", "--all", user="sekdes")
    assert other["approved"] == 1


def test_wrong_passwords_lock_the_account_as_in_the_window(office: Path, tmp_path: Path) -> None:
    wrong = tmp_path / "salah.txt"
    wrong.write_text("bukan-sandinya", encoding="utf-8")
    for _ in range(MAX_FAILURES):
        done = run(office, "backup", env={"KUDUS_USER": "admin", "KUDUS_PASSWORD_FILE": str(wrong)})
        assert done["error"] == "login_failed"
    locked = run(office, "backup", user="admin")
    assert locked["error"] == "account_locked" and "menit" in locked["message"]
    failures = [a for a in audit(office) if a[1] == "login_failed" and a[0] == "admin"]
    assert len(failures) == MAX_FAILURES


def test_a_scheduled_job_logs_in_from_the_environment(office: Path, tmp_path: Path) -> None:
    env = {"KUDUS_USER": "admin", "KUDUS_PASSWORD": PASSWORD}
    done = run(office, "backup", "--to", str(tmp_path / "cadangan"), env=env)
    assert done["returncode"] == 0 and Path(done["backup"]).exists()
    assert ("admin", "backup", done["backup"]) in audit(office)
    missing = run(office, "backup", env={"KUDUS_USER": "admin"})
    assert missing["error"] == "cli_password_missing"


def test_the_parser_knows_the_services_words_without_importing_them() -> None:
    from kudus_desktop.cli.needs import NEEDS
    from kudus_desktop.cli.parser import APPROVAL_STATES, build_parser
    from kudus_desktop.core.enrolment.approval import ApprovalState

    assert tuple(s.value for s in ApprovalState) == APPROVAL_STATES
    # Every command the parser names exists, and every NEEDS entry names a command.
    import importlib

    funcs = set()
    stack = [build_parser()]
    while stack:
        parser = stack.pop()
        if parser.get_default("func"):
            funcs.add(parser.get_default("func"))
        for action in parser._actions:
            choices = getattr(action, "choices", None)
            if isinstance(choices, dict):
                stack.extend(choices.values())
    for spec in funcs:
        module, name = spec.split(":")
        assert callable(getattr(importlib.import_module(f"kudus_desktop.cli.{module}"), name)), spec
    assert set(NEEDS) <= funcs
