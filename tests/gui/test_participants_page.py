"""The participant list and form, driven through the real widgets."""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QHeaderView, QLineEdit
from pytestqt.qtbot import QtBot

from kudus_desktop.core.enrolment.participants import ParticipantService
from kudus_desktop.gui.main_window import MainWindow
from kudus_desktop.gui.village import participant_dialog as dialog_module
from kudus_desktop.gui.village.history_dialog import HistoryDialog
from kudus_desktop.gui.village.participant_dialog import ParticipantDialog
from kudus_desktop.gui.village.participant_model import Column
from kudus_desktop.gui.village.participants_page import ParticipantsPage
from kudus_desktop.gui.village.status_dialogs import EndParticipationDialog, ReactivateDialog
from tests.factories import make_draft, make_nik
from tests.gui.conftest import settle

Drive = Callable[[type, Callable[[Any], None]], None]


@pytest.fixture
def page(qtbot: QtBot, window: MainWindow) -> ParticipantsPage:
    window.show_page("peserta")
    settle(qtbot)  # the list's ids are read on a thread of their own
    return window.participants_page


@pytest.fixture
def people(qtbot: QtBot, gui_service: ParticipantService, page: ParticipantsPage) -> dict[str, int]:
    rows = [
        ("Siti Aminah", "linmas", "1"),
        ("Budi Santoso", "bpd", "2"),
        ("Siti Rahayu", "linmas", "2"),
        ("Agus Jaya", "rt_rw", "3"),
    ]
    ids = {}
    for n, (name, cat, rt) in enumerate(rows, start=1):
        ids[name], changes = gui_service.create(make_draft(n, full_name=name, category=cat, rt=rt))
        page.signals.changed.emit(changes)
    settle(qtbot)
    return ids


