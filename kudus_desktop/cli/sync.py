"""Sync: setup files, packages and receipts on a stick, the sync server and the store copy."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path
from typing import Any

from kudus_desktop.cli.common import EXIT_BAD_INPUT, acting_user, data_folder, office
from kudus_desktop.core.errors import KudusError
from kudus_desktop.core.rules.codes import (
    Mode,
)
from kudus_desktop.core.storage import settings
from kudus_desktop.core.storage.db import open_store
from kudus_desktop.core.storage.store_copy import copy_store
from kudus_desktop.core.storage.syncfile import SyncError
from kudus_desktop.core.sync import (
    PendingDevice,
    RegencySync,
    VillageSync,
    format_ranges,
    normalise_fingerprint,
    package_files,
)
from kudus_desktop.core.sync.online import OnlineSync


def cmd_sync_setup_file(args: argparse.Namespace) -> dict[str, Any]:
    with office(args) as (db, _):
        path, setup = RegencySync(db, acting_user(args)).make_setup_file(args.desa, Path(args.out), server=args.server)
    return {
        "out": str(path),
        "desa": setup.desa,
        "fingerprint": setup.fingerprint,
        "message": f"Berkas setup untuk Desa {setup.desa_name} ditulis ke {path}\n"
        f"Sidik jari kabupaten: {setup.fingerprint} (bacakan kepada operator desa saat bergabung)",
    }


def cmd_sync_join(args: argparse.Namespace) -> dict[str, Any]:
    with office(args) as (db, _):
        sync = VillageSync(db, acting_user(args))
        setup = sync.join(Path(args.file))
        status = sync.status()
    return {
        "regency": setup.regency,
        "regency_fingerprint": setup.fingerprint,
        "device_fingerprint": status.fingerprint,
        "message": f"Terhubung dengan {setup.regency_name}. Sidik jari kabupaten: {setup.fingerprint}\n"
        f"Sidik jari perangkat ini (bacakan kepada operator kabupaten): {status.fingerprint}",
    }


def cmd_sync_export(args: argparse.Namespace) -> dict[str, Any]:
    with office(args) as (db, _):
        sync = VillageSync(db, acting_user(args))
        result = sync.export_package(Path(args.to), full=args.full)
        fingerprint = sync.status().fingerprint
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
    with office(args) as (db, accounts):
        if accounts.profile().mode == Mode.DESA:
            results = []
            refused = []
            for name in args.files:
                try:
                    r = VillageSync(db, acting_user(args)).import_receipt(Path(name))
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
        report = RegencySync(db, acting_user(args)).import_files(files, confirm=confirm)
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
    with office(args) as (db, _):
        paths = RegencySync(db, acting_user(args)).write_receipts(Path(args.to), args.desa or None)
    lines = [f"Tanda terima ditulis: {p}" for p in paths] or ["Belum ada desa yang mengirim paket."]
    return {"receipts": [str(p) for p in paths], "message": "\n".join(lines)}


def cmd_sync_request_full(args: argparse.Namespace) -> dict[str, Any]:
    with office(args) as (db, _):
        n = RegencySync(db, acting_user(args)).request_full_resend(args.desa)
    return {
        "devices": n,
        "message": f"Permintaan kirim ulang lengkap untuk {args.desa} ikut tanda terima berikutnya ({n} perangkat).",
    }


def cmd_sync_status(args: argparse.Namespace) -> dict[str, Any]:
    with office(args) as (db, accounts):
        if accounts.profile().mode == Mode.DESA:
            st = VillageSync(db, acting_user(args)).status()
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
        regency = RegencySync(db, acting_user(args))
        villages = regency.villages()
        devices = regency.devices()
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
    with office(args) as (db, _):
        devices = RegencySync(db, acting_user(args)).devices()
    states = {"current": "aktif", "retired": "diganti", "revoked": "DICABUT"}
    lines = [
        f"{d.desa_code} {d.desa_name:<20} {d.device_id}  {d.fingerprint}  {states[d.state]:<8} paket terakhir "
        f"{d.last_seq}  versi {d.app_version or '?'}" + (f"  ({d.revoke_reason})" if d.revoke_reason else "")
        for d in devices
    ]
    return {"devices": [asdict(d) for d in devices], "message": "\n".join(lines) or "Belum ada perangkat desa."}


def cmd_sync_revoke(args: argparse.Namespace) -> dict[str, Any]:
    with office(args) as (db, _):
        device = RegencySync(db, acting_user(args)).revoke_device(args.device, args.reason)
    return {
        "device": asdict(device),
        "message": f"Perangkat {device.device_id} ({device.desa_name}, sidik jari {device.fingerprint}) dicabut: "
        "paket dan permintaannya tidak diterima lagi. Perangkat baru desa dikonfirmasi dengan sidik jarinya.",
    }


def cmd_sync_rotate_keys(args: argparse.Namespace) -> dict[str, Any]:
    with office(args) as (db, _):
        result = VillageSync(db, acting_user(args)).rotate_keys()
    return {
        **asdict(result),
        "message": f"Kunci perangkat diganti. Sidik jari lama: {result.old_fingerprint}; sidik jari baru: "
        f"{result.new_fingerprint}. Paket berikutnya membawa kunci baru, ditandatangani kunci lama; kabupaten "
        "mendaftarkannya tanpa telepon (kecuali perangkat lama sudah dicabut).",
    }


def cmd_sync_limit(args: argparse.Namespace) -> dict[str, Any]:
    with office(args) as (db, accounts):
        if accounts.profile().mode != Mode.KABUPATEN:
            raise KudusError("sync_wrong_mode", mode=Mode.KABUPATEN)
        with db.begin() as conn:
            if args.payload_mb is not None:
                if not 1 <= args.payload_mb <= 1024:
                    raise KudusError("settings_invalid", field="--payload-mb", value=args.payload_mb)
                settings.write(conn, {settings.SYNC_MAX_PAYLOAD_MB: str(args.payload_mb)})
            value = int(settings.read_all(conn)[settings.SYNC_MAX_PAYLOAD_MB.key])
    return {"payload_mb": value, "message": f"Isi paket terbesar yang dibuka: {value} MB setelah diurai."}


def cmd_sync_push(args: argparse.Namespace) -> dict[str, Any]:
    with office(args) as (db, _):
        client = OnlineSync(db, acting_user(args))
        result = client.run(make_package=not args.no_package)
        state = client.state()
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
    with office(args) as (db, _):
        client = OnlineSync(db, acting_user(args))
        receipt = client.pull()
        state = client.state()
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


def cmd_server_serve(args: argparse.Namespace) -> dict[str, Any]:
    from kudus_desktop.server.run import ServeOptions, serve

    if bool(args.cert) != bool(args.key):
        raise KudusError("required", field="--cert/--key")
    options = ServeOptions(
        host=args.host, port=args.port, certfile=Path(args.cert) if args.cert else None,
        keyfile=Path(args.key) if args.key else None, max_body=args.max_body_mb * 1024 * 1024,
        per_minute=args.rate, burst=args.burst, max_bodies=max(1, args.max_bodies),
    )  # fmt: skip
    with office(args) as (db, _):
        print(
            f"Server sinkronisasi {db.label} di {'https' if args.cert else 'http'}://{args.host}:{args.port}",
            flush=True,
        )
        serve(db, options)
    return {"message": "Server sinkronisasi berhenti."}


def cmd_server_pending(args: argparse.Namespace) -> dict[str, Any]:
    with office(args) as (db, _):
        rows = RegencySync(db, acting_user(args)).pending()
    lines = [f"{r.desa} {r.desa_name}  perangkat {r.device}  sidik jari {r.fingerprint}  ({r.name})" for r in rows]
    return {
        "pending": [asdict(r) for r in rows],
        "message": "\n".join(lines) or "Tidak ada perangkat yang menunggu konfirmasi.",
    }


def cmd_server_confirm(args: argparse.Namespace) -> dict[str, Any]:
    with office(args) as (db, _):
        report = RegencySync(db, acting_user(args)).confirm_pending(args.device, args.fingerprint)
    lines = [f"{r.name}: diimpor ({r.added} baru, {r.updated} diubah)" for r in report.done]
    lines += [f"{f.name}: DITOLAK: {' '.join(f.message.split())}" for f in report.failed]
    return {
        "imported": [asdict(r) for r in report.done],
        "refused": [asdict(f) for f in report.failed],
        "exit_code": EXIT_BAD_INPUT if report.failed else 0,
        "message": "\n".join(lines),
    }


def cmd_store_copy(args: argparse.Namespace) -> dict[str, Any]:
    with office(args, local=True) as (src, _):
        dst = open_store(data_folder(args), args.to)
        try:
            copied = copy_store(src, dst)
        finally:
            dst.close()
    total = copied.get("participant", 0)
    return {
        "tables": copied,
        "message": f"Disalin ke {dst.label}: {total} peserta, {sum(copied.values())} baris dalam {len(copied)} tabel. "
        f"Jalankan perintah berikutnya dengan --db atau KUDUS_DATABASE_URL.",
    }
