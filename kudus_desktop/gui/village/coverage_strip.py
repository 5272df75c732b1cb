"""The coverage strip: one small square per month (paid, due, in arrears, lapsed), what a clerk
reads at a glance; painted by one function for the bill's table and the participant's form."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from kudus_desktop.core.village.premiums import CoverState, month_label
from kudus_desktop.gui.messages import code_text

STRIP_ROLE = Qt.ItemDataRole.UserRole + 1
STATE_COLOURS = {
    CoverState.PAID: QColor("#2e7d32"),
    CoverState.DUE: QColor("#90a4ae"),
    CoverState.ARREARS: QColor("#f9a825"),
    CoverState.LAPSED: QColor("#c62828"),
    CoverState.UNTRACKED: QColor("#e0e0e0"),
}


def paint_strip(painter: QPainter, rect: QRect, states: Sequence[str]) -> None:
    """One square per month, oldest on the left; an empty outline where there was no membership."""
    if not states:
        return
    n = len(states)
    gap = 2
    side = max(4, min(rect.height() - 6, (rect.width() - gap * (n - 1)) // n))
    top = rect.top() + (rect.height() - side) // 2
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    for i, state in enumerate(states):
        cell = QRect(rect.left() + 2 + i * (side + gap), top, side, side)
        colour = STATE_COLOURS.get(CoverState(state))
        if colour is None:
            painter.setPen(QColor("#cfd8dc"))
            painter.setBrush(Qt.BrushStyle.NoBrush)
        else:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
        painter.drawRect(cell)
    painter.restore()


class StripDelegate(QStyledItemDelegate):
    """Paints the strip stored under :data:`STRIP_ROLE` (a list of state codes)."""

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().paint(painter, option, index)
        paint_strip(painter, option.rect, index.data(STRIP_ROLE) or [])

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(12 * 14 + 6, 18)


class CoverageStrip(QWidget):
    """The strip on its own, for the participant view; the tooltip names every month."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.states: list[str] = []
        self.setMinimumSize(12 * 16, 20)

    def show_months(self, months: Sequence[tuple[int, CoverState]]) -> None:
        self.states = [s.value for _, s in months]
        self.setToolTip("\n".join(f"{month_label(m)}: {code_text('cover', s.value)}" for m, s in months))
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        paint_strip(painter, self.rect(), self.states)


def legend() -> QLabel:
    parts = [
        f'<span style="color:{STATE_COLOURS[s].name()}">■</span> {code_text("cover", s.value)}'
        for s in (CoverState.PAID, CoverState.DUE, CoverState.ARREARS, CoverState.LAPSED, CoverState.UNTRACKED)
    ]
    label = QLabel("&nbsp;&nbsp;".join(parts))
    label.setObjectName("muted")
    return label
