"""Look and feel: Fusion style, a calm palette, icons from ``resources/icons``."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QColor, QIcon, QPalette, QPixmap
from PySide6.QtWidgets import QApplication, QWidget

from kudus_desktop.core.paths import resource_path

ACCENT = "#1f6f5c"
MUTED = "#6b7785"
ERROR_BG = "#fdecea"
ERROR_FG = "#9b1c1c"

STYLE_SHEET = f"""
QListWidget#navigation {{
    background: #f1f4f3; border: none; border-right: 1px solid #d9dfdd; font-size: 10.5pt;
    padding-top: 8px; outline: 0;
}}
QListWidget#navigation::item {{ padding: 9px 10px; border-radius: 6px; margin: 1px 8px; color: #23302c; }}
QListWidget#navigation::item:selected {{ background: {ACCENT}; color: white; }}
QListWidget#navigation::item:hover:!selected {{ background: #e2e9e6; }}
QLabel#pageTitle {{ font-size: 15pt; font-weight: 600; color: #1b2a26; }}
QLabel#muted, QLabel#emptyState {{ color: {MUTED}; }}
QLabel#emptyState {{ font-size: 11pt; }}
QFrame#card {{ background: white; border: 1px solid #dfe5e3; border-radius: 8px; }}
QLabel#cardValue {{ font-size: 20pt; font-weight: 600; color: {ACCENT}; }}
QLabel#cardTitle {{ color: {MUTED}; }}
QPushButton#updateNotice {{ background: {ACCENT}; color: white; font-weight: 600; border: none; border-radius: 4px;
    padding: 2px 10px; }}
QLabel#errorBanner {{ background: {ERROR_BG}; color: {ERROR_FG}; border: 1px solid #f5c2c0; border-radius: 6px;
    padding: 6px 8px; }}
QLabel#reviewBanner {{ background: #fff6e0; color: #6b4a00; border: 1px solid #f0d9a0; border-radius: 6px;
    padding: 6px 8px; }}
QLabel#standingInfo {{ color: {MUTED}; padding: 2px 0; }}
QLabel#standingInfo[rejected="true"] {{ background: #fdecea; color: #9b1c1c; border: 1px solid #f5c2bd;
    border-radius: 6px; padding: 6px 8px; }}
QLabel#nikHint {{ color: {MUTED}; font-size: 9pt; }}
*[invalid="true"] {{ border: 1.5px solid #d93025; border-radius: 3px; }}
"""


def apply_theme(app: QApplication) -> None:
    app.setStyle("Fusion")
    pal = app.palette()
    pal.setColor(QPalette.ColorRole.Window, QColor("#fafbfb"))
    pal.setColor(QPalette.ColorRole.Highlight, QColor(ACCENT))
    pal.setColor(QPalette.ColorRole.AlternateBase, QColor("#f4f7f6"))
    app.setPalette(pal)
    app.setStyleSheet(STYLE_SHEET)
    app.setWindowIcon(icon("kudus"))


@cache
def icon(name: str) -> QIcon:
    """An icon from ``resources/icons/NAME.svg``."""
    return QIcon(str(resource_path("icons", f"{name}.svg")))


@cache
def nav_icon(name: str) -> QIcon:
    """A navigation icon that turns white on the selected (accent-coloured) row."""
    svg = resource_path("icons", f"{name}.svg").read_bytes()
    result = QIcon()
    for mode, data in ((QIcon.Mode.Normal, svg), (QIcon.Mode.Selected, svg.replace(b"#2b5d8a", b"#ffffff"))):
        pixmap = QPixmap()
        pixmap.loadFromData(data, "SVG")
        result.addPixmap(pixmap, mode)
    return result


def mark_invalid(widget: object, invalid: bool) -> None:
    """Set the ``invalid`` property the style sheet draws a red border for."""
    if isinstance(widget, QWidget) and widget.property("invalid") != invalid:
        widget.setProperty("invalid", invalid)
        widget.style().unpolish(widget)
        widget.style().polish(widget)
