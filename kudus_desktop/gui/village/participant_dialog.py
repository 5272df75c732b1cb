"""The participant form: enrol a new participant or correct one.

Validation lives in the core; the form only highlights the fields a rule names, asks
before saving over warnings, and opens the existing participant when a NIK is taken.
"""

from __future__ import annotations

import itertools
from typing import TypeVar

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from kudus_desktop.core.enrolment.approval import ApprovalItem, ApprovalService, ApprovalState
from kudus_desktop.core.enrolment.participants import ParticipantService
from kudus_desktop.core.enrolment.standing import Standing, StandingInfo
from kudus_desktop.core.errors import ValidationError
from kudus_desktop.core.office.accounts import AccountService
from kudus_desktop.core.rules.codes import Category, Funding, Sex
from kudus_desktop.core.rules.dates import format_date, format_stamp
from kudus_desktop.core.rules.nik import NumberError, parse_nik
from kudus_desktop.core.rules.records import OpChanges, ParticipantView
from kudus_desktop.core.rules.validation import DRAFT_FIELDS, Issue, ParticipantDraft, ValidationResult
from kudus_desktop.core.village.premiums import CoverState, PremiumService, month_label
from kudus_desktop.gui.messages import ask, code_text, field_text, inform, issue_text, show_error
from kudus_desktop.gui.ops import run_db
from kudus_desktop.gui.theme import mark_invalid
from kudus_desktop.gui.village.coverage_strip import CoverageStrip
from kudus_desktop.gui.village.print_dialogs import NoticePrintDialog

W = TypeVar("W", bound=QWidget)

SOURCE_SUGGESTIONS = ("DTKS", "DTSEN", "P3KE", "Dinas Sosial", "Daftar desa")


def _choice_combo(group: str, codes: list[str], placeholder: str) -> QComboBox:
    combo = QComboBox()
    combo.addItem(placeholder, "")
    for code in codes:
        combo.addItem(code_text(group, code), code)
    return combo


