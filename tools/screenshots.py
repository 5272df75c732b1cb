"""Screenshots of every page of a village's and of the regency's window at 1366x768, and of the
user guide's window, for the README, docs/ and the guide (resources/guide/panduan.md shows them).

Builds a demo village in a temporary folder (an operator enrols people, the admin approves most of
them) and a demo regency that three villages send their packages to (one NIK enrolled in two of
them), opens the real main window on Qt's offscreen platform, visits each page and saves it:

    .venv/bin/python tools/screenshots.py [--out docs/screenshots] [--size 1366x768]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kudus_desktop.core.enrolment.approval import ApprovalService  # noqa: E402
from kudus_desktop.core.enrolment.participants import ParticipantService  # noqa: E402
from kudus_desktop.core.office.accounts import AccountService, SetupRequest  # noqa: E402
from kudus_desktop.core.rules.validation import ParticipantDraft  # noqa: E402
from kudus_desktop.core.storage.db import open_database  # noqa: E402

FIRST = "Siti Budi Sri Agus Dwi Joko Nur Slamet Ahmad Kartini Suparmi Bambang Rina Eko Wahyu Tri Dewi Yuni".split()
LAST = "Aminah Santoso Wahyuni Fauzi Lestari Susilo Hidayah Riyadi Rizki Sutrisno Rahayu Setiawan Purnomo".split()
CATEGORIES = ("rt_rw", "linmas", "bpd", "perangkat_lembaga", "pekerja_rentan", "buruh_tani")
PASSWORD = "sandi-contoh-123"
PAGES = ("beranda", "peserta", "persetujuan", "iuran", "impor", "sinkronisasi", "pengaturan")
REGENCY_PAGES = ("beranda", "sinkronisasi", "ganda", "bpjs")
#: The demo regency's villages: code, how many people, and a seed for their names.
REGENCY_VILLAGES = (("33.19.03.2001", 40, 7), ("33.19.01.2001", 25, 11), ("33.19.05.2001", 30, 13))
SHARED_NIK = "3319034508800007"  # enrolled in two villages: a case on the Ganda page


def demo_village(data_dir: Path, people: int = 48, *, code: str = "33.19.03.2001", seed: int = 7,
                 waiting: int = 6, extra_nik: str = "") -> None:  # fmt: skip
    """A village with ``people`` enrolled by its operator, all but ``waiting`` approved."""
    db = open_database(data_dir)
    accounts = AccountService(db)
    admin = accounts.initialise(
        SetupRequest(
            mode="desa", region_code=code, head_name="Sutrisno", head_title="Kepala Desa",
            admin_username="admin", admin_full_name="Sri Handayani", password=PASSWORD,
        )
    )  # fmt: skip
    accounts.create_account(admin, "operator", "Bagus Prasetyo", "operator", PASSWORD)
    maker = ParticipantService(db, accounts.login("operator", PASSWORD))
    rng = random.Random(seed)
    kec = code[6:8]
    ids = []
    for n in range(1, people + 1):
        female = rng.random() < 0.5
        category = rng.choice(CATEGORIES)
        listed = category == "pekerja_rentan"  # informal workers come from a social-welfare list
        birth = date(rng.randint(1960, 2000), rng.randint(1, 12), rng.randint(1, 28))
        nik = f"3319{kec}{birth.day + (40 if female else 0):02d}{birth.month:02d}{birth.year % 100:02d}{n:04d}"
        if n == people and extra_nik:
            nik, female, birth = extra_nik, True, date(1980, 8, 5)
        draft = ParticipantDraft(
            nik=nik, kk=f"3319{kec}0101{n:06d}", full_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            birth_place="Kudus", birth_date=birth.strftime("%d/%m/%Y"), sex="P" if female else "L",
            address="Jl. Raya Jati", dusun=rng.choice(("Krajan", "Ngembal", "Kauman")), rt=str(rng.randint(1, 6)),
            rw=str(rng.randint(1, 3)), phone="", occupation="Buruh harian", category=category,
            source_list="DTSEN" if listed else "", source_date="01/10/2026" if listed else "", funding="pades",
            start_date="01/11/2026",
        )  # fmt: skip
        pid, _ = maker.create(draft, accept_warnings=True)
        ids.append(pid)
    ApprovalService(db, admin).approve(ids[: people - waiting])  # a few still wait for the verifikator
    db.close()


def demo_regency(folder: Path) -> Path:
    """DPMD's installation with three villages joined and their first packages imported."""
    from kudus_desktop.core.storage.signing import identity
    from kudus_desktop.core.sync import RegencySync, VillageSync

    regency_dir = folder / "kabupaten"
    db = open_database(regency_dir)
    accounts = AccountService(db)
    operator = accounts.initialise(
        SetupRequest(
            mode="kabupaten", region_code="33.19", head_name="Drs. Adi Sasmito", head_title="Kepala DPMD",
            admin_username="admin", admin_full_name="Wahyu Hidayat", password=PASSWORD,
        )
    )  # fmt: skip
    regency = RegencySync(db, operator)
    stick = folder / "flashdisk"
    stick.mkdir()
    for n, (code, people, seed) in enumerate(REGENCY_VILLAGES):
        village_dir = folder / f"desa-{n}"
        demo_village(village_dir, people, code=code, seed=seed, waiting=0, extra_nik=SHARED_NIK if n < 2 else "")
        setup, _ = regency.make_setup_file(code, folder)
        village_db = open_database(village_dir)
        village = VillageSync(village_db, AccountService(village_db).login("admin", PASSWORD))
        village.join(setup)
        sent = village.export_package(stick)
        assert sent.copied_to is not None
        regency.import_package(
            sent.copied_to.read_bytes(), sent.copied_to.name, confirm_fingerprint=identity(village_db).fingerprint
        )
        village_db.close()
    db.close()
    return regency_dir


