"""The user guide: one Markdown source (``resources/guide/panduan.md``), shown in the help
window and written as a printable PDF from the same document.

The source also reads on GitHub: its pictures are paths relative to it (the screenshots in
``docs/screenshots``, shipped in the bundle under the same path) and its links to sections use
GitHub's heading anchors, which :func:`slug` reproduces.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMarginsF, QUrl
from PySide6.QtGui import (
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPixmap,
    QTextCursor,
    QTextDocument,
    QTextImageFormat,
)

from kudus_desktop.core.errors import KudusError
from kudus_desktop.core.paths import resource_path
from kudus_desktop.core.rules.card_layout import Paper
from kudus_desktop.core.rules.codes import Mode
from kudus_desktop.render.paper import font, write_pdf

GUIDE_FILE = ("guide", "panduan.md")
#: The section F1 opens on each page, by the office's mode; a test checks every one exists.
TOPICS: dict[tuple[Mode, str], str] = {
    (Mode.DESA, "beranda"): "beranda-desa",
    (Mode.DESA, "peserta"): "peserta-mencari-dan-menyaring",
    (Mode.DESA, "persetujuan"): "persetujuan",
    (Mode.DESA, "iuran"): "iuran-tagihan-pembayaran-anggaran-tarif",
    (Mode.DESA, "impor"): "impor-daftar-calon-peserta-dari-excel",
    (Mode.DESA, "sinkronisasi"): "sinkronisasi-dengan-kabupaten",
    (Mode.DESA, "pengaturan"): "pengaturan",
    (Mode.KABUPATEN, "beranda"): "beranda-kabupaten",
    (Mode.KABUPATEN, "peserta"): "peserta-mencari-dan-menyaring",
    (Mode.KABUPATEN, "impor"): "impor-daftar-calon-peserta-dari-excel",
    (Mode.KABUPATEN, "sinkronisasi"): "sinkronisasi-desa",
    (Mode.KABUPATEN, "ganda"): "ganda",
    (Mode.KABUPATEN, "bpjs"): "bpjs",
    (Mode.KABUPATEN, "pengaturan"): "pengaturan",
}
PDF_MARGIN_MM = 18.0
PDF_POINT_SIZE = 10.0


@dataclass(frozen=True, slots=True)
class Section:
    level: int  # 1 is the title, 2 a part, 3 and 4 a task
    title: str
    slug: str
    position: int  # where its heading starts in the document


def guide_path() -> Path:
    return resource_path(*GUIDE_FILE)


def slug(title: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = unicodedata.normalize("NFKC", title).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def guide_document(image_width: float | None = None) -> QTextDocument:
    """The guide laid out by Qt's Markdown reader, its pictures loaded from beside the source
    and no wider than ``image_width`` (device units of where it is shown)."""
    path = guide_path()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise KudusError("guide_missing", path=str(path)) from exc
    doc = QTextDocument()
    doc.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, "Panduan Kudus Desktop")
    doc.setBaseUrl(QUrl.fromLocalFile(str(path)))
    doc.setMarkdown(text, QTextDocument.MarkdownFeature.MarkdownDialectGitHub)
    _load_images(doc, path.parent)
    if image_width is not None:
        fit_images(doc, image_width)
    return doc


def _images(doc: QTextDocument) -> list[tuple[int, int, QTextImageFormat]]:
    found = []
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.isValid() and fragment.charFormat().isImageFormat():
                found.append((fragment.position(), fragment.length(), fragment.charFormat().toImageFormat()))
            it += 1
        block = block.next()
    return found


def _load_images(doc: QTextDocument, folder: Path) -> None:
    """Each picture registered under the name the text uses, so the window and the PDF alike
    find it; a missing one keeps its place empty rather than failing the guide."""
    for _pos, _length, image in _images(doc):
        name = image.name()
        picture = QImage(str((folder / name).resolve()))
        if not picture.isNull():
            doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), picture)


def fit_images(doc: QTextDocument, width: float) -> None:
    """Pictures scaled down to ``width`` keeping their proportions (never up)."""
    for pos, length, image in _images(doc):
        picture = doc.resource(QTextDocument.ResourceType.ImageResource, QUrl(image.name()))
        if not isinstance(picture, QImage | QPixmap) or picture.isNull():
            continue  # a picture that is not there keeps an empty place
        scale = min(1.0, width / picture.width())
        image.setWidth(picture.width() * scale)
        image.setHeight(picture.height() * scale)
        cursor = QTextCursor(doc)
        cursor.setPosition(pos)
        cursor.setPosition(pos + length, QTextCursor.MoveMode.KeepAnchor)
        cursor.setCharFormat(image)


def sections(doc: QTextDocument) -> list[Section]:
    found = []
    block = doc.begin()
    while block.isValid():
        level = block.blockFormat().headingLevel()
        if level:
            found.append(Section(level, block.text(), slug(block.text()), block.position()))
        block = block.next()
    return found


def topic(mode: Mode | str, page: str) -> str | None:
    """The section about ``page`` of an office in ``mode``, if the guide has one."""
    return TOPICS.get((Mode(mode), page))


def paint_guide(device: QPagedPaintDevice) -> None:
    """The guide on A4 with margins and page numbers, in the bundled font, on a PDF or a printer."""
    margins = QMarginsF(PDF_MARGIN_MM, PDF_MARGIN_MM, PDF_MARGIN_MM, PDF_MARGIN_MM)
    device.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait, margins, QPageLayout.Unit.Millimeter
        )
    )
    doc = guide_document()
    doc.setDefaultFont(font(PDF_POINT_SIZE))
    # print_ lays the text out in points across the page's printable width.
    fit_images(doc, device.pageLayout().paintRect(QPageLayout.Unit.Point).width())
    doc.print_(device)


def write_guide_pdf(path: Path) -> None:
    write_pdf(path, Paper.A4, "Panduan Kudus Desktop", lambda device, _target: paint_guide(device))
