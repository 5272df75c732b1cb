"""Fonts, paper and millimetre coordinates shared by the card and list painters."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF
from PySide6.QtGui import QFont, QFontDatabase, QPagedPaintDevice, QPageLayout, QPageSize, QPainter, QPdfWriter

from kudus_desktop.core.errors import KudusError
from kudus_desktop.core.paths import resource_path
from kudus_desktop.core.rules.card_layout import PAPER_MM, Paper

FALLBACK_FAMILY = "DejaVu Sans"
PDF_DPI = 1200  # the PDF is vector; this only sets how finely positions are rounded


@cache
def font_family() -> str:
    """The bundled DejaVu Sans Condensed, registered once, so every machine lays out the same."""
    family = ""
    for name in ("DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf"):
        font_id = QFontDatabase.addApplicationFont(str(resource_path("fonts", name)))
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        family = family or (families[0] if families else "")
    return family or FALLBACK_FAMILY


def font(point_size: float, *, bold: bool = False) -> QFont:
    f = QFont(font_family())
    f.setPointSizeF(point_size)
    f.setBold(bold)
    # Metrics must not snap to whole device pixels, or text measured for the preview
    # would wrap differently on a printer of another resolution.
    f.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return f


def page_size(paper: Paper) -> QPageSize:
    width, height = PAPER_MM[paper]
    if paper == Paper.A4:
        return QPageSize(QPageSize.PageSizeId.A4)
    return QPageSize(QSizeF(width, height), QPageSize.Unit.Millimeter, "F4", QPageSize.SizeMatchPolicy.ExactMatch)


#: How far a printer's own paper size may differ from ours and still be taken for it.
MATCH_MM = 1.0


def printer_page_size(paper: Paper, offered: Sequence[QPageSize]) -> QPageSize:
    """The printer's own size for ``paper`` when it offers one within :data:`MATCH_MM` (drivers
    call F4 "Folio", "F4" or "8.5x13", at 215.9 x 330.2 mm), so the driver feeds the tray it
    knows rather than a custom size it may refuse or scale; otherwise our own. Qt's "Folio"
    (210 x 330 mm) is another paper and is not taken."""
    width, height = PAPER_MM[paper]
    for size in offered:
        mm = size.size(QPageSize.Unit.Millimeter)
        if abs(mm.width() - width) <= MATCH_MM and abs(mm.height() - height) <= MATCH_MM:
            return size
    return page_size(paper)


def full_page_layout(paper: Paper, offered: Sequence[QPageSize] = ()) -> QPageLayout:
    """Portrait, no margins: coordinates start at the paper's corner; the layouts keep clear of edges."""
    size = printer_page_size(paper, offered)
    return QPageLayout(size, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0))


def pdf_writer(path: Path, paper: Paper, title: str) -> QPdfWriter:
    writer = QPdfWriter(str(path))
    writer.setResolution(PDF_DPI)
    writer.setPageLayout(full_page_layout(paper))
    writer.setTitle(title)
    writer.setCreator("Kudus Desktop")
    return writer


class Mm:
    """Millimetres to device units for one paint device; fonts keep their point sizes."""

    def __init__(self, device: QPagedPaintDevice) -> None:
        self.k = device.logicalDpiX() / 25.4
        self.ky = device.logicalDpiY() / 25.4

    def rect(self, x: float, y: float, w: float, h: float) -> QRectF:
        return QRectF(x * self.k, y * self.ky, w * self.k, h * self.ky)

    def x(self, value: float) -> float:
        return value * self.k

    def y(self, value: float) -> float:
        return value * self.ky


def begin(painter: QPainter, device: QPagedPaintDevice, path: Path | None) -> None:
    """Start painting or say which file could not be written."""
    if not painter.begin(device):
        if path is not None:
            raise KudusError("pdf_write_failed", path=str(path))
        raise KudusError("print_failed", printer=getattr(device, "printerName", lambda: "")())


def write_pdf(
    path: Path,
    paper: Paper,
    title: str,
    paint: Callable[[QPagedPaintDevice, Path], object],
) -> None:
    """Paint into a temporary file beside ``path`` and move it into place only when complete."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.touch()  # Qt only says "could not begin"; this names the folder that refuses
    except OSError:
        raise KudusError("pdf_write_failed", path=str(path)) from None
    writer = pdf_writer(tmp, paper, title)
    try:
        paint(writer, path)
        del writer
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
