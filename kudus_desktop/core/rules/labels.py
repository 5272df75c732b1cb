"""The Indonesian wording of every code the core produces.

Strings are marked with :func:`QT_TRANSLATE_NOOP` so that ``pyside6-lupdate`` extracts
them into the ``.ts`` sources; the GUI translates them at display time with the same
context, and the command line prints the Indonesian original. The marker is defined
here, not imported from Qt, because the core never imports PySide6.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kudus_desktop.core.rules.validation import Issue


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name lupdate looks for
    """Mark ``text`` for translation in ``context`` and return it unchanged."""
    return text


MESSAGE_CONTEXT = "Pesan"
FIELD_CONTEXT = "Kolom"
CODE_CONTEXT = "Kode"

#: Message templates by code; ``{name}`` placeholders are filled from the error's params.
MESSAGES: dict[str, str] = {
    "invalid": QT_TRANSLATE_NOOP("Pesan", "Data tidak sah."),
    "cancelled": QT_TRANSLATE_NOOP("Pesan", "Dibatalkan."),
    # Data directory and database
    "data_dir_not_writable": QT_TRANSLATE_NOOP(
        "Pesan", "Folder data {path} tidak dapat ditulisi. Periksa izin folder atau pilih folder lain."
    ),
    "data_dir_not_dir": QT_TRANSLATE_NOOP("Pesan", "{path} bukan folder. Pilih folder data yang lain."),
    "db_not_sqlite": QT_TRANSLATE_NOOP(
        "Pesan",
        "Berkas {path} bukan basis data (isinya rusak atau berkas lain). Berkas itu tidak diubah; "
        "pulihkan dari cadangan atau pindahkan berkas itu.",
    ),
    "db_foreign": QT_TRANSLATE_NOOP(
        "Pesan",
        "Berkas {path} adalah basis data SQLite milik aplikasi lain, bukan Kudus Desktop. Berkas itu tidak diubah.",
    ),
    "db_corrupt": QT_TRANSLATE_NOOP(
        "Pesan", "Basis data {path} rusak ({detail}). Berkas itu tidak diubah; pulihkan dari cadangan."
    ),
    "db_newer": QT_TRANSLATE_NOOP(
        "Pesan",
        "Basis data {path} dibuat oleh versi Kudus Desktop yang lebih baru (skema {found}, versi ini mengenal "
        "sampai skema {supported}). Perbarui aplikasi; berkas itu tidak diubah.",
    ),
    "db_locked": QT_TRANSLATE_NOOP(
        "Pesan", "Basis data sedang dipakai proses lain. Tutup jendela Kudus Desktop yang lain lalu coba lagi."
    ),
    "disk_full": QT_TRANSLATE_NOOP(
        "Pesan",
        "Disk tempat {path} penuh: tinggal {free} kosong. Kosongkan sedikitnya {needed} (hapus atau pindahkan "
        "berkas yang tidak diperlukan, misalnya ke flashdisk), lalu coba lagi. Data Anda tidak rusak. Tidak ada "
        "data yang berubah.",
    ),
    "db_in_use": QT_TRANSLATE_NOOP(
        "Pesan",
        "{purpose} tidak dapat dilakukan sekarang: data di {path} sedang dibuka oleh {holders}. Tutup itu dulu, "
        "lalu coba lagi. Tidak ada yang diubah.",
    ),
    "window_open": QT_TRANSLATE_NOOP(
        "Pesan",
        "Kudus Desktop sudah terbuka untuk data di {path}: {holder}. Pakai jendela itu; satu folder data hanya "
        "dibuka oleh satu jendela agar tidak ada simpanan yang saling menimpa.",
    ),
    "clock_wrong": QT_TRANSLATE_NOOP(
        "Pesan",
        "Jam komputer menunjukkan {shown}; tanggal itu tidak mungkin benar (harus antara tahun {first} dan "
        "{last}). Perbaiki tanggal dan jam Windows (klik kanan jam di pojok kanan bawah, Sesuaikan tanggal/waktu), "
        "lalu coba lagi. Tidak ada yang disimpan.",
    ),
    "db_write_failed": QT_TRANSLATE_NOOP(
        "Pesan", "Gagal menyimpan ke basis data: {detail}. Tidak ada data yang berubah."
    ),
    "migration_failed": QT_TRANSLATE_NOOP(
        "Pesan",
        "Pembaruan basis data dari skema {found} gagal ({detail}). Basis data dikembalikan seperti semula; "
        "salinan cadangan ada di {backup}.",
    ),
    "backup_failed": QT_TRANSLATE_NOOP("Pesan", "Cadangan tidak dapat dibuat di {path}: {detail}."),
    "passphrase_too_short": QT_TRANSLATE_NOOP("Pesan", "Frasa sandi cadangan minimal {min} karakter."),
    "backup_wrong_passphrase": QT_TRANSLATE_NOOP(
        "Pesan", "Cadangan {path} tidak dapat dibuka: frasa sandinya salah atau berkasnya telah berubah."
    ),
    "backup_needs_passphrase": QT_TRANSLATE_NOOP("Pesan", "Cadangan {path} terenkripsi; masukkan frasa sandinya."),
    "restore_failed": QT_TRANSLATE_NOOP(
        "Pesan", "Pemulihan dari {path} gagal ({detail}). Basis data yang lama tetap dipakai."
    ),
    # Setup
    "already_initialised": QT_TRANSLATE_NOOP(
        "Pesan", "Folder data {path} sudah disiapkan untuk {name}. Tidak ada yang diubah."
    ),
    "not_initialised": QT_TRANSLATE_NOOP(
        "Pesan", "Folder data {path} belum disiapkan. Jalankan aplikasi atau 'kudus-desktop init' terlebih dahulu."
    ),
    "region_unknown": QT_TRANSLATE_NOOP("Pesan", "Kode wilayah {code} tidak ada dalam daftar wilayah Kabupaten Kudus."),
    "region_not_desa": QT_TRANSLATE_NOOP(
        "Pesan", "{code} ({name}) bukan desa. Mode desa hanya untuk 123 desa; kelurahan tidak memiliki APBDes."
    ),
    "region_not_kabupaten": QT_TRANSLATE_NOOP(
        "Pesan", "{code} bukan kode kabupaten. Untuk Kabupaten Kudus gunakan 33.19."
    ),
    "username_invalid": QT_TRANSLATE_NOOP(
        "Pesan", "Nama pengguna harus 3-32 karakter: huruf kecil, angka, titik, garis bawah atau tanda hubung."
    ),
    "password_too_short": QT_TRANSLATE_NOOP("Pesan", "Kata sandi minimal {min} karakter."),
    "password_mismatch": QT_TRANSLATE_NOOP("Pesan", "Kedua kata sandi tidak sama."),
    "password_file_unreadable": QT_TRANSLATE_NOOP("Pesan", "Berkas kata sandi {path} tidak dapat dibaca."),
    "cli_login_needed": QT_TRANSLATE_NOOP(
        "Pesan",
        "Perintah '{command}' mengubah data atau menampilkan NIK lengkap, jadi harus dijalankan atas nama "
        "seseorang: tambahkan --user NAMA dan --password-file BERKAS (atau atur KUDUS_USER dan "
        "KUDUS_PASSWORD_FILE). Tidak ada yang diubah.",
    ),
    "cli_password_missing": QT_TRANSLATE_NOOP(
        "Pesan",
        "Kata sandi untuk {user} tidak diberikan: tambahkan --password-file BERKAS (atau atur "
        "KUDUS_PASSWORD_FILE atau KUDUS_PASSWORD). Tidak ada yang diubah.",
    ),
    "cli_role": QT_TRANSLATE_NOOP(
        "Pesan",
        "Akun {user} ({role}) tidak boleh menjalankan '{command}'; yang boleh: {allowed}. Tidak ada yang diubah.",
    ),
    "required": QT_TRANSLATE_NOOP("Pesan", "{field} wajib diisi."),
    # Log-in
    "login_failed": QT_TRANSLATE_NOOP("Pesan", "Nama pengguna atau kata sandi salah."),
    "password_current_wrong": QT_TRANSLATE_NOOP("Pesan", "Kata sandi yang sekarang salah."),
    "password_unchanged": QT_TRANSLATE_NOOP("Pesan", "Kata sandi baru sama dengan yang sekarang."),
    "account_disabled": QT_TRANSLATE_NOOP("Pesan", "Akun ini dinonaktifkan. Hubungi admin."),
    "account_locked": QT_TRANSLATE_NOOP(
        "Pesan", "Terlalu banyak kata sandi salah. Akun dikunci; coba lagi dalam {minutes} menit atau minta admin."
    ),
    "not_allowed": QT_TRANSLATE_NOOP("Pesan", "Hanya admin yang boleh melakukan ini."),
    "account_not_found": QT_TRANSLATE_NOOP("Pesan", "Akun tidak ditemukan."),
    "username_taken": QT_TRANSLATE_NOOP("Pesan", "Nama pengguna {username} sudah dipakai."),
    "last_admin": QT_TRANSLATE_NOOP(
        "Pesan", "{name} adalah satu-satunya admin yang aktif dan tidak dapat dinonaktifkan."
    ),
    # Cards and printouts
    "card_nik_unknown": QT_TRANSLATE_NOOP("Pesan", "Tidak ada peserta dengan NIK {nik}."),
    "card_participant_ended": QT_TRANSLATE_NOOP(
        "Pesan", "Kepesertaan {name} sudah berhenti; kartu hanya dicetak untuk peserta aktif."
    ),
    "card_none": QT_TRANSLATE_NOOP("Pesan", "Tidak ada kartu untuk dicetak: tidak ada peserta aktif yang dipilih."),
    "card_reprint_reason": QT_TRANSLATE_NOOP(
        "Pesan", "{count} kartu sudah pernah dicetak. Tuliskan alasan cetak ulang (misalnya: kartu hilang)."
    ),
    "card_qr_invalid": QT_TRANSLATE_NOOP("Pesan", "Kode QR ini bukan kode kartu Kudus Desktop atau isinya rusak."),
    "card_qr_forged": QT_TRANSLATE_NOOP(
        "Pesan",
        "Tanda tangan kode QR kartu {reg_no} tidak cocok dengan kunci publik desa ini: kartu palsu, "
        "diubah, atau dari desa lain.",
    ),
    "public_key_invalid": QT_TRANSLATE_NOOP(
        "Pesan", "Berkas kunci publik tidak dapat dibaca: harus kunci Ed25519 dalam format PEM dari Kudus Desktop."
    ),
    "pdf_write_failed": QT_TRANSLATE_NOOP(
        "Pesan", "Berkas PDF {path} tidak dapat ditulis. Periksa foldernya atau tutup berkas itu di program lain."
    ),
    "print_failed": QT_TRANSLATE_NOOP("Pesan", "Pencetak {printer} menolak pekerjaan cetak. Periksa pencetaknya."),
    # Sync packages, receipts and setup files
    "sync_wrong_mode": QT_TRANSLATE_NOOP("Pesan", "Perintah ini hanya untuk instalasi mode {mode}."),
    "sync_not_joined": QT_TRANSLATE_NOOP(
        "Pesan",
        "Desa ini belum terhubung dengan kabupaten. Impor berkas setup dari DPMD lebih dahulu "
        "(Sinkronisasi > Gabung, atau 'kudus-desktop sync join BERKAS').",
    ),
    "sync_no_changes": QT_TRANSLATE_NOOP(
        "Pesan", "Tidak ada perubahan sejak paket {seq}; tidak ada paket baru yang dibuat."
    ),
    "sync_only_unapproved": QT_TRANSLATE_NOOP(
        "Pesan",
        "Belum ada perubahan yang siap dikirim: {count} peserta menunggu persetujuan verifikator "
        "(halaman Persetujuan). Tidak ada paket baru yang dibuat.",
    ),
    "sync_read_failed": QT_TRANSLATE_NOOP("Pesan", "Berkas {name} tidak dapat dibaca: {detail}."),
    "sync_write_failed": QT_TRANSLATE_NOOP(
        "Pesan", "Berkas {path} tidak dapat ditulis: {detail}. Periksa flashdisk atau foldernya lalu coba lagi."
    ),
    "sync_verify_failed": QT_TRANSLATE_NOOP(
        "Pesan",
        "Berkas yang ditulis ke {path} tidak terbaca kembali dengan benar (flashdisk dicabut atau rusak?). "
        "Berkas itu dihapus; coba lagi.",
    ),
    "sync_too_large": QT_TRANSLATE_NOOP(
        "Pesan", "Berkas {name} lebih besar dari {limit} MB; itu bukan paket sinkronisasi. Tidak ada yang diubah."
    ),
    "sync_not_sync_file": QT_TRANSLATE_NOOP(
        "Pesan", "Berkas {name} bukan paket atau tanda terima Kudus Desktop. Tidak ada yang diubah."
    ),
    "sync_wrong_kind": QT_TRANSLATE_NOOP(
        "Pesan", "Berkas {name} adalah {found}, bukan {expected}. Tidak ada yang diubah."
    ),
    "sync_truncated": QT_TRANSLATE_NOOP(
        "Pesan",
        "Berkas {name} terpotong: hanya {have} dari {need} byte (penyalinan terputus atau flashdisk dicabut). "
        "Salin ulang dari komputer asal. Tidak ada yang diubah.",
    ),
    "sync_trailing": QT_TRANSLATE_NOOP(
        "Pesan",
        "Berkas {name} berisi {extra} byte tambahan di belakangnya: berkas telah diubah. Tidak ada yang diubah.",
    ),
    "sync_format_newer": QT_TRANSLATE_NOOP(
        "Pesan",
        "Berkas {name} memakai format {found}, sedangkan versi ini hanya mengenal sampai format {supported}. "
        "Perbarui Kudus Desktop. Tidak ada yang diubah.",
    ),
    "sync_format_older": QT_TRANSLATE_NOOP(
        "Pesan",
        "Berkas {name} memakai format {found} yang tidak didukung lagi (paling lama format {oldest}). Minta "
        "pengirim membuat berkas baru dengan versi aplikasi sekarang. Tidak ada yang diubah.",
    ),
    "sync_header_invalid": QT_TRANSLATE_NOOP(
        "Pesan", "Kepala berkas {name} rusak (bagian {detail}). Tidak ada yang diubah."
    ),
    "sync_signature_invalid": QT_TRANSLATE_NOOP(
        "Pesan",
        "Tanda tangan berkas {name} tidak cocok: isinya diubah atau rusak setelah ditulis, atau dibuat "
        "perangkat lain. Berkas ditolak; tidak ada yang diubah.",
    ),
    "sync_wrong_recipient": QT_TRANSLATE_NOOP(
        "Pesan",
        "Berkas {name} dienkripsi untuk kunci lain, bukan kunci instalasi ini (berkas setup lama atau salah "
        "alamat). Tidak ada yang diubah.",
    ),
    "sync_decrypt_failed": QT_TRANSLATE_NOOP(
        "Pesan", "Isi berkas {name} tidak dapat dibuka: kuncinya tidak cocok atau isinya rusak. Tidak ada yang diubah."
    ),
    "sync_payload_invalid": QT_TRANSLATE_NOOP(
        "Pesan", "Isi berkas {name} tidak sesuai format ({detail}). Tidak ada yang diubah."
    ),
    "sync_foreign_regency": QT_TRANSLATE_NOOP(
        "Pesan", "Paket {name} ditujukan ke kabupaten {code}, bukan kabupaten ini. Tidak ada yang diubah."
    ),
    "sync_unknown_device": QT_TRANSLATE_NOOP(
        "Pesan",
        "Paket {name} dibuat perangkat desa {desa} yang belum terdaftar (sidik jari {fingerprint}). Cocokkan "
        "sidik jari itu dengan yang dibacakan operator desa dari halaman Sinkronisasinya, lalu daftarkan "
        "perangkatnya. Tidak ada yang diubah.",
    ),
    "sync_fingerprint_mismatch": QT_TRANSLATE_NOOP(
        "Pesan",
        "Sidik jari yang dimasukkan ({typed}) tidak sama dengan sidik jari perangkat pada paket {name} "
        "({fingerprint}). Perangkat tidak didaftarkan; tidak ada yang diubah.",
    ),
    "sync_device_other_desa": QT_TRANSLATE_NOOP(
        "Pesan",
        "Paket {name} mengaku dari desa {desa}, tetapi perangkatnya terdaftar untuk desa {registered}. "
        "Tidak ada yang diubah.",
    ),
    "sync_seq_reused": QT_TRANSLATE_NOOP(
        "Pesan",
        "Paket {name}: nomor urut {seq} dari perangkat ini sudah diterima dengan isi yang berbeda (desa "
        "memulihkan cadangan lama?). Paket ditolak; tanda terima berikutnya memberi tahu desa, yang lalu "
        "mengirim semua datanya dalam paket bernomor di atas {last}.",
    ),
    "sync_conflict": QT_TRANSLATE_NOOP(
        "Pesan", "Paket {name} bertentangan dengan data yang sudah ada ({detail}). Tidak ada yang diubah."
    ),
    "sync_receipt_foreign": QT_TRANSLATE_NOOP(
        "Pesan",
        "Tanda terima {name} tidak ditandatangani kabupaten tempat desa ini terdaftar. Tidak ada yang diubah.",
    ),
    "sync_receipt_other_desa": QT_TRANSLATE_NOOP(
        "Pesan", "Tanda terima {name} untuk desa {desa}, bukan desa ini. Tidak ada yang diubah."
    ),
    "sync_receipt_old": QT_TRANSLATE_NOOP(
        "Pesan",
        "Tanda terima {name} (nomor {seq}) lebih lama dari tanda terima yang sudah diterapkan (nomor {applied}). "
        "Tidak ada yang diubah.",
    ),
    "sync_setup_invalid": QT_TRANSLATE_NOOP(
        "Pesan", "Berkas {name} bukan berkas setup Kudus Desktop, atau isinya rusak atau diubah."
    ),
    "sync_setup_format": QT_TRANSLATE_NOOP(
        "Pesan", "Berkas setup {name} memakai format {found} yang tidak dikenal versi ini. Perbarui Kudus Desktop."
    ),
    "sync_setup_other_desa": QT_TRANSLATE_NOOP(
        "Pesan", "Berkas setup {name} dibuat untuk desa {desa_name} ({code}), bukan untuk desa ini, {own}."
    ),
    "sync_desa_unknown": QT_TRANSLATE_NOOP("Pesan", "{code} bukan kode desa di kabupaten ini."),
    "sync_payload_too_large": QT_TRANSLATE_NOOP(
        "Pesan",
        "Isi berkas {name} melebihi batas yang dapat dibuka ({limit} MB setelah diurai): bukan paket yang wajar. "
        "Berkas ditolak; tidak ada yang diubah.",
    ),
    "sync_internal": QT_TRANSLATE_NOOP(
        "Pesan",
        "Berkas {name} tidak dapat diproses karena kesalahan tak terduga ({detail}). Berkas itu dilewati; tidak "
        "ada yang diubah olehnya. Laporkan kepada pengelola aplikasi.",
    ),
    "sync_device_revoked": QT_TRANSLATE_NOOP(
        "Pesan",
        "Paket {name} dibuat perangkat yang sudah dicabut kabupaten ({when}). Berkas ditolak; tidak ada yang "
        "diubah. Desa perlu membuat kunci perangkat baru dan membacakan sidik jarinya kepada kabupaten.",
    ),
    "sync_device_retired": QT_TRANSLATE_NOOP(
        "Pesan",
        "Paket {name} bernomor {seq} dari perangkat lama desa, padahal desa sudah berganti kunci sejak paket "
        "{retired_seq}. Berkas ditolak; tidak ada yang diubah.",
    ),
    "sync_device_unknown": QT_TRANSLATE_NOOP("Pesan", "Perangkat {device} tidak terdaftar di kabupaten ini."),
    "sync_revoke_reason": QT_TRANSLATE_NOOP(
        "Pesan", "Tulis alasan pencabutan perangkat (misalnya: laptop hilang, dicuri, diganti)."
    ),
    "sync_receipt_conflict": QT_TRANSLATE_NOOP(
        "Pesan",
        "Tanda terima {name} bernomor {seq}, nomor yang sudah diterapkan dari tanda terima lain yang isinya "
        "berbeda. Tanda terima ini ditolak; tidak ada yang diubah. Minta tanda terima terbaru dari kabupaten.",
    ),
    "sync_receipt_other_device": QT_TRANSLATE_NOOP(
        "Pesan",
        "Tanda terima {name} menjawab paket perangkat lain ({device}), bukan perangkat ini. Tidak ada yang diubah.",
    ),
    "sync_seq_exhausted": QT_TRANSLATE_NOOP(
        "Pesan", "Nomor paket {seq} melebihi batas format. Hubungi DPMD; tidak ada paket yang dibuat."
    ),
    "keys_locked": QT_TRANSLATE_NOOP(
        "Pesan",
        "Kunci instalasi kabupaten tidak dapat dibuka: berkas kunci {path} hilang atau milik instalasi lain "
        "(basis data dipulihkan dari salinan biasa di komputer lain?). Pulihkan dari cadangan terenkripsi (.kbak), "
        "yang membawa kuncinya, atau kembalikan berkas kunci itu.",
    ),
    "keys_unreadable": QT_TRANSLATE_NOOP("Pesan", "Berkas kunci {path} tidak dapat dibaca atau ditulis: {detail}."),
    # Rows of a sync package the regency refuses (reported to the village in its receipt)
    "sync_field_type": QT_TRANSLATE_NOOP("Pesan", "{field}: isinya harus {want}."),
    "sync_field_control": QT_TRANSLATE_NOOP(
        "Pesan", "{field} berisi karakter kendali atau pembalik arah teks yang tidak boleh ada dalam data."
    ),
    "sync_field_spacing": QT_TRANSLATE_NOOP("Pesan", "{field} diawali, diakhiri atau berisi spasi ganda."),
    "sync_field_range": QT_TRANSLATE_NOOP("Pesan", "{field} di luar batas yang sah ({low} sampai {high})."),
    "sync_field_timestamp": QT_TRANSLATE_NOOP("Pesan", "{field}: '{text}' bukan waktu yang sah (TTTT-BB-HH jj:mm:dd)."),
    "sync_field_uid": QT_TRANSLATE_NOOP("Pesan", "Pengenal data (uid) tidak sah."),
    "sync_row_other_desa": QT_TRANSLATE_NOOP("Pesan", "Data ini milik desa {desa}, bukan desa pengirim paket ({own})."),
    "sync_reg_no_invalid": QT_TRANSLATE_NOOP(
        "Pesan",
        "Nomor registrasi '{value}' tidak sah: harus diawali kode desa {desa} lalu tanda hubung dan nomor urut.",
    ),
    "sync_row_repeated": QT_TRANSLATE_NOOP("Pesan", "Data yang sama muncul dua kali dalam paket; yang kedua ditolak."),
    "sync_nik_repeated": QT_TRANSLATE_NOOP(
        "Pesan", "NIK ini dipakai dua peserta dalam satu paket; yang kedua ditolak."
    ),
    "sync_reg_no_repeated": QT_TRANSLATE_NOOP(
        "Pesan", "Nomor registrasi {value} dipakai dua peserta dalam satu paket; yang kedua ditolak."
    ),
    "sync_changes_invalid": QT_TRANSLATE_NOOP("Pesan", "Riwayat perubahan tidak sesuai format."),
    "sync_months_invalid": QT_TRANSLATE_NOOP("Pesan", "Rentang bulan pembayaran tidak sah."),
    "sync_paid_orphan": QT_TRANSLATE_NOOP("Pesan", "Bulan iuran tanpa pembayaran yang sah."),
    "sync_kpj_invalid": QT_TRANSLATE_NOOP("Pesan", "Nomor KPJ harus berupa angka (paling banyak {max} digit)."),
    "sync_uid_other_desa": QT_TRANSLATE_NOOP(
        "Pesan", "Pengenal data ini sudah dipakai desa lain di kabupaten; data ditolak."
    ),
    "sync_nik_taken": QT_TRANSLATE_NOOP(
        "Pesan", "NIK ini sudah terdaftar di desa ini untuk peserta lain, {name} ({reg_no})."
    ),
    "sync_reg_no_taken": QT_TRANSLATE_NOOP(
        "Pesan",
        "Nomor registrasi {reg_no} sudah dipakai peserta lain desa ini di kabupaten ({name}); aplikasi desa "
        "memberi nomor baru dan mengirimnya lagi.",
    ),
    # Server store (PostgreSQL)
    "store_url_unsupported": QT_TRANSLATE_NOOP(
        "Pesan", "Alamat basis data {url} tidak didukung. Gunakan postgresql+psycopg://pengguna:sandi@host/nama."
    ),
    "store_url_invalid": QT_TRANSLATE_NOOP("Pesan", "Alamat basis data {url} tidak sah: {detail}."),
    "store_unreachable": QT_TRANSLATE_NOOP(
        "Pesan", "Basis data {url} tidak dapat dihubungi: {detail}. Periksa server, nama pengguna dan sandinya."
    ),
    "store_schema_old": QT_TRANSLATE_NOOP(
        "Pesan",
        "Basis data {url} berskema {found}, versi ini memerlukan skema {supported}. Salin ulang data dengan "
        "'kudus-desktop store copy' ke basis data kosong; basis data itu tidak diubah.",
    ),
    "store_not_empty": QT_TRANSLATE_NOOP(
        "Pesan", "Basis data tujuan {url} sudah berisi data ({count} peserta). Salinan hanya ke basis data kosong."
    ),
    "backup_server_store": QT_TRANSLATE_NOOP(
        "Pesan", "Basis data {url} ada di server PostgreSQL; cadangkan dengan pg_dump di server itu."
    ),
    "store_same": QT_TRANSLATE_NOOP("Pesan", "Sumber dan tujuan salinan adalah basis data yang sama."),
    # Sync server
    "hub_auth_missing": QT_TRANSLATE_NOOP(
        "Pesan", "Permintaan tanpa tanda tangan perangkat desa. Server sinkronisasi hanya melayani aplikasi desa."
    ),
    "hub_signature_invalid": QT_TRANSLATE_NOOP(
        "Pesan", "Tanda tangan permintaan tidak cocok dengan kunci perangkat yang terdaftar di kabupaten."
    ),
    "hub_device_unknown": QT_TRANSLATE_NOOP(
        "Pesan",
        "Perangkat {device} belum terdaftar di kabupaten. Kirim paket pertama agar kabupaten dapat "
        "mengonfirmasi sidik jarinya.",
    ),
    "hub_device_pending": QT_TRANSLATE_NOOP(
        "Pesan", "Paket sudah diterima server; kabupaten belum mengonfirmasi sidik jari perangkat ini ({fingerprint})."
    ),
    "hub_device_mismatch": QT_TRANSLATE_NOOP("Pesan", "Paket ini tidak dibuat oleh perangkat yang mengirimnya."),
    "hub_device_replaced": QT_TRANSLATE_NOOP(
        "Pesan", "Desa ini sudah mengirim dari perangkat yang lebih baru; tanda terima hanya untuk perangkat itu."
    ),
    "hub_body_too_large": QT_TRANSLATE_NOOP("Pesan", "Kiriman lebih besar dari batas server ({limit} MB)."),
    "hub_busy": QT_TRANSLATE_NOOP(
        "Pesan", "Server sedang menerima banyak kiriman. Paket menunggu dan dikirim lagi dalam {seconds} detik."
    ),
    "hub_bad_request": QT_TRANSLATE_NOOP("Pesan", "Permintaan ke server tidak lengkap atau tidak sah."),
    "hub_device_revoked": QT_TRANSLATE_NOOP(
        "Pesan",
        "Perangkat {device} sudah dicabut kabupaten; tidak ada lagi yang diterima darinya. Buat kunci perangkat "
        "baru (Sinkronisasi > Ganti kunci) dan bacakan sidik jarinya kepada kabupaten.",
    ),
    "hub_device_known": QT_TRANSLATE_NOOP("Pesan", "Perangkat {device} sudah terdaftar; paketnya diimpor langsung."),
    "hub_reply_too_large": QT_TRANSLATE_NOOP(
        "Pesan", "Jawaban server {server} lebih besar dari {limit} MB; itu bukan tanda terima. Tidak ada yang diubah."
    ),
    "hub_rate_limited": QT_TRANSLATE_NOOP(
        "Pesan", "Terlalu banyak permintaan dari desa ini. Coba lagi dalam {seconds} detik."
    ),
    "hub_internal": QT_TRANSLATE_NOOP(
        "Pesan", "Server sinkronisasi mengalami kesalahan. Tidak ada data yang berubah; coba lagi nanti."
    ),
    "hub_not_found": QT_TRANSLATE_NOOP("Pesan", "Alamat {path} tidak dikenal oleh server sinkronisasi."),
    "hub_pending_unknown": QT_TRANSLATE_NOOP("Pesan", "Tidak ada paket yang menunggu dari perangkat {device}."),
    "hub_no_server": QT_TRANSLATE_NOOP(
        "Pesan", "Alamat server sinkronisasi belum ada. Paket tetap dapat dikirim dengan flashdisk."
    ),
    "hub_server_invalid": QT_TRANSLATE_NOOP(
        "Pesan", "Alamat server sinkronisasi {server} tidak sah; harus diawali http:// atau https://."
    ),
    "hub_unreachable": QT_TRANSLATE_NOOP(
        "Pesan", "Server {server} tidak dapat dihubungi ({detail}). Paket menunggu dan dikirim lagi nanti."
    ),
    "hub_refused": QT_TRANSLATE_NOOP("Pesan", "Server kabupaten menolak (HTTP {status}): {reason}"),
    "hub_not_kudus": QT_TRANSLATE_NOOP("Pesan", "{server} bukan server sinkronisasi Kudus Desktop."),
    "hub_other_regency": QT_TRANSLATE_NOOP(
        "Pesan", "Server {server} melayani kabupaten {found}, bukan {expected}. Periksa alamat server."
    ),
    # Updates from the regency
    "update_bad_version": QT_TRANSLATE_NOOP(
        "Pesan", "Nomor versi “{version}” tidak sah: tulis tiga angka seperti 1.2.0."
    ),
    "update_bad_platform": QT_TRANSLATE_NOOP(
        "Pesan", "Sistem “{platform}” tidak dikenal untuk pembaruan. Pilih salah satu: {known}."
    ),
    "update_notes_too_long": QT_TRANSLATE_NOOP(
        "Pesan", "Catatan pembaruan terlalu panjang (paling banyak {limit} huruf)."
    ),
    "update_bad_schema": QT_TRANSLATE_NOOP(
        "Pesan", "Skema terendah {found} tidak sah: versi ini mengenal skema 1 sampai {supported}."
    ),
    "update_unreadable": QT_TRANSLATE_NOOP("Pesan", "Berkas {name} tidak dapat dibaca: {reason}."),
    "update_copy_failed": QT_TRANSLATE_NOOP(
        "Pesan", "Pembaruan tidak dapat disalin ke {folder}: {reason}. Periksa flashdisk-nya lalu coba lagi."
    ),
    "update_too_large": QT_TRANSLATE_NOOP(
        "Pesan", "Berkas {name} lebih besar dari pembaruan mana pun (paling besar {limit} MB). Berkas ditolak."
    ),
    "update_not_update": QT_TRANSLATE_NOOP("Pesan", "{name} bukan berkas pembaruan Kudus Desktop (.kdu)."),
    "update_damaged": QT_TRANSLATE_NOOP(
        "Pesan", "Berkas pembaruan {name} rusak atau tidak lengkap ({detail}). Minta berkas baru dari DPMD."
    ),
    "update_bad_signature": QT_TRANSLATE_NOOP(
        "Pesan",
        "Berkas pembaruan {name} tidak ditandatangani oleh kabupaten yang dipercaya desa ini. Berkas tidak "
        "dipasang; laporkan ke DPMD.",
    ),
    "update_other_regency": QT_TRANSLATE_NOOP(
        "Pesan", "Pembaruan {name} diterbitkan untuk kabupaten {found}, bukan {expected}. Berkas tidak dipasang."
    ),
    "update_other_platform": QT_TRANSLATE_NOOP(
        "Pesan", "Pembaruan {name} untuk komputer {found}, sedangkan komputer ini {expected}. Berkas tidak dipasang."
    ),
    "update_not_newer": QT_TRANSLATE_NOOP(
        "Pesan", "Pembaruan {name} berisi versi {found}, tidak lebih baru dari versi {running} yang terpasang."
    ),
    "update_needs_step": QT_TRANSLATE_NOOP(
        "Pesan",
        "Versi {version} tidak dapat membuka basis data skema {found}. Pasang dulu pembaruan yang lebih awal "
        "dari DPMD.",
    ),
    "update_altered": QT_TRANSLATE_NOOP(
        "Pesan", "Isi pembaruan {name} tidak sama dengan yang ditandatangani kabupaten ({detail}). Berkas ditolak."
    ),
    "update_not_bundle": QT_TRANSLATE_NOOP(
        "Pesan", "Pembaruan hanya dapat dipasang pada Kudus Desktop yang terpasang, bukan yang dijalankan dari kode."
    ),
    "update_none": QT_TRANSLATE_NOOP("Pesan", "Tidak ada pembaruan yang menunggu untuk dipasang."),
    "update_selftest_failed": QT_TRANSLATE_NOOP(
        "Pesan",
        "Versi {version} gagal uji mandiri sebelum dipasang ({detail}). Versi yang terpasang tetap dipakai; "
        "laporkan ke DPMD.",
    ),
    # Premiums
    "month_invalid": QT_TRANSLATE_NOOP(
        "Pesan", "Bulan '{value}' tidak dikenal. Tulis sebagai BB/TTTT, misalnya 05/2026 (atau Mei 2026)."
    ),
    "months_invalid": QT_TRANSLATE_NOOP("Pesan", "Jumlah bulan {months} tidak sah (1 sampai 24)."),
    "rate_missing": QT_TRANSLATE_NOOP(
        "Pesan", "Tidak ada tarif iuran yang berlaku untuk {month} (sumber dana {funding}). Tambahkan baris tarif."
    ),
    "rate_unknown": QT_TRANSLATE_NOOP("Pesan", "Baris tarif {id} tidak ada."),
    "rate_dates": QT_TRANSLATE_NOOP("Pesan", "Tarif berakhir ({valid_to}) sebelum mulai berlaku ({valid_from})."),
    "rate_values": QT_TRANSLATE_NOOP(
        "Pesan",
        "Tarif tidak sah: penghasilan dilaporkan minimal {min_income}, JKK lebih dari 0% dan paling "
        "banyak 10%, JKM tidak negatif.",
    ),
    "rate_discount": QT_TRANSLATE_NOOP("Pesan", "Diskon harus lebih dari 0% dan paling banyak 100%."),
    "premium_lapsed": QT_TRANSLATE_NOOP(
        "Pesan",
        "Kepesertaan {name} gugur pada {month} karena lebih dari 3 bulan iuran tidak dibayar. "
        "Daftarkan ulang orang itu; pembayaran ini tidak dicatat.",
    ),
    "premium_not_enrolled": QT_TRANSLATE_NOOP(
        "Pesan",
        "{name} belum atau tidak lagi terdaftar sebagai peserta ({standing}); {count} orang yang dipilih tidak "
        "ditagih. Hanya peserta yang disetujui dan tidak ditolak yang dibayar. Pembayaran tidak dicatat.",
    ),
    "premium_not_on_bill": QT_TRANSLATE_NOOP(
        "Pesan",
        "{count} orang yang dipilih tidak ada dalam tagihan {period} (bukan peserta pada bulan itu atau "
        "dibiayai APBD): {names}. Pembayaran tidak dicatat.",
    ),
    "payment_amount_invalid": QT_TRANSLATE_NOOP("Pesan", "Jumlah pembayaran harus lebih dari nol."),
    "payment_date_future": QT_TRANSLATE_NOOP("Pesan", "Tanggal bayar {date} belum terjadi."),
    "payment_nothing_due": QT_TRANSLATE_NOOP(
        "Pesan", "Tidak ada iuran yang belum dibayar untuk {period} pada pilihan ini."
    ),
    "payment_amount_mismatch": QT_TRANSLATE_NOOP(
        "Pesan",
        "Jumlah {amount} tidak sama dengan tagihan {expected} untuk {people} peserta, {period}. Periksa "
        "jumlahnya, atau pilih peserta dan bulan yang sesuai dengan pembayaran itu.",
    ),
    "payment_void_reason": QT_TRANSLATE_NOOP("Pesan", "Tuliskan alasan pembatalan pembayaran."),
    "payment_unknown": QT_TRANSLATE_NOOP("Pesan", "Pembayaran {id} tidak ada."),
    "payment_already_void": QT_TRANSLATE_NOOP("Pesan", "Pembayaran itu sudah dibatalkan pada {date}."),
    "budget_invalid": QT_TRANSLATE_NOOP(
        "Pesan", "Anggaran tidak sah: jumlah harus lebih dari nol, tambahan peserta tidak negatif, tahun 2000-2100."
    ),
    # Retention
    "retention_invalid": QT_TRANSLATE_NOOP("Pesan", "Masa simpan harus 0 sampai 100 tahun (0: tidak pernah dihapus)."),
    "retention_off": QT_TRANSLATE_NOOP(
        "Pesan",
        "Masa simpan data belum diatur (0 tahun): tidak ada yang dihapus. Atur dulu dengan "
        "'kudus-desktop purge --set-years N'.",
    ),
    "retention_changed": QT_TRANSLATE_NOOP(
        "Pesan",
        "Jumlah yang akan dihapus berubah dari {expected} menjadi {found} orang. Periksa lagi lalu ulangi; "
        "tidak ada yang dihapus.",
    ),
    "retention_clock_moved": QT_TRANSLATE_NOOP(
        "Pesan",
        "Jam komputer berubah sejak pertanyaan tadi: batas hapusnya kini {now}, bukan {seen}. Periksa tanggal dan "
        "jam Windows lalu ulangi; tidak ada yang dihapus.",
    ),
    # Lost media
    "lost_not_allowed": QT_TRANSLATE_NOOP(
        "Pesan", "Laporan perangkat hilang memuat NIK lengkap: hanya admin dan verifikator yang boleh membuatnya."
    ),
    "lost_no_packages": QT_TRANSLATE_NOOP("Pesan", "Sebutkan nomor paket yang ada di flashdisk yang hilang."),
    "lost_package_unknown": QT_TRANSLATE_NOOP("Pesan", "Perangkat ini tidak pernah membuat paket {seqs}."),
    # Approval
    "enrol_not_allowed": QT_TRANSLATE_NOOP(
        "Pesan",
        "Verifikator memeriksa data, tidak mengubahnya: hanya admin dan operator yang boleh mendaftarkan "
        "atau mengubah peserta.",
    ),
    "approval_not_allowed": QT_TRANSLATE_NOOP(
        "Pesan", "Hanya verifikator atau admin yang boleh menyetujui atau mengembalikan data peserta."
    ),
    "approval_own_change": QT_TRANSLATE_NOOP(
        "Pesan",
        "{count} peserta yang dipilih Anda ubah sendiri; perubahan harus diperiksa orang lain. "
        "Tidak ada yang dikembalikan.",
    ),
    "approval_village_only": QT_TRANSLATE_NOOP("Pesan", "Persetujuan verifikator hanya berlaku di kantor desa."),
    "card_not_approved": QT_TRANSLATE_NOOP(
        "Pesan", "Data {name} belum disetujui verifikator; kartunya dicetak setelah disetujui."
    ),
    "card_rejected": QT_TRANSLATE_NOOP(
        "Pesan", "Pendaftaran {name} ditolak ({reason}); tidak ada kartu untuk peserta yang ditolak."
    ),
    # Participants
    "participant_not_found": QT_TRANSLATE_NOOP(
        "Pesan", "Peserta tidak ditemukan (mungkin sudah diubah di tempat lain)."
    ),
    "already_ended": QT_TRANSLATE_NOOP("Pesan", "Kepesertaan {name} sudah berhenti."),
    "already_active": QT_TRANSLATE_NOOP("Pesan", "Kepesertaan {name} masih aktif."),
    "nik_empty": QT_TRANSLATE_NOOP("Pesan", "NIK wajib diisi."),
    "nik_not_digits": QT_TRANSLATE_NOOP("Pesan", "NIK hanya boleh berisi angka 0-9."),
    "nik_length": QT_TRANSLATE_NOOP("Pesan", "NIK harus 16 digit, yang diisi {length} digit."),
    "nik_province": QT_TRANSLATE_NOOP("Pesan", "NIK diawali kode provinsi {code} yang tidak ada."),
    "nik_date": QT_TRANSLATE_NOOP(
        "Pesan",
        "Digit ke-7 s.d. 12 NIK ({digits}) bukan tanggal lahir yang sah (hari 01-31, atau 41-71 untuk perempuan).",
    ),
    "nik_serial": QT_TRANSLATE_NOOP("Pesan", "Empat digit terakhir NIK tidak boleh 0000."),
    "nik_registered": QT_TRANSLATE_NOOP("Pesan", "NIK ini sudah terdaftar atas nama {name} ({reg_no})."),
    "nik_sex_mismatch": QT_TRANSLATE_NOOP(
        "Pesan", "Menurut NIK jenis kelaminnya {nik_sex}, tetapi yang dipilih {typed_sex}."
    ),
    "nik_birth_mismatch": QT_TRANSLATE_NOOP(
        "Pesan", "Tanggal lahir dalam NIK ({nik_date}) berbeda dengan tanggal lahir yang diisi ({typed_date})."
    ),
    "nik_outside_kudus": QT_TRANSLATE_NOOP(
        "Pesan",
        "NIK diterbitkan di luar Kabupaten Kudus (kode wilayah {code}). Pastikan orangnya memang warga desa ini.",
    ),
    "nik_district_unknown": QT_TRANSLATE_NOOP(
        "Pesan", "Kode kecamatan {code} dalam NIK tidak dikenal di Kabupaten Kudus."
    ),
    "kk_not_digits": QT_TRANSLATE_NOOP("Pesan", "Nomor KK hanya boleh berisi angka 0-9."),
    "kk_length": QT_TRANSLATE_NOOP("Pesan", "Nomor KK harus 16 digit, yang diisi {length} digit."),
    "review_age": QT_TRANSLATE_NOOP("Pesan", "umur {age} tahun, batas {limit} tahun"),
    "review_term": QT_TRANSLATE_NOOP("Pesan", "masa jabatan berakhir {date}"),
    "review_not_in_source": QT_TRANSLATE_NOOP("Pesan", "tidak ada lagi di daftar {source} ({file}, diimpor {date})"),
    "likely_same_row": QT_TRANSLATE_NOOP(
        "Pesan",
        "Mungkin orang yang sama dengan {name} di baris {row} berkas ini (NIK berakhiran {nik4}): lahir pada hari "
        "yang sama dengan nama atau No. KK yang mirip. Periksa KTP/KK agar tidak terdaftar dua kali.",
    ),
    "likely_same_person": QT_TRANSLATE_NOOP(
        "Pesan",
        "Mungkin orang yang sama dengan {name} ({reg_no}, NIK berakhiran {nik4}): lahir pada hari yang sama dengan "
        "nama atau No. KK yang mirip. Periksa KTP/KK agar tidak terdaftar dua kali dengan NIK berbeda.",
    ),
    "term_end_before_start": QT_TRANSLATE_NOOP(
        "Pesan", "Akhir masa jabatan tidak boleh sebelum tanggal mulai kepesertaan."
    ),
    "desil_invalid": QT_TRANSLATE_NOOP(
        "Pesan",
        "Desil '{value}' tidak sah (harus 1 sampai 10); desil baris ini tidak dicatat, pesertanya tetap diimpor.",
    ),
    "kk_date": QT_TRANSLATE_NOOP(
        "Pesan", "Digit ke-7 s.d. 12 nomor KK ({digits}) bukan tanggal yang sah; periksa kembali."
    ),
    "name_invalid": QT_TRANSLATE_NOOP(
        "Pesan", "Nama hanya boleh berisi huruf, spasi, titik, koma, apostrof dan tanda hubung."
    ),
    "name_too_short": QT_TRANSLATE_NOOP("Pesan", "Nama terlalu pendek."),
    "date_format": QT_TRANSLATE_NOOP(
        "Pesan", "{field}: '{text}' tidak dapat dibaca sebagai tanggal. Tulis seperti 17/08/1985 atau 17 Agustus 1985."
    ),
    "date_impossible": QT_TRANSLATE_NOOP("Pesan", "{field}: '{text}' bukan tanggal yang ada di kalender."),
    "date_future": QT_TRANSLATE_NOOP("Pesan", "{field} tidak boleh setelah hari ini."),
    "date_too_old": QT_TRANSLATE_NOOP("Pesan", "{field} sebelum tahun 1900; periksa kembali."),
    "start_before_birth": QT_TRANSLATE_NOOP("Pesan", "Tanggal mulai kepesertaan sebelum tanggal lahir."),
    "age_over_limit": QT_TRANSLATE_NOOP(
        "Pesan", "Umur pada tanggal mulai {age} tahun, melebihi batas {limit} tahun yang ditetapkan."
    ),
    "age_under_15": QT_TRANSLATE_NOOP(
        "Pesan", "Umur pada tanggal mulai {age} tahun; pekerja di bawah 15 tahun tidak lazim."
    ),
    "choice_invalid": QT_TRANSLATE_NOOP("Pesan", "{field}: pilihan '{value}' tidak dikenal."),
    "rt_rw_invalid": QT_TRANSLATE_NOOP("Pesan", "{field} harus berupa angka 1-999."),
    "phone_invalid": QT_TRANSLATE_NOOP(
        "Pesan", "Nomor telepon harus 8-15 digit, boleh diawali + dan berisi spasi atau tanda hubung."
    ),
    "source_required": QT_TRANSLATE_NOOP(
        "Pesan", "Pekerja rentan harus disertai sumber datanya (DTKS, DTSEN, P3KE, ...)."
    ),
    "exit_before_start": QT_TRANSLATE_NOOP(
        "Pesan", "Tanggal berhenti ({exit}) sebelum tanggal mulai kepesertaan ({start})."
    ),
    "reactivate_before_exit": QT_TRANSLATE_NOOP(
        "Pesan", "Tanggal aktif kembali ({date}) sebelum tanggal berhenti ({exit})."
    ),
    "too_long": QT_TRANSLATE_NOOP("Pesan", "{field} terlalu panjang (maksimal {max} karakter)."),
    "settings_invalid": QT_TRANSLATE_NOOP("Pesan", "{field}: nilai '{value}' tidak sah."),
    "recovery_not_file": QT_TRANSLATE_NOOP(
        "Pesan",
        "Berkas itu bukan berkas pemulihan admin dari kabupaten (isinya tidak dapat dibaca sebagai berkas pemulihan).",
    ),
    "recovery_bad_signature": QT_TRANSLATE_NOOP(
        "Pesan",
        "Tanda tangan berkas pemulihan tidak cocok dengan kunci kabupaten yang dipercaya desa ini: berkas diubah atau "
        "bukan dari kabupaten. Tidak ada yang diubah.",
    ),
    "recovery_not_joined": QT_TRANSLATE_NOOP(
        "Pesan",
        "Pemulihan admin hanya untuk desa yang sudah terhubung dengan kabupaten (berkas pengaturan dari DPMD sudah "
        "dipasang). Hubungi DPMD.",
    ),
    "recovery_not_regency": QT_TRANSLATE_NOOP("Pesan", "Berkas pemulihan admin hanya dibuat oleh kabupaten."),
    "recovery_no_device": QT_TRANSLATE_NOOP(
        "Pesan",
        "Desa {desa} belum pernah mengirim paket dari perangkat yang terdaftar: berkas pemulihan tidak dapat dibuat.",
    ),
    "recovery_other_desa": QT_TRANSLATE_NOOP(
        "Pesan", "Berkas pemulihan ini dibuat untuk {desa}, bukan untuk desa ini. Tidak ada yang diubah."
    ),
    "recovery_other_device": QT_TRANSLATE_NOOP(
        "Pesan",
        "Berkas pemulihan ini dibuat untuk perangkat lain desa ini (yang terdaftar di kabupaten), bukan untuk PC "
        "ini. Minta DPMD membuat berkas baru.",
    ),
    "recovery_expired": QT_TRANSLATE_NOOP(
        "Pesan",
        "Berkas pemulihan ini berlaku {issued} s.d. {expires}; hari ini di luar masa itu (periksa juga tanggal PC). "
        "Minta DPMD membuat berkas baru.",
    ),
    "recovery_used": QT_TRANSLATE_NOOP(
        "Pesan",
        "Berkas pemulihan ini sudah pernah dipakai; satu berkas hanya berlaku sekali. Minta DPMD membuat berkas baru.",
    ),
    "recovery_not_admin": QT_TRANSLATE_NOOP(
        "Pesan",
        "Tidak ada akun admin bernama '{username}' di desa ini. Isi nama pengguna admin yang lupa kata sandinya.",
    ),
    "signer_title_required": QT_TRANSLATE_NOOP(
        "Pesan", "Isi jabatan pejabat yang menandatangani atas nama kepala (misalnya Sekretaris Desa)."
    ),
    "ub_title_required": QT_TRANSLATE_NOOP(
        "Pesan", "Isi jabatan pejabat yang menandatangani untuk beliau (u.b.), misalnya Kepala Urusan Umum."
    ),
    "nip_length": QT_TRANSLATE_NOOP("Pesan", "NIP '{value}' harus 18 digit angka (boleh dengan spasi)."),
    "nip_date": QT_TRANSLATE_NOOP(
        "Pesan",
        "NIP '{value}' tidak sah: 8 digit pertama harus tanggal lahir dan 6 digit berikutnya bulan "
        "pengangkatan (TTTTBB). Periksa kembali.",
    ),
    "nip_sex": QT_TRANSLATE_NOOP(
        "Pesan", "NIP '{value}' tidak sah: digit ke-15 harus 1 (laki-laki) atau 2 (perempuan)."
    ),
    "decree_incomplete": QT_TRANSLATE_NOOP(
        "Pesan", "{field} harus diisi bila nomor keputusan diisi; kosongkan nomornya bila daftar bukan lampiran."
    ),
    # Import and export
    "export_failed": QT_TRANSLATE_NOOP(
        "Pesan", "Gagal menulis {path}: {detail}. Pilih folder lain atau tutup berkas itu di Excel."
    ),
    "columns_unknown": QT_TRANSLATE_NOOP("Pesan", "Kolom tidak dikenal: {columns}. Kolom yang tersedia: {known}."),
    "file_not_found": QT_TRANSLATE_NOOP("Pesan", "Berkas {path} tidak ditemukan."),
    "file_too_big": QT_TRANSLATE_NOOP(
        "Pesan", "Berkas {path} terlalu besar ({size} MB; batasnya {max} MB). Pecah daftar menjadi beberapa berkas."
    ),
    "file_protected": QT_TRANSLATE_NOOP(
        "Pesan", "Berkas {path} dilindungi kata sandi. Buka di Excel, hapus kata sandinya, simpan, lalu impor lagi."
    ),
    "file_corrupt": QT_TRANSLATE_NOOP("Pesan", "Berkas {path} rusak dan tidak dapat dibaca ({detail})."),
    "file_is_other": QT_TRANSLATE_NOOP(
        "Pesan",
        "Berkas {path} bukan daftar yang dapat dibaca: isinya berkas {what}. Simpan daftarnya sebagai buku kerja "
        "Excel (.xlsx), LibreOffice (.ods) atau CSV, lalu pilih berkas itu.",
    ),
    "file_binary": QT_TRANSLATE_NOOP(
        "Pesan",
        "Berkas {path} bukan daftar yang dapat dibaca: isinya data biner, bukan buku kerja atau teks CSV. Simpan "
        "daftarnya sebagai buku kerja Excel (.xlsx), LibreOffice (.ods) atau CSV, lalu pilih berkas itu.",
    ),
    "sheet_too_big": QT_TRANSLATE_NOOP(
        "Pesan",
        "Berkas {path} (lembar {sheet}) terlalu besar setelah dibuka: lebih dari {max} MB. Daftar desa atau "
        "kabupaten tidak sebesar itu; berkas ini rusak atau bukan daftar. Tidak ada yang dibaca.",
    ),
    "too_many_rows": QT_TRANSLATE_NOOP(
        "Pesan",
        "Berkas {path} (lembar {sheet}) berisi lebih dari {rows} baris atau {cells} sel berisi data, batas satu "
        "impor. Pecah daftar menjadi beberapa berkas. Tidak ada yang dibaca.",
    ),
    "cell_too_long": QT_TRANSLATE_NOOP(
        "Pesan",
        "Berkas {path} ({sheet}) memuat satu sel yang lebih panjang dari {max} karakter, batas Excel sendiri: "
        "berkas ini rusak atau tidak dibuat sebagai daftar. Tidak ada yang dibaca.",
    ),
    "csv_cell_too_long": QT_TRANSLATE_NOOP(
        "Pesan",
        "Baris {row} berkas {path} memuat satu kolom yang lebih panjang dari {max} karakter, batas Excel sendiri: "
        "berkas ini rusak atau tidak dibuat sebagai daftar. Tidak ada yang dibaca.",
    ),
    "formulas_unsaved": QT_TRANSLATE_NOOP(
        "Pesan",
        "Lembar {sheet} di {path} berisi {count} sel rumus yang hasilnya belum pernah dihitung (berkas dibuat "
        "program lain, bukan disimpan oleh Excel). Buka berkas itu di Excel atau LibreOffice, simpan, lalu "
        "impor lagi. Tidak ada yang dibaca.",
    ),
    "sheet_empty": QT_TRANSLATE_NOOP("Pesan", "Lembar {sheet} di berkas {path} kosong."),
    "sheet_not_found": QT_TRANSLATE_NOOP("Pesan", "Berkas {path} tidak memiliki lembar bernama {sheet}."),
    "no_nik_column": QT_TRANSLATE_NOOP(
        "Pesan",
        "Tidak ada kolom NIK di {path} (lembar: {sheet}). Beri judul kolom 'NIK' atau pilih kolomnya sendiri.",
    ),
    "nik_number_cell": QT_TRANSLATE_NOOP(
        "Pesan",
        "Sel NIK berisi angka, bukan teks ({digits}). Excel hanya menyimpan 15 digit, sehingga digit terakhir "
        "NIK bisa sudah hilang. Ketik ulang NIK sebagai teks (format Teks, atau awali dengan tanda ').",
    ),
    "nik_number_cell_kept": QT_TRANSLATE_NOOP(
        "Pesan",
        "Sel NIK berisi angka, bukan teks ({digits}). Digit terakhirnya bukan 0, jadi Excel tidak memotongnya "
        "(Excel menyimpan 15 digit dan menulis digit ke-16 sebagai 0): NIK ini diterima. Sebaiknya kolom NIK "
        "diformat sebagai Teks.",
    ),
    "kk_number_cell_kept": QT_TRANSLATE_NOOP(
        "Pesan",
        "Sel nomor KK berisi angka, bukan teks ({digits}). Digit terakhirnya bukan 0, jadi Excel tidak "
        "memotongnya: nomor ini diterima. Sebaiknya kolom KK diformat sebagai Teks.",
    ),
    "kk_number_cell": QT_TRANSLATE_NOOP(
        "Pesan",
        "Sel nomor KK berisi angka, bukan teks ({digits}). Excel hanya menyimpan 15 digit, sehingga digit "
        "terakhirnya bisa sudah hilang. Ketik ulang sebagai teks.",
    ),
    "duplicate_in_file": QT_TRANSLATE_NOOP("Pesan", "NIK ini sudah ada di baris {first_row} berkas yang sama."),
    "formulas_present": QT_TRANSLATE_NOOP(
        "Pesan",
        "Lembar ini berisi rumus; yang dibaca adalah hasil terakhir yang disimpan Excel. Sel rumus yang belum "
        "pernah dihitung terbaca kosong.",
    ),
    # Regency desk
    "area_code_unknown": QT_TRANSLATE_NOOP(
        "Pesan", "Kode wilayah {code} tidak dikenal: tulis kode desa (33.19.03.2008) atau kecamatan (33.19.03)."
    ),
    "map_invalid": QT_TRANSLATE_NOOP(
        "Pesan", "--map {pair}: tulis KOLOM=JUDUL, KOLOM salah satu dari {fields}, JUDUL judul kolom di berkas."
    ),
    "regency_only": QT_TRANSLATE_NOOP("Pesan", "Fitur ini hanya tersedia di instalasi mode kabupaten."),
    "duplicate_not_allowed": QT_TRANSLATE_NOOP(
        "Pesan", "Peran {role} tidak boleh memutuskan kepesertaan ganda; minta admin atau verifikator."
    ),
    "duplicate_bad_decision": QT_TRANSLATE_NOOP("Pesan", "Keputusan '{decision}' tidak dikenal."),
    "duplicate_not_found": QT_TRANSLATE_NOOP("Pesan", "Kasus kepesertaan ganda nomor {id} tidak ada."),
    "duplicate_already_decided": QT_TRANSLATE_NOOP(
        "Pesan", "Kasus nomor {id} sudah diputuskan sebelumnya; keputusan itu tidak diubah."
    ),
    "duplicate_same_nik": QT_TRANSLATE_NOOP(
        "Pesan",
        "Kedua kepesertaan memakai NIK yang sama ({nik}), jadi pasti orang yang sama: pilih kepesertaan yang berlaku.",
    ),
    "apbd_list_empty": QT_TRANSLATE_NOOP(
        "Pesan", "Berkas {path} tidak berisi satu pun NIK yang sah. Daftar APBD yang tersimpan tidak diubah."
    ),
    "list_nik_repeated": QT_TRANSLATE_NOOP("Pesan", "NIK ini sudah ada di baris sebelumnya; baris ini dilewati."),
    "bpjs_nothing_to_send": QT_TRANSLATE_NOOP(
        "Pesan",
        "Tidak ada peserta yang perlu didaftarkan ke BPJS untuk {desa}: semua peserta aktif yang diterima sudah "
        "ber-KPJ atau sudah dikirim.",
    ),
    "bpjs_result_columns": QT_TRANSLATE_NOOP(
        "Pesan",
        "Berkas {path} (lembar: {sheet}) tidak punya kolom KPJ maupun kolom status. Beri judul kolom 'KPJ' dan "
        "'STATUS' atau pilih kolomnya sendiri.",
    ),
    "bpjs_status_unknown": QT_TRANSLATE_NOOP(
        "Pesan", "Status '{status}' tidak dikenali: tulis misalnya TERDAFTAR atau DITOLAK, atau isi nomor KPJ."
    ),
    "bpjs_kpj_missing": QT_TRANSLATE_NOOP("Pesan", "Status terdaftar tetapi nomor KPJ kosong."),
    "bpjs_kpj_invalid": QT_TRANSLATE_NOOP(
        "Pesan",
        "Nomor KPJ '{kpj}' tidak sah: harus angka saja, {low} sampai {high} digit (tulis sebagai teks agar nol di "
        "depan tetap).",
    ),
    "bpjs_kpj_length": QT_TRANSLATE_NOOP(
        "Pesan",
        "Perhatian: nomor KPJ {kpj} berisi {found} digit, bukan {digits} digit seperti biasanya. Nomor ini tetap "
        "dicatat; cocokkan dengan berkas BPJS (panjang yang biasa dapat diubah di Pengaturan).",
    ),
}

#: Labels of participant fields (also used in history and validation messages).
FIELDS: dict[str, str] = {
    "nik": QT_TRANSLATE_NOOP("Kolom", "NIK"),
    "kk": QT_TRANSLATE_NOOP("Kolom", "Nomor KK"),
    "full_name": QT_TRANSLATE_NOOP("Kolom", "Nama lengkap"),
    "birth_place": QT_TRANSLATE_NOOP("Kolom", "Tempat lahir"),
    "birth_date": QT_TRANSLATE_NOOP("Kolom", "Tanggal lahir"),
    "sex": QT_TRANSLATE_NOOP("Kolom", "Jenis kelamin"),
    "address": QT_TRANSLATE_NOOP("Kolom", "Alamat"),
    "dusun": QT_TRANSLATE_NOOP("Kolom", "Dusun"),
    "rt": QT_TRANSLATE_NOOP("Kolom", "RT"),
    "rw": QT_TRANSLATE_NOOP("Kolom", "RW"),
    "phone": QT_TRANSLATE_NOOP("Kolom", "Telepon"),
    "occupation": QT_TRANSLATE_NOOP("Kolom", "Pekerjaan"),
    "category": QT_TRANSLATE_NOOP("Kolom", "Kategori"),
    "source_list": QT_TRANSLATE_NOOP("Kolom", "Sumber data"),
    "source_date": QT_TRANSLATE_NOOP("Kolom", "Tanggal sumber data"),
    "funding": QT_TRANSLATE_NOOP("Kolom", "Sumber dana"),
    "start_date": QT_TRANSLATE_NOOP("Kolom", "Tanggal mulai"),
    "term_end": QT_TRANSLATE_NOOP("Kolom", "Akhir masa jabatan"),
    "source_id": QT_TRANSLATE_NOOP("Kolom", "ID di daftar sumber"),
    "desil": QT_TRANSLATE_NOOP("Kolom", "Desil"),
    "status": QT_TRANSLATE_NOOP("Kolom", "Status"),
    "exit_reason": QT_TRANSLATE_NOOP("Kolom", "Alasan berhenti"),
    "exit_date": QT_TRANSLATE_NOOP("Kolom", "Tanggal berhenti"),
    "kpj": QT_TRANSLATE_NOOP("Kolom", "Nomor KPJ"),
    "bpjs": QT_TRANSLATE_NOOP("Kolom", "Pendaftaran BPJS"),
    "reg_no": QT_TRANSLATE_NOOP("Kolom", "Nomor registrasi"),
    "username": QT_TRANSLATE_NOOP("Kolom", "Nama pengguna"),
    "password": QT_TRANSLATE_NOOP("Kolom", "Kata sandi"),
    "head_name": QT_TRANSLATE_NOOP("Kolom", "Nama penandatangan"),
    "head_title": QT_TRANSLATE_NOOP("Kolom", "Jabatan penandatangan"),
    "basis": QT_TRANSLATE_NOOP("Kolom", "Dasar penandatanganan"),
    "signer_title": QT_TRANSLATE_NOOP("Kolom", "Jabatan yang menandatangani a.n."),
    "ub_title": QT_TRANSLATE_NOOP("Kolom", "Jabatan yang menandatangani u.b."),
    "rank": QT_TRANSLATE_NOOP("Kolom", "Pangkat/golongan"),
    "nip": QT_TRANSLATE_NOOP("Kolom", "NIP"),
    "agency": QT_TRANSLATE_NOOP("Kolom", "Nama dinas"),
    "office_address": QT_TRANSLATE_NOOP("Kolom", "Alamat kantor"),
    "decree_kind": QT_TRANSLATE_NOOP("Kolom", "Jenis keputusan"),
    "decree_number": QT_TRANSLATE_NOOP("Kolom", "Nomor keputusan"),
    "decree_date": QT_TRANSLATE_NOOP("Kolom", "Tanggal keputusan"),
    "decree_about": QT_TRANSLATE_NOOP("Kolom", "Tentang"),
    "admin_full_name": QT_TRANSLATE_NOOP("Kolom", "Nama lengkap admin"),
    "role": QT_TRANSLATE_NOOP("Kolom", "Peran"),
    "idle_lock_minutes": QT_TRANSLATE_NOOP("Kolom", "Kunci layar setelah"),
    "region": QT_TRANSLATE_NOOP("Kolom", "Wilayah"),
    "max_age": QT_TRANSLATE_NOOP("Kolom", "Batas umur"),
    "office_phone": QT_TRANSLATE_NOOP("Kolom", "Telepon kantor"),
    "reason": QT_TRANSLATE_NOOP("Kolom", "Alasan"),
    "review_reason": QT_TRANSLATE_NOOP("Kolom", "Alasan dikembalikan"),
    "uid": QT_TRANSLATE_NOOP("Kolom", "Pengenal data"),
    "rev": QT_TRANSLATE_NOOP("Kolom", "Nomor perubahan"),
    "desa_code": QT_TRANSLATE_NOOP("Kolom", "Kode desa"),
    "created_at": QT_TRANSLATE_NOOP("Kolom", "Waktu dibuat"),
    "updated_at": QT_TRANSLATE_NOOP("Kolom", "Waktu diubah"),
    "created_by": QT_TRANSLATE_NOOP("Kolom", "Dibuat oleh"),
    "updated_by": QT_TRANSLATE_NOOP("Kolom", "Diubah oleh"),
    "changes": QT_TRANSLATE_NOOP("Kolom", "Perubahan"),
    "at": QT_TRANSLATE_NOOP("Kolom", "Waktu"),
    "action": QT_TRANSLATE_NOOP("Kolom", "Tindakan"),
    "paid_on": QT_TRANSLATE_NOOP("Kolom", "Tanggal bayar"),
    "amount": QT_TRANSLATE_NOOP("Kolom", "Jumlah"),
    "reference": QT_TRANSLATE_NOOP("Kolom", "Referensi"),
    "note": QT_TRANSLATE_NOOP("Kolom", "Catatan"),
    "first_month": QT_TRANSLATE_NOOP("Kolom", "Bulan pertama"),
    "last_month": QT_TRANSLATE_NOOP("Kolom", "Bulan terakhir"),
    "people": QT_TRANSLATE_NOOP("Kolom", "Jumlah orang"),
    "voided_at": QT_TRANSLATE_NOOP("Kolom", "Waktu dibatalkan"),
    "voided_by": QT_TRANSLATE_NOOP("Kolom", "Dibatalkan oleh"),
    "void_reason": QT_TRANSLATE_NOOP("Kolom", "Alasan pembatalan"),
    "payment_uid": QT_TRANSLATE_NOOP("Kolom", "Pembayaran"),
    "participant_uid": QT_TRANSLATE_NOOP("Kolom", "Peserta"),
    "month": QT_TRANSLATE_NOOP("Kolom", "Bulan"),
}

#: Labels of stored codes, keyed by "group:code".
CODES: dict[str, str] = {
    "category:pekerja_rentan": QT_TRANSLATE_NOOP("Kode", "Pekerja rentan"),
    "category:rt_rw": QT_TRANSLATE_NOOP("Kode", "Ketua RT/RW"),
    "category:linmas": QT_TRANSLATE_NOOP("Kode", "Linmas"),
    "category:bpd": QT_TRANSLATE_NOOP("Kode", "Anggota BPD"),
    "category:perangkat_lembaga": QT_TRANSLATE_NOOP("Kode", "Perangkat/lembaga desa"),
    "category:buruh_tani": QT_TRANSLATE_NOOP("Kode", "Buruh tani"),
    "category:lainnya": QT_TRANSLATE_NOOP("Kode", "Lainnya"),
    "funding:pades": QT_TRANSLATE_NOOP("Kode", "PADes"),
    "funding:bagi_hasil": QT_TRANSLATE_NOOP("Kode", "Bagi hasil pajak dan retribusi"),
    "funding:apbd": QT_TRANSLATE_NOOP("Kode", "APBD Kabupaten"),
    "funding:lainnya": QT_TRANSLATE_NOOP("Kode", "Lainnya"),
    "status:aktif": QT_TRANSLATE_NOOP("Kode", "Aktif"),
    "status:berhenti": QT_TRANSLATE_NOOP("Kode", "Berhenti"),
    "warning:age_over_limit": QT_TRANSLATE_NOOP("Kode", "umur di atas batas umur peserta"),
    "warning:age_under_15": QT_TRANSLATE_NOOP("Kode", "umur di bawah 15 tahun"),
    "warning:nik_sex_mismatch": QT_TRANSLATE_NOOP("Kode", "jenis kelamin tidak sesuai NIK"),
    "warning:nik_birth_mismatch": QT_TRANSLATE_NOOP("Kode", "tanggal lahir tidak sesuai NIK"),
    "warning:nik_outside_kudus": QT_TRANSLATE_NOOP("Kode", "NIK terbit di luar Kabupaten Kudus"),
    "warning:nik_district_unknown": QT_TRANSLATE_NOOP("Kode", "kode kecamatan NIK tidak dikenal"),
    "warning:likely_same_person": QT_TRANSLATE_NOOP("Kode", "mungkin orang yang sama dengan peserta lain"),
    "warning:likely_same_row": QT_TRANSLATE_NOOP("Kode", "mungkin orang yang sama dengan baris lain berkas ini"),
    "warning:desil_invalid": QT_TRANSLATE_NOOP("Kode", "desil tidak sah"),
    "warning:kk_date": QT_TRANSLATE_NOOP("Kode", "tanggal pada No. KK tidak wajar"),
    "warning:nik_number_cell_kept": QT_TRANSLATE_NOOP("Kode", "NIK tertulis sebagai angka di Excel"),
    "warning:kk_number_cell_kept": QT_TRANSLATE_NOOP("Kode", "No. KK tertulis sebagai angka di Excel"),
    "review_reason:umur": QT_TRANSLATE_NOOP("Kode", "Melewati batas umur"),
    "review_reason:masa_jabatan": QT_TRANSLATE_NOOP("Kode", "Masa jabatan berakhir"),
    "review_reason:tidak_di_sumber": QT_TRANSLATE_NOOP("Kode", "Tidak ada lagi di daftar sumber"),
    "standing:menunggu_verifikasi": QT_TRANSLATE_NOOP("Kode", "Menunggu persetujuan verifikator"),
    "standing:dikembalikan": QT_TRANSLATE_NOOP("Kode", "Dikembalikan verifikator"),
    "standing:ditolak": QT_TRANSLATE_NOOP("Kode", "Ditolak kabupaten/BPJS"),
    "standing:berhenti": QT_TRANSLATE_NOOP("Kode", "Berhenti"),
    "standing:menunggu_bpjs": QT_TRANSLATE_NOOP("Kode", "Menunggu pendaftaran BPJS"),
    "standing:terdaftar": QT_TRANSLATE_NOOP("Kode", "Terdaftar di BPJS"),
    "sex:L": QT_TRANSLATE_NOOP("Kode", "Laki-laki"),
    "sex:P": QT_TRANSLATE_NOOP("Kode", "Perempuan"),
    "exit_reason:meninggal": QT_TRANSLATE_NOOP("Kode", "Meninggal dunia"),
    "exit_reason:pindah": QT_TRANSLATE_NOOP("Kode", "Pindah domisili"),
    "exit_reason:masa_jabatan_berakhir": QT_TRANSLATE_NOOP("Kode", "Masa jabatan berakhir"),
    "exit_reason:mengundurkan_diri": QT_TRANSLATE_NOOP("Kode", "Mengundurkan diri"),
    "exit_reason:tidak_memenuhi_syarat": QT_TRANSLATE_NOOP("Kode", "Tidak memenuhi syarat"),
    "action:create": QT_TRANSLATE_NOOP("Kode", "Didaftarkan"),
    "action:update": QT_TRANSLATE_NOOP("Kode", "Diubah"),
    "action:end": QT_TRANSLATE_NOOP("Kode", "Dihentikan"),
    "action:reactivate": QT_TRANSLATE_NOOP("Kode", "Diaktifkan kembali"),
    "action:sync": QT_TRANSLATE_NOOP("Kode", "Diperbarui dari kabupaten"),
    "action:bpjs": QT_TRANSLATE_NOOP("Kode", "Jawaban BPJS dicatat"),
    "action:approve": QT_TRANSLATE_NOOP("Kode", "Disetujui verifikator"),
    "action:decline": QT_TRANSLATE_NOOP("Kode", "Dikembalikan verifikator"),
    "review:menunggu": QT_TRANSLATE_NOOP("Kode", "Menunggu persetujuan"),
    "review:ditolak": QT_TRANSLATE_NOOP("Kode", "Dikembalikan"),
    "review_kind:baru": QT_TRANSLATE_NOOP("Kode", "Pendaftaran baru"),
    "review_kind:perubahan": QT_TRANSLATE_NOOP("Kode", "Perubahan data"),
    "case:nik": QT_TRANSLATE_NOOP("Kode", "NIK sama di dua desa"),
    "case:apbd": QT_TRANSLATE_NOOP("Kode", "NIK ada di daftar APBD"),
    "case:similar": QT_TRANSLATE_NOOP("Kode", "Mirip: nama, tanggal lahir dan KK sama"),
    "decision:keep_first": QT_TRANSLATE_NOOP("Kode", "Yang pertama berlaku"),
    "decision:keep_second": QT_TRANSLATE_NOOP("Kode", "Yang kedua berlaku"),
    "decision:not_same": QT_TRANSLATE_NOOP("Kode", "Bukan orang yang sama"),
    "decision:gone": QT_TRANSLATE_NOOP("Kode", "Selesai sendiri (salah satu tidak aktif lagi)"),
    "bpjs_result:registered": QT_TRANSLATE_NOOP("Kode", "Terdaftar"),
    "bpjs_result:rejected": QT_TRANSLATE_NOOP("Kode", "Ditolak"),
    "bpjs_action:kpj": QT_TRANSLATE_NOOP("Kode", "KPJ dicatat"),
    "bpjs_action:rejected": QT_TRANSLATE_NOOP("Kode", "Ditolak BPJS"),
    "bpjs_action:unchanged": QT_TRANSLATE_NOOP("Kode", "Sudah tercatat"),
    "bpjs_action:unknown": QT_TRANSLATE_NOOP("Kode", "NIK tidak dikenal"),
    "bpjs_action:not_sent": QT_TRANSLATE_NOOP("Kode", "Belum pernah dikirim ke BPJS"),
    "bpjs_action:invalid": QT_TRANSLATE_NOOP("Kode", "Baris salah"),
    "sync:not_sent": QT_TRANSLATE_NOOP("Kode", "Belum dikirim"),
    "sync:sent": QT_TRANSLATE_NOOP("Kode", "Terkirim"),
    "sync:accepted": QT_TRANSLATE_NOOP("Kode", "Diterima"),
    "sync:rejected": QT_TRANSLATE_NOOP("Kode", "Ditolak"),
    "sync:review": QT_TRANSLATE_NOOP("Kode", "Ditinjau kabupaten"),
    "sync:awaiting": QT_TRANSLATE_NOOP("Kode", "Menunggu persetujuan"),
    "sync:declined": QT_TRANSLATE_NOOP("Kode", "Dikembalikan verifikator"),
    "kind:package": QT_TRANSLATE_NOOP("Kode", "paket sinkronisasi"),
    "kind:receipt": QT_TRANSLATE_NOOP("Kode", "tanda terima"),
    "role:admin": QT_TRANSLATE_NOOP("Kode", "Admin"),
    "role:operator": QT_TRANSLATE_NOOP("Kode", "Operator"),
    "role:verifikator": QT_TRANSLATE_NOOP("Kode", "Verifikator"),
    "audit:login": QT_TRANSLATE_NOOP("Kode", "Masuk"),
    "audit:login_failed": QT_TRANSLATE_NOOP("Kode", "Gagal masuk"),
    "audit:login_locked": QT_TRANSLATE_NOOP("Kode", "Masuk ditolak: akun terkunci"),
    "audit:login_disabled": QT_TRANSLATE_NOOP("Kode", "Masuk ditolak: akun nonaktif"),
    "audit:account_created": QT_TRANSLATE_NOOP("Kode", "Akun dibuat"),
    "audit:account_disabled": QT_TRANSLATE_NOOP("Kode", "Akun dinonaktifkan"),
    "audit:account_enabled": QT_TRANSLATE_NOOP("Kode", "Akun diaktifkan"),
    "audit:password_reset": QT_TRANSLATE_NOOP("Kode", "Kata sandi diatur ulang"),
    "audit:password_changed": QT_TRANSLATE_NOOP("Kode", "Kata sandi sendiri diganti"),
    "audit:password_change_failed": QT_TRANSLATE_NOOP("Kode", "Ganti kata sandi gagal: kata sandi lama salah"),
    "audit:logout": QT_TRANSLATE_NOOP("Kode", "Keluar akun"),
    "audit:recovery_issued": QT_TRANSLATE_NOOP("Kode", "Berkas pemulihan admin dibuat"),
    "audit:admin_recovered": QT_TRANSLATE_NOOP("Kode", "Kata sandi admin dipulihkan dengan berkas kabupaten"),
    "audit:paper_changed": QT_TRANSLATE_NOOP("Kode", "Kop dan penandatangan diubah"),
    "audit:support_file": QT_TRANSLATE_NOOP("Kode", "Berkas bantuan dibuat"),
    "audit:participant_create": QT_TRANSLATE_NOOP("Kode", "Peserta didaftarkan"),
    "audit:participant_update": QT_TRANSLATE_NOOP("Kode", "Data peserta diubah"),
    "audit:participant_end": QT_TRANSLATE_NOOP("Kode", "Kepesertaan dihentikan"),
    "audit:participant_reactivate": QT_TRANSLATE_NOOP("Kode", "Kepesertaan diaktifkan kembali"),
    "audit:participants_imported": QT_TRANSLATE_NOOP("Kode", "Daftar diimpor"),
    "audit:participants_approved": QT_TRANSLATE_NOOP("Kode", "Data peserta disetujui"),
    "audit:participants_declined": QT_TRANSLATE_NOOP("Kode", "Data peserta dikembalikan"),
    "audit:approval_setting": QT_TRANSLATE_NOOP("Kode", "Aturan persetujuan diubah"),
    "audit:export_roster": QT_TRANSLATE_NOOP("Kode", "Daftar peserta diekspor"),
    "audit:export_bpjs": QT_TRANSLATE_NOOP("Kode", "Daftar BPJS diekspor"),
    "audit:export_audit": QT_TRANSLATE_NOOP("Kode", "Log audit diekspor"),
    "audit:nik_revealed": QT_TRANSLATE_NOOP("Kode", "NIK lengkap ditampilkan"),
    "audit:backup": QT_TRANSLATE_NOOP("Kode", "Cadangan dibuat"),
    "audit:person_report": QT_TRANSLATE_NOOP("Kode", "Laporan data pribadi dibuat"),
    "audit:cards_printed": QT_TRANSLATE_NOOP("Kode", "Kartu dicetak"),
    "audit:list_printed": QT_TRANSLATE_NOOP("Kode", "Daftar peserta dicetak"),
    "audit:restore": QT_TRANSLATE_NOOP("Kode", "Basis data dipulihkan"),
    "audit:sync_joined": QT_TRANSLATE_NOOP("Kode", "Terhubung dengan kabupaten"),
    "audit:sync_package": QT_TRANSLATE_NOOP("Kode", "Paket sinkronisasi dibuat"),
    "audit:sync_receipt": QT_TRANSLATE_NOOP("Kode", "Tanda terima diterapkan"),
    "audit:sync_setup_file": QT_TRANSLATE_NOOP("Kode", "Berkas setup desa dibuat"),
    "audit:sync_device_registered": QT_TRANSLATE_NOOP("Kode", "Perangkat desa didaftarkan"),
    "audit:sync_package_imported": QT_TRANSLATE_NOOP("Kode", "Paket desa diimpor"),
    "audit:sync_full_resend": QT_TRANSLATE_NOOP("Kode", "Kirim ulang lengkap diminta"),
    "audit:sync_receipt_written": QT_TRANSLATE_NOOP("Kode", "Tanda terima dibuat"),
    "audit:sync_keys_rotated": QT_TRANSLATE_NOOP("Kode", "Kunci perangkat diganti"),
    "audit:sync_device_revoked": QT_TRANSLATE_NOOP("Kode", "Perangkat desa dicabut"),
    "audit:sync_package_superseded": QT_TRANSLATE_NOOP("Kode", "Paket digantikan (nomor sudah dipakai)"),
    "audit:keys_regenerated": QT_TRANSLATE_NOOP("Kode", "Kunci perangkat dibuat baru"),
    "device_state:current": QT_TRANSLATE_NOOP("Kode", "Aktif"),
    "device_state:retired": QT_TRANSLATE_NOOP("Kode", "Diganti"),
    "device_state:revoked": QT_TRANSLATE_NOOP("Kode", "Dicabut"),
    "audit:duplicate_scan": QT_TRANSLATE_NOOP("Kode", "Pemeriksaan kepesertaan ganda"),
    "audit:duplicate_decided": QT_TRANSLATE_NOOP("Kode", "Kepesertaan ganda diputuskan"),
    "audit:apbd_imported": QT_TRANSLATE_NOOP("Kode", "Daftar APBD diimpor"),
    "audit:bpjs_list_exported": QT_TRANSLATE_NOOP("Kode", "Daftar pendaftaran BPJS dibuat"),
    "audit:bpjs_results_imported": QT_TRANSLATE_NOOP("Kode", "Hasil BPJS diimpor"),
    "audit:coverage_report": QT_TRANSLATE_NOOP("Kode", "Laporan cakupan dibuat"),
    "audit:lost_report": QT_TRANSLATE_NOOP("Kode", "Laporan perangkat/flashdisk hilang"),
    "audit:retention_set": QT_TRANSLATE_NOOP("Kode", "Masa simpan data diatur"),
    "audit:retention_purge": QT_TRANSLATE_NOOP("Kode", "Data lama dihapus"),
    "audit:premium_rate": QT_TRANSLATE_NOOP("Kode", "Tarif iuran diubah"),
    "audit:premium_paid": QT_TRANSLATE_NOOP("Kode", "Pembayaran iuran dicatat"),
    "audit:premium_void": QT_TRANSLATE_NOOP("Kode", "Pembayaran iuran dibatalkan"),
    "audit:premium_budget": QT_TRANSLATE_NOOP("Kode", "Anggaran iuran dicatat"),
    "audit:premium_report": QT_TRANSLATE_NOOP("Kode", "Laporan iuran dibuat"),
    "audit:notice_printed": QT_TRANSLATE_NOOP("Kode", "Informasi data pribadi dicetak"),
    "audit:update_published": QT_TRANSLATE_NOOP("Kode", "Pembaruan diterbitkan"),
    "audit:update_started": QT_TRANSLATE_NOOP("Kode", "Pemasangan pembaruan dimulai"),
    "audit:update_refused": QT_TRANSLATE_NOOP("Kode", "Pembaruan ditolak: gagal uji sebelum dipasang"),
    "audit:update_installed": QT_TRANSLATE_NOOP("Kode", "Pembaruan terpasang dan lulus uji mandiri"),
    "audit:update_rolled_back": QT_TRANSLATE_NOOP("Kode", "Pembaruan gagal uji mandiri; versi lama dipulihkan"),
    "audit:update_failed": QT_TRANSLATE_NOOP("Kode", "Pembaruan gagal uji mandiri; versi lama tidak dapat dipulihkan"),
    "cover:none": QT_TRANSLATE_NOOP("Kode", "Bukan peserta"),
    "cover:untracked": QT_TRANSLATE_NOOP("Kode", "Belum dicatat"),
    "cover:paid": QT_TRANSLATE_NOOP("Kode", "Lunas"),
    "cover:due": QT_TRANSLATE_NOOP("Kode", "Belum jatuh tempo"),
    "cover:arrears": QT_TRANSLATE_NOOP("Kode", "Menunggak"),
    "cover:lapsed": QT_TRANSLATE_NOOP("Kode", "Gugur, daftar ulang"),
    "rate_kind:tarif": QT_TRANSLATE_NOOP("Kode", "Tarif"),
    "rate_kind:diskon": QT_TRANSLATE_NOOP("Kode", "Diskon"),
    "mode:desa": QT_TRANSLATE_NOOP("Kode", "Desa"),
    "mode:kabupaten": QT_TRANSLATE_NOOP("Kode", "Kabupaten"),
}


#: Message parameters that hold a stored code, by message: the code group to label them with.
CODE_PARAMS: dict[str, dict[str, str]] = {
    "sync_wrong_kind": {"found": "kind", "expected": "kind"},
    "sync_wrong_mode": {"mode": "mode"},
    "nik_sex_mismatch": {"nik_sex": "sex", "typed_sex": "sex"},
    "premium_not_enrolled": {"standing": "standing"},
}


def _fill(template: str, params: Mapping[str, object]) -> str:
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


def describe(code: str, params: Mapping[str, object] | None = None) -> str:
    """Indonesian sentence for a message code, with ``params`` filled in."""
    params = dict(params or {})
    if "field" in params:
        params["field"] = FIELDS.get(str(params["field"]), str(params["field"]))
    for name, group in CODE_PARAMS.get(code, {}).items():
        params[name] = code_label(group, str(params.get(name, "")))
    return _fill(MESSAGES.get(code, code), params)


def describe_issue(issue: Issue) -> str:
    """Indonesian sentence for one validation issue."""
    return describe(issue.code, {"field": issue.field, **issue.params})


def field_label(field: str) -> str:
    """Indonesian label of a participant field."""
    return FIELDS.get(field, field)


def code_label(group: str, code: str | None) -> str:
    """Indonesian label of a stored code; empty for ``None``."""
    if not code:
        return ""
    return CODES.get(f"{group}:{code}", code)
