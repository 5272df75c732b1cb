"""The command line's options and subcommands, built without importing any service: ``--help``
and ``--version`` answer at once, and each command's module is imported only when it runs."""

from __future__ import annotations

import argparse

from kudus_desktop import __version__
from kudus_desktop.core.rules.card_layout import Paper
from kudus_desktop.core.rules.codes import BPJS_COLUMN_KEYS, BPJS_RESULT_FIELDS

#: argparse's own words (usage, section titles, its refusals) in Bahasa Indonesia. argparse looks
#: each up through its module's gettext function ``_`` when it is used, so replacing that function
#: translates them; the words it does not know pass through unchanged.
ARGPARSE_WORDS = {
    "usage: ": "cara pakai: ",
    "positional arguments": "argumen",
    "options": "pilihan",
    "show this help message and exit": "tampilkan bantuan ini lalu selesai",
    "%(prog)s: error: %(message)s\n": "%(prog)s: galat: %(message)s\n",
    "the following arguments are required: %s": "argumen berikut wajib diisi: %s",
    "unrecognized arguments: %s": "argumen tidak dikenal: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "pilihan tidak sah: %(value)r (pilih dari %(choices)s)",
    "argument %(argument_name)s: %(message)s": "argumen %(argument_name)s: %(message)s",
    "expected one argument": "perlu satu nilai",
    "expected at least one argument": "perlu sedikitnya satu nilai",
    "expected at most one argument": "paling banyak satu nilai",
    "invalid %(type)s value: %(value)r": "nilai %(type)s tidak sah: %(value)r",
    "not allowed with argument %s": "tidak boleh bersama argumen %s",
    "ambiguous option: %(option)s could match %(matches)s": "pilihan %(option)s tidak jelas: bisa %(matches)s",
    "one of the arguments %s is required": "salah satu argumen %s wajib diisi",
    "ignored explicit argument %r": "argumen %r diabaikan",
    "can't open '%(filename)s': %(error)s": "tidak dapat membuka '%(filename)s': %(error)s",
}


def _indonesian(text: str) -> str:
    return ARGPARSE_WORDS.get(text, text)


def _indonesian_plural(singular: str, plural: str, n: int) -> str:
    if singular == "expected %s argument":
        return "perlu %s nilai"
    return singular if n == 1 else plural


argparse._ = _indonesian  # type: ignore[attr-defined]
argparse.ngettext = _indonesian_plural  # type: ignore[attr-defined]

#: The widest shift a printer may need, as the print dialog allows (mm, either way).
MAX_OFFSET_MM = 15.0


def offset_mm(text: str) -> float:
    """A printer shift in millimetres: a finite number within :data:`MAX_OFFSET_MM`."""
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} bukan angka milimeter") from None
    if not -MAX_OFFSET_MM <= value <= MAX_OFFSET_MM:  # NaN fails both comparisons
        raise argparse.ArgumentTypeError(f"geser {text} mm di luar -{MAX_OFFSET_MM:g} sampai {MAX_OFFSET_MM:g} mm")
    return value


#: ``approval.ApprovalState``'s values, without importing the service (a test keeps them the same).
APPROVAL_STATES = ("menunggu", "ditolak")


