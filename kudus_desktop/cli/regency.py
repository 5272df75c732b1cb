"""The regency desk: BPJS lists and answers, double enrolments, the APBD list, reports."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from kudus_desktop.cli.common import acting_user, desa_code_of, office
from kudus_desktop.core.errors import KudusError
from kudus_desktop.core.regency.bpjs import RESULT_FIELDS, BpjsService
from kudus_desktop.core.regency.doubles import DoubleCase, DoubleEnrolmentService
from kudus_desktop.core.regency.overview import coverage_report
from kudus_desktop.core.reports.exporting import (
    export_lost_report,
)
from kudus_desktop.core.rules.dates import format_date
from kudus_desktop.core.rules.labels import code_label
from kudus_desktop.core.rules.nik import mask_nik
from kudus_desktop.core.village.importing import normalise_header
from kudus_desktop.core.village.lost_media import LostMediaService


def cmd_bpjs_export(args: argparse.Namespace) -> dict[str, Any]:
    with office(args) as (db, _):
        columns = [c.strip() for c in args.columns.split(",")] if args.columns else None
        result = BpjsService(db, acting_user(args)).export_list(
            Path(args.out), desa=desa_code_of(args.desa), include_sent=args.include_sent, columns=columns
        )
    return {"out": str(result.path), "rows": result.count, "sent_on": result.sent_on,
            "message": f"{result.count} peserta ditulis ke {result.path} dan ditandai dikirim ke BPJS "
                       f"pada {format_date(date.fromisoformat(result.sent_on))}."}  # fmt: skip


def _mapping(preview_headers: Sequence[str], pairs: Sequence[str] | None) -> dict[str, int] | None:
    if not pairs:
        return None
    index = {normalise_header(h): i for i, h in enumerate(preview_headers) if h}
    out: dict[str, int] = {}
    for pair in pairs:
        field, _, header = pair.partition("=")
        if field not in RESULT_FIELDS or normalise_header(header) not in index:
            raise KudusError("map_invalid", pair=pair, fields=", ".join(RESULT_FIELDS))
        out[field] = index[normalise_header(header)]
    return out


def cmd_bpjs_import(args: argparse.Namespace) -> dict[str, Any]:
    with office(args) as (db, _):
        service = BpjsService(db, acting_user(args))
        path = Path(args.file)
        preview = service.preview_results(path, sheet=args.sheet)
        if args.map:
            mapping = {**preview.mapping, **(_mapping(preview.headers, args.map) or {})}
            preview = service.preview_results(path, sheet=preview.sheet, mapping=mapping)
        applied = None if args.dry_run else service.apply_results(preview)
    rows = [
        {"row": r.row, "nik": r.nik, "kpj": r.kpj, "result": r.result, "reason": r.reason, "action": r.action,
         "problem": r.problem_text, "desa": list(r.desa_codes)}
        for r in preview.rows
    ]  # fmt: skip
    lines = [f"Lembar {preview.sheet}: {len(preview.rows)} baris."]
    for action in ("kpj", "rejected", "unchanged", "unknown", "not_sent", "invalid"):
        n = preview.count(action)
        if n:
            lines.append(f"  {code_label('bpjs_action', action)}: {n}")
    for r in preview.rows:
        if r.action in ("unknown", "not_sent", "invalid") or r.problem:
            detail = r.problem_text or code_label("bpjs_action", r.action)
            lines.append(f"  baris {r.row}: NIK {r.nik or '-'}: {detail}")
    if applied is None:
        lines.append("Pratinjau saja: tidak ada yang disimpan (tanpa --dry-run hasil dicatat).")
    else:
        lines.append(
            f"Dicatat: {applied.kpj} KPJ, {applied.rejected} penolakan; sampai ke {len(applied.desa_codes)} desa "
            "lewat tanda terima berikutnya."
        )
    return {"rows": rows, "applied": asdict(applied) if applied else None, "message": "\n".join(lines)}


def cmd_report_coverage(args: argparse.Namespace) -> dict[str, Any]:
    with office(args) as (db, accounts):
        out = Path(args.out)
        report = coverage_report(db, acting_user(args), accounts.profile(), out)
    n, t = report.villages, report.overview.total
    return {"out": str(out), "villages": n, "active": t.active, "silent": t.silent,
            "message": f"Laporan cakupan {n} desa ditulis ke {out}: {t.active} peserta aktif, "
                       f"{t.silent} desa tanpa kabar 30 hari, {t.open_cases} kasus ganda terbuka."}  # fmt: skip


def cmd_ganda_scan(args: argparse.Namespace) -> dict[str, Any]:
    with office(args) as (db, _):
        r = DoubleEnrolmentService(db, acting_user(args)).scan()
    return {"scan": asdict(r),
            "message": f"Baru: {r.opened['nik']} NIK sama di dua desa, {r.opened['apbd']} NIK di daftar APBD, "
                       f"{r.opened['similar']} mirip. Selesai sendiri: {r.closed}. Terbuka: {r.open_total}. "
                       f"({r.seconds:.2f} detik)"}  # fmt: skip


def _case_line(c: DoubleCase) -> str:
    a, b = c.first, c.second
    where_b = b.desa_name if b.participant_id else "APBD Kabupaten"
    text = (
        f"#{c.id} {code_label('case', c.kind)}: {mask_nik(a.nik)} {a.full_name} ({a.desa_name}, sejak {a.start_date})"
        f" <> {mask_nik(b.nik)} {b.full_name} ({where_b}, sejak {b.start_date or '-'})"
    )
    if c.decision:
        text += f" -> {code_label('decision', c.decision)}"
    return text


def cmd_ganda_list(args: argparse.Namespace) -> dict[str, Any]:
    with office(args) as (db, _):
        cases = DoubleEnrolmentService(db, acting_user(args)).cases(
            status="" if args.all else "open", kind=args.kind or "", desa=desa_code_of(args.desa)
        )
    lines = [_case_line(c) for c in cases] or ["Tidak ada kasus kepesertaan ganda."]
    return {"cases": [asdict(c) for c in cases], "message": "\n".join(lines)}


def cmd_ganda_decide(args: argparse.Namespace) -> dict[str, Any]:
    with office(args) as (db, _):
        case = DoubleEnrolmentService(db, acting_user(args)).decide(args.id, args.decision, args.note or "")
    return {"case": asdict(case), "message": f"Diputuskan: {_case_line(case)}. Desa yang ditolak menerimanya di "
                                             "tanda terima berikutnya."}  # fmt: skip


def cmd_apbd_import(args: argparse.Namespace) -> dict[str, Any]:
    with office(args) as (db, _):
        r = DoubleEnrolmentService(db, acting_user(args)).import_apbd(Path(args.file), sheet=args.sheet)
    lines = [
        f"Daftar APBD: {r.members} NIK ({r.added} baru, {r.removed} keluar) dari lembar {r.sheet}; "
        f"{r.scan.opened['apbd']} peserta desa juga ada di daftar APBD (menunggu keputusan)."
    ]
    lines += [f"  baris {x.row}: NIK {x.nik or '-'}: {x.reason}" for x in r.rejected]
    return {"members": r.members, "added": r.added, "removed": r.removed, "cases": r.scan.opened["apbd"],
            "rejected": [{"row": x.row, "nik": x.nik, "reason": x.reason} for x in r.rejected],
            "message": "\n".join(lines)}  # fmt: skip


def cmd_report_lost(args: argparse.Namespace) -> dict[str, Any]:
    if bool(args.packages) == bool(args.device):
        raise KudusError("required", field="--packages atau --device")
    with office(args) as (db, accounts):
        lost = LostMediaService(db, acting_user(args))
        report = lost.device() if args.device else lost.packages(args.packages)
        out = Path(args.out)
        n = export_lost_report(report, accounts.profile(), out, acting_user(args).full_name, date.today())
    return {
        "out": str(out), "people": n, "packages": list(report.packages),
        "message": f"{n} orang yang datanya ada di {'perangkat ini' if args.device else 'paket itu'} "
        f"ditulis ke {out}. Berkas ini memuat NIK lengkap: simpan dan kirim dengan hati-hati.",
    }  # fmt: skip
