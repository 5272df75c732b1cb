"""Per-PC preferences (language, window geometry, print paper, columns) in QSettings, each key declared once."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings

LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
DEFAULT_LANGUAGE = "id"


def _settings() -> QSettings:
    # INI files everywhere: readable by support staff, and tests redirect them with setPath.
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "KudusDesktop", "KudusDesktop")


def language() -> str:
    value = str(_settings().value("ui/language", DEFAULT_LANGUAGE))
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def set_language(code: str) -> None:
    _settings().setValue("ui/language", code if code in LANGUAGES else DEFAULT_LANGUAGE)


def window_geometry() -> QByteArray | None:
    value = _settings().value("window/geometry")
    return value if isinstance(value, QByteArray) else None


def set_window_geometry(value: QByteArray) -> None:
    _settings().setValue("window/geometry", value)


def card_paper() -> str:
    value = str(_settings().value("print/paper", "A4"))
    return value if value in ("A4", "F4") else "A4"


def set_card_paper(paper: str) -> None:
    _settings().setValue("print/paper", paper)


def _printer_key(printer: str) -> str:
    # QSettings treats '/' and '\\' as group separators; printer names may hold either.
    return "offsets/" + "".join(ch if ch.isalnum() else "_" for ch in printer or "pdf")


def printer_offsets(printer: str) -> tuple[float, float]:
    """The shift (mm, right and down) measured for one printer with the calibration page."""
    raw = _settings().value(_printer_key(printer), "0,0")
    try:
        x, y = (float(v) for v in str(raw).split(","))
    except ValueError:
        return 0.0, 0.0
    return x, y


def set_printer_offsets(printer: str, x: float, y: float) -> None:
    _settings().setValue(_printer_key(printer), f"{x:.1f},{y:.1f}")


def column_choices(table: str) -> str:
    """The columns the clerk showed or hid in one table, as JSON (``{"8": false}``)."""
    return str(_settings().value(f"columns/{table}", ""))


def set_column_choices(table: str, value: str) -> None:
    _settings().setValue(f"columns/{table}", value)
