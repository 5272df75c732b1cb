"""The read-only tables every page shares (the bill, the approval queue, the regency's lists)."""

from __future__ import annotations

from dataclasses import dataclass

from pytestqt.qtbot import QtBot

from kudus_desktop.gui.record_table import SIZE_SAMPLE_ROWS, Col, RecordTable

LONG = "Siti Wahyuningsih Rahmawati binti Abdul Rachman"


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    status: str = "Aktif"


def people(n: int) -> list[Person]:
    return [Person(i, f"Peserta {i}") for i in range(n)]


def table_of(qtbot: QtBot) -> RecordTable:
    table = RecordTable(
        [Col("Nama", lambda p: p.name), Col("Status", lambda p: p.status), Col("No.", lambda p: p.id)], "t"
    )
    qtbot.addWidget(table)
    table.resize(900, 400)
    table.show()
    return table


def test_a_refilled_table_fits_its_text_and_keeps_the_width_the_clerk_gave(qtbot: QtBot) -> None:
    table = table_of(qtbot)
    rows = people(50)
    table.set_rows(rows)
    rows[3] = Person(3, LONG)  # a refresh after an edit: the same row count, a longer name
    table.set_rows(list(rows))
    assert table.columnWidth(0) >= table.fontMetrics().horizontalAdvance(LONG), "the name is not cut"
    table.horizontalHeader().resizeSection(1, 300)  # the clerk drags the border wider
    table.set_rows(list(rows))
    assert table.columnWidth(1) == 300, "a refresh narrowed the column again"
    assert table.rowCount() == 50 and table.text(3, 0) == LONG and table.text(3, 2) == "3"


def test_a_refresh_of_ten_thousand_rows_touches_only_the_rows_it_shows(qtbot: QtBot) -> None:
    """What keeps a refresh as cheap as a first fill at any size: cells are made for the rows
    measured and painted, never for every row (the item tables made 80,000 objects per refresh
    of 10,000 rows and froze the window for seconds)."""
    made: list[int] = []

    def name(p: Person) -> str:
        made.append(p.id)
        return p.name

    table = RecordTable([Col("Nama", name), Col("Status", lambda p: p.status)], "t")
    qtbot.addWidget(table)
    table.resize(900, 400)
    table.show()
    table.set_rows(people(10_000))
    qtbot.waitExposed(table)
    table.viewport().grab()
    made.clear()
    table.set_rows(people(10_000))  # the refresh a save brings
    table.viewport().grab()
    assert table.rowCount() == 10_000
    assert 0 < len(set(made)) <= 2 * SIZE_SAMPLE_ROWS, f"{len(set(made))} rows were made for a refresh"


def test_a_refresh_keeps_what_was_chosen_and_says_so_once(qtbot: QtBot) -> None:
    table = table_of(qtbot)
    table.setSelectionMode(table.SelectionMode.ExtendedSelection)
    said: list[int] = []
    table.selection_changed.connect(lambda: said.append(1))
    rows = people(1_000)
    table.set_rows(rows, keep=lambda p: p.id)
    assert [p.id for p in table.selected_records()] == [0], "the first row is chosen when nothing was"
    table.select_rows(range(100, 1_000))  # the verifikator chooses 900 people
    said.clear()
    table.set_rows(list(reversed(rows)), keep=lambda p: p.id)  # the queue comes back in another order
    assert {p.id for p in table.selected_records()} == set(range(100, 1_000))
    assert len(said) == 1
    assert table.current_record() is not None
    table.set_rows([], keep=lambda p: p.id)
    assert table.selected_records() == [] and table.current_record() is None


def test_a_narrow_table_fits_without_sideways_scrolling_the_widest_giving_way(qtbot: QtBot) -> None:
    """A table narrower than its text: the long names are cut (with their tooltip), the short
    columns and a column shown whole keep their width, nothing scrolls sideways."""
    table = RecordTable(
        [Col("Nama", lambda p: p.name), Col("No. registrasi", lambda p: f"3319032001-{p.id:05d}", whole=True),
         Col("Status", lambda p: p.status)], "t",
    )  # fmt: skip
    qtbot.addWidget(table)
    table.resize(1000, 300)
    table.show()
    rows = [Person(i, LONG) for i in range(30)]
    table.set_rows(rows)
    wide = dict(table.columns.wanted)  # before the last column takes what is left
    table.resize(320, 300)
    qtbot.waitUntil(lambda: table.columnWidth(0) < wide[0])
    room = table.viewport().width()
    assert sum(table.columnWidth(c) for c in range(3)) == room
    assert table.horizontalScrollBar().maximum() == 0
    assert table.columnWidth(1) == wide[1], "the registration number is shown whole"
    assert table.columnWidth(2) == wide[2], "the short column keeps its width"
    table.resize(1000, 300)
    qtbot.waitUntil(lambda: table.columnWidth(0) >= wide[0])


def test_the_clerks_choice_of_columns_is_kept_on_this_pc_until_reset(qtbot: QtBot) -> None:
    from PySide6.QtGui import QStandardItemModel
    from PySide6.QtWidgets import QTableView

    from kudus_desktop.gui.column_fit import ColumnFit

    def peserta_like() -> tuple[QTableView, ColumnFit]:
        view = QTableView()
        model = QStandardItemModel(5, 4, view)
        model.setHorizontalHeaderLabels(["Nama", "NIK", "KPJ", "Mulai"])
        view.setModel(model)
        qtbot.addWidget(view)
        view.resize(1000, 300)
        view.show()
        fit = ColumnFit(view, stretch=0, hide_order=(2, 3), name="uji")
        fit.set_widths({0: 300, 1: 200, 2: 150, 3: 150}, {0: 200, 1: 150, 2: 100, 3: 100})
        return view, fit

    view, fit = peserta_like()
    view.resize(500, 300)  # room for the narrowest widths of three columns, not four
    qtbot.waitUntil(lambda: view.isColumnHidden(2))
    assert not view.isColumnHidden(3) and view.horizontalScrollBar().maximum() == 0
    menu = fit.column_menu()
    kpj = next(a for a in menu.actions() if a.text() == "KPJ")
    assert not kpj.isChecked()
    kpj.trigger()  # the clerk asks for KPJ: it shows and the start date gives way instead
    assert not view.isColumnHidden(2) and view.isColumnHidden(3)
    nik = next(a for a in fit.column_menu().actions() if a.text() == "NIK")
    nik.trigger()  # and hides NIK: there is room for the start date again
    assert view.isColumnHidden(1) and not view.isColumnHidden(3)

    again, fit_again = peserta_like()  # the next session on this PC
    again.resize(500, 300)
    qtbot.waitUntil(lambda: again.viewport().width() < 500)
    assert again.isColumnHidden(1) and not again.isColumnHidden(2)
    fit_again.reset()
    assert not again.isColumnHidden(1) and again.isColumnHidden(2)
    assert again.horizontalScrollBar().maximum() == 0
