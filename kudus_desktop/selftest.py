"""``kudus-desktop selftest``: proves an installation works, from source or from the bundle.

In a temporary folder, never the clerk's data: creates a database, makes a first-release
database and migrates it, validates NIKs, enrols a participant, renders a card page to PDF,
then builds a sync package in a village, imports it at a regency and applies the receipt.
Each step is named; the first failure is reported with its reason and the exit code is 1.
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
import traceback
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from kudus_desktop import __version__
from kudus_desktop.core.office.accounts import AccountService, SetupRequest
from kudus_desktop.core.paths import DB_FILE_NAME, resource_path
from kudus_desktop.core.rules.records import UserView
from kudus_desktop.core.storage.db import SCHEMA_VERSION, Database, inspect_file, open_database

PASSWORD = "selftest-kudus-1"
DESA = "33.19.03.2008"


@dataclass(frozen=True, slots=True)
class StepResult:
    name: str
    ok: bool
    detail: str
    seconds: float


def _office(path: Path, mode: str, code: str) -> tuple[Database, UserView]:
    db = open_database(path)
    accounts = AccountService(db)
    accounts.initialise(SetupRequest(mode, code, "Uji Mandiri", "Kepala", "admin", "Admin", PASSWORD, ""))
    return db, accounts.login("admin", PASSWORD)


class SelfTest:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.village: tuple[Database, UserView] | None = None

    def database(self) -> str:
        db = open_database(self.root / "baru")
        try:
            if not db.report.created or inspect_file(db.path) != SCHEMA_VERSION:
                raise RuntimeError("basis data baru tidak berskema terkini")
        finally:
            db.close()
        return f"skema {SCHEMA_VERSION}"

    def migration(self) -> str:
        folder = self.root / "lama"
        folder.mkdir()
        script = resource_path("selftest", "schema_v1.sql").read_text(encoding="utf-8")
        with closing(sqlite3.connect(folder / DB_FILE_NAME)) as conn:
            conn.executescript(script)
        db = open_database(folder)
        try:
            if db.report.migrated_from != 1 or db.report.backup is None or not db.report.backup.exists():
                raise RuntimeError("basis data versi pertama tidak diperbarui dengan cadangan")
        finally:
            db.close()
        return f"skema 1 -> {SCHEMA_VERSION}, cadangan dibuat"

    def nik(self) -> str:
        from kudus_desktop.core.rules.nik import NumberError, parse_nik

        good = parse_nik("3319035708800001")
        if (good.birth_day, good.birth_month, good.birth_yy, good.sex) != (17, 8, 80, "P"):
            raise RuntimeError("NIK sah dibaca salah")
        try:
            parse_nik("3319031302800000")
        except NumberError:
            return "NIK sah diterima, NIK rusak ditolak"
        raise RuntimeError("NIK dengan nomor urut 0000 diterima")

    def enrol(self) -> str:
        from kudus_desktop.core.enrolment.participants import ParticipantService
        from kudus_desktop.core.rules.validation import ParticipantDraft

        db, user = self.village = _office(self.root / "desa", "desa", DESA)
        draft = ParticipantDraft(
            nik="3319035708800001", kk="3319031708800001", full_name="Siti Aminah", birth_place="Kudus",
            birth_date="17/08/1980", sex="P", address="Jl. Raya 1", dusun="Krajan", rt="001", rw="002",
            phone="", occupation="Pedagang", category="linmas", source_list="DTKS", source_date="",
            funding="pades", start_date="01/11/2026",
        )  # fmt: skip
        from kudus_desktop.core.enrolment.approval import ApprovalService
        from kudus_desktop.core.rules.codes import Role

        pid, _ = ParticipantService(db, user).create(draft)
        # Maker-checker, as a new office has it: a verifikator approves what the admin entered.
        accounts = AccountService(db)
        accounts.create_account(user, "pemeriksa", "Pemeriksa Uji", Role.VERIFIKATOR, "sandi-uji-mandiri")
        checker = accounts.login("pemeriksa", "sandi-uji-mandiri")
        if ApprovalService(db, checker).approve([pid]).approved != 1:
            raise RuntimeError("persetujuan verifikator tidak tercatat")
        return f"peserta {pid} tersimpan dan disetujui"

    def card(self) -> str:
        import os

        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from PySide6.QtGui import QGuiApplication

        from kudus_desktop.core.enrolment.participants import ParticipantService
        from kudus_desktop.core.rules.card_layout import Paper
        from kudus_desktop.core.village.cards import CardScope, CardService
        from kudus_desktop.render.cards import write_cards_pdf

        app = QGuiApplication.instance() or QGuiApplication(["kudus-desktop-selftest"])
        assert self.village is not None
        db, user = self.village
        service = ParticipantService(db, user)
        cards = CardService(db, service, AccountService(db).profile())
        batch = cards.prepare(cards.ids_for(CardScope.ALL))
        target = self.root / "kartu.pdf"
        pages = write_cards_pdf(target, batch, Paper.A4)
        data = target.read_bytes()
        if pages < 1 or not data.startswith(b"%PDF") or b"/Font" not in data:
            raise RuntimeError("PDF kartu kosong atau rusak")
        del app
        return f"{pages} halaman PDF, {len(data) // 1024} KB"

    def sync(self) -> str:
        from kudus_desktop.core.storage.signing import identity
        from kudus_desktop.core.sync import RegencySync, VillageSync

        assert self.village is not None
        db, user = self.village
        kab, kab_user = _office(self.root / "kabupaten", "kabupaten", "33.19")
        try:
            regency = RegencySync(kab, kab_user)
            setup, _ = regency.make_setup_file(DESA, self.root)
            village = VillageSync(db, user)
            village.join(setup)
            package = village.export_package(self.root / "flashdisk")
            result = regency.import_package(
                package.outbox_path.read_bytes(), package.file_name, confirm_fingerprint=identity(db).fingerprint
            )
            if result.added != 1:
                raise RuntimeError("paket tidak diimpor")
            (receipt,) = regency.write_receipts(self.root / "tanda-terima")
            applied = village.import_receipt(receipt)
            if applied.accepted != 1:
                raise RuntimeError("tanda terima tidak diterapkan")
        finally:
            kab.close()
        return "paket dibuat, diperiksa, diimpor; tanda terima diterapkan"

    def steps(self) -> list[tuple[str, Callable[[], str]]]:
        return [
            ("basis data baru", self.database),
            ("pembaruan dari versi pertama", self.migration),
            ("pemeriksaan NIK", self.nik),
            ("pendaftaran peserta", self.enrol),
            ("kartu peserta (PDF)", self.card),
            ("paket sinkronisasi", self.sync),
        ]

    def close(self) -> None:
        if self.village is not None:
            self.village[0].close()


def run(report: Callable[[StepResult], None] = lambda _r: None) -> list[StepResult]:
    """Every step in order, stopping at the first failure."""
    results: list[StepResult] = []
    with tempfile.TemporaryDirectory(prefix="kudus-selftest-") as tmp:
        test = SelfTest(Path(tmp))
        try:
            for name, step in test.steps():
                started = time.perf_counter()
                try:
                    detail = step()
                    ok = True
                except Exception as exc:  # noqa: BLE001 - the report names whatever broke, then stops
                    detail = f"{type(exc).__name__}: {exc}"
                    ok = False
                    traceback.print_exc()
                result = StepResult(name, ok, detail, time.perf_counter() - started)
                results.append(result)
                report(result)
                if not ok:
                    break
        finally:
            test.close()
    return results


def verdict() -> tuple[bool, str]:
    """Whether every step passed, and a line that says so (or names the step that failed)."""
    results = run()
    failed = [r for r in results if not r.ok]
    if failed:
        return False, f"langkah '{failed[0].name}' gagal: {failed[0].detail}"[:300]
    return True, f"{len(results)} langkah lulus"


def version_line() -> str:
    return f"kudus-desktop {__version__}"
