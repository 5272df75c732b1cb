"""Participant cards on A4/F4 sheets: fronts on one page, backs mirrored on the next.

Positions come from :mod:`kudus_desktop.core.rules.card_layout` (millimetres); everything inside a
card is placed here, in millimetres from the card's corner. Text that does not fit shrinks
(and long names wrap to two lines) rather than being cut off.
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path
from typing import Literal

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPagedPaintDevice, QPainter, QPen

from kudus_desktop.core.errors import CancelledError
from kudus_desktop.core.rules.card_layout import (
    CARD_H_MM,
    CARD_W_MM,
    Paper,
    SheetLayout,
    Slot,
    folded_layout,
    sheet_layout,
)
from kudus_desktop.core.rules.dates import format_date
from kudus_desktop.core.rules.progress import CancelCheck, Progress, never_cancelled
from kudus_desktop.core.village.cards import Card, CardBatch, CardSheetText, QrMatrix
from kudus_desktop.render.paper import Mm, begin, font, write_pdf

GREEN = QColor("#0B6E4F")
INK = QColor("#111111")
GREY = QColor("#555555")
OUTLINE = QColor("#BBBBBB")

WRAP = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap)
LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
CENTRE = int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap)

# Inside a card, millimetres from its top-left corner.
PAD = 3.0
BAND_H = 10.5
QR_MM = 20.5  # the modules only; the white card around them is the quiet zone
QR_X = CARD_W_MM - 3.5 - QR_MM
QR_Y = 13.0
TEXT_W = QR_X - PAD - 1.5
FOOT_Y = 46.6


class _Fitter:
    """Chooses the largest point size at which a text fits its box, with the device's own metrics."""

    def __init__(self, painter: QPainter, mm: Mm) -> None:
        self.device = painter.device()
        self.mm = mm

    @cache  # noqa: B019 - one fitter per run; the cache dies with it
    def metrics(self, size: float, bold: bool) -> QFontMetricsF:
        return QFontMetricsF(font(size, bold=bold), self.device)

    @cache  # noqa: B019
    def font(self, size: float, bold: bool) -> QFont:
        return font(size, bold=bold)

    def fits(self, text: str, w: float, h: float, size: float, bold: bool, flags: int) -> bool:
        box = QRectF(0, 0, self.mm.x(w), self.mm.y(h))
        used = self.metrics(size, bold).boundingRect(box, flags, text)
        return used.width() <= box.width() + 0.5 and used.height() <= box.height() + 0.5

    def fit(self, text: str, w: float, h: float, size: float, minimum: float, *, bold: bool, flags: int) -> QFont:
        while size > minimum and not self.fits(text, w, h, size, bold, flags):
            size = round(size - 0.25, 2)
        return self.font(max(size, minimum), bold)