class ParticipantDialog(QDialog):
    """New participant when ``participant`` is None, otherwise edit that participant."""

    def __init__(
        self, service: ParticipantService, parent: QWidget | None = None, participant: ParticipantView | None = None
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.editing: ParticipantView | None = None
        self.saved_id: int | None = None
        self.changes = OpChanges()
        self.setModal(True)
        self.setMinimumWidth(860)

        pick = self.tr("— pilih —")
        self.w: dict[str, QWidget] = {}
        e = self._line
        self.nik = e("nik", self.tr("16 digit, tanpa spasi"), 24)
        self.nik_hint = QLabel()
        self.nik_hint.setObjectName("nikHint")
        self.kk = e("kk", self.tr("16 digit"), 24)
        self.full_name = e("full_name", self.tr("sesuai KTP"), 100)
        self.birth_place = e("birth_place", "", 60)
        self.birth_date = e("birth_date", self.tr("hh/bb/tttt"), 30)
        self.sex = self._put("sex", _choice_combo("sex", [s.value for s in Sex], pick))
        self.address = e("address", self.tr("jalan, nomor rumah"), 200)
        self.dusun = self._put("dusun", QComboBox())
        self.dusun.setEditable(True)
        self.dusun.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        # The dusun of the participant's own desa (a village holds only its own).
        self.dusun.addItems(["", *service.filter_options(participant.desa_code if participant else "").dusun])
        self.rt = e("rt", "001", 5)
        self.rw = e("rw", "001", 5)
        self.phone = e("phone", "08xx-xxxx-xxxx", 20)
        self.occupation = e("occupation", self.tr("mis. buruh harian, petani"), 60)
        self.category = self._put("category", _choice_combo("category", [c.value for c in Category], pick))
        self.source_list = self._put("source_list", QComboBox())
        self.source_list.setEditable(True)
        self.source_list.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.source_list.addItems(["", *SOURCE_SUGGESTIONS])
        self.source_date = e("source_date", self.tr("hh/bb/tttt"), 30)
        self.funding = self._put("funding", _choice_combo("funding", [f.value for f in Funding], pick))
        self.start_date = e("start_date", self.tr("hh/bb/tttt"), 30)
        self.term_end = e("term_end", self.tr("hh/bb/tttt; untuk RT/RW, BPD, Linmas, perangkat"), 30)
        for small in (self.rt, self.rw):
            small.setMaximumWidth(70)

        self._errors: list[Issue] = []
        self.banner = QLabel()
        self.banner.setObjectName("errorBanner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        self.record_info = QLabel()
        self.record_info.setObjectName("muted")
        # Where the record stands with the verifikator (waiting, or sent back and why).
        self.standing_info = QLabel()
        self.standing_info.setObjectName("standingInfo")
        self.standing_info.setWordWrap(True)
        self.standing_info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.standing_info.hide()
        self.review_banner = QLabel()
        self.review_banner.setObjectName("reviewBanner")
        self.review_banner.setWordWrap(True)
        self.review_banner.hide()

        identity = QGroupBox(self.tr("Identitas"))
        f1 = QFormLayout(identity)
        nik_box = QVBoxLayout()
        nik_box.setSpacing(2)
        nik_box.addWidget(self.nik)
        nik_box.addWidget(self.nik_hint)
        f1.addRow(self._label("nik", True), nik_box)
        f1.addRow(self._label("kk"), self.kk)
        f1.addRow(self._label("full_name", True), self.full_name)
        f1.addRow(self._label("birth_place"), self.birth_place)
        f1.addRow(self._label("birth_date", True), self.birth_date)
        f1.addRow(self._label("sex", True), self.sex)

        address = QGroupBox(self.tr("Alamat dan kontak"))
        f2 = QFormLayout(address)
        f2.addRow(self._label("address"), self.address)
        f2.addRow(self._label("dusun"), self.dusun)
        rtrw = QHBoxLayout()
        rtrw.addWidget(self.rt)
        rtrw.addWidget(QLabel(self.tr("RW")))
        rtrw.addWidget(self.rw)
        rtrw.addStretch(1)
        f2.addRow(self._label("rt"), rtrw)
        f2.addRow(self._label("phone"), self.phone)
        f2.addRow(self._label("occupation"), self.occupation)

        membership = QGroupBox(self.tr("Kepesertaan"))
        f3 = QFormLayout(membership)
        f3.addRow(self._label("category", True), self.category)
        f3.addRow(self._label("source_list"), self.source_list)
        f3.addRow(self._label("source_date"), self.source_date)
        f3.addRow(self._label("funding", True), self.funding)
        f3.addRow(self._label("start_date", True), self.start_date)
        f3.addRow(self._label("term_end"), self.term_end)

        grid = QGridLayout()
        grid.addWidget(identity, 0, 0)
        grid.addWidget(address, 0, 1)
        grid.addWidget(membership, 1, 0)
        note = QLabel(self.tr("Kolom bertanda * wajib diisi. Enter menyimpan, Esc membatalkan."))
        note.setObjectName("muted")
        note.setWordWrap(True)
        # Premiums of the last twelve months, for a participant who exists (village mode).
        self.strip_label = QLabel(self.tr("Iuran 12 bulan terakhir"))
        self.strip = CoverageStrip()
        self.strip.setObjectName("coverageStrip")
        self.strip_text = QLabel()
        self.strip_text.setObjectName("muted")
        for w in (self.strip_label, self.strip, self.strip_text):
            w.hide()
        side = QVBoxLayout()
        side.addWidget(self.record_info)
        side.addWidget(self.strip_label)
        side.addWidget(self.strip)
        side.addWidget(self.strip_text)
        side.addStretch(1)
        side.addWidget(note)
        grid.addLayout(side, 1, 1)

        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(self.tr("Simpan"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.tr("Batal"), QDialogButtonBox.ButtonRole.RejectRole)
        # UU 27/2022 Pasal 5: the person is told who processes their data, why and on what basis.
        self.notice_button = self.buttons.addButton(
            self.tr("Lembar informasi data pribadi…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.notice_button.setObjectName("noticeButton")
        self.notice_button.clicked.connect(self.print_notice)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.standing_info)
        layout.addWidget(self.review_banner)
        layout.addWidget(self.banner)
        layout.addLayout(grid)
        layout.addWidget(self.buttons)

        order = [self.nik, self.kk, self.full_name, self.birth_place, self.birth_date, self.sex, self.address,
                 self.dusun, self.rt, self.rw, self.phone, self.occupation, self.category, self.source_list,
                 self.source_date, self.funding, self.start_date, self.term_end, self.save_button]  # fmt: skip
        for a, b in itertools.pairwise(order):
            QWidget.setTabOrder(a, b)

        self.nik.textChanged.connect(self._nik_changed)
        self.nik.editingFinished.connect(self._nik_finished)

        if participant is None:
            self.setWindowTitle(self.tr("Peserta baru"))
            self.start_date.setText(format_date(service.today()))
        else:
            self.load(participant)
        self._loaded = self.draft()
        self.nik.setFocus()

    # -- building ------------------------------------------------------------------------

    def _put(self, name: str, widget: W) -> W:
        self.w[name] = widget
        widget.setObjectName(name)
        return widget

    def _line(self, name: str, placeholder: str, max_length: int) -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        edit.setMaxLength(max_length)
        edit.textEdited.connect(lambda _t, n=name: self._corrected(n))
        self._put(name, edit)
        return edit

    def _corrected(self, name: str) -> None:
        """The clerk changed a field an error named: its mark and its line in the list go."""
        mark_invalid(self.w[name], False)
        left = [i for i in self._errors if i.field != name]
        if len(left) != len(self._errors):
            self._show_errors(left)

    def _label(self, field: str, required: bool = False) -> QLabel:
        label = QLabel(field_text(field) + (" *" if required else ""))
        label.setBuddy(self.w[field])
        return label

    # -- load / save ---------------------------------------------------------------------

    def _show_strip(self, months: list[tuple[int, CoverState]]) -> None:
        if not months:
            return
        self.strip.show_months(months)
        worst = [s for _, s in months if s in (CoverState.LAPSED, CoverState.ARREARS)]
        last_paid = [m for m, s in months if s == CoverState.PAID]
        if worst and worst[-1] == CoverState.LAPSED:
            text = self.tr("Gugur: lebih dari 3 bulan tidak dibayar; harus didaftarkan ulang.")
        elif worst:
            text = self.tr("Menunggak {n} bulan.").format(n=len(worst))
        elif last_paid:
            text = self.tr("Lunas sampai {month}.").format(month=month_label(last_paid[-1]))
        else:
            text = self.tr("Belum ada pembayaran tercatat.")
        self.strip_text.setText(text)
        for w in (self.strip_label, self.strip, self.strip_text):
            w.show()

    def load(self, p: ParticipantView) -> None:
        """Show a stored participant for correction."""
        self.editing = p
        premiums = PremiumService(self.service.db, self.service.user, today=self.service.today)
        run_db(self, lambda: premiums.strip(p.id), self._show_strip, lambda _exc: None)
        review = ApprovalService(self.service.db, self.service.user)
        run_db(self, lambda: review.item(p.id), self._show_review, lambda _exc: None)
        run_db(self, lambda: self.service.standing(p.id), self._show_standing, lambda _exc: None)
        self.setWindowTitle(self.tr("Ubah peserta — {name}").format(name=p.full_name))
        for name, value in (
            ("nik", p.nik), ("kk", p.kk), ("full_name", p.full_name), ("birth_place", p.birth_place),
            ("birth_date", format_date(p.birth_date)), ("address", p.address), ("rt", p.rt), ("rw", p.rw),
            ("phone", p.phone), ("occupation", p.occupation), ("source_date", format_date(p.source_date)),
            ("start_date", format_date(p.start_date)), ("term_end", format_date(p.term_end)),
        ):  # fmt: skip
            widget = self.w[name]
            assert isinstance(widget, QLineEdit)
            widget.setText(value)
        for name, code in (("sex", p.sex), ("category", p.category), ("funding", p.funding)):
            combo = self.w[name]
            assert isinstance(combo, QComboBox)
            combo.setCurrentIndex(max(combo.findData(code), 0))
        self.dusun.setCurrentText(p.dusun)
        self.source_list.setCurrentText(p.source_list)
        status = code_text("status", p.status)
        if p.exit_reason:
            status += " — " + code_text("exit_reason", p.exit_reason) + f" ({format_date(p.exit_date)})"
        info = self.tr("No. registrasi: {reg}\nStatus: {status}\nKPJ: {kpj}").format(
            reg=p.reg_no, status=status, kpj=p.kpj or self.tr("belum ada")
        )
        if p.source_id or p.desil:
            info += "\n" + self.tr("Di daftar sumber: ID {id}, desil {desil}").format(
                id=p.source_id or "-", desil=p.desil or "-"
            )
        self.record_info.setText(info)
        self._loaded = self.draft()

    def print_notice(self) -> None:
        """The information sheet for this person (a blank one before they are saved)."""
        ids = [self.editing.id] if self.editing is not None else []
        dialog = NoticePrintDialog(self.service, AccountService(self.service.db).profile(), ids, self)
        dialog.open()
        self.notice_dialog = dialog

    def _show_standing(self, info: StandingInfo | None) -> None:
        """The latest decision about this enrolment, its reason in full (BPJS's words included)."""
        if info is None:
            return
        text = self.tr("Keadaan: {standing}").format(standing=code_text("standing", info.standing))
        if info.at:
            text += self.tr(" (dicatat {when})").format(when=format_stamp(info.at))
        if info.reason:
            text += "\n" + self.tr("Alasan: {reason}").format(reason=info.reason)
        self.standing_info.setText(text)
        self.standing_info.setProperty("rejected", info.standing == Standing.REJECTED)
        self.standing_info.style().unpolish(self.standing_info)  # the style sheet reads the property anew
        self.standing_info.style().polish(self.standing_info)
        self.standing_info.show()

    def _show_review(self, item: ApprovalItem | None) -> None:
        if item is None:
            self.review_banner.hide()
            return
        if item.state == ApprovalState.DECLINED:
            text = self.tr("Dikembalikan oleh {who} ({when}): {reason}\nPerbaiki lalu simpan; data menunggu "
                           "persetujuan lagi.").format(who=item.reviewed_by, when=format_stamp(item.reviewed_at),
                                                       reason=item.reason)  # fmt: skip
        else:
            text = self.tr("Menunggu persetujuan verifikator sejak {when} ({kind}); belum dikirim ke kabupaten "
                           "dan kartunya belum dapat dicetak.").format(
                when=format_stamp(item.submitted_at), kind=code_text("review_kind", item.kind).lower()
            )  # fmt: skip
        self.review_banner.setText(text)
        self.review_banner.show()

    def draft(self) -> ParticipantDraft:
        """The form's values as typed."""
        values: dict[str, str] = {}
        for name in DRAFT_FIELDS:
            widget = self.w[name]
            if isinstance(widget, QLineEdit):
                values[name] = widget.text()
            elif isinstance(widget, QComboBox):
                values[name] = widget.currentText() if widget.isEditable() else str(widget.currentData() or "")
        return ParticipantDraft(**values)

    def is_dirty(self) -> bool:
        return self.draft() != self._loaded

    # -- NIK helpers ---------------------------------------------------------------------

    def _nik_changed(self, text: str) -> None:
        try:
            info = parse_nik(text)
        except NumberError:
            self.nik_hint.setText(self.tr("{n}/16 digit").format(n=sum(ch.isdigit() for ch in text)))
            return
        birth = info.birth_date_guess(self.service.today())
        self.nik_hint.setText(
            self.tr("{sex}, lahir {date}, wilayah {region}").format(
                sex=code_text("sex", info.sex), date=format_date(birth), region=info.region
            )
        )
        # Fill what the NIK already says, only where nothing was typed yet.
        if not self.birth_date.text().strip():
            self.birth_date.setText(format_date(birth))
        if not self.sex.currentData():
            self.sex.setCurrentIndex(self.sex.findData(info.sex))

    def _nik_finished(self) -> None:
        if self.editing is not None:
            return
        existing = self.service.find_by_nik(self.nik.text())
        if existing is not None:
            self._open_existing(existing.id)

    def _open_existing(self, participant_id: int) -> None:
        p = self.service.get(participant_id)
        inform(
            self,
            self.tr("NIK sudah terdaftar"),
            self.tr(
                "NIK {nik} sudah terdaftar atas nama {name} ({reg}). "
                "Data peserta tersebut dibuka untuk dilihat atau diubah."
            ).format(nik=p.nik, name=p.full_name, reg=p.reg_no),
        )
        self.load(p)

    # -- validation ----------------------------------------------------------------------

    def show_issues(self, issues: tuple[Issue, ...]) -> None:
        """Highlight every field an error names and list the errors above the form."""
        errors = [i for i in issues if i.severity == "error"]
        bad = {i.field for i in errors}
        for name, widget in self.w.items():
            mark_invalid(widget, name in bad)
        self._show_errors(errors)
        first = next((self.w[n] for n in DRAFT_FIELDS if n in bad), None)
        if first is not None:
            first.setFocus()

    def _show_errors(self, errors: list[Issue]) -> None:
        self._errors = errors
        self.banner.setText("\n".join("• " + issue_text(i) for i in errors))
        self.banner.setVisible(bool(errors))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # The first field gets the focus as if by Tab, which selects its whole text: the first key
        # would replace a stored NIK. The cursor goes to the end instead.
        QTimer.singleShot(0, self._place_cursor)

    def _place_cursor(self) -> None:
        focused = self.focusWidget()
        if isinstance(focused, QLineEdit):
            focused.deselect()
            focused.end(False)

    def accept(self) -> None:
        # Checked, then saved, on the database thread; the form stays usable only for reading
        # meanwhile and closes when the save is done.
        if not self.save_button.isEnabled():
            return
        draft = self.draft()
        editing_id = self.editing.id if self.editing else None
        self.save_button.setEnabled(False)
        run_db(self, lambda: self.service.check(draft, editing_id), lambda r: self._checked(draft, r), self._refused)

    def _checked(self, draft: ParticipantDraft, result: ValidationResult) -> None:
        duplicate = next((i for i in result.errors if i.code == "nik_registered"), None)
        if duplicate is not None and self.editing is None:
            self.save_button.setEnabled(True)
            self._open_existing(int(str(duplicate.params["participant_id"])))
            return
        self.show_issues(result.issues)
        if result.errors:
            self.save_button.setEnabled(True)
            return
        if result.warnings:
            text = "\n".join("• " + issue_text(i) for i in result.warnings)
            if not ask(
                self,
                self.tr("Periksa kembali"),
                self.tr("Ada yang perlu diperiksa:\n\n{warnings}\n\nSimpan tetap?").format(warnings=text),
                self.tr("Simpan tetap"),
                self.tr("Periksa lagi"),
            ):
                self.save_button.setEnabled(True)
                return
        editing = self.editing

        def save() -> tuple[int, OpChanges]:
            if editing is None:
                return self.service.create(draft, accept_warnings=True)
            return editing.id, self.service.update(editing.id, draft, accept_warnings=True)

        run_db(self, save, self._saved, self._refused)

    def _saved(self, result: tuple[int, OpChanges]) -> None:
        self.saved_id, self.changes = result
        super().accept()

    def _refused(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            self.show_issues(exc.issues)
        else:
            show_error(self, exc)

    def reject(self) -> None:
        if self.is_dirty() and not ask(
            self,
            self.tr("Batalkan"),
            self.tr("Perubahan belum disimpan. Buang perubahan?"),
            self.tr("Buang"),
            self.tr("Kembali ke formulir"),
        ):
            return
        super().reject()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter saves from any field, including the combo boxes that would swallow it.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            self.accept()
            return
        super().keyPressEvent(event)
