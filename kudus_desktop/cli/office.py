"""The office: set-up, profile, keys and card checks, backups, the self-test and the purge."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from kudus_desktop import __version__
from kudus_desktop.cli.common import (
    acting_user,
    data_folder,
    office,
    password_from,
    required_option,
    server_store_url,
)
from kudus_desktop.core.enrolment.participants import ParticipantService
from kudus_desktop.core.errors import KudusError, SetupError, ValidationError
from kudus_desktop.core.office.accounts import AccountService, SetupRequest, check_setup
from kudus_desktop.core.office.backups import BackupService, restore_fresh
from kudus_desktop.core.office.support import make_support_file
from kudus_desktop.core.paths import DB_FILE_NAME
from kudus_desktop.core.rules.codes import (
    Mode,
)
from kudus_desktop.core.rules.dates import format_date
from kudus_desktop.core.storage.db import open_store
from kudus_desktop.core.storage.signing import key_fingerprint, load_public_key, public_key_pem, verify_payload
from kudus_desktop.core.village.retention import PurgePlan, RetentionService


def cmd_init(args: argparse.Namespace) -> dict[str, Any]:
    mode, code = (Mode.DESA, args.desa) if args.desa else (Mode.KABUPATEN, args.kabupaten)
    req = SetupRequest(
        mode=mode,
        region_code=code,
        head_name=args.head_name or "",
        head_title=args.head_title or ("Kepala Desa" if mode == Mode.DESA else "Kepala DPMD"),
        admin_username=args.admin,
        admin_full_name=args.admin_name or args.admin,
        password=password_from(required_option(args.password_file, "--password-file")),
        office_phone=args.office_phone or "",
    )
    # Check everything before the database file is created or touched.
    issues = check_setup(req)
    if issues:
        raise ValidationError(issues)
    db = open_store(data_folder(args), server_store_url(args))
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


def cmd_info(args: argparse.Namespace) -> dict[str, Any]:
    with office(args) as (db, accounts):
        profile = accounts.profile()
        stats = ParticipantService(db, acting_user(args)).dashboard()
    return {
        "version": __version__,
        "database": db.label,
        "profile": asdict(profile),
        "active": stats.active_total,
        "ended": stats.ended_total,
        "message": f"{profile.region_name} ({profile.region_code}): {stats.active_total} peserta aktif, "
        f"{stats.ended_total} berhenti. Basis data: {db.label}",
    }


def cmd_key(args: argparse.Namespace) -> dict[str, Any]:
    with office(args) as (db, _):
        pem = public_key_pem(db)
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


def cmd_backup(args: argparse.Namespace) -> dict[str, Any]:
    passphrase = password_from(args.passphrase_file) if args.passphrase_file else None
    with office(args) as (db, _):
        made = BackupService(db, acting_user(args)).copy(Path(args.to) if args.to else None, passphrase)
    return {"backup": str(made), "message": f"Cadangan dibuat: {made}"}


def cmd_support(args: argparse.Namespace) -> dict[str, Any]:
    target = Path(args.out if args.out.lower().endswith(".zip") else args.out + ".zip")
    with office(args) as (db, _):
        made = make_support_file(db, acting_user(args), data_folder(args), target, {"antarmuka": "baris perintah"})
    return {
        "support_file": str(made.path), "logs": made.logs, "integrity": made.integrity,
        "message": f"Berkas bantuan dibuat: {made.path} ({made.logs} catatan; keutuhan basis data: {made.integrity})",
    }  # fmt: skip


def cmd_restore(args: argparse.Namespace) -> dict[str, Any]:
    data_dir = data_folder(args)
    passphrase = password_from(args.passphrase_file) if args.passphrase_file else None
    source = Path(args.file)
    if (data_dir / DB_FILE_NAME).exists():  # an admin of the data being replaced decides
        with office(args) as (db, _):
            kept = BackupService(db, acting_user(args)).restore(source, passphrase)
    else:
        kept = restore_fresh(data_dir, source, passphrase, acting_user(args).username)
    return {
        "restored_from": args.file,
        "previous_kept_at": str(kept),
        "message": f"Basis data dipulihkan dari {args.file}; basis data sebelumnya disimpan di {kept}",
    }


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
    with office(args) as (db, _):
        retention = RetentionService(db, acting_user(args))
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
    return {
        "years": done.years, "cutoff": done.cutoff.isoformat(), "removed": done.count,
        "message": f"{done.count} orang dihapus untuk selamanya; basis data dipadatkan. Cadangan lama masih "
        f"menyimpannya sampai terhapus oleh rotasi.",
    }  # fmt: skip
