"""The regency's Beranda, Ganda and BPJS pages driven as a DPMD operator would, over packages
that real village databases wrote."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QTreeWidgetItem
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from kudus_desktop.core.regency.doubles import DoubleEnrolmentService
from kudus_desktop.gui.main_window import MainWindow
from kudus_desktop.gui.record_table import RecordTable
from kudus_desktop.gui.regency import regency_pages as module
from kudus_desktop.gui.village.participant_model import Column
from tests.conftest import DESA_B, TODAY, Office
from tests.factories import DESA, enrol_one, make_nik, send
from tests.gui.conftest import cells_without_stored_dates, settle


@pytest.fixture
def regency_window(qtbot: QtBot, three_villages: dict[str, Office], tmp_path: Path) -> MainWindow:
    a, b, kab = three_villages["a"], three_villages["b"], three_villages["kab"]
    stick = tmp_path / "stick"
    enrol_one(a, 1, start_date="01/11/2026")
    enrol_one(a, 2, start_date="01/11/2026")
    enrol_one(a, 3, start_date="01/06/2026", category="linmas")
    enrol_one(b, 1, start_date="15/11/2026")  # the same NIK, later, in Bakalankrapyak
    enrol_one(b, 4, start_date="01/10/2026")
    send(a, kab, stick)
    send(b, kab, stick)
    w = MainWindow(kab.db, kab.user, today=lambda: TODAY)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    return w


def _child(tree_item: QTreeWidgetItem, code: str) -> QTreeWidgetItem:
    for i in range(tree_item.childCount()):
        child = tree_item.child(i)
        if child is not None and child.data(0, Qt.ItemDataRole.UserRole) == code:
            return child
    raise AssertionError(code)


def test_dashboard_shows_coverage_and_opens_a_village_list(qtbot: QtBot, regency_window: MainWindow) -> None:
    w = regency_window
    page = w.dashboard_page
    assert isinstance(page, module.RegencyDashboardPage)
    qtbot.waitUntil(lambda: page.data is not None)
    assert [w.navigation.item(i).text() for i in range(w.navigation.count())] == [
        "Beranda", "Peserta", "Impor", "Sinkronisasi", "Ganda", "BPJS", "Pengaturan",
    ]  # fmt: skip
    assert page.active_card.value.text() == "5"
    assert page.new_card.value.text() == "3"  # Getaspejaten's two and Bakalankrapyak's in November
    assert page.silent_card.value.text() == "121" and page.cases_card.value.text() == "1"
    tree = page.tree
    assert tree.topLevelItemCount() == 10  # nine kecamatan and the regency's total
    tops = [tree.topLevelItem(i) for i in range(9)]
    jati = next(t for t in tops if t is not None and t.data(0, Qt.ItemDataRole.UserRole) == "33.19.03")
    assert jati is not None and jati.text(0) == "Jati" and jati.text(1) == "3"
    desa = _child(jati, DESA)
    assert desa.text(0) == "Getaspejaten" and desa.text(1) == "3"
    total = tree.topLevelItem(9)
    assert total is not None and total.text(0) == "Jumlah kabupaten" and total.text(1) == "5"
    # The chart has a line per kecamatan, the last point being this month.
    assert len(page.chart.series) == 9 and page.chart.months[-1] == (2026, 11)
    assert dict(page.chart.series)["Jati"][-1] == 3
    grab = page.chart.grab()
    assert grab.width() > 100 and not grab.toImage().isNull()

    # Double-click a village: its participants, and only those, in the Peserta list.
    tree.itemDoubleClicked.emit(desa, 0)
    assert w.pages.currentWidget() is w.participants_page
    qtbot.waitUntil(lambda: w.participants_page.model.rowCount() == 3)
    names = {w.participants_page.model.index(r, Column.NAME).data() for r in range(3)}
    assert names == {"Peserta Uji A", "Peserta Uji B", "Peserta Uji C"}
    assert w.participants_page.area_filter.isVisible()
    tree.itemDoubleClicked.emit(jati, 0)
    qtbot.waitUntil(lambda: w.participants_page.area_filter.currentData() == "33.19.03")


def test_duplicate_queue_decides_and_the_case_leaves_the_queue(
    qtbot: QtBot,
    regency_window: MainWindow,
    three_villages: dict[str, Office],
) -> None:
    w = regency_window
    page = w.doubles_page
    w.show_page("ganda")
    qtbot.waitUntil(lambda: page.table.rowCount() == 1)
    assert "1 NIK sama di dua desa" in page.summary.text()
    labels = [page.detail.text(r, 0) for r in range(page.detail.rowCount())]
    nik_row = labels.index("NIK")
    assert page.detail.text(nik_row, 1) == page.detail.text(nik_row, 2) == make_nik(1)
    assert "Getaspejaten" in page.detail.text(0, 1) and "Bakalankrapyak" in page.detail.text(0, 2)
    assert page.keep_first.isEnabled() and not page.not_same.isEnabled()  # same NIK: same person
    qtbot.keyClicks(page.note, "Dicek ke Dukcapil")
    qtbot.mouseClick(page.keep_first, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.table.rowCount() == 0)
    (case,) = DoubleEnrolmentService(three_villages["kab"].db, three_villages["kab"].user).cases(status="resolved")
    assert (case.decision, case.note) == ("keep_first", "Dicek ke Dukcapil")
    assert case.second.desa_code == DESA_B
    page.status_filter.setCurrentIndex(page.status_filter.findData("resolved"))
    qtbot.waitUntil(lambda: page.table.rowCount() == 1)
    assert "Diputuskan" in page.decision_hint.text() and not page.keep_first.isEnabled()
    # The dashboard follows: no open case left.
    dashboard = w.dashboard_page
    assert isinstance(dashboard, module.RegencyDashboardPage)
    qtbot.waitUntil(lambda: dashboard.cases_card.value.text() == "0")


def test_bpjs_page_sends_a_list_and_records_the_answer(
    qtbot: QtBot,
    regency_window: MainWindow,
    three_villages: dict[str, Office],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: list[str],
) -> None:
    w = regency_window
    page = w.bpjs_page
    w.show_page("bpjs")
    # The doubled enrolment waits in review: four of five go on the list.
    qtbot.waitUntil(lambda: "4 peserta" in page.pending.text())
    page.area.setCurrentIndex(page.area.findData(DESA))
    qtbot.waitUntil(lambda: "3 peserta" in page.pending.text())
    target = tmp_path / "daftar.xlsx"
    monkeypatch.setattr(module.QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(message_boxes) == 1)
    assert "3 peserta" in message_boxes[-1] and "24/11/2026" in message_boxes[-1]
    sheet = load_workbook(target).active
    assert sheet is not None and [sheet.cell(r, 1).value for r in (2, 3, 4)] == [make_nik(n) for n in (1, 2, 3)]
    qtbot.waitUntil(lambda: "0 peserta" in page.pending.text() and not page.export_button.isEnabled())
    assert "Sudah dikirim ke BPJS: 3" in page.counts.text()

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["NIK", "No. Kepesertaan", "Hasil", "Catatan"])
    ws.append([make_nik(1), "26010000001", "TERDAFTAR", None])
    ws.append([make_nik(2), None, "DITOLAK", "Data tidak padan"])
    ws.append([make_nik(4), "26010000004", "TERDAFTAR", None])  # Bakalankrapyak's: never sent
    answer = tmp_path / "jawaban.xlsx"
    wb.save(answer)
    monkeypatch.setattr(module.QFileDialog, "getOpenFileName", lambda *a, **k: (str(answer), ""))
    qtbot.mouseClick(page.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.results.rowCount() == 3)
    # "No. Kepesertaan" is not a header the reader knows: the KPJ column is chosen by hand.
    assert page.mapping["kpj"].currentData() is None
    actions = [page.results.text(r, 5) for r in range(3)]
    assert actions == ["Baris salah", "Ditolak BPJS", "Baris salah"]
    page.mapping["kpj"].setCurrentIndex(page.mapping["kpj"].findText("No. Kepesertaan"))
    qtbot.waitUntil(lambda: page.results.rowCount() > 0 and page.results.text(0, 5) == "KPJ dicatat")
    assert page.results.text(2, 5) == "Belum pernah dikirim ke BPJS"
    assert page.apply_button.isEnabled()
    qtbot.mouseClick(page.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(message_boxes) == 2)
    assert "1 nomor KPJ dan 1 penolakan" in message_boxes[-1]
    qtbot.waitUntil(lambda: page.results.rowCount() > 0 and page.results.text(0, 5) == "Sudah tercatat")
    assert not page.apply_button.isEnabled()
    with three_villages["kab"].db.begin() as conn:
        kpj = dict(
            conn.execute(text("SELECT desa_code, kpj FROM participant WHERE nik = :n"), {"n": make_nik(1)}).all()
        )
    # The number goes to the enrolment that was sent, not to the doubled one waiting in review.
    assert kpj == {DESA: "26010000001", DESA_B: None}


@pytest.mark.parametrize("size", [QSize(1024, 768 - 40), QSize(1366, 768 - 40)])
def test_every_regency_page_fits_a_small_screen(qtbot: QtBot, regency_window: MainWindow, size: QSize) -> None:
    """The regency's pages at 1024x768 and 1366x768 (less the taskbar): no list scrolls sideways
    (the coverage table's 16 columns share the width, the least needed going first at 1024 px and
    coming back from the header's menu) and a number card's title wraps rather than being cut."""
    from PySide6.QtWidgets import QAbstractScrollArea

    w = regency_window
    w.resize(size)
    for key in ("beranda", "peserta", "impor", "sinkronisasi", "ganda", "bpjs", "pengaturan"):
        w.show_page(key)
        settle(qtbot)
        assert w.width() <= size.width(), key
        for area in w.findChildren(QAbstractScrollArea):
            if area.isVisible():
                bar = area.horizontalScrollBar()
                assert bar.maximum() == 0, f"{key}: {area.objectName() or type(area).__name__} scrolls sideways"
    w.show_page("sinkronisasi")
    settle(qtbot)
    villages = w.findChild(RecordTable, "villageTable")
    assert villages is not None and villages.rowCount() == 123
    desa = villages.columnWidth(1)
    longest = max(villages.fontMetrics().horizontalAdvance(villages.text(r, 1)) for r in range(villages.rowCount()))
    assert desa >= longest, f"the village table cuts desa names ({desa} px for {longest} px)"
    short = villages.model().headerData(4, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert short and "paket terakhir" in short.lower(), "a short header says what it means on hover"
    w.show_page("beranda")
    settle(qtbot)
    page = w.dashboard_page
    assert isinstance(page, module.RegencyDashboardPage)
    card = page.gaps_card
    assert card.title.height() >= card.title.heightForWidth(card.title.width()), "the card's title is cut"
    columns = page.columns
    if size.width() < 1100:
        assert columns.auto_hidden, "at 1024 px some columns give way"
        hidden = min(columns.auto_hidden)
        columns.choose(hidden, True)  # the operator brings one back from the header's menu
        settle(qtbot)
        assert not page.tree.isColumnHidden(hidden)
    else:
        assert not columns.auto_hidden, "at 1366 px every column is shown"


def test_f1_on_a_regency_page_opens_the_operators_section(qtbot: QtBot, regency_window: MainWindow) -> None:
    from kudus_desktop.core.rules.codes import Mode
    from kudus_desktop.render.guide import topic

    w = regency_window
    for key, heading in (("beranda", "Beranda kabupaten"), ("sinkronisasi", "Sinkronisasi desa"),
                         ("ganda", "Ganda"), ("bpjs", "BPJS")):  # fmt: skip
        w.show_page(key)
        settle(qtbot)
        w.activateWindow()
        qtbot.waitUntil(w.isActiveWindow)
        qtbot.keyClick(w.pages.currentWidget(), Qt.Key.Key_F1)
        guide = w.help_window
        assert guide is not None and guide.isVisible()
        shown = guide.current_section()
        assert shown is not None and (shown.title, shown.slug) == (heading, topic(Mode.KABUPATEN, key))
        guide.close()


def test_regency_lists_show_dates_one_way(qtbot: QtBot, regency_window: MainWindow) -> None:
    """The village table's last contact read 2026-12-04 21:07 where every other list says 04/12/2026 21:07."""
    keys = ("beranda", "sinkronisasi", "ganda", "bpjs")
    seen = cells_without_stored_dates(qtbot, regency_window, keys, rows=40)
    assert seen > 100
