"""Pengaturan: the office profile, the age rule and the interface language."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kudus_desktop import __version__
from kudus_desktop.core.enrolment.approval import ApprovalService
from kudus_desktop.core.office.accounts import AccountService
from kudus_desktop.core.reports.exporting import BPJS_COLUMNS, bpjs_columns, save_bpjs_columns
from kudus_desktop.core.rules.codes import Mode, can_edit_settings
from kudus_desktop.core.rules.records import OpChanges, UserView
from kudus_desktop.gui import preferences
from kudus_desktop.gui.messages import ask, inform, show_error, show_on_form
from kudus_desktop.gui.office.accounts_widget import AccountsWidget
from kudus_desktop.gui.office.audit_widget import AuditWidget
from kudus_desktop.gui.office.backup_widget import BackupWidget
from kudus_desktop.gui.office.paper_box import PaperBox
from kudus_desktop.gui.office.privacy_widget import PrivacyWidget
from kudus_desktop.gui.ops import run_change
from kudus_desktop.gui.signals import AppSignals


class SettingsPage(QWidget):
    def __init__(
        self, accounts: AccountService, user: UserView, signals: AppSignals, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.accounts = accounts
        self.signals = signals
        profile = accounts.profile()
        editable = can_edit_settings(user.role)

        title = QLabel(self.tr("Pengaturan"))
        title.setObjectName("pageTitle")

        office = QGroupBox(self.tr("Kantor dan penandatangan"))
        form = QFormLayout(office)
        region = QLabel(f"{profile.region_name} ({profile.region_code})")
        self.head_name = QLineEdit(profile.head_name)
        self.head_name.setObjectName("head_name")
        self.head_title = QLineEdit(profile.head_title)
        self.head_title.setObjectName("head_title")
        self.office_phone = QLineEdit(profile.office_phone)
        self.office_phone.setObjectName("office_phone")
        self.max_age = QLineEdit(str(profile.max_age))
        self.max_age.setObjectName("max_age")
        self.max_age.setMaximumWidth(80)
        self.min_participants = QLineEdit(str(profile.min_participants))
        self.min_participants.setObjectName("min_participants")
        self.min_participants.setMaximumWidth(80)
        self.kpj_digits = QLineEdit(str(profile.kpj_digits))
        self.kpj_digits.setObjectName("kpj_digits")
        self.kpj_digits.setMaximumWidth(80)
        self.idle_lock = QLineEdit(str(profile.idle_lock_minutes))
        self.idle_lock.setObjectName("idle_lock_minutes")
        self.idle_lock.setMaximumWidth(80)
        self.error = QLabel()
        self.error.setObjectName("errorBanner")
        self.error.setWordWrap(True)
        self.error.hide()
        form.addRow(self.tr("Wilayah"), region)
        form.addRow(self.tr("Nama penandatangan"), self.head_name)
        form.addRow(self.tr("Jabatan penandatangan"), self.head_title)
        form.addRow(self.tr("Telepon kantor"), self.office_phone)
        form.addRow(self.tr("Batas umur peserta (tahun)"), self.max_age)
        if profile.mode == Mode.DESA:
            form.addRow(self.tr("Jumlah peserta minimal per desa"), self.min_participants)
        else:
            self.min_participants.hide()
            form.addRow(self.tr("Jumlah digit nomor KPJ dari BPJS"), self.kpj_digits)
        form.addRow(self.tr("Kunci layar setelah (menit tanpa kegiatan; 0 = tidak)"), self.idle_lock)
        # Maker-checker (village): switched at once, not with the profile's save button.
        self.review = ApprovalService(accounts.db, user)
        self.approval = QCheckBox(self.tr("Wajib disetujui verifikator"))
        self.approval.setToolTip(
            self.tr("Data peserta baru dan yang diubah harus disetujui verifikator sebelum dikirim ke kabupaten atau "
                    "dicetak kartunya")
        )  # fmt: skip
        self.approval.setObjectName("approvalRequired")
        if profile.mode == Mode.DESA:
            self.approval.setChecked(self.review.required())
            self.approval.setEnabled(editable)
            self.approval.toggled.connect(self.change_approval)
            form.addRow(self.tr("Persetujuan"), self.approval)
            approval_note = QLabel(self.approval.toolTip())
            approval_note.setObjectName("muted")
            approval_note.setWordWrap(True)
            form.addRow("", approval_note)
        else:
            self.approval.hide()
        form.addRow(self.error)
        self.save_button = QPushButton(self.tr("Simpan pengaturan kantor"))
        self.save_button.clicked.connect(self.save_profile)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        form.addRow(buttons)
        for w in (
            self.head_name, self.head_title, self.office_phone, self.max_age, self.idle_lock, self.min_participants,
            self.kpj_digits,
        ):  # fmt: skip
            w.setReadOnly(not editable)
        self.save_button.setVisible(editable)
        if not editable:
            form.addRow(QLabel(self.tr("Hanya admin yang dapat mengubah pengaturan kantor.")))

        self.paper_box = PaperBox(accounts, user, signals, profile, editable, self.head_name, self.head_title)

        bpjs = QGroupBox(self.tr("Kolom daftar pendaftaran BPJS"))
        bpjs_layout = QHBoxLayout(bpjs)
        self.bpjs_list = QListWidget()
        self.bpjs_list.setObjectName("bpjsColumns")
        self.bpjs_list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        chosen = bpjs_columns(accounts.db)
        for key in chosen + [k for k in BPJS_COLUMNS if k not in chosen]:
            item = QListWidgetItem(BPJS_COLUMNS[key].header)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if key in chosen else Qt.CheckState.Unchecked)
            self.bpjs_list.addItem(item)
        self.bpjs_list.setMaximumHeight(170)
        side = QVBoxLayout()
        self.up_button = QPushButton(self.tr("Naik"))
        self.down_button = QPushButton(self.tr("Turun"))
        self.bpjs_save = QPushButton(self.tr("Simpan kolom"))
        self.up_button.clicked.connect(lambda: self._move(-1))
        self.down_button.clicked.connect(lambda: self._move(1))
        self.bpjs_save.clicked.connect(self.save_bpjs_columns)
        for button in (self.up_button, self.down_button):
            side.addWidget(button)
        side.addStretch(1)
        side.addWidget(self.bpjs_save)
        bpjs_layout.addWidget(self.bpjs_list, 1)
        bpjs_layout.addLayout(side)
        note = QLabel(
            self.tr("Centang kolom yang diminta BPJS dan susun urutannya (seret, atau Naik/Turun). "
                    "Kode wadah: SD untuk dana desa, SA untuk APBD, SL lainnya.")
        )  # fmt: skip
        note.setObjectName("muted")
        note.setWordWrap(True)
        bpjs_layout.addWidget(note, 1)
        for button in (self.up_button, self.down_button, self.bpjs_save):
            button.setVisible(editable)
        self.bpjs_list.setEnabled(editable)

        self.accounts_box = QGroupBox(self.tr("Akun pengguna"))
        accounts_layout = QVBoxLayout(self.accounts_box)
        self.accounts_widget = AccountsWidget(accounts, user, signals)
        accounts_layout.addWidget(self.accounts_widget)
        self.accounts_box.setVisible(editable)
        self.backup_box = QGroupBox(self.tr("Cadangan"))
        backup_layout = QVBoxLayout(self.backup_box)
        self.backup_widget = BackupWidget(accounts.db, user)
        backup_layout.addWidget(self.backup_widget)
        self.backup_box.setVisible(editable)
        self.audit_box = QGroupBox(self.tr("Log audit"))
        audit_layout = QVBoxLayout(self.audit_box)
        self.audit_widget = AuditWidget(accounts, user, signals)
        audit_layout.addWidget(self.audit_widget)
        self.audit_box.setVisible(editable)
        self.privacy_box = QGroupBox(self.tr("Data pribadi"))
        privacy_layout = QVBoxLayout(self.privacy_box)
        if editable:
            self.privacy_widget = PrivacyWidget(accounts, user, signals)
            privacy_layout.addWidget(self.privacy_widget)
        self.privacy_box.setVisible(editable)

        look = QGroupBox(self.tr("Tampilan"))
        look_form = QFormLayout(look)
        self.language = QComboBox()
        self.language.setObjectName("language")
        for code, name in preferences.LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(self.language.findData(preferences.language()))
        self.language.currentIndexChanged.connect(self.change_language)
        look_form.addRow(self.tr("Bahasa / Language"), self.language)

        about = QGroupBox(self.tr("Tentang"))
        about_form = QFormLayout(about)
        about_form.addRow(self.tr("Versi"), QLabel(__version__))
        db_label = QLabel(str(accounts.db.path))
        db_label.setWordWrap(True)
        about_form.addRow(self.tr("Basis data"), db_label)

        # Scrolls on a 1366x768 screen rather than squeezing the groups.
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addWidget(title)
        layout.addWidget(office)
        layout.addWidget(self.paper_box)
        layout.addWidget(bpjs)
        layout.addWidget(self.accounts_box)
        layout.addWidget(self.backup_box)
        layout.addWidget(self.audit_box)
        layout.addWidget(self.privacy_box)
        layout.addWidget(look)
        layout.addWidget(about)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def save_profile(self) -> None:
        fields = {
            "head_name": self.head_name,
            "head_title": self.head_title,
            "max_age": self.max_age,
            "idle_lock_minutes": self.idle_lock,
            "min_participants": self.min_participants,
            "kpj_digits": self.kpj_digits,
        }
        values = {
            "head_name": self.head_name.text(),
            "head_title": self.head_title.text(),
            "office_phone": self.office_phone.text(),
            "max_age": self.max_age.text(),
            "idle_lock_minutes": self.idle_lock.text(),
            "min_participants": self.min_participants.text(),
            "kpj_digits": self.kpj_digits.text(),
        }

        def saved(_changes: OpChanges) -> None:
            show_on_form(self.error, fields, None)
            inform(self, self.tr("Pengaturan"), self.tr("Pengaturan kantor disimpan."))

        def refused(exc: BaseException) -> None:
            show_on_form(self.error, fields, exc)

        run_change(self, self.signals, lambda: self.accounts.update_profile(**values), saved, refused)

    def change_approval(self, required: bool) -> None:
        waiting = self.review.counts()
        held = waiting.waiting + waiting.declined
        if not required and held and not ask(
            self,
            self.tr("Persetujuan verifikator"),
            self.tr("{n} data peserta yang menunggu atau dikembalikan akan dianggap disetujui dan ikut paket "
                    "berikutnya tanpa diperiksa. Lanjutkan?").format(n=held),
            self.tr("Ya, tidak wajib"),
            self.tr("Batal"),
        ):  # fmt: skip
            self.approval.blockSignals(True)
            self.approval.setChecked(True)
            self.approval.blockSignals(False)
            return

        def failed(exc: BaseException) -> None:
            self.approval.blockSignals(True)
            self.approval.setChecked(not required)
            self.approval.blockSignals(False)
            show_error(self, exc)

        run_change(self, self.signals, lambda: self.review.set_required(required), on_failed=failed)

    def _move(self, step: int) -> None:
        row = self.bpjs_list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.bpjs_list.count():
            return
        item = self.bpjs_list.takeItem(row)
        self.bpjs_list.insertItem(target, item)
        self.bpjs_list.setCurrentRow(target)

    def chosen_bpjs_columns(self) -> list[str]:
        items = (self.bpjs_list.item(i) for i in range(self.bpjs_list.count()))
        return [str(it.data(Qt.ItemDataRole.UserRole)) for it in items if it.checkState() == Qt.CheckState.Checked]

    def save_bpjs_columns(self) -> None:
        chosen = self.chosen_bpjs_columns()
        run_change(
            self, self.signals, lambda: save_bpjs_columns(self.accounts.db, chosen),
            lambda _c: inform(self, self.tr("Pengaturan"), self.tr("Kolom daftar pendaftaran BPJS disimpan.")),
        )  # fmt: skip

    def change_language(self) -> None:
        code = str(self.language.currentData())
        if code == preferences.language():
            return
        preferences.set_language(code)
        inform(
            self,
            self.tr("Bahasa / Language"),
            self.tr("Bahasa tampilan berubah saat Kudus Desktop dibuka kembali.\n"
                    "The display language changes when Kudus Desktop is opened again."),
        )  # fmt: skip
