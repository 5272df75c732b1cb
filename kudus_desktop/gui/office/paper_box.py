"""Kop surat dan tanda tangan in Pengaturan: the letterhead's address, on whose authority the
list is signed (a.n., u.b., Plt., Plh., Pj.), rank and NIP, and the decree printed lists are an
annex to; a preview shows the signature exactly as the printouts will write it."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from kudus_desktop.core.office.accounts import AccountService
from kudus_desktop.core.rules.codes import Mode
from kudus_desktop.core.rules.dates import format_date
from kudus_desktop.core.rules.letterhead import (
    SignBasis,
    check_paper,
    decree_annex,
    format_nip,
    letterhead_lines,
    signature_block,
)
from kudus_desktop.core.rules.records import OfficeProfile, OpChanges, UserView
from kudus_desktop.gui.messages import inform, show_on_form
from kudus_desktop.gui.ops import run_change
from kudus_desktop.gui.signals import AppSignals


class PaperBox(QGroupBox):
    def __init__(
        self,
        accounts: AccountService,
        user: UserView,
        signals: AppSignals,
        profile: OfficeProfile,
        editable: bool,
        head_name: QLineEdit,
        head_title: QLineEdit,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(self.tr("Kop surat dan tanda tangan"), parent)
        self.accounts, self.user, self.signals, self.profile = accounts, user, signals, profile
        self.head_name, self.head_title = head_name, head_title
        paper = profile.paper
        regency = profile.mode == Mode.KABUPATEN
        form = QFormLayout(self)
        self.basis = QComboBox()
        self.basis.setObjectName("paper_basis")
        for basis, text in (
            (SignBasis.DIRECT, self.tr("Ditandatangani kepala sendiri")),
            (SignBasis.AN, self.tr("a.n. (atas nama) kepala, oleh pejabat lain")),
            (SignBasis.UB, self.tr("a.n. ... u.b. (untuk beliau), oleh pejabat di bawahnya")),
            (SignBasis.PLT, self.tr("Plt. (pelaksana tugas)")),
            (SignBasis.PLH, self.tr("Plh. (pelaksana harian)")),
            (SignBasis.PJ, self.tr("Pj. (penjabat)")),
        ):
            self.basis.addItem(text, str(basis))
        self.basis.setCurrentIndex(max(0, self.basis.findData(paper.basis)))
        self.fields: dict[str, QLineEdit] = {}

        def line(name: str, value: str, hint: str) -> QLineEdit:
            edit = QLineEdit(value)
            edit.setObjectName(f"paper_{name}")
            edit.setPlaceholderText(hint)
            edit.setReadOnly(not editable)
            edit.textChanged.connect(self.show_preview)
            self.fields[name] = edit
            return edit

        form.addRow(self.tr("Dasar penandatanganan"), self.basis)
        form.addRow(
            self.tr("Jabatan yang menandatangani a.n."),
            line("signer_title", paper.signer_title, self.tr("mis. Sekretaris Desa")),
        )
        form.addRow(
            self.tr("Jabatan yang menandatangani u.b."),
            line("ub_title", paper.ub_title, self.tr("mis. Kepala Urusan Tata Usaha dan Umum")),
        )
        form.addRow(self.tr("Pangkat/golongan (ASN)"), line("rank", paper.rank, self.tr("mis. Penata Tk. I (III/d)")))
        form.addRow(
            self.tr("NIP (ASN)"),
            line(
                "nip",
                format_nip(paper.nip).removeprefix("NIP. ") if paper.nip else "",
                self.tr("18 digit, mis. 19750812 200003 1 004"),
            ),
        )
        agency = line("agency", paper.agency, "")
        if regency:
            form.addRow(self.tr("Nama dinas"), agency)
        else:
            agency.hide()
        form.addRow(
            self.tr("Alamat kantor di kop"),
            line("office_address", paper.office_address, self.tr("mis. Jl. Raya Jati No. 5, Kudus 59343")),
        )
        note = QLabel(
            self.tr("Nama penandatangan di atas adalah nama pejabat yang benar-benar menandatangani (pada a.n., u.b., "
                    "Plt., Plh. dan Pj.: nama pejabat itu).")
        )  # fmt: skip
        note.setObjectName("muted")
        note.setWordWrap(True)
        form.addRow("", note)
        self.decree_kind = QComboBox()
        self.decree_kind.setObjectName("paper_decree_kind")
        self.decree_kind.setEditable(True)
        kinds = ["Keputusan Kepala Dinas"] if regency else ["Keputusan Kepala Desa", "Peraturan Kepala Desa"]
        self.decree_kind.addItems(kinds)
        self.decree_kind.setCurrentText(paper.decree_kind or kinds[0])
        self.decree_kind.setEnabled(editable)
        self.decree_kind.currentTextChanged.connect(self.show_preview)
        form.addRow(self.tr("Daftar peserta sebagai lampiran"), self.decree_kind)
        form.addRow(
            self.tr("Nomor keputusan"), line("decree_number", paper.decree_number, self.tr("kosong: bukan lampiran"))
        )
        decree_date = format_date(paper.decree_date) if paper.decree_date else ""
        form.addRow(self.tr("Tanggal keputusan"), line("decree_date", decree_date, self.tr("mis. 02/12/2026")))
        form.addRow(
            self.tr("Tentang"),
            line("decree_about", paper.decree_about, self.tr("mis. Penetapan Peserta Jaminan Sosial Ketenagakerjaan")),
        )
        self.preview = QLabel()
        self.preview.setObjectName("paperPreview")
        self.preview.setWordWrap(True)
        form.addRow(self.tr("Tercetak"), self.preview)
        self.error = QLabel()
        self.error.setObjectName("errorBanner")
        self.error.setWordWrap(True)
        self.error.hide()
        form.addRow(self.error)
        self.save_button = QPushButton(self.tr("Simpan kop dan tanda tangan"))
        self.save_button.setObjectName("savePaper")
        self.save_button.clicked.connect(self.save)
        self.save_button.setVisible(editable)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        form.addRow(buttons)
        self.basis.setEnabled(editable)
        self.basis.currentIndexChanged.connect(self.show_preview)
        head_name.textChanged.connect(self.show_preview)
        head_title.textChanged.connect(self.show_preview)
        self.show_preview()

    def values(self) -> dict[str, str]:
        return {
            "basis": str(self.basis.currentData()),
            "decree_kind": self.decree_kind.currentText(),
            **{name: edit.text() for name, edit in self.fields.items()},
        }

    def show_preview(self) -> None:
        """The letterhead, annex and signature as they will print, from what is typed now."""
        basis = str(self.basis.currentData())
        self.fields["signer_title"].setEnabled(basis in (SignBasis.AN, SignBasis.UB))
        self.fields["ub_title"].setEnabled(basis == SignBasis.UB)
        typed = self.values()
        # A position not typed yet shows as a gap to fill, not as nothing.
        for name in ("signer_title", "ub_title"):
            typed[name] = typed[name].strip() or self.tr("[jabatan]")
        paper, _issues = check_paper(typed)
        shown = replace(self.profile, head_name=self.head_name.text(), head_title=self.head_title.text(), paper=paper)
        block = signature_block(shown)
        kop = " / ".join(text for text, _weight in letterhead_lines(shown))
        annex = decree_annex(shown)
        lines = [self.tr("Kop: {kop}").format(kop=kop)]
        if annex:
            lines.append(" · ".join(f"{label} {value}" for label, value in annex))
        lines.append(" / ".join((*block.above, block.name, *block.below)))
        self.preview.setText("\n".join(lines))

    def save(self) -> None:
        values = self.values()

        def saved(_changes: OpChanges) -> None:
            show_on_form(self.error, self.fields, None)
            self.profile = self.accounts.profile()
            inform(self, self.tr("Pengaturan"), self.tr("Kop surat dan tanda tangan disimpan."))

        def refused(exc: BaseException) -> None:
            show_on_form(self.error, self.fields, exc)

        run_change(self, self.signals, lambda: self.accounts.update_paper(self.user, values), saved, refused)