def build_parser() -> argparse.ArgumentParser:
    # The options are accepted before and after the subcommand; argparse would let a
    # subcommand's default overwrite the value given before it, so they go to other names, and
    # set nothing where they are not given (a group's value, ``peserta --data-dir X list``,
    # would otherwise be overwritten by its subcommand's).
    common = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    common.add_argument("--data-dir", dest="sub_data_dir", metavar="FOLDER", help="folder data (juga: KUDUS_DATA_DIR)")
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
    parser.add_argument("--data-dir", metavar="FOLDER", help="folder data (juga: KUDUS_DATA_DIR)")
    parser.add_argument("--json", action="store_true", help="keluaran JSON")
    parser.add_argument("--db", metavar="URL", help=db_help)
    parser.add_argument("--user", metavar="NAMA", help=user_help)
    parser.add_argument("--password-file", metavar="BERKAS", help=password_help)
    parser.set_defaults(
        func=None, sub_data_dir=None, sub_json=False, sub_db=None, sub_user=None, sub_password_file=None
    )
    parser.add_argument(
        "--version", action="version", version=f"kudus-desktop {__version__}", help="tampilkan versi lalu selesai"
    )
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
    p.set_defaults(func="office:cmd_init")

    p = sub.add_parser("purge", parents=[common], help="hapus untuk selamanya orang yang berhenti melewati masa simpan")
    p.add_argument(
        "--set-years", type=int, metavar="N", help="atur masa simpan (tahun setelah berhenti; 0: tidak pernah)"
    )
    p.add_argument(
        "--confirm", type=int, metavar="JUMLAH", help="jumlah orang yang sudah diperiksa; tanpa ini hanya ditampilkan"
    )
    p.set_defaults(func="office:cmd_purge")

    p = sub.add_parser("selftest", parents=[common], help="uji mandiri instalasi (di folder sementara)")
    p.set_defaults(func="office:cmd_selftest")

    p = sub.add_parser("info", parents=[common], help="profil kantor dan jumlah peserta")
    p.set_defaults(func="office:cmd_info")

    p = sub.add_parser("peserta", parents=[common], help="daftar peserta")
    psub = p.add_subparsers(dest="peserta_command", metavar="PERINTAH", required=True)
    pl = psub.add_parser("list", parents=[common], help="menampilkan peserta")
    pl.add_argument("--search", metavar="TEKS", help="cari nama atau NIK")
    pl.add_argument("--status", choices=["aktif", "berhenti"])
    pl.add_argument("--category", metavar="KODE", help="kode kategori, mis. linmas")
    pl.add_argument("--show-nik", action="store_true", help="tampilkan NIK lengkap")
    pl.set_defaults(func="participants:cmd_peserta_list")
    pr = psub.add_parser("report", parents=[common], help="semua data tentang satu orang (permintaan akses)")
    pr.add_argument("--nik", required=True)
    pr.add_argument("--out", required=True, metavar="BERKAS.xlsx")
    pr.set_defaults(func="participants:cmd_peserta_report")
    pv = psub.add_parser(
        "review", parents=[common], help="daftar tinjauan: batas umur, masa jabatan berakhir, hilang dari daftar sumber"
    )
    pv.add_argument("--out", metavar="BERKAS.xlsx", help="simpan juga sebagai Excel")
    pv.set_defaults(func="participants:cmd_peserta_review")
    pn = psub.add_parser(
        "notice", parents=[common], help="lembar informasi data pribadi (UU 27/2022) untuk peserta, atau kosong"
    )
    pn.add_argument("--nik", nargs="+", metavar="NIK", help="peserta dengan NIK ini (tanpa ini: lembar kosong)")
    pn.add_argument("--out", required=True, metavar="BERKAS.pdf")
    pn.add_argument("--paper", choices=["A4", "F4"], default="A4")
    pn.set_defaults(func="participants:cmd_peserta_notice")

    pp = psub.add_parser("print", parents=[common], help="daftar peserta sebagai PDF siap cetak")
    pp.add_argument("--out", required=True, metavar="BERKAS.pdf")
    pp.add_argument("--paper", choices=["A4", "F4"], default="A4")
    pp.add_argument("--status", choices=["aktif", "berhenti"])
    pp.add_argument("--category", metavar="KODE")
    pp.set_defaults(func="participants:cmd_peserta_print")

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
    p.add_argument("--offset-x", type=offset_mm, default=0.0, metavar="MM", help="geser ke kanan (mm, boleh negatif)")
    p.add_argument("--offset-y", type=offset_mm, default=0.0, metavar="MM", help="geser ke bawah (mm, boleh negatif)")
    p.add_argument(
        "--back-offset-x", type=offset_mm, metavar="MM", help="geser sisi belakang ke kanan (bawaan: --offset-x)"
    )
    p.add_argument(
        "--back-offset-y", type=offset_mm, metavar="MM", help="geser sisi belakang ke bawah (bawaan: --offset-y)"
    )
    p.add_argument(
        "--folded", action="store_true",
        help="printer tanpa dupleks: depan dan belakang berdampingan di satu sisi, dipotong lalu dilipat",
    )  # fmt: skip
    p.add_argument("--reason", metavar="ALASAN", help="alasan cetak ulang untuk kartu yang pernah dicetak")
    p.add_argument(
        "--with-notice", action="store_true",
        help="tulis juga lembar informasi data pribadi per peserta (BERKAS-informasi-data-pribadi.pdf)",
    )  # fmt: skip
    p.set_defaults(func="participants:cmd_cards")

    p = sub.add_parser(
        "cards-changed", parents=[common], help="kartu yang tidak lagi benar: dicetak ulang atau ditarik kembali"
    )
    p.set_defaults(func="participants:cmd_cards_changed")

    p = sub.add_parser("key", parents=[common], help="kunci publik desa untuk memeriksa kartu")
    p.add_argument("--out", metavar="BERKAS.pem")
    p.set_defaults(func="office:cmd_key")

    p = sub.add_parser("verify-card", parents=[common], help="periksa isi kode QR kartu dengan kunci publik desa")
    p.add_argument("text", metavar="TEKS_QR")
    p.add_argument("--public-key", required=True, metavar="BERKAS.pem")
    p.set_defaults(func="office:cmd_verify_card")

    p = sub.add_parser("import", parents=[common], help="impor daftar calon peserta dari Excel/ODS/CSV")
    p.add_argument("file", metavar="BERKAS")
    p.add_argument("--sheet", metavar="LEMBAR", help="nama lembar (bawaan: dicari otomatis)")
    p.add_argument("--source", metavar="NAMA", help="sumber data, mis. DTKS (bawaan: nama berkas)")
    p.add_argument("--source-date", metavar="TANGGAL", help="tanggal sumber data")
    p.add_argument(
        "--category", default="pekerja_rentan", metavar="KODE", help="kategori bila berkas tidak menyebutnya"
    )
    p.add_argument("--funding", default="pades", metavar="KODE", help="sumber dana bila berkas tidak menyebutnya")
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
    p.set_defaults(func="participants:cmd_import")

    p = sub.add_parser("backup", parents=[common], help="buat cadangan basis data sekarang")
    p.add_argument("--to", metavar="FOLDER", help="folder tujuan (bawaan: folder backups di folder data)")
    p.add_argument("--passphrase-file", metavar="BERKAS", help="enkripsi salinan dengan frasa sandi dari berkas ini")
    p.set_defaults(func="office:cmd_backup")

    p = sub.add_parser(
        "support", parents=[common],
        help="buat berkas bantuan (versi, catatan kejadian, pemeriksaan basis data; tanpa data pribadi)",
    )  # fmt: skip
    p.add_argument("--out", required=True, metavar="BERKAS.zip", help="berkas zip yang dibuat")
    p.set_defaults(func="office:cmd_support")

    p = sub.add_parser("restore", parents=[common], help="pulihkan basis data dari cadangan")
    p.add_argument("file", metavar="BERKAS")
    p.add_argument("--passphrase-file", metavar="BERKAS", help="frasa sandi cadangan terenkripsi")
    p.set_defaults(func="office:cmd_restore")

    p = sub.add_parser("export", parents=[common], help="ekspor daftar peserta atau daftar pendaftaran BPJS")
    p.add_argument("kind", choices=["roster", "bpjs"])
    p.add_argument("--out", required=True, metavar="BERKAS.xlsx")
    p.add_argument("--status", choices=["aktif", "berhenti"], help="roster: hanya status ini")
    p.add_argument(
        "--columns", metavar="KOLOM,...", help=f"bpjs: kolom dipisah koma, dari: {', '.join(BPJS_COLUMN_KEYS)}"
    )
    p.add_argument("--kertas", choices=["A4", "F4"], default="A4", help="ukuran kertas bila dicetak (bawaan A4)")
    p.set_defaults(func="participants:cmd_export")

    p = sub.add_parser("sync", parents=[common], help="paket sinkronisasi desa dan tanda terima kabupaten")
    ssub = p.add_subparsers(dest="sync_command", metavar="PERINTAH", required=True)
    sp = ssub.add_parser("setup-file", parents=[common], help="kabupaten: berkas setup untuk satu desa")
    sp.add_argument("--desa", required=True, metavar="KODE")
    sp.add_argument("--out", required=True, metavar="BERKAS|FOLDER")
    sp.add_argument("--server", metavar="URL", help="alamat server sinkronisasi (bawaan: dari pengaturan)")
    sp.set_defaults(func="sync:cmd_sync_setup_file")
    sp = ssub.add_parser("join", parents=[common], help="desa: bergabung dengan berkas setup dari kabupaten")
    sp.add_argument("file", metavar="BERKAS")
    sp.set_defaults(func="sync:cmd_sync_join")
    sp = ssub.add_parser("export", parents=[common], help="desa: tulis paket perubahan sejak paket terakhir")
    sp.add_argument("--to", required=True, metavar="FOLDER", help="folder tujuan, mis. flashdisk")
    sp.add_argument("--full", action="store_true", help="kirim semua data, bukan hanya perubahan")
    sp.set_defaults(func="sync:cmd_sync_export")
    sp = ssub.add_parser(
        "import", parents=[common], help="kabupaten: impor paket desa (berkas atau folder); desa: impor tanda terima"
    )
    sp.add_argument("files", nargs="+", metavar="BERKAS")
    sp.add_argument(
        "--confirm-device", action="append", metavar="SIDIK_JARI",
        help="kabupaten: daftarkan perangkat desa baru bila sidik jarinya sama dengan yang dibacakan desa",
    )  # fmt: skip
    sp.set_defaults(func="sync:cmd_sync_import")
    sp = ssub.add_parser("receipts", parents=[common], help="kabupaten: tulis tanda terima untuk setiap desa")
    sp.add_argument("--to", required=True, metavar="FOLDER")
    sp.add_argument("--desa", nargs="+", metavar="KODE", help="hanya desa ini")
    sp.set_defaults(func="sync:cmd_sync_receipts")
    sp = ssub.add_parser("request-full", parents=[common], help="kabupaten: minta desa mengirim ulang semua data")
    sp.add_argument("--desa", required=True, metavar="KODE")
    sp.set_defaults(func="sync:cmd_sync_request_full")
    sp = ssub.add_parser("status", parents=[common], help="keadaan sinkronisasi (desa) atau daftar desa (kabupaten)")
    sp.set_defaults(func="sync:cmd_sync_status")
    sp = ssub.add_parser("push", parents=[common], help="desa: kirim paket yang menunggu ke server kabupaten")
    sp.add_argument(
        "--no-package", action="store_true", help="hanya kirim paket yang sudah ada, jangan buat paket baru"
    )
    sp.set_defaults(func="sync:cmd_sync_push")
    sp = ssub.add_parser("pull", parents=[common], help="desa: ambil dan terapkan tanda terima dari server kabupaten")
    sp.set_defaults(func="sync:cmd_sync_pull")
    sp = ssub.add_parser("devices", parents=[common], help="kabupaten: perangkat desa terdaftar dan keadaannya")
    sp.set_defaults(func="sync:cmd_sync_devices")
    sp = ssub.add_parser("revoke", parents=[common], help="kabupaten: cabut perangkat desa (komputer hilang/dicuri)")
    sp.add_argument("device", metavar="ID_PERANGKAT")
    sp.add_argument("--reason", required=True, metavar="ALASAN")
    sp.set_defaults(func="sync:cmd_sync_revoke")
    sp = ssub.add_parser("rotate-keys", parents=[common], help="desa: ganti kunci perangkat ini")
    sp.set_defaults(func="sync:cmd_sync_rotate_keys")
    sp = ssub.add_parser("limit", parents=[common], help="kabupaten: batas isi paket yang dibuka (MB)")
    sp.add_argument("--payload-mb", type=int, metavar="MB", help="ubah batasnya (1-1024; bawaan 32)")
    sp.set_defaults(func="sync:cmd_sync_limit")

    # "hub": the name of the first releases, kept for the regencies' scheduled tasks.
    p = sub.add_parser(
        "server", aliases=["hub"], parents=[common], help="kabupaten: server sinkronisasi untuk desa yang daring"
    )
    hsub = p.add_subparsers(dest="server_command", metavar="PERINTAH", required=True)
    hp = hsub.add_parser("serve", parents=[common], help="jalankan server sinkronisasi (Ctrl+C untuk berhenti)")
    hp.add_argument(
        "--host",
        default="127.0.0.1",
        metavar="ALAMAT",
        help="alamat yang didengarkan (bawaan 127.0.0.1; 0.0.0.0: semua)",
    )
    hp.add_argument("--port", type=int, default=8443, metavar="NOMOR", help="port yang didengarkan (bawaan 8443)")
    hp.add_argument("--cert", metavar="BERKAS.pem", help="sertifikat TLS (atau pakai proksi balik di depan server)")
    hp.add_argument("--key", metavar="BERKAS.pem", help="kunci privat sertifikat TLS")
    hp.add_argument("--max-body-mb", type=int, default=32, metavar="MB", help="ukuran kiriman terbesar (bawaan 32)")
    hp.add_argument("--rate", type=float, default=60.0, metavar="N", help="permintaan per menit per desa (bawaan 60)")
    hp.add_argument("--burst", type=int, default=20, metavar="N", help="permintaan sekaligus per desa (bawaan 20)")
    hp.add_argument("--max-bodies", type=int, default=4, metavar="N", help="kiriman yang diterima bersamaan (bawaan 4)")
    hp.set_defaults(func="sync:cmd_server_serve")
    hp = hsub.add_parser("pending", parents=[common], help="perangkat desa baru yang menunggu konfirmasi sidik jari")
    hp.set_defaults(func="sync:cmd_server_pending")
    hp = hsub.add_parser("confirm", parents=[common], help="daftarkan perangkat yang menunggu dan impor paketnya")
    hp.add_argument("--device", required=True, metavar="ID")
    hp.add_argument("--fingerprint", required=True, metavar="SIDIK_JARI", help="yang dibacakan operator desa")
    hp.set_defaults(func="sync:cmd_server_confirm")

    p = sub.add_parser("update", parents=[common], help="pembaruan versi yang ditandatangani kabupaten")
    usub = p.add_subparsers(dest="update_command", metavar="PERINTAH", required=True)
    up = usub.add_parser("publish", parents=[common], help="kabupaten: tandatangani pemasang/bundel versi baru")
    up.add_argument("--file", required=True, metavar="BERKAS", help="pemasang Windows (.exe) / bundel Linux (.tar.gz)")
    up.add_argument("--version", required=True, metavar="X.Y.Z")
    up.add_argument("--platform", required=True, choices=("windows-x64", "linux-x64"))
    up.add_argument("--notes", metavar="TEKS", help="catatan yang dibaca operator desa")
    up.add_argument("--min-schema", type=int, default=1, metavar="N", help="skema basis data terendah yang dibuka")
    up.add_argument("--to", metavar="FOLDER", help="salin juga ke folder ini (flashdisk)")
    up.set_defaults(func="updates:cmd_update_publish")
    up = usub.add_parser("receive", parents=[common], help="desa: periksa dan simpan pembaruan dari flashdisk")
    up.add_argument("file", metavar="BERKAS.kdu")
    up.set_defaults(func="updates:cmd_update_receive")
    up = usub.add_parser("check", parents=[common], help="desa: tanyakan versi baru ke server kabupaten")
    up.set_defaults(func="updates:cmd_update_check")
    up = usub.add_parser("install", parents=[common], help="desa: cadangkan lalu pasang pembaruan yang diterima")
    up.set_defaults(func="updates:cmd_update_install")
    up = usub.add_parser("finish", parents=[common], help="uji mandiri versi yang baru dipasang; pulihkan bila gagal")
    up.set_defaults(func="updates:cmd_update_finish")

    p = sub.add_parser("store", parents=[common], help="kabupaten: pindahkan data ke basis data server")
    stsub = p.add_subparsers(dest="store_command", metavar="PERINTAH", required=True)
    stp = stsub.add_parser("copy", parents=[common], help="salin basis data SQLite folder data ke PostgreSQL kosong")
    stp.add_argument("--to", required=True, metavar="URL", help="postgresql+psycopg://pengguna:sandi@host/nama")
    stp.set_defaults(func="sync:cmd_store_copy")

    p = sub.add_parser("bpjs", parents=[common], help="kabupaten: daftar pendaftaran ke BPJS dan jawaban BPJS")
    bsub = p.add_subparsers(dest="bpjs_command", metavar="PERINTAH", required=True)
    bp = bsub.add_parser("export", parents=[common], help="daftar pendaftaran; yang terdaftar ditandai dikirim")
    bp.add_argument("--out", required=True, metavar="BERKAS.xlsx")
    bp.add_argument("--desa", metavar="KODE", help="hanya desa (atau kecamatan) ini")
    bp.add_argument("--include-sent", action="store_true", help="juga yang sudah pernah dikirim tanpa jawaban")
    bp.add_argument("--columns", metavar="KOLOM,...", help=f"kolom dipisah koma, dari: {', '.join(BPJS_COLUMN_KEYS)}")
    bp.set_defaults(func="regency:cmd_bpjs_export")
    bp = bsub.add_parser("import", parents=[common], help="catat jawaban BPJS: nomor KPJ dan penolakan")
    bp.add_argument("file", metavar="BERKAS")
    bp.add_argument("--sheet", metavar="LEMBAR")
    bp.add_argument("--map", action="append", metavar="KOLOM=JUDUL", help=f"pilih kolom sendiri; KOLOM: "
                    f"{', '.join(BPJS_RESULT_FIELDS)}")  # fmt: skip
    bp.add_argument("--dry-run", action="store_true", help="pratinjau saja, tidak menyimpan")
    bp.set_defaults(func="regency:cmd_bpjs_import")

    p = sub.add_parser("iuran", parents=[common], help="desa: tagihan, pembayaran dan anggaran iuran")
    isub = p.add_subparsers(dest="iuran_command", metavar="PERINTAH", required=True)
    ip = isub.add_parser("bill", parents=[common], help="tagihan satu bulan: peserta, jumlah, jatuh tempo")
    ip.add_argument("--month", required=True, metavar="BB/TTTT")
    ip.set_defaults(func="premiums:cmd_iuran_bill")
    ip = isub.add_parser("pay", parents=[common], help="catat pembayaran iuran (semua yang ditagih, atau --nik)")
    ip.add_argument("--month", required=True, metavar="BB/TTTT", help="bulan pertama yang dibayar")
    ip.add_argument("--months", type=int, default=1, metavar="N", help="jumlah bulan (bayar di muka: 3, 6, 12)")
    ip.add_argument("--amount", required=True, metavar="RP", help="jumlah yang dibayar, harus sama dengan tagihan")
    ip.add_argument("--date", metavar="TANGGAL", help="tanggal bayar (bawaan: hari ini)")
    ip.add_argument("--ref", metavar="TEKS", help="nomor bukti atau referensi bank")
    ip.add_argument("--note", metavar="TEKS")
    ip.add_argument("--nik", nargs="+", metavar="NIK", help="hanya peserta ini (pembayaran sebagian)")
    ip.set_defaults(func="premiums:cmd_iuran_pay")
    ip = isub.add_parser("void", parents=[common], help="batalkan pembayaran yang salah dicatat")
    ip.add_argument("--id", type=int, required=True)
    ip.add_argument("--reason", required=True, metavar="ALASAN")
    ip.set_defaults(func="premiums:cmd_iuran_void")
    ip = isub.add_parser("payments", parents=[common], help="daftar pembayaran")
    ip.add_argument("--year", type=int, metavar="TTTT")
    ip.set_defaults(func="premiums:cmd_iuran_payments")
    ip = isub.add_parser("rates", parents=[common], help="tabel tarif; --id N --state on|off menyalakan baris")
    ip.add_argument("--id", type=int)
    ip.add_argument("--state", choices=["on", "off"], default="on")
    ip.set_defaults(func="premiums:cmd_iuran_rates")
    ip = isub.add_parser("budget", parents=[common], help="rencana anggaran iuran setahun (APBDes)")
    ip.add_argument("--year", type=int, required=True, metavar="TTTT")
    ip.add_argument("--additions", type=int, default=0, metavar="N", help="rencana tambahan peserta")
    ip.add_argument("--set", metavar="RP", help="catat anggaran yang disahkan, untuk melihat realisasinya")
    ip.set_defaults(func="premiums:cmd_iuran_budget")

    p = sub.add_parser("approval", parents=[common], help="desa: persetujuan verifikator atas data peserta")
    asub = p.add_subparsers(dest="approval_command", metavar="PERINTAH", required=True)
    ap = asub.add_parser("list", parents=[common], help="peserta yang menunggu persetujuan atau dikembalikan")
    ap.add_argument("--state", choices=APPROVAL_STATES)
    ap.add_argument("--changes", action="store_true", help="tampilkan juga apa yang berubah")
    ap.set_defaults(func="participants:cmd_approval_list")
    for name, func, text in (
        (
            "approve",
            "participants:cmd_approval_approve",
            "setujui data peserta (sebagai verifikator, dengan kata sandi)",
        ),
        ("decline", "participants:cmd_approval_decline", "kembalikan data peserta ke operator dengan alasan"),
    ):
        ap = asub.add_parser(name, parents=[common], help=text)
        ap.add_argument("--nik", nargs="+", metavar="NIK")
        ap.add_argument("--all", action="store_true", help="semua yang menunggu")
        if name == "decline":
            ap.add_argument("--reason", required=True, metavar="ALASAN")
        ap.set_defaults(func=func)
    ap = asub.add_parser("required", parents=[common], help="admin: wajibkan persetujuan verifikator (on/off)")
    ap.add_argument("state", choices=["on", "off"])
    ap.set_defaults(func="participants:cmd_approval_required")

    p = sub.add_parser("report", parents=[common], help="laporan")
    rsub = p.add_subparsers(dest="report_command", metavar="PERINTAH", required=True)
    rp = rsub.add_parser("lost", parents=[common], help="siapa yang datanya ada di flashdisk/perangkat yang hilang")
    rp.add_argument("--packages", type=int, nargs="+", metavar="N", help="nomor paket yang ada di flashdisk itu")
    rp.add_argument("--device", action="store_true", help="seluruh basis data (komputer hilang atau dicuri)")
    rp.add_argument("--out", required=True, metavar="BERKAS.xlsx")
    rp.set_defaults(func="regency:cmd_report_lost")
    rp = rsub.add_parser("iuran", parents=[common], help="desa: rekap iuran setahun, anggaran tahun berikutnya")
    rp.add_argument("--year", type=int, required=True, metavar="TTTT")
    rp.add_argument("--out", required=True, metavar="BERKAS.xlsx")
    rp.add_argument("--pdf", metavar="BERKAS.pdf", help="juga rekap bulanan siap cetak")
    rp.add_argument("--paper", choices=[p.value for p in Paper], default=Paper.A4.value)
    rp.add_argument("--additions", type=int, default=0, metavar="N", help="rencana tambahan peserta tahun depan")
    rp.set_defaults(func="premiums:cmd_report_iuran")
    rp = rsub.add_parser("coverage", parents=[common], help="kabupaten: cakupan per kecamatan dan desa")
    rp.add_argument("--out", required=True, metavar="BERKAS.xlsx")
    rp.set_defaults(func="regency:cmd_report_coverage")

    p = sub.add_parser("ganda", parents=[common], help="kabupaten: kepesertaan ganda")
    gsub = p.add_subparsers(dest="ganda_command", metavar="PERINTAH", required=True)
    gp = gsub.add_parser("scan", parents=[common], help="periksa ulang semua peserta aktif")
    gp.set_defaults(func="regency:cmd_ganda_scan")
    gp = gsub.add_parser("list", parents=[common], help="kasus terbuka (atau semua)")
    gp.add_argument("--all", action="store_true", help="juga yang sudah diputuskan")
    gp.add_argument("--kind", choices=["nik", "apbd", "similar"])
    gp.add_argument("--desa", metavar="KODE")
    gp.set_defaults(func="regency:cmd_ganda_list")
    gp = gsub.add_parser("decide", parents=[common], help="putuskan kepesertaan mana yang berlaku")
    gp.add_argument("id", type=int, metavar="NOMOR")
    gp.add_argument("decision", choices=["keep_first", "keep_second", "not_same"])
    gp.add_argument("--note", metavar="CATATAN")
    gp.set_defaults(func="regency:cmd_ganda_decide")

    p = sub.add_parser("apbd", parents=[common], help="kabupaten: daftar NIK kepesertaan yang dibiayai APBD")
    asub = p.add_subparsers(dest="apbd_command", metavar="PERINTAH", required=True)
    ap = asub.add_parser("import", parents=[common], help="ganti daftar NIK APBD dengan isi berkas ini")
    ap.add_argument("file", metavar="BERKAS")
    ap.add_argument("--sheet", metavar="LEMBAR")
    ap.set_defaults(func="regency:cmd_apbd_import")
    return parser
