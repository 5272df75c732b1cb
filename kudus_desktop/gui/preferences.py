"""Per-PC preferences (language, window geometry) in QSettings, each key declared once."""

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
