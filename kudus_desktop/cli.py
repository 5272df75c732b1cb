"""The ``kudus-desktop`` command: no subcommand opens the window; subcommands run headless.

Every subcommand calls the same core services as the window, exits non-zero with a
one-line reason on bad input, and prints machine-readable JSON with ``--json``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from kudus_desktop import __version__
from kudus_desktop.core import instance, settings
from kudus_desktop.core.accounts import AccountService, SetupRequest, check_setup
from kudus_desktop.core.audit import log_event
from kudus_desktop.core.backup import backup_database, encrypted_backup, restore_database
from kudus_desktop.core.bpjs import RESULT_FIELDS, BpjsService
from kudus_desktop.core.card_layout import Paper
from kudus_desktop.core.cards import CardScope, CardService
from kudus_desktop.core.codes import (
    Mode,
    Role,
    can_approve,
    can_decide_duplicates,
    can_edit_settings,
    can_enrol,
    can_reveal_nik,
)
from kudus_desktop.core.dates import check_clock, format_date, format_rupiah, parse_date_text, parse_rupiah
from kudus_desktop.core.db import Database, open_database, open_store
from kudus_desktop.core.doubles import DoubleEnrolmentService, DuplicateCase
from kudus_desktop.core.eligibility import EligibilityService
from kudus_desktop.core.errors import KudusError, SetupError, ValidationError
from kudus_desktop.core.exporting import (
    BPJS_COLUMNS,
    export_bpjs_list,
    export_coverage,
    export_lost_report,
    export_person_report,
    export_premium_report,
    export_problem_report,
    export_review_list,
    export_roster,
)
from kudus_desktop.core.hub_client import HubClient
from kudus_desktop.core.importing import ImportOptions, ImportRow, ImportService, RowStatus, normalise_header
from kudus_desktop.core.labels import code_label, describe_issue, field_label
from kudus_desktop.core.lost import LostMediaService
from kudus_desktop.core.nik import mask_nik
from kudus_desktop.core.notice import notices_for
from kudus_desktop.core.overview import overview
from kudus_desktop.core.participants import ParticipantQuery, ParticipantService, SortKey
from kudus_desktop.core.paths import DB_FILE_NAME, default_data_dir
from kudus_desktop.core.premiums import (
    PaymentRequest,
    PremiumService,
    month_label,
    month_text,
    parse_month,
)
from kudus_desktop.core.printouts import participant_list, premium_recap
from kudus_desktop.core.regions import region
from kudus_desktop.core.retention import PurgePlan, RetentionService
from kudus_desktop.core.review import ReviewItem, ReviewService, ReviewState
from kudus_desktop.core.signing import key_fingerprint, load_public_key, public_key_pem, verify_payload
from kudus_desktop.core.store import copy_store
from kudus_desktop.core.sync import (
    PendingDevice,
    RegencySync,
    VillageSync,
    format_ranges,
    normalise_fingerprint,
    package_files,
)
from kudus_desktop.core.syncfile import SyncError
from kudus_desktop.core.validation import MAX_TEXT
from kudus_desktop.core.views import UserView

EXIT_BAD_INPUT = 2


def _data_dir(args: argparse.Namespace) -> Path:
    return Path(args.data_dir) if args.data_dir else default_data_dir()


def _db_url(args: argparse.Namespace) -> str | None:
    """A server store's URL from ``--db`` or ``KUDUS_DATABASE_URL``; none means the SQLite file."""
    return getattr(args, "db", None) or os.environ.get("KUDUS_DATABASE_URL") or None


def _read_password(path: str) -> str:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise KudusError("password_file_unreadable", path=path) from None
    return text.splitlines()[0] if text else ""


def cmd_init(args: argparse.Namespace) -> dict[str, Any]:
    mode, code = (Mode.DESA, args.desa) if args.desa else (Mode.KABUPATEN, args.kabupaten)
    req = SetupRequest(
        mode=mode,
        region_code=code,
        head_name=args.head_name or "",
        head_title=args.head_title or ("Kepala Desa" if mode == Mode.DESA else "Kepala DPMD"),
        admin_username=args.admin,
        admin_full_name=args.admin_name or args.admin,
        password=_read_password(_required(args.password_file, "--password-file")),
        office_phone=args.office_phone or "",
    )
    # Check everything before the database file is created or touched.
    issues = check_setup(req)
    if issues:
        raise ValidationError(issues)
    db = open_store(_data_dir(args), _db_url(args))
    try:
        accounts = AccountService(db)
        existing = accounts.profile()
        if existing.initialised:
            raise SetupError("already_initialised", path=str(db.data_dir), name=existing.region_name)
        user = accounts.initialise(req)
        profile = accounts.profile()
    finally:
        db.close()
    return {
        "data_dir": str(db.data_dir),
        "database": db.label,
        "mode": profile.mode,
        "region_code": profile.region_code,
        "region_name": profile.region_name,
        "admin": user.username,
        "message": f"Siap: {profile.region_name} ({profile.region_code}), admin '{user.username}'.",
    }


def _open_initialised(args: argparse.Namespace) -> tuple[Any, AccountService]:
    """The office's store, with the person the command runs as logged in (see :data:`NEEDS`)."""
    db = open_store(_data_dir(args), _db_url(args), create=False)
    _warn_repaired(db.report.repaired)
    accounts = AccountService(db)
    try:
        if not accounts.profile().initialised:
            raise KudusError("not_initialised", path=str(db.data_dir))
        _log_in(args, accounts)
    except BaseException:
        db.close()
        raise
    return db, accounts


# -- who runs the command -------------------------------------------------------------------

#: Nobody logged in: reads with NIKs masked. Every change and every full NIK needs a person.
READER = UserView(0, "cli", "Baris perintah (tanpa akun)", Role.OPERATOR)


@dataclass(frozen=True, slots=True)
class Need:
    """What a command asks of the person running it; ``allowed`` names the roles for the refusal."""

    may: Callable[[str], bool]
    allowed: str


ANYONE = Need(lambda role: True, "setiap akun aktif")
MAKER = Need(can_enrol, "admin atau operator")
CHECKER = Need(can_approve, "admin atau verifikator")
ADMIN = Need(can_edit_settings, "admin")
REVEAL = Need(can_reveal_nik, "akun yang boleh melihat NIK lengkap")
DECIDER = Need(can_decide_duplicates, "admin atau verifikator")


def _credentials(args: argparse.Namespace) -> tuple[str, str] | None:
    """The account and password from the options, the environment or, at a terminal, a prompt."""
    user = args.user or os.environ.get("KUDUS_USER") or ""
    if not user:
        return None
    password_file = args.password_file or os.environ.get("KUDUS_PASSWORD_FILE")
    if password_file:
        return user, _read_password(password_file)
    if "KUDUS_PASSWORD" in os.environ:
        return user, os.environ["KUDUS_PASSWORD"]
    if sys.stdin.isatty():
        import getpass

        return user, getpass.getpass(f"Kata sandi {user}: ")
    raise KudusError("cli_password_missing", user=user)


def _log_in(args: argparse.Namespace, accounts: AccountService) -> None:
    """Log the person in (same lockout and audit as the window) when the command needs one
    or credentials were given; refuse a command their role may not run."""
    need = _need(args)
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


def _actor(args: argparse.Namespace) -> UserView:
    actor: UserView | None = getattr(args, "actor", None)
    return actor or READER


def _reveals(args: argparse.Namespace) -> bool:
    """Whether this run shows full NIKs: only to a logged-in person allowed to see them."""
    actor: UserView | None = getattr(args, "actor", None)
    return actor is not None and can_reveal_nik(actor.role)


def _nik_shown(args: argparse.Namespace, db: Database, what: str) -> Callable[[str], str]:
    """Full NIKs for a logged-in person who may see them, the reveal audited; masked otherwise."""
    if not _reveals(args):
        return mask_nik
    log_event(db, _actor(args).username, "nik_revealed", f"{what} di baris perintah")
    return lambda nik: nik


def _required(value: str | None, option: str) -> str:
    if not value:
        raise KudusError("required", field=option)
    return value


def _warn_repaired(paths: Sequence[Path]) -> None:
    """Files other OS users could read were made private at opening: say so, once, on stderr."""
    if paths:
        shown = ", ".join(str(p) for p in paths[:3]) + (f" (+{len(paths) - 3})" if len(paths) > 3 else "")
        print(f"Peringatan: {shown} dapat dibaca pengguna lain komputer ini; kini hanya untuk Anda.", file=sys.stderr)


def cmd_info(args: argparse.Namespace) -> dict[str, Any]:
    db, accounts = _open_initialised(args)
    try:
        profile = accounts.profile()
        stats = ParticipantService(db, _actor(args)).dashboard()
    finally:
        db.close()
    return {
        "version": __version__,
        "database": db.label,
        "profile": asdict(profile),
        "active": stats.active_total,
        "ended": stats.ended_total,
        "message": f"{profile.region_name} ({profile.region_code}): {stats.active_total} peserta aktif, "
        f"{stats.ended_total} berhenti. Basis data: {db.label}",
    }


def cmd_peserta_list(args: argparse.Namespace) -> dict[str, Any]:
    db, _ = _open_initialised(args)
    try:
        service = ParticipantService(db, _actor(args))
        q = ParticipantQuery(
            text=args.search or "", status=args.status or "", category=args.category or "", sort=SortKey.NAME
        )
        ids = service.query_ids(q)
        rows = service.list_rows(ids)
        if args.show_nik:  # every reveal of full NIKs is in the audit log, as in the window
            service.log_event("nik_revealed", f"daftar peserta di baris perintah ({len(ids)} orang)")
    finally:
        db.close()
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
    db, _ = _open_initialised(args)
    try:
        service = ParticipantService(db, _actor(args))
        person = service.find_by_nik(args.nik)
        if person is None:
            raise KudusError("participant_not_found")
        n = export_person_report(service, person.id, Path(args.out))
    finally:
        db.close()
    return {"out": args.out, "history_events": n, "message": f"Data {person.full_name} ditulis ke {args.out}"}


