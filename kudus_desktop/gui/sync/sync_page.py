"""Sinkronisasi: the village writes packages and applies receipts; the regency imports packages,
confirms new devices, watches its villages and writes receipts. Thin shells over core.sync."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kudus_desktop import __version__
from kudus_desktop.core.rules.codes import Role
from kudus_desktop.core.rules.dates import format_number, format_stamp
from kudus_desktop.core.rules.records import OpChanges, UserView
from kudus_desktop.core.rules.regions import all_regions
from kudus_desktop.core.storage.db import Database
from kudus_desktop.core.sync import (
    BatchReport,
    DeviceRow,
    OutboxEntry,
    PackageResult,
    PendingDevice,
    ReceiptResult,
    RegencySync,
    RotationResult,
    SetupFile,
    VillageStatus,
    VillageSync,
    format_ranges,
    package_files,
)
from kudus_desktop.core.sync.recovery import issue_recovery, recovery_name
from kudus_desktop.gui.messages import ask, inform
from kudus_desktop.gui.ops import run_db, run_job
from kudus_desktop.gui.record_table import Col, RecordTable
from kudus_desktop.gui.signals import AppSignals

PACKAGE_FILTER = "Paket sinkronisasi (*.kdp)"
RECEIPT_FILTER = "Tanda terima (*.kdr)"
SETUP_FILTER = "Berkas setup (*.kdsetup)"
RECOVERY_FILTER = "Berkas pemulihan (*.kdr.json *.json)"


def _fingerprint_label(text: str = "") -> QLabel:
    label = QLabel(text)
    font = QFont("DejaVu Sans Mono")
    font.setStyleHint(QFont.StyleHint.Monospace)
    font.setPointSize(font.pointSize() + 4)
    font.setBold(True)
    label.setFont(font)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class VillageSyncPage(QWidget):
    """A village's Sinkronisasi page: join, send packages, apply receipts, see what was sent."""

    #: the clerk asked for an online exchange now
    sync_now = Signal()

    def __init__(self, db: Database, user: UserView, signals: AppSignals, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sync = VillageSync(db, user)
        self.signals = signals
        self.status: VillageStatus | None = None

        title = QLabel(self.tr("Sinkronisasi"))
        title.setObjectName("pageTitle")

        regency_box = QGroupBox(self.tr("Kabupaten"))
        self.regency_label = QLabel()
        self.regency_label.setWordWrap(True)
        self.regency_fp = _fingerprint_label()
        self.regency_fp.setObjectName("regencyFingerprint")
        self.join_button = QPushButton(self.tr("Gabung dengan kabupaten (berkas setup)…"))
        self.join_button.setObjectName("joinButton")
        self.join_button.clicked.connect(self.choose_setup_file)
        rl = QVBoxLayout(regency_box)
        rl.addWidget(self.regency_label)
        rl.addWidget(self.regency_fp)
        rl.addWidget(self.join_button, 0, Qt.AlignmentFlag.AlignLeft)

        device_box = QGroupBox(self.tr("Perangkat ini"))
        self.device_fp = _fingerprint_label()
        self.device_fp.setObjectName("deviceFingerprint")
        hint = QLabel(
            self.tr(
                "Saat paket pertama dari komputer ini tiba, operator kabupaten akan menanyakan sidik jari ini. "
                "Bacakan lewat telepon; jangan kirim lewat pesan yang bisa diteruskan orang lain."
            )
        )
        hint.setWordWrap(True)
        hint.setObjectName("muted")
        self.rotation_label = QLabel()
        self.rotation_label.setObjectName("rotationState")
        self.rotation_label.setWordWrap(True)
        self.rotate_button = QPushButton(self.tr("Ganti kunci perangkat…"))
        self.rotate_button.setObjectName("rotateKeys")
        self.rotate_button.setToolTip(
            self.tr("Buat kunci baru untuk komputer ini, misalnya bila salinan datanya mungkin jatuh ke orang lain.")
        )
        self.rotate_button.clicked.connect(self.rotate_keys)
        dl = QVBoxLayout(device_box)
        dl.addWidget(self.device_fp)
        dl.addWidget(hint)
        dl.addWidget(self.rotation_label)
        dl.addWidget(self.rotate_button, 0, Qt.AlignmentFlag.AlignLeft)

        send_box = QGroupBox(self.tr("Kirim dan terima"))
        self.summary = QLabel()
        self.summary.setObjectName("syncSummary")
        self.summary.setWordWrap(True)
        self.full_check = QCheckBox(self.tr("Kirim semua data (kirim ulang lengkap)"))
        self.full_check.setObjectName("fullResend")
        self.full_check.toggled.connect(self.update_export_button)
        self.export_button = QPushButton(self.tr("Buat paket ke flashdisk…"))
        self.export_button.setObjectName("exportPackage")
        self.export_button.clicked.connect(self.choose_export_folder)
        self.receipt_button = QPushButton(self.tr("Impor tanda terima…"))
        self.receipt_button.setObjectName("importReceipt")
        self.receipt_button.clicked.connect(self.choose_receipt)
        buttons = QHBoxLayout()
        for w in (self.export_button, self.full_check, self.receipt_button):
            buttons.addWidget(w)
        buttons.addStretch(1)
        sl = QVBoxLayout(send_box)
        sl.addWidget(self.summary)
        sl.addLayout(buttons)

        online_box = QGroupBox(self.tr("Daring (lewat internet)"))
        self.online_label = QLabel(self.tr("Belum diperiksa."))
        self.online_label.setObjectName("onlineState")
        self.online_label.setWordWrap(True)
        self.sync_now_button = QPushButton(self.tr("Sinkronkan sekarang"))
        self.sync_now_button.setObjectName("syncNow")
        self.sync_now_button.setToolTip(
            self.tr("Buat paket dari perubahan, kirim paket yang menunggu, dan ambil tanda terima dari server.")
        )
        self.sync_now_button.clicked.connect(self.sync_now)
        ol = QHBoxLayout(online_box)
        ol.addWidget(self.online_label, 1)
        ol.addWidget(self.sync_now_button)

        self.packages = RecordTable(
            [Col(self.tr("Paket"), lambda p: p.seq), Col(self.tr("Dibuat"), lambda p: format_stamp(p.created_at)),
             Col(self.tr("Oleh"), lambda p: p.username), Col(self.tr("Peserta"), lambda p: p.participants),
             Col(self.tr("Isi"), lambda p: self.tr("lengkap") if p.full else self.tr("perubahan")),
             Col(self.tr("Diterima kabupaten"), self._package_state, tooltip=self._package_state),
             Col(self.tr("Berkas"), lambda p: p.file_name)],
            "packageTable",
        )  # fmt: skip
        self.copy_button = QPushButton(self.tr("Salin lagi ke flashdisk…"))
        self.copy_button.setObjectName("copyPackage")
        self.copy_button.clicked.connect(self.copy_selected)

        top = QHBoxLayout()
        top.addWidget(regency_box, 1)
        top.addWidget(device_box, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(top)
        layout.addWidget(send_box)
        layout.addWidget(online_box)
        layout.addWidget(QLabel(self.tr("Paket yang sudah dibuat")))
        layout.addWidget(self.packages, 1)
        layout.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignLeft)

        signals.changed.connect(self.on_changed)
        self.refresh()

    def on_changed(self, changes: OpChanges) -> None:
        if changes.participants or changes.settings:
            self.refresh()

    def refresh(self) -> None:
        run_db(self, self.sync.status, self.show_status)

    def show_status(self, st: VillageStatus) -> None:
        self.status = st
        if st.joined:
            self.regency_label.setText(
                self.tr("Terhubung dengan {name}. Sidik jari kunci kabupaten:").format(name=st.regency_name)
            )
            self.regency_fp.setText(st.regency_fingerprint)
        else:
            self.regency_label.setText(
                self.tr("Belum terhubung. Minta berkas setup desa ini kepada DPMD Kudus, lalu gabung.")
            )
            self.regency_fp.setText("")
        self.device_fp.setText(st.fingerprint)
        self.rotation_label.setText(
            self.tr(
                "Kunci baru menunggu diterima kabupaten; paket membawanya, ditandatangani kunci lama ({fp})."
            ).format(fp=st.rotation_from)
            if st.rotation_from
            else ""
        )
        self.rotation_label.setVisible(bool(st.rotation_from))
        self.rotate_button.setEnabled(st.joined)
        lines = [
            self.tr(
                "{n} peserta dan {p} pembayaran iuran berubah dan belum dikirim. Paket terakhir: {seq}. "
                "Tanda terima terakhir: {r}."
            ).format(
                n=format_number(st.unsent),
                p=format_number(st.unsent_payments),
                seq=st.last_seq or "-",
                r=st.receipt_seq or "-",
            )
        ]
        if st.awaiting_approval:
            lines.append(
                self.tr("{n} peserta menunggu persetujuan verifikator atau dikembalikan ke operator; mereka ikut "
                        "paket setelah disetujui (halaman Persetujuan).").format(n=format_number(st.awaiting_approval))
            )  # fmt: skip
        if st.missing:
            lines.append(
                self.tr(
                    "Kabupaten belum menerima {n} paket ({seqs}): salin lagi berkasnya dari daftar di bawah, "
                    "atau kirim ulang lengkap."
                ).format(n=st.missing_count, seqs=format_ranges(st.missing))
            )
        if st.full_resend:
            lines.append(self.tr("Kabupaten meminta kirim ulang lengkap: paket berikutnya berisi semua data."))
        self.summary.setText("\n".join(lines))
        self.update_export_button()
        self.full_check.setEnabled(st.joined)
        self.receipt_button.setEnabled(st.joined)
        self.packages.set_rows(st.packages)
        self.copy_button.setEnabled(bool(st.packages))
        self.sync_now_button.setEnabled(st.joined and bool(st.server))
        if not st.server:
            self.online_label.setText(
                self.tr("Berkas setup tidak berisi alamat server kabupaten: kirim paket dengan flashdisk.")
            )

    def _package_state(self, p: OutboxEntry) -> str:
        if p.superseded_at:
            return self.tr("diganti paket lengkap (nomornya sudah dipakai di kabupaten)")
        if p.acknowledged_at:
            return p.acknowledged_at
        return self.tr("terkirim {at}").format(at=format_stamp(p.uploaded_at)) if p.uploaded_at else self.tr("belum")

    def rotate_keys(self) -> None:
        question = self.tr(
            "Kunci baru dibuat untuk komputer ini. Paket berikutnya membawa kunci baru itu, ditandatangani kunci "
            "lama, sehingga kabupaten mendaftarkannya tanpa menelepon. Bila kabupaten sudah mencabut perangkat "
            "ini, bacakan sidik jari baru kepada operator kabupaten.\n\nGanti kunci sekarang?"
        )
        if ask(self, self.tr("Ganti kunci perangkat"), question, self.tr("Ganti kunci"), self.tr("Batal")):
            run_db(self, self.sync.rotate_keys, self.keys_rotated)

    def keys_rotated(self, result: RotationResult) -> None:
        self.signals.changed.emit(result.changes)
        inform(
            self,
            self.tr("Kunci perangkat diganti"),
            self.tr("Sidik jari lama: {old}\nSidik jari baru: {new}").format(
                old=result.old_fingerprint, new=result.new_fingerprint
            ),
        )

    def show_online(self, text: str, tip: str) -> None:
        """The background exchange's state, in full (the status bar has the short form)."""
        self.online_label.setText(text if not tip or tip in text else f"{text}\n{tip}")
        st = self.status
        self.sync_now_button.setEnabled(bool(st and st.joined and st.server))
        self.refresh()

    def update_export_button(self) -> None:
        st = self.status
        ready = st is not None and st.joined and (st.has_changes or st.full_resend or self.full_check.isChecked())
        self.export_button.setEnabled(ready)

    # -- joining --------------------------------------------------------------------------

    def choose_setup_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Pilih berkas setup dari kabupaten"), "", SETUP_FILTER)
        if path:
            run_db(self, lambda: self.sync.read_setup(Path(path)), lambda setup: self.confirm_join(Path(path), setup))

    def confirm_join(self, path: Path, setup: SetupFile) -> None:
        question = self.tr(
            "Berkas setup dari {name} untuk Desa {desa}.\n\nSidik jari kunci kabupaten:\n{fp}\n\n"
            "Tanyakan sidik jari kunci kepada DPMD lewat telepon. Gabung hanya bila sama persis."
        ).format(name=setup.regency_name, desa=setup.desa_name, fp=setup.fingerprint)
        if ask(self, self.tr("Gabung dengan kabupaten"), question, self.tr("Sama, gabung"), self.tr("Batal")):
            run_db(self, lambda: self.sync.join(path), lambda _: self.joined())

    def joined(self) -> None:
        self.signals.changed.emit(OpChanges(settings=True))

    # -- packages and receipts ------------------------------------------------------------

    def choose_export_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Pilih flashdisk atau folder tujuan"))
        if folder:
            self.export_to(Path(folder))

    def export_to(self, folder: Path) -> None:
        full = self.full_check.isChecked()
        run_job(
            self,
            self.tr("Membuat paket sinkronisasi…"),
            lambda progress, cancelled: self.sync.export_package(
                folder, full=full, progress=progress, cancelled=cancelled
            ),
            self.exported,
        )

    def exported(self, result: PackageResult) -> None:
        self.full_check.setChecked(False)
        self.signals.changed.emit(result.changes)
        inform(
            self,
            self.tr("Paket dibuat"),
            self.tr(
                "Paket {seq} ({n} peserta) ditulis dan diperiksa di:\n{path}\n\nSerahkan flashdisk ke DPMD Kudus. "
                "Salinannya tetap tersimpan di komputer ini."
            ).format(seq=result.seq, n=result.participants, path=result.copied_to),
        )

    def copy_selected(self) -> None:
        package = self.packages.current_record()
        if package is None:
            return
        name = package.file_name
        folder = QFileDialog.getExistingDirectory(self, self.tr("Pilih flashdisk atau folder tujuan"))
        if folder:
            run_db(
                self,
                lambda: self.sync.copy_package(name, Path(folder)),
                lambda path: inform(self, self.tr("Paket disalin"), self.tr("Disalin ke {path}").format(path=path)),
            )

    def choose_receipt(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Pilih tanda terima dari kabupaten"), "", RECEIPT_FILTER)
        if path:
            self.import_receipt(Path(path))

    def import_receipt(self, path: Path) -> None:
        run_db(self, lambda: self.sync.import_receipt(path), self.receipt_applied)

    def receipt_applied(self, r: ReceiptResult) -> None:
        self.signals.changed.emit(r.changes)
        if r.already_applied:
            text = self.tr("Tanda terima {seq} sudah diterapkan sebelumnya; tidak ada yang berubah.").format(seq=r.seq)
        else:
            text = self.tr(
                "Tanda terima {seq} diterapkan: {a} diterima, {rej} ditolak, {rev} ditinjau kabupaten, "
                "{k} nomor KPJ baru."
            ).format(seq=r.seq, a=r.accepted, rej=r.rejected, rev=r.review, k=r.kpj_assigned)
            if r.renumbered:
                text += "\n" + self.tr(
                    "{n} peserta mendapat nomor registrasi baru: nomor lamanya sudah dipakai peserta lain di kabupaten "
                    "(cadangan lama dipulihkan). Cetak ulang kartunya bila sudah dicetak."
                ).format(n=r.renumbered)
            if r.resent:
                text += "\n" + self.tr(
                    "{n} data dikirim ulang: kabupaten menyimpan versi yang lebih baru daripada data di sini."
                ).format(n=r.resent)
            if r.superseded:
                text += "\n" + self.tr(
                    "Kabupaten menyimpan paket lain dengan nomor {seqs}; paket berikutnya berisi semua data."
                ).format(seqs=", ".join(map(str, r.superseded)))
            if r.payments_rejected:
                text += "\n" + self.tr("{n} pembayaran iuran ditolak kabupaten; lihat log audit.").format(
                    n=r.payments_rejected
                )
        inform(self, self.tr("Tanda terima"), text)


class RegencySyncPage(QWidget):
    """The regency's Sinkronisasi page: packages in, villages at a glance, receipts out."""

    def __init__(self, db: Database, user: UserView, signals: AppSignals, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sync = RegencySync(db, user)
        self.signals = signals

        title = QLabel(self.tr("Sinkronisasi desa"))
        title.setObjectName("pageTitle")
        self.import_files_button = QPushButton(self.tr("Impor paket…"))
        self.import_files_button.setObjectName("importPackages")
        self.import_files_button.clicked.connect(self.choose_packages)
        self.import_folder_button = QPushButton(self.tr("Impor semua paket di flashdisk…"))
        self.import_folder_button.setObjectName("importFolder")
        self.import_folder_button.clicked.connect(self.choose_folder)
        self.receipts_button = QPushButton(self.tr("Tulis tanda terima…"))
        self.receipts_button.setObjectName("writeReceipts")
        self.receipts_button.clicked.connect(self.choose_receipt_folder)
        row = QHBoxLayout()
        self.full_button = QPushButton(self.tr("Minta kirim ulang lengkap dari desa terpilih"))
        self.full_button.setObjectName("requestFull")
        self.full_button.clicked.connect(self.request_full)
        self.pending_button = QPushButton()
        self.pending_button.setObjectName("pendingDevices")
        self.pending_button.setToolTip(
            self.tr("Komputer desa yang mengirim paket lewat server tetapi belum dikonfirmasi sidik jarinya.")
        )
        self.pending_button.clicked.connect(self.confirm_online_devices)
        self.pending: list[PendingDevice] = []
        self.pending_button.setText(self.tr("Perangkat daring menunggu ({n})…").format(n=0))
        self.pending_button.setEnabled(False)
        self.devices_button = QPushButton(self.tr("Perangkat desa…"))
        self.devices_button.setObjectName("devicesButton")
        self.devices_button.setToolTip(
            self.tr("Perangkat terdaftar tiap desa; cabut perangkat yang hilang atau dicuri.")
        )
        self.devices_button.clicked.connect(self.show_devices)
        self.publish_button = QPushButton(self.tr("Terbitkan pembaruan…"))
        self.publish_button.setObjectName("publishUpdateButton")
        self.publish_button.setToolTip(
            self.tr("Versi baru Kudus Desktop untuk desa, ditandatangani kunci kabupaten (lewat server atau flashdisk)")
        )
        self.publish_button.clicked.connect(self.publish_update)
        self.publish_button.setVisible(user.role == Role.ADMIN)
        # Two rows, so that every button reads whole on a 1024-pixel screen: files, then devices.
        for b in (self.import_files_button, self.import_folder_button, self.receipts_button):
            row.addWidget(b)
        row.addStretch(1)
        devices_row = QHBoxLayout()
        for b in (self.pending_button, self.devices_button, self.publish_button):
            devices_row.addWidget(b)
        devices_row.addStretch(1)
        devices_row.addWidget(self.full_button)

        setup_box = QGroupBox(self.tr("Berkas setup untuk desa"))
        self.desa_combo = QComboBox()
        self.desa_combo.setObjectName("setupDesa")
        for reg in all_regions():
            if reg.level == "desa":
                self.desa_combo.addItem(f"{reg.name} ({reg.code})", reg.code)
        self.setup_button = QPushButton(self.tr("Simpan berkas setup…"))
        self.setup_button.setObjectName("saveSetup")
        self.setup_button.clicked.connect(self.choose_setup_target)
        self.recovery_button = QPushButton(self.tr("Berkas pemulihan admin…"))
        self.recovery_button.setObjectName("saveRecovery")
        self.recovery_button.setToolTip(
            self.tr("Untuk desa yang admin satu-satunya lupa kata sandi: berlaku 7 hari, sekali pakai, hanya di PC "
                    "desa yang terdaftar")
        )  # fmt: skip
        self.recovery_button.clicked.connect(self.choose_recovery_target)
        self.recovery_button.setVisible(user.role == Role.ADMIN)
        sl = QHBoxLayout(setup_box)
        sl.addWidget(self.desa_combo, 1)
        sl.addWidget(self.setup_button)
        sl.addWidget(self.recovery_button)

        self.summary = QLabel()
        self.summary.setObjectName("syncSummary")
        self.villages = RecordTable(
            [Col(self.tr("Kode"), lambda v: v.code), Col(self.tr("Desa"), lambda v: v.name, whole=True),
             Col(self.tr("Kecamatan"), lambda v: v.kecamatan), Col(self.tr("Perangkat"), lambda v: v.devices),
             # Short headers, explained on hover: the desa's name keeps its width at 1024 px.
             Col(self.tr("Paket"), lambda v: v.last_seq or "",
                 header_tip=self.tr("Nomor paket terakhir yang diterima dari desa")),
             Col(self.tr("Kontak terakhir"), lambda v: format_stamp(v.last_contact)),
             Col(self.tr("Aktif"), lambda v: v.active, header_tip=self.tr("Peserta aktif")),
             Col(self.tr("Paket hilang"),
                 lambda v: f"{v.missing_count}: {format_ranges(v.missing)}" if v.missing_count else ""),
             Col(self.tr("Ditolak"), lambda v: v.rejected or "",
                 header_tip=self.tr("Data peserta yang versi terakhirnya ditolak pemeriksaan kabupaten"))],
            "villageTable",
        )  # fmt: skip
        self.villages.columns.stretch = 7  # the missing packages' ranges take the room left over
        self.results = QListWidget()
        self.results.setObjectName("importResults")
        self.results.setMaximumHeight(130)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(row)
        layout.addLayout(devices_row)
        layout.addWidget(setup_box)
        layout.addWidget(self.summary)
        layout.addWidget(self.villages, 1)
        layout.addWidget(QLabel(self.tr("Hasil impor terakhir")))
        layout.addWidget(self.results)
        signals.changed.connect(lambda changes: self.refresh() if changes.participants else None)
        self.refresh()

    def refresh(self) -> None:
        run_db(
            self, lambda: (self.sync.villages(), self.sync.open_duplicates(), self.sync.pending()), self.show_villages
        )

    def show_villages(self, data: tuple[list[Any], int, list[PendingDevice]]) -> None:
        rows, duplicates, self.pending = data
        self.pending_button.setText(self.tr("Perangkat daring menunggu ({n})…").format(n=len(self.pending)))
        self.pending_button.setEnabled(bool(self.pending))
        heard = sum(1 for v in rows if v.packages)
        gaps = sum(1 for v in rows if v.missing_count)
        self.summary.setText(
            self.tr(
                "{heard} dari {total} desa sudah mengirim paket; {gaps} desa dengan paket hilang; "
                "{dup} NIK ganda menunggu keputusan."
            ).format(heard=heard, total=len(rows), gaps=gaps, dup=duplicates)
        )
        self.villages.set_rows(rows, keep=lambda v: v.code)

    # -- importing ------------------------------------------------------------------------

    def choose_packages(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("Pilih paket desa"), "", PACKAGE_FILTER)
        if paths:
            self.import_paths([Path(p) for p in paths])

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Pilih flashdisk atau folder berisi paket"))
        if folder:
            self.import_paths([Path(folder)])

    def import_paths(self, paths: list[Path]) -> None:
        files = package_files(paths)
        if not files:
            inform(self, self.tr("Impor paket"), self.tr("Tidak ada berkas paket (*.kdp) di sana."))
            return
        # Unregistered devices are confirmed here, on the window's thread, before the import job.
        run_db(self, lambda: [p for p in (self.sync.inspect(f) for f in files) if p is not None],
               lambda pending: self.confirm_devices(files, pending))  # fmt: skip

    def confirm_devices(self, files: list[Path], pending: list[PendingDevice]) -> None:
        approved: dict[str, str] = {}
        asked: set[str] = set()
        for p in pending:
            if p.device in asked:
                continue
            asked.add(p.device)
            question = self.tr(
                "Paket {name} berasal dari komputer desa {desa} yang belum terdaftar.\n\n"
                "Sidik jari perangkat itu:\n{fp}\n\nTelepon operator desa dan minta ia membacakan sidik jari dari "
                "halaman Sinkronisasinya. Daftarkan hanya bila sama persis."
            ).format(name=p.name, desa=f"{p.desa_name} ({p.desa})", fp=p.fingerprint)
            if ask(self, self.tr("Perangkat desa baru"), question, self.tr("Sama, daftarkan"), self.tr("Tolak")):
                approved[p.device] = p.fingerprint
        confirm: Callable[[PendingDevice], str | None] = lambda p: approved.get(p.device)  # noqa: E731
        run_job(
            self,
            self.tr("Mengimpor paket desa…"),
            lambda progress, cancelled: self.sync.import_files(
                files, confirm=confirm, progress=progress, cancelled=cancelled
            ),
            self.imported,
        )

    def confirm_online_devices(self) -> None:
        """Devices that uploaded through the sync server: the same fingerprint check as a stick's."""
        approved: list[PendingDevice] = []
        for p in self.pending:
            question = self.tr(
                "Komputer desa {desa} mengirim {name} lewat server, tetapi belum terdaftar.\n\n"
                "Sidik jari perangkat itu:\n{fp}\n\nTelepon operator desa dan minta ia membacakan sidik jari dari "
                "halaman Sinkronisasinya. Daftarkan hanya bila sama persis."
            ).format(name=p.name, desa=f"{p.desa_name} ({p.desa})", fp=p.fingerprint)
            if ask(self, self.tr("Perangkat desa baru"), question, self.tr("Sama, daftarkan"), self.tr("Lewati")):
                approved.append(p)
        if not approved:
            return

        def confirm_all(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> BatchReport:
            report = BatchReport()
            for n, p in enumerate(approved):
                if cancelled():
                    break
                part = self.sync.confirm_pending(p.device, p.fingerprint)
                report.done += part.done
                report.failed += part.failed
                report.scan = part.scan or report.scan
                progress(n + 1, len(approved))
            return report

        run_job(self, self.tr("Mengimpor paket dari server…"), confirm_all, self.imported)

    def imported(self, report: BatchReport) -> None:
        self.results.clear()
        for r in report.done:
            if r.already:
                self.results.addItem(
                    self.tr("{name}: sudah pernah diimpor; tidak ada yang berubah").format(name=r.name)
                )
            else:
                text = self.tr("{name}: {added} baru, {updated} diubah, {dup} NIK ganda").format(
                    name=r.name, added=r.added, updated=r.updated, dup=r.duplicates
                )
                if r.rejected:
                    text += self.tr("; {n} baris ditolak (alasannya ikut tanda terima desa)").format(n=r.rejected)
                if r.reconciled:
                    text += self.tr("; {n} peserta didaftarkan ulang desa (data lama dipakai)").format(n=r.reconciled)
                if r.rotated:
                    text += self.tr("; kunci baru perangkat desa didaftarkan")
                self.results.addItem(text)
        for f in report.failed:
            self.results.addItem(self.tr("{name}: DITOLAK. {reason}").format(name=f.name, reason=f.message))
        if report.scan is not None:
            self.results.addItem(
                self.tr("Pemeriksaan kepesertaan ganda: {open} kasus menunggu keputusan di halaman Ganda.").format(
                    open=report.scan.open_total
                )
            )
        self.signals.changed.emit(report.changes)
        inform(
            self,
            self.tr("Impor paket"),
            self.tr("{ok} paket diimpor atau sudah ada, {bad} ditolak. Rinciannya ada di bawah daftar desa.").format(
                ok=len(report.done), bad=len(report.failed)
            ),
        )

    # -- receipts and setup files ---------------------------------------------------------

    def choose_receipt_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Pilih folder untuk tanda terima"))
        if folder:
            self.write_receipts(Path(folder))

    def write_receipts(self, folder: Path) -> None:
        run_db(
            self,
            lambda: self.sync.write_receipts(folder),
            lambda paths: inform(
                self,
                self.tr("Tanda terima"),
                self.tr("{n} tanda terima ditulis ke {folder}.").format(n=len(paths), folder=folder),
            ),
        )

    def choose_setup_target(self) -> None:
        code = str(self.desa_combo.currentData())
        default = f"KDS_{code.replace('.', '')}.kdsetup"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Simpan berkas setup"), default, SETUP_FILTER)
        if path:
            self.save_setup(code, Path(path))

    def save_setup(self, code: str, path: Path) -> None:
        def saved(result: tuple[Path, SetupFile]) -> None:
            target, setup = result
            inform(
                self,
                self.tr("Berkas setup"),
                self.tr(
                    "Berkas setup untuk Desa {desa} ditulis ke {path}.\n\nSidik jari kunci kabupaten, untuk "
                    "dibacakan kepada operator desa saat ia bergabung:\n{fp}"
                ).format(desa=setup.desa_name, path=target, fp=setup.fingerprint),
            )

        run_db(self, lambda: self.sync.make_setup_file(code, path), saved)

    def choose_recovery_target(self) -> None:
        code = str(self.desa_combo.currentData())
        if not ask(
            self,
            self.tr("Berkas pemulihan admin"),
            self.tr("Buat berkas pemulihan admin untuk {desa}?\n\nBuat hanya bila kepala desa meminta lewat jalur "
                    "resmi. Berkas itu mengganti kata sandi admin desa itu, berlaku 7 hari, sekali pakai, dan hanya di "
                    "PC desa yang terdaftar di sini. Pembuatannya dicatat di log audit.").format(
                desa=self.desa_combo.currentText()
            ),
            self.tr("Buat berkas"),
            self.tr("Batal"),
        ):  # fmt: skip
            return
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Simpan berkas pemulihan"), recovery_name(code), RECOVERY_FILTER
        )
        if path:
            self.save_recovery(code, Path(path))

    def save_recovery(self, code: str, path: Path) -> None:
        run_db(
            self,
            lambda: issue_recovery(self.sync.db, self.sync.user, code, path),
            lambda target: inform(
                self,
                self.tr("Berkas pemulihan admin"),
                self.tr("Berkas pemulihan ditulis ke {path}. Serahkan kepada desa itu; di jendela Masuk, admin memilih "
                        "\"Lupa kata sandi admin…\".").format(path=target),
            ),
        )  # fmt: skip

    def publish_update(self) -> None:
        from kudus_desktop.gui.regency.publish_dialog import PublishUpdateDialog

        PublishUpdateDialog(self.sync.db, self.sync.user, self).exec()

    def show_devices(self) -> None:
        run_db(self, self.sync.devices, lambda devices: DevicesDialog(self.sync, devices, self.signals, self).open())

    def request_full(self) -> None:
        village = self.villages.current_record()
        if village is None:
            inform(self, self.tr("Kirim ulang lengkap"), self.tr("Pilih desanya di daftar lebih dahulu."))
            return
        code = village.code
        run_db(
            self,
            lambda: self.sync.request_full_resend(code),
            lambda n: inform(
                self,
                self.tr("Kirim ulang lengkap"),
                self.tr("Permintaan untuk {code} ikut tanda terima berikutnya ({n} perangkat).").format(code=code, n=n),
            ),
        )


class DevicesDialog(QDialog):
    """The regency's list of village devices: state, fingerprint, last package; revoke one."""

    def __init__(
        self, sync: RegencySync, devices: list[DeviceRow], signals: AppSignals, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.sync = sync
        self.signals = signals
        self.devices = devices
        self.setWindowTitle(self.tr("Perangkat desa"))
        states = {"current": self.tr("aktif"), "retired": self.tr("diganti"), "revoked": self.tr("dicabut")}
        self.table = RecordTable(
            [Col(self.tr("Desa"), lambda d: f"{d.desa_name} ({d.desa_code})"),
             Col(self.tr("Perangkat"), lambda d: d.device_id), Col(self.tr("Sidik jari"), lambda d: d.fingerprint),
             Col(self.tr("Keadaan"), lambda d: states.get(d.state, d.state)),
             Col(self.tr("Paket terakhir"), lambda d: d.last_seq or ""),
             Col(self.tr("Versi"), lambda d: d.app_version, tooltip=lambda d: self._version_tip(d)),
             Col(self.tr("Terdaftar"), lambda d: format_stamp(d.registered_at)),
             Col(self.tr("Catatan"), lambda d: d.revoke_reason, tooltip=lambda d: d.revoke_reason)],
            "deviceTable",
        )  # fmt: skip
        self.revoke_button = QPushButton(self.tr("Cabut perangkat terpilih…"))
        self.revoke_button.setObjectName("revokeDevice")
        self.revoke_button.clicked.connect(self.revoke_selected)
        close = QPushButton(self.tr("Tutup"))  # named by us: Qt has no Indonesian for its own buttons
        close.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.revoke_button)
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout.addLayout(bottom)
        self.resize(900, 420)
        self.show_devices(devices)

    def _version_tip(self, device: DeviceRow) -> str:
        if not device.app_version:
            return self.tr("Paketnya belum menyebut versi (dibuat versi lama, atau belum ada paket).")
        if device.app_version == __version__:
            return self.tr("Versi yang sama dengan kabupaten.")
        return self.tr("Kabupaten memakai versi {version}.").format(version=__version__)

    def show_devices(self, devices: list[DeviceRow]) -> None:
        self.devices = devices
        self.table.set_rows(devices, keep=lambda d: d.device_id)

    def revoke_selected(self) -> None:
        device = self.table.current_record()
        if device is None:
            inform(self, self.tr("Cabut perangkat"), self.tr("Pilih perangkatnya di daftar lebih dahulu."))
            return
        if device.state == "revoked":
            return
        reason, ok = QInputDialog.getText(
            self,
            self.tr("Cabut perangkat"),
            self.tr(
                "Perangkat {id} Desa {desa} (sidik jari {fp}) tidak akan diterima lagi: paket, tanda terima dan "
                "kunci baru yang ditandatanganinya ditolak. Alasan pencabutan:"
            ).format(id=device.device_id, desa=device.desa_name, fp=device.fingerprint),
        )
        if ok and reason.strip():
            run_db(self, lambda: self.sync.revoke_device(device.device_id, reason), lambda _: self.revoked())

    def revoked(self) -> None:
        self.signals.changed.emit(OpChanges(settings=True))
        run_db(self, self.sync.devices, self.show_devices)


def sync_page(db: Database, user: UserView, mode: str, signals: AppSignals) -> QWidget:
    """The page for this installation's mode."""
    return VillageSyncPage(db, user, signals) if mode == "desa" else RegencySyncPage(db, user, signals)
