"""Premiums: the bill, payments, rates, the budget and the yearly report."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from kudus_desktop.cli.common import acting_user, nik_display, office, qt_offscreen
from kudus_desktop.core.enrolment.participants import ParticipantService
from kudus_desktop.core.errors import KudusError
from kudus_desktop.core.reports.acts import premium_report
from kudus_desktop.core.reports.printouts import premium_recap
from kudus_desktop.core.rules.card_layout import Paper
from kudus_desktop.core.rules.dates import format_date, format_rupiah, parse_date_text, parse_rupiah
from kudus_desktop.core.rules.labels import code_label
from kudus_desktop.core.rules.nik import mask_nik
from kudus_desktop.core.village.premiums import (
    PaymentRequest,
    PremiumService,
    month_label,
    month_text,
    parse_month,
)


def _premiums(db: Any, args: argparse.Namespace) -> PremiumService:
    return PremiumService(db, acting_user(args))


def cmd_iuran_bill(args: argparse.Namespace) -> dict[str, Any]:
    month = parse_month(args.month)
    with office(args) as (db, _):
        bill = _premiums(db, args).bill(month)
        nik = nik_display(args, db, f"tagihan iuran ({len(bill.lines)} orang)") if bill.lines else mask_nik
    lines = [
        f"{x.reg_no}  {mask_nik(x.nik)}  {x.full_name[:28]:<28}  {code_label('funding', x.funding)[:12]:<12}  "
        f"{format_rupiah(x.amount):>10}  {code_label('cover', x.state)}"
        for x in bill.lines
    ]
    head = (
        f"Tagihan iuran {month_label(month)}: {len(bill.lines)} peserta, {format_rupiah(bill.total)}; "
        f"jatuh tempo {format_date(bill.due)}; dibayar {format_rupiah(bill.paid)}, "
        f"belum {format_rupiah(bill.outstanding)}"
        + (f"; {bill.apbd_excluded} peserta dibiayai APBD tidak ditagih ke desa" if bill.apbd_excluded else "")
    )
    return {
        "month": month_text(month),
        "due": bill.due.isoformat(),
        "total": bill.total,
        "paid": bill.paid,
        "outstanding": bill.outstanding,
        "apbd_excluded": bill.apbd_excluded,
        "lines": [
            {"reg_no": x.reg_no, "nik": nik(x.nik), "name": x.full_name, "funding": x.funding, "amount": x.amount,
             "paid": x.paid, "state": x.state.value}
            for x in bill.lines
        ],
        "message": "\n".join([head, *lines]),
    }  # fmt: skip


def cmd_iuran_pay(args: argparse.Namespace) -> dict[str, Any]:
    month = parse_month(args.month)
    paid_on = parse_date_text(args.date) if args.date else date.today()
    with office(args) as (db, _):
        ids: tuple[int, ...] | None = None
        if args.nik:
            service = ParticipantService(db, acting_user(args))
            found = []
            for nik in args.nik:
                person = service.find_by_nik(nik.strip())
                if person is None:
                    raise KudusError("card_nik_unknown", nik=nik)
                found.append(person.id)
            ids = tuple(found)
        request = PaymentRequest(
            paid_on, month, args.months, parse_rupiah(args.amount), args.ref or "", args.note or "", ids
        )
        payment = _premiums(db, args).pay(request)
    return {
        "id": payment.id, "uid": payment.uid, "amount": payment.amount, "people": payment.people,
        "first_month": month_text(payment.first_month), "last_month": month_text(payment.last_month),
        "message": f"Pembayaran {format_rupiah(payment.amount)} dicatat untuk {payment.people} peserta, "
        f"{payment.period} (nomor {payment.id}).",
    }  # fmt: skip


def cmd_iuran_void(args: argparse.Namespace) -> dict[str, Any]:
    with office(args) as (db, _):
        _premiums(db, args).void(args.id, args.reason)
    return {"id": args.id, "message": f"Pembayaran {args.id} dibatalkan; bulannya kembali belum dibayar."}


def cmd_iuran_payments(args: argparse.Namespace) -> dict[str, Any]:
    with office(args) as (db, _):
        rows = _premiums(db, args).payments(args.year)
    lines = [
        f"{p.id:>4}  {p.paid_on}  {format_rupiah(p.amount):>14}  {p.people:>5} peserta  {p.period}  {p.reference}"
        + (f"  DIBATALKAN: {p.void_reason}" if p.voided_at else "")
        for p in rows
    ]
    return {"payments": [asdict(p) for p in rows], "message": "\n".join(lines) or "Belum ada pembayaran."}


def cmd_iuran_rates(args: argparse.Namespace) -> dict[str, Any]:
    with office(args) as (db, _):
        if args.id is not None:
            _premiums(db, args).set_rate_active(args.id, args.state == "on")
        rates = _premiums(db, args).rates()
    lines = [
        f"{r.id:>3}  {code_label('rate_kind', r.kind):<7} {r.valid_from} s.d. {r.valid_to or 'seterusnya':<10} "
        f"{code_label('funding', r.funding) if r.funding else 'semua':<10} "
        + (f"JKK {r.jkk_rate_bp / 100:g}% x {format_rupiah(r.income)} + JKM {format_rupiah(r.jkm)}"
           if r.kind == "tarif" else f"diskon {r.discount_pct}%")
        + f"  {'AKTIF' if r.active else 'nonaktif'}  {r.note}"
        for r in rates.rows
    ]  # fmt: skip
    return {"rates": [asdict(r) for r in rates.rows], "message": "\n".join(lines)}


def cmd_iuran_budget(args: argparse.Namespace) -> dict[str, Any]:
    with office(args) as (db, _):
        premiums = _premiums(db, args)
        plan = premiums.plan(args.year, args.additions)
        if args.set:
            premiums.set_budget(args.year, parse_rupiah(args.set), args.additions)
    rates = sorted({r for _, r in plan.monthly})
    message = (
        f"Anggaran iuran {plan.year}: ({plan.active} peserta + {plan.planned_additions} tambahan) x 12 bulan x "
        f"{' / '.join(format_rupiah(r) for r in rates)} = {format_rupiah(plan.total)}"
        + (f"; dicatat sebagai anggaran APBDes {format_rupiah(parse_rupiah(args.set))}" if args.set else "")
    )
    return {"year": plan.year, "people": plan.people, "total": plan.total, "message": message}


def cmd_report_iuran(args: argparse.Namespace) -> dict[str, Any]:
    with office(args) as (db, accounts):
        profile = accounts.profile()
        out = Path(args.out)
        report = premium_report(_premiums(db, args), profile, out, args.year, args.additions)
        recap, n = report.recap, report.payments
        pages = 0
        if args.pdf:
            qt_offscreen()
            from kudus_desktop.render.table import write_table_pdf

            pages = write_table_pdf(
                Path(args.pdf),
                premium_recap(recap, profile, acting_user(args).full_name, date.today()),
                Paper(args.paper),
            )
    return {
        "out": str(out), "payments": n, "billed": recap.billed, "received": recap.received, "arrears": recap.arrears,
        "message": f"Laporan iuran {args.year} ditulis ke {out}: tagihan {format_rupiah(recap.billed)}, "
        f"diterima {format_rupiah(recap.received)}, tunggakan {format_rupiah(recap.arrears)}, {n} pembayaran"
        + (f"; rekap cetak {pages} halaman di {args.pdf}" if args.pdf else "") + ".",
    }  # fmt: skip
