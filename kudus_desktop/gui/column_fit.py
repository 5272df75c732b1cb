"""Columns that fit the table's width, so a list never needs sideways scrolling on a small screen.

Each column has the width it wants (its contents) and the narrowest it may become (its header, or
what it must show whole). When the table is narrower than the wanted widths together, the widest
columns give way first, down to a common width; where even the narrowest widths do not fit, the columns named in
``hide_order`` go first (on the Peserta page at 1024 px: KPJ, then the start date). The clerk's
own choices win: a column dragged to a width keeps it, a column hidden or shown from the header's
menu stays so (remembered on this PC), and "Atur ulang kolom" gives the automatic layout back.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtWidgets import QHeaderView, QMenu, QTableView, QTreeView

from kudus_desktop.gui import preferences

# Below this a column shows nothing useful; a header's own text may ask for more.
NARROWEST = 56


def column_header(view: QTableView | QTreeView) -> QHeaderView:
    """The header across the top of a table or a tree."""
    return view.header() if isinstance(view, QTreeView) else view.horizontalHeader()


class ColumnFit(QObject):
    """Keeps ``view``'s columns (a table's or a tree's) within its viewport (see the module's docstring).

    ``stretch`` takes the width left over (the last shown column when None); ``name`` is where the
    clerk's choice of columns is remembered (none when empty).
    """

    def __init__(
        self, view: QTableView | QTreeView, stretch: int | None = None, hide_order: Sequence[int] = (), name: str = ""
    ) -> None:
        super().__init__(view)
        self.view = view
        self.stretch = stretch
        self.hide_order = list(hide_order)
        self.name = name
        self.wanted: dict[int, int] = {}
        self.narrowest: dict[int, int] = {}
        self.excluded: set[int] = set()  # hidden by the application (a column another mode has)
        self.auto_hidden: set[int] = set()
        self.user_widths: dict[int, int] = {}
        self.choices: dict[int, bool] = _load(name)
        self._applying = False
        header = column_header(view)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.sectionResized.connect(self._resized_by_hand)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._menu)
        view.viewport().installEventFilter(self)

    # -- what the page says ---------------------------------------------------------------

    def set_widths(self, wanted: dict[int, int], narrowest: dict[int, int] | None = None) -> None:
        """The widths columns want, and the narrowest each may become (its header's by default)."""
        header = column_header(self.view)
        smallest = header.minimumSectionSize()  # Qt widens any section below it
        self.wanted = {c: max(w, smallest) for c, w in wanted.items()}
        self.narrowest = {
            c: min(w, (narrowest or {}).get(c, max(NARROWEST, header.sectionSizeFromContents(c).width())))
            for c, w in self.wanted.items()
        }
        self.fit()

    def exclude(self, column: int, excluded: bool = True) -> None:
        """Hide a column whatever the clerk chose (it has no meaning in this mode)."""
        if excluded:
            self.excluded.add(column)
        else:
            self.excluded.discard(column)
        self.fit()

    def reset(self) -> None:
        """The automatic layout again: no dragged widths, no chosen columns."""
        self.user_widths.clear()
        self.choices.clear()
        _save(self.name, self.choices)
        self.fit()

    # -- the layout -------------------------------------------------------------------------

    def shown(self) -> list[int]:
        return [c for c in range(self.view.model().columnCount()) if not self.view.isColumnHidden(c)]

    def fit(self) -> None:
        model = self.view.model()
        if model is None or not self.wanted:
            return
        room = self.view.viewport().width()
        columns = [c for c in range(model.columnCount()) if c not in self.excluded and self.choices.get(c, True)]
        want = {c: self.user_widths.get(c, self.wanted.get(c, NARROWEST)) for c in columns}
        least = {c: self.user_widths.get(c, self.narrowest.get(c, NARROWEST)) for c in columns}
        auto: set[int] = set()
        for c in self.hide_order:
            if sum(least[k] for k in columns if k not in auto) <= room:
                break
            if c in want and c not in self.choices:  # a column the clerk asked for stays
                auto.add(c)
        visible = [c for c in columns if c not in auto]
        widths = _share(visible, want, least, room, self._taker(visible))
        self._applying = True
        try:
            for c in range(model.columnCount()):
                self.view.setColumnHidden(c, c not in widths)
            for c, w in widths.items():
                if column_header(self.view).sectionSize(c) != w:
                    column_header(self.view).resizeSection(c, w)
        finally:
            self._applying = False
        self.auto_hidden = auto

    def _taker(self, visible: list[int]) -> int | None:
        """The column given the width left over: the stretching one unless the clerk sized it."""
        if self.stretch in visible and self.stretch not in self.user_widths:
            return self.stretch
        free = [c for c in visible if c not in self.user_widths]
        return free[-1] if free else None

    # -- the clerk's hand -------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and not self._applying:
            self.fit()
        return False

    def _resized_by_hand(self, column: int, _old: int, new: int) -> None:
        if not self._applying and not self.view.isColumnHidden(column):
            self.user_widths[column] = new

    def _menu(self, pos: QPoint) -> None:
        menu = self.column_menu()
        menu.exec(column_header(self.view).mapToGlobal(pos))

    def column_menu(self) -> QMenu:
        """Every column with a tick when shown, and the way back to the automatic layout."""
        model = self.view.model()
        menu = QMenu(self.view)
        for c in range(model.columnCount()):
            if c in self.excluded:
                continue
            title = str(model.headerData(c, Qt.Orientation.Horizontal) or "")
            action = menu.addAction(title)
            action.setCheckable(True)
            action.setChecked(not self.view.isColumnHidden(c))
            action.toggled.connect(lambda on, col=c: self.choose(col, on))
        menu.addSeparator()
        menu.addAction(self.tr("Atur ulang kolom"), self.reset)
        return menu

    def choose(self, column: int, shown: bool) -> None:
        """Show or hide a column by the clerk's choice (the last shown column stays)."""
        if not shown and len(self.shown()) <= 1:
            return
        self.choices[column] = shown
        _save(self.name, self.choices)
        self.fit()


def _share(
    visible: Iterable[int], want: dict[int, int], least: dict[int, int], room: int, taker: int | None
) -> dict[int, int]:
    """Widths for ``visible`` within ``room``: what each wants where it fits, else the widest give
    way first, down to a common width (as a browser lays out a table), none below its narrowest;
    the pixels left go to ``taker``."""
    cols = list(visible)
    if sum(want[c] for c in cols) <= room:
        widths = {c: want[c] for c in cols}
    else:
        lo, hi = 0, max((want[c] for c in cols), default=0)
        while lo < hi:  # the widest common cap that still fits
            cap = (lo + hi + 1) // 2
            if sum(max(least[c], min(want[c], cap)) for c in cols) <= room:
                lo = cap
            else:
                hi = cap - 1
        widths = {c: max(least[c], min(want[c], lo)) for c in cols}
    left = room - sum(widths.values())
    if taker is not None and left > 0:
        widths[taker] += left
    return widths


def _load(name: str) -> dict[int, bool]:
    if not name:
        return {}
    try:
        raw = json.loads(preferences.column_choices(name) or "{}")
        return {int(k): bool(v) for k, v in raw.items()}
    except (ValueError, TypeError, AttributeError):
        return {}  # a hand-edited or damaged setting: the automatic layout


def _save(name: str, choices: dict[int, bool]) -> None:
    if name:
        preferences.set_column_choices(name, json.dumps({str(k): v for k, v in choices.items()}))