def grab_pages(window: object, keys: tuple[str, ...], out: Path, prefix: str = "") -> None:
    from PySide6.QtCore import QCoreApplication

    from kudus_desktop.gui import ops

    for key in keys:
        window.show_page(key)  # type: ignore[attr-defined]
        while ops.running():  # what the page asked the database threads for
            QCoreApplication.processEvents()
        for _ in range(5):
            QCoreApplication.processEvents()
        target = out / f"{prefix}{key}.png"
        window.grab().save(str(target))  # type: ignore[attr-defined]
        print(target)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--size", default="1366x768")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))

    from PySide6.QtCore import QCoreApplication

    from kudus_desktop.gui import ops
    from kudus_desktop.gui.app import create_application
    from kudus_desktop.gui.main_window import MainWindow

    app = create_application([sys.argv[0]])
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        demo_village(Path(tmp) / "data")
        db = open_database(Path(tmp) / "data")
        window = MainWindow(db, AccountService(db).login("admin", PASSWORD))
        window.resize(width, height)
        window.show()
        grab_pages(window, PAGES, args.out)
        window.show_page("peserta")
        window.show_guide()
        guide = window.help_window
        assert guide is not None
        guide.resize(width, height)
        for _ in range(5):
            QCoreApplication.processEvents()
        guide.show_section("mendaftarkan-peserta-baru")
        guide.grab().save(str(args.out / "panduan.png"))
        print(args.out / "panduan.png")
        window.close()
        ops.wait_idle()
        db.close()

        regency_db = open_database(demo_regency(Path(tmp)))
        window = MainWindow(regency_db, AccountService(regency_db).login("admin", PASSWORD))
        window.resize(width, height)
        window.show()
        grab_pages(window, REGENCY_PAGES, args.out, prefix="kab-")
        window.close()
        ops.wait_idle()
        regency_db.close()
    app.quit()


if __name__ == "__main__":
    main()