def shown(page: ParticipantsPage, column: Column = Column.NAME) -> list[str]:
    m = page.model
    return [m.data(m.index(r, column)) for r in range(m.rowCount())]


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Record the questions and notices the form shows; questions are answered 'yes'."""
    seen: dict[str, list[str]] = {"ask": [], "inform": [], "reply": ["yes"]}

    def ask(_parent: object, _title: str, text: str, _yes: str, _no: str) -> bool:
        seen["ask"].append(text)
        return seen["reply"][-1] == "yes"

    monkeypatch.setattr(dialog_module, "ask", ask)
    monkeypatch.setattr(dialog_module, "inform", lambda _p, _t, text: seen["inform"].append(text))
    return seen


def test_empty_list_says_what_to_do(page: ParticipantsPage) -> None:
    assert page.stack.currentWidget() is page.empty
    assert "Tambah peserta" in page.empty.text()
    assert page.count_label.text() == "0 peserta"


def test_list_masks_nik_until_revealed(qtbot: QtBot, page: ParticipantsPage, people: dict[str, int]) -> None:
    assert page.stack.currentWidget() is page.table
    niks = shown(page, Column.NIK)
    assert all(n.startswith("3319") and n[4:12] == "********" for n in niks)
    assert page.reveal_action.isVisible()
    page.reveal_action.trigger()
    assert make_nik(1) not in shown(page, Column.NIK), "shown only once the reveal is on record"
    settle(qtbot)
    assert make_nik(1) in shown(page, Column.NIK)
    page.reveal_action.trigger()
    assert make_nik(1) not in shown(page, Column.NIK)


def test_search_as_you_type_by_name_and_nik(qtbot: QtBot, page: ParticipantsPage, people: dict[str, int]) -> None:
    assert page.count_label.text() == "4 peserta"
    qtbot.keyClicks(page.search, "siti")
    qtbot.waitUntil(lambda: shown(page) == ["Siti Aminah", "Siti Rahayu"])
    assert page.count_label.text() == "2 dari 4 peserta"
    page.search.clear()
    qtbot.keyClicks(page.search, make_nik(2)[-8:])
    qtbot.waitUntil(lambda: shown(page) == ["Budi Santoso"])
    page.search.clear()
    qtbot.keyClicks(page.search, "tidak ada orang ini")
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.empty)
    assert "Tidak ada peserta yang cocok" in page.empty.text()


def test_filters_by_category_status_and_rt(
    qtbot: QtBot, page: ParticipantsPage, people: dict[str, int], gui_service: ParticipantService
) -> None:
    page.category_filter.setCurrentIndex(page.category_filter.findData("linmas"))
    settle(qtbot)
    assert shown(page) == ["Siti Aminah", "Siti Rahayu"]
    page.rt_filter.setCurrentIndex(page.rt_filter.findData("002"))
    settle(qtbot)
    assert shown(page) == ["Siti Rahayu"]
    page.category_filter.setCurrentIndex(0)
    page.rt_filter.setCurrentIndex(0)
    page.signals.changed.emit(gui_service.end(people["Agus Jaya"], "pindah", "20/11/2026"))
    page.status_filter.setCurrentIndex(page.status_filter.findData("berhenti"))
    settle(qtbot)
    assert shown(page) == ["Agus Jaya"]
    assert shown(page, Column.STATUS) == ["Berhenti"]


@pytest.mark.parametrize("few_kept", [4, 0], ids=["looked-up", "mapped"])
def test_clicking_a_header_sorts_every_row_and_keeps_the_selection(
    qtbot: QtBot, page: ParticipantsPage, people: dict[str, int], monkeypatch: pytest.MonkeyPatch, few_kept: int
) -> None:
    """The selection follows its people to their new rows, whether they are few enough to be
    looked up one by one in the new order or every id is mapped."""
    from kudus_desktop.gui.village import participant_model

    monkeypatch.setattr(participant_model, "FEW_KEPT", few_kept)
    assert shown(page) == ["Agus Jaya", "Budi Santoso", "Siti Aminah", "Siti Rahayu"]
    page.select_participant(people["Budi Santoso"])
    header: QHeaderView = page.table.horizontalHeader()

    def click(col: Column) -> None:
        x = header.sectionViewportPosition(col) + header.sectionSize(col) // 2
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))

    click(Column.REG_NO)
    settle(qtbot)
    assert shown(page, Column.REG_NO) == sorted(shown(page, Column.REG_NO))
    assert page.selected_ids() == [people["Budi Santoso"]]
    click(Column.REG_NO)
    settle(qtbot)
    assert shown(page) == ["Agus Jaya", "Siti Rahayu", "Budi Santoso", "Siti Aminah"]
    assert page.selected_ids() == [people["Budi Santoso"]]


def test_the_table_model_is_well_behaved(qtmodeltester: Any, page: ParticipantsPage, people: dict[str, int]) -> None:
    qtmodeltester.check(page.model)


def fill(dialog: ParticipantDialog, qtbot: QtBot, **values: str) -> None:
    for name, text in values.items():
        widget = dialog.w[name]
        if hasattr(widget, "findData") and not widget.isEditable():
            widget.setCurrentIndex(widget.findData(text))
        elif hasattr(widget, "setCurrentText"):
            widget.setCurrentText(text)
        else:
            widget.clear()
            qtbot.keyClicks(widget, text)


def test_new_participant_from_the_keyboard(
    qtbot: QtBot, window: MainWindow, page: ParticipantsPage, drive: Drive
) -> None:
    nik = make_nik(21, female=True, birth=date(1990, 8, 5))

    def enrol(d: ParticipantDialog) -> None:
        assert d.focusWidget() is d.nik
        qtbot.keyClicks(d.nik, nik)
        # The NIK already tells sex and birth date; the form fills them in.
        assert d.sex.currentData() == "P" and d.birth_date.text() == "05/08/1990"
        assert "Perempuan" in d.nik_hint.text()
        fill(d, qtbot, full_name="Sri Wahyuni", category="buruh_tani", funding="pades", rt="4", rw="1")
        qtbot.keyClick(d.full_name, Qt.Key.Key_Return)
        settle(qtbot)

    drive(ParticipantDialog, enrol)
    page.add_action.trigger()
    settle(qtbot)
    assert shown(page) == ["Sri Wahyuni"]
    assert page.selected_ids() == [page.model.ids[0]]
    assert shown(page, Column.RT_RW) == ["004/001"]
    assert window.dashboard_page.active_card.value.text() == "1"
    assert window.dashboard_page.category_bars["buruh_tani"][1].text() == "1"


def test_errors_name_their_fields_and_nothing_is_saved(qtbot: QtBot, gui_service: ParticipantService) -> None:
    d = ParticipantDialog(gui_service)
    qtbot.addWidget(d)
    d.show()
    d.save_button.click()
    settle(qtbot)
    assert d.isVisible() and d.banner.isVisible()
    text = d.banner.text()
    for expected in (
        "NIK wajib diisi.",
        "Nama lengkap wajib diisi.",
        "Jenis kelamin wajib diisi.",
        "Kategori wajib diisi.",
        "Sumber dana wajib diisi.",
    ):
        assert expected in text
    assert d.w["full_name"].property("invalid") is True and d.w["phone"].property("invalid") is not True
    assert d.focusWidget() is d.nik  # the first field in error gets the cursor

    fill(
        d,
        qtbot,
        nik="3319O31205800001",
        full_name="Budi",
        birth_date="31/02/1980",
        sex="L",
        category="bpd",
        funding="pades",
    )
    d.save_button.click()
    settle(qtbot)
    assert "NIK hanya boleh berisi angka 0-9." in d.banner.text()
    assert "Tanggal lahir: '31/02/1980' bukan tanggal yang ada di kalender." in d.banner.text()
    assert d.w["nik"].property("invalid") is True
    assert gui_service.count() == 0

    # The clerk corrects the NIK: its error leaves the list at once, the date's stays until fixed.
    d.nik.clear()
    qtbot.keyClicks(d.nik, "3319031205800001")
    assert "NIK hanya boleh" not in d.banner.text() and "31/02/1980" in d.banner.text()
    assert d.w["nik"].property("invalid") is not True
    d.w["birth_date"].clear()  # type: ignore[attr-defined]
    qtbot.keyClicks(d.w["birth_date"], "28/02/1980")
    assert d.banner.isHidden(), "no error is left on the form once each is corrected"


def test_the_edit_form_opens_with_the_cursor_after_the_nik_not_over_it(
    qtbot: QtBot, gui_service: ParticipantService
) -> None:
    pid = gui_service.create(make_draft(1))[0]
    d = ParticipantDialog(gui_service, participant=gui_service.get(pid))
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    qtbot.waitUntil(lambda: isinstance(d.focusWidget(), QLineEdit) and not d.focusWidget().hasSelectedText())
    field = d.focusWidget()
    assert isinstance(field, QLineEdit)
    before = field.text()
    qtbot.keyClicks(field, "9")
    assert field.text() == before + "9", "the first key typed did not replace what was stored"


def test_warnings_are_shown_and_may_be_declined_or_accepted(
    qtbot: QtBot, gui_service: ParticipantService, answers: dict[str, list[str]]
) -> None:
    d = ParticipantDialog(gui_service)
    qtbot.addWidget(d)
    d.show()
    fill(
        d,
        qtbot,
        nik=make_nik(5, region="337401"),
        full_name="Pendatang",
        birth_date="12/05/1980",
        sex="P",
        category="bpd",
        funding="pades",
    )
    answers["reply"].append("no")
    d.save_button.click()
    settle(qtbot)
    assert len(answers["ask"]) == 1
    assert "di luar Kabupaten Kudus" in answers["ask"][0] and "jenis kelaminnya Laki-laki" in answers["ask"][0]
    assert d.isVisible() and gui_service.count() == 0
    answers["reply"].append("yes")
    d.save_button.click()
    settle(qtbot)
    assert d.result() == 1 and gui_service.count() == 1


def test_a_nik_already_enrolled_opens_that_participant(
    qtbot: QtBot, gui_service: ParticipantService, people: dict[str, int], answers: dict[str, list[str]]
) -> None:
    d = ParticipantDialog(gui_service)
    qtbot.addWidget(d)
    d.show()
    qtbot.keyClicks(d.nik, make_nik(2))
    d.nik.editingFinished.emit()
    assert "Budi Santoso" in answers["inform"][0]
    assert d.editing is not None and d.editing.id == people["Budi Santoso"]
    assert d.full_name.text() == "Budi Santoso" and "Budi Santoso" in d.windowTitle()
    fill(d, qtbot, occupation="Tukang kayu")
    d.save_button.click()
    settle(qtbot)
    assert gui_service.count() == 4
    assert gui_service.get(people["Budi Santoso"]).occupation == "Tukang kayu"


def test_escape_cancels_and_asks_only_when_something_was_typed(
    qtbot: QtBot, gui_service: ParticipantService, answers: dict[str, list[str]]
) -> None:
    clean = ParticipantDialog(gui_service)
    qtbot.addWidget(clean)
    clean.show()
    qtbot.keyClick(clean, Qt.Key.Key_Escape)
    assert not clean.isVisible() and clean.result() == 0 and answers["ask"] == []

    dirty = ParticipantDialog(gui_service)
    qtbot.addWidget(dirty)
    dirty.show()
    qtbot.keyClicks(dirty.full_name, "Setengah diisi")
    answers["reply"].append("no")
    qtbot.keyClick(dirty, Qt.Key.Key_Escape)
    assert dirty.isVisible() and "Buang perubahan" in answers["ask"][0]
    answers["reply"].append("yes")
    qtbot.keyClick(dirty, Qt.Key.Key_Escape)
    assert not dirty.isVisible()
    assert gui_service.count() == 0


def test_tab_order_follows_the_form(gui_service: ParticipantService, qtbot: QtBot) -> None:
    d = ParticipantDialog(gui_service)
    qtbot.addWidget(d)
    d.show()
    expected = [
        d.kk,
        d.full_name,
        d.birth_place,
        d.birth_date,
        d.sex,
        d.address,
        d.dusun,
        d.rt,
        d.rw,
        d.phone,
        d.occupation,
        d.category,
        d.source_list,
        d.source_date,
        d.funding,
        d.start_date,
        d.term_end,
        d.save_button,
    ]
    d.nik.setFocus()
    for widget in expected:
        d.focusNextChild()  # what the Tab key does
        focused = d.focusWidget()
        assert focused is widget or focused.parent() is widget, f"Tab should reach {widget.objectName()}"


def test_edit_end_reactivate_and_history(
    qtbot: QtBot, page: ParticipantsPage, people: dict[str, int], drive: Drive
) -> None:
    pid = people["Siti Aminah"]
    page.select_participant(pid)
    assert page.end_action.isEnabled() and not page.reactivate_action.isEnabled()

    drive(ParticipantDialog, lambda d: (fill(d, qtbot, phone="0857-1111-2222"), d.save_button.click(), settle(qtbot)))
    page.edit_action.trigger()
    settle(qtbot)

    def end(d: EndParticipationDialog) -> None:
        # Nothing has ended yet: the dialog says what will happen, not that it happened.
        assert "akan dihentikan" in d.intro.text() and ") dihentikan." not in d.intro.text()
        d.ok_button.click()
        settle(qtbot)
        assert d.isVisible() and "Alasan berhenti wajib diisi." in d.error.text()
        d.reason.setCurrentIndex(d.reason.findData("meninggal"))
        d.date.setText("21/11/2026")
        d.ok_button.click()
        settle(qtbot)

    drive(EndParticipationDialog, end)
    page.end_action.trigger()
    settle(qtbot)
    row = page.model.row_for_id(pid)
    assert page.model.data(page.model.index(row, Column.STATUS)) == "Berhenti"
    assert page.selected_ids() == [pid]
    assert not page.end_action.isEnabled() and page.reactivate_action.isEnabled()

    def reactivate(d: ReactivateDialog) -> None:
        assert "meninggal dunia" in d.intro.text()
        d.date.setText("01/11/2026")
        d.ok_button.click()
        settle(qtbot)
        assert "sebelum tanggal berhenti" in d.error.text()
        d.date.setText("23/11/2026")
        d.ok_button.click()
        settle(qtbot)

    drive(ReactivateDialog, reactivate)
    page.reactivate_action.trigger()
    settle(qtbot)
    assert page.model.data(page.model.index(page.model.row_for_id(pid), Column.STATUS)) == "Aktif"

    seen: dict[str, HistoryDialog] = {}
    drive(HistoryDialog, lambda d: seen.setdefault("d", d))
    page.history_action.trigger()
    rows = seen["d"].model.rows
    events = [r[2] for r in rows]
    assert (
        events[0] == "Didaftarkan"
        and "Diubah" in events
        and "Dihentikan" in events
        and events[-1] == "Diaktifkan kembali"
    )
    assert ("Telepon", "0812-3456-7890", "0857-1111-2222") in [(r[3], r[4], r[5]) for r in rows]
    assert ("Alasan berhenti", "", "Meninggal dunia") in [(r[3], r[4], r[5]) for r in rows]
    assert all(r[1] == "admin" for r in rows)


def test_the_form_shows_the_latest_decision_and_its_whole_reason(
    qtbot: QtBot, gui_service: ParticipantService, people: dict[str, int]
) -> None:
    reason = (
        "BPJS: NIK tidak sesuai data Dukcapil; tanggal lahir pada KTP berbeda dengan data kependudukan, "
        "mohon perbaiki data dan kirim ulang melalui kabupaten"
    )
    with gui_service.db.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO participant_sync (participant_id, outcome, reason, outcome_at) "
            "VALUES (?, 'rejected', ?, '2026-11-20 10:15:00')",
            (people["Budi Santoso"], reason),
        )
    d = ParticipantDialog(gui_service, participant=gui_service.get(people["Budi Santoso"]))
    qtbot.addWidget(d)
    d.show()
    qtbot.waitUntil(lambda: d.standing_info.isVisible())
    assert "Ditolak kabupaten/BPJS" in d.standing_info.text() and "20/11/2026 10:15" in d.standing_info.text()
    assert reason in d.standing_info.text()  # in full, not cut off


def test_the_review_list_opens_from_the_export_menu_and_saves_a_workbook(
    window: Any,
    qtbot: QtBot,
    gui_service: ParticipantService,
    tmp_path: Any,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: list[str],
) -> None:
    from PySide6.QtWidgets import QFileDialog

    gui_service.create(make_draft(2, category="rt_rw", start_date="01/01/2026", term_end="31/10/2026"))
    page = window.participants_page
    window.show_page("peserta")
    page.review_list_action.trigger()
    dialog = page.review_dialog
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)
    assert "1 peserta perlu ditinjau" in dialog.summary.text() and "1 masa jabatannya berakhir" in dialog.summary.text()
    assert dialog.table.text(0, 4) == "Masa jabatan berakhir"
    assert dialog.table.text(0, 5) == "masa jabatan berakhir 31/10/2026"
    target = tmp_path / "tinjauan.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "Excel (*.xlsx)"))
    dialog.save_button.click()
    qtbot.waitUntil(lambda: target.exists() and bool(message_boxes))
    assert "1 baris ditulis" in message_boxes[-1]


def test_a_search_runs_beside_the_window_and_only_the_last_one_counts(
    qtbot: QtBot, page: ParticipantsPage, people: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """At the regency's million a search's ids take 0.4 s: typing must never wait for them, and
    an answer overtaken by the next keystroke must never replace the newer one."""
    import threading

    service = page.model.service
    threads: list[bool] = []
    real = service.query_ids
    release = threading.Event()

    def slow_query_ids(q: Any, limit: int | None = None) -> list[int]:
        threads.append(threading.current_thread() is threading.main_thread())
        if q.text == "siti":
            release.wait(30)  # the first search is still running when the second is typed
        return real(q, limit)

    monkeypatch.setattr(service, "query_ids", slow_query_ids)
    page.search.setText("siti")
    page.apply_query()
    qtbot.waitUntil(lambda: len(threads) == 1)
    page.search.setText("budi")
    page.apply_query()  # returns at once although the thread is busy with "siti"
    assert page.model.loading
    lists: list[list[str]] = []
    page.model.modelReset.connect(lambda: lists.append(shown(page)))
    release.set()
    settle(qtbot)
    assert threads == [False, False], "never on the GUI thread"
    assert lists == [["Budi Santoso"]], "the older answer was never shown once the newer was asked for"
    assert page.count_label.text() == "1 dari 4 peserta"


def test_the_first_rows_show_before_every_match_is_read(
    qtbot: QtBot, page: ParticipantsPage, people: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Among a million the first screenful is found in milliseconds and all matches in 0.4 s: the
    list shows the first rows at once and adds the rest below them, keeping the clerk's place."""
    from kudus_desktop.gui.village import participant_model

    monkeypatch.setattr(participant_model, "FIRST_ROWS", 2)
    seen: list[list[str]] = []
    page.model.shown.connect(lambda: seen.append(shown(page)))
    page.model.shown.connect(lambda: page.table.selectRow(1))  # the clerk clicks a row meanwhile
    page.search.setText("a")  # every one of the four has an "a" in their name
    page.apply_query()
    settle(qtbot)
    assert seen == [["Agus Jaya", "Budi Santoso"]]
    assert shown(page) == ["Agus Jaya", "Budi Santoso", "Siti Aminah", "Siti Rahayu"]
    assert page.selected_ids() == [people["Budi Santoso"]], "the rest went in below, the selection stayed"
    assert page.count_label.text() == "4 peserta"


