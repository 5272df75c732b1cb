"""A wrong PC clock: impossible years are refused before anything is written, a lockout never
outlasts its 15 minutes from the moment it is seen, and attempts made at once all count.

The wrong clocks are real: the command line runs under libfaketime (``faketime``), which
sets the time every call to the C library sees, as a PC whose clock battery died would.
"""

from __future__ import annotations

import multiprocessing
import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kudus_desktop.core.enrolment.participants import ParticipantService
from kudus_desktop.core.errors import AuthError, ClockError
from kudus_desktop.core.office.accounts import LOCK_MINUTES, MAX_FAILURES, AccountService
from kudus_desktop.core.paths import DB_FILE_NAME
from kudus_desktop.core.rules.dates import check_clock
from kudus_desktop.core.storage.db import open_database
from kudus_desktop.core.village.premiums import PremiumService
from tests.conftest import copy_office
from tests.factories import PASSWORD, make_draft, sqlite_file


def _counts(data: Path) -> tuple[int, int, int, str]:
    with sqlite_file(data / DB_FILE_NAME) as conn:
        audit = conn.execute("SELECT count(*) FROM audit_event").fetchone()[0]
        people = conn.execute("SELECT count(*) FROM participant").fetchone()[0]
        rates = conn.execute("SELECT count(*) FROM premium_rate").fetchone()[0]
        since = conn.execute("SELECT coalesce(max(value), '') FROM setting WHERE key = 'premium_since'").fetchone()[0]
    return audit, people, rates, since


def _faketime(moment: str, *argv: str) -> subprocess.CompletedProcess[str]:
    """``argv`` run by Python under libfaketime, its clock set to ``moment``."""
    if shutil.which("faketime") is None:
        pytest.skip("faketime (libfaketime) is not installed; .ci/run installs it")
    return subprocess.run(
        ["faketime", moment, sys.executable, *argv],
        capture_output=True, text=True, timeout=120, check=False, cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip


def _under_clock(moment: str, *args: str) -> subprocess.CompletedProcess[str]:
    return _faketime(moment, "-m", "kudus_desktop", *args)


def test_impossible_years_are_named() -> None:
    with pytest.raises(ClockError) as early:
        check_clock(datetime(1970, 1, 1, 7, 0))
    assert "1 Januari 1970" in str(early.value) and "1980" in str(early.value)
    with pytest.raises(ClockError):
        check_clock(datetime(2100, 1, 1))
    assert check_clock(datetime(1980, 1, 1)).year == 1980
    assert check_clock(datetime(2099, 12, 31)).year == 2099


@pytest.mark.parametrize("moment", ["1975-03-01 10:00:00", "2101-06-01 10:00:00"])
def test_a_command_under_an_impossible_clock_writes_nothing(template_dir: Path, tmp_path: Path, moment: str) -> None:
    data = copy_office(template_dir, tmp_path / "data")
    before = _counts(data)
    lst = tmp_path / "daftar.csv"
    lst.write_text("NIK;Nama\n3319015708850001;Siti Aminah\n", encoding="utf-8")
    for args in (
        ["info"],
        ["export", "roster", "--out", str(tmp_path / "daftar.xlsx")],
        ["import", str(lst), "--commit"],
    ):
        done = _under_clock(moment, "--data-dir", str(data), *args)
        assert done.returncode == 2, done.stdout + done.stderr
        assert "Jam komputer menunjukkan" in done.stderr and "Traceback" not in done.stderr
    assert _counts(data) == before
    assert not (tmp_path / "daftar.xlsx").exists()


def test_a_write_under_an_impossible_clock_is_refused_in_the_core(template_dir: Path, tmp_path: Path) -> None:
    """A clock that goes wrong while the window is open: the core refuses the write itself."""
    data = copy_office(template_dir, tmp_path / "data")
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from kudus_desktop.core.storage.db import open_database\n"
        "from kudus_desktop.core.office.accounts import AccountService\n"
        "from kudus_desktop.core.enrolment.participants import ParticipantService\n"
        "from kudus_desktop.core.errors import ClockError\n"
        "from tests.factories import PASSWORD, make_draft\n"
        "db = open_database(Path(sys.argv[1]), create=False)\n"
        "try:\n"
        "    ParticipantService(db, AccountService(db).login('admin', PASSWORD)).create(make_draft(1))\n"
        "except ClockError as exc:\n"
        "    print('refused:', exc)\n"
    )
    before = _counts(data)
    later = _faketime("1979-12-31 23:00:00", "-c", script, str(data))
    assert later.returncode == 0, later.stderr
    # The database opened (reading needs no trusted date); the first write, the log-in's
    # audit entry, was refused, so nothing at all was stored.
    assert "refused: Jam komputer menunjukkan 31 Desember 1979" in later.stdout
    assert _counts(data) == before


