"""First start: choose desa or kabupaten mode, the region, the signatory, the first admin."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from kudus_desktop.core.errors import ValidationError
from kudus_desktop.core.office.accounts import MIN_PASSWORD, AccountService, SetupRequest, check_setup
from kudus_desktop.core.rules.codes import Mode
from kudus_desktop.core.rules.records import UserView
from kudus_desktop.core.rules.regions import KUDUS_CODE, kecamatan_list, region, villages_of
from kudus_desktop.core.rules.validation import Issue
from kudus_desktop.gui.messages import issue_text, message_text, show_error
from kudus_desktop.gui.ops import run_db
from kudus_desktop.gui.theme import icon, mark_invalid


class ModePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Selamat datang di Kudus Desktop"))
        self.setSubTitle(self.tr("Aplikasi ini menyimpan data di komputer ini. Pilih kantor yang memakainya."))
        self.desa = QRadioButton(self.tr("Kantor desa: mendaftarkan dan mengelola peserta desa"))
        self.desa.setObjectName("modeDesa")
        self.kabupaten = QRadioButton(self.tr("Kabupaten (DPMD Kudus): menghimpun data 123 desa"))
        self.kabupaten.setObjectName("modeKabupaten")
        self.desa.setChecked(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.desa)
        layout.addWidget(self.kabupaten)
        layout.addStretch(1)

    def mode(self) -> str:
        return Mode.DESA if self.desa.isChecked() else Mode.KABUPATEN


class RegionPage(QWizardPage):
    def __init__(self, mode_page: ModePage) -> None:
        super().__init__()
        self.mode_page = mode_page
        self.setTitle(self.tr("Wilayah"))
        self.kecamatan = QComboBox()
        self.kecamatan.setObjectName("kecamatan")
        self.kecamatan.addItem(self.tr("— pilih kecamatan —"), "")
        for k in kecamatan_list():
            self.kecamatan.addItem(k.name, k.code)
        self.desa = QComboBox()
        self.desa.setObjectName("desa")
        self.kabupaten_label = QLabel(self.tr("Kabupaten Kudus (33.19)"))
        self.phone = QLineEdit()
        self.phone.setObjectName("officePhone")
        self.form = QFormLayout(self)
        self.form.addRow(self.tr("Kecamatan"), self.kecamatan)
        self.form.addRow(self.tr("Desa"), self.desa)
        self.form.addRow(self.tr("Kabupaten"), self.kabupaten_label)
        self.form.addRow(self.tr("Telepon kantor"), self.phone)
        self.kecamatan.currentIndexChanged.connect(self._fill_desa)
        self.desa.currentIndexChanged.connect(lambda _i: self.completeChanged.emit())
        self._fill_desa()

    def _fill_desa(self) -> None:
        self.desa.clear()
        self.desa.addItem(self.tr("— pilih desa —"), "")
        code = self.kecamatan.currentData()
        if code:
            # Kelurahan have no village budget: village-funded enrolment is for the 123 desa.
            for d in villages_of(str(code)):
                self.desa.addItem(d.name, d.code)
        self.completeChanged.emit()

    def initializePage(self) -> None:
        desa_mode = self.mode_page.mode() == Mode.DESA
        self.setSubTitle(
            self.tr("Pilih kecamatan dan desa dari daftar wilayah Kemendagri.")
            if desa_mode
            else self.tr("Mode kabupaten melayani seluruh Kabupaten Kudus.")
        )
        for widget in (self.kecamatan, self.desa):
            self.form.setRowVisible(widget, desa_mode)
        self.form.setRowVisible(self.kabupaten_label, not desa_mode)

    def isComplete(self) -> bool:
        return self.mode_page.mode() == Mode.KABUPATEN or bool(self.desa.currentData())

    def region_code(self) -> str:
        return KUDUS_CODE if self.mode_page.mode() == Mode.KABUPATEN else str(self.desa.currentData() or "")


class SignatoryPage(QWizardPage):
    def __init__(self, mode_page: ModePage) -> None:
        super().__init__()
        self.mode_page = mode_page
        self.setTitle(self.tr("Penandatangan"))
        self.setSubTitle(self.tr("Nama dan jabatan ini dicetak di bawah daftar peserta dan rekap iuran."))
        self.head_name = QLineEdit()
        self.head_name.setObjectName("headName")
        self.head_title = QLineEdit()
        self.head_title.setObjectName("headTitle")
        form = QFormLayout(self)
        form.addRow(self.tr("Nama *"), self.head_name)
        form.addRow(self.tr("Jabatan *"), self.head_title)
        self.head_name.textChanged.connect(lambda _t: self.completeChanged.emit())
        self.head_title.textChanged.connect(lambda _t: self.completeChanged.emit())

    def initializePage(self) -> None:
        if not self.head_title.text():
            self.head_title.setText(
                self.tr("Kepala Desa") if self.mode_page.mode() == Mode.DESA else self.tr("Kepala DPMD")
            )

    def isComplete(self) -> bool:
        return bool(self.head_name.text().strip() and self.head_title.text().strip())


class AdminPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Akun admin"))
        self.setSubTitle(
            self.tr("Admin membuat akun untuk operator dan verifikator. Kata sandi minimal {n} karakter "
                    "dan hanya disimpan sebagai hash.").format(n=MIN_PASSWORD)
        )  # fmt: skip
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.full_name = QLineEdit()
        self.full_name.setObjectName("fullName")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm = QLineEdit()
        self.confirm.setObjectName("confirm")
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setObjectName("errorBanner")
        self.error.setWordWrap(True)
        self.error.hide()
        form = QFormLayout(self)
        form.addRow(self.tr("Nama pengguna *"), self.username)
        form.addRow(self.tr("Nama lengkap *"), self.full_name)
        form.addRow(self.tr("Kata sandi *"), self.password)
        form.addRow(self.tr("Ulangi kata sandi *"), self.confirm)
        form.addRow(self.error)

    def show_issues(self, issues: list[Issue]) -> None:
        widgets: dict[str, QWidget] = {
            "username": self.username,
            "admin_full_name": self.full_name,
            "password": self.password,
        }
        bad = {i.field for i in issues}
        for name, widget in widgets.items():
            mark_invalid(widget, name in bad)
        mark_invalid(self.confirm, any(i.code == "password_mismatch" for i in issues))
        self.error.setText(
            "\n".join(issue_text(i) if i.code != "password_mismatch" else message_text(i.code) for i in issues)
        )
        self.error.setVisible(bool(issues))

    def validatePage(self) -> bool:
        wizard = self.wizard()
        assert isinstance(wizard, SetupWizard)
        issues = check_setup(wizard.request())
        if self.password.text() != self.confirm.text():
            issues.append(Issue("password", "password_mismatch"))
        self.show_issues(issues)
        return not issues


class SetupWizard(QWizard):
    """Collects a :class:`SetupRequest` and initialises the data directory on Finish."""

    def __init__(self, accounts: AccountService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.accounts = accounts
        self.user: UserView | None = None
        self.setWindowTitle(self.tr("Penyiapan Kudus Desktop"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setMinimumSize(640, 440)
        self.setPixmap(QWizard.WizardPixmap.LogoPixmap, icon("kudus").pixmap(48, 48))
        # Qt ships no Indonesian translation of its own buttons, so we name them ourselves.
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("Lanjut >"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("< Kembali"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("Selesai"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("Batal"))
        self.mode_page = ModePage()
        self.region_page = RegionPage(self.mode_page)
        self.signatory_page = SignatoryPage(self.mode_page)
        self.admin_page = AdminPage()
        for page in (self.mode_page, self.region_page, self.signatory_page, self.admin_page):
            self.addPage(page)

    def request(self) -> SetupRequest:
        return SetupRequest(
            mode=self.mode_page.mode(),
            region_code=self.region_page.region_code(),
            head_name=self.signatory_page.head_name.text(),
            head_title=self.signatory_page.head_title.text(),
            admin_username=self.admin_page.username.text(),
            admin_full_name=self.admin_page.full_name.text(),
            password=self.admin_page.password.text(),
            office_phone=self.region_page.phone.text(),
        )

    def accept(self) -> None:
        # QWizard validates the last page only inside done(); nothing may be written before.
        if not self.validateCurrentPage():
            return
        request = self.request()
        finish = self.button(QWizard.WizardButton.FinishButton)
        finish.setEnabled(False)

        def done(user: UserView) -> None:
            finish.setEnabled(True)
            self.user = user
            super(SetupWizard, self).accept()

        def failed(exc: BaseException) -> None:
            finish.setEnabled(True)
            if isinstance(exc, ValidationError):
                self.admin_page.show_issues(list(exc.issues))
            else:
                show_error(self, exc)

        # Hashing the password and writing the profile run on the database thread.
        run_db(self, lambda: self.accounts.initialise(request), done, failed)

    def chosen_region_name(self) -> str:
        reg = region(self.region_page.region_code())
        return reg.name if reg else ""
