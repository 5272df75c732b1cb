"""The participant grid: ids in display order from SQL, rows fetched lazily by page.

With 100,000 participants only the ids are held, as one array of 64-bit ints: a million of them
are 8 MB, and dropping them for the next search's costs nothing (as a list of Python ints: 36 MB,
and 14 ms on the GUI thread to free). The columns of the rows actually painted are fetched in
pages and cached, as Anki's browser does. The ids of a search or a sort are read on a thread of
their own (at the regency's million they take 0.4 s): typing never waits for them, and a search
overtaken by the next keystroke is dropped unread or its answer ignored.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from contextlib import suppress
from dataclasses import replace
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QWidget

from kudus_desktop.core.enrolment.participants import ParticipantQuery, ParticipantService, SortKey
from kudus_desktop.core.rules.dates import format_date
from kudus_desktop.core.rules.nik import mask_nik
from kudus_desktop.core.rules.records import ParticipantListRow
from kudus_desktop.core.rules.sync_state import SyncState
from kudus_desktop.gui import ops
from kudus_desktop.gui.messages import code_text

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
OBJECT_ROLE = Qt.ItemDataRole.UserRole + 2
FEW_KEPT = 4  # people kept selected across a sort, each found by a scan of the new order
FIRST_ROWS = 200  # more than any screen shows: the first answer to a search
FETCH_BEHIND = 100
FETCH_AHEAD = 400
CACHE_LIMIT = 20_000

_Index = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    REG_NO = 0
    NAME = 1
    NIK = 2
    CATEGORY = 3
    RT_RW = 4
    DUSUN = 5
    STATUS = 6
    START_DATE = 7
    KPJ = 8
    SYNC = 9


SORT_KEYS: dict[Column, SortKey] = {
    Column.REG_NO: SortKey.REG_NO,
    Column.NAME: SortKey.NAME,
    Column.NIK: SortKey.NIK,
    Column.CATEGORY: SortKey.CATEGORY,
    Column.RT_RW: SortKey.RT_RW,
    Column.DUSUN: SortKey.DUSUN,
    Column.STATUS: SortKey.STATUS,
    Column.START_DATE: SortKey.START_DATE,
    Column.KPJ: SortKey.KPJ,
}


def sync_text(r: ParticipantListRow) -> str:
    """'Terkirim (paket 3)', 'Ditolak: alasan', 'Belum dikirim' ..."""
    label = code_text("sync", r.sync_state)
    if r.sync_state == SyncState.SENT and r.sync_seq:
        return QCoreApplication.translate("ParticipantTableModel", "{state} (paket {seq})").format(
            state=label, seq=r.sync_seq
        )
    if r.sync_reason:
        return f"{label}: {r.sync_reason}"
    return label


def rt_rw_text(rt: str, rw: str) -> str:
    if not rt and not rw:
        return ""
    return f"{rt or '-'}/{rw or '-'}"


class ParticipantTableModel(QAbstractTableModel):
    """Rows of :class:`ParticipantListRow` for a :class:`ParticipantQuery`.

    ``shown``: the first rows of the latest query are in; ``loaded``: all of them are (and
    ``total``, every participant of the office)."""

    shown = Signal()
    loaded = Signal()

    def __init__(self, service: ParticipantService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.owner = parent
        self.query = ParticipantQuery()
        self.ids: array[int] = array("q")
        self.total: int | None = None
        self.loading = False
        self._generation = 0
        self._cache: dict[int, ParticipantListRow] = {}
        self.reveal_nik = False
        self._ended_brush = QBrush(QColor("#8a949e"))

    # -- loading -------------------------------------------------------------------------

    def set_query(self, query: ParticipantQuery) -> None:
        """Run the search: its first rows are shown as soon as they are found (a screenful,
        milliseconds even among a million), the rest are added below them once all are read."""
        self.query = query

        def first_rows(ids: array[int]) -> None:
            self._replace(ids)
            self.shown.emit()
            if len(ids) < FIRST_ROWS:  # that was all of them
                self._finish()
                return
            self._ask(
                lambda: self.service.query_ids(query), lambda rest: self._append(ids, rest), generation=self._generation
            )

        self._ask(lambda: self.service.query_ids(query, limit=FIRST_ROWS), first_rows)

    def reload(self, changed_ids: tuple[int, ...] = ()) -> None:
        """Refresh after a change: drop the changed rows from the cache, count and search again.
        Rows that were already listed were edited, not added, so the office's count stands (on a
        server at a million, counting it again doubled the wait for the list after a save)."""
        if not changed_ids or not all(pid in self._cache for pid in changed_ids):
            self.total = None
        if changed_ids:
            for pid in changed_ids:
                self._cache.pop(pid, None)
        else:
            self._cache.clear()
        self.set_query(self.query)

    def _ask(self, read: Callable[[], list[int]], take: Callable[[array[int]], None], generation: int = 0) -> None:
        """``read`` on the read thread, ``take`` its ids here, unless a newer query was asked for
        meanwhile (``generation``: the query this read continues, else a new one). The office's
        count comes along when it is not known."""
        if not generation:
            self._generation += 1
            generation = self._generation
        count = self.total is None
        self.loading = True

        def work() -> tuple[array[int], int | None] | None:
            if generation != self._generation:
                return None  # the next keystroke came first: nobody will see this answer
            return array("q", read()), self.service.count() if count else None

        def done(result: tuple[array[int], int | None] | None) -> None:
            if result is None or generation != self._generation:
                return
            ids, total = result
            if total is not None:
                self.total = total
            take(ids)

        ops.run_db(self.owner, work, done, pool=ops.read_pool(), busy_cursor=False)

    def _finish(self) -> None:
        self.loading = False
        self.loaded.emit()

    def _append(self, first: array[int], ids: array[int]) -> None:
        """Every matching id, after its first rows were shown: the rest go in below them (the
        view keeps its place and selection); a list changed meanwhile is shown anew."""
        if ids[: len(first)] != first or self.ids != first:
            self._replace(ids)
        elif len(ids) > len(first):
            self.beginInsertRows(QModelIndex(), len(first), len(ids) - 1)
            self.ids = ids
            self.endInsertRows()
        self._finish()

    def _replace(self, ids: array[int]) -> None:
        self.beginResetModel()
        self.ids = ids
        if len(self._cache) > CACHE_LIMIT:
            self._cache.clear()
        self.endResetModel()

    def _reorder(self, ids: array[int]) -> None:
        """The same rows in another order: keep the selection and current row on the same people."""
        if len(ids) != len(self.ids):  # a change landed meanwhile: not the same rows
            self._replace(ids)
            self._finish()
            return
        self.layoutAboutToBeChanged.emit()
        old_ids, self.ids = self.ids, ids
        old = self.persistentIndexList()
        kept = {old_ids[i.row()] for i in old if 0 <= i.row() < len(old_ids)}
        position: dict[int, int] = {}
        if len(kept) <= FEW_KEPT:
            # The selection and current row are a few people: each is looked up by a scan in C
            # (17 ms at most among a million), where mapping every id took 0.2 s on this thread.
            for pid in kept:
                with suppress(ValueError):  # gone from the new order: its index is dropped
                    position[pid] = ids.index(pid)
        else:
            position = {pid: row for row, pid in enumerate(ids)}
        new = [
            self.index(position[old_ids[i.row()]], i.column()) if old_ids[i.row()] in position else QModelIndex()
            for i in old
        ]
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()
        self._finish()

    def set_reveal_nik(self, reveal: bool) -> None:
        self.reveal_nik = reveal
        if self.ids:
            self.dataChanged.emit(self.index(0, Column.NIK), self.index(len(self.ids) - 1, Column.NIK))

    def row_for_id(self, participant_id: int) -> int:
        try:
            return self.ids.index(participant_id)
        except ValueError:
            return -1

    def participant(self, row: int) -> ParticipantListRow:
        pid = self.ids[row]
        cached = self._cache.get(pid)
        if cached is None:
            lo, hi = max(0, row - FETCH_BEHIND), min(len(self.ids), row + FETCH_AHEAD)
            wanted = [i for i in self.ids[lo:hi] if i not in self._cache]
            self._cache.update(self.service.list_rows(wanted))
            cached = self._cache[pid]
        return cached

    # -- Qt model ------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return {
            Column.REG_NO: self.tr("No. registrasi"),
            Column.NAME: self.tr("Nama"),
            Column.NIK: self.tr("NIK"),
            Column.CATEGORY: self.tr("Kategori"),
            Column.RT_RW: self.tr("RT/RW"),
            Column.DUSUN: self.tr("Dusun"),
            Column.STATUS: self.tr("Status"),
            Column.START_DATE: self.tr("Mulai"),
            Column.KPJ: self.tr("KPJ"),
            Column.SYNC: self.tr("Sinkronisasi"),
        }.get(Column(section))

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.ids):
            return None
        col = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(self.participant(index.row()), col)
        if role == SORT_ROLE:
            return self._raw(self.participant(index.row()), col)
        if role == OBJECT_ROLE:
            return self.participant(index.row())
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._ended_brush if self.participant(index.row()).status != "aktif" else None
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (Column.RT_RW, Column.START_DATE):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole and col == Column.SYNC:
            return self.participant(index.row()).sync_reason or None
        if role == Qt.ItemDataRole.ToolTipRole and col == Column.NIK and not self.reveal_nik:
            return self.tr("NIK disamarkan. Aktifkan 'Tampilkan NIK' untuk melihat seluruhnya.")
        return None

    def _display(self, r: ParticipantListRow, col: Column) -> str:
        match col:
            case Column.REG_NO:
                return r.reg_no
            case Column.NAME:
                return r.full_name
            case Column.NIK:
                return r.nik if self.reveal_nik else mask_nik(r.nik)
            case Column.CATEGORY:
                return code_text("category", r.category)
            case Column.RT_RW:
                return rt_rw_text(r.rt, r.rw)
            case Column.DUSUN:
                return r.dusun
            case Column.STATUS:
                return code_text("status", r.status)
            case Column.START_DATE:
                return format_date(r.start_date)
            case Column.KPJ:
                return r.kpj
            case Column.SYNC:
                return sync_text(r)

    @staticmethod
    def _raw(r: ParticipantListRow, col: Column) -> Any:
        match col:
            case Column.REG_NO:
                return r.reg_no
            case Column.NAME:
                return r.full_name.casefold()
            case Column.NIK:
                return r.nik
            case Column.CATEGORY:
                return r.category
            case Column.RT_RW:
                return (r.rw, r.rt)
            case Column.DUSUN:
                return r.dusun
            case Column.STATUS:
                return r.status
            case Column.START_DATE:
                return r.start_date.toordinal()
            case Column.KPJ:
                return r.kpj
            case Column.SYNC:
                return (r.sync_state, r.sync_seq or 0)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorting is done by SQL over every matching row, not just the painted ones."""
        key = SORT_KEYS.get(Column(column))
        if key is None:  # the sync state is not a stored column: that header does not sort
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self.query.sort, self.query.descending):
            return
        self.query = replace(self.query, sort=key, descending=descending)
        self._ask(lambda: self.service.query_ids(self.query), self._reorder)
