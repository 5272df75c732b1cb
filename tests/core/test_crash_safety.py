"""A process killed inside a large write leaves the database as it was or with all of it.

Each kill lands inside the write it tests: the process runs with ``KUDUS_CRASH_POINT`` naming
a point in that write (:mod:`kudus_desktop.core.storage.faults`), writes the marker there and waits;
the test waits for the marker, not for a delay, then kills it with SIGKILL. Besides SQLite's
integrity check, nothing partial may be visible afterwards.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kudus_desktop.core.paths import DB_FILE_NAME
from kudus_desktop.core.storage.db import open_database
from tests.factories import make_nik, sqlite_file, village_list

pytestmark = pytest.mark.usefixtures("as_admin")

ROWS = 6000


def killed_at(point: str, cmd: list[str], workdir: Path) -> None:
    """Run ``cmd`` until it reaches ``point``, then kill it there."""
    marker = workdir / f"{point}.reached"
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        env={**os.environ, "KUDUS_CRASH_POINT": point, "KUDUS_CRASH_MARKER": str(marker)},
    )  # fmt: skip
    while not marker.exists():
        if proc.poll() is not None:  # it ended without reaching the point: the test is wrong
            raise AssertionError(f"{point} never reached: {proc.stderr.read().decode() if proc.stderr else ''}")
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    if proc.stderr:
        proc.stderr.close()


def test_an_import_killed_inside_its_transaction_leaves_nobody(tmp_path: Path, data_dir: Path) -> None:
    from datetime import date, timedelta

    rows = []
    for i in range(ROWS):
        birth = date(1960, 1, 1) + timedelta(days=i % 9000)
        rows.append([make_nik(i % 9999 + 1, birth=birth), "Warga Desa", f"{birth:%d/%m/%Y}", "L", 1, 1, ""])
    source = village_list(tmp_path / "besar.xlsx", rows)
    target = tmp_path / "desa"
    shutil.copytree(data_dir, target)
    cmd = [sys.executable, "-m", "kudus_desktop", "import", str(source), "--commit", "--data-dir", str(target)]
    killed_at("import.rows_written", cmd, tmp_path)  # every row written, the commit not yet made
    db = open_database(target)  # runs SQLite's quick_check and refuses a damaged file
    db.close()
    with sqlite_file(target / DB_FILE_NAME) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        people = conn.execute("SELECT count(*) FROM participant").fetchone()[0]
        history = conn.execute("SELECT count(*) FROM participant_history").fetchone()[0]
        counters = dict(conn.execute("SELECT name, value FROM counter"))
    assert people == 0, f"a killed import left {people} of {ROWS} participants"
    assert history == 0 and counters.get("reg_no", 0) == 0
    # And the same import run to its end afterwards holds everyone once.
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    with sqlite_file(target / DB_FILE_NAME) as conn:
        assert conn.execute("SELECT count(*) FROM participant").fetchone()[0] == ROWS


PEOPLE = 20_000


def _big_joined_village(tmp_path: Path, data_dir: Path) -> tuple[Path, Path]:
    """A village with PEOPLE participants that has joined a regency; returns (village, regency) folders."""
    from datetime import date

    from kudus_desktop.core.enrolment.participants import ParticipantService
    from kudus_desktop.core.office.accounts import AccountService, SetupRequest
    from kudus_desktop.core.rules.validation import ParticipantFields
    from kudus_desktop.core.sync import RegencySync, VillageSync
    from tests.factories import PASSWORD, letters

    kab_dir = tmp_path / "kabupaten"
    kab = open_database(kab_dir)
    AccountService(kab).initialise(SetupRequest("kabupaten", "33.19", "K", "Kepala DPMD", "admin", "A", PASSWORD, ""))
    kab_user = AccountService(kab).login("admin", PASSWORD)
    db = open_database(data_dir)
    user = AccountService(db).login("admin", PASSWORD)
    setup, _ = RegencySync(kab, kab_user).make_setup_file("33.19.03.2008", tmp_path)
    VillageSync(db, user).join(setup)
    people = [
        ParticipantFields(
            nik=f"3319{(i // 9999) % 9 + 1:02d}120580{i % 9999 + 1:04d}", kk=None, full_name=f"Warga {letters(i + 1)}",
            birth_place=None, birth_date=date(1980, 5, 12), sex="L", address=None, dusun=None, rt="001", rw="002",
            phone=None, occupation=None, category="pekerja_rentan", source_list="DTKS", source_date=None,
            funding="pades", start_date=date(2026, 11, 1),
        )
        for i in range(PEOPLE)
    ]  # fmt: skip
    ParticipantService(db, user).bulk_write(people, [])
    db.close()
    kab.close()
    return data_dir, kab_dir


def test_killing_a_package_export_never_leaves_a_half_package(tmp_path: Path, data_dir: Path) -> None:
    from kudus_desktop.core.office.accounts import AccountService
    from kudus_desktop.core.storage.signing import identity
    from kudus_desktop.core.storage.syncfile import parse, verify
    from kudus_desktop.core.sync import RegencySync, VillageSync
    from tests.factories import PASSWORD

    village, regency = _big_joined_village(tmp_path, data_dir)
    # Killed with the package recorded but not committed, and while it is half copied to the stick.
    for attempt, point in enumerate(("package.recorded", "package.stick_copy")):
        target = tmp_path / f"desa-{attempt}"
        stick = tmp_path / f"stick-{attempt}"
        shutil.copytree(village, target)
        cmd = [sys.executable, "-m", "kudus_desktop", "sync", "export", "--to", str(stick), "--data-dir", str(target)]
        killed_at(point, cmd, tmp_path)
        db = open_database(target)
        me = identity(db)
        with db.begin() as conn:
            outbox = conn.exec_driver_sql("SELECT seq, file_name FROM sync_outbox").all()
            sent = conn.exec_driver_sql("SELECT count(*) FROM participant_sync WHERE sent_seq IS NOT NULL").scalar()
        # All or nothing: a recorded package has its file, complete and signed; none, nothing marked sent.
        assert sent == (PEOPLE if outbox else 0)
        for _seq, name in outbox:
            verify(parse((target / "sync" / "outbox" / name).read_bytes(), name, "package"), me.sign_public)
        # Killed before the commit: nothing recorded, nothing on the stick. Killed in the copy:
        # the package is recorded, and the stick holds the cut copy only under "~...tmp".
        if point == "package.stick_copy":
            assert len(outbox) == 1 and [f.name for f in stick.iterdir()] == [f"~{outbox[0][1]}.tmp"]
        else:
            assert outbox == [] and not stick.exists()
        # A number is taken only with the commit that records its package: the next export
        # follows the last recorded one, so the regency never waits for a package that never was.
        user = AccountService(db).login("admin", PASSWORD)
        again = VillageSync(db, user).export_package(full=True)
        assert again.seq == max((s for s, _ in outbox), default=0) + 1
        kab = open_database(shutil.copytree(regency, tmp_path / f"kab-{attempt}"))  # a regency that has seen none
        kab_user = AccountService(kab).login("admin", PASSWORD)
        intake = RegencySync(kab, kab_user)
        for _seq, name in outbox:
            intake.import_package(
                (target / "sync" / "outbox" / name).read_bytes(), name, confirm_fingerprint=me.fingerprint
            )
        result = intake.import_package(
            again.outbox_path.read_bytes(), again.file_name, confirm_fingerprint=me.fingerprint
        )
        assert result.added == (0 if outbox else PEOPLE) and result.rejected == 0
        assert next(v for v in intake.villages() if v.code == "33.19.03.2008").missing == ()
        kab.close()
        db.close()


def test_killing_a_large_payment_records_all_of_it_or_nothing(tmp_path: Path, data_dir: Path) -> None:
    village, _ = _big_joined_village(tmp_path, data_dir)
    total = PEOPLE * 12 * 16_800
    for attempt, point in enumerate(("payment.row_written", "payment.months_written")):
        target = tmp_path / f"bayar-{attempt}"
        shutil.copytree(village, target)
        cmd = [sys.executable, "-m", "kudus_desktop", "iuran", "pay", "--month", "2026-11", "--months", "12",
               "--amount", str(total), "--date", "2026-11-01", "--data-dir", str(target)]  # fmt: skip
        killed_at(point, cmd, tmp_path)
        open_database(target).close()
        with sqlite_file(target / DB_FILE_NAME) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            payments = conn.execute("SELECT count(*), coalesce(sum(amount), 0) FROM premium_payment").fetchone()
            items = conn.execute("SELECT count(*), coalesce(sum(amount), 0) FROM premium_paid").fetchone()
        assert payments == (0, 0) and items == (0, 0), (point, payments, items)