class CardPainter:
    """Paints fronts and backs of one run; the back is laid out once and repeated."""

    def __init__(self, painter: QPainter, mm: Mm, shared: CardSheetText, issue_date_text: str) -> None:
        self.p = painter
        self.mm = mm
        self.shared = shared
        self.issued = issue_date_text
        self.fit = _Fitter(painter, mm)
        self.title_font = self.fit.fit(shared.title, CARD_W_MM - 2 * PAD, 4.6, 7.4, 5.0, bold=True, flags=LEFT)
        self.subtitle_font = self.fit.fit(shared.subtitle, CARD_W_MM - 2 * PAD, 3.8, 6.0, 4.2, bold=False, flags=LEFT)
        self.village_font = self.fit.fit(shared.village, 58, 3.6, 5.6, 4.0, bold=False, flags=LEFT)
        self.label_font = self.fit.font(5.4, False)
        self.small_font = self.fit.font(4.6, False)
        self.contact_font = self.fit.fit(shared.contact, CARD_W_MM - 2 * PAD, 3.8, 5.8, 4.0, bold=True, flags=CENTRE)
        self.back_sizes = self._fit_back()

    # -- geometry helpers -------------------------------------------------------------------

    def _r(self, slot: Slot, x: float, y: float, w: float, h: float) -> QRectF:
        return self.mm.rect(slot.x + x, slot.y + y, w, h)

    def _text(self, rect: QRectF, flags: int, text: str, f: QFont, colour: QColor) -> None:
        self.p.setFont(f)
        self.p.setPen(colour)
        self.p.drawText(rect, flags, text)

    def _outline(self, slot: Slot) -> None:
        pen = QPen(OUTLINE)
        pen.setWidthF(self.mm.x(0.1))
        self.p.setPen(pen)
        self.p.setBrush(Qt.BrushStyle.NoBrush)
        self.p.drawRect(self._r(slot, 0, 0, CARD_W_MM, CARD_H_MM))

    def _band(self, slot: Slot, h: float) -> None:
        self.p.fillRect(self._r(slot, 0, 0, CARD_W_MM, h), GREEN)

    def _rule(self, slot: Slot, y: float) -> None:
        pen = QPen(GREEN)
        pen.setWidthF(self.mm.x(0.3))
        self.p.setPen(pen)
        a = QPointF(self.mm.x(slot.x + PAD), self.mm.y(slot.y + y))
        b = QPointF(self.mm.x(slot.x + CARD_W_MM - PAD), self.mm.y(slot.y + y))
        self.p.drawLine(a, b)

    # -- front ------------------------------------------------------------------------------

    def front(self, slot: Slot, card: Card) -> None:
        self._band(slot, BAND_H)
        self._text(
            self._r(slot, PAD, 1.2, CARD_W_MM - 2 * PAD, 4.6), LEFT, self.shared.title, self.title_font, QColor("white")
        )
        self._text(
            self._r(slot, PAD, 5.8, CARD_W_MM - 2 * PAD, 3.8),
            LEFT,
            self.shared.subtitle,
            self.subtitle_font,
            QColor("white"),
        )
        name_font = self.fit.fit(card.full_name.upper(), TEXT_W, 6.8, 9.0, 5.5, bold=True, flags=WRAP)
        self._text(self._r(slot, PAD, 12.4, TEXT_W, 6.8), WRAP, card.full_name.upper(), name_font, INK)
        rows = (
            ("NIK", card.nik_masked),
            (card.number_label, card.number),
            ("Kategori", card.category),
            ("Program", card.programmes),
            (card.status_label, card.status_text),
        )
        y = 20.0
        label_w = 19.5
        value_w = TEXT_W - label_w
        for label, value in rows:
            self._text(self._r(slot, PAD, y, label_w, 3.9), LEFT, label, self.label_font, GREY)
            value_font = self.fit.fit(value, value_w, 3.9, 6.6, 4.2, bold=True, flags=LEFT)
            self._text(self._r(slot, PAD + label_w, y, value_w, 3.9), LEFT, value, value_font, INK)
            y += 4.3
        self._qr(slot, card.qr)
        self._text(
            self._r(slot, QR_X - 1.5, QR_Y + QR_MM + 0.6, QR_MM + 3, 3.2), CENTRE, "Pindai untuk cek keaslian",
            self.small_font, GREY,
        )  # fmt: skip
        self._rule(slot, FOOT_Y)
        self._text(self._r(slot, PAD, FOOT_Y + 0.9, 58, 3.6), LEFT, self.shared.village, self.village_font, INK)
        self._text(
            self._r(slot, CARD_W_MM - PAD - 22, FOOT_Y + 0.9, 22, 3.6), RIGHT, f"Dicetak {self.issued}",
            self.small_font, GREY,
        )  # fmt: skip
        self._outline(slot)

    def _qr(self, slot: Slot, qr: QrMatrix) -> None:
        # One module per pixel, drawn scaled without smoothing: a few hundred bytes in the PDF
        # instead of a path of every run, and crisp at any printer resolution.
        image = QImage(qr.size, qr.size, QImage.Format.Format_Mono)
        image.setColorTable([QColor("white").rgb(), QColor("black").rgb()])
        image.fill(0)
        for row, col, length in qr.runs:
            for c in range(col, col + length):
                image.setPixel(c, row, 1)
        self.p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        self.p.drawImage(self._r(slot, QR_X, QR_Y, QR_MM, QR_MM), image)

    # -- back -------------------------------------------------------------------------------

    def _back_blocks(self, body: float) -> list[tuple[str, float, bool, float]]:
        """(text, point size, bold, height in mm) of every block of the back at ``body`` points."""
        width = CARD_W_MM - 2 * PAD
        blocks: list[tuple[str, float, bool, float]] = []
        for heading, paragraphs in self.shared.back_sections:
            blocks.append((heading, body + 0.6, True, self._height(heading, width, body + 0.6, True)))
            for text in paragraphs:
                line = f"• {text}"
                blocks.append((line, body, False, self._height(line, width, body, False)))
        return blocks

    def _height(self, text: str, width: float, size: float, bold: bool) -> float:
        used = self.fit.metrics(size, bold).boundingRect(QRectF(0, 0, self.mm.x(width), 1e6), WRAP, text)
        return used.height() / self.mm.ky

    def _fit_back(self) -> tuple[float, list[tuple[str, float, bool, float]]]:
        room = FOOT_Y - 3.6 - 0.6 - 1.2 * (len(self.shared.back_sections) - 1)
        body = 6.6
        while True:
            blocks = self._back_blocks(body)
            if sum(b[3] for b in blocks) + 0.5 * len(blocks) <= room or body <= 3.6:
                return body, blocks
            body = round(body - 0.2, 2)

    def back(self, slot: Slot) -> None:
        self._band(slot, 2.2)
        y = 3.6
        width = CARD_W_MM - 2 * PAD
        for n, (text, size, bold, height) in enumerate(self.back_sizes[1]):
            if bold and n:
                y += 1.2  # a little air above every heading but the first
            colour = GREEN if bold else INK
            self._text(self._r(slot, PAD, y, width, height + 0.3), WRAP, text, self.fit.font(size, bold), colour)
            y += height + 0.5
        self._rule(slot, FOOT_Y)
        self._text(
            self._r(slot, PAD, FOOT_Y + 0.9, CARD_W_MM - 2 * PAD, 3.8), CENTRE, self.shared.contact,
            self.contact_font, INK,
        )  # fmt: skip
        self._outline(slot)


