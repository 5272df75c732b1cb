"""Screenshots of every page of a village's window at 1366x768, for the README and docs/.

Builds a demo village in a temporary folder (an operator enrols people, the admin approves most of
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


def demo_village(data_dir: Path, people: int = 48) -> None:
    db = open_database(data_dir)
    accounts = AccountService(db)
    admin = accounts.initialise(
        SetupRequest(
            mode="desa", region_code="33.19.03.2001", head_name="Sutrisno", head_title="Kepala Desa",
            admin_username="admin", admin_full_name="Sri Handayani", password=PASSWORD,
        )
    )  # fmt: skip
    accounts.create_account(admin, "operator", "Bagus Prasetyo", "operator", PASSWORD)
    maker = ParticipantService(db, accounts.login("operator", PASSWORD))
    rng = random.Random(7)
    ids = []
    for n in range(1, people + 1):
        female = rng.random() < 0.5
        category = rng.choice(CATEGORIES)
        listed = category == "pekerja_rentan"  # informal workers come from a social-welfare list
        birth = date(rng.randint(1960, 2000), rng.randint(1, 12), rng.randint(1, 28))
        nik = f"331903{birth.day + (40 if female else 0):02d}{birth.month:02d}{birth.year % 100:02d}{n:04d}"
        draft = ParticipantDraft(
            nik=nik, kk=f"3319030101{n:06d}", full_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            birth_place="Kudus", birth_date=birth.strftime("%d/%m/%Y"), sex="P" if female else "L",
            address="Jl. Raya Jati", dusun=rng.choice(("Krajan", "Ngembal", "Kauman")), rt=str(rng.randint(1, 6)),
            rw=str(rng.randint(1, 3)), phone="", occupation="Buruh harian", category=category,
            source_list="DTSEN" if listed else "", source_date="01/10/2026" if listed else "", funding="pades",
            start_date="01/11/2026",
        )  # fmt: skip
        pid, _ = maker.create(draft, accept_warnings=True)
        ids.append(pid)
    ApprovalService(db, admin).approve(ids[: people - 6])  # a few still wait for the verifikator
    db.close()


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
        for key in PAGES:
            window.show_page(key)
            while ops.running():  # what the page asked the database threads for
                QCoreApplication.processEvents()
            for _ in range(5):
                QCoreApplication.processEvents()
            target = args.out / f"{key}.png"
            window.grab().save(str(target))
            print(target)
        window.close()
        ops.wait_idle()
        db.close()
    app.quit()


if __name__ == "__main__":
    main()
