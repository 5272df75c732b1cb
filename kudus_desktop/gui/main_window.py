"""The main window: navigation on the left, pages on the right, who and where below."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path

import PySide6
from PySide6.QtCore import QSize, Qt, QTimer, Signal, qVersion
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSizePolicy,
    QStackedWidget,
    QWidget,
)

from kudus_desktop import __version__
from kudus_desktop.core.enrolment.approval import ApprovalService
from kudus_desktop.core.enrolment.participants import ParticipantService
from kudus_desktop.core.errors import KudusError
from kudus_desktop.core.office.accounts import AccountService
from kudus_desktop.core.office.support import make_support_file
from kudus_desktop.core.rules.codes import Mode
from kudus_desktop.core.rules.records import OpChanges, UserView
from kudus_desktop.core.storage.backup import backup_on_close
from kudus_desktop.core.storage.db import Database
from kudus_desktop.core.village.importing import ImportService
from kudus_desktop.core.village.premiums import PremiumService
from kudus_desktop.gui import ops, preferences
from kudus_desktop.gui.help_window import HelpWindow
from kudus_desktop.gui.messages import code_text, inform
from kudus_desktop.gui.office.idle_lock import IdleLock
from kudus_desktop.gui.office.password_dialog import PasswordDialog
from kudus_desktop.gui.office.settings_page import SettingsPage
from kudus_desktop.gui.office.update_desk import UpdateDesk
from kudus_desktop.gui.regency.regency_pages import BpjsPage, DoubleEnrolmentPage, RegencyDashboardPage
from kudus_desktop.gui.signals import AppSignals
from kudus_desktop.gui.sync.online_sync import OnlineSyncRunner
from kudus_desktop.gui.sync.sync_page import VillageSyncPage, sync_page
from kudus_desktop.gui.theme import nav_icon
from kudus_desktop.gui.village.approval_page import ApprovalPage
from kudus_desktop.gui.village.dashboard_page import DashboardPage
from kudus_desktop.gui.village.import_page import ImportPage
from kudus_desktop.gui.village.participants_page import ParticipantsPage
from kudus_desktop.gui.village.premiums_page import PremiumsPage
from kudus_desktop.render.guide import topic as guide_topic

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    # Emitted once the window has closed and let go of the database (the folder may be opened again).
    closed = Signal()
    #: The person at the PC leaves the window for someone else to log in (the window closes).
    log_out_requested = Signal()

    def __init__(self, db: Database, user: UserView, *, today: Callable[[], date] = date.today) -> None:
        super().__init__()
        self.db = db
        self.user = user
        self.signals = AppSignals(self)
        self.accounts = AccountService(db)
        self.participants = ParticipantService(db, user, today=today)
        self.profile = self.accounts.profile()
        self.setWindowTitle(self.tr("Kudus Desktop — {place}").format(place=self.profile.region_name))
        self.setMinimumSize(1024, 640)

        regency = self.profile.mode == Mode.KABUPATEN
        self.participants_page = ParticipantsPage(self.participants, user, self.signals, profile=self.accounts.profile)
        self.dashboard_page: QWidget
        if regency:
            dashboard = RegencyDashboardPage(db, user, self.profile, self.signals, today=today)
            dashboard.open_area.connect(self.show_area)
            self.dashboard_page = dashboard
        else:
            self.dashboard_page = DashboardPage(self.participants, self.profile, self.signals)
        self.import_page = ImportPage(ImportService(self.participants), self.signals)
        self.settings_page = SettingsPage(self.accounts, user, self.signals)
        self.sync_page = sync_page(db, user, self.profile.mode, self.signals)
        # The village's premiums; the regency's own desks.
        village_pages: list[tuple[str, str, QWidget]] = []
        if not regency:
            self.premiums_page = PremiumsPage(
                PremiumService(db, user, today=today), user, self.accounts.profile, self.signals
            )
            self.approval_page = ApprovalPage(ApprovalService(db, user, today=today), user, self.signals)
            village_pages = [
                ("persetujuan", self.tr("Persetujuan"), self.approval_page),
                ("iuran", self.tr("Iuran"), self.premiums_page),
            ]
        regency_pages: list[tuple[str, str, QWidget]] = []
        if regency:
            self.doubles_page = DoubleEnrolmentPage(db, user, self.signals)
            self.bpjs_page = BpjsPage(db, user, self.signals, today=today)
            regency_pages = [
                ("ganda", self.tr("Ganda"), self.doubles_page),
                ("bpjs", self.tr("BPJS"), self.bpjs_page),
            ]

        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setFixedWidth(190)
        self.navigation.setIconSize(QSize(20, 20))
        self.pages = QStackedWidget()
        self.pages.setObjectName("pages")
        # Only places that are built are listed, never as dead entries.
        for key, text, page in (
            ("beranda", self.tr("Beranda"), self.dashboard_page),
            ("peserta", self.tr("Peserta"), self.participants_page),
            *village_pages,
            ("impor", self.tr("Impor"), self.import_page),
            ("sinkronisasi", self.tr("Sinkronisasi"), self.sync_page),
            *regency_pages,
            ("pengaturan", self.tr("Pengaturan"), self.settings_page),
        ):
            item = QListWidgetItem(nav_icon(key), text)
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.navigation.addItem(item)
            self.pages.addWidget(page)
        self.navigation.currentRowChanged.connect(self.pages.setCurrentIndex)
        if not regency:
            self.approval_page.waiting_changed.connect(self._show_waiting)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.navigation)
        page_box = QWidget()
        page_layout = QHBoxLayout(page_box)
        page_layout.setContentsMargins(16, 12, 16, 8)
        page_layout.addWidget(self.pages)
        layout.addWidget(page_box, 1)
        self.setCentralWidget(central)

        self.place_label = QLabel()
        self.user_label = QLabel(
            self.tr("Pengguna: {name} ({role})").format(name=user.full_name, role=code_text("role", user.role))
        )
        self.db_label = QLabel(self.tr("Basis data: {path}").format(path=db.label))
        self.db_label.setObjectName("muted")
        # A long path must not widen the window past a 1024-pixel screen: the label takes the room
        # that is left (the text is cut at the end) and the whole path is its tooltip.
        self.db_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.db_label.setToolTip(db.label)
        for label in (self.place_label, self.user_label):
            self.statusBar().addWidget(label)
        # Online sync (village): packages and receipts travel by themselves when there is a line.
        self.online: OnlineSyncRunner | None = None
        self.online_label = QLabel()
        self.online_label.setObjectName("onlineSync")
        self.update_desk: UpdateDesk | None = None
        if not regency:
            self.update_desk = UpdateDesk(self, db, user)
            self.statusBar().addPermanentWidget(self.update_desk.notice)
            self.online = OnlineSyncRunner(db, user, self.signals, self)
            self.online.update_ready.connect(self.update_desk.show_waiting)
            self.online.state_changed.connect(self._show_online)
            self.statusBar().addPermanentWidget(self.online_label)
            if isinstance(self.sync_page, VillageSyncPage):
                self.sync_page.sync_now.connect(self.online.sync_now)
                self.online.state_changed.connect(self.sync_page.show_online)
            self.online.start()
        self.statusBar().addPermanentWidget(self.db_label, 1)
        self._show_place()

        file_menu = self.menuBar().addMenu(self.tr("&Berkas"))
        quit_action = QAction(self.tr("&Keluar"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        self.password_action = QAction(self.tr("Ganti kata &sandi…"), self)
        self.password_action.triggered.connect(self.change_password)
        self.switch_action = QAction(self.tr("Ganti &pengguna…"), self)
        self.switch_action.setToolTip(self.tr("Keluar dari akun ini; orang lain masuk dengan akunnya sendiri."))
        self.switch_action.triggered.connect(self.log_out)
        file_menu.addAction(self.participants_page.add_action)
        file_menu.addSeparator()
        file_menu.addAction(self.password_action)
        file_menu.addAction(self.switch_action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        help_menu = self.menuBar().addMenu(self.tr("&Bantuan"))
        self.help_window: HelpWindow | None = None
        self.guide_action = QAction(self.tr("&Panduan pengguna"), self)
        self.guide_action.setShortcut(QKeySequence(Qt.Key.Key_F1))
        self.guide_action.setToolTip(self.tr("Panduan untuk halaman yang sedang dibuka (F1)"))
        self.guide_action.triggered.connect(self.show_guide)
        help_menu.addAction(self.guide_action)
        help_menu.addSeparator()
        self.support_action = QAction(self.tr("Buat &berkas bantuan…"), self)
        self.support_action.setToolTip(
            self.tr("Satu berkas zip berisi versi, catatan kejadian dan pemeriksaan basis data untuk petugas bantuan, "
                    "tanpa data pribadi.")
        )  # fmt: skip
        self.support_action.triggered.connect(self.make_support_file)
        help_menu.addAction(self.support_action)
        if self.update_desk is not None:
            help_menu.addAction(self.update_desk.file_action)
        help_menu.addSeparator()
        about_action = QAction(self.tr("&Tentang Kudus Desktop"), self)
        about_action.triggered.connect(self.about)
        help_menu.addAction(about_action)

        self.signals.changed.connect(self.on_changed)
        self.idle_lock = IdleLock(self, self.accounts, user, self.profile.idle_lock_minutes)
        self.idle_lock.switch_user.connect(self.log_out)
        self.navigation.setCurrentRow(0)
        if self.update_desk is not None:
            QTimer.singleShot(0, self.update_desk.after_start)
        geometry = preferences.window_geometry()
        #: Opened maximised where 1280x720 would not fit (a 1024x768 or 1366x768 screen less its
        #: taskbar) or where the size remembered from another screen is larger than this one.
        self.open_maximised = False
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1280, 720)
        screen = self.screen().availableGeometry()
        frame = QSize(16, 40)  # the window's own border and title bar
        if self.width() + frame.width() > screen.width() or self.height() + frame.height() > screen.height():
            self.open_maximised = True
            self.resize(screen.size() - frame)

    def show_on_screen(self) -> None:
        """Show the window, maximised when it would not fit the screen."""
        if self.open_maximised:
            self.showMaximized()
        else:
            self.show()

    def _show_waiting(self, count: int) -> None:
        """The navigation says how many enrolments wait for a verifikator."""
        for row in range(self.navigation.count()):
            item = self.navigation.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == "persetujuan":
                text = self.tr("Persetujuan")
                item.setText(self.tr("{text} ({n})").format(text=text, n=count) if count else text)

    def _show_online(self, text: str, tip: str) -> None:
        self.online_label.setText(text)
        self.online_label.setToolTip(tip)
        self.online_label.setVisible(bool(text))

    def _show_place(self) -> None:
        p = self.profile
        if p.mode == Mode.DESA:
            text = self.tr("Desa {desa}, Kec. {kec} ({code})").format(
                desa=p.region_name, kec=p.kecamatan_name, code=p.region_code
            )
        else:
            text = self.tr("{name} ({code}) — mode kabupaten").format(name=p.region_name, code=p.region_code)
        self.place_label.setText(text)

    def on_changed(self, changes: OpChanges) -> None:
        if changes.settings:
            self.profile = self.accounts.profile()
            self._show_place()
            self.idle_lock.set_interval_ms(self.profile.idle_lock_minutes * 60_000)

    def show_page(self, key: str) -> None:
        for row in range(self.navigation.count()):
            if self.navigation.item(row).data(Qt.ItemDataRole.UserRole) == key:
                self.navigation.setCurrentRow(row)
                return

    def show_area(self, code: str) -> None:
        """The participants of one kecamatan or desa, opened from the regency's dashboard."""
        self.participants_page.show_area(code)
        self.show_page("peserta")

    def current_page(self) -> str:
        item = self.navigation.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else ""

    def show_guide(self) -> None:
        """The user guide, open at the section about the page on screen."""
        if self.help_window is None:
            self.help_window = HelpWindow(self)
        self.help_window.open_at(guide_topic(self.profile.mode, self.current_page()))

    def change_password(self) -> None:
        dialog = PasswordDialog(self.accounts, self.user, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            inform(self, self.tr("Ganti kata sandi"), self.tr("Kata sandi akun {name} sudah diganti.").format(
                name=self.user.username))  # fmt: skip

    def log_out(self) -> None:
        """Record that this person left, then let the window close for the next log-in."""
        ops.run_db(self, lambda: self.accounts.log_out(self.user), lambda _none: self.log_out_requested.emit())

    def make_support_file(self) -> None:
        """One zip for a support person: versions, logs and the integrity check, no personal data."""
        default = f"kudus-bantuan-{date.today():%Y%m%d}.zip"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Simpan berkas bantuan"), default, "Zip (*.zip)")
        if not path:
            return
        target = Path(path if path.lower().endswith(".zip") else path + ".zip")
        environment = {"Qt": qVersion(), "PySide6": PySide6.__version__}
        ops.run_db(
            self,
            lambda: make_support_file(self.db, self.user, self.db.path.parent, target, environment),
            lambda made: inform(
                self,
                self.tr("Berkas bantuan"),
                self.tr("Berkas bantuan disimpan di {path} ({logs} catatan; keutuhan basis data: {check}). Kirimkan "
                        "berkas ini kepada petugas bantuan; isinya tanpa nama dan NIK.").format(
                    path=made.path, logs=made.logs, check=made.integrity),
            ),
        )  # fmt: skip

    def about(self) -> None:
        inform(
            self,
            self.tr("Tentang Kudus Desktop"),
            self.tr("Kudus Desktop {version}\nKepesertaan BPJS Ketenagakerjaan (JKK dan JKM) pekerja rentan desa "
                    "di Kabupaten Kudus.\n\nBasis data: {path}").format(version=__version__, path=self.db.label),
        )  # fmt: skip

    def closeEvent(self, event: QCloseEvent) -> None:
        preferences.set_window_geometry(self.saveGeometry())
        if self.online is not None:
            self.online.stop()
        ops.wait_idle()
        try:
            backup_on_close(self.db.path)
        except KudusError:
            log.exception("backup on close failed")
        self.db.close()
        super().closeEvent(event)
        self.closed.emit()
