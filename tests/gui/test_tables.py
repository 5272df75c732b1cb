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
