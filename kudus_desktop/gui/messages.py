"""Turning core codes into translated text, and the one place errors are shown."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from kudus_desktop.core.errors import CancelledError, KudusError, ValidationError
from kudus_desktop.core.rules.labels import (
    CODE_CONTEXT,
    CODE_PARAMS,
    CODES,
    FIELD_CONTEXT,
    FIELDS,
    MESSAGE_CONTEXT,
    MESSAGES,
)
from kudus_desktop.core.rules.validation import Issue
from kudus_desktop.gui.theme import mark_invalid

log = logging.getLogger(__name__)


def _tr(context: str, text: str) -> str:
    return QCoreApplication.translate(context, text)


def field_text(field: str) -> str:
    """Translated label of a participant or setup field."""
    return _tr(FIELD_CONTEXT, FIELDS[field]) if field in FIELDS else field


def code_text(group: str, code: str | None) -> str:
    """Translated label of a stored code (category, status, reason ...)."""
    if not code:
        return ""
    key = f"{group}:{code}"
    return _tr(CODE_CONTEXT, CODES[key]) if key in CODES else code


def message_text(code: str, params: Mapping[str, object] | None = None) -> str:
    """Translated sentence for a message code with its parameters filled in."""
    values = dict((params or {}).items())
    if "field" in values:
        values["field"] = field_text(str(values["field"]))
    for name, group in CODE_PARAMS.get(code, {}).items():
        values[name] = code_text(group, str(values.get(name, "")))
    template = _tr(MESSAGE_CONTEXT, MESSAGES[code]) if code in MESSAGES else code
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return template


def issue_text(issue: Issue) -> str:
    return message_text(issue.code, {"field": issue.field, **issue.params})


def error_text(exc: BaseException) -> str:
    if isinstance(exc, ValidationError):
        return "\n".join(issue_text(i) for i in exc.issues)
    if isinstance(exc, KudusError):
        return message_text(exc.code, exc.params)
    return QCoreApplication.translate(
        "Pesan", "Terjadi kesalahan yang tidak terduga: {detail}. Rinciannya dicatat di log."
    ).format(detail=exc)


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    """Show a failure to the user; a cancel is silent, an unexpected error is logged."""
    if isinstance(exc, CancelledError):
        return
    if not isinstance(exc, KudusError):
        log.error("unexpected error", exc_info=exc)
    box = QMessageBox(
        QMessageBox.Icon.Warning, QCoreApplication.translate("Pesan", "Kudus Desktop"), error_text(exc), parent=parent
    )
    box.addButton(QCoreApplication.translate("Pesan", "Tutup"), QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def ask(parent: QWidget | None, title: str, text: str, yes: str, no: str) -> bool:
    """A yes/no question with our own (translated) button texts; true when ``yes`` was chosen."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    no_button = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no_button)
    box.setEscapeButton(no_button)
    box.exec()
    return box.clickedButton() is yes_button


def inform(parent: QWidget | None, title: str, text: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Information, title, text, parent=parent)
    box.addButton(QCoreApplication.translate("Pesan", "Tutup"), QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def show_on_form(banner: QLabel, fields: Mapping[str, QWidget], exc: BaseException | None) -> None:
    """A form's answer: the fields a refusal names are marked and its sentences shown in the
    banner above the buttons; ``None`` (saved) clears both. Any other failure is a message box."""
    if exc is not None and not isinstance(exc, ValidationError):
        show_error(banner.window(), exc)
        return
    bad = {i.field for i in exc.issues} if exc is not None else set()
    for name, widget in fields.items():
        mark_invalid(widget, name in bad)
    banner.setText("\n".join(issue_text(i) for i in exc.issues) if exc is not None else "")
    banner.setVisible(exc is not None)
