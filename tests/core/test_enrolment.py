"""One rule of who is enrolled, followed by the bill, the budget, printed lists and cards."""

from __future__ import annotations

import base64
from datetime import date

import pytest

from kudus_desktop.core.enrolment.approval import ApprovalService
from kudus_desktop.core.enrolment.participants import ParticipantQuery, ParticipantService
from kudus_desktop.core.enrolment.standing import Standing, standings
from kudus_desktop.core.office.accounts import AccountService
from kudus_desktop.core.reports.printouts import participant_list
from kudus_desktop.core.rules.codes import Role
from kudus_desktop.core.rules.records import UserView
from kudus_desktop.core.storage import settings
from kudus_desktop.core.storage.db import Database
from kudus_desktop.core.storage.signing import load_public_key, office_key, public_key_pem, verify_payload
from kudus_desktop.core.village.cards import CardAction, CardScope, CardService
from kudus_desktop.core.village.premiums import PremiumService, parse_month
from tests.conftest import TODAY
from tests.factories import PASSWORD, make_draft

NOV = parse_month("2026-11")


class Office:
    """A village with approval on: an operator enrols, a verifikator decides."""

    def __init__(self, db: Database, admin: UserView) -> None:
        accounts = AccountService(db)
        accounts.create_account(admin, "opr", "Operator Desa", Role.OPERATOR, PASSWORD)
        accounts.create_account(admin, "sekdes", "Sekretaris Desa", Role.VERIFIKATOR, PASSWORD)
        ApprovalService(db, admin).set_required(True)
        self.db = db
        self.maker = ParticipantService(db, accounts.login("opr", PASSWORD), today=lambda: TODAY)
        self.review = ApprovalService(db, accounts.login("sekdes", PASSWORD))
        self.premiums = PremiumService(db, admin, today=lambda: TODAY)
        self.cards = CardService(db, self.maker, accounts.profile())

    def enrol(self, n: int) -> int:
        return self.maker.create(make_draft(n, start_date="01/11/2026"))[0]

    def reject(self, pid: int, reason: str) -> None:
        """What a receipt stores for a rejection by the regency or BPJS."""
        with self.db.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO participant_sync (participant_id, outcome, reason) VALUES (?, 'rejected', ?)",
                (pid, reason),
            )


@pytest.fixture
def office(db: Database, admin: UserView) -> Office:
    with db.begin() as conn:
        settings.write(conn, {settings.PREMIUM_SINCE: "2026-01"})
    return Office(db, admin)


def test_only_the_enrolled_are_billed_and_everyone_else_is_shown_apart_with_why(office: Office) -> None:
    ok, waiting, sent_back, rejected = (office.enrol(n) for n in (1, 2, 3, 4))
    office.review.approve([ok, rejected])
    office.review.decline([sent_back], "KK tidak terbaca")
    office.reject(rejected, "BPJS: NIK tidak sesuai data Dukcapil")
    bill = office.premiums.bill(NOV)
    assert [x.participant_id for x in bill.lines] == [ok] and bill.total == 16_800
    assert {(x.participant_id, x.standing, x.reason) for x in bill.apart} == {
        (waiting, Standing.WAITING, ""),
        (sent_back, Standing.SENT_BACK, "KK tidak terbaca"),
        (rejected, Standing.REJECTED, "BPJS: NIK tidak sesuai data Dukcapil"),
    }
    # The coverage table and the year's recap count the same people.
    assert office.premiums.coverage(NOV, 1).ids == (ok,)
    assert office.premiums.recap(2026).months[10].people == 1
    # A pending change to approved data leaves the person enrolled (they were approved).
    office.maker.update(ok, make_draft(1, start_date="01/11/2026", phone="081234567890"))
    assert [x.participant_id for x in office.premiums.bill(NOV).lines] == [ok]


def test_the_budget_counts_the_enrolled_and_warns_below_the_minimum(office: Office, admin: UserView) -> None:
    ids = [office.enrol(n) for n in range(1, 5)]
    office.review.approve(ids[:3])
    plan = office.premiums.plan(2027)
    assert (plan.active, plan.not_enrolled, plan.minimum, plan.below_minimum) == (3, 1, 10, True)
    assert office.premiums.plan(2027, planned_additions=7).below_minimum is False
    AccountService(office.db).update_profile(
        head_name="Kepala", head_title="Kepala Desa", office_phone="", max_age="65", min_participants="3"
    )
    assert office.premiums.plan(2027).below_minimum is False


