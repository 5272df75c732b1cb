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


def _printer_key(printer: str, what: str = "offsets") -> str:
    # QSettings treats '/' and '\\' as group separators; printer names may hold either.
    return what + "/" + "".join(ch if ch.isalnum() else "_" for ch in printer or "pdf")


def _pair(raw: object) -> tuple[float, float] | None:
    try:
        x, y = (float(v) for v in str(raw).split(","))
    except ValueError:
        return None
    return x, y


def printer_offsets(printer: str) -> tuple[float, float]:
    """The shift (mm, right and down) of the fronts measured for one printer with the calibration page."""
    return _pair(_settings().value(_printer_key(printer), "0,0")) or (0.0, 0.0)


def set_printer_offsets(printer: str, x: float, y: float) -> None:
    _settings().setValue(_printer_key(printer), f"{x:.1f},{y:.1f}")


def printer_back_offsets(printer: str) -> tuple[float, float]:
    """The backs' own shift on one printer; the fronts' until it was measured apart."""
    return _pair(_settings().value(_printer_key(printer, "back_offsets"), "")) or printer_offsets(printer)


def set_printer_back_offsets(printer: str, x: float, y: float) -> None:
    _settings().setValue(_printer_key(printer, "back_offsets"), f"{x:.1f},{y:.1f}")


def printer_sides(printer: str) -> str:
    """How cards go on this printer's paper (a CardSides value): duplex unless chosen otherwise."""
    return str(_settings().value(_printer_key(printer, "card_sides"), "dupleks"))


def set_printer_sides(printer: str, sides: str) -> None:
    _settings().setValue(_printer_key(printer, "card_sides"), sides)


def printer_backs_reversed(printer: str) -> bool:
    """Manual duplex on this printer prints the backs from the last sheet first."""
    return str(_settings().value(_printer_key(printer, "backs_reversed"), "false")).lower() == "true"


def set_printer_backs_reversed(printer: str, reversed_: bool) -> None:
    _settings().setValue(_printer_key(printer, "backs_reversed"), "true" if reversed_ else "false")


def column_choices(table: str) -> str:
    """The columns the clerk showed or hid in one table, as JSON (``{"8": false}``)."""
    return str(_settings().value(f"columns/{table}", ""))


def set_column_choices(table: str, value: str) -> None:
    _settings().setValue(f"columns/{table}", value)