def test_a_lock_set_under_a_clock_ahead_lasts_fifteen_minutes_once_seen(template_dir: Path, tmp_path: Path) -> None:
    data = copy_office(template_dir, tmp_path / "data")
    db = open_database(data)
    accounts = AccountService(db)
    ahead = datetime(2040, 5, 1, 9, 0)
    for _ in range(MAX_FAILURES):
        with pytest.raises(AuthError):
            accounts.login("admin", "salah-sekali", now=ahead)
    with pytest.raises(AuthError) as locked:
        accounts.login("admin", PASSWORD, now=ahead)
    assert locked.value.code == "account_locked"
    # The clock is put right: the lock is seen now and lasts 15 minutes from now, not 13 years.
    now = datetime(2026, 12, 2, 9, 0)
    with pytest.raises(AuthError) as seen:
        accounts.login("admin", PASSWORD, now=now)
    assert seen.value.code == "account_locked" and seen.value.params["minutes"] <= LOCK_MINUTES + 1
    with pytest.raises(AuthError):
        accounts.login("admin", PASSWORD, now=now + timedelta(minutes=LOCK_MINUTES - 1))
    user = accounts.login("admin", PASSWORD, now=now + timedelta(minutes=LOCK_MINUTES, seconds=1))
    assert user.username == "admin"
    db.close()


def _wrong_password(data: str, start: Any, attempts: int) -> int:
    db = open_database(Path(data), create=False)
    accounts = AccountService(db)
    start.wait()
    refused = 0
    for _ in range(attempts):
        try:
            accounts.login("admin", "bukan-sandinya")
        except AuthError:
            refused += 1
    db.close()
    return refused


def test_wrong_passwords_made_at_once_all_count(template_dir: Path, tmp_path: Path) -> None:
    """Ten processes, two wrong passwords each, released together: the account ends locked."""
    data = copy_office(template_dir, tmp_path / "data")
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager, context.Pool(10) as pool:
        start = manager.Event()
        waiting = [pool.apply_async(_wrong_password, (str(data), start, 2)) for _ in range(10)]
        start.set()
        assert sum(w.get(timeout=300) for w in waiting) == 20
    db = open_database(data)
    with pytest.raises(AuthError) as locked:
        AccountService(db).login("admin", PASSWORD)
    assert locked.value.code == "account_locked"
    with sqlite_file(data / DB_FILE_NAME) as conn:
        seen = dict(conn.execute("SELECT action, count(*) FROM audit_event GROUP BY action").fetchall())
    # Every attempt is in the log: wrong passwords until the lock, refused as locked after it.
    assert seen.get("login_failed", 0) >= MAX_FAILURES
    assert seen.get("login_failed", 0) + seen.get("login_locked", 0) == 20 + 1
    db.close()


def test_reading_writes_nothing(template_dir: Path, tmp_path: Path) -> None:
    """``info`` and the dashboard read; the rate table is seeded by the first write that needs it."""
    data = copy_office(template_dir, tmp_path / "data")
    db = open_database(data)
    service = ParticipantService(db, AccountService(db).login("admin", PASSWORD))
    service.create(make_draft(1))
    before = _counts(data)
    assert before[2] == 0  # no rates stored yet
    assert service.dashboard().active_total == 1
    assert PremiumService(db, service.user).estimate().rate == 16_800  # the default rate, read, not stored
    db.close()
    done = subprocess.run(
        [sys.executable, "-m", "kudus_desktop", "--data-dir", str(data), "info"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert _counts(data) == before
