"""Premium payments travel in the sync packages: the regency holds each village's payments and
the months they paid, follows voids, and a repeat or an old package changes nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from kudus_desktop.core.regency.overview import overview
from kudus_desktop.core.storage.signing import identity
from kudus_desktop.core.storage.tables import participant_table, premium_paid_table, premium_payment_table
from kudus_desktop.core.sync import RegencySync, VillageSync
from kudus_desktop.core.village.premiums import PaymentRequest, PremiumService, parse_month
from tests.conftest import TODAY, Office
from tests.factories import DESA, make_draft

NOV = parse_month("2026-11")


def held(regency: Office) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    pay, paid, p = premium_payment_table.c, premium_paid_table.c, participant_table.c
    with regency.db.begin() as conn:
        payments = [tuple(r) for r in conn.execute(select(pay.desa_code, pay.amount, pay.voided_at.is_not(None)))]
        items = [
            tuple(r)
            for r in conn.execute(
                select(p.nik, paid.month, paid.amount).join(participant_table, p.id == paid.participant_id)
                .order_by(p.nik)
            )
        ]  # fmt: skip
    return payments, items


def test_payments_and_voids_reach_the_regency(offices: dict[str, Office], tmp_path: Path) -> None:
    a, kab = offices["a"], offices["kab"]
    setup, _ = RegencySync(kab.db, kab.user).make_setup_file(DESA, tmp_path)
    village = VillageSync(a.db, a.user)
    village.join(setup)
    regency = RegencySync(kab.db, kab.user)
    fingerprint = identity(a.db).fingerprint
    for n in (1, 2):
        a.participants.create(make_draft(n, start_date="2026-11-01"))
    premiums = PremiumService(a.db, a.user, today=lambda: TODAY)
    payment = premiums.pay(PaymentRequest(date(2026, 11, 10), NOV, 1, 33_600, "VA-1"))

    first = village.export_package(tmp_path / "stick")
    assert first.copied_to is not None
    data = first.copied_to.read_bytes()
    result = regency.import_package(data, first.file_name, confirm_fingerprint=fingerprint)
    assert result.added == 2 and result.payments == 1
    assert held(kab) == ([(DESA, 33_600, False)], [(make_draft(1).nik, NOV, 16_800), (make_draft(2).nik, NOV, 16_800)])
    assert regency.import_package(data, first.file_name).already
    # The regency's dashboard counts who is paid for this month, per desa.
    ov = overview(kab.db, kab.user, today=lambda: TODAY)
    desa = ov.desa(DESA)
    assert desa is not None and desa.paid_month == 2 and ov.total.paid_month == 2
    assert held(kab)[0] == [(DESA, 33_600, False)]

    # A void alone is a change worth a package; the regency drops the months it paid.
    assert not village.status().has_changes
    premiums.void(payment.id, "salah bulan")
    assert village.status().unsent_payments == 1 and village.status().unsent == 0
    second = village.export_package(tmp_path / "stick")
    assert second.participants == 0
    assert regency.import_package(second.outbox_path.read_bytes(), second.file_name).payments == 1
    assert held(kab) == ([(DESA, 33_600, True)], [])

    # Paid again for one person: the live payment and its month stand beside the voided one.
    premiums.pay(
        PaymentRequest(date(2026, 11, 20), NOV, 1, 16_800, "VA-2", participant_ids=(a.participants.find_by_nik(
            make_draft(2).nik).id,))  # type: ignore[union-attr]
    )  # fmt: skip
    third = village.export_package(tmp_path / "stick")
    regency.import_package(third.outbox_path.read_bytes(), third.file_name)
    payments, items = held(kab)
    assert sorted(payments) == [(DESA, 16_800, False), (DESA, 33_600, True)]
    assert items == [(make_draft(2).nik, NOV, 16_800)]
    with kab.db.begin() as conn:
        assert conn.execute(select(func.count()).select_from(premium_payment_table)).scalar_one() == 2
