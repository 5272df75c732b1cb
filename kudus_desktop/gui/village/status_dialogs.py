"""Ending a participation and reactivating it: a reason and a date, never a delete."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from kudus_desktop.core.enrolment.participants import ParticipantService
from kudus_desktop.core.errors import ValidationError
from kudus_desktop.core.rules.codes import ExitReason
from kudus_desktop.core.rules.dates import format_date
from kudus_desktop.core.rules.records import OpChanges, ParticipantView
from kudus_desktop.gui.messages import code_text, issue_text, show_error
from kudus_desktop.gui.ops import run_db
from kudus_desktop.gui.theme import mark_invalid


class _StatusDialog(QDialog):
    def __init__(self, service: ParticipantService, participant: ParticipantView, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.service = service
        self.participant = participant
        self.changes = OpChanges()
        self.setModal(True)
        self.setMinimumWidth(440)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("errorBanner")
        self.error.setWordWrap(True)
        self.error.hide()
        self.form = QFormLayout()
        self.date = QLineEdit(format_date(service.today()))
        self.date.setObjectName("date")
        self.date.setPlaceholderText(self.tr("hh/bb/tttt"))
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(self.tr("Simpan"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.tr("Batal"), QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.error)
        layout.addLayout(self.form)
        layout.addWidget(buttons)

    #: the service call each dialog makes; defined by the subclasses
    _apply: Callable[[], OpChanges]

    def accept(self) -> None:
        # Saved on the database thread; the dialog closes when the save is done.
        if not self.ok_button.isEnabled():
            return
        self.ok_button.setEnabled(False)
        run_db(self, self._apply, self._saved, self._refused)

    def _saved(self, changes: OpChanges) -> None:
        self.changes = changes
        super().accept()

    def _refused(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            self.error.setText("\n".join(issue_text(i) for i in exc.issues))
            self.error.show()
            mark_invalid(self.date, any(i.field in ("exit_date", "start_date") for i in exc.issues))
        else:
            show_error(self, exc)


class EndParticipationDialog(_StatusDialog):
    """Ask why and from when a participation ends."""

    def __init__(
        self, service: ParticipantService, participant: ParticipantView, parent: QWidget | None = None
    ) -> None:
        super().__init__(service, participant, parent)
        self.setWindowTitle(self.tr("Hentikan kepesertaan"))
        self.intro.setText(
            self.tr("Kepesertaan {name} ({reg}) akan dihentikan setelah Anda memilih alasan dan tanggalnya. "
                    "Datanya tetap tersimpan beserta riwayatnya dan dapat diaktifkan kembali.").format(
                name=participant.full_name, reg=participant.reg_no)
        )  # fmt: skip
        self.reason = QComboBox()
        self.reason.setObjectName("reason")
        self.reason.addItem(self.tr("— pilih alasan —"), "")
        for r in ExitReason:
            self.reason.addItem(code_text("exit_reason", r.value), r.value)
        self.form.addRow(self.tr("Alasan *"), self.reason)
        self.form.addRow(self.tr("Tanggal berhenti *"), self.date)
        self.reason.setFocus()

    def _apply(self) -> OpChanges:
        return self.service.end(self.participant.id, str(self.reason.currentData() or ""), self.date.text())


class ReactivateDialog(_StatusDialog):
    """Ask from when an ended participation is active again."""

    def __init__(
        self, service: ParticipantService, participant: ParticipantView, parent: QWidget | None = None
    ) -> None:
        super().__init__(service, participant, parent)
        self.setWindowTitle(self.tr("Aktifkan kembali"))
        self.intro.setText(
            self.tr("{name} ({reg}) berhenti sejak {date} karena {reason}. Kepesertaannya diaktifkan kembali "
                    "mulai tanggal berikut.").format(
                name=participant.full_name,
                reg=participant.reg_no,
                date=format_date(participant.exit_date),
                reason=code_text("exit_reason", participant.exit_reason).lower(),
            )
        )  # fmt: skip
        self.form.addRow(self.tr("Aktif kembali mulai *"), self.date)
        self.date.setFocus()

    def _apply(self) -> OpChanges:
        return self.service.reactivate(self.participant.id, self.date.text())