def _crop_marks(p: QPainter, mm: Mm, layout: SheetLayout) -> None:
    pen = QPen(QColor("black"))
    pen.setWidthF(mm.x(0.15))
    p.setPen(pen)
    for line in layout.crop_marks:
        p.drawLine(QPointF(mm.x(line.x1), mm.y(line.y1)), QPointF(mm.x(line.x2), mm.y(line.y2)))


def _fold_marks(p: QPainter, mm: Mm, layout: SheetLayout) -> None:
    """Dashed marks over and under the line to fold on, with the word for it."""
    pen = QPen(QColor("black"))
    pen.setWidthF(mm.x(0.2))
    pen.setStyle(Qt.PenStyle.DashLine)
    p.setPen(pen)
    for line in layout.fold_marks:
        p.drawLine(QPointF(mm.x(line.x1), mm.y(line.y1)), QPointF(mm.x(line.x2), mm.y(line.y2)))
    top = min(line.y1 for line in layout.fold_marks)
    p.setFont(font(6))
    x = layout.fold_marks[0].x1
    p.drawText(mm.rect(x + 1.5, top - 1.0, 30, 4), int(Qt.AlignmentFlag.AlignLeft), "lipat di sini")


#: Which sides a print pass paints: both (duplex, fold-over, a PDF), or one pass of manual duplex.
Pass = Literal["both", "fronts", "backs"]


def paint_cards(
    device: QPagedPaintDevice,
    batch: CardBatch,
    layout: SheetLayout,
    *,
    path: Path | None = None,
    progress: Progress | None = None,
    cancelled: CancelCheck = never_cancelled,
    sides: Pass = "both",
    backs_last_sheet_first: bool = False,
) -> int:
    """Paint every card, front page then back page per sheet (``sides`` "fronts" or "backs":
    one page per sheet, a pass of manual duplex; the backs from the last sheet when the stack
    goes back into the tray that way round); returns the number of pages."""
    painter = QPainter()
    begin(painter, device, path)
    mm = Mm(device)
    per = layout.per_sheet
    sheets = math.ceil(len(batch.cards) / per)
    order = list(range(sheets))
    if sides == "backs" and backs_last_sheet_first:
        order.reverse()
    pages = 0
    try:
        cards = CardPainter(painter, mm, batch.shared, format_date(batch.issue_date))
        for n, s in enumerate(order):
            if cancelled():
                raise CancelledError()
            chunk = batch.cards[s * per : (s + 1) * per]
            if sides in ("both", "fronts"):
                if pages:
                    device.newPage()
                pages += 1
                _crop_marks(painter, mm, layout)
                for slot, card in zip(layout.front, chunk, strict=False):
                    cards.front(slot, card)
                if layout.folded:
                    _fold_marks(painter, mm, layout)
            if sides in ("both", "backs"):
                if pages and not layout.folded:
                    device.newPage()
                pages += 0 if layout.folded else 1
                for slot in layout.back[: len(chunk)]:
                    cards.back(slot)
            if progress:
                progress(n + 1, sheets)
    finally:
        painter.end()
    return pages


