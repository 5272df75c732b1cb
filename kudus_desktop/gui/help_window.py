"""The user guide in a window of its own: contents on the left, the text on the right, a search
field, and the same guide saved as a PDF or printed. F1 opens it at the current page's section."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QKeySequence, QResizeEvent, QShortcut, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kudus_desktop.core.errors import KudusError
from kudus_desktop.gui import ops
from kudus_desktop.gui.messages import inform, show_error
from kudus_desktop.gui.village.print_dialogs import ask_pdf_path
from kudus_desktop.render.guide import Section, fit_images, guide_document, paint_guide, sections, write_guide_pdf

# Room left beside a picture inside the text pane (its margins and scroll bar).
PICTURE_MARGIN = 48


class HelpWindow(QWidget):
    """One per main window; shown again, not made again, on every F1."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("helpWindow")
        self.setWindowTitle(self.tr("Panduan pengguna — Kudus Desktop"))
        self.text = GuideText()
        self.text.resized.connect(self._fit_pictures)
        self.text.setObjectName("guideText")
        self.text.setOpenLinks(False)
        self.text.anchorClicked.connect(self._follow)
        self.doc: QTextDocument
        self.sections: list[Section] = []
        try:
            self.doc = guide_document()
        except KudusError as exc:
            self.doc = QTextDocument()
            self.doc.setPlainText(str(exc))
        self.doc.setParent(self.text)
        self.text.setDocument(self.doc)
        self.sections = sections(self.doc)

        self.contents = QTreeWidget()
        self.contents.setObjectName("guideContents")
        self.contents.setHeaderHidden(True)
        self.contents.setMinimumWidth(200)
        self._items: dict[str, QTreeWidgetItem] = {}
        parents: dict[int, QTreeWidgetItem] = {}
        for section in self.sections:
            if section.level == 1:
                continue
            above = next((parents[level] for level in range(section.level - 1, 1, -1) if level in parents), None)
            item = QTreeWidgetItem([section.title])
            item.setData(0, Qt.ItemDataRole.UserRole, section.slug)
            item.setToolTip(0, section.title)
            if above is None:
                self.contents.addTopLevelItem(item)
            else:
                above.addChild(item)
            parents = {level: it for level, it in parents.items() if level < section.level}
            parents[section.level] = item
            self._items[section.slug] = item
        self.contents.expandAll()
        self.contents.itemClicked.connect(lambda item, _col: self.show_section(item.data(0, Qt.ItemDataRole.UserRole)))

        self.search = QLineEdit()
        self.search.setObjectName("guideSearch")
        self.search.setPlaceholderText(self.tr("Cari di panduan…"))
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self.find_next)
        self.search.textEdited.connect(lambda _text: self.find_next(from_start=True))
        self.found = QLabel()
        self.found.setObjectName("muted")
        next_button = QPushButton(self.tr("Berikutnya"))
        next_button.clicked.connect(self.find_next)
        pdf_button = QPushButton(self.tr("Simpan PDF…"))
        pdf_button.setObjectName("guidePdf")
        pdf_button.clicked.connect(self.save_pdf)
        print_button = QPushButton(self.tr("Cetak…"))
        print_button.clicked.connect(self.print_guide)
        for keys, act in ((QKeySequence.StandardKey.Find, self.search.setFocus),
                          (QKeySequence.StandardKey.FindNext, self.find_next),
                          (QKeySequence(Qt.Key.Key_Escape), self.close)):  # fmt: skip
            QShortcut(QKeySequence(keys), self).activated.connect(act)

        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(next_button)
        bar.addWidget(self.found)
        bar.addStretch()
        bar.addWidget(pdf_button)
        bar.addWidget(print_button)
        splitter = QSplitter()
        splitter.addWidget(self.contents)
        splitter.addWidget(self.text)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 700])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)

        screen = (parent.screen() if parent is not None else None) or QGuiApplication.primaryScreen()
        room = screen.availableGeometry()
        self.resize(min(1100, room.width() - 40), min(820, room.height() - 60))

    def show_section(self, slug: str | None) -> bool:
        """Scroll so that the section's heading is at the top; false when the guide has none."""
        section = next((s for s in self.sections if s.slug == slug), None)
        if section is None:
            return False
        block = self.doc.findBlock(section.position)
        top = self.doc.documentLayout().blockBoundingRect(block).top()
        self.text.verticalScrollBar().setValue(int(top))
        item = self._items.get(section.slug)
        if item is not None:
            self.contents.setCurrentItem(item)
        return True

    def current_section(self) -> Section | None:
        """The last section whose heading is at or above the top of the text pane."""
        top = self.text.verticalScrollBar().value()
        layout = self.doc.documentLayout()
        shown = None
        for section in self.sections:
            if layout.blockBoundingRect(self.doc.findBlock(section.position)).top() <= top + 1:
                shown = section
        return shown

    def open_at(self, slug: str | None) -> None:
        self.show()
        self.raise_()
        self.activateWindow()
        if not self.show_section(slug):
            self.text.verticalScrollBar().setValue(0)

    def _follow(self, url: QUrl) -> None:
        if url.hasFragment() and not url.path().strip("/"):
            self.show_section(url.fragment())
        elif url.scheme() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)

    def find_next(self, *, from_start: bool = False) -> None:
        words = self.search.text().strip()
        if not words:
            self.found.clear()
            return
        if from_start:
            cursor = self.text.textCursor()
            cursor.setPosition(0)
            self.text.setTextCursor(cursor)
        if self.text.find(words):
            self.found.clear()
            return
        # Past the last match: start again at the top, once.
        cursor = self.text.textCursor()
        cursor.setPosition(0)
        self.text.setTextCursor(cursor)
        self.found.setText("" if self.text.find(words) else self.tr("Tidak ditemukan"))

    def save_pdf(self) -> None:
        path = ask_pdf_path(self, self.tr("Simpan panduan sebagai PDF"), "Panduan Kudus Desktop.pdf")
        if path is None:
            return
        ops.run_job(
            self,
            self.tr("Menulis panduan…"),
            lambda _progress, _cancelled: write_guide_pdf(path),
            lambda _none: inform(self, self.tr("Panduan"), self.tr("Panduan disimpan di {path}.").format(path=path)),
        )

    def print_guide(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            paint_guide(printer)
        except KudusError as exc:
            show_error(self, exc)

    def _fit_pictures(self) -> None:
        """Pictures as wide as the text pane, so a screenshot reads without scrolling sideways;
        the section being read stays at the top."""
        kept = self.current_section()
        fit_images(self.doc, max(200, self.text.viewport().width() - PICTURE_MARGIN))
        if kept is not None:
            self.show_section(kept.slug)


class GuideText(QTextBrowser):
    """The text pane, telling its window when its width changes."""

    resized = Signal()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.resized.emit()