def test_a_name_cut_by_a_narrow_column_shows_whole_as_a_tooltip(
    qtbot: QtBot, page: ParticipantsPage, people: dict[str, int]
) -> None:
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication, QToolTip

    header = page.table.horizontalHeader()
    header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Interactive)

    def tip_at(column: Column) -> str:
        QToolTip.hideText()
        rect = page.table.visualRect(page.model.index(0, column))
        pos = rect.center()
        QApplication.sendEvent(
            page.table.viewport(),
            QHelpEvent(QEvent.Type.ToolTip, pos, page.table.viewport().mapToGlobal(pos)),
        )
        return QToolTip.text() if QToolTip.isVisible() else ""

    header.resizeSection(Column.NAME, 300)
    assert tip_at(Column.NAME) == "", "a name that fits needs no tooltip"
    header.resizeSection(Column.NAME, 40)
    assert tip_at(Column.NAME) == "Agus Jaya"
    header.resizeSection(Column.NIK, 30)
    assert tip_at(Column.NIK).startswith("NIK disamarkan"), "a cell's own tooltip is kept, even when cut"


def test_beranda_says_so_when_no_rate_holds_this_month(qtbot: QtBot, window: MainWindow) -> None:
    """The admin switched the month's only rate row off (Iuran > Tarif): Beranda said nothing and
    raised on every refresh; now its premium card says why it has no figure."""
    from kudus_desktop.core.rules.records import OpChanges
    from kudus_desktop.core.village.premiums import PremiumService, RateKind

    premiums = PremiumService(window.db, window.user, today=window.participants.today)
    settle(qtbot)
    assert window.dashboard_page.premium_card.value.text().startswith("Rp")
    for rate in premiums.rates().rows:
        if rate.kind == RateKind.TARIF:
            premiums.set_rate_active(rate.id, False)
    window.signals.changed.emit(OpChanges(participants=True))
    settle(qtbot)
    card = window.dashboard_page.premium_card
    assert card.value.text() == "—"
    assert card.note.text().startswith("Tidak ada tarif iuran yang berlaku untuk")


def test_a_save_shows_the_new_row_and_counts_the_office_again_only_when_someone_joined(
    qtbot: QtBot,
    page: ParticipantsPage,
    people: dict[str, int],
    gui_service: ParticipantService,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Counting a million on the server doubled the wait for the list after a save: an edit of a
    listed participant keeps the office's count, someone new is counted."""
    counted: list[object] = []
    real = page.model.service.count
    monkeypatch.setattr(page.model.service, "count", lambda q=None: counted.append(q) or real(q))
    assert "Budi Santoso" in shown(page)
    page.signals.changed.emit(gui_service.update(people["Budi Santoso"], make_draft(2, full_name="Budi Santosa")))
    qtbot.waitUntil(lambda: "Budi Santosa" in shown(page))
    settle(qtbot)
    assert counted == [] and page.count_label.text() == "4 peserta"
    _, changes = gui_service.create(make_draft(5, full_name="Eko Prasetyo"))
    page.signals.changed.emit(changes)
    qtbot.waitUntil(lambda: page.count_label.text() == "5 peserta")
    assert len(counted) == 1 and "Eko Prasetyo" in shown(page)
