"""The user guide: F1 on every page opens the section about it, the contents and the links lead
where they say, the search finds, and the printable PDF holds the whole guide with its pictures."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QTextDocument
from pytestqt.qtbot import QtBot

from kudus_desktop.core.rules.codes import Mode
from kudus_desktop.gui.help_window import HelpWindow
from kudus_desktop.gui.main_window import MainWindow
from kudus_desktop.render import guide
from tests.gui.conftest import settle

SOURCE = guide.guide_path().read_text(encoding="utf-8")


def _open_guide(qtbot: QtBot, window: MainWindow) -> HelpWindow:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # the guide closed a moment ago gives the focus back
    qtbot.keyClick(window.pages.currentWidget(), Qt.Key.Key_F1)  # F1 wherever the focus is on the page
    assert window.help_window is not None and window.help_window.isVisible()
    return window.help_window


def test_f1_opens_the_guide_at_the_section_of_the_page_on_screen(qtbot: QtBot, window: MainWindow) -> None:
    window.resize(1366, 728)
    window.show()
    qtbot.waitExposed(window)
    keys = [window.navigation.item(row).data(Qt.ItemDataRole.UserRole) for row in range(window.navigation.count())]
    assert keys == ["beranda", "peserta", "persetujuan", "iuran", "impor", "sinkronisasi", "pengaturan"]
    for key in keys:
        window.show_page(key)
        settle(qtbot)
        help_window = _open_guide(qtbot, window)
        shown = help_window.current_section()
        assert shown is not None and shown.slug == guide.topic(Mode.DESA, key), key
        assert help_window.contents.currentItem().text(0) == shown.title
        help_window.close()
    assert sum(1 for w in window.findChildren(HelpWindow)) == 1, "one guide window, shown again"


def test_the_guide_is_in_the_help_menu_and_covers_each_role(window: MainWindow) -> None:
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Bantuan")
    titles = [a.text() for a in help_menu.actions()]
    assert titles[0] == "&Panduan pengguna"
    assert window.guide_action.shortcut().toString() == "F1"
    headings = {s.title for s in guide.sections(guide.guide_document())}
    roles = ("Tugas operator desa", "Tugas verifikator", "Tugas admin kantor", "Tugas operator kabupaten")
    for part in (*roles, "Kebutuhan sistem", "Lupa kata sandi admin", "Mencetak kartu peserta", "Persetujuan", "BPJS"):
        assert part in headings, part


def test_every_topic_link_and_picture_of_the_guide_exists(qapp: object) -> None:
    doc = guide.guide_document()
    slugs = {s.slug for s in guide.sections(doc)}
    missing_topics = {page: slug for page, slug in guide.TOPICS.items() if slug not in slugs}
    assert not missing_topics
    links = re.findall(r"\]\(#([^)]+)\)", SOURCE)
    assert links and all(link in slugs for link in links), set(links) - slugs
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", SOURCE)
    assert len(pictures) >= 10
    for name in pictures:  # each beside the source, as the bundle ships it, and loaded
        assert (guide.guide_path().parent / name).resolve().is_file(), name
        loaded = doc.resource(QTextDocument.ResourceType.ImageResource, QUrl(name))
        assert loaded is not None and not loaded.isNull(), name
    spec = (Path(__file__).parents[2] / "installer" / "kudus-desktop.spec").read_text(encoding="utf-8")
    assert '"docs" / "screenshots"), "docs/screenshots"' in spec


def test_contents_links_and_search_lead_where_they_say(qtbot: QtBot) -> None:
    help_window = HelpWindow()
    qtbot.addWidget(help_window)
    help_window.resize(1024, 700)
    help_window.show()
    qtbot.waitExposed(help_window)
    item = help_window._items["ganda"]
    help_window.contents.itemClicked.emit(item, 0)
    assert help_window.current_section().slug == "ganda"  # type: ignore[union-attr]
    help_window.text.anchorClicked.emit(QUrl("#berkas-pemulihan-admin"))
    assert help_window.current_section().slug == "berkas-pemulihan-admin"  # type: ignore[union-attr]

    qtbot.keyClicks(help_window.search, "kalibrasi")
    assert "kalibrasi" in help_window.text.textCursor().selectedText().lower()
    assert not help_window.found.text()
    help_window.search.clear()
    qtbot.keyClicks(help_window.search, "zzqxv")
    assert help_window.found.text() == "Tidak ditemukan"

    # Pictures follow the pane's width: no sideways scrolling in a narrow window.
    help_window.resize(700, 600)
    settle(qtbot)
    assert help_window.text.horizontalScrollBar().maximum() == 0


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_the_guide_saved_as_pdf_holds_every_section_and_picture(tmp_path: Path, qapp: object) -> None:
    target = tmp_path / "Panduan Kudus Desktop.pdf"
    guide.write_guide_pdf(target)
    text = subprocess.run(["pdftotext", "-layout", str(target), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(unicodedata.normalize("NFKC", text).split())  # the font's "fi" ligature read back as f, i
    doc = guide.guide_document()
    at = 0
    for section in guide.sections(doc):  # every heading, in the guide's order
        found = flat.find(" ".join(section.title.split()), at)
        assert found >= 0, section.title
        at = found
    assert "Rp16.800" in flat and "Lupa kata sandi admin" in flat
    info = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    assert 8 <= pages <= 40
    assert "A4" in info
    images = subprocess.run(["pdfimages", "-list", str(target)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in images.splitlines()[2:] if line.split()[2:3] == ["image"]]
    assert len(rows) == len(re.findall(r"!\[", SOURCE)), "every screenshot is in the PDF"
    assert all(int(r[3]) == 1366 for r in rows), "the pictures keep their full resolution"
    # Each picture inside the page's margins: at most the text width (A4 less 2 x 18 mm) on paper.
    assert all(float(r[12]) >= 1366 / ((210 - 2 * guide.PDF_MARGIN_MM) / 25.4) - 1 for r in rows)
