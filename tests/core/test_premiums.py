"""Premiums on a real village database: rates by month, bills, payments, coverage, lapse, budget."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from kudus_desktop.core.enrolment.participants import ParticipantService
from kudus_desktop.core.rules.codes import Funding
from kudus_desktop.core.rules.records import UserView
from kudus_desktop.core.storage import settings
from kudus_desktop.core.storage.db import Database
from kudus_desktop.core.storage.tables import premium_paid_table, premium_payment_table
from kudus_desktop.core.village.premiums import (
    CoverState,
    PaymentRequest,
    PremiumError,
    PremiumService,
    RateDraft,
    due_date,
    first_day,
    last_day,
    month_index,
    month_label,
    month_text,
    parse_month,
)
from tests.factories import make_draft

TODAY = date(2026, 11, 24)


def M(text: str) -> int:
    return parse_month(text)


@pytest.fixture
def premiums(db: Database, admin: UserView) -> PremiumService:
    service = PremiumService(db, admin, today=lambda: TODAY)
    with db.begin() as conn:
        settings.write(conn, {settings.PREMIUM_SINCE: "2026-01"})
    return service


def enrol(service: ParticipantService, serial: int, start: str, **kw: str) -> int:
    return service.create(make_draft(serial, start_date=start, **kw))[0]


def discount(premiums: PremiumService) -> int:
    return next(r.id for r in premiums.rates().rows if r.kind == "diskon")


def test_months_parse_and_count_across_the_year_end() -> None:
    assert M("2026-05") == M("05/2026") == M("2026/5") == 2026 * 12 + 4
    assert month_text(M("2026-12") + 1) == "2027-01" and month_label(M("2027-01")) == "Januari 2027"
    assert last_day(M("2026-12")) == date(2026, 12, 31) and first_day(M("2026-12") + 1) == date(2027, 1, 1)
    assert last_day(M("2028-02")) == date(2028, 2, 29)
    for bad in ("2026-13", "Mei", "", "26-05"):
        with pytest.raises(PremiumError) as err:
            parse_month(bad)
        assert err.value.code == "month_invalid"


def test_due_date_is_the_15th_or_the_next_working_day() -> None:
    assert due_date(M("2026-11")) == date(2026, 11, 16)  # the 15th is a Sunday
    assert due_date(M("2026-08")) == date(2026, 8, 17)  # a Saturday
    assert due_date(M("2026-12")) == date(2026, 12, 15)  # a Tuesday


def test_rates_come_from_the_row_valid_that_month_and_the_discount_switches(premiums: PremiumService) -> None:
    rates = premiums.rates()
    assert rates.amount(M("2026-03"), Funding.PADES) == 16_800
    assert rates.premium(M("2026-04"), Funding.PADES).jkk == 10_000
    # The PP 50/2025 discount ships switched off: the rule for APBDes payers is unconfirmed.
    assert rates.amount(M("2026-04"), Funding.PADES) == 16_800
    premiums.set_rate_active(discount(premiums), True)
    rates = premiums.rates()
    assert [rates.amount(M(m), Funding.PADES) for m in ("2026-03", "2026-04", "2026-12", "2027-01")] == [
        16_800, 8_400, 8_400, 16_800,
    ]  # fmt: skip
    assert rates.amount(M("2026-06"), Funding.BAGI_HASIL) == 16_800  # the row names APBDes funding only
    premiums.set_rate_active(discount(premiums), False)
    assert premiums.rates().amount(M("2026-06"), Funding.PADES) == 16_800


def test_a_new_dated_rate_applies_from_its_month_only(premiums: PremiumService, admin: UserView) -> None:
    premiums.add_rate(RateDraft("tarif", "2027-01", None, None, income=1_200_000, jkk_rate_bp=100, jkm=7_000))
    rates = premiums.rates()
    assert rates.amount(M("2026-12"), Funding.PADES) == 16_800
    assert rates.amount(M("2027-01"), Funding.PADES) == 12_000 + 7_000
    with pytest.raises(PremiumError) as err:
        premiums.add_rate(RateDraft("tarif", "2027-05", "2027-01", None, income=1_000_000, jkk_rate_bp=100, jkm=1))
    assert err.value.code == "rate_dates"
    with pytest.raises(PremiumError) as err:
        premiums.add_rate(RateDraft("tarif", "2027-05", None, None, income=900_000, jkk_rate_bp=100, jkm=1))
    assert err.value.code == "rate_values" and "Rp1.000.000" in str(err.value)
    operator = UserView(admin.id, admin.username, admin.full_name, "operator")
    with pytest.raises(PremiumError) as err:
        PremiumService(premiums.db, operator, today=lambda: TODAY).set_rate_active(1, False)
    assert err.value.code == "not_allowed"


def test_whoever_is_a_participant_on_any_day_of_a_month_is_billed_that_whole_month(
    premiums: PremiumService, service: ParticipantService
) -> None:
    late = enrol(service, 1, "2026-01-31")
    leaving = enrol(service, 2, "2026-01-01")
    service.end(leaving, "pindah", "2026-03-15")
    regency = enrol(service, 3, "2026-01-01", funding=Funding.APBD)
    jan, mar, apr = (premiums.bill(M(m)) for m in ("2026-01", "2026-03", "2026-04"))
    assert [line.participant_id for line in jan.lines] == [late, leaving]
    assert jan.total == 2 * 16_800 and jan.apbd_excluded == 1 and jan.due == date(2026, 1, 15)
    assert {line.participant_id for line in mar.lines} == {late, leaving}
    assert [line.participant_id for line in apr.lines] == [late]
    assert regency not in {line.participant_id for line in apr.lines}


def test_payment_for_the_bill_then_twelve_months_ahead_adds_up_to_the_rupiah(
    premiums: PremiumService, service: ParticipantService
) -> None:
    premiums.set_rate_active(discount(premiums), True)
    ids = [enrol(service, n, "2026-10-01") for n in range(1, 4)]
    october = premiums.bill(M("2026-10"))
    assert october.total == 3 * 8_400 and october.outstanding == 3 * 8_400
    premiums.pay(PaymentRequest(date(2026, 10, 14), M("2026-10"), 1, 25_200, "BPJS-VA-001"))
    assert premiums.bill(M("2026-10")).outstanding == 0

    # Twelve months from November: Nov-Dec at the discount, Jan-Oct 2027 at the full rate.
    quote = premiums.quote(PaymentRequest(TODAY, M("2026-11"), 12, 0))
    assert quote.total == 3 * (2 * 8_400 + 10 * 16_800) == 554_400 and quote.people == 3
    with pytest.raises(PremiumError) as err:
        premiums.pay(PaymentRequest(TODAY, M("2026-11"), 12, 554_000, "x"))
    assert err.value.code == "payment_amount_mismatch" and "Rp554.400" in str(err.value)
    paid = premiums.pay(PaymentRequest(TODAY, M("2026-11"), 12, 554_400, "BPJS-VA-002"))
    assert paid.people == 3 and paid.period == "November 2026 – Oktober 2027"
    cover = premiums.coverage(M("2026-10"), 13)
    assert all(s == CoverState.PAID for row in range(3) for s in cover.strip(row))
    with premiums.db.begin() as conn:
        assert conn.execute(select(func.sum(premium_paid_table.c.amount))).scalar_one() == 25_200 + 554_400
    recap = premiums.recap(2026)
    assert recap.received == 25_200 + 554_400 and recap.paid == 3 * (8_400 * 3)
    assert sum(m.billed for m in recap.months) == recap.billed == 3 * 3 * 8_400
    assert ids


def test_a_payment_never_covers_someone_not_on_the_bill(premiums: PremiumService, service: ParticipantService) -> None:
    here = enrol(service, 1, "2026-11-01")
    gone = enrol(service, 2, "2026-01-01")
    service.end(gone, "meninggal", "2026-10-02")
    regency = enrol(service, 3, "2026-11-01", funding=Funding.APBD)
    for wrong in (gone, regency):
        with pytest.raises(PremiumError) as err:
            premiums.pay(PaymentRequest(TODAY, M("2026-11"), 1, 16_800, participant_ids=(here, wrong)))
        assert err.value.code == "premium_not_on_bill"
    with premiums.db.begin() as conn:
        assert conn.execute(select(func.count()).select_from(premium_payment_table)).scalar_one() == 0
    # Paying for one chosen person is a partial payment of the bill, not of everyone.
    premiums.pay(PaymentRequest(TODAY, M("2026-11"), 1, 16_800, participant_ids=(here,)))
    bill = premiums.bill(M("2026-11"))
    assert [(x.participant_id, x.paid) for x in bill.lines] == [(here, 16_800)]
    with pytest.raises(PremiumError) as err:
        premiums.pay(PaymentRequest(TODAY, M("2026-11"), 1, 16_800))
    assert err.value.code == "payment_nothing_due"


def test_arrears_after_the_due_date_and_lapse_after_more_than_three_months(
    premiums: PremiumService, service: ParticipantService
) -> None:
    # On 24 November, November's due date (the 16th) has passed too.
    three = enrol(service, 1, "2026-09-01")  # Sep, Oct, Nov unpaid: three months in arrears
    four = enrol(service, 2, "2026-08-01")  # Aug-Nov unpaid: the 4th unpaid month ends the membership
    cover = premiums.coverage(M("2026-07"), 6)
    rows = cover.index()
    n, a, d, la = CoverState.NONE, CoverState.ARREARS, CoverState.DUE, CoverState.LAPSED
    assert cover.strip(rows[three]) == [n, n, a, a, a, d]
    assert cover.strip(rows[four]) == [n, a, a, a, la, la]
    assert cover.lapsed_people() == 1 and cover.in_arrears_people() == 1
    bill = premiums.bill(M("2026-11"))
    assert {x.participant_id: x.state for x in bill.lines} == {three: a, four: la}
    # Arrears of up to three months may still be paid; a lapsed month may not.
    premiums.pay(PaymentRequest(TODAY, M("2026-09"), 3, 3 * 16_800, participant_ids=(three,)))
    assert premiums.coverage(M("2026-09"), 3, [three]).arrears == (0,)
    with pytest.raises(PremiumError) as err:
        premiums.pay(PaymentRequest(TODAY, M("2026-11"), 1, 16_800, participant_ids=(four,)))
    assert err.value.code == "premium_lapsed" and "daftarkan ulang" in str(err.value).lower()
    # The strip for the participant view: the last twelve months up to this one.
    strip = premiums.strip(four)
    assert strip[-1] == (M("2026-11"), CoverState.LAPSED) and strip[0][1] == CoverState.NONE
    assert [s for _, s in premiums.strip(three)][-3:] == [CoverState.PAID] * 3


def test_months_before_premiums_were_kept_here_are_not_arrears(
    premiums: PremiumService, service: ParticipantService
) -> None:
    old = enrol(service, 1, "2025-01-01")
    cover = premiums.coverage(M("2025-11"), 3, [old])
    assert cover.strip(0) == [CoverState.UNTRACKED, CoverState.UNTRACKED, CoverState.ARREARS]


def test_void_makes_the_months_unpaid_again_and_keeps_the_record(
    premiums: PremiumService, service: ParticipantService
) -> None:
    enrol(service, 1, "2026-11-01")
    paid = premiums.pay(PaymentRequest(TODAY, M("2026-11"), 1, 16_800, "salah"))
    with pytest.raises(PremiumError):
        premiums.void(paid.id, "  ")
    premiums.void(paid.id, "dicatat dua kali")
    assert premiums.bill(M("2026-11")).paid == 0
    (record,) = premiums.payments(2026)
    assert record.voided_at and record.void_reason == "dicatat dua kali"
    with pytest.raises(PremiumError) as err:
        premiums.void(paid.id, "lagi")
    assert err.value.code == "payment_already_void"
    assert premiums.recap(2026).received == 0


def test_budget_line_for_next_year_and_its_realisation(premiums: PremiumService, service: ParticipantService) -> None:
    for n in range(1, 11):
        enrol(service, n, "2026-10-01")
    ended = enrol(service, 11, "2026-06-01")
    service.end(ended, "pindah", "2026-09-30")
    plan = premiums.plan(2027, planned_additions=5)
    assert plan.people == 15 and len(plan.monthly) == 12
    assert plan.total == 15 * 12 * 16_800 == 3_024_000
    # With the discount on, this year's remaining discounted months are cheaper; next year's are not.
    premiums.set_rate_active(discount(premiums), True)
    assert premiums.plan(2026).total == 10 * (3 * 16_800 + 9 * 8_400)
    premiums.set_budget(2026, 2_000_000)
    premiums.pay(PaymentRequest(date(2026, 11, 10), M("2026-11"), 1, 10 * 8_400, "ref"))
    recap = premiums.recap(2026)
    assert recap.budget == 2_000_000 and recap.received == 84_000
    assert recap.realisation_pct == pytest.approx(4.2)
    june = recap.months[5]
    assert (june.people, june.billed, june.paid, june.overdue) == (1, 8_400, 0, True)
    assert recap.arrears == sum(m.billed for m in recap.months[5:10])  # Jun-Oct unpaid and overdue
    with pytest.raises(PremiumError):
        premiums.set_budget(2026, 0)


def test_coverage_window_is_checked(premiums: PremiumService) -> None:
    with pytest.raises(PremiumError) as err:
        premiums.coverage(M("2026-01"), 0)
    assert err.value.code == "months_invalid"
    assert month_index(TODAY) == M("2026-11")
