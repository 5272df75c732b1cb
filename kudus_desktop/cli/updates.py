"""Updates: the regency publishes a signed version; a village takes it from a stick or the
server, installs it and proves it with the selftest at the next start."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kudus_desktop import __version__
from kudus_desktop.cli.common import acting_user, data_folder, office
from kudus_desktop.core.storage.backup import backup_database
from kudus_desktop.core.sync import updates
from kudus_desktop.core.sync.online import OnlineSync


def cmd_update_publish(args: argparse.Namespace) -> dict[str, Any]:
    with office(args) as (db, _):
        path = updates.publish(
            db, acting_user(args), Path(args.file), args.version, args.notes or "", args.platform,
            min_schema=args.min_schema,
        )  # fmt: skip
    copied = ""
    if args.to:
        copied = f"; disalin ke {updates.copy_update(path, Path(args.to))}"
    return {
        "file": str(path),
        "version": args.version,
        "platform": args.platform,
        "message": f"Pembaruan {args.version} untuk {args.platform} ditandatangani: {path}{copied}. Desa yang "
        "daring menerimanya setelah sinkronisasi berikutnya; desa lain dari flashdisk.",
    }


def _describe(staged: updates.StagedUpdate) -> dict[str, Any]:
    info = staged.info
    notes = f"\nCatatan: {info.notes}" if info.notes else ""
    return {
        "version": info.version,
        "platform": info.platform,
        "size": info.size,
        "notes": info.notes,
        "file": str(staged.path),
        "message": f"Versi baru tersedia: {info.version} (terpasang {__version__}), diperiksa: ditandatangani "
        f"kabupaten, utuh.{notes}\nPasang dengan: kudus-desktop update install",
    }


def cmd_update_receive(args: argparse.Namespace) -> dict[str, Any]:
    with office(args) as (db, _):
        return _describe(updates.receive_file(db, Path(args.file)))


def cmd_update_check(args: argparse.Namespace) -> dict[str, Any]:
    with office(args) as (db, _):
        staged = OnlineSync(db, acting_user(args)).fetch_update()
    if staged is None:
        return {"version": None, "message": f"Tidak ada versi yang lebih baru dari {__version__}."}
    return _describe(staged)


def cmd_update_install(args: argparse.Namespace) -> dict[str, Any]:
    with office(args) as (db, _):
        staged = updates.staged(db)
        if staged is None:
            raise updates.UpdateError("update_none")
        if updates.bundle_dir() is None:
            raise updates.UpdateError("update_not_bundle")
        label = f"sebelum-{staged.info.version}"
        pending = updates.install(
            db, acting_user(args), staged, backup=lambda: backup_database(db.path, label=label),
            bundle_dir=updates.bundle_dir() if staged.info.payload == "bundle" else None,
            run_installer=updates.start_installer, program_dir=updates.bundle_dir(),
        )  # fmt: skip
    return {
        "old_version": pending.old_version,
        "new_version": pending.new_version,
        "message": f"Versi {pending.new_version} dipasang (cadangan: {pending.backup}). Buka Kudus Desktop lagi: "
        "uji mandiri berjalan sekali, dan bila gagal versi lama dipulihkan.",
    }


def cmd_update_finish(args: argparse.Namespace) -> dict[str, Any]:
    from kudus_desktop import selftest

    folder = data_folder(args)
    outcome = updates.finish(folder, selftest.verdict, run_installer=updates.start_installer)
    if outcome is None:
        return {"pending": False, "message": "Tidak ada pemasangan yang menunggu diperiksa."}
    # Said here, so the window does not say it again; the audit log has it as the window's would.
    updates.take_result(folder)
    with office(args) as (db, _):
        updates.record_result(db, acting_user(args), outcome)
    if outcome.ok:
        message = f"Versi {outcome.new_version} lulus uji mandiri dan dipakai: {outcome.detail}."
    elif outcome.restored:
        message = f"Versi {outcome.new_version} gagal ({outcome.detail}); versi {outcome.old_version} dipulihkan."
    else:
        message = (
            f"Versi {outcome.new_version} gagal ({outcome.detail}), dan versi {outcome.old_version} tidak dapat "
            "dipulihkan otomatis karena salinannya tidak ada lagi. Data aman (dicadangkan sebelum pemasangan); "
            "hubungi DPMD untuk memasang ulang."
        )
    return {"pending": True, "ok": outcome.ok, "restored": outcome.restored, "message": message}
