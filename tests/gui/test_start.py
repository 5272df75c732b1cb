"""First start, log-in, and the reasons shown when the data cannot be opened."""

import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from kudus_desktop.core.office.accounts import AccountService
from kudus_desktop.core.paths import DB_FILE_NAME
from kudus_desktop.core.storage.db import open_database
from kudus_desktop.gui import app as app_module
from kudus_desktop.gui.app import AppController
from kudus_desktop.gui.messages import error_text
from tests.factories import PASSWORD


def combo_texts(combo) -> list[str]:  # type: ignore[no-untyped-def]
    return [combo.itemText(i) for i in range(combo.count())]


def test_first_start_wizard_sets_up_the_village_and_opens_the_window(qtbot: QtBot, tmp_path: Path) -> None:
    controller = AppController(tmp_path / "data")
    assert controller.start()
    wizard = controller.wizard
    assert wizard is not None
    qtbot.addWidget(wizard)
    assert wizard.isVisible() and wizard.currentPage() is wizard.mode_page
    assert wizard.mode_page.desa.isChecked()

    wizard.next()
    region = wizard.region_page
    assert wizard.currentPage() is region and not region.isComplete()
    region.kecamatan.setCurrentIndex(region.kecamatan.findText("Kota Kudus"))
    desa_names = combo_texts(region.desa)
    assert "Purwosari" not in desa_names, "kelurahan have no village budget and are not offered"
    assert len(desa_names) > 1
    region.kecamatan.setCurrentIndex(region.kecamatan.findText("Jati"))
    region.desa.setCurrentIndex(region.desa.findText("Getaspejaten"))
    assert region.isComplete()

    wizard.next()
    signatory = wizard.signatory_page
    assert signatory.head_title.text() == "Kepala Desa"
    assert not signatory.isComplete()
    qtbot.keyClicks(signatory.head_name, "H. Sutrisno")
    assert signatory.isComplete()

    wizard.next()
    admin = wizard.admin_page
    qtbot.keyClicks(admin.username, "sekdes")
    qtbot.keyClicks(admin.full_name, "Siti Sekdes")
    qtbot.keyClicks(admin.password, "rahasia-desa")
    qtbot.keyClicks(admin.confirm, "rahasia-desi")
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.isVisible() and admin.error.isVisible()
    assert "tidak sama" in admin.error.text()
    if (tmp_path / "data" / DB_FILE_NAME).exists():
        peek = open_database(tmp_path / "data")
        try:
            assert not AccountService(peek).profile().initialised
        finally:
            peek.close()

    admin.confirm.clear()
    qtbot.keyClicks(admin.confirm, "rahasia-desa")
    wizard.button(QWizard.WizardButton.FinishButton).click()
    qtbot.waitUntil(lambda: controller.window is not None and controller.window.isVisible())
    window = controller.window
    assert window is not None
    qtbot.addWidget(window)
    assert "Getaspejaten" in window.place_label.text() and "Jati" in window.place_label.text()
    assert "Siti Sekdes" in window.user_label.text() and "Admin" in window.user_label.text()
    assert str(tmp_path / "data" / DB_FILE_NAME) in window.db_label.text()
    nav = [window.navigation.item(i).text() for i in range(window.navigation.count())]
    assert nav == ["Beranda", "Peserta", "Persetujuan", "Iuran", "Impor", "Sinkronisasi", "Pengaturan"]
    window.close()

    db = open_database(tmp_path / "data")
    profile = AccountService(db).profile()
    assert (profile.mode, profile.region_code, profile.head_name) == ("desa", "33.19.03.2008", "H. Sutrisno")
    assert AccountService(db).login("SEKDES", "rahasia-desa").role == "admin"
    db.close()


def test_kabupaten_mode_needs_no_desa(qtbot: QtBot, tmp_path: Path) -> None:
    controller = AppController(tmp_path / "kab")
    controller.start()
    wizard = controller.wizard
    assert wizard is not None
    qtbot.addWidget(wizard)
    wizard.mode_page.kabupaten.setChecked(True)
    wizard.next()
    assert wizard.region_page.isComplete()
    assert wizard.request().region_code == "33.19"
    wizard.next()
    assert wizard.signatory_page.head_title.text() == "Kepala DPMD"


def test_log_in_refuses_a_wrong_password_then_opens(qtbot: QtBot, data_dir: Path) -> None:
    controller = AppController(data_dir)
    assert controller.start()
    login = controller.login
    assert login is not None
    qtbot.addWidget(login)
    qtbot.keyClicks(login.username, "admin")
    qtbot.keyClicks(login.password, "salah-sandi")
    login.login_button.click()
    qtbot.waitUntil(lambda: login.error.isVisible())
    assert login.isVisible() and login.login_button.isEnabled()
    assert login.error.text() == "Nama pengguna atau kata sandi salah."
    assert login.password.text() == "" and controller.window is None
    qtbot.keyClicks(login.password, PASSWORD)
    login.login_button.click()
    qtbot.waitUntil(lambda: controller.window is not None)
    assert controller.window is not None
    qtbot.addWidget(controller.window)
    assert "Admin Desa" in controller.window.user_label.text()
    controller.window.close()


