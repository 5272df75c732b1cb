"""The read-only grid every list page shares: a model over the service's own records.

The rows stay the records a service returned (a bill's lines, the approval queue, the regency's
cases); a cell's text is made when the cell is painted, so 100,000 rows cost their records and
nothing per cell (the item tables they replace held eight objects per row and took seconds to
fill). Columns are sized from the first rows once per fill, never narrowed under the clerk's
hand, and fit the table's width (:mod:`kudus_desktop.gui.column_fit`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QItemSelection, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from kudus_desktop.gui.column_fit import ColumnFit
from kudus_desktop.gui.widgets import CutTextToolTips

#: Rows a column's width is measured from: the first ones (and the visible ones) say enough, and
#: measuring every row of a long list on each refresh froze the window for minutes.
SIZE_SAMPLE_ROWS = 200
#: Cell texts kept for rows already painted; past this the cache starts again.
TEXT_CACHE_ROWS = 5_000

_Index = QModelIndex | QPersistentModelIndex
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True, slots=True)
class Col:
    """One column: its header and how a record shows in it.

    ``value`` gives the cell (numbers are right-aligned); ``tooltip`` the full text where the cell
    is cut; ``colour`` a text colour; ``data`` a value under ``data_role`` for a delegate; ``whole``
    keeps the column its contents' width when the table is narrow.
    """

    header: str
    value: Callable[[Any], Any]
    tooltip: Callable[[Any], str] | None = None
    colour: Callable[[Any], QColor | None] | None = None
    data: Callable[[Any], Any] | None = None
    data_role: int = Qt.ItemDataRole.UserRole
    #: Shown whole, never narrowed to fit the table (a strip of month squares).
    whole: bool = False
    #: What a short header means, on hover.
    header_tip: str = ""


def list_columns(headers: Sequence[str]) -> list[Col]:
    """Columns over rows that are lists of values, in header order."""
    return [Col(h, itemgetter(i)) for i, h in enumerate(headers)]


class RecordModel(QAbstractTableModel):
    """Records shown through :class:`Col` definitions."""

    def __init__(
        self, columns: Sequence[Col], row_colour: Callable[[Any], QColor | None] | None = None, parent: Any = None
    ) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.row_colour = row_colour
        self.records: Sequence[Any] = ()
        self._texts: dict[int, tuple[Any, ...]] = {}

    def set_records(self, records: Sequence[Any]) -> None:
        self.beginResetModel()
        self.records = records
        self._texts = {}
        self.endResetModel()

    def values(self, row: int) -> tuple[Any, ...]:
        """The cells of one row, made once while the row is shown."""
        got = self._texts.get(row)
        if got is None:
            if len(self._texts) >= TEXT_CACHE_ROWS:
                self._texts = {}
            record = self.records[row]
            got = self._texts[row] = tuple(c.value(record) for c in self.columns)
        return got

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.records)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return self.columns[section].header_tip or None
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = index.row(), self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = self.values(row)[index.column()]
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            value = self.values(row)[index.column()]
            return _RIGHT if isinstance(value, int) and not isinstance(value, bool) else None
        if role == Qt.ItemDataRole.ToolTipRole and col.tooltip is not None:
            return col.tooltip(self.records[row]) or None
        if role == Qt.ItemDataRole.ForegroundRole:
            colour = col.colour or self.row_colour
            return colour(self.records[row]) if colour is not None else None
        if role == col.data_role and col.data is not None:
            return col.data(self.records[row])
        return None


def _runs(rows: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as (first, last) runs of neighbours."""
    runs: list[tuple[int, int]] = []
    for r in sorted(rows):
        if runs and r == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], r)
        else:
            runs.append((r, r))
    return runs


class RecordTable(QTableView):
    """A read-only table of records that selects whole rows (one at a time unless asked)."""

    #: The chosen rows changed (by the clerk, not by a refill that keeps them).
    selection_changed = Signal()

    def __init__(
        self,
        columns: Sequence[Col],
        name: str = "",
        row_colour: Callable[[Any], QColor | None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if name:
            self.setObjectName(name)
        self.source = RecordModel(columns, row_colour, self)
        self.setModel(self.source)
        self.setItemDelegate(CutTextToolTips(self))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setWordWrap(False)
        rows = self.verticalHeader()
        rows.setVisible(False)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        # Widths measured from sample rows, not ResizeToContents: that mode measures every row
        # again on every change. They fit the table's width (the last column takes what is left).
        self.horizontalHeader().setResizeContentsPrecision(SIZE_SAMPLE_ROWS)
        self.columns = ColumnFit(self)
        self._wrap = False
        self.selectionModel().selectionChanged.connect(lambda _a, _b: self.selection_changed.emit())

    def wrap_rows(self) -> None:
        """Long texts wrap and each row is as tall as its text: for short detail tables only."""
        self._wrap = True
        self.setWordWrap(True)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

    # -- filling -------------------------------------------------------------------------

    def set_rows(self, records: Sequence[Any], keep: Callable[[Any], Any] | None = None) -> None:
        """Show ``records``. With ``keep`` (a record's key), the rows chosen before stay chosen
        (or the first row is), without a selection signal per row; one signal follows."""
        chosen = {keep(r) for r in self.selected_records()} if keep is not None else set()
        self.source.set_records(records)
        self._size_columns()
        if keep is None:
            return
        rows = [i for i, r in enumerate(records) if keep(r) in chosen] or ([0] if records else [])
        self.select_rows(rows)

    def _size_columns(self) -> None:
        """Each column's wanted width from the first rows, never narrower than it was (a refresh
        does not pull a column from under the clerk's eye)."""
        header = self.horizontalHeader()
        wanted = dict(self.columns.wanted)
        for c in range(len(self.source.columns)):
            measured = max(self.sizeHintForColumn(c), header.sectionSizeFromContents(c).width())
            wanted[c] = max(measured, wanted.get(c, 0))
        whole = {c: wanted[c] for c, col in enumerate(self.source.columns) if col.whole}
        self.columns.set_widths(wanted, whole)

    def select_rows(self, rows: Sequence[int]) -> None:
        """Choose these rows (the first becomes current) and say so once."""
        model = self.selectionModel()
        model.blockSignals(True)
        try:
            chosen = QItemSelection()
            last = self.source.columnCount() - 1
            for first, end in _runs(rows):  # one range per run: choosing all of 100,000 rows stays quick
                chosen.select(self.source.index(first, 0), self.source.index(end, last))
            model.select(chosen, model.SelectionFlag.ClearAndSelect)
            if rows:
                model.setCurrentIndex(self.source.index(rows[0], 0), model.SelectionFlag.NoUpdate)
        finally:
            model.blockSignals(False)
        self.viewport().update()
        self.selection_changed.emit()

    # -- reading -------------------------------------------------------------------------

    def rowCount(self) -> int:
        return self.source.rowCount()

    def record(self, row: int) -> Any:
        return self.source.records[row]

    def records(self) -> Sequence[Any]:
        return self.source.records

    def text(self, row: int, column: int) -> str:
        """What a cell shows."""
        return str(self.source.data(self.source.index(row, column)))

    def selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.selectionModel().selectedRows()})

    def selected_records(self) -> list[Any]:
        records = self.source.records
        return [records[r] for r in self.selected_rows() if 0 <= r < len(records)]

    def current_record(self) -> Any | None:
        """The record of the current row, or None when no row is chosen."""
        row = self.currentIndex().row()
        chosen = self.selectionModel().hasSelection()
        return self.source.records[row] if chosen and 0 <= row < len(self.source.records) else None
