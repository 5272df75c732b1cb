"""Participants: the list and its printouts, cards, imports and exports, approval."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from kudus_desktop.cli.common import acting_user, nik_display, office, qt_offscreen
from kudus_desktop.core.enrolment.approval import ApprovalItem, ApprovalService, ApprovalState
from kudus_desktop.core.enrolment.participants import ParticipantQuery, ParticipantService, SortKey
from kudus_desktop.core.errors import KudusError
from kudus_desktop.core.reports.acts import card_run, list_printed, notices_printed
from kudus_desktop.core.reports.exporting import (
    export_bpjs_list,
    export_person_report,
    export_problem_report,
    export_review_list,
    export_roster,
)
from kudus_desktop.core.reports.notice import Notice, notices_beside, notices_for
from kudus_desktop.core.reports.printouts import participant_list
from kudus_desktop.core.rules.card_layout import Paper
from kudus_desktop.core.rules.dates import format_date
from kudus_desktop.core.rules.labels import code_label, describe_issue, field_label
from kudus_desktop.core.rules.nik import mask_nik
from kudus_desktop.core.rules.validation import MAX_TEXT
from kudus_desktop.core.storage.db import Database
from kudus_desktop.core.village.cards import CardScope, CardService
from kudus_desktop.core.village.eligibility import EligibilityService
from kudus_desktop.core.village.importing import ImportOptions, ImportRow, ImportService, RowStatus


def cmd_peserta_list(args: argparse.Namespace) -> dict[str, Any]:
    with office(args) as (db, _):
        service = ParticipantService(db, acting_user(args))
        q = ParticipantQuery(
            text=args.search or "", status=args.status or "", category=args.category or "", sort=SortKey.NAME
        )
        ids = service.query_ids(q)
        rows = service.list_rows(ids)
        if args.show_nik:  # every reveal of full NIKs is in the audit log, as in the window
            service.log_event("nik_revealed", f"daftar peserta di baris perintah ({len(ids)} orang)")
    items = [
        {
            "reg_no": r.reg_no,
            "nik": r.nik if args.show_nik else mask_nik(r.nik),
            "name": r.full_name,
            "category": r.category,
            "rt": r.rt,
            "rw": r.rw,
            "status": r.status,
            "start_date": r.start_date.isoformat(),
            "kpj": r.kpj,
        }
        for r in (rows[i] for i in ids)
    ]
    lines = [
        f"{it['reg_no']}  {it['nik']}  {it['name']:<30}  {code_label('category', it['category']):<22}  "
        f"{code_label('status', it['status']):<8}  {format_date(rows[i].start_date)}"
        for it, i in zip(items, ids, strict=True)
    ]
    lines.append(f"{len(items)} peserta")
    return {"participants": items, "message": "\n".join(lines)}


def cmd_peserta_report(args: argparse.Namespace) -> dict[str, Any]:
    with office(args) as (db, _):
        service = ParticipantService(db, acting_user(args))
        person = service.find_by_nik(args.nik)
        if person is None:
            raise KudusError("participant_not_found")
        n = export_person_report(service, person.id, Path(args.out))
    return {"out": args.out, "history_events": n, "message": f"Data {person.full_name} ditulis ke {args.out}"}


def cmd_peserta_review(args: argparse.Namespace) -> dict[str, Any]:
    with office(args) as (db, _):
        entries = EligibilityService(db).review_list()
        if args.out:
            title = f"DAFTAR TINJAUAN KELAYAKAN PESERTA · keadaan per {format_date(date.today())}"
            export_review_list(entries, Path(args.out), title=title)
    lines = [f"{len({e.participant_id for e in entries})} peserta perlu ditinjau (tidak ada yang dihentikan otomatis)."]
    lines += [
        f"  {e.reg_no} {e.full_name} (RT {e.rt or '-'}/RW {e.rw or '-'}): "
        f"{code_label('review_reason', e.reason)}; {e.detail}"
        for e in entries
    ]
    if args.out:
        lines.append(f"Ditulis ke {args.out}")
    rows = [{"reg_no": e.reg_no, "name": e.full_name, "reason": str(e.reason), "detail": e.detail} for e in entries]
    return {"entries": rows, "message": "\n".join(lines)}


def cmd_cards(args: argparse.Namespace) -> dict[str, Any]:
    qt_offscreen()
    from kudus_desktop.render.cards import paint_calibration, write_cards_pdf
    from kudus_desktop.render.paper import write_pdf

    paper = Paper(args.paper)
    out = Path(args.out)
    if args.calibration:
        write_pdf(
            out,
            paper,
            "Halaman kalibrasi",
            lambda dev, _: paint_calibration(
                dev, paper, args.offset_x, args.offset_y, back_x=args.back_offset_x, back_y=args.back_offset_y
            ),
        )
        return {"out": str(out), "pages": 2, "message": f"Halaman kalibrasi ditulis ke {out}"}
    with office(args) as (db, accounts):
        service = ParticipantService(db, acting_user(args))
        cards = CardService(db, service, accounts.profile())
        if args.nik:
            ids = cards.ids_for_niks(args.nik)
        else:
            scope = CardScope.UNPRINTED if args.unprinted else CardScope.CHANGED if args.changed else CardScope.ALL
            ids = cards.ids_for(scope)
        if not ids:
            raise KudusError("card_none")
        notice_out = notices_beside(out) if args.with_notice else None
        run = card_run(
            cards, ids, args.reason or "",
            lambda batch, progress, cancelled: write_cards_pdf(
                out, batch, paper, offset_x=args.offset_x, offset_y=args.offset_y, back_x=args.back_offset_x,
                back_y=args.back_offset_y, folded=args.folded,
                progress=progress, cancelled=cancelled,
            ),
            (lambda notices: _write_notices(notice_out, notices, paper)) if notice_out else None,
        )  # fmt: skip
    batch, pages = run.batch, run.pages
    message = f"{len(batch.cards)} kartu ({pages} halaman, {paper}) ditulis ke {out}"
    if notice_out is not None:
        message += f"\nLembar informasi data pribadi ditulis ke {notice_out}"
    return {
        "out": str(out),
        "cards": len(batch.cards),
        "reprints": len(batch.reprints),
        "pages": pages,
        "notice": str(notice_out) if notice_out else None,
        "message": message,
    }


def _write_notices(path: Path, notices: list[Notice], paper: Paper) -> None:
    from kudus_desktop.render.notice import write_notices_pdf

    write_notices_pdf(path, notices, paper)


def cmd_peserta_notice(args: argparse.Namespace) -> dict[str, Any]:
    qt_offscreen()
    from kudus_desktop.render.notice import write_notices_pdf

    with office(args) as (db, accounts):
        service = ParticipantService(db, acting_user(args))
        ids: list[int] = []
        for raw in args.nik or ():
            person = service.find_by_nik(raw)
            if person is None:
                raise KudusError("card_nik_unknown", nik=raw)
            ids.append(person.id)
        out = Path(args.out)
        pages = write_notices_pdf(out, notices_for(service, accounts.profile(), ids), Paper(args.paper))
        notices_printed(service, pages, out.name)
    return {"out": str(out), "pages": pages, "message": f"{pages} lembar informasi data pribadi ditulis ke {out}"}


def cmd_cards_changed(args: argparse.Namespace) -> dict[str, Any]:
    with office(args) as (db, accounts):
        stale = CardService(db, ParticipantService(db, acting_user(args)), accounts.profile()).stale_cards()
    rows = [
        {"reg_no": c.reg_no, "name": c.full_name, "rt": c.rt, "rw": c.rw, "printed_at": c.printed_at,
         "printed": c.printed or "terdaftar", "now": str(c.now), "action": str(c.action), "reason": c.reason}
        for c in stale
    ]  # fmt: skip
    lines = [f"{len(stale)} kartu tidak lagi sesuai keadaan peserta."]
    for c in stale:
        todo = "cetak ulang" if c.action == "cetak_ulang" else "tarik kembali"
        why = f": {c.reason}" if c.reason else ""
        lines.append(
            f"  {c.reg_no} {c.full_name} (RT {c.rt or '-'}/RW {c.rw or '-'}): {todo}; kini "
            f"{code_label('standing', c.now)}{why}"
        )
    return {"cards": rows, "message": "\n".join(lines)}


def cmd_peserta_print(args: argparse.Namespace) -> dict[str, Any]:
    qt_offscreen()
    from kudus_desktop.render.table import write_table_pdf

    with office(args) as (db, accounts):
        service = ParticipantService(db, acting_user(args))
        query = ParticipantQuery(status=args.status or "", category=args.category or "")
        table = participant_list(service, accounts.profile(), query)
        pages = write_table_pdf(Path(args.out), table, Paper(args.paper))
        list_printed(service, table, Path(args.out).name)
    return {
        "out": args.out,
        "rows": len(table.rows),
        "pages": pages,
        "message": f"{len(table.rows)} peserta, {pages} halaman, ditulis ke {args.out}",
    }


def _source_name(path: Path) -> str:
    """The file's name as the list's source, cut at a word to what the field holds (a long
    name would otherwise reject every row)."""
    limit = MAX_TEXT["source_list"]
    name = " ".join(path.stem.split())
    if len(name) <= limit:
        return name
    cut = name[:limit].rsplit(" ", 1)[0]
    return cut if len(cut) >= limit // 2 else name[:limit]


def cmd_import(args: argparse.Namespace) -> dict[str, Any]:
    with office(args) as (db, _):
        importer = ImportService(ParticipantService(db, acting_user(args)))
        options = ImportOptions(
            source_list=args.source or _source_name(Path(args.file)),
            source_date=args.source_date or "",
            category=args.category,
            funding=args.funding,
            start_date=args.start or "",
            complete_list=args.complete_list,
        )
        preview = importer.preview(Path(args.file), sheet=args.sheet, options=options)
        if args.report:
            export_problem_report(preview, Path(args.report))
        leave_out = frozenset(args.leave_out or ())
        result = importer.commit(preview, leave_out=leave_out) if args.commit else None

    def entry(r: ImportRow, with_reasons: bool) -> dict[str, Any]:
        item: dict[str, Any] = {"row": r.row, "nik": r.nik, "status": r.status.value}
        if with_reasons:
            item["reasons"] = [describe_issue(i) for i in (r.errors or r.warnings)]
        return item

    accepted = [entry(r, False) for r in preview.rows if r.status != RowStatus.REJECTED]
    rejected = [entry(r, True) for r in preview.rows if r.status == RowStatus.REJECTED]
    warnings = [entry(r, True) for r in preview.rows if r.status != RowStatus.REJECTED and r.warnings]
    counts = {s.value: preview.count(s) for s in RowStatus}
    verb = "Diimpor" if result else "Pratinjau (belum disimpan; tambahkan --commit)"
    message = (
        f"{verb}: lembar '{preview.sheet}', {counts['add']} baru, {counts['update']} diperbarui, "
        f"{counts['unchanged']} tidak berubah, {counts['rejected']} ditolak, {len(warnings)} dengan peringatan."
    )
    lines = [message]
    for code, n in preview.warned_kinds():
        skipped = " (dilewati)" if code in leave_out else ""
        lines.append(f"  peringatan {code}: {n} baris, {code_label('warning', code)}{skipped}")
    if preview.options.complete_list and preview.options.source_list:
        lines.append(
            f"  {len(preview.dropped)} peserta aktif dari {preview.options.source_list} tidak ada lagi di berkas ini"
            + ("; dicatat di daftar tinjauan." if result is not None else ".")
        )
    if result is not None and result.left_out:
        lines.append(f"  {result.left_out} baris berperingatan dilewati (--leave-out).")
    lines += [f"  baris {r['row']}: {r['nik']}: {' '.join(r['reasons'])}" for r in rejected[:50]]
    return {
        "sheet": preview.sheet,
        "warned_kinds": dict(preview.warned_kinds()),
        "left_out": result.left_out if result is not None else 0,
        "header_row": preview.header_row,
        "committed": result is not None,
        "counts": counts,
        "accepted": accepted,
        "rejected": rejected,
        "warnings": warnings,
        "message": "\n".join(lines),
    }


def cmd_export(args: argparse.Namespace) -> dict[str, Any]:
    with office(args) as (db, accounts):
        service = ParticipantService(db, acting_user(args))
        out, paper = Path(args.out), Paper(args.kertas)
        if args.kind == "roster":
            status = args.status or ""
            n = export_roster(service, accounts.profile(), out, query=ParticipantQuery(status=status), paper=paper)
        else:
            columns = [c.strip() for c in args.columns.split(",")] if args.columns else None
            n = export_bpjs_list(service, out, columns=columns, paper=paper)
    return {"out": str(out), "rows": n, "message": f"{n} peserta ditulis ke {out}"}


def _review_item(item: ApprovalItem, nik: Callable[[str], str]) -> dict[str, Any]:
    return {
        "reg_no": item.reg_no, "nik": nik(item.nik), "name": item.full_name, "kind": item.kind.value,
        "state": item.state.value, "makers": list(item.makers), "submitted_at": item.submitted_at,
        "reason": item.reason, "reviewed_by": item.reviewed_by,
    }  # fmt: skip


def cmd_approval_list(args: argparse.Namespace) -> dict[str, Any]:
    with office(args) as (db, _):
        review = ApprovalService(db, acting_user(args))
        items = review.queue(args.state or "")
        required = review.required()
        details = {i.participant_id: review.changes(i.participant_id) for i in items} if args.changes else {}
        nik = nik_display(args, db, f"antrean persetujuan ({len(items)} orang)") if items else mask_nik

    def value(field: str, text: str) -> str:
        return nik(text) if field == "nik" and text else text

    lines = [
        f"{i.reg_no}  {nik(i.nik)}  {i.full_name:<30}  {code_label('review_kind', i.kind):<17}  "
        f"{code_label('review', i.state):<20}  oleh {','.join(i.makers)}"
        + (f"  alasan: {i.reason}" if i.reason else "")
        for i in items
    ]
    for item in items:
        for c in details.get(item.participant_id, []):
            before, after = value(c.field, c.before), value(c.field, c.after)
            lines.append(f"    {item.reg_no} {field_label(c.field)}: {before or '-'} -> {after or '-'}")
    lines.append(f"{len(items)} peserta" + ("" if required else " (persetujuan verifikator tidak wajib)"))
    out = [_review_item(i, nik) for i in items]
    for entry, item in zip(out, items, strict=True):
        if args.changes:
            entry["changes"] = [
                [c.field, value(c.field, c.before), value(c.field, c.after)] for c in details[item.participant_id]
            ]
    return {"required": required, "items": out, "message": "\n".join(lines)}


def _review_ids(db: Database, args: argparse.Namespace, review: ApprovalService) -> list[int]:
    if args.all:
        return [i.participant_id for i in review.queue(ApprovalState.WAITING)]
    if not args.nik:
        raise KudusError("required", field="--nik atau --all")
    service = ParticipantService(db, acting_user(args))
    ids = []
    for raw in args.nik:
        person = service.find_by_nik(raw)
        if person is None:
            raise KudusError("card_nik_unknown", nik=raw)
        ids.append(person.id)
    return ids


def cmd_approval_approve(args: argparse.Namespace) -> dict[str, Any]:
    with office(args) as (db, _):
        review = ApprovalService(db, acting_user(args))
        result = review.approve(_review_ids(db, args, review))
    message = f"{result.approved} peserta disetujui."
    if result.own:
        message += f" {len(result.own)} Anda ubah sendiri dan tetap menunggu: {', '.join(result.own)}."
    return {"approved": result.approved, "own": list(result.own), "message": message}


def cmd_approval_decline(args: argparse.Namespace) -> dict[str, Any]:
    with office(args) as (db, _):
        review = ApprovalService(db, acting_user(args))
        n = review.decline(_review_ids(db, args, review), args.reason)
    return {"declined": n, "message": f"{n} peserta dikembalikan ke operator: {args.reason}"}


def cmd_approval_required(args: argparse.Namespace) -> dict[str, Any]:
    with office(args) as (db, _):
        ApprovalService(db, acting_user(args)).set_required(args.state == "on")
    word = "wajib" if args.state == "on" else "tidak wajib"
    return {"required": args.state == "on", "message": f"Persetujuan verifikator sekarang {word}."}