def test_a_signed_list_names_only_the_enrolled_and_says_who_was_left_out(office: Office) -> None:
    ok, waiting = office.enrol(1), office.enrol(2)
    office.review.approve([ok])
    table = participant_list(office.maker, AccountService(office.db).profile(), ParticipantQuery())
    assert [row[1] for row in table.rows] == [office.maker.get(ok).full_name]
    assert "1 orang yang belum disetujui atau ditolak tidak dicantumkan" in table.subtitle[1]
    assert office.maker.get(waiting).full_name not in str(table.rows)


def test_cards_whose_status_changed_are_listed_to_print_again_or_take_back(office: Office) -> None:
    a, b, c = (office.enrol(n) for n in (1, 2, 3))
    office.review.approve([a, b, c])
    office.cards.record_print(office.cards.prepare([a, b, c], issue_date=TODAY))
    assert office.cards.stale_cards() == []
    with office.db.begin() as conn:
        conn.exec_driver_sql("UPDATE participant SET kpj = '26010000001' WHERE id = ?", (a,))
    office.reject(b, "Kabupaten: NIK sudah terdaftar di desa lain")
    admin_service = ParticipantService(office.db, office.premiums.user, today=lambda: TODAY)
    admin_service.end(c, "meninggal", "2026-11-20")
    office.review.approve([c])
    stale = {s.participant_id: (s.action, s.now, s.reason) for s in office.cards.stale_cards()}
    assert stale == {
        a: (CardAction.REPRINT, Standing.REGISTERED, ""),
        b: (CardAction.RECALL, Standing.REJECTED, "Kabupaten: NIK sudah terdaftar di desa lain"),
        c: (CardAction.RECALL, Standing.ENDED, ""),
    }
    assert office.cards.ids_for(CardScope.CHANGED) == [a]
    office.cards.record_print(office.cards.prepare([a], issue_date=TODAY), "status kepesertaan berubah")
    assert a not in {s.participant_id for s in office.cards.stale_cards()}


def test_a_card_printed_before_statuses_were_kept_counts_as_claiming_protection(office: Office) -> None:
    pid = office.enrol(1)
    office.review.approve([pid])
    with office.db.begin() as conn:  # what a v10 database holds after the upgrade
        conn.exec_driver_sql(
            "INSERT INTO card_print (participant_id, batch, at, username, issue_date) "
            "VALUES (?, 'lama', '2026-11-02 09:00:00', 'admin', '2026-11-02')",
            (pid,),
        )
    [stale] = office.cards.stale_cards()
    assert (stale.participant_id, stale.printed, stale.now, stale.action) == (
        pid, "", Standing.AWAITING_BPJS, CardAction.REPRINT,
    )  # fmt: skip


def test_an_old_kd1_card_still_verifies_and_a_new_one_carries_its_status(db: Database) -> None:
    key = office_key(db)
    body = "KD1:3319032008-00007:12345678901:33.19.03.2008:20261124"
    old = f"{body}:" + base64.b32encode(key.sign(body.encode())).decode().rstrip("=")
    payload = verify_payload(old, load_public_key(public_key_pem(db).encode()))
    assert (payload.reg_no, payload.issue_date, payload.status) == ("3319032008-00007", date(2026, 11, 24), "")


def test_standing_names_every_stage(office: Office) -> None:
    pid = office.enrol(1)
    with office.db.read() as conn:
        assert standings(conn, [pid])[pid].standing == Standing.WAITING
    office.review.approve([pid])
    with office.db.read() as conn:
        assert standings(conn, [pid])[pid].standing == Standing.AWAITING_BPJS
    with office.db.begin() as conn:
        conn.exec_driver_sql("UPDATE participant SET kpj = '26010000001' WHERE id = ?", (pid,))
    with office.db.read() as conn:
        info = standings(conn, [pid])[pid]
    assert info.standing == Standing.REGISTERED and info.is_enrolled


def test_a_refused_registration_number_is_no_rejection_of_the_person(office: Office) -> None:
    from sqlalchemy import select

    from kudus_desktop.core.storage.tables import participant_table
    from kudus_desktop.core.sync import VillageSync

    pid = office.enrol(1)
    office.review.approve([pid])
    office.reject(pid, "Nomor registrasi 3319032008-00001 sudah dipakai peserta lain desa ini")
    with office.db.begin() as conn:
        row = conn.execute(
            select(participant_table.c.id, participant_table.c.reg_no).where(participant_table.c.id == pid)
        ).one()
        VillageSync(office.db, office.maker.user)._renumber(conn, [row], "2026-11-24 10:00:00")
    with office.db.read() as conn:
        assert standings(conn, [pid])[pid].standing == Standing.AWAITING_BPJS
    assert [x.participant_id for x in office.premiums.bill(NOV).lines] == [pid]
