"""Impor: choose a file, check the preview, confirm; and the export menu of the list."""

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from kudus_desktop.core.village.importing import FIRST_BATCH
from kudus_desktop.gui.main_window import MainWindow
from kudus_desktop.gui.village import import_page as import_module
from kudus_desktop.gui.village import participants_page as participants_module
from kudus_desktop.gui.village.import_page import ImportConfirmDialog, ImportPage, PreviewColumn
from tests.factories import make_nik, village_list
from tests.gui.conftest import settle, until


@pytest.fixture
def page(window: MainWindow) -> ImportPage:
    window.show_page("impor")
    return window.import_page


@pytest.fixture
def confirm(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    asked: list[str] = []

    def ask(_parent: object, _title: str, text: str, _yes: str, _no: str) -> bool:
        asked.append(text)
        return True

    monkeypatch.setattr(import_module, "ask", ask)
    return asked


def test_preview_then_confirm(
    qtbot: QtBot, window: MainWindow, page: ImportPage, tmp_path: Path, confirm: list[str]
) -> None:
    source = village_list(
        tmp_path / "dtks.xlsx",
        [
            [make_nik(1), "Siti Aminah", "12/05/1980", "L", 1, 2, "Buruh"],
            [3319031205800010, "Angka", "12/05/1980", "L", 1, 1, ""],
            [make_nik(3), "Budi", "12/05/1980", "L", 1, 1, ""],
        ],
    )
    assert not page.preview_button.isEnabled() and not page.commit_button.isEnabled()
    page.open_file(source)
    settle(qtbot)
    assert page.sheet.currentText() == "Data DTKS" and page.header_row.value() == 3
    assert page.mapping["nik"].currentText() == "No. NIK" and page.mapping["kk"].currentData() == -1
    page.source.setCurrentText("DTKS")
    page.preview_button.click()
    until(qtbot, lambda: page.preview is not None)
    assert window.participants.count() == 0, "the preview writes nothing"
    assert page.model.rowCount() == 3
    assert "2 baru" in page.summary.text() and "1 ditolak" in page.summary.text()
    rejected = page.model.index(1, PreviewColumn.REASON).data()
    assert "15 digit" in rejected
    page.status_filter.setCurrentIndex(page.status_filter.findData("rejected"))
    assert page.proxy.rowCount() == 1
    assert page.commit_button.text() == "Impor 2 peserta"

    page.commit_button.click()
    until(qtbot, lambda: page.preview is None)
    assert "2 baru" not in confirm[0] and "Tambahkan 2 peserta baru" in confirm[0]
    assert window.participants.count() == 2
    settle(qtbot)
    assert window.participants_page.count_label.text() == "2 peserta"
    assert "2 peserta ditambahkan" in page.summary.text()
    assert page.importer.saved_mapping("DTKS")["nik"] == "No. NIK"


def test_the_confirmation_counts_warned_rows_by_kind_and_can_leave_them_out(
    qtbot: QtBot,
    window: MainWindow,
    page: ImportPage,
    tmp_path: Path,
    drive: Callable[[type[QDialog], Callable[[Any], None]], None],
) -> None:
    old = date(1950, 3, 4)
    source = village_list(
        tmp_path / "dtks.xlsx",
        [
            [make_nik(1), "Siti Aminah", "12/05/1980", "P", 1, 2, "Buruh"],  # the NIK says male
            [make_nik(2, birth=old), "Mbah Karto", "04/03/1950", "L", 1, 1, ""],  # past the age limit
            [make_nik(3, birth=old), "Mbah Sastro", "04/03/1950", "L", 1, 1, ""],
            [make_nik(4), "Budi", "12/05/1980", "L", 1, 1, ""],
        ],
    )
    page.open_file(source)
    settle(qtbot)
    page.source.setCurrentText("DTKS")
    page.preview_button.click()
    until(qtbot, lambda: page.preview is not None)
    seen: dict[str, str] = {}

    def leave_out_the_old(dialog: ImportConfirmDialog) -> None:
        seen.update({code: box.text() for code, box in dialog.leave_out.items()})
        assert dialog.count_label.text() == "Akan diimpor: 4 baris."
        dialog.leave_out["age_over_limit"].setChecked(True)
        assert dialog.count_label.text() == "Akan diimpor: 2 baris."
        dialog.ok.click()

    drive(ImportConfirmDialog, leave_out_the_old)
    page.commit_button.click()
    until(qtbot, lambda: page.preview is None)
    assert seen == {
        "age_over_limit": "Lewati 2 baris: umur di atas batas umur peserta",
        "nik_sex_mismatch": "Lewati 1 baris: jenis kelamin tidak sesuai NIK",
    }
    assert window.participants.count() == 2
    assert window.participants.find_by_nik(make_nik(2, birth=old)) is None
    assert "2 baris dengan peringatan dilewati" in page.summary.text()


def test_a_bad_file_is_named_and_nothing_changes(
    qtbot: QtBot, page: ImportPage, tmp_path: Path, message_boxes: list[str]
) -> None:
    bad = tmp_path / "rusak.xlsx"
    bad.write_bytes(b"\x00\x13bukan buku kerja\x07" * 20)
    page.open_file(bad)
    settle(qtbot)
    assert message_boxes and "rusak.xlsx" in message_boxes[-1] and "bukan daftar yang dapat dibaca" in message_boxes[-1]
    assert page.info is None and not page.preview_button.isEnabled()


def test_export_menu_writes_the_filtered_roster(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, message_boxes: list[str]
) -> None:
    from tests.factories import make_draft

    for n, name in enumerate(("Siti Aminah", "Budi Santoso"), start=1):
        window.participants.create(make_draft(n, full_name=name))
    page = window.participants_page
    page.on_changed(__import__("kudus_desktop.core.rules.records", fromlist=["OpChanges"]).OpChanges(participants=True))
    page.search.setText("Siti")
    page.apply_query()
    target = tmp_path / "roster"
    monkeypatch.setattr(participants_module.QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    page.export_roster_action.trigger()
    until(qtbot, lambda: any("ditulis" in m for m in message_boxes))
    ws = openpyxl.load_workbook(tmp_path / "roster.xlsx")["Daftar Peserta"]
    h = next(r for r in range(1, 20) if ws.cell(row=r, column=1).value == "No. Registrasi")  # under the letterhead
    assert ws.cell(row=h + 1, column=4).value == "Siti Aminah" and ws.cell(row=h + 2, column=4).value != "Budi Santoso"


def test_bpjs_columns_are_chosen_and_ordered_in_settings(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    from kudus_desktop.core.reports.exporting import export_bpjs_list
    from tests.factories import make_draft

    window.show_page("pengaturan")
    page = window.settings_page
    keys = [page.bpjs_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(page.bpjs_list.count())]
    assert keys[0] == "nik"
    for i in range(page.bpjs_list.count()):
        item = page.bpjs_list.item(i)
        wanted = item.data(Qt.ItemDataRole.UserRole) in ("nik", "wadah")
        item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)
    page.bpjs_list.setCurrentRow(keys.index("wadah"))
    for _ in range(keys.index("wadah")):
        page.up_button.click()
    assert page.chosen_bpjs_columns() == ["wadah", "nik"]
    page.bpjs_save.click()
    settle(qtbot)
    window.participants.create(make_draft(1))
    export_bpjs_list(window.participants, tmp_path / "b.xlsx")
    rows = list(openpyxl.load_workbook(tmp_path / "b.xlsx").active.iter_rows(values_only=True))
    assert rows == [("KODE_WADAH", "NIK"), ("SD", make_nik(1))]


def test_preview_and_history_models_are_well_behaved(
    qtmodeltester: object, qtbot: QtBot, page: ImportPage, tmp_path: Path, window: MainWindow
) -> None:
    from kudus_desktop.gui.village.history_dialog import HistoryTableModel
    from tests.factories import make_draft

    source = village_list(
        tmp_path / "d.xlsx", [[make_nik(1), "Siti", "12/05/1980", "L", 1, 2, ""], ["1", "", "", "", "", "", ""]]
    )
    page.open_file(source)
    settle(qtbot)
    page.preview_button.click()
    until(qtbot, lambda: page.preview is not None)
    qtmodeltester.check(page.model)  # type: ignore[attr-defined]
    qtmodeltester.check(page.proxy)  # type: ignore[attr-defined]
    pid, _ = window.participants.create(make_draft(5))
    window.participants.end(pid, "pindah", "20/11/2026")
    qtmodeltester.check(HistoryTableModel(window.participants.history(pid)))  # type: ignore[attr-defined]


def test_a_verifikator_is_told_before_choosing_a_file_that_importing_is_not_theirs(
    qtbot: QtBot, db: Any, admin: Any
) -> None:
    from kudus_desktop.core.office.accounts import AccountService

    accounts = AccountService(db)
    accounts.create_account(admin, "vera", "Vera Verifikator", "verifikator", "sandi-vera-123")
    window = MainWindow(db, accounts.login("vera", "sandi-vera-123"))
    qtbot.addWidget(window)
    window.show()
    window.show_page("impor")
    page = window.import_page
    assert page.not_allowed.isVisible() and "admin atau operator" in page.not_allowed.text()
    assert not page.choose_button.isEnabled() and not page.preview_button.isEnabled()
    assert not page.commit_button.isEnabled()


def test_an_admin_sees_no_such_notice(page: ImportPage) -> None:
    assert not page.not_allowed.isVisible() and page.choose_button.isEnabled()


def _many(tmp_path: Path, n: int) -> Path:
    born = date(1980, 5, 12)
    rows = [
        [make_nik(i, birth=born), f"Warga {chr(65 + i % 26)}{chr(65 + i // 26 % 26)}", "12/05/1980", "L", 1, 1, ""]
        for i in range(1, n + 1)
    ]
    return village_list(tmp_path / "banyak.xlsx", rows)


def test_choosing_a_file_shows_its_first_rows_while_the_rest_are_checked(
    qtbot: QtBot, page: ImportPage, tmp_path: Path
) -> None:
    source = _many(tmp_path, 3000)
    seen: list[tuple[int, bool, bool]] = []
    page.model.rowsInserted.connect(
        lambda *_: seen.append((page.model.rowCount(), page.preview is None, page.cancel_button.isVisibleTo(page)))
    )
    page.open_file(source)  # no click on Pratinjau: the columns were found, the preview starts by itself
    until(qtbot, lambda: page.preview is not None)
    # The first rows were on screen, with the check still running and Cancel offered, before the end.
    assert seen[0] == (FIRST_BATCH, True, True), seen
    assert page.model.rowCount() == 3000 and "3.000 baru" in page.summary.text()
    assert not page.cancel_button.isVisibleTo(page) and page.commit_button.isEnabled()
    assert page.commit_button.text() == "Impor 3.000 peserta"


def test_a_preview_cancelled_while_checking_leaves_nothing_to_import(
    qtbot: QtBot, window: MainWindow, page: ImportPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    source = _many(tmp_path, 3000)
    clicked = threading.Event()
    real = page.importer.preview

    def preview(*args: Any, found: Any, **kw: Any) -> Any:
        def hold(rows: Any) -> None:
            found(rows)
            clicked.wait(30)  # the check goes on only once the clerk has pressed Batal

        return real(*args, found=hold, **kw)

    monkeypatch.setattr(page.importer, "preview", preview)

    def press_cancel(*_: Any) -> None:
        if not clicked.is_set():
            page.cancel_button.click()
            clicked.set()

    page.model.rowsInserted.connect(press_cancel)
    page.open_file(source)
    settle(qtbot)
    assert "Pratinjau dibatalkan" in page.summary.text()
    assert page.preview is None and page.model.rowCount() == 0 and not page.commit_button.isEnabled()
    assert window.participants.count() == 0


def test_changing_a_term_after_the_preview_asks_for_another_before_importing(
    qtbot: QtBot, page: ImportPage, tmp_path: Path
) -> None:
    page.open_file(_many(tmp_path, 5))
    until(qtbot, lambda: page.preview is not None)
    assert page.commit_button.isEnabled() and not page.stale_note.isVisibleTo(page)
    page.source_date.setText("01/10/2026")
    assert not page.commit_button.isEnabled() and page.stale_note.isVisibleTo(page)
    page.preview_button.click()
    until(qtbot, lambda: page.preview is not None)
    assert page.preview.options.source_date == "01/10/2026"
    assert page.commit_button.isEnabled() and not page.stale_note.isVisibleTo(page)