def cmd_peserta_review(args: argparse.Namespace) -> dict[str, Any]:
    db, _ = _open_initialised(args)
    try:
        entries = EligibilityService(db).review_list()
        if args.out:
            title = f"DAFTAR TINJAUAN KELAYAKAN PESERTA · keadaan per {format_date(date.today())}"
            export_review_list(entries, Path(args.out), title=title)
    finally:
        db.close()
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


_qt_app: Any = None


def _qt_offscreen() -> None:
    """Cards and printed lists are painted with Qt; headless, without a screen."""
    global _qt_app
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _qt_app = QGuiApplication(["kudus-desktop"])


def cmd_cards(args: argparse.Namespace) -> dict[str, Any]:
    _qt_offscreen()
    from kudus_desktop.render.cards import paint_calibration, write_cards_pdf
    from kudus_desktop.render.paper import write_pdf

    paper = Paper(args.paper)
    out = Path(args.out)
    if args.calibration:
        write_pdf(
            out, paper, "Halaman kalibrasi", lambda dev, _: paint_calibration(dev, paper, args.offset_x, args.offset_y)
        )
        return {"out": str(out), "pages": 2, "message": f"Halaman kalibrasi ditulis ke {out}"}
    db, accounts = _open_initialised(args)
    try:
        service = ParticipantService(db, _actor(args))
        cards = CardService(db, service, accounts.profile())
        if args.nik:
            ids = cards.ids_for_niks(args.nik)
        else:
            scope = CardScope.UNPRINTED if args.unprinted else CardScope.CHANGED if args.changed else CardScope.ALL
            ids = cards.ids_for(scope)
        if not ids:
            raise KudusError("card_none")
        batch = cards.prepare(ids)
        if batch.reprints and not (args.reason or "").strip():
            raise KudusError("card_reprint_reason", count=len(batch.reprints))
        pages = write_cards_pdf(out, batch, paper, offset_x=args.offset_x, offset_y=args.offset_y)
        notice_out = None
        if args.with_notice:
            from kudus_desktop.render.notice import write_notices_pdf

            notice_out = out.with_name(f"{out.stem}-informasi-data-pribadi.pdf")
            people = [c.participant_id for c in batch.cards]
            write_notices_pdf(notice_out, notices_for(service, accounts.profile(), people), paper)
        cards.record_print(batch, args.reason or "")
    finally:
        db.close()
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


def cmd_peserta_notice(args: argparse.Namespace) -> dict[str, Any]:
    _qt_offscreen()
    from kudus_desktop.render.notice import write_notices_pdf

    db, accounts = _open_initialised(args)
    try:
        service = ParticipantService(db, _actor(args))
        ids: list[int] = []
        for raw in args.nik or ():
            person = service.find_by_nik(raw)
            if person is None:
                raise KudusError("card_nik_unknown", nik=raw)
            ids.append(person.id)
        out = Path(args.out)
        pages = write_notices_pdf(out, notices_for(service, accounts.profile(), ids), Paper(args.paper))
        service.log_event("notice_printed", f"{pages} lembar informasi data pribadi, {out.name}")
    finally:
        db.close()
    return {"out": str(out), "pages": pages, "message": f"{pages} lembar informasi data pribadi ditulis ke {out}"}


def cmd_cards_changed(args: argparse.Namespace) -> dict[str, Any]:
    db, accounts = _open_initialised(args)
    try:
        stale = CardService(db, ParticipantService(db, _actor(args)), accounts.profile()).stale_cards()
    finally:
        db.close()
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
    _qt_offscreen()
    from kudus_desktop.render.table import write_table_pdf

    db, accounts = _open_initialised(args)
    try:
        service = ParticipantService(db, _actor(args))
        query = ParticipantQuery(status=args.status or "", category=args.category or "")
        table = participant_list(service, accounts.profile(), query)
        pages = write_table_pdf(Path(args.out), table, Paper(args.paper))
        service.log_event("list_printed", f"{len(table.rows)} peserta ke {Path(args.out).name}")
    finally:
        db.close()
    return {
        "out": args.out,
        "rows": len(table.rows),
        "pages": pages,
        "message": f"{len(table.rows)} peserta, {pages} halaman, ditulis ke {args.out}",
    }


def cmd_key(args: argparse.Namespace) -> dict[str, Any]:
    db, _ = _open_initialised(args)
    try:
        pem = public_key_pem(db)
    finally:
        db.close()
    fingerprint = key_fingerprint(load_public_key(pem.encode()))
    if args.out:
        Path(args.out).write_text(pem, encoding="ascii")
    message = f"Kunci publik desa ditulis ke {args.out}" if args.out else pem.rstrip()
    return {"public_key": pem, "fingerprint": fingerprint, "message": f"{message}\nSidik jari: {fingerprint}"}


