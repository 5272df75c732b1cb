"""Cards and printed lists rendered to real PDFs, read back with pypdf, pdftoppm and zbarimg."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSizeF
from PySide6.QtGui import QPageSize
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

from kudus_desktop.core.enrolment.participants import ParticipantQuery, ParticipantService
from kudus_desktop.core.office.accounts import AccountService
from kudus_desktop.core.reports.printouts import participant_list
from kudus_desktop.core.rules.card_layout import CARD_W_MM, Paper, folded_layout, sheet_layout
from kudus_desktop.core.storage.signing import load_public_key, public_key_pem, verify_payload
from kudus_desktop.core.village.cards import CardScope, CardService
from kudus_desktop.gui.record_table import RecordTable
from kudus_desktop.gui.village.print_dialogs import CardPrintDialog, ListPrintDialog, make_printer
from kudus_desktop.render.cards import write_cards_pdf
from kudus_desktop.render.paper import printer_page_size
from kudus_desktop.render.table import write_table_pdf
from tests.commands import cli
from tests.factories import letters, make_draft
from tests.gui.conftest import until

pytestmark = pytest.mark.usefixtures("as_admin")

LONG_NAME = "Raden Ajeng Siti Nurhayati Kusumawardhani Binti Abdurrahman Wahid"


def enrol(service: ParticipantService, n: int) -> None:
    for i in range(1, n + 1):
        # Letters spaced: compared as names, "AA" folds into "A" and "DJ" into "J" (one person?).
        service.create(make_draft(i, full_name=LONG_NAME if i == 3 else f"Peserta Uji {' '.join(letters(i))}"))


def page_texts(path: Path) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(path).pages]


def test_cards_pdf_has_fronts_and_backs_with_the_card_text(
    qapp: Any, tmp_path: Path, service: ParticipantService
) -> None:
    enrol(service, 12)
    cards = CardService(service.db, service, AccountService(service.db).profile())
    batch = cards.prepare(cards.ids_for(CardScope.ALL))
    out = tmp_path / "kartu.pdf"
    assert write_cards_pdf(out, batch, Paper.A4) == 4  # 12 cards: two sheets, front and back
    texts = page_texts(out)
    assert len(texts) == 4
    assert texts[0].count("JAMINAN SOSIAL KETENAGAKERJAAN") == 10
    assert "PEKERJA RENTAN DESA GETASPEJATEN" in texts[0]
    assert "PESERTA UJI A" in texts[0] and "JKK + JKM" in texts[0]
    assert "************0001" in texts[0]
    assert service.get(batch.cards[0].participant_id).nik not in " ".join(texts)  # never the full NIK
    # Nobody has a KPJ yet: no card claims protection.
    assert "Terlindungi sejak" not in texts[0] and texts[0].count("belum terlindungi") == 10
    assert "Rp42.000.000" in texts[1] and "175" in texts[1] and "0291-123456" in texts[1]
    assert texts[2].count("JAMINAN SOSIAL KETENAGAKERJAAN") == 2
    assert texts[3].count("MANFAAT PERLINDUNGAN") == 2  # backs only behind printed fronts
    # The long name is on its card in full (wrapped), not cut off.
    assert "KUSUMAWARDHANI BINTI ABDURRAHMAN WAHID" in " ".join(texts[:3:2])
    fonts = {str(f) for page in PdfReader(out).pages for f in page["/Resources"]["/Font"].values()}
    assert fonts, "fonts are embedded"
    assert not list(tmp_path.glob(".*.tmp")), "no temporary file left behind"


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) not installed")
def test_each_card_states_the_status_known_and_nobody_rejected_or_ended_gets_one(
    qapp: Any, tmp_path: Path, service: ParticipantService
) -> None:
    enrol(service, 4)
    found = [service.find_by_nik(make_draft(i).nik) for i in range(1, 5)]
    registered, waiting, ended, rejected = (p.id for p in found if p is not None)
    service.end(ended, "meninggal", "2026-11-20")
    with service.db.begin() as conn:
        conn.exec_driver_sql("UPDATE participant SET kpj = '98765432101' WHERE id = ?", (registered,))
        conn.exec_driver_sql(
            "INSERT INTO participant_sync (participant_id, outcome, reason) VALUES (?, 'rejected', ?)",
            (rejected, "BPJS: NIK tidak sesuai data Dukcapil"),
        )
    cards = CardService(service.db, service, AccountService(service.db).profile())
    out = tmp_path / "kartu.pdf"
    write_cards_pdf(out, cards.prepare([registered, waiting, ended, rejected]), Paper.A4)
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    front = " ".join(text.split("\f")[0].split())
    assert front.count("JAMINAN SOSIAL KETENAGAKERJAAN") == 2  # no card for the ended or the rejected
    assert "PESERTA UJI D" not in front and "KUSUMAWARDHANI" not in front
    assert front.count("Terlindungi sejak") == 1 and "98765432101" in front
    assert front.count("MENUNGGU PENDAFTARAN BPJS") == 1 and "belum terlindungi" in front


def test_f4_sheet_size_and_card_count(qapp: Any, tmp_path: Path, service: ParticipantService) -> None:
    enrol(service, 3)
    cards = CardService(service.db, service, AccountService(service.db).profile())
    out = tmp_path / "f4.pdf"
    write_cards_pdf(out, cards.prepare(cards.ids_for(CardScope.ALL)), Paper.F4)
    box = PdfReader(out).pages[0].mediabox
    assert round(float(box.width) / 72 * 25.4) == 215 and round(float(box.height) / 72 * 25.4) == 330


@pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("zbarimg")), reason="pdftoppm/zbarimg not installed")
def test_qr_codes_decode_at_300_dpi_and_verify_with_the_public_key(
    qapp: Any, tmp_path: Path, service: ParticipantService
) -> None:
    enrol(service, 10)
    cards = CardService(service.db, service, AccountService(service.db).profile())
    batch = cards.prepare(cards.ids_for(CardScope.ALL))
    out = tmp_path / "kartu.pdf"
    write_cards_pdf(out, batch, Paper.A4)
    # 300 dpi is an ordinary office printer; every card on the page must read.
    subprocess.run(
        ["pdftoppm", "-r", "300", "-f", "1", "-l", "1", "-gray", "-png", str(out), str(tmp_path / "p")], check=True
    )
    image = next(tmp_path.glob("p*.png"))
    result = subprocess.run(["zbarimg", "-q", "--raw", str(image)], capture_output=True, text=True, check=False)
    decoded = sorted(line for line in result.stdout.splitlines() if line)
    assert decoded == sorted(c.qr_text for c in batch.cards)
    public = load_public_key(public_key_pem(service.db).encode())
    reg_nos = {verify_payload(text, public).reg_no for text in decoded}
    assert reg_nos == {service.get(c.participant_id).reg_no for c in batch.cards}


def test_printed_list_repeats_the_header_numbers_pages_and_ends_with_the_signatory(
    qapp: Any, tmp_path: Path, service: ParticipantService
) -> None:
    enrol(service, 90)
    table = participant_list(service, AccountService(service.db).profile(), ParticipantQuery())
    out = tmp_path / "daftar.pdf"
    pages = write_table_pdf(out, table, Paper.A4)
    texts = page_texts(out)
    assert pages == len(texts) >= 3
    for n, text in enumerate(texts, start=1):
        assert f"Halaman {n} dari {pages}" in text
        if n < pages or "Nama" in text:
            assert "No. Nama NIK L/P" in text, f"header row missing on page {n}"
    everything = " ".join(texts)
    assert all(f"Peserta Uji {' '.join(letters(i))} " in everything for i in range(1, 91) if i != 3)
    assert "Mengetahui," in texts[-1] and "KEPALA DESA GETASPEJATEN," in texts[-1] and "Sutrisno" in texts[-1]
    assert "Yang membuat," in texts[-1] and "Admin Desa" in texts[-1]
    # Full 16-digit NIKs on one line each: nothing wrapped or clipped.
    assert service.get(1).nik in everything


def run_cli(data_dir: Path, *args: str) -> tuple[int, dict[str, Any]]:
    proc = cli("--data-dir", str(data_dir), "--json", *args)
    return proc.returncode, json.loads(proc.stdout.strip().splitlines()[-1])


def test_cards_command_prints_unprinted_then_demands_a_reason_to_reprint(
    tmp_path: Path, data_dir: Path, service: ParticipantService
) -> None:
    enrol(service, 3)
    nik = service.get(1).nik
    service.db.close()
    code, out = run_cli(data_dir, "cards", "--out", str(tmp_path / "a.pdf"), "--unprinted", "--paper", "F4")
    assert code == 0 and out["cards"] == 3 and out["pages"] == 2
    code, out = run_cli(data_dir, "cards", "--out", str(tmp_path / "b.pdf"), "--unprinted")
    assert code == 2 and out["error"] == "card_none"
    code, out = run_cli(data_dir, "cards", "--out", str(tmp_path / "c.pdf"), "--nik", nik)
    assert code == 2 and out["error"] == "card_reprint_reason" and "alasan" in out["message"]
    assert not (tmp_path / "c.pdf").exists()
    code, out = run_cli(data_dir, "cards", "--out", str(tmp_path / "c.pdf"), "--nik", nik, "--reason", "hilang")
    assert code == 0 and out["reprints"] == 1
    code, out = run_cli(data_dir, "key", "--out", str(tmp_path / "desa.pem"))
    assert code == 0 and len(out["fingerprint"].split()) == 8


def test_card_dialog_saves_a_pdf_and_asks_for_a_reason_before_a_reprint(
    qtbot: QtBot, tmp_path: Path, service: ParticipantService, monkeypatch: pytest.MonkeyPatch, message_boxes: list[str]
) -> None:
    enrol(service, 4)
    profile = AccountService(service.db).profile()
    target = tmp_path / "kartu"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF (*.pdf)"))
    dialog = CardPrintDialog(service, profile, [], None)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.scope() == CardScope.UNPRINTED
    assert not dialog.reason.isVisibleTo(dialog)
    dialog.pdf_button.click()
    until(qtbot, lambda: (tmp_path / "kartu.pdf").exists() and not dialog.isVisible())
    assert len(PdfReader(tmp_path / "kartu.pdf").pages) == 2
    cards = CardService(service.db, service, profile)
    assert cards.unprinted_count() == 0

    first = cards.ids_for(CardScope.ALL)[0]
    again = CardPrintDialog(service, profile, [first], None)
    qtbot.addWidget(again)
    again.show()
    assert again.scope() == CardScope.SELECTED
    assert again.reason.isVisibleTo(again)
    (tmp_path / "kartu.pdf").unlink()
    again.pdf_button.click()  # no reason yet: an error, no file, nothing logged
    assert message_boxes and "alasan" in message_boxes[-1]
    assert not (tmp_path / "kartu.pdf").exists()
    again.findChild(QLineEdit).setText("kartu rusak terkena air")
    again.pdf_button.click()
    until(qtbot, lambda: (tmp_path / "kartu.pdf").exists() and not again.isVisible())
    assert cards.print_log(first)[0].reason == "kartu rusak terkena air"


def test_a_reprint_can_be_previewed_without_a_reason_but_not_printed_from_the_preview(
    qtbot: QtBot, tmp_path: Path, service: ParticipantService, monkeypatch: pytest.MonkeyPatch, message_boxes: list[str]
) -> None:
    from PySide6.QtPrintSupport import QPrintPreviewDialog, QPrintPreviewWidget

    enrol(service, 2)
    profile = AccountService(service.db).profile()
    cards = CardService(service.db, service, profile)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "kartu"), "PDF (*.pdf)"))
    first = CardPrintDialog(service, profile, [], None)
    qtbot.addWidget(first)
    first.pdf_button.click()
    # The run is on record before its message is shown: wait for the message itself.
    until(qtbot, lambda: any("kartu ditulis" in m for m in message_boxes))
    assert cards.unprinted_count() == 0
    message_boxes.clear()  # "2 kartu ditulis ..."
    shown: list[tuple[bool, bool, int]] = []

    def look(dialog: QDialog) -> int:
        dialog.show()
        view = dialog.findChild(QPrintPreviewWidget)
        shown.append((isinstance(dialog, QPrintPreviewDialog), view is not None, dialog.height()))
        if view is not None:
            view.updatePreview()
            assert view.pageCount() >= 1, "the cards are drawn in the look"
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(QDialog, "exec", look)
    monkeypatch.setattr(QPrintPreviewDialog, "exec", look)
    again = CardPrintDialog(service, profile, cards.ids_for(CardScope.ALL)[:1], None)
    qtbot.addWidget(again)
    again.show()
    again.preview_button.click()
    until(qtbot, lambda: bool(shown))
    assert not message_boxes, "no reason asked to look"
    printable, has_view, height = shown[0]
    assert not printable and has_view, "a look without the print button"
    assert height <= again.screen().availableGeometry().height(), "within the screen"
    again.reason.setText("kartu hilang")
    again.preview_button.click()
    until(qtbot, lambda: len(shown) == 2)
    assert shown[1][0], "with a reason the preview can print"
    assert len(cards.print_log(cards.ids_for(CardScope.ALL)[0])) == 1, "looking logged no print"


def test_list_dialog_saves_the_filtered_list(
    qtbot: QtBot, tmp_path: Path, service: ParticipantService, monkeypatch: pytest.MonkeyPatch, message_boxes: list[str]
) -> None:
    enrol(service, 5)
    target = tmp_path / "daftar.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF (*.pdf)"))
    dialog = ListPrintDialog(service, AccountService(service.db).profile(), ParticipantQuery(text="Peserta Uji"), None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.pdf_button.click()
    until(qtbot, lambda: target.exists() and not dialog.isVisible())
    text = " ".join(page_texts(target))
    assert "4 peserta" in text and LONG_NAME.split()[0] not in text


def test_printing_through_the_print_dialog_paints_every_page_and_logs_the_cards(
    qtbot: QtBot, tmp_path: Path, service: ParticipantService, monkeypatch: pytest.MonkeyPatch, message_boxes: list[str]
) -> None:
    # No printer on the build machine: the accepted print dialog points the printer at a PDF
    # file, so the real print path (QPrinter painted on the database thread) is what runs.
    enrol(service, 11)
    target = tmp_path / "printer-output.pdf"

    def accept(dialog: QPrintDialog) -> int:
        dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        dialog.printer().setOutputFileName(str(target))
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    profile = AccountService(service.db).profile()
    dialog = CardPrintDialog(service, profile, [], None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.paper.setCurrentIndex(dialog.paper.findData("F4"))
    dialog.print_button.click()
    until(qtbot, lambda: not dialog.isVisible())
    reader = PdfReader(target)
    assert len(reader.pages) == 4  # 11 cards: two F4 sheets, front and back
    assert round(float(reader.pages[0].mediabox.height) / 72 * 25.4) == 330
    assert CardService(service.db, service, profile).unprinted_count() == 0
    assert "11 kartu dikirim ke pencetak." in message_boxes


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) not installed")
def test_a_card_run_can_carry_each_persons_information_sheet(
    qtbot: QtBot, tmp_path: Path, service: ParticipantService, monkeypatch: pytest.MonkeyPatch, message_boxes: list[str]
) -> None:
    enrol(service, 2)
    profile = AccountService(service.db).profile()
    target = tmp_path / "kartu.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF (*.pdf)"))
    dialog = CardPrintDialog(service, profile, [], None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.with_notice.setChecked(True)
    dialog.pdf_button.click()
    sheets = tmp_path / "kartu-informasi-data-pribadi.pdf"
    until(qtbot, lambda: sheets.exists() and not dialog.isVisible())
    text = subprocess.run(["pdftotext", str(sheets), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")[:-1]
    assert len(pages) == 2  # one page per person
    first = " ".join(pages[0].split())
    assert "PEMBERITAHUAN PENGOLAHAN DATA PRIBADI" in first and "Peserta Uji A" in first
    assert "UU Nomor 27 Tahun 2022" in first and "Pemerintah Desa Getaspejaten" in first
    assert "3 x 24 jam" in first and "0291-123456" in first
    assert make_draft(1).nik not in text  # the NIK masked
    assert "Saya telah menerima dan memahami pemberitahuan ini." in first


def test_the_form_prints_the_information_sheet_for_its_person(
    qtbot: QtBot, tmp_path: Path, service: ParticipantService, monkeypatch: pytest.MonkeyPatch, message_boxes: list[str]
) -> None:
    from kudus_desktop.gui.village.participant_dialog import ParticipantDialog

    enrol(service, 1)
    person = service.find_by_nik(make_draft(1).nik)
    assert person is not None
    target = tmp_path / "informasi.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF (*.pdf)"))
    form = ParticipantDialog(service, participant=person)
    qtbot.addWidget(form)
    form.show()
    form.notice_button.click()
    sheet = form.notice_dialog
    sheet.pdf_button.click()
    until(qtbot, lambda: target.exists() and not sheet.isVisible())
    text = " ".join(page_texts(target))
    assert "PEMBERITAHUAN PENGOLAHAN DATA PRIBADI" in text and person.full_name in text
    assert person.nik not in text  # masked


def test_the_card_dialog_offers_the_changed_cards_and_lists_those_to_take_back(
    qtbot: QtBot, tmp_path: Path, service: ParticipantService, monkeypatch: pytest.MonkeyPatch, message_boxes: list[str]
) -> None:
    enrol(service, 3)
    profile = AccountService(service.db).profile()
    cards = CardService(service.db, service, profile)
    ids = cards.ids_for(CardScope.ALL)
    cards.record_print(cards.prepare(ids))
    registered, rejected = ids[0], ids[1]
    with service.db.begin() as conn:  # what the regency's receipt records
        conn.exec_driver_sql("UPDATE participant SET kpj = '26010000001' WHERE id = ?", (registered,))
        conn.exec_driver_sql(
            "INSERT INTO participant_sync (participant_id, outcome, reason) VALUES (?, 'rejected', 'BPJS: NIK ganda')",
            (rejected,),
        )
    target = tmp_path / "ulang.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF (*.pdf)"))
    dialog = CardPrintDialog(service, profile, [], None)
    qtbot.addWidget(dialog)
    dialog.show()
    until(qtbot, lambda: dialog.stale_label.isVisible())  # read off the GUI thread
    assert "1 kartu perlu dicetak ulang" in dialog.stale_label.text()
    assert "1 kartu harus ditarik kembali" in dialog.stale_label.text()
    assert dialog.scope_buttons[CardScope.ALL].text() == "Semua peserta terdaftar (2)"  # not the rejected one
    dialog.findChild(QPushButton, "staleCardsButton").click()
    table = dialog.stale_dialog.findChild(RecordTable, "staleCardsTable")
    shown = {table.text(r, 1): (table.text(r, 5), table.text(r, 6)) for r in range(2)}
    assert shown[service.get(rejected).full_name] == ("Tarik kembali", "BPJS: NIK ganda")
    assert shown[service.get(registered).full_name] == ("Cetak ulang", "")
    dialog.stale_dialog.close()
    dialog.scope_buttons[CardScope.CHANGED].setChecked(True)
    assert dialog.reason.text() == "status kepesertaan berubah"
    dialog.pdf_button.click()
    until(qtbot, lambda: target.exists() and not dialog.isVisible())
    assert cards.print_log(registered)[0].standing == "terdaftar"  # the newest print first
    assert registered not in {c.participant_id for c in cards.stale_cards()}


def test_cards_whose_status_changed_are_listed_and_printed_again_from_the_command_line(
    tmp_path: Path, data_dir: Path, service: ParticipantService
) -> None:
    pid, _ = service.create(make_draft(1))
    code, out = run_cli(data_dir, "cards", "--out", str(tmp_path / "kartu.pdf"), "--with-notice")
    assert code == 0, out
    assert out["notice"] == str(tmp_path / "kartu-informasi-data-pribadi.pdf") and Path(out["notice"]).exists()
    with service.db.begin() as conn:  # BPJS's KPJ, as a receipt records it
        conn.exec_driver_sql("UPDATE participant SET kpj = '26010000001' WHERE id = ?", (pid,))
    code, out = run_cli(data_dir, "cards-changed")
    assert code == 0 and [(c["action"], c["now"]) for c in out["cards"]] == [("cetak_ulang", "terdaftar")]
    code, out = run_cli(data_dir, "cards", "--out", str(tmp_path / "ulang.pdf"), "--changed", "--reason", "KPJ")
    assert code == 0 and out["cards"] == 1
    assert run_cli(data_dir, "cards-changed")[1]["cards"] == []
    code, out = run_cli(data_dir, "peserta", "notice", "--nik", make_draft(1).nik, "--out", str(tmp_path / "i.pdf"))
    assert code == 0 and out["pages"] == 1 and (tmp_path / "i.pdf").exists()
    assert "PEMBERITAHUAN PENGOLAHAN DATA PRIBADI" in page_texts(tmp_path / "i.pdf")[0]


def test_printed_list_carries_the_letterhead_the_annex_and_the_acting_signature(
    qapp: Any, tmp_path: Path, service: ParticipantService
) -> None:
    enrol(service, 40)
    accounts = AccountService(service.db)
    accounts.update_paper(
        service.user,
        {"basis": "ub", "signer_title": "Sekretaris Desa", "ub_title": "Kepala Urusan Tata Usaha dan Umum",
         "rank": "Penata Tk. I (III/d)", "nip": "197508122000031004", "office_address": "Jl. Raya Jati No. 5, Kudus",
         "decree_kind": "Keputusan Kepala Desa", "decree_number": "141/12/2026", "decree_date": "02/12/2026",
         "decree_about": "Penetapan Peserta Jaminan Sosial Ketenagakerjaan Pekerja Rentan Tahun 2026"},
    )  # fmt: skip
    table = participant_list(service, accounts.profile(), ParticipantQuery())
    out = tmp_path / "lampiran.pdf"
    pages = write_table_pdf(out, table, Paper.F4)
    texts = page_texts(out)
    first = texts[0]
    order = ["PEMERINTAH KABUPATEN KUDUS", "KECAMATAN JATI", "DESA GETASPEJATEN", "Jl. Raya Jati No. 5, Kudus",
             "LAMPIRAN", "KEPUTUSAN KEPALA DESA GETASPEJATEN", "NOMOR", "141/12/2026", "2 Desember 2026",
             "PENETAPAN PESERTA", "DAFTAR PESERTA JAMINAN SOSIAL", "No. Nama NIK"]  # fmt: skip
    at = [first.find(text) for text in order]
    assert -1 not in at and at == sorted(at), dict(zip(order, at, strict=True))
    assert "LAMPIRAN" not in " ".join(texts[1:]) and "PEMERINTAH KABUPATEN" not in " ".join(texts[1:])
    last = texts[-1]
    signed = ["a.n. KEPALA DESA GETASPEJATEN", "SEKRETARIS DESA", "u.b.", "KEPALA URUSAN TATA USAHA DAN UMUM,",
              "Sutrisno", "Penata Tk. I (III/d)", "NIP. 19750812 200003 1 004"]  # fmt: skip
    at = [last.find(text) for text in signed]
    assert -1 not in at and at == sorted(at), dict(zip(signed, at, strict=True))
    assert f"Halaman {pages} dari {pages}" in last


def test_f4_is_the_printers_own_folio_when_it_offers_one_within_a_millimetre(qapp: Any) -> None:
    mm = QPageSize.Unit.Millimeter
    driver_folio = QPageSize(QSizeF(8.5, 13), QPageSize.Unit.Inch, "Folio", QPageSize.SizeMatchPolicy.ExactMatch)
    qt_folio = QPageSize(QPageSize.PageSizeId.Folio)  # 210 x 330 mm: another paper
    letter = QPageSize(QPageSize.PageSizeId.Letter)
    chosen = printer_page_size(Paper.F4, [letter, qt_folio, driver_folio])
    assert chosen.name() == "Folio" and abs(chosen.size(mm).width() - 215.9) < 0.1
    assert chosen.isEquivalentTo(driver_folio)
    # None close enough: our own 215 x 330 mm, as before.
    own = printer_page_size(Paper.F4, [letter, qt_folio])
    assert (own.size(mm).width(), own.size(mm).height()) == (215.0, 330.0) and own.name() == "F4"
    assert printer_page_size(Paper.A4, [letter, QPageSize(QPageSize.PageSizeId.A4)]).id() == QPageSize.PageSizeId.A4
    # A printer that is not there offers nothing: the paper stays ours.
    printer = make_printer("Tidak Ada Printer Ini", Paper.F4)
    assert printer.pageLayout().pageSize().size(mm).width() == pytest.approx(215.0, abs=0.1)


def test_cards_for_a_printer_without_duplex_sit_front_beside_back_on_one_side(
    qapp: Any, tmp_path: Path, service: ParticipantService
) -> None:
    enrol(service, 12)
    cards = CardService(service.db, service, AccountService(service.db).profile())
    batch = cards.prepare(cards.ids_for(CardScope.ALL))
    layout = folded_layout(Paper.A4)
    assert layout.folded and layout.per_sheet == 5
    for front, back in zip(layout.front, layout.back, strict=True):
        # The back right of its front, the pair inside the printable margin, the fold between them.
        assert back.x == pytest.approx(front.x + CARD_W_MM) and back.y == front.y
        assert front.x >= 5 and back.x + back.w <= layout.width - 5 and front.y + front.h <= layout.height - 5
    assert [m.x1 for m in layout.fold_marks] == pytest.approx([layout.front[0].x + CARD_W_MM] * 2)
    assert folded_layout(Paper.F4).per_sheet == 5  # 330 mm less the margins holds five rows, as A4
    out = tmp_path / "kartu-lipat.pdf"
    assert write_cards_pdf(out, batch, Paper.A4, folded=True) == 3  # 12 cards, 5 a sheet, one side each
    texts = page_texts(out)
    assert [t.count("JAMINAN SOSIAL KETENAGAKERJAAN") for t in texts] == [5, 5, 2]
    assert [t.count("MANFAAT PERLINDUNGAN") for t in texts] == [5, 5, 2]
    assert all("lipat di sini" in t for t in texts)
    if shutil.which("pdftoppm") and shutil.which("zbarimg"):
        subprocess.run(
            ["pdftoppm", "-r", "300", "-f", "1", "-l", "1", "-gray", "-png", str(out), str(tmp_path / "l")], check=True
        )
        image = next(tmp_path.glob("l*.png"))
        found = subprocess.run(["zbarimg", "-q", "--raw", str(image)], capture_output=True, text=True, check=False)
        assert sorted(line for line in found.stdout.splitlines() if line) == sorted(c.qr_text for c in batch.cards[:5])


def _print_to(monkeypatch: pytest.MonkeyPatch, target: Path) -> None:
    def accept(dialog: QPrintDialog) -> int:
        dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        dialog.printer().setOutputFileName(str(target))
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(QPrintDialog, "exec", accept)


@pytest.mark.parametrize("last_first", [False, True])
def test_manual_duplex_prints_the_fronts_then_after_the_turn_the_backs_and_logs_the_cards_last(
    qtbot: QtBot, tmp_path: Path, service: ParticipantService, monkeypatch: pytest.MonkeyPatch, last_first: bool
) -> None:
    """A printer without duplex: the fronts of every sheet go out, the clerk reads how to turn the
    stack over and says when, the backs follow on the same sheets (from the last sheet when that
    printer wants it), shifted by their own offsets; only then are the cards logged as printed."""
    enrol(service, 11)
    output = tmp_path / "printer-output.pdf"
    _print_to(monkeypatch, output)
    turns: list[str] = []

    def turn_over(box: Any) -> int:
        text = box.text()
        turns.append(text)
        if text.startswith("Sisi depan"):  # the sheets are out: the clerk takes them and turns them
            output.rename(tmp_path / "fronts.pdf")
            next(b for b in box.buttons() if b.text() == "Cetak sisi belakang").click()
        return 0

    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "exec", turn_over)
    profile = AccountService(service.db).profile()
    dialog = CardPrintDialog(service, profile, [], None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.sides.setCurrentIndex(dialog.sides.findData("manual"))
    assert dialog.back_row.isVisible() and dialog.backs_reversed.isVisible()
    dialog.back_x.setValue(-2.0)
    dialog.backs_reversed.setChecked(last_first)
    dialog.print_button.click()
    until(qtbot, lambda: not dialog.isVisible())

    assert "Sisi depan 2 lembar sudah dikirim ke pencetak." in turns[0]
    assert ("mulai dari lembar terakhir" in turns[0]) is last_first
    fronts, backs = page_texts(tmp_path / "fronts.pdf"), page_texts(output)
    assert [t.count("JAMINAN SOSIAL KETENAGAKERJAAN") for t in fronts] == [10, 1]
    assert all("MANFAAT PERLINDUNGAN" not in t for t in fronts)
    expected = [1, 10] if last_first else [10, 1]
    assert [t.count("MANFAAT PERLINDUNGAN") for t in backs] == expected
    assert all("JAMINAN SOSIAL KETENAGAKERJAAN" not in t for t in backs)
    assert CardService(service.db, service, profile).unprinted_count() == 0
    assert turns[-1] == "11 kartu dikirim ke pencetak."


def test_manual_duplex_given_up_at_the_turn_logs_no_card(
    qtbot: QtBot, tmp_path: Path, service: ParticipantService, monkeypatch: pytest.MonkeyPatch, message_boxes: list[str]
) -> None:
    enrol(service, 3)
    _print_to(monkeypatch, tmp_path / "out.pdf")
    profile = AccountService(service.db).profile()
    dialog = CardPrintDialog(service, profile, [], None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.sides.setCurrentIndex(dialog.sides.findData("manual"))
    dialog.print_button.click()
    until(qtbot, lambda: any("tidak dicatat" in m for m in message_boxes))  # the turn answered "Batal"
    assert message_boxes[0].startswith("Sisi depan 1 lembar")
    assert CardService(service.db, service, profile).unprinted_count() == 3
    assert dialog.isVisible()


def test_each_printer_keeps_its_sides_and_both_shifts(qtbot: QtBot, service: ParticipantService) -> None:
    enrol(service, 1)
    profile = AccountService(service.db).profile()
    first = CardPrintDialog(service, profile, [], None)
    qtbot.addWidget(first)
    first.sides.setCurrentIndex(first.sides.findData("manual"))
    first.offset_x.setValue(1.5)
    first.back_y.setValue(-2.5)
    first.backs_reversed.setChecked(True)
    first.close()
    again = CardPrintDialog(service, profile, [], None)
    qtbot.addWidget(again)
    again.show()
    assert again.sides_choice().value == "manual"
    assert (again.offset_x.value(), again.back_y.value(), again.backs_reversed.isChecked()) == (1.5, -2.5, True)
    layout = again.layout_now()
    plain = sheet_layout(Paper(again.paper_choice()))
    assert layout.back[0].y - plain.back[0].y == pytest.approx(-2.5)
    again.sides.setCurrentIndex(again.sides.findData("lipat"))
    assert not again.back_row.isVisible()  # a folded card's back prints beside its front
