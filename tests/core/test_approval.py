"""Maker-checker: new and changed enrolments wait for a verifikator before they go into a sync
package or onto a card; the verifikator sees what changed and can send it back with a reason."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from kudus_desktop.core.enrolment.approval import ApprovalKind, ApprovalService, ApprovalState
from kudus_desktop.core.enrolment.participants import ParticipantQuery, ParticipantService
from kudus_desktop.core.errors import KudusError, ValidationError
from kudus_desktop.core.office.accounts import AccountService
from kudus_desktop.core.rules.codes import Role
from kudus_desktop.core.rules.records import UserView
from kudus_desktop.core.rules.sync_state import SyncState
from kudus_desktop.core.storage import settings
from kudus_desktop.core.storage.signing import identity
from kudus_desktop.core.storage.syncfile import SyncError
from kudus_desktop.core.storage.tables import history_table, participant_table, premium_paid_table
from kudus_desktop.core.sync import RegencySync, VillageSync
from kudus_desktop.core.village.cards import CardScope, CardService
from kudus_desktop.core.village.importing import ImportOptions, ImportService
from kudus_desktop.core.village.premiums import PaymentRequest, PremiumService, parse_month
from tests.conftest import TODAY, Office
from tests.factories import DESA, PASSWORD, make_draft, make_nik, village_list

pytestmark = pytest.mark.usefixtures("as_admin")


class Desk:
    """A village with approval on, an operator, a verifikator and the regency it sends to."""

    def __init__(self, a: Office, kab: Office, tmp: Path) -> None:
        self.a, self.kab, self.tmp = a, kab, tmp
        accounts = AccountService(a.db)
        accounts.create_account(a.user, "opr", "Operator Desa", Role.OPERATOR, PASSWORD)
        accounts.create_account(a.user, "sekdes", "Sekretaris Desa", Role.VERIFIKATOR, PASSWORD)
        ApprovalService(a.db, a.user).set_required(True)
        self.operator = accounts.login("opr", PASSWORD)
        self.checker = accounts.login("sekdes", PASSWORD)
        self.desk = ParticipantService(a.db, self.operator, today=lambda: TODAY)
        self.review = ApprovalService(a.db, self.checker)
        setup, _ = RegencySync(kab.db, kab.user).make_setup_file(DESA, tmp)
        self.village = VillageSync(a.db, self.operator)
        self.village.join(setup)
        self.regency = RegencySync(kab.db, kab.user)
        self.fingerprint = identity(a.db).fingerprint

    def as_(self, user: UserView) -> ParticipantService:
        return ParticipantService(self.a.db, user, today=lambda: TODAY)

    def send(self) -> tuple[int, int]:
        """Make a package and import it at the regency; (participants in it, history rows taken)."""
        result = self.village.export_package()
        data = result.outbox_path.read_bytes()
        self.regency.import_package(data, result.file_name, confirm_fingerprint=self.fingerprint)
        return result.participants, result.history

    def at_regency(self, nik: str) -> tuple[str, list[str]] | None:
        """(name, history actions) of a NIK at the regency, or None when it never arrived."""
        p, h = participant_table.c, history_table.c
        with self.kab.db.begin() as conn:
            row = conn.execute(select(p.id, p.full_name).where(p.nik == nik)).first()
            if row is None:
                return None
            actions = list(conn.execute(select(h.action).where(h.participant_id == row.id).order_by(h.id)).scalars())
        return row.full_name, actions


@pytest.fixture
def desk(offices: dict[str, Office], tmp_path: Path) -> Desk:
    return Desk(offices["a"], offices["kab"], tmp_path)


def test_a_new_enrolment_waits_until_a_verifikator_approves_it(desk: Desk) -> None:
    pid, _ = desk.desk.create(make_draft(1))
    item = desk.review.item(pid)
    assert item is not None and item.kind == ApprovalKind.NEW and item.state == ApprovalState.WAITING
    assert item.makers == ("opr",)
    assert desk.desk.list_rows([pid])[pid].sync_state == SyncState.AWAITING
    # What the verifikator sees: every filled field of the new person.
    changed = {c.field: (c.before, c.after) for c in desk.review.changes(pid)}
    assert changed["nik"] == ("", make_nik(1)) and changed["full_name"] == ("", make_draft(1).full_name)

    # Not in a package, not on a card, said plainly.
    assert desk.village.status().awaiting_approval == 1 and desk.village.status().unsent == 0
    with pytest.raises(SyncError) as err:
        desk.village.export_package()
    assert err.value.code == "sync_only_unapproved" and "1 peserta menunggu persetujuan" in str(err.value)
    cards = CardService(desk.a.db, desk.desk, AccountService(desk.a.db).profile())
    assert cards.ids_for(CardScope.ALL) == [] and cards.scope_counts(CardScope.UNPRINTED) == (0, 0)
    with pytest.raises(KudusError) as card_err:
        cards.ids_for_niks([make_nik(1)])
    assert card_err.value.code == "card_not_approved"
    assert cards.prepare([pid]).cards == ()

    # The operator cannot approve; the verifikator can.
    with pytest.raises(KudusError) as role_err:
        ApprovalService(desk.a.db, desk.operator).approve([pid])
    assert role_err.value.code == "approval_not_allowed"
    assert desk.review.item(pid) is not None
    result = desk.review.approve([pid])
    assert (result.approved, result.own) == (1, ())
    assert desk.review.item(pid) is None and desk.review.counts().waiting == 0
    assert desk.desk.history(pid)[-1].action == "approve" and desk.desk.history(pid)[-1].username == "sekdes"

    assert desk.send()[0] == 1
    assert desk.at_regency(make_nik(1)) == (make_draft(1).full_name, ["create", "approve"])
    assert [c.participant_id for c in cards.prepare(cards.ids_for(CardScope.ALL)).cards] == [pid]


def test_a_change_shows_what_changed_and_the_regency_keeps_the_approved_data_meanwhile(desk: Desk) -> None:
    pid, _ = desk.desk.create(make_draft(1, full_name="Siti Aminah"))
    desk.review.approve([pid])
    desk.send()

    desk.desk.update(pid, make_draft(1, full_name="Siti Aminah Binti Kasmo", rt="7"))
    item = desk.review.item(pid)
    assert item is not None and item.kind == ApprovalKind.CHANGE
    assert [(c.field, c.before, c.after) for c in desk.review.changes(pid)] == [
        ("full_name", "Siti Aminah", "Siti Aminah Binti Kasmo"),
        ("rt", "001", "007"),
    ]
    # Held back: the regency still has the approved name, also when another person's package goes.
    with pytest.raises(SyncError):
        desk.village.export_package()
    other, _ = desk.desk.create(make_draft(2))
    desk.review.approve([other])
    assert desk.send()[0] == 1
    assert desk.at_regency(make_nik(1)) == ("Siti Aminah", ["create", "approve"])

    desk.review.approve([pid])
    sent, _ = desk.send()
    assert sent == 1
    # The correction made before this package's start arrives with the approval.
    assert desk.at_regency(make_nik(1)) == ("Siti Aminah Binti Kasmo", ["create", "approve", "update", "approve"])


def test_sent_back_with_a_reason_then_corrected_and_approved(desk: Desk) -> None:
    pid, _ = desk.desk.create(make_draft(1, birth_place="Kudus"))
    with pytest.raises(ValidationError):
        desk.review.decline([pid], "   ")
    assert desk.review.item(pid).state == ApprovalState.WAITING  # type: ignore[union-attr]

    assert desk.review.decline([pid], "Tempat lahir tidak sesuai KTP") == 1
    item = desk.review.item(pid)
    assert item is not None and item.state == ApprovalState.DECLINED
    assert (item.reason, item.reviewed_by) == ("Tempat lahir tidak sesuai KTP", "sekdes")
    # The operator sees why, in the list and in the history.
    row = desk.desk.list_rows([pid])[pid]
    assert (row.sync_state, row.sync_reason) == (SyncState.DECLINED, "Tempat lahir tidak sesuai KTP")
    assert desk.desk.history(pid)[-1].changes == (("review_reason", "", "Tempat lahir tidak sesuai KTP"),)
    assert desk.review.counts().declined == 1
    with pytest.raises(SyncError):
        desk.village.export_package()

    desk.desk.update(pid, make_draft(1, birth_place="Pati"))
    item = desk.review.item(pid)
    assert item is not None and item.state == ApprovalState.WAITING and item.kind == ApprovalKind.NEW
    assert desk.review.approve([pid]).approved == 1
    desk.send()
    assert desk.at_regency(make_nik(1)) == (make_draft(1).full_name, ["create", "decline", "update", "approve"])


def test_nobody_approves_their_own_change_and_a_verifikator_does_not_enrol(desk: Desk) -> None:
    admin_desk = desk.as_(desk.a.user)
    own, _ = admin_desk.create(make_draft(1))
    theirs, _ = desk.desk.create(make_draft(2))
    admin_review = ApprovalService(desk.a.db, desk.a.user)
    result = admin_review.approve([own, theirs])
    assert result.approved == 1 and result.own == (make_draft(1).full_name,)
    assert desk.review.item(own) is not None and desk.review.item(theirs) is None
    with pytest.raises(KudusError) as err:
        admin_review.decline([own], "alasan")
    assert err.value.code == "approval_own_change"
    # Someone who touched it since the last approval counts as a maker too.
    desk.desk.update(own, make_draft(1, phone="081234567890"))
    assert desk.review.item(own).makers == ("admin", "opr")  # type: ignore[union-attr]
    assert admin_review.approve([own]).approved == 0

    with pytest.raises(KudusError) as enrol_err:
        desk.as_(desk.checker).create(make_draft(3))
    assert enrol_err.value.code == "enrol_not_allowed"
    with pytest.raises(KudusError):
        desk.as_(desk.checker).end(theirs, "meninggal", "01/11/2026")
    assert desk.desk.count() == 2


def test_an_ended_participation_waits_too_and_an_import_queues_every_new_row(desk: Desk, tmp_path: Path) -> None:
    rows = [[make_nik(i), f"Orang {'ABCDEFGHIJ'[i]}", "12/05/1980", "L", 1, 1, ""] for i in range(1, 6)]
    path = village_list(tmp_path / "dtks.xlsx", rows)
    importer = ImportService(desk.desk)
    options = ImportOptions(source_list="DTKS", source_date="01/10/2026", start_date="01/11/2026")
    importer.commit(importer.preview(path, options=options))
    queue = desk.review.queue()
    assert len(queue) == 5 and {i.kind for i in queue} == {ApprovalKind.NEW}
    ids = desk.desk.query_ids(ParticipantQuery())
    assert desk.review.approve(ids).approved == 5
    assert desk.send()[0] == 5

    desk.desk.end(ids[0], "meninggal", "20/11/2026")
    assert [(c.field, c.before, c.after) for c in desk.review.changes(ids[0])] == [
        ("status", "aktif", "berhenti"),
        ("exit_reason", "", "meninggal"),
        ("exit_date", "", "2026-11-20"),
    ]
    desk.review.approve([ids[0]])
    assert desk.send()[0] == 1


def test_someone_still_waiting_is_not_billed_and_is_paid_for_once_approved(desk: Desk) -> None:
    pid, _ = desk.desk.create(make_draft(1, start_date="01/11/2026"))
    premiums = PremiumService(desk.a.db, desk.operator, today=lambda: TODAY)
    bill = premiums.bill(parse_month("2026-11"))
    assert bill.total == 0 and [(x.participant_id, x.standing) for x in bill.apart] == [(pid, "menunggu_verifikasi")]
    with pytest.raises(KudusError) as err:
        premiums.pay(PaymentRequest(date(2026, 11, 10), parse_month("2026-11"), 1, 16_800, "VA-1", "", (pid,)))
    assert err.value.code == "premium_not_enrolled"
    desk.review.approve([pid])
    premiums.pay(PaymentRequest(date(2026, 11, 10), parse_month("2026-11"), 1, 16_800, "VA-1"))
    desk.send()
    with desk.kab.db.begin() as conn:
        months = conn.execute(select(premium_paid_table.c.month)).scalars().all()
    assert months == [parse_month("2026-11")]


def test_only_the_admin_switches_approval_off_and_that_releases_the_queue(desk: Desk) -> None:
    desk.desk.create(make_draft(1))
    with pytest.raises(KudusError) as err:
        ApprovalService(desk.a.db, desk.operator).set_required(False)
    assert err.value.code == "not_allowed"
    ApprovalService(desk.a.db, desk.a.user).set_required(False)
    with desk.a.db.begin() as conn:
        assert settings.read_all(conn)[settings.APPROVAL_REQUIRED.key] == "0"
    assert desk.review.counts().waiting == 0
    assert desk.send()[0] == 1
    # With approval off, changes go straight out.
    desk.desk.create(make_draft(2))
    assert desk.review.counts().waiting == 0 and desk.send()[0] == 1


def test_the_command_line_lists_changes_and_decides_only_with_a_password(desk: Desk, tmp_path: Path) -> None:
    import json

    from tests.commands import cli

    def run(*args: str) -> dict:  # type: ignore[type-arg]
        result = cli(*args, "--data-dir", str(desk.a.path), "--json")
        return {**json.loads(result.stdout or result.stderr), "returncode": result.returncode}

    first, _ = desk.desk.create(make_draft(1))
    desk.review.approve([first])
    desk.desk.update(first, make_draft(1, full_name="Nama Baru"))
    desk.desk.create(make_draft(2))
    desk.a.db.close()
    secret = tmp_path / "sandi.txt"
    secret.write_text(PASSWORD, encoding="utf-8")
    wrong = tmp_path / "salah.txt"
    wrong.write_text("bukan-sandinya", encoding="utf-8")

    listed = run("approval", "list", "--changes")
    assert listed["required"] and [i["kind"] for i in listed["items"]] == ["perubahan", "baru"]
    assert listed["items"][0]["changes"] == [["full_name", make_draft(1).full_name, "Nama Baru"]]
    assert "Nama lengkap:" in listed["message"]

    refused = run("approval", "approve", "--all", "--user", "sekdes", "--password-file", str(wrong))
    assert refused["returncode"] == 2 and refused["error"] == "login_failed"
    as_operator = run("approval", "approve", "--all", "--user", "opr", "--password-file", str(secret))
    assert as_operator["returncode"] == 2 and as_operator["error"] == "cli_role"
    declined = run("approval", "decline", "--nik", make_nik(2), "--reason", "KK belum ada",
                   "--user", "sekdes", "--password-file", str(secret))  # fmt: skip
    assert declined["declined"] == 1
    approved = run("approval", "approve", "--all", "--user", "sekdes", "--password-file", str(secret))
    assert approved["approved"] == 1
    left = run("approval", "list")
    assert [(i["state"], i["reason"]) for i in left["items"]] == [("ditolak", "KK belum ada")]


def test_the_bpjs_registration_list_leaves_out_what_waits(desk: Desk, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from kudus_desktop.core.reports.exporting import export_bpjs_list

    approved, _ = desk.desk.create(make_draft(1))
    desk.review.approve([approved])
    desk.desk.create(make_draft(2))
    out = tmp_path / "bpjs.xlsx"
    assert export_bpjs_list(desk.desk, out) == 1
    sheet = load_workbook(out).active
    assert sheet is not None
    cells = {str(c.value) for row in sheet.iter_rows() for c in row}
    assert make_nik(1) in cells and make_nik(2) not in cells


def test_a_purge_removes_the_approval_queue_entry_with_the_person(desk: Desk) -> None:
    from kudus_desktop.core.storage.tables import participant_review_table
    from kudus_desktop.core.village.retention import RetentionService

    pid, _ = desk.desk.create(make_draft(1, start_date="01/01/2015"))
    desk.review.approve([pid])
    desk.desk.end(pid, "meninggal", "01/06/2016")  # waits, with the approved data in the queue
    assert desk.review.item(pid) is not None
    retention = RetentionService(desk.a.db, desk.a.user, today=lambda: TODAY)
    retention.set_years(5)
    assert retention.purge(expected=1).count == 1
    with desk.a.db.begin() as conn:
        assert conn.execute(select(participant_review_table)).all() == []
    assert make_nik(1).encode() not in desk.a.db_file.read_bytes()
