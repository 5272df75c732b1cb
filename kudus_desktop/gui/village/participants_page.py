"""Peserta: the participant list with search, filters, and the actions on a participant."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QStackedWidget,
    QTableView,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kudus_desktop.core.enrolment.participants import FilterOptions, ParticipantQuery, ParticipantService
from kudus_desktop.core.errors import KudusError
from kudus_desktop.core.reports.exporting import export_bpjs_list, export_person_report, export_roster
from kudus_desktop.core.rules.card_layout import Paper
from kudus_desktop.core.rules.codes import Category, Mode, Status, can_enrol
from kudus_desktop.core.rules.dates import format_number
from kudus_desktop.core.rules.records import OfficeProfile, OpChanges, ParticipantView, UserView
from kudus_desktop.core.rules.regions import region
from kudus_desktop.core.village.eligibility import EligibilityService
from kudus_desktop.gui import preferences
from kudus_desktop.gui.column_fit import ColumnFit
from kudus_desktop.gui.messages import code_text, inform, show_error
from kudus_desktop.gui.ops import run_db, run_job
from kudus_desktop.gui.signals import AppSignals
from kudus_desktop.gui.theme import icon
from kudus_desktop.gui.village.history_dialog import HistoryDialog
from kudus_desktop.gui.village.participant_dialog import ParticipantDialog
from kudus_desktop.gui.village.participant_model import Column, ParticipantTableModel
from kudus_desktop.gui.village.print_dialogs import CardPrintDialog, ListPrintDialog
from kudus_desktop.gui.village.review_list_dialog import ReviewListDialog
from kudus_desktop.gui.village.status_dialogs import EndParticipationDialog, ReactivateDialog
from kudus_desktop.gui.widgets import CutTextToolTips, area_combo, compact, fit_popup

#: Coalesces bursts of keystrokes; small enough that each keystroke still feels immediate.
SEARCH_DELAY_MS = 60
SEARCHING_NOTICE_MS = 200


def _tool_button(action: QAction) -> QToolButton:
    button = QToolButton()
    button.setDefaultAction(action)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    button.setAutoRaise(False)
    return button


class ParticipantsPage(QWidget):
    def __init__(
        self,
        service: ParticipantService,
        user: UserView,
        signals: AppSignals,
        parent: QWidget | None = None,
        *,
        profile: Callable[[], OfficeProfile] | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.profile = profile
        self.user = user
        self.signals = signals
        self.model = ParticipantTableModel(service, self)

        title = QLabel(self.tr("Peserta"))
        title.setObjectName("pageTitle")
        self.count_label = QLabel()
        self.count_label.setObjectName("muted")

        self.add_action = QAction(icon("tambah"), self.tr("Tambah peserta"), self)
        self.add_action.setShortcut(QKeySequence.StandardKey.New)
        self.add_action.setToolTip(self.tr("Daftarkan peserta baru (Ctrl+N)"))
        self.edit_action = QAction(icon("ubah"), self.tr("Ubah"), self)
        self.end_action = QAction(icon("hentikan"), self.tr("Hentikan"), self)
        self.reactivate_action = QAction(icon("aktifkan"), self.tr("Aktifkan kembali"), self)
        self.history_action = QAction(icon("riwayat"), self.tr("Riwayat"), self)
        self.reveal_action = QAction(icon("lihat"), self.tr("Tampilkan NIK"), self)
        self.reveal_action.setCheckable(True)
        # A verifikator checks rather than changes (the service refuses too).
        for action in (self.add_action, self.end_action, self.reactivate_action):
            action.setVisible(can_enrol(user.role))
        self.reveal_action.setToolTip(self.tr("Tampilkan NIK lengkap; secara bawaan NIK disamarkan"))
        for action in (
            self.add_action,
            self.edit_action,
            self.end_action,
            self.reactivate_action,
            self.history_action,
            self.reveal_action,
        ):
            self.addAction(action)

        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(self.tr("Cari nama, NIK, atau nomor registrasi…"))
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("cari"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.setMinimumWidth(160)
        find = QAction(self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(self.focus_search)
        self.addAction(find)

        self.category_filter = QComboBox()
        self.category_filter.setObjectName("categoryFilter")
        self.category_filter.addItem(self.tr("Semua kategori"), "")
        for c in Category:
            self.category_filter.addItem(code_text("category", c.value), c.value)
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("statusFilter")
        self.status_filter.addItem(self.tr("Semua status"), "")
        for s in Status:
            self.status_filter.addItem(code_text("status", s.value), s.value)
        self.dusun_filter = QComboBox()
        self.dusun_filter.setObjectName("dusunFilter")
        self.rt_filter = QComboBox()
        self.rt_filter.setObjectName("rtFilter")
        self.rw_filter = QComboBox()
        self.rw_filter.setObjectName("rwFilter")
        self.regency = profile is not None and profile().mode == Mode.KABUPATEN

        actions_row = QHBoxLayout()
        actions_row.addWidget(title)
        actions_row.addSpacing(12)
        actions_row.addWidget(self.count_label)
        actions_row.addSpacing(12)
        # A tool bar, not a row of buttons: on a narrow screen what does not fit folds into its »
        # menu instead of every button's text being cut ("Tamb...erta").
        self.toolbar = QToolBar()
        self.toolbar.setObjectName("participantActions")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (self.add_action, self.edit_action, self.end_action, self.reactivate_action, self.history_action):
            self.toolbar.addAction(action)
        actions_row.addWidget(self.toolbar, 1)
        self.export_roster_action = QAction(self.tr("Daftar peserta (sesuai pencarian dan saringan)…"), self)
        self.export_bpjs_action = QAction(self.tr("Daftar pendaftaran BPJS (peserta aktif)…"), self)
        self.export_roster_action.triggered.connect(self.export_roster)
        self.export_bpjs_action.triggered.connect(self.export_bpjs)
        export_button = QToolButton()
        export_button.setObjectName("exportButton")
        export_button.setText(self.tr("Ekspor"))
        export_button.setIcon(icon("ekspor"))
        export_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(export_button)
        menu.addAction(self.export_roster_action)
        menu.addAction(self.export_bpjs_action)
        self.person_report_action = QAction(self.tr("Semua data peserta terpilih (permintaan akses)…"), self)
        self.person_report_action.triggered.connect(self.export_person)
        menu.addSeparator()
        menu.addAction(self.person_report_action)
        self.review_list_action = QAction(self.tr("Daftar tinjauan kelayakan (umur, masa jabatan, sumber)…"), self)
        self.review_list_action.triggered.connect(self.show_review_list)
        menu.addAction(self.review_list_action)
        self.review_list_action.setVisible(profile is not None and profile().mode == Mode.DESA)
        export_button.setMenu(menu)
        self.toolbar.addWidget(export_button).setVisible(profile is not None)
        self.print_cards_action = QAction(self.tr("Kartu peserta…"), self)
        self.print_list_action = QAction(self.tr("Daftar peserta (sesuai pencarian dan saringan)…"), self)
        self.print_cards_action.triggered.connect(self.print_cards)
        self.print_list_action.triggered.connect(self.print_list)
        print_button = QToolButton()
        print_button.setObjectName("printButton")
        print_button.setText(self.tr("Cetak"))
        print_button.setIcon(icon("cetak"))
        print_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        print_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        print_menu = QMenu(print_button)
        print_menu.addAction(self.print_cards_action)
        print_menu.addAction(self.print_list_action)
        print_button.setMenu(print_menu)
        self.toolbar.addWidget(print_button).setVisible(profile is not None)
        filter_row = QHBoxLayout()
        filter_row.addWidget(self.search, 2)
        # The regency's list holds every village: filter by kecamatan or desa.
        self.area_filter = area_combo("areaFilter", self.tr("Semua wilayah"))
        self.area_filter.setVisible(self.regency)
        self.area_filter.currentIndexChanged.connect(lambda _i: self._area_chosen())
        filter_row.addWidget(self.area_filter, 2)
        for combo in (self.category_filter, self.status_filter, self.dusun_filter, self.rt_filter, self.rw_filter):
            compact(combo, 7)
            filter_row.addWidget(combo, 1)
        compact(self.area_filter, 14)
        reveal_button = _tool_button(self.reveal_action)
        reveal_button.setObjectName("revealButton")
        # Its text only where there is room for it: the filters come first on a narrow screen.
        reveal_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonFollowStyle)
        filter_row.addWidget(reveal_button)

        self.table = QTableView()
        self.table.setObjectName("participantTable")
        self.table.setModel(self.model)
        self.table.setItemDelegate(CutTextToolTips(self.table))
        # The indicator first: enabling sorting sorts by it, and the list is already in name order
        # (otherwise two extra queries of every id: 1 s at the regency's million).
        self.table.horizontalHeader().setSortIndicator(Column.NAME, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.horizontalHeader().setHighlightSections(False)
        # The columns fit the page's width; on a 1024-pixel screen KPJ, the start date and the sync
        # state give way first (the header's menu brings any of them back).
        self.columns = ColumnFit(
            self.table, stretch=Column.NAME, hide_order=(Column.KPJ, Column.START_DATE, Column.SYNC, Column.REG_NO),
            name="peserta",
        )  # fmt: skip
        # Sync states are the village's view of its own records; the regency holds others' rows.
        self.columns.excluded = {Column.SYNC} if profile is None or profile().mode != Mode.DESA else set()
        self.columns.set_widths(
            {Column.REG_NO: 130, Column.NAME: 220, Column.NIK: 140, Column.CATEGORY: 160, Column.RT_RW: 70,
             Column.DUSUN: 110, Column.STATUS: 80, Column.START_DATE: 90, Column.KPJ: 100, Column.SYNC: 110},
            {Column.REG_NO: 125, Column.NAME: 150, Column.NIK: 125, Column.CATEGORY: 90, Column.RT_RW: 60,
             Column.DUSUN: 70, Column.STATUS: 70, Column.START_DATE: 80, Column.KPJ: 80, Column.SYNC: 80},
        )  # fmt: skip
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())

        self.empty = QLabel()
        self.empty.setObjectName("emptyState")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)

        layout = QVBoxLayout(self)
        layout.addLayout(actions_row)
        layout.addLayout(filter_row)
        layout.addWidget(self.stack, 1)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_query)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        for combo in (self.category_filter, self.status_filter, self.dusun_filter, self.rt_filter, self.rw_filter):
            combo.currentIndexChanged.connect(lambda _i: self.apply_query())
        self.add_action.triggered.connect(self.add_participant)
        self.edit_action.triggered.connect(self.edit_selected)
        self.end_action.triggered.connect(self.end_selected)
        self.reactivate_action.triggered.connect(self.reactivate_selected)
        self.history_action.triggered.connect(self.history_selected)
        self.reveal_action.toggled.connect(self.reveal_nik)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())
        self.model.modelReset.connect(self._update_actions)
        self.model.loaded.connect(self._loaded)
        self._pending_select: int | None = None
        # "Mencari…" only when a search is slow enough to notice (a million rows), never as a flicker.
        self._searching = QTimer(self)
        self._searching.setSingleShot(True)
        self._searching.setInterval(SEARCHING_NOTICE_MS)
        self._searching.timeout.connect(self._show_searching)
        signals.changed.connect(self.on_changed)

        self._fill_place_filters()
        self.apply_query()

    # -- list ----------------------------------------------------------------------------

    def reveal_nik(self, reveal: bool) -> None:
        if not reveal:
            self.model.set_reveal_nik(False)
            return
        # Personal-data duty: every reveal of full NIKs is on record, and shown only once it is.
        run_db(
            self, lambda: self.service.log_event("nik_revealed", "daftar peserta"),
            lambda _: self.model.set_reveal_nik(self.reveal_action.isChecked()),
        )  # fmt: skip

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _area_chosen(self) -> None:
        self._fill_place_filters()
        self.apply_query()

    def _place_desa(self) -> str | None:
        """Whose dusun, RT and RW the filters offer: the village's own ('' for all its rows); at
        the regency the chosen desa, or None while no single desa is chosen."""
        if not self.regency:
            return ""
        code = str(self.area_filter.currentData() or "")
        found = region(code) if code else None
        return code if found is not None and found.level == "desa" else None

    def _fill_place_filters(self) -> None:
        """Read the values in use on the database thread and offer them."""
        desa = self._place_desa()
        hint = self.tr("Pilih satu desa dahulu: dusun, RT dan RW berarti di dalam satu desa.")
        for combo in (self.dusun_filter, self.rt_filter, self.rw_filter):
            combo.setEnabled(desa is not None)
            combo.setToolTip("" if desa is not None else hint)
        if desa is None:
            self._show_place_filters(FilterOptions((), (), ()))
            return
        run_db(self, lambda: self.service.filter_options(desa), self._show_place_filters)

    def _show_place_filters(self, options: FilterOptions) -> None:
        for combo, all_text, values in (
            (self.dusun_filter, self.tr("Semua dusun"), options.dusun),
            (self.rt_filter, self.tr("Semua RT"), options.rt),
            (self.rw_filter, self.tr("Semua RW"), options.rw),
        ):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(all_text, "")
            for v in values:
                combo.addItem(v, v)
            combo.setCurrentIndex(max(combo.findData(current), 0) if current else 0)
            combo.blockSignals(False)
            fit_popup(combo)

    def current_query(self) -> ParticipantQuery:
        return replace(
            self.model.query,
            text=self.search.text(),
            category=str(self.category_filter.currentData() or ""),
            status=str(self.status_filter.currentData() or ""),
            dusun=str(self.dusun_filter.currentData() or ""),
            rt=str(self.rt_filter.currentData() or ""),
            rw=str(self.rw_filter.currentData() or ""),
            area=str(self.area_filter.currentData() or ""),
        )

    def show_area(self, code: str) -> None:
        """List the participants of one kecamatan or desa (from the regency's dashboard)."""
        self.area_filter.setCurrentIndex(max(self.area_filter.findData(code), 0))
        self.apply_query()

    def apply_query(self) -> None:
        """Run the search and filters now."""
        self._search_timer.stop()
        self.model.set_query(self.current_query())
        self._searching.start()

    def _show_searching(self) -> None:
        if self.model.loading:
            self.count_label.setText(self.tr("Mencari…"))

    def _loaded(self) -> None:
        self._searching.stop()
        self._show_counts()
        if self._pending_select is not None:
            pid, self._pending_select = self._pending_select, None
            self.select_participant(pid)

    def _show_counts(self) -> None:
        shown = self.model.rowCount()
        total = self.model.total or 0
        if total == 0:
            self.empty.setText(
                self.tr("Belum ada peserta.\nKlik “Tambah peserta” (Ctrl+N) untuk mendaftarkan yang pertama.")
            )
            self.stack.setCurrentWidget(self.empty)
        elif shown == 0:
            self.empty.setText(self.tr("Tidak ada peserta yang cocok dengan pencarian dan saringan ini."))
            self.stack.setCurrentWidget(self.empty)
        else:
            self.stack.setCurrentWidget(self.table)
        if shown == total:
            self.count_label.setText(self.tr("{n} peserta").format(n=format_number(total)))
        else:
            self.count_label.setText(
                self.tr("{shown} dari {total} peserta").format(shown=format_number(shown), total=format_number(total))
            )

    def on_changed(self, changes: OpChanges) -> None:
        if not changes.participants:
            return
        self._fill_place_filters()
        self.model.reload(changes.participant_ids)

    # -- selection and actions -----------------------------------------------------------

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.ids[r] for r in rows]

    def _selected_one(self) -> ParticipantView | None:
        ids = self.selected_ids()
        if not ids:
            index = self.table.currentIndex()
            if not index.isValid():
                return None
            ids = [self.model.ids[index.row()]]
        try:
            return self.service.get(ids[0])
        except KudusError as exc:
            show_error(self, exc)
            return None

    def _update_actions(self) -> None:
        ids = self.selected_ids()
        one = len(ids) == 1
        status = self.model.participant(self.model.row_for_id(ids[0])).status if one else None
        self.edit_action.setEnabled(one)
        self.history_action.setEnabled(one)
        self.end_action.setEnabled(one and status == Status.AKTIF)
        self.reactivate_action.setEnabled(one and status == Status.BERHENTI)

    def select_participant(self, participant_id: int) -> None:
        if self.model.loading:  # the list is being read again after a change: select once it is in
            self._pending_select = participant_id
            return
        row = self.model.row_for_id(participant_id)
        if row < 0:
            return
        index = self.model.index(row, Column.NAME)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.scrollTo(index)

    def _after(self, changes: OpChanges, select_id: int | None) -> None:
        if changes.participants or changes.settings:
            self.signals.changed.emit(changes)
        if select_id is not None:
            self.select_participant(select_id)

    def add_participant(self) -> None:
        dialog = ParticipantDialog(self.service, self)
        if dialog.exec():
            self._after(dialog.changes, dialog.saved_id)

    def edit_selected(self) -> None:
        p = self._selected_one()
        if p is None:
            return
        dialog = ParticipantDialog(self.service, self, participant=p)
        if dialog.exec():
            self._after(dialog.changes, dialog.saved_id)

    def end_selected(self) -> None:
        p = self._selected_one()
        if p is None:
            return
        dialog = EndParticipationDialog(self.service, p, self)
        if dialog.exec():
            self._after(dialog.changes, p.id)

    def reactivate_selected(self) -> None:
        p = self._selected_one()
        if p is None:
            return
        dialog = ReactivateDialog(self.service, p, self)
        if dialog.exec():
            self._after(dialog.changes, p.id)

    def history_selected(self) -> None:
        p = self._selected_one()
        if p is None:
            return
        HistoryDialog(p, self.service.history(p.id), self).exec()

    # -- export ----------------------------------------------------------------------------

    def _ask_target(self, title: str, name: str) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self, title, name, "Excel (*.xlsx)")
        if not path:
            return None
        return Path(path if path.lower().endswith(".xlsx") else path + ".xlsx")

    def _exported(self, n: int, target: Path) -> None:
        inform(
            self, self.tr("Ekspor"), self.tr("{n} peserta ditulis ke {path}.").format(n=format_number(n), path=target)
        )

    def export_roster(self) -> None:
        if self.profile is None:
            return
        target = self._ask_target(self.tr("Ekspor daftar peserta"), "daftar-peserta.xlsx")
        if target is None:
            return
        # The paper the office prints on (chosen in the print dialogs) for the sheet's page setup too.
        profile, query, paper = self.profile(), self.current_query(), Paper(preferences.card_paper())
        run_job(
            self,
            self.tr("Menulis daftar peserta…"),
            lambda progress, cancelled: export_roster(
                self.service, profile, target, query=query, progress=progress, cancelled=cancelled, paper=paper
            ),
            lambda n: self._exported(n, target),
        )

    def show_review_list(self) -> None:
        dialog = ReviewListDialog(EligibilityService(self.service.db, today=self.service.today), self)
        dialog.open()
        self.review_dialog = dialog

    def export_bpjs(self) -> None:
        target = self._ask_target(self.tr("Ekspor daftar pendaftaran BPJS"), "pendaftaran-bpjs.xlsx")
        if target is None:
            return
        paper = Paper(preferences.card_paper())
        run_job(
            self,
            self.tr("Menulis daftar pendaftaran BPJS…"),
            lambda _progress, _cancelled: export_bpjs_list(self.service, target, paper=paper),
            lambda n: self._exported(n, target),
        )

    def export_person(self) -> None:
        p = self._selected_one()
        if p is None:
            return
        target = self._ask_target(self.tr("Data pribadi {name}").format(name=p.full_name), f"data-{p.reg_no}.xlsx")
        if target is None:
            return
        try:
            export_person_report(self.service, p.id, target)
        except KudusError as exc:
            show_error(self, exc)
            return
        inform(
            self,
            self.tr("Ekspor"),
            self.tr(
                "Semua data {name} ditulis ke {path}. "
                "Berkas ini memuat NIK lengkap: serahkan hanya kepada yang bersangkutan."
            ).format(name=p.full_name, path=target),
        )

    # -- printing --------------------------------------------------------------------------

    def print_cards(self) -> None:
        if self.profile is None:
            return
        CardPrintDialog(self.service, self.profile(), self.selected_ids(), self).exec()

    def print_list(self) -> None:
        if self.profile is None:
            return
        ListPrintDialog(self.service, self.profile(), self.current_query(), self).exec()

    def index_of(self, participant_id: int) -> QModelIndex:
        return self.model.index(self.model.row_for_id(participant_id), Column.NAME)
