"""Printed lists: the office's letterhead and, for a decree's annex, its block; a title, a table
whose header row repeats on every page, page numbers and the signatory block, on A4 or F4.

Layout runs in two passes: every row's height is measured first (cells wrap, nothing is
cut off), pages are cut between rows, then the pages are painted knowing their total.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPagedPaintDevice, QPainter, QPen

from kudus_desktop.core.errors import CancelledError
from kudus_desktop.core.reports.printouts import Align, PrintedTable
from kudus_desktop.core.rules.card_layout import PAPER_MM, Paper
from kudus_desktop.core.rules.progress import CancelCheck, Progress, never_cancelled
from kudus_desktop.render.paper import Mm, begin, font, write_pdf

MARGIN_X = 15.0
MARGIN_TOP = 15.0
MARGIN_BOTTOM = 18.0  # the footer sits in here
CELL_PAD = 0.9
BODY_PT = 7.5
TITLE_PT = 10.5
#: Letterhead line sizes by weight (0 the address, 1 the governments above, 2 the office).
LETTERHEAD_PT = {0: 8.0, 1: 11.0, 2: 13.5}
ANNEX_MM = 92.0  # the decree block's width, at the right margin
ANNEX_LABEL_MM = 20.0
SIGN_PT = 9.0
SIGN_GAP_MM = 18.0  # room for the signature and the stamp

_ALIGN = {
    Align.LEFT: Qt.AlignmentFlag.AlignLeft,
    Align.CENTRE: Qt.AlignmentFlag.AlignHCenter,
    Align.RIGHT: Qt.AlignmentFlag.AlignRight,
}
WRAP = Qt.TextFlag.TextWordWrap
GRID = QColor("#777777")
HEADER_FILL = QColor("#E4EFEA")


@dataclass(frozen=True, slots=True)
class _Page:
    first: int
    end: int  # rows [first, end)
    signatory: bool


class TablePainter:
    def __init__(self, device: QPagedPaintDevice, table: PrintedTable, paper: Paper) -> None:
        self.device = device
        self.table = table
        self.mm = Mm(device)
        self.width, self.height = PAPER_MM[paper]
        inner = self.width - 2 * MARGIN_X
        total = sum(c.width for c in table.columns)
        self.col_w = [c.width * inner / total for c in table.columns]
        self.body = font(BODY_PT)
        self.bold = font(BODY_PT, bold=True)
        self.body_m = QFontMetricsF(self.body, device)
        self.bold_m = QFontMetricsF(self.bold, device)

    def _wrap(self, metrics: QFontMetricsF, text: str, width: float) -> Qt.TextFlag:
        """Wrap between words; inside a word only when one word alone is wider than the cell."""
        room = self.mm.x(width - 2 * CELL_PAD)
        if any(metrics.horizontalAdvance(word) > room for word in text.split()):
            return WRAP | Qt.TextFlag.TextWrapAnywhere
        return WRAP

    def _cell_height(self, metrics: QFontMetricsF, text: str, width: float) -> float:
        box = QRectF(0, 0, self.mm.x(width - 2 * CELL_PAD), 1e7)
        flags = int(self._wrap(metrics, text, width))
        return metrics.boundingRect(box, flags, text).height() / self.mm.ky + 2 * CELL_PAD

    def _row_height(self, metrics: QFontMetricsF, row: tuple[str, ...]) -> float:
        return max(self._cell_height(metrics, text, w) for text, w in zip(row, self.col_w, strict=True))

    def _title_height(self) -> float:
        title = self._block_height(self.table.title, TITLE_PT, True) + 4.5 * len(self.table.subtitle) + 3.0
        return self._letterhead_height() + self._annex_height() + title

    def _block_height(self, text: str, size: float, bold: bool, width: float | None = None) -> float:
        box = QRectF(0, 0, self.mm.x(width or self.width - 2 * MARGIN_X), 1e7)
        used = QFontMetricsF(font(size, bold=bold), self.device).boundingRect(box, int(WRAP), text)
        return used.height() / self.mm.ky + 1.0

    def _letterhead_height(self) -> float:
        lines = self.table.letterhead.lines
        if not lines:
            return 0.0
        return sum(self._block_height(text, LETTERHEAD_PT[w], w > 0) for text, w in lines) + 5.0

    def _annex_height(self) -> float:
        annex = self.table.letterhead.annex
        if not annex:
            return 0.0
        value_w = ANNEX_MM - ANNEX_LABEL_MM - 3
        return sum(self._block_height(value, 8.0, False, value_w) for _label, value in annex) + 3.0

    def _signatory_lines(self) -> list[tuple[float, str]]:
        """The head's lines above the signature with the height each takes wrapped in half the page."""
        half = (self.width - 2 * MARGIN_X) / 2
        return [
            (self._block_height(line, SIGN_PT, False, half) - 1.0, line) for line in self.table.signatory.head_lines
        ]

    def _signatory_height(self) -> float:
        s = self.table.signatory
        above = max(sum(h for h, _ in self._signatory_lines()), 5.0)
        return 6 + 5 + above + SIGN_GAP_MM + 5 + 4.5 * len(s.head_below) + 2

    def paginate(self, heights: list[float]) -> list[_Page]:
        header_h = self._row_height(self.bold_m, tuple(c.header for c in self.table.columns))
        self.header_h = header_h
        bottom = self.height - MARGIN_BOTTOM
        pages: list[_Page] = []
        first, y = 0, MARGIN_TOP + self._title_height() + header_h
        for i, h in enumerate(heights):
            if y + h > bottom and i > first:
                pages.append(_Page(first, i, False))
                first, y = i, MARGIN_TOP + 6.0 + header_h
            y += h
        if y + self._signatory_height() <= bottom:
            pages.append(_Page(first, len(heights), True))
        else:
            pages.append(_Page(first, len(heights), False))
            pages.append(_Page(len(heights), len(heights), True))
        return pages

    # -- painting ---------------------------------------------------------------------------

    def _text(self, p: QPainter, x: float, y: float, w: float, h: float, flags: object, text: str, f: QFont) -> None:
        p.setFont(f)
        p.drawText(self.mm.rect(x, y, w, h), int(flags), text)  # type: ignore[call-overload]

    def _row(self, p: QPainter, y: float, cells: tuple[str, ...], h: float, *, header: bool) -> None:
        x = MARGIN_X
        if header:
            p.fillRect(self.mm.rect(x, y, self.width - 2 * MARGIN_X, h), HEADER_FILL)
        p.setPen(QColor("black"))
        metrics = self.bold_m if header else self.body_m
        for text, w, col in zip(cells, self.col_w, self.table.columns, strict=True):
            align = Qt.AlignmentFlag.AlignHCenter if header else _ALIGN[col.align]
            flags = align | Qt.AlignmentFlag.AlignVCenter | self._wrap(metrics, text, w)
            self._text(p, x + CELL_PAD, y, w - 2 * CELL_PAD, h, flags, text, self.bold if header else self.body)
            x += w
        pen = QPen(GRID)
        pen.setWidthF(self.mm.x(0.15))
        p.setPen(pen)
        p.drawRect(self.mm.rect(MARGIN_X, y, self.width - 2 * MARGIN_X, h))
        x = MARGIN_X
        for w in self.col_w[:-1]:
            x += w
            p.drawLine(QPointF(self.mm.x(x), self.mm.y(y)), QPointF(self.mm.x(x), self.mm.y(y + h)))

    def _signatory(self, p: QPainter, y: float) -> None:
        s = self.table.signatory
        half = (self.width - 2 * MARGIN_X) / 2
        right = MARGIN_X + half
        centre = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | WRAP
        p.setPen(QColor("black"))
        body = font(SIGN_PT)
        bold = font(SIGN_PT, bold=True)
        bold.setUnderline(True)
        self._text(p, right, y, half, 5, centre, s.place_date, body)
        self._text(p, MARGIN_X, y + 5, half, 5, centre, s.preparer_title, body)
        line_y = y + 5
        for h, line in self._signatory_lines():
            self._text(p, right, line_y, half, h, centre, line, body)
            line_y += h
        name_y = max(line_y, y + 10) + SIGN_GAP_MM
        self._text(p, MARGIN_X, name_y, half, 5, centre, s.preparer_name, bold)
        self._text(p, right, name_y, half, 5, centre, s.head_name, bold)
        for n, line in enumerate(s.head_below):
            self._text(p, right, name_y + 5 + 4.5 * n, half, 4.5, centre, line, body)

    def _letterhead(self, p: QPainter, y: float) -> float:
        """The kop: its lines centred, then the double rule under it; returns the y below it."""
        lines = self.table.letterhead.lines
        if not lines:
            return y
        inner = self.width - 2 * MARGIN_X
        flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | WRAP
        p.setPen(QColor("black"))
        for text, weight in lines:
            h = self._block_height(text, LETTERHEAD_PT[weight], weight > 0)
            self._text(p, MARGIN_X, y, inner, h, flags, text, font(LETTERHEAD_PT[weight], bold=weight > 0))
            y += h
        y += 1.0
        for width, gap in ((0.7, 0.0), (0.25, 1.0)):  # a thick rule over a thin one
            pen = QPen(QColor("black"))
            pen.setWidthF(self.mm.x(width))
            p.setPen(pen)
            p.drawLine(
                QPointF(self.mm.x(MARGIN_X), self.mm.y(y + gap)),
                QPointF(self.mm.x(MARGIN_X + inner), self.mm.y(y + gap)),
            )
        p.setPen(QColor("black"))
        return y + 4.0

    def _annex(self, p: QPainter, y: float) -> float:
        """LAMPIRAN / NOMOR / TANGGAL / TENTANG at the right margin; returns the y below it."""
        annex = self.table.letterhead.annex
        if not annex:
            return y
        left = self.width - MARGIN_X - ANNEX_MM
        value_x = left + ANNEX_LABEL_MM + 3
        value_w = ANNEX_MM - ANNEX_LABEL_MM - 3
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | WRAP
        for label, value in annex:
            h = self._block_height(value, 8.0, False, value_w)
            self._text(p, left, y, ANNEX_LABEL_MM, h, flags, label, font(8.0))
            self._text(p, left + ANNEX_LABEL_MM, y, 3, h, flags, ":", font(8.0))
            self._text(p, value_x, y, value_w, h, flags, value, font(8.0))
            y += h
        return y + 3.0

    def paint(self, path: Path | None, progress: Progress | None, cancelled: CancelCheck) -> int:
        heights = []
        for n, row in enumerate(self.table.rows):
            heights.append(self._row_height(self.body_m, row))
            if n % 500 == 0 and cancelled():
                raise CancelledError()
        pages = self.paginate(heights)
        header = tuple(c.header for c in self.table.columns)
        p = QPainter()
        begin(p, self.device, path)
        try:
            for number, page in enumerate(pages, start=1):
                if cancelled():
                    raise CancelledError()
                if number > 1:
                    self.device.newPage()
                y = MARGIN_TOP
                inner = self.width - 2 * MARGIN_X
                p.setPen(QColor("black"))
                if number == 1:
                    y = self._annex(p, self._letterhead(p, y))
                    title_flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
                    title_h = self._block_height(self.table.title, TITLE_PT, True)
                    self._text(p, MARGIN_X, y, inner, title_h, title_flags, self.table.title, font(TITLE_PT, bold=True))
                    y += title_h
                    for line in self.table.subtitle:
                        self._text(p, MARGIN_X, y, inner, 4.5, title_flags, line, font(8.5))
                        y += 4.5
                    y += 3.0
                else:
                    running = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
                    self._text(p, MARGIN_X, y, inner, 5, running, f"{self.table.running_title} (lanjutan)", font(7.5))
                    y += 6.0
                if page.end > page.first or not page.signatory:
                    self._row(p, y, header, self.header_h, header=True)
                    y += self.header_h
                for i in range(page.first, page.end):
                    self._row(p, y, self.table.rows[i], heights[i], header=False)
                    y += heights[i]
                if page.signatory:
                    self._signatory(p, y + 6)
                footer_y = self.height - MARGIN_BOTTOM + 6
                p.setPen(QColor("#444444"))
                left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
                right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop
                self._text(p, MARGIN_X, footer_y, inner * 0.7, 5, left, self.table.footer, font(7))
                self._text(p, MARGIN_X, footer_y, inner, 5, right, f"Halaman {number} dari {len(pages)}", font(7))
                if progress:
                    progress(number, len(pages))
        finally:
            p.end()
        return len(pages)


def paint_table(
    device: QPagedPaintDevice,
    table: PrintedTable,
    paper: Paper,
    *,
    path: Path | None = None,
    progress: Progress | None = None,
    cancelled: CancelCheck = never_cancelled,
) -> int:
    """Paint the table onto a printer or PDF writer set to ``paper`` with no margins; returns the pages."""
    return TablePainter(device, table, paper).paint(path, progress, cancelled)


def write_table_pdf(
    path: Path,
    table: PrintedTable,
    paper: Paper,
    *,
    progress: Progress | None = None,
    cancelled: CancelCheck = never_cancelled,
) -> int:
    pages = [0]

    def paint(device: QPagedPaintDevice, target: Path) -> None:
        pages[0] = paint_table(device, table, paper, path=target, progress=progress, cancelled=cancelled)

    write_pdf(path, paper, table.running_title, paint)
    return pages[0]
