"""The participant's information sheet (UU 27/2022 Pasal 5) on one A4 or F4 page, or one page per
person for a run of cards."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPagedPaintDevice, QPainter

from kudus_desktop.core.errors import CancelledError
from kudus_desktop.core.reports.notice import Notice
from kudus_desktop.core.rules.card_layout import PAPER_MM, Paper
from kudus_desktop.core.rules.progress import CancelCheck, Progress, never_cancelled
from kudus_desktop.render.paper import Mm, begin, font, write_pdf

MARGIN_X = 20.0
MARGIN_TOP = 18.0
WRAP = Qt.TextFlag.TextWordWrap
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
CENTRE = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop


class _NoticePainter:
    def __init__(self, device: QPagedPaintDevice, paper: Paper) -> None:
        self.device = device
        self.mm = Mm(device)
        self.width, self.height = PAPER_MM[paper]
        self.inner = self.width - 2 * MARGIN_X

    def _height(self, text: str, f: QFont, width: float) -> float:
        metrics = QFontMetricsF(f, self.device)
        box = metrics.boundingRect(QRectF(0, 0, self.mm.x(width), 1e6), int(LEFT | WRAP), text)
        return box.height() / self.mm.ky + 0.6

    def _text(self, p: QPainter, x: float, y: float, w: float, text: str, f: QFont, flags: object = LEFT) -> float:
        h = self._height(text, f, w)
        p.setFont(f)
        p.drawText(self.mm.rect(x, y, w, h), int(flags) | int(WRAP), text)  # type: ignore[call-overload]
        return h

    def page(self, p: QPainter, notice: Notice) -> None:
        p.setPen(QColor("black"))
        y = MARGIN_TOP
        y += self._text(p, MARGIN_X, y, self.inner, notice.title, font(12, bold=True), CENTRE)
        y += self._text(p, MARGIN_X, y, self.inner, notice.subtitle, font(8.5), CENTRE) + 4
        if notice.person:
            for label, value in notice.person:
                self._text(p, MARGIN_X, y, 32, label, font(9))
                y += self._text(p, MARGIN_X + 32, y, self.inner - 32, f": {value}", font(9, bold=True))
            y += 3
        for heading, body in notice.sections:
            y += self._text(p, MARGIN_X, y, self.inner, heading, font(9.5, bold=True)) + 0.5
            y += self._text(p, MARGIN_X, y, self.inner, body, font(9)) + 3
        y += 4
        half = self.inner / 2
        self._text(p, MARGIN_X + half, y, half, notice.receipt[1], font(9), CENTRE)
        y += 6
        self._text(p, MARGIN_X, y, half, notice.office_title, font(9), CENTRE)
        self._text(p, MARGIN_X + half, y, half, notice.receipt[0], font(9), CENTRE)
        y += 26
        who = notice.person[0][1] if notice.person else "(.................................)"
        self._text(p, MARGIN_X, y, half, notice.office_name, font(9, bold=True), CENTRE)
        self._text(p, MARGIN_X + half, y, half, who, font(9, bold=True), CENTRE)
        p.setPen(QColor("#444444"))
        self._text(p, MARGIN_X, self.height - 12, self.inner, notice.footer, font(7))


def paint_notices(
    device: QPagedPaintDevice,
    notices: Sequence[Notice],
    paper: Paper,
    *,
    path: Path | None = None,
    progress: Progress | None = None,
    cancelled: CancelCheck = never_cancelled,
) -> int:
    """One page per notice on a printer or PDF writer set to ``paper``; returns the pages."""
    painter = _NoticePainter(device, paper)
    p = QPainter()
    begin(p, device, path)
    try:
        for n, notice in enumerate(notices):
            if cancelled():
                raise CancelledError()
            if n:
                device.newPage()
            painter.page(p, notice)
            if progress:
                progress(n + 1, len(notices))
    finally:
        p.end()
    return len(notices)


def write_notices_pdf(path: Path, notices: Sequence[Notice], paper: Paper, **kw: object) -> int:
    pages = [0]

    def paint(device: QPagedPaintDevice, target: Path) -> None:
        pages[0] = paint_notices(device, notices, paper, path=target, **kw)  # type: ignore[arg-type]

    write_pdf(path, paper, "Pemberitahuan pengolahan data pribadi", paint)
    return pages[0]