def paint_calibration(
    device: QPagedPaintDevice,
    paper: Paper,
    offset_x: float,
    offset_y: float,
    *,
    back_x: float | None = None,
    back_y: float | None = None,
    sides: Pass = "both",
    path: Path | None = None,
) -> None:
    """Two pages (front and back) with a frame 10 mm inside every edge, each shifted by its own
    side's offsets (the back's are the front's unless given); ``sides`` one of them only, for a
    pass of manual duplex.

    Printed on a printer with the right offsets, each side of the frame lies exactly 10 mm
    from the paper's edge, and holding the sheet against the light the two frames coincide.
    """
    painter = QPainter()
    begin(painter, device, path)
    mm = Mm(device)
    width, height = sheet_layout(paper).width, sheet_layout(paper).height
    pages = [
        ("Halaman kalibrasi: sisi depan", "geser depan", offset_x, offset_y),
        ("Halaman kalibrasi: sisi belakang", "geser belakang",
         offset_x if back_x is None else back_x, offset_y if back_y is None else back_y),
    ]  # fmt: skip
    if sides != "both":
        pages = pages[:1] if sides == "fronts" else pages[1:]
    try:
        for n, (title, which, dx, dy) in enumerate(pages):
            if n:
                device.newPage()
            pen = QPen(QColor("black"))
            pen.setWidthF(mm.x(0.2))
            painter.setPen(pen)
            painter.drawRect(mm.rect(10 + dx, 10 + dy, width - 20, height - 20))
            cx, cy = width / 2 + dx, height / 2 + dy
            painter.drawLine(QPointF(mm.x(cx - 15), mm.y(cy)), QPointF(mm.x(cx + 15), mm.y(cy)))
            painter.drawLine(QPointF(mm.x(cx), mm.y(cy - 15)), QPointF(mm.x(cx), mm.y(cy + 15)))
            for tick in range(11):  # millimetre ticks outward from the frame's top-left corner
                size = 3 if tick % 5 == 0 else 1.5
                x = 10 + dx - tick
                painter.drawLine(QPointF(mm.x(x), mm.y(25 + dy)), QPointF(mm.x(x), mm.y(25 + dy + size)))
                y = 10 + dy - tick
                painter.drawLine(QPointF(mm.x(25 + dx), mm.y(y)), QPointF(mm.x(25 + dx + size), mm.y(y)))
            text = (
                f"{title} · kertas {paper} · {which} X {dx:+.1f} mm, Y {dy:+.1f} mm\n\n"
                "Ukur jarak garis bingkai ke tepi kertas dengan penggaris: semestinya 10 mm di setiap sisi.\n"
                f"Bila bingkai kiri berjarak 12 mm, kurangi {which} X sebanyak 2 mm; bila bingkai atas berjarak\n"
                f"9 mm, tambah {which} Y sebanyak 1 mm. Sisi depan dan sisi belakang diukur sendiri-sendiri.\n"
                "Terawang ke cahaya: bingkai kedua sisi harus berimpit agar bagian belakang kartu tepat di balik\n"
                "bagian depannya."
            )
            painter.setFont(font(9))
            painter.setPen(INK)
            painter.drawText(mm.rect(20 + dx, 40 + dy, width - 40, 60), WRAP, text)
    finally:
        painter.end()


def write_cards_pdf(
    path: Path,
    batch: CardBatch,
    paper: Paper,
    *,
    offset_x: float = 0.0,
    offset_y: float = 0.0,
    back_x: float | None = None,
    back_y: float | None = None,
    folded: bool = False,
    progress: Progress | None = None,
    cancelled: CancelCheck = never_cancelled,
) -> int:
    """The cards of ``batch`` as a PDF of fronts and backs (``folded``: side by side, for a
    printer without duplex; the backs shifted by their own offsets otherwise); returns the number
    of pages."""
    if folded:
        layout = folded_layout(paper, offset_x_mm=offset_x, offset_y_mm=offset_y)
    else:
        layout = sheet_layout(
            paper, offset_x_mm=offset_x, offset_y_mm=offset_y, back_offset_x_mm=back_x, back_offset_y_mm=back_y
        )
    pages = [0]

    def paint(device: QPagedPaintDevice, target: Path) -> None:
        pages[0] = paint_cards(device, batch, layout, path=target, progress=progress, cancelled=cancelled)

    write_pdf(path, paper, "Kartu peserta", paint)
    return pages[0]