def test_the_days_backup_is_made_behind_the_log_in_window(qtbot: QtBot, data_dir: Path) -> None:
    backups = data_dir / "backups"
    assert not list(backups.glob("kudus-harian-*.sqlite")) if backups.exists() else True
    controller = AppController(data_dir)
    assert controller.start()
    assert controller.login is not None and controller.login.isVisible()  # shown without waiting for it
    qtbot.addWidget(controller.login)
    qtbot.waitUntil(lambda: controller.backup_done)
    (made,) = backups.glob("kudus-harian-*.sqlite")
    assert made.stat().st_size > 0
    controller.login.reject()


def test_the_log_in_window_is_on_screen_before_the_database_opens(
    qtbot: QtBot, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The clerk sees the window at once; "Masuk" waits for the database behind it."""
    from kudus_desktop.core.storage import db as db_module

    controller = AppController(data_dir)
    seen: list[tuple[bool, bool]] = []
    real = db_module.open_database

    def opening(path: Path, **kw: bool) -> object:
        login = controller.login
        seen.append((login is not None and login.isVisible(), login is not None and login.login_button.isEnabled()))
        return real(path, **kw)

    monkeypatch.setattr(db_module, "open_database", opening)
    assert controller.start()
    assert controller.login is not None
    qtbot.addWidget(controller.login)
    assert seen == [(True, False)], "shown, not yet accepting a log-in, while the database opened"
    assert controller.login.login_button.isEnabled()
    assert controller.login.heading.text() == AccountService(controller.db).profile().region_name  # type: ignore[arg-type]
    controller.login.reject()


def test_the_log_in_window_needs_no_database_layer_to_load() -> None:
    """What the window shows first is importable without SQLAlchemy and the core services (a
    third of a second on an old PC): a stray import at the top of app.py would make every
    start wait for them again."""
    import subprocess
    import sys

    code = (
        "import sys; import kudus_desktop.gui.app; "
        "print(sorted(m for m in ('sqlalchemy', 'kudus_desktop.core.office.accounts', 'openpyxl') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.strip() == "[]", out.stdout


@pytest.fixture
def shown_errors(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(app_module, "show_error", lambda _parent, exc: shown.append(error_text(exc)))
    return shown


def test_a_file_that_is_not_a_database_is_named_and_left_alone(tmp_path: Path, shown_errors: list[str]) -> None:
    data = tmp_path / "data"
    data.mkdir()
    junk = b"PK\x03\x04 bukan basis data" * 50
    (data / DB_FILE_NAME).write_bytes(junk)
    controller = AppController(data)
    assert controller.start() is False
    assert controller.login is None, "the log-in window shown ahead of the database is gone again"
    assert len(shown_errors) == 1 and "bukan basis data" in shown_errors[0] and DB_FILE_NAME in shown_errors[0]
    assert (data / DB_FILE_NAME).read_bytes() == junk


def test_a_data_folder_that_cannot_be_made_is_named(tmp_path: Path, shown_errors: list[str]) -> None:
    (tmp_path / "berkas").write_text("x")
    assert AppController(tmp_path / "berkas" / "data").start() is False
    assert "tidak dapat ditulisi" in shown_errors[0]


def test_a_second_window_for_the_same_data_is_refused_naming_the_first(
    qtbot: QtBot, data_dir: Path, shown_errors: list[str]
) -> None:
    first = AppController(data_dir)
    assert first.start()
    assert first.login is not None
    qtbot.addWidget(first.login)
    second = AppController(data_dir)
    assert second.start() is False
    assert len(shown_errors) == 1
    assert "sudah terbuka" in shown_errors[0] and f"proses {os.getpid()}" in shown_errors[0]
    assert second.db is None, "the refused window opened nothing"
    first.login.reject()  # the clerk closes the first window: the folder is free again
    third = AppController(data_dir)
    assert third.start()
    assert third.login is not None
    qtbot.addWidget(third.login)
    third.login.reject()


def test_a_clock_in_an_impossible_year_is_named_before_anything_opens(
    qtbot: QtBot, data_dir: Path, shown_errors: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The PC's battery died: the clock shows 1 March 1975. The window says so and opens
    nothing; once the clock is right it starts as usual."""
    from datetime import datetime

    from kudus_desktop.core.rules.dates import check_clock

    before = (data_dir / DB_FILE_NAME).read_bytes()
    monkeypatch.setattr(app_module, "check_clock", lambda: check_clock(datetime(1975, 3, 1, 8, 0)))
    controller = AppController(data_dir)
    assert controller.start() is False
    assert len(shown_errors) == 1 and "Jam komputer menunjukkan 1 Maret 1975" in shown_errors[0]
    assert controller.db is None and controller.login is None
    assert (data_dir / DB_FILE_NAME).read_bytes() == before
    monkeypatch.setattr(app_module, "check_clock", check_clock)
    again = AppController(data_dir)
    assert again.start() and again.login is not None
    qtbot.addWidget(again.login)
    again.login.reject()