def cmd_verify_card(args: argparse.Namespace) -> dict[str, Any]:
    try:
        data = Path(args.public_key).read_bytes()
    except OSError:
        raise KudusError("public_key_invalid") from None
    payload = verify_payload(args.text, load_public_key(data))
    return {
        "reg_no": payload.reg_no,
        "kpj": payload.kpj,
        "desa_code": payload.desa_code,
        "issue_date": payload.issue_date.isoformat(),
        "status": payload.status,
        "message": f"Kartu asli: {payload.reg_no} (desa {payload.desa_code}), "
        f"dicetak {format_date(payload.issue_date)}"
        + (
            "; saat dicetak: terdaftar di BPJS"
            if payload.status == "TERDAFTAR"
            else "; saat dicetak: menunggu pendaftaran BPJS, belum terlindungi"
            if payload.status == "MENUNGGU"
            else ""
        ),
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
    db, _ = _open_initialised(args)
    try:
        importer = ImportService(ParticipantService(db, _actor(args)))
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
    finally:
        db.close()

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
    db, accounts = _open_initialised(args)
    try:
        service = ParticipantService(db, _actor(args))
        out = Path(args.out)
        if args.kind == "roster":
            status = args.status or ""
            n = export_roster(service, accounts.profile(), out, query=ParticipantQuery(status=status))
        else:
            columns = [c.strip() for c in args.columns.split(",")] if args.columns else None
            n = export_bpjs_list(service, out, columns=columns)
    finally:
        db.close()
    return {"out": str(out), "rows": n, "message": f"{n} peserta ditulis ke {out}"}


def cmd_backup(args: argparse.Namespace) -> dict[str, Any]:
    db, _ = _open_initialised(args)
    if not db.is_sqlite:
        db.close()
        raise KudusError("backup_server_store", url=db.label)
    if args.passphrase_file:
        if not args.to:
            db.close()
            raise KudusError("required", field="--to")
        made = encrypted_backup(db.path, Path(args.to), _read_password(args.passphrase_file))
    else:
        made = backup_database(db.path, Path(args.to) if args.to else None)
    log_event(db, _actor(args).username, "backup", str(made))
    db.close()
    return {"backup": str(made), "message": f"Cadangan dibuat: {made}"}


def cmd_restore(args: argparse.Namespace) -> dict[str, Any]:
    data_dir = _data_dir(args)
    passphrase = _read_password(args.passphrase_file) if args.passphrase_file else None
    if (data_dir / DB_FILE_NAME).exists():  # an admin of the data being replaced decides
        db, _ = _open_initialised(args)
        db.close()
    kept = restore_database(data_dir, Path(args.file), passphrase)
    db = open_database(data_dir)
    try:
        log_event(db, _actor(args).username, "restore", f"dari {args.file}; yang lama di {kept.name}")
    finally:
        db.close()
    return {
        "restored_from": args.file,
        "previous_kept_at": str(kept),
        "message": f"Basis data dipulihkan dari {args.file}; basis data sebelumnya disimpan di {kept}",
    }


def cmd_sync_setup_file(args: argparse.Namespace) -> dict[str, Any]:
    db, _ = _open_initialised(args)
    try:
        path, setup = RegencySync(db, _actor(args)).make_setup_file(args.desa, Path(args.out), server=args.server)
    finally:
        db.close()
    return {
        "out": str(path),
        "desa": setup.desa,
        "fingerprint": setup.fingerprint,
        "message": f"Berkas setup untuk Desa {setup.desa_name} ditulis ke {path}\n"
        f"Sidik jari kabupaten: {setup.fingerprint} (bacakan kepada operator desa saat bergabung)",
    }


def cmd_sync_join(args: argparse.Namespace) -> dict[str, Any]:
    db, _ = _open_initialised(args)
    try:
        sync = VillageSync(db, _actor(args))
        setup = sync.join(Path(args.file))
        status = sync.status()
    finally:
        db.close()
    return {
        "regency": setup.regency,
        "regency_fingerprint": setup.fingerprint,
        "device_fingerprint": status.fingerprint,
        "message": f"Terhubung dengan {setup.regency_name}. Sidik jari kabupaten: {setup.fingerprint}\n"
        f"Sidik jari perangkat ini (bacakan kepada operator kabupaten): {status.fingerprint}",
    }


def cmd_sync_export(args: argparse.Namespace) -> dict[str, Any]:
    db, _ = _open_initialised(args)
    try:
        sync = VillageSync(db, _actor(args))
        result = sync.export_package(Path(args.to), full=args.full)
        fingerprint = sync.status().fingerprint
    finally:
        db.close()
    return {
        "seq": result.seq,
        "file": str(result.copied_to),
        "participants": result.participants,
        "history": result.history,
        "full": result.full,
        "device_fingerprint": fingerprint,
        "message": f"Paket {result.seq}{' (lengkap)' if result.full else ''}: {result.participants} peserta, "
        f"ditulis ke {result.copied_to}. Sidik jari perangkat: {fingerprint}",
    }


def cmd_sync_import(args: argparse.Namespace) -> dict[str, Any]:
    db, accounts = _open_initialised(args)
    try:
        if accounts.profile().mode == Mode.DESA:
            results = []
            refused = []
            for name in args.files:
                try:
                    r = VillageSync(db, _actor(args)).import_receipt(Path(name))
                except SyncError as exc:  # one bad file never stops the others
                    refused.append({"file": name, "code": exc.code, "message": " ".join(str(exc).split())})
                    continue
                results.append({"file": name, **asdict(r)})
            lines = [
                f"{r['file']}: tanda terima {r['seq']} "
                + ("sudah diterapkan sebelumnya; tidak ada yang berubah" if r["already_applied"] else
                   f"diterapkan: {r['accepted']} diterima, {r['rejected']} ditolak, {r['review']} ditinjau, "
                   f"{r['kpj_assigned']} nomor KPJ baru")
                + (f"; kabupaten belum menerima paket {format_ranges(r['missing'])}" if r["missing"] else "")
                for r in results
            ] + [f"{r['file']}: DITOLAK: {r['message']}" for r in refused]  # fmt: skip
            return {"receipts": results, "refused": refused, "exit_code": EXIT_BAD_INPUT if refused else 0,
                    "message": "\n".join(lines)}  # fmt: skip
        confirm_list = [normalise_fingerprint(f) for f in args.confirm_device or []]

        def confirm(pending: PendingDevice) -> str | None:
            if pending.fingerprint in confirm_list:
                return pending.fingerprint
            return confirm_list[0] if len(confirm_list) == 1 else None

        files = package_files(Path(f) for f in args.files)
        report = RegencySync(db, _actor(args)).import_files(files, confirm=confirm)
    finally:
        db.close()
    lines = [
        f"{r.name}: " + ("sudah pernah diimpor; tidak ada yang berubah" if r.already else
                         f"diimpor ({r.added} baru, {r.updated} diubah, {r.unchanged} tetap, {r.duplicates} NIK ganda"
                         + (f", {r.rejected} baris ditolak (alasannya ikut tanda terima desa)" if r.rejected else "")
                         + (f", {r.reconciled} didaftarkan ulang desa" if r.reconciled else "") + ")"
                         + ("; kunci baru perangkat desa didaftarkan" if r.rotated else
                            "; perangkat baru didaftarkan" if r.registered else ""))
        for r in report.done
    ] + [f"{f.name}: DITOLAK: {' '.join(f.message.split())}" for f in report.failed]  # fmt: skip
    if not files:
        lines.append("Tidak ada berkas paket (*.kdp) yang ditemukan.")
    return {
        "imported": [asdict(r) for r in report.done],
        "refused": [asdict(f) for f in report.failed],
        "exit_code": EXIT_BAD_INPUT if report.failed or not files else 0,
        "message": "\n".join(lines),
    }


def cmd_sync_receipts(args: argparse.Namespace) -> dict[str, Any]:
    db, _ = _open_initialised(args)
    try:
        paths = RegencySync(db, _actor(args)).write_receipts(Path(args.to), args.desa or None)
    finally:
        db.close()
    lines = [f"Tanda terima ditulis: {p}" for p in paths] or ["Belum ada desa yang mengirim paket."]
    return {"receipts": [str(p) for p in paths], "message": "\n".join(lines)}


def cmd_sync_request_full(args: argparse.Namespace) -> dict[str, Any]:
    db, _ = _open_initialised(args)
    try:
        n = RegencySync(db, _actor(args)).request_full_resend(args.desa)
    finally:
        db.close()
    return {
        "devices": n,
        "message": f"Permintaan kirim ulang lengkap untuk {args.desa} ikut tanda terima berikutnya ({n} perangkat).",
    }


def cmd_sync_status(args: argparse.Namespace) -> dict[str, Any]:
    db, accounts = _open_initialised(args)
    try:
        if accounts.profile().mode == Mode.DESA:
            st = VillageSync(db, _actor(args)).status()
            lines = [
                f"Kabupaten: {st.regency_name or '(belum bergabung)'} {st.regency_fingerprint}",
                f"Perangkat ini: {st.device_id}, sidik jari {st.fingerprint}",
                f"Belum dikirim: {st.unsent} peserta, {st.unsent_payments} pembayaran; paket terakhir: {st.last_seq}; "
                f"tanda terima: {st.receipt_seq}",
            ]
            if st.missing:
                lines.append(f"Kabupaten belum menerima {st.missing_count} paket: {format_ranges(st.missing)}")
            if st.rotation_from:
                lines.append(f"Kunci perangkat baru menunggu diterima kabupaten (kunci lama: {st.rotation_from}).")
            if st.full_resend:
                lines.append("Kabupaten meminta kirim ulang lengkap: paket berikutnya berisi semua data.")
            return {"status": asdict(st), "message": "\n".join(lines)}
        regency = RegencySync(db, _actor(args))
        villages = regency.villages()
        devices = regency.devices()
    finally:
        db.close()
    lines = [
        f"{v.code}  {v.name:<22} {v.kecamatan:<12} perangkat {v.devices}  paket terakhir {v.last_seq:>4}  "
        f"kontak {v.last_contact or '-':<19}  aktif {v.active:>5}"
        + (f"  HILANG: {v.missing_count} ({format_ranges(v.missing)})" if v.missing else "")
        + (f"  DITOLAK: {v.rejected} data" if v.rejected else "")
        for v in villages
    ]
    lines.append(f"{sum(1 for v in villages if v.packages)} dari {len(villages)} desa sudah mengirim paket.")
    return {"villages": [asdict(v) for v in villages], "devices": [asdict(d) for d in devices],
            "message": "\n".join(lines)}  # fmt: skip


def cmd_sync_devices(args: argparse.Namespace) -> dict[str, Any]:
    db, _ = _open_initialised(args)
    try:
        devices = RegencySync(db, _actor(args)).devices()
    finally:
        db.close()
    states = {"current": "aktif", "retired": "diganti", "revoked": "DICABUT"}
    lines = [
        f"{d.desa_code} {d.desa_name:<20} {d.device_id}  {d.fingerprint}  {states[d.state]:<8} paket terakhir "
        f"{d.last_seq}" + (f"  ({d.revoke_reason})" if d.revoke_reason else "")
        for d in devices
    ]
    return {"devices": [asdict(d) for d in devices], "message": "\n".join(lines) or "Belum ada perangkat desa."}


def cmd_sync_revoke(args: argparse.Namespace) -> dict[str, Any]:
    db, _ = _open_initialised(args)
    try:
        device = RegencySync(db, _actor(args)).revoke_device(args.device, args.reason)
    finally:
        db.close()
    return {
        "device": asdict(device),
        "message": f"Perangkat {device.device_id} ({device.desa_name}, sidik jari {device.fingerprint}) dicabut: "
        "paket dan permintaannya tidak diterima lagi. Perangkat baru desa dikonfirmasi dengan sidik jarinya.",
    }


def cmd_sync_rotate_keys(args: argparse.Namespace) -> dict[str, Any]:
    db, _ = _open_initialised(args)
    try:
        result = VillageSync(db, _actor(args)).rotate_keys()
    finally:
        db.close()
    return {
        **asdict(result),
        "message": f"Kunci perangkat diganti. Sidik jari lama: {result.old_fingerprint}; sidik jari baru: "
        f"{result.new_fingerprint}. Paket berikutnya membawa kunci baru, ditandatangani kunci lama; kabupaten "
        "mendaftarkannya tanpa telepon (kecuali perangkat lama sudah dicabut).",
    }


def cmd_sync_limit(args: argparse.Namespace) -> dict[str, Any]:
    db, accounts = _open_initialised(args)
    try:
        if accounts.profile().mode != Mode.KABUPATEN:
            raise KudusError("sync_wrong_mode", mode=Mode.KABUPATEN)
        with db.begin() as conn:
            if args.payload_mb is not None:
                if not 1 <= args.payload_mb <= 1024:
                    raise KudusError("settings_invalid", field="--payload-mb", value=args.payload_mb)
                settings.write(conn, {settings.SYNC_MAX_PAYLOAD_MB: str(args.payload_mb)})
            value = int(settings.read_all(conn)[settings.SYNC_MAX_PAYLOAD_MB.key])
    finally:
        db.close()
    return {"payload_mb": value, "message": f"Isi paket terbesar yang dibuka: {value} MB setelah diurai."}


def _desa_code(code: str | None) -> str:
    """A desa or kecamatan code of this regency, or empty for all."""
    if not code:
        return ""
    reg = region(code)
    if reg is None or reg.level not in ("desa", "kecamatan"):
        raise KudusError("area_code_unknown", code=code)
    return reg.code


def cmd_bpjs_export(args: argparse.Namespace) -> dict[str, Any]:
    db, _ = _open_initialised(args)
    try:
        columns = [c.strip() for c in args.columns.split(",")] if args.columns else None
        result = BpjsService(db, _actor(args)).export_list(
            Path(args.out), desa=_desa_code(args.desa), include_sent=args.include_sent, columns=columns
        )
    finally:
        db.close()
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
    db, _ = _open_initialised(args)
    try:
        service = BpjsService(db, _actor(args))
        path = Path(args.file)
        preview = service.preview_results(path, sheet=args.sheet)
        if args.map:
            mapping = {**preview.mapping, **(_mapping(preview.headers, args.map) or {})}
            preview = service.preview_results(path, sheet=preview.sheet, mapping=mapping)
        applied = None if args.dry_run else service.apply_results(preview)
    finally:
        db.close()
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
    db, accounts = _open_initialised(args)
    try:
        ov = overview(db, _actor(args))
        out = Path(args.out)
        n = export_coverage(ov, accounts.profile(), out, _actor(args).full_name)
        log_event(db, _actor(args).username, "coverage_report", out.name)
    finally:
        db.close()
    t = ov.total
    return {"out": str(out), "villages": n, "active": t.active, "silent": t.silent,
            "message": f"Laporan cakupan {n} desa ditulis ke {out}: {t.active} peserta aktif, "
                       f"{t.silent} desa tanpa kabar 30 hari, {t.open_cases} kasus ganda terbuka."}  # fmt: skip


def cmd_ganda_scan(args: argparse.Namespace) -> dict[str, Any]:
    db, _ = _open_initialised(args)
    try:
        r = DoubleEnrolmentService(db, _actor(args)).scan()
    finally:
        db.close()
    return {"scan": asdict(r),
            "message": f"Baru: {r.opened['nik']} NIK sama di dua desa, {r.opened['apbd']} NIK di daftar APBD, "
                       f"{r.opened['similar']} mirip. Selesai sendiri: {r.closed}. Terbuka: {r.open_total}. "
                       f"({r.seconds:.2f} detik)"}  # fmt: skip


def _case_line(c: DuplicateCase) -> str:
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
    db, _ = _open_initialised(args)
    try:
        cases = DoubleEnrolmentService(db, _actor(args)).cases(
            status="" if args.all else "open", kind=args.kind or "", desa=_desa_code(args.desa)
        )
    finally:
        db.close()
    lines = [_case_line(c) for c in cases] or ["Tidak ada kasus kepesertaan ganda."]
    return {"cases": [asdict(c) for c in cases], "message": "\n".join(lines)}


def cmd_ganda_decide(args: argparse.Namespace) -> dict[str, Any]:
    db, _ = _open_initialised(args)
    try:
        case = DoubleEnrolmentService(db, _actor(args)).decide(args.id, args.decision, args.note or "")
    finally:
        db.close()
    return {"case": asdict(case), "message": f"Diputuskan: {_case_line(case)}. Desa yang ditolak menerimanya di "
                                             "tanda terima berikutnya."}  # fmt: skip


def cmd_apbd_import(args: argparse.Namespace) -> dict[str, Any]:
    db, _ = _open_initialised(args)
    try:
        r = DoubleEnrolmentService(db, _actor(args)).import_apbd(Path(args.file), sheet=args.sheet)
    finally:
        db.close()
    lines = [
        f"Daftar APBD: {r.members} NIK ({r.added} baru, {r.removed} keluar) dari lembar {r.sheet}; "
        f"{r.scan.opened['apbd']} peserta desa juga ada di daftar APBD (menunggu keputusan)."
    ]
    lines += [f"  baris {x.row}: NIK {x.nik or '-'}: {x.reason}" for x in r.rejected]
    return {"members": r.members, "added": r.added, "removed": r.removed, "cases": r.scan.opened["apbd"],
            "rejected": [{"row": x.row, "nik": x.nik, "reason": x.reason} for x in r.rejected],
            "message": "\n".join(lines)}  # fmt: skip


def cmd_sync_push(args: argparse.Namespace) -> dict[str, Any]:
    db, _ = _open_initialised(args)
    try:
        client = HubClient(db, _actor(args))
        result = client.run(make_package=not args.no_package)
        state = client.state()
    finally:
        db.close()
    lines = []
    if result.made:
        lines.append(f"Paket {result.made.seq} dibuat: {result.made.participants} peserta.")
    if result.uploaded:
        lines.append(f"Terkirim ke server: paket {', '.join(map(str, result.uploaded))}.")
    if result.pending:
        lines.append(
            f"Diterima server, menunggu konfirmasi sidik jari di kabupaten: {state.pending_fingerprint} "
            f"(paket {', '.join(map(str, result.pending))})."
        )
    if not (result.made or result.uploaded or result.pending):
        lines.append("Tidak ada paket yang perlu dikirim.")
    if result.receipt:
        lines.append(_receipt_line(asdict(result.receipt)))
    return {
        "made": result.made.seq if result.made else None,
        "uploaded": result.uploaded,
        "pending": result.pending,
        "receipt": asdict(result.receipt) if result.receipt else None,
        "waiting": state.waiting,
        "message": "\n".join(lines),
    }


def cmd_sync_pull(args: argparse.Namespace) -> dict[str, Any]:
    db, _ = _open_initialised(args)
    try:
        client = HubClient(db, _actor(args))
        receipt = client.pull()
        state = client.state()
    finally:
        db.close()
    if receipt is None:
        message = (
            f"Kabupaten belum mengonfirmasi perangkat ini (sidik jari {state.pending_fingerprint})."
            if state.pending_fingerprint
            else "Belum ada tanda terima dari kabupaten."
        )
        return {"receipt": None, "message": message}
    return {"receipt": asdict(receipt), "message": _receipt_line(asdict(receipt))}


def _receipt_line(r: dict[str, Any]) -> str:
    if r["already_applied"]:
        text = f"Tanda terima {r['seq']} sudah diterapkan sebelumnya; tidak ada yang berubah"
    else:
        text = (
            f"Tanda terima {r['seq']} diterapkan: {r['accepted']} diterima, {r['rejected']} ditolak, "
            f"{r['review']} ditinjau, {r['kpj_assigned']} nomor KPJ baru"
        )
    if r["missing"]:
        text += f"; kabupaten belum menerima paket {format_ranges(r['missing'])}"
    if r.get("resent"):
        text += f"; {r['resent']} data dikirim ulang (di kabupaten ada versi lebih baru dari cadangan yang dipulihkan)"
    if r.get("renumbered"):
        text += f"; {r['renumbered']} peserta mendapat nomor registrasi baru (nomor lamanya sudah dipakai)"
    if r.get("superseded"):
        text += f"; paket {', '.join(map(str, r['superseded']))} digantikan: paket berikutnya berisi semua data"
    return text + "."


def cmd_hub_serve(args: argparse.Namespace) -> dict[str, Any]:
    from kudus_desktop.server.run import ServeOptions, serve

    if bool(args.cert) != bool(args.key):
        raise KudusError("required", field="--cert/--key")
    db, _ = _open_initialised(args)
    options = ServeOptions(
        host=args.host, port=args.port, certfile=Path(args.cert) if args.cert else None,
        keyfile=Path(args.key) if args.key else None, max_body=args.max_body_mb * 1024 * 1024,
        per_minute=args.rate, burst=args.burst, max_bodies=max(1, args.max_bodies),
    )  # fmt: skip
    print(f"Server sinkronisasi {db.label} di {'https' if args.cert else 'http'}://{args.host}:{args.port}", flush=True)
    try:
        serve(db, options)
    finally:
        db.close()
    return {"message": "Server sinkronisasi berhenti."}


def cmd_hub_pending(args: argparse.Namespace) -> dict[str, Any]:
    db, _ = _open_initialised(args)
    try:
        rows = RegencySync(db, _actor(args)).pending()
    finally:
        db.close()
    lines = [f"{r.desa} {r.desa_name}  perangkat {r.device}  sidik jari {r.fingerprint}  ({r.name})" for r in rows]
    return {
        "pending": [asdict(r) for r in rows],
        "message": "\n".join(lines) or "Tidak ada perangkat yang menunggu konfirmasi.",
    }


def cmd_hub_confirm(args: argparse.Namespace) -> dict[str, Any]:
    db, _ = _open_initialised(args)
    try:
        report = RegencySync(db, _actor(args)).confirm_pending(args.device, args.fingerprint)
    finally:
        db.close()
    lines = [f"{r.name}: diimpor ({r.added} baru, {r.updated} diubah)" for r in report.done]
    lines += [f"{f.name}: DITOLAK: {' '.join(f.message.split())}" for f in report.failed]
    return {
        "imported": [asdict(r) for r in report.done],
        "refused": [asdict(f) for f in report.failed],
        "exit_code": EXIT_BAD_INPUT if report.failed else 0,
        "message": "\n".join(lines),
    }


def cmd_store_copy(args: argparse.Namespace) -> dict[str, Any]:
    src = open_database(_data_dir(args), create=False)
    try:
        accounts = AccountService(src)
        if not accounts.profile().initialised:
            raise KudusError("not_initialised", path=str(src.data_dir))
        _log_in(args, accounts)
        dst = open_store(_data_dir(args), args.to)
        try:
            copied = copy_store(src, dst)
        finally:
            dst.close()
    finally:
        src.close()
    total = copied.get("participant", 0)
    return {
        "tables": copied,
        "message": f"Disalin ke {dst.label}: {total} peserta, {sum(copied.values())} baris dalam {len(copied)} tabel. "
        f"Jalankan perintah berikutnya dengan --db atau KUDUS_DATABASE_URL.",
    }


def _premiums(db: Any, args: argparse.Namespace) -> PremiumService:
    return PremiumService(db, _actor(args))


def cmd_iuran_bill(args: argparse.Namespace) -> dict[str, Any]:
    month = parse_month(args.month)
    db, _ = _open_initialised(args)
    try:
        bill = _premiums(db, args).bill(month)
        nik = _nik_shown(args, db, f"tagihan iuran ({len(bill.lines)} orang)") if bill.lines else mask_nik
    finally:
        db.close()
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
    db, _ = _open_initialised(args)
    try:
        ids: tuple[int, ...] | None = None
        if args.nik:
            service = ParticipantService(db, _actor(args))
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
    finally:
        db.close()
    return {
        "id": payment.id, "uid": payment.uid, "amount": payment.amount, "people": payment.people,
        "first_month": month_text(payment.first_month), "last_month": month_text(payment.last_month),
        "message": f"Pembayaran {format_rupiah(payment.amount)} dicatat untuk {payment.people} peserta, "
        f"{payment.period} (nomor {payment.id}).",
    }  # fmt: skip


def cmd_iuran_void(args: argparse.Namespace) -> dict[str, Any]:
    db, _ = _open_initialised(args)
    try:
        _premiums(db, args).void(args.id, args.reason)
    finally:
        db.close()
    return {"id": args.id, "message": f"Pembayaran {args.id} dibatalkan; bulannya kembali belum dibayar."}


def cmd_iuran_payments(args: argparse.Namespace) -> dict[str, Any]:
    db, _ = _open_initialised(args)
    try:
        rows = _premiums(db, args).payments(args.year)
    finally:
        db.close()
    lines = [
        f"{p.id:>4}  {p.paid_on}  {format_rupiah(p.amount):>14}  {p.people:>5} peserta  {p.period}  {p.reference}"
        + (f"  DIBATALKAN: {p.void_reason}" if p.voided_at else "")
        for p in rows
    ]
    return {"payments": [asdict(p) for p in rows], "message": "\n".join(lines) or "Belum ada pembayaran."}


def cmd_iuran_rates(args: argparse.Namespace) -> dict[str, Any]:
    db, _ = _open_initialised(args)
    try:
        if args.id is not None:
            _premiums(db, args).set_rate_active(args.id, args.state == "on")
        rates = _premiums(db, args).rates()
    finally:
        db.close()
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
    db, _ = _open_initialised(args)
    try:
        premiums = _premiums(db, args)
        plan = premiums.plan(args.year, args.additions)
        if args.set:
            premiums.set_budget(args.year, parse_rupiah(args.set), args.additions)
    finally:
        db.close()
    rates = sorted({r for _, r in plan.monthly})
    message = (
        f"Anggaran iuran {plan.year}: ({plan.active} peserta + {plan.planned_additions} tambahan) x 12 bulan x "
        f"{' / '.join(format_rupiah(r) for r in rates)} = {format_rupiah(plan.total)}"
        + (f"; dicatat sebagai anggaran APBDes {format_rupiah(parse_rupiah(args.set))}" if args.set else "")
    )
    return {"year": plan.year, "people": plan.people, "total": plan.total, "message": message}


def cmd_report_iuran(args: argparse.Namespace) -> dict[str, Any]:
    db, accounts = _open_initialised(args)
    try:
        premiums = _premiums(db, args)
        recap = premiums.recap(args.year)
        plan = premiums.plan(args.year + 1, args.additions)
        profile = accounts.profile()
        out = Path(args.out)
        n = export_premium_report(recap, plan, profile, out, _actor(args).full_name, date.today())
        pages = 0
        if args.pdf:
            _qt_offscreen()
            from kudus_desktop.render.table import write_table_pdf

            pages = write_table_pdf(
                Path(args.pdf), premium_recap(recap, profile, _actor(args).full_name, date.today()), Paper(args.paper)
            )
        log_event(db, _actor(args).username, "premium_report", out.name)
    finally:
        db.close()
    return {
        "out": str(out), "payments": n, "billed": recap.billed, "received": recap.received, "arrears": recap.arrears,
        "message": f"Laporan iuran {args.year} ditulis ke {out}: tagihan {format_rupiah(recap.billed)}, "
        f"diterima {format_rupiah(recap.received)}, tunggakan {format_rupiah(recap.arrears)}, {n} pembayaran"
        + (f"; rekap cetak {pages} halaman di {args.pdf}" if args.pdf else "") + ".",
    }  # fmt: skip


def cmd_selftest(args: argparse.Namespace) -> dict[str, Any]:
    from kudus_desktop import selftest

    def report(r: selftest.StepResult) -> None:
        if not args.json:
            print(f"{'OK   ' if r.ok else 'GAGAL'} {r.name}: {r.detail} ({r.seconds:.2f} s)", flush=True)

    results = selftest.run(report)
    failed = [r for r in results if not r.ok]
    message = (
        f"Uji mandiri {selftest.version_line()}: semua {len(results)} langkah berhasil."
        if not failed
        else f"Uji mandiri GAGAL pada langkah '{failed[0].name}': {failed[0].detail}"
    )
    return {
        "version": __version__,
        "steps": [asdict(r) for r in results],
        "exit_code": 1 if failed else 0,
        "message": message,
    }


def _counted(plan: PurgePlan, today: date) -> str:
    if plan.receipt_day is not None and plan.counted_to is not None:
        trusted = "tanda terima kabupaten terakhir" if plan.bound_by == "receipt" else "paket terbaru desa-desa"
        return (
            f"jam komputer menunjukkan {format_date(today)}, lebih dari sebulan setelah {trusted} "
            f"({format_date(plan.receipt_day)}): umur dihitung sampai {format_date(plan.counted_to)} saja"
        )
    return f"umur dihitung dari jam komputer, kini {format_date(today)}; perbaiki jamnya dulu bila salah"


def cmd_purge(args: argparse.Namespace) -> dict[str, Any]:
    db, _ = _open_initialised(args)
    try:
        retention = RetentionService(db, _actor(args))
        if args.set_years is not None:
            retention.set_years(args.set_years)
        plan = retention.plan()
        if args.confirm is None:
            return {
                "years": plan.years, "cutoff": plan.cutoff.isoformat(), "due": plan.count,
                "message": (
                    f"Masa simpan {plan.years} tahun: {plan.count} orang yang berhenti sebelum "
                    f"{plan.cutoff.isoformat()} akan dihapus ({_counted(plan, retention.today())}). "
                    f"Jalankan lagi dengan --confirm {plan.count}."
                    if plan.years else "Masa simpan belum diatur (0 tahun): tidak ada yang dihapus. "
                    "Atur dengan --set-years N."
                ),
            }  # fmt: skip
        done = retention.purge(expected=args.confirm)
    finally:
        db.close()
    return {
        "years": done.years, "cutoff": done.cutoff.isoformat(), "removed": done.count,
        "message": f"{done.count} orang dihapus untuk selamanya; basis data dipadatkan. Cadangan lama masih "
        f"menyimpannya sampai terhapus oleh rotasi.",
    }  # fmt: skip


def _review_item(item: ReviewItem, nik: Callable[[str], str]) -> dict[str, Any]:
    return {
        "reg_no": item.reg_no, "nik": nik(item.nik), "name": item.full_name, "kind": item.kind.value,
        "state": item.state.value, "makers": list(item.makers), "submitted_at": item.submitted_at,
        "reason": item.reason, "reviewed_by": item.reviewed_by,
    }  # fmt: skip


def cmd_approval_list(args: argparse.Namespace) -> dict[str, Any]:
    db, _ = _open_initialised(args)
    try:
        review = ReviewService(db, _actor(args))
        items = review.queue(args.state or "")
        required = review.required()
        details = {i.participant_id: review.changes(i.participant_id) for i in items} if args.changes else {}
        nik = _nik_shown(args, db, f"antrean persetujuan ({len(items)} orang)") if items else mask_nik
    finally:
        db.close()

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


def _review_ids(db: Database, args: argparse.Namespace, review: ReviewService) -> list[int]:
    if args.all:
        return [i.participant_id for i in review.queue(ReviewState.WAITING)]
    if not args.nik:
        raise KudusError("required", field="--nik atau --all")
    service = ParticipantService(db, _actor(args))
    ids = []
    for raw in args.nik:
        person = service.find_by_nik(raw)
        if person is None:
            raise KudusError("card_nik_unknown", nik=raw)
        ids.append(person.id)
    return ids


def cmd_approval_approve(args: argparse.Namespace) -> dict[str, Any]:
    db, _ = _open_initialised(args)
    try:
        review = ReviewService(db, _actor(args))
        result = review.approve(_review_ids(db, args, review))
    finally:
        db.close()
    message = f"{result.approved} peserta disetujui."
    if result.own:
        message += f" {len(result.own)} Anda ubah sendiri dan tetap menunggu: {', '.join(result.own)}."
    return {"approved": result.approved, "own": list(result.own), "message": message}


def cmd_approval_decline(args: argparse.Namespace) -> dict[str, Any]:
    db, _ = _open_initialised(args)
    try:
        review = ReviewService(db, _actor(args))
        n = review.decline(_review_ids(db, args, review), args.reason)
    finally:
        db.close()
    return {"declined": n, "message": f"{n} peserta dikembalikan ke operator: {args.reason}"}


def cmd_approval_required(args: argparse.Namespace) -> dict[str, Any]:
    db, _ = _open_initialised(args)
    try:
        ReviewService(db, _actor(args)).set_required(args.state == "on")
    finally:
        db.close()
    word = "wajib" if args.state == "on" else "tidak wajib"
    return {"required": args.state == "on", "message": f"Persetujuan verifikator sekarang {word}."}


def cmd_report_lost(args: argparse.Namespace) -> dict[str, Any]:
    if bool(args.packages) == bool(args.device):
        raise KudusError("required", field="--packages atau --device")
    db, accounts = _open_initialised(args)
    try:
        lost = LostMediaService(db, _actor(args))
        report = lost.device() if args.device else lost.packages(args.packages)
        out = Path(args.out)
        n = export_lost_report(report, accounts.profile(), out, _actor(args).full_name, date.today())
    finally:
        db.close()
    return {
        "out": str(out), "people": n, "packages": list(report.packages),
        "message": f"{n} orang yang datanya ada di {'perangkat ini' if args.device else 'paket itu'} "
        f"ditulis ke {out}. Berkas ini memuat NIK lengkap: simpan dan kirim dengan hati-hati.",
    }  # fmt: skip


#: Who may run what. Missing: free to anyone at the PC (reads, NIKs masked). A function:
#: the need depends on the options (a preview is free, its --commit is not).
NEEDS: dict[Callable[[argparse.Namespace], dict[str, Any]], Need | Callable[[argparse.Namespace], Need | None]] = {
    cmd_purge: lambda a: ADMIN if a.set_years is not None or a.confirm is not None else None,
    cmd_peserta_list: lambda a: REVEAL if a.show_nik else None,
    cmd_peserta_report: REVEAL,
    cmd_peserta_review: ANYONE,
    cmd_peserta_notice: ANYONE,
    cmd_peserta_print: REVEAL,
    cmd_cards: lambda a: None if a.calibration else ANYONE,
    cmd_cards_changed: ANYONE,
    cmd_import: lambda a: MAKER if a.commit else None,
    cmd_export: lambda a: REVEAL if a.kind == "roster" else MAKER,
    cmd_backup: ADMIN,
    cmd_restore: ADMIN,
    cmd_sync_setup_file: ADMIN,
    cmd_sync_join: ADMIN,
    cmd_sync_export: ANYONE,
    cmd_sync_import: lambda a: ADMIN if a.confirm_device else ANYONE,
    cmd_sync_receipts: ANYONE,
    cmd_sync_request_full: ANYONE,
    cmd_sync_push: ANYONE,
    cmd_sync_pull: ANYONE,
    cmd_sync_revoke: ADMIN,
    cmd_sync_rotate_keys: ADMIN,
    cmd_sync_limit: lambda a: ADMIN if a.payload_mb is not None else None,
    cmd_hub_serve: ANYONE,
    cmd_hub_confirm: ADMIN,
    cmd_store_copy: ADMIN,
    cmd_bpjs_export: MAKER,
    cmd_bpjs_import: lambda a: None if a.dry_run else MAKER,
    cmd_iuran_pay: MAKER,
    cmd_iuran_void: MAKER,
    cmd_iuran_rates: lambda a: ADMIN if a.id is not None else None,
    cmd_iuran_budget: lambda a: ADMIN if a.set is not None else None,
    cmd_approval_approve: CHECKER,
    cmd_approval_decline: CHECKER,
    cmd_approval_required: ADMIN,
    cmd_report_lost: CHECKER,
    cmd_report_iuran: ANYONE,
    cmd_report_coverage: ANYONE,
    cmd_ganda_scan: ANYONE,
    cmd_ganda_decide: DECIDER,
    cmd_apbd_import: ANYONE,
}


def _need(args: argparse.Namespace) -> Need | None:
    need = NEEDS.get(args.func)
    return need(args) if callable(need) and not isinstance(need, Need) else need


def build_parser() -> argparse.ArgumentParser:
    # The options are accepted before and after the subcommand; argparse would let a
    # subcommand's default overwrite the value given before it, so they go to other names.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", dest="sub_data_dir", help="folder data (juga: KUDUS_DATA_DIR)")
    common.add_argument("--json", dest="sub_json", action="store_true", help="keluaran JSON")
    db_help = "basis data server kabupaten (juga: KUDUS_DATABASE_URL)"
    common.add_argument("--db", dest="sub_db", metavar="URL", help=db_help)
    user_help = "akun yang menjalankan perintah (juga: KUDUS_USER)"
    password_help = "berkas berisi kata sandi akun itu (juga: KUDUS_PASSWORD_FILE atau KUDUS_PASSWORD)"
    common.add_argument("--user", dest="sub_user", metavar="NAMA", help=user_help)
    common.add_argument("--password-file", dest="sub_password_file", metavar="BERKAS", help=password_help)

    parser = argparse.ArgumentParser(
        prog="kudus-desktop",
        description="Kudus Desktop: kepesertaan BPJS Ketenagakerjaan pekerja rentan desa. "
        "Tanpa subperintah, jendela aplikasi dibuka.",
    )
    parser.add_argument("--data-dir", help="folder data (juga: KUDUS_DATA_DIR)")
    parser.add_argument("--json", action="store_true", help="keluaran JSON")
    parser.add_argument("--db", metavar="URL", help=db_help)
    parser.add_argument("--user", metavar="NAMA", help=user_help)
    parser.add_argument("--password-file", metavar="BERKAS", help=password_help)
    parser.set_defaults(
        func=None, sub_data_dir=None, sub_json=False, sub_db=None, sub_user=None, sub_password_file=None
    )
    parser.add_argument("--version", action="version", version=f"kudus-desktop {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="PERINTAH")

    p = sub.add_parser("init", parents=[common], help="menyiapkan folder data tanpa jendela")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--desa", metavar="KODE", help="kode desa Kemendagri, mis. 33.19.03.2008")
    which.add_argument("--kabupaten", metavar="KODE", help="kode kabupaten, 33.19")
    p.add_argument("--admin", required=True, metavar="NAMA", help="nama pengguna admin pertama")
    p.add_argument("--admin-name", metavar="NAMA", help="nama lengkap admin")
    p.add_argument("--head-name", metavar="NAMA", help="nama Kepala Desa untuk tanda tangan")
    p.add_argument("--head-title", metavar="JABATAN", help="jabatan penandatangan")
    p.add_argument("--office-phone", metavar="NOMOR", help="telepon kantor desa")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("purge", parents=[common], help="hapus untuk selamanya orang yang berhenti melewati masa simpan")
    p.add_argument(
        "--set-years", type=int, metavar="N", help="atur masa simpan (tahun setelah berhenti; 0: tidak pernah)"
    )
    p.add_argument(
        "--confirm", type=int, metavar="JUMLAH", help="jumlah orang yang sudah diperiksa; tanpa ini hanya ditampilkan"
    )
    p.set_defaults(func=cmd_purge)

    p = sub.add_parser("selftest", parents=[common], help="uji mandiri instalasi (di folder sementara)")
    p.set_defaults(func=cmd_selftest)

    p = sub.add_parser("info", parents=[common], help="profil kantor dan jumlah peserta")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("peserta", parents=[common], help="daftar peserta")
    psub = p.add_subparsers(dest="peserta_command", metavar="PERINTAH", required=True)
    pl = psub.add_parser("list", parents=[common], help="menampilkan peserta")
    pl.add_argument("--search", help="cari nama atau NIK")
    pl.add_argument("--status", choices=["aktif", "berhenti"])
    pl.add_argument("--category")
    pl.add_argument("--show-nik", action="store_true", help="tampilkan NIK lengkap")
    pl.set_defaults(func=cmd_peserta_list)
    pr = psub.add_parser("report", parents=[common], help="semua data tentang satu orang (permintaan akses)")
    pr.add_argument("--nik", required=True)
    pr.add_argument("--out", required=True, metavar="BERKAS.xlsx")
    pr.set_defaults(func=cmd_peserta_report)
    pv = psub.add_parser(
        "review", parents=[common], help="daftar tinjauan: batas umur, masa jabatan berakhir, hilang dari daftar sumber"
    )
    pv.add_argument("--out", metavar="BERKAS.xlsx", help="simpan juga sebagai Excel")
    pv.set_defaults(func=cmd_peserta_review)
    pn = psub.add_parser(
        "notice", parents=[common], help="lembar informasi data pribadi (UU 27/2022) untuk peserta, atau kosong"
    )
    pn.add_argument("--nik", nargs="+", metavar="NIK", help="peserta dengan NIK ini (tanpa ini: lembar kosong)")
    pn.add_argument("--out", required=True, metavar="BERKAS.pdf")
    pn.add_argument("--paper", choices=["A4", "F4"], default="A4")
    pn.set_defaults(func=cmd_peserta_notice)

    pp = psub.add_parser("print", parents=[common], help="daftar peserta sebagai PDF siap cetak")
    pp.add_argument("--out", required=True, metavar="BERKAS.pdf")
    pp.add_argument("--paper", choices=["A4", "F4"], default="A4")
    pp.add_argument("--status", choices=["aktif", "berhenti"])
    pp.add_argument("--category", metavar="KODE")
    pp.set_defaults(func=cmd_peserta_print)

    p = sub.add_parser("cards", parents=[common], help="kartu peserta sebagai PDF (depan dan belakang)")
    p.add_argument("--out", required=True, metavar="BERKAS.pdf")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--all", action="store_true", help="semua peserta aktif (bawaan)")
    which.add_argument("--unprinted", action="store_true", help="peserta aktif yang kartunya belum pernah dicetak")
    which.add_argument("--nik", nargs="+", metavar="NIK", help="peserta dengan NIK ini")
    which.add_argument(
        "--changed", action="store_true", help="kartu yang statusnya berubah sejak dicetak (cetak ulang)"
    )
    which.add_argument("--calibration", action="store_true", help="halaman kalibrasi pencetak saja")
    p.add_argument("--paper", choices=["A4", "F4"], default="A4")
    p.add_argument("--offset-x", type=float, default=0.0, metavar="MM", help="geser ke kanan (mm, boleh negatif)")
    p.add_argument("--offset-y", type=float, default=0.0, metavar="MM", help="geser ke bawah (mm, boleh negatif)")
    p.add_argument("--reason", metavar="ALASAN", help="alasan cetak ulang untuk kartu yang pernah dicetak")
    p.add_argument(
        "--with-notice", action="store_true",
        help="tulis juga lembar informasi data pribadi per peserta (BERKAS-informasi-data-pribadi.pdf)",
    )  # fmt: skip
    p.set_defaults(func=cmd_cards)

    p = sub.add_parser(
        "cards-changed", parents=[common], help="kartu yang tidak lagi benar: dicetak ulang atau ditarik kembali"
    )
    p.set_defaults(func=cmd_cards_changed)

    p = sub.add_parser("key", parents=[common], help="kunci publik desa untuk memeriksa kartu")
    p.add_argument("--out", metavar="BERKAS.pem")
    p.set_defaults(func=cmd_key)

    p = sub.add_parser("verify-card", parents=[common], help="periksa isi kode QR kartu dengan kunci publik desa")
    p.add_argument("text", metavar="TEKS_QR")
    p.add_argument("--public-key", required=True, metavar="BERKAS.pem")
    p.set_defaults(func=cmd_verify_card)

    p = sub.add_parser("import", parents=[common], help="impor daftar calon peserta dari Excel/ODS/CSV")
    p.add_argument("file", metavar="BERKAS")
    p.add_argument("--sheet", metavar="LEMBAR", help="nama lembar (bawaan: dicari otomatis)")
    p.add_argument("--source", metavar="NAMA", help="sumber data, mis. DTKS (bawaan: nama berkas)")
    p.add_argument("--source-date", metavar="TANGGAL", help="tanggal sumber data")
    p.add_argument("--category", default="pekerja_rentan", help="kategori bila berkas tidak menyebutnya")
    p.add_argument("--funding", default="pades", help="sumber dana bila berkas tidak menyebutnya")
    p.add_argument("--start", metavar="TANGGAL", help="tanggal mulai kepesertaan (bawaan: hari ini)")
    p.add_argument("--commit", action="store_true", help="simpan; tanpa ini hanya pratinjau")
    p.add_argument(
        "--complete-list", action="store_true",
        help="berkas ini daftar lengkap terbaru dari --source: peserta yang tidak ada lagi masuk daftar tinjauan",
    )  # fmt: skip
    p.add_argument(
        "--leave-out", action="append", metavar="KODE",
        help="lewati baris dengan peringatan ini (kode dari pratinjau, mis. age_over_limit); boleh berulang",
    )  # fmt: skip
    p.add_argument("--report", metavar="OUT.xlsx", help="tulis laporan masalah")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("backup", parents=[common], help="buat cadangan basis data sekarang")
    p.add_argument("--to", metavar="FOLDER", help="folder tujuan (bawaan: folder backups di folder data)")
    p.add_argument("--passphrase-file", metavar="BERKAS", help="enkripsi salinan dengan frasa sandi dari berkas ini")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", parents=[common], help="pulihkan basis data dari cadangan")
    p.add_argument("file", metavar="BERKAS")
    p.add_argument("--passphrase-file", metavar="BERKAS", help="frasa sandi cadangan terenkripsi")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("export", parents=[common], help="ekspor daftar peserta atau daftar pendaftaran BPJS")
    p.add_argument("kind", choices=["roster", "bpjs"])
    p.add_argument("--out", required=True, metavar="BERKAS.xlsx")
    p.add_argument("--status", choices=["aktif", "berhenti"], help="roster: hanya status ini")
    p.add_argument("--columns", help=f"bpjs: kolom dipisah koma, dari: {', '.join(BPJS_COLUMNS)}")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("sync", parents=[common], help="paket sinkronisasi desa dan tanda terima kabupaten")
    ssub = p.add_subparsers(dest="sync_command", metavar="PERINTAH", required=True)
    sp = ssub.add_parser("setup-file", parents=[common], help="kabupaten: berkas setup untuk satu desa")
    sp.add_argument("--desa", required=True, metavar="KODE")
    sp.add_argument("--out", required=True, metavar="BERKAS|FOLDER")
    sp.add_argument("--server", metavar="URL", help="alamat server sinkronisasi (bawaan: dari pengaturan)")
    sp.set_defaults(func=cmd_sync_setup_file)
    sp = ssub.add_parser("join", parents=[common], help="desa: bergabung dengan berkas setup dari kabupaten")
    sp.add_argument("file", metavar="BERKAS")
    sp.set_defaults(func=cmd_sync_join)
    sp = ssub.add_parser("export", parents=[common], help="desa: tulis paket perubahan sejak paket terakhir")
    sp.add_argument("--to", required=True, metavar="FOLDER", help="folder tujuan, mis. flashdisk")
    sp.add_argument("--full", action="store_true", help="kirim semua data, bukan hanya perubahan")
    sp.set_defaults(func=cmd_sync_export)
    sp = ssub.add_parser(
        "import", parents=[common], help="kabupaten: impor paket desa (berkas atau folder); desa: impor tanda terima"
    )
    sp.add_argument("files", nargs="+", metavar="BERKAS")
    sp.add_argument(
        "--confirm-device", action="append", metavar="SIDIK_JARI",
        help="kabupaten: daftarkan perangkat desa baru bila sidik jarinya sama dengan yang dibacakan desa",
    )  # fmt: skip
    sp.set_defaults(func=cmd_sync_import)
    sp = ssub.add_parser("receipts", parents=[common], help="kabupaten: tulis tanda terima untuk setiap desa")
    sp.add_argument("--to", required=True, metavar="FOLDER")
    sp.add_argument("--desa", nargs="+", metavar="KODE", help="hanya desa ini")
    sp.set_defaults(func=cmd_sync_receipts)
    sp = ssub.add_parser("request-full", parents=[common], help="kabupaten: minta desa mengirim ulang semua data")
    sp.add_argument("--desa", required=True, metavar="KODE")
    sp.set_defaults(func=cmd_sync_request_full)
    sp = ssub.add_parser("status", parents=[common], help="keadaan sinkronisasi (desa) atau daftar desa (kabupaten)")
    sp.set_defaults(func=cmd_sync_status)
    sp = ssub.add_parser("push", parents=[common], help="desa: kirim paket yang menunggu ke server kabupaten")
    sp.add_argument(
        "--no-package", action="store_true", help="hanya kirim paket yang sudah ada, jangan buat paket baru"
    )
    sp.set_defaults(func=cmd_sync_push)
    sp = ssub.add_parser("pull", parents=[common], help="desa: ambil dan terapkan tanda terima dari server kabupaten")
    sp.set_defaults(func=cmd_sync_pull)
    sp = ssub.add_parser("devices", parents=[common], help="kabupaten: perangkat desa terdaftar dan keadaannya")
    sp.set_defaults(func=cmd_sync_devices)
    sp = ssub.add_parser("revoke", parents=[common], help="kabupaten: cabut perangkat desa (komputer hilang/dicuri)")
    sp.add_argument("device", metavar="ID_PERANGKAT")
    sp.add_argument("--reason", required=True, metavar="ALASAN")
    sp.set_defaults(func=cmd_sync_revoke)
    sp = ssub.add_parser("rotate-keys", parents=[common], help="desa: ganti kunci perangkat ini")
    sp.set_defaults(func=cmd_sync_rotate_keys)
    sp = ssub.add_parser("limit", parents=[common], help="kabupaten: batas isi paket yang dibuka (MB)")
    sp.add_argument("--payload-mb", type=int, metavar="MB", help="ubah batasnya (1-1024; bawaan 32)")
    sp.set_defaults(func=cmd_sync_limit)

    p = sub.add_parser("hub", parents=[common], help="kabupaten: server sinkronisasi untuk desa yang daring")
    hsub = p.add_subparsers(dest="hub_command", metavar="PERINTAH", required=True)
    hp = hsub.add_parser("serve", parents=[common], help="jalankan server sinkronisasi (Ctrl+C untuk berhenti)")
    hp.add_argument("--host", default="127.0.0.1", help="alamat yang didengarkan (bawaan 127.0.0.1; 0.0.0.0: semua)")
    hp.add_argument("--port", type=int, default=8443)
    hp.add_argument("--cert", metavar="BERKAS.pem", help="sertifikat TLS (atau pakai proksi balik di depan server)")
    hp.add_argument("--key", metavar="BERKAS.pem", help="kunci privat sertifikat TLS")
    hp.add_argument("--max-body-mb", type=int, default=32, metavar="MB", help="ukuran kiriman terbesar (bawaan 32)")
    hp.add_argument("--rate", type=float, default=60.0, metavar="N", help="permintaan per menit per desa (bawaan 60)")
    hp.add_argument("--burst", type=int, default=20, metavar="N", help="permintaan sekaligus per desa (bawaan 20)")
    hp.add_argument("--max-bodies", type=int, default=4, metavar="N", help="kiriman yang diterima bersamaan (bawaan 4)")
    hp.set_defaults(func=cmd_hub_serve)
    hp = hsub.add_parser("pending", parents=[common], help="perangkat desa baru yang menunggu konfirmasi sidik jari")
    hp.set_defaults(func=cmd_hub_pending)
    hp = hsub.add_parser("confirm", parents=[common], help="daftarkan perangkat yang menunggu dan impor paketnya")
    hp.add_argument("--device", required=True, metavar="ID")
    hp.add_argument("--fingerprint", required=True, metavar="SIDIK_JARI", help="yang dibacakan operator desa")
    hp.set_defaults(func=cmd_hub_confirm)

    p = sub.add_parser("store", parents=[common], help="kabupaten: pindahkan data ke basis data server")
    stsub = p.add_subparsers(dest="store_command", metavar="PERINTAH", required=True)
    stp = stsub.add_parser("copy", parents=[common], help="salin basis data SQLite folder data ke PostgreSQL kosong")
    stp.add_argument("--to", required=True, metavar="URL", help="postgresql+psycopg://pengguna:sandi@host/nama")
    stp.set_defaults(func=cmd_store_copy)

    p = sub.add_parser("bpjs", parents=[common], help="kabupaten: daftar pendaftaran ke BPJS dan jawaban BPJS")
    bsub = p.add_subparsers(dest="bpjs_command", metavar="PERINTAH", required=True)
    bp = bsub.add_parser("export", parents=[common], help="daftar pendaftaran; yang terdaftar ditandai dikirim")
    bp.add_argument("--out", required=True, metavar="BERKAS.xlsx")
    bp.add_argument("--desa", metavar="KODE", help="hanya desa (atau kecamatan) ini")
    bp.add_argument("--include-sent", action="store_true", help="juga yang sudah pernah dikirim tanpa jawaban")
    bp.add_argument("--columns", help=f"kolom dipisah koma, dari: {', '.join(BPJS_COLUMNS)}")
    bp.set_defaults(func=cmd_bpjs_export)
    bp = bsub.add_parser("import", parents=[common], help="catat jawaban BPJS: nomor KPJ dan penolakan")
    bp.add_argument("file", metavar="BERKAS")
    bp.add_argument("--sheet", metavar="LEMBAR")
    bp.add_argument("--map", action="append", metavar="KOLOM=JUDUL", help=f"pilih kolom sendiri; KOLOM: "
                    f"{', '.join(RESULT_FIELDS)}")  # fmt: skip
    bp.add_argument("--dry-run", action="store_true", help="pratinjau saja, tidak menyimpan")
    bp.set_defaults(func=cmd_bpjs_import)

    p = sub.add_parser("iuran", parents=[common], help="desa: tagihan, pembayaran dan anggaran iuran")
    isub = p.add_subparsers(dest="iuran_command", metavar="PERINTAH", required=True)
    ip = isub.add_parser("bill", parents=[common], help="tagihan satu bulan: peserta, jumlah, jatuh tempo")
    ip.add_argument("--month", required=True, metavar="TTTT-BB")
    ip.set_defaults(func=cmd_iuran_bill)
    ip = isub.add_parser("pay", parents=[common], help="catat pembayaran iuran (semua yang ditagih, atau --nik)")
    ip.add_argument("--month", required=True, metavar="TTTT-BB", help="bulan pertama yang dibayar")
    ip.add_argument("--months", type=int, default=1, metavar="N", help="jumlah bulan (bayar di muka: 3, 6, 12)")
    ip.add_argument("--amount", required=True, metavar="RP", help="jumlah yang dibayar, harus sama dengan tagihan")
    ip.add_argument("--date", metavar="TANGGAL", help="tanggal bayar (bawaan: hari ini)")
    ip.add_argument("--ref", metavar="TEKS", help="nomor bukti atau referensi bank")
    ip.add_argument("--note", metavar="TEKS")
    ip.add_argument("--nik", nargs="+", metavar="NIK", help="hanya peserta ini (pembayaran sebagian)")
    ip.set_defaults(func=cmd_iuran_pay)
    ip = isub.add_parser("void", parents=[common], help="batalkan pembayaran yang salah dicatat")
    ip.add_argument("--id", type=int, required=True)
    ip.add_argument("--reason", required=True)
    ip.set_defaults(func=cmd_iuran_void)
    ip = isub.add_parser("payments", parents=[common], help="daftar pembayaran")
    ip.add_argument("--year", type=int)
    ip.set_defaults(func=cmd_iuran_payments)
    ip = isub.add_parser("rates", parents=[common], help="tabel tarif; --id N --state on|off menyalakan baris")
    ip.add_argument("--id", type=int)
    ip.add_argument("--state", choices=["on", "off"], default="on")
    ip.set_defaults(func=cmd_iuran_rates)
    ip = isub.add_parser("budget", parents=[common], help="rencana anggaran iuran setahun (APBDes)")
    ip.add_argument("--year", type=int, required=True)
    ip.add_argument("--additions", type=int, default=0, metavar="N", help="rencana tambahan peserta")
    ip.add_argument("--set", metavar="RP", help="catat anggaran yang disahkan, untuk melihat realisasinya")
    ip.set_defaults(func=cmd_iuran_budget)

    p = sub.add_parser("approval", parents=[common], help="desa: persetujuan verifikator atas data peserta")
    asub = p.add_subparsers(dest="approval_command", metavar="PERINTAH", required=True)
    ap = asub.add_parser("list", parents=[common], help="peserta yang menunggu persetujuan atau dikembalikan")
    ap.add_argument("--state", choices=[s.value for s in ReviewState])
    ap.add_argument("--changes", action="store_true", help="tampilkan juga apa yang berubah")
    ap.set_defaults(func=cmd_approval_list)
    for name, func, text in (
        ("approve", cmd_approval_approve, "setujui data peserta (sebagai verifikator, dengan kata sandi)"),
        ("decline", cmd_approval_decline, "kembalikan data peserta ke operator dengan alasan"),
    ):
        ap = asub.add_parser(name, parents=[common], help=text)
        ap.add_argument("--nik", nargs="+", metavar="NIK")
        ap.add_argument("--all", action="store_true", help="semua yang menunggu")
        if name == "decline":
            ap.add_argument("--reason", required=True)
        ap.set_defaults(func=func)
    ap = asub.add_parser("required", parents=[common], help="admin: wajibkan persetujuan verifikator (on/off)")
    ap.add_argument("state", choices=["on", "off"])
    ap.set_defaults(func=cmd_approval_required)

    p = sub.add_parser("report", parents=[common], help="laporan")
    rsub = p.add_subparsers(dest="report_command", metavar="PERINTAH", required=True)
    rp = rsub.add_parser("lost", parents=[common], help="siapa yang datanya ada di flashdisk/perangkat yang hilang")
    rp.add_argument("--packages", type=int, nargs="+", metavar="N", help="nomor paket yang ada di flashdisk itu")
    rp.add_argument("--device", action="store_true", help="seluruh basis data (komputer hilang atau dicuri)")
    rp.add_argument("--out", required=True, metavar="BERKAS.xlsx")
    rp.set_defaults(func=cmd_report_lost)
    rp = rsub.add_parser("iuran", parents=[common], help="desa: rekap iuran setahun, anggaran tahun berikutnya")
    rp.add_argument("--year", type=int, required=True)
    rp.add_argument("--out", required=True, metavar="BERKAS.xlsx")
    rp.add_argument("--pdf", metavar="BERKAS.pdf", help="juga rekap bulanan siap cetak")
    rp.add_argument("--paper", choices=[p.value for p in Paper], default=Paper.A4.value)
    rp.add_argument("--additions", type=int, default=0, metavar="N", help="rencana tambahan peserta tahun depan")
    rp.set_defaults(func=cmd_report_iuran)
    rp = rsub.add_parser("coverage", parents=[common], help="kabupaten: cakupan per kecamatan dan desa")
    rp.add_argument("--out", required=True, metavar="BERKAS.xlsx")
    rp.set_defaults(func=cmd_report_coverage)

    p = sub.add_parser("ganda", parents=[common], help="kabupaten: kepesertaan ganda")
    gsub = p.add_subparsers(dest="ganda_command", metavar="PERINTAH", required=True)
    gp = gsub.add_parser("scan", parents=[common], help="periksa ulang semua peserta aktif")
    gp.set_defaults(func=cmd_ganda_scan)
    gp = gsub.add_parser("list", parents=[common], help="kasus terbuka (atau semua)")
    gp.add_argument("--all", action="store_true", help="juga yang sudah diputuskan")
    gp.add_argument("--kind", choices=["nik", "apbd", "similar"])
    gp.add_argument("--desa", metavar="KODE")
    gp.set_defaults(func=cmd_ganda_list)
    gp = gsub.add_parser("decide", parents=[common], help="putuskan kepesertaan mana yang berlaku")
    gp.add_argument("id", type=int, metavar="NOMOR")
    gp.add_argument("decision", choices=["keep_first", "keep_second", "not_same"])
    gp.add_argument("--note", metavar="CATATAN")
    gp.set_defaults(func=cmd_ganda_decide)

    p = sub.add_parser("apbd", parents=[common], help="kabupaten: daftar NIK kepesertaan yang dibiayai APBD")
    asub = p.add_subparsers(dest="apbd_command", metavar="PERINTAH", required=True)
    ap = asub.add_parser("import", parents=[common], help="ganti daftar NIK APBD dengan isi berkas ini")
    ap.add_argument("file", metavar="BERKAS")
    ap.add_argument("--sheet", metavar="LEMBAR")
    ap.set_defaults(func=cmd_apbd_import)
    return parser


def _emit(args: argparse.Namespace, ok: bool, payload: dict[str, Any]) -> None:
    if args.json:
        print(json.dumps({"ok": ok, **payload}, ensure_ascii=False, default=str))
    elif ok:
        print(payload.get("message", ""))
    elif "error" in payload:
        print(f"Galat: {payload['message']}", file=sys.stderr)
    else:
        print(payload.get("message", ""), file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.data_dir = args.sub_data_dir or args.data_dir
    args.json = args.sub_json or args.json
    args.db = args.sub_db or args.db
    args.user = args.sub_user or args.user
    args.password_file = args.sub_password_file or args.password_file
    args.actor = None
    if args.func is None:
        from kudus_desktop.gui.app import run_gui

        return run_gui(_data_dir(args))
    args.command_line = " ".join(
        str(v) for k, v in sorted(vars(args).items()) if k.endswith("command") and isinstance(v, str)
    )
    instance.set_role(f"perintah '{args.command}'")
    try:
        check_clock()
        result = args.func(args)
    except KudusError as exc:
        message = " ".join(str(exc).split())
        _emit(args, False, {"error": exc.code, "message": message})
        return EXIT_BAD_INPUT
    code = int(result.pop("exit_code", 0))
    _emit(args, code == 0, result)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
