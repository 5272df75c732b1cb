"""Two processes on one data folder: whole-database work (restore, purge, migration) waits
for nobody and is refused while another process has the file open, naming it; nothing that
process saved is lost; a crash leaves no lock behind; a second window is refused."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from select import select as wait_for_output

import pytest
from sqlalchemy import func, select

from kudus_desktop.core.errors import StorageError
from kudus_desktop.core.office.accounts import AccountService
from kudus_desktop.core.paths import DB_FILE_NAME
from kudus_desktop.core.storage import instance
from kudus_desktop.core.storage.backup import backup_database, restore_database
from kudus_desktop.core.storage.db import Database, open_database
from kudus_desktop.core.storage.tables import participant_table
from kudus_desktop.core.village.retention import RetentionService
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"

# A second process, as a clerk's command would be: it opens the database, says so, then saves
# one participant per line it reads and answers each once it is committed.
WRITER = """
import sys
from pathlib import Path
from kudus_desktop.core.storage import instance
from kudus_desktop.core.office.accounts import AccountService
from kudus_desktop.core.storage.db import open_database
from kudus_desktop.core.enrolment.participants import ParticipantService
from tests.factories import PASSWORD, make_draft

instance.set_role("perintah 'peserta add'")
db = open_database(Path(sys.argv[1]))
service = ParticipantService(db, AccountService(db).login("admin", PASSWORD))
print("siap", flush=True)
for line in sys.stdin:
    service.create(make_draft(int(line)))
    print("tersimpan", flush=True)
db.close()
"""

WINDOW = """
import sys
from pathlib import Path
from kudus_desktop.core.storage import instance

instance.set_role("jendela Kudus Desktop")
lock = instance.WindowLock(Path(sys.argv[1]))
print("bebas" if lock.acquire() is None else "terpakai", flush=True)
sys.stdin.read()
"""


class Child:
    def __init__(self, script: str, data_dir: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", script, str(data_dir)],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.first = self.line()

    def line(self) -> str:
        assert self.proc.stdout is not None
        return self.proc.stdout.readline().strip()

    def save(self, serial: int) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"{serial}\n")
        self.proc.stdin.flush()
        assert self.line() == "tersimpan"

    def end(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        assert self.proc.wait(timeout=60) == 0

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL if os.name == "posix" else signal.SIGTERM)
        self.proc.wait(timeout=60)


@pytest.fixture
def children() -> Iterator[list[Child]]:
    made: list[Child] = []
    yield made
    for child in made:
        if child.proc.poll() is None:
            child.kill()
        for pipe in (child.proc.stdin, child.proc.stdout):
            if pipe is not None and not pipe.closed:
                pipe.close()


def _count(db: Database) -> int:
    with db.begin() as conn:
        return int(conn.execute(select(func.count()).select_from(participant_table)).scalar_one())


def test_restore_while_another_process_writes_is_refused_and_nothing_it_saved_is_lost(
    data_dir: Path, children: list[Child]
) -> None:
    db = open_database(data_dir)
    copy = backup_database(db.path)  # an empty office: restoring it would wipe what follows
    db.close()
    writer = Child(WRITER, data_dir)
    children.append(writer)
    assert writer.first == "siap"
    writer.save(1)

    with pytest.raises(StorageError) as refused:
        restore_database(data_dir, copy)
    assert refused.value.code == "db_in_use"
    message = str(refused.value)
    assert "Pemulihan cadangan tidak dapat dilakukan" in message
    assert f"perintah 'peserta add' (proses {writer.proc.pid}" in message

    for serial in (2, 3, 4, 5, 6):  # the saves that vanished when a restore swapped the file under them
        writer.save(serial)
    writer.end()
    db = open_database(data_dir)
    assert _count(db) == 6
    db.close()
    # Once the other process has gone, the same restore goes ahead.
    restore_database(data_dir, copy)
    db = open_database(data_dir)
    assert _count(db) == 0
    db.close()


def test_a_killed_process_leaves_no_lock_behind(data_dir: Path, children: list[Child]) -> None:
    db = open_database(data_dir)
    copy = backup_database(db.path)
    db.close()
    writer = Child(WRITER, data_dir)
    children.append(writer)
    assert writer.first == "siap"
    assert [h.pid for h in instance.holders(data_dir)] == [writer.proc.pid]
    writer.kill()
    # Its entry under run/ is still there, but nobody holds it: stale, removed when seen.
    assert list((data_dir / instance.RUN_DIR).glob("*.lock"))
    assert instance.holders(data_dir) == []
    assert not list((data_dir / instance.RUN_DIR).glob("*.lock"))
    restore_database(data_dir, copy)


def test_purge_waits_for_nobody_it_is_refused_while_another_process_has_the_file(
    data_dir: Path, children: list[Child]
) -> None:
    db = open_database(data_dir)
    retention = RetentionService(db, AccountService(db).login("admin", PASSWORD))
    retention.set_years(5)
    writer = Child(WRITER, data_dir)
    children.append(writer)
    assert writer.first == "siap"
    with pytest.raises(StorageError) as refused:
        retention.purge()
    assert refused.value.code == "db_in_use" and "Penghapusan data lewat masa simpan" in str(refused.value)
    writer.save(1)  # the other process is not disturbed by the refusal
    writer.end()
    # Alone again, the window's own connection may purge.
    assert retention.purge().count == 0
    assert _count(db) == 1
    db.close()


def test_a_migration_is_refused_while_another_process_has_the_file(tmp_path: Path, children: list[Child]) -> None:
    data = tmp_path / "data"
    data.mkdir()
    old = data / DB_FILE_NAME
    shutil.copyfile(FIXTURES / "desa_v1.sqlite", old)
    before = old.read_bytes()
    # Another process holding the folder as any opener does (an older window would not know the lock).
    other = Child("import sys\nfrom pathlib import Path\nfrom kudus_desktop.core.storage import instance\n"
                  "instance.set_role('jendela Kudus Desktop')\nu = instance.use(Path(sys.argv[1]))\n"
                  "print('siap', flush=True)\nsys.stdin.read()\n", data)  # fmt: skip
    children.append(other)
    assert other.first == "siap"
    with pytest.raises(StorageError) as refused:
        open_database(data)
    assert refused.value.code == "db_in_use" and "Penyiapan basis data" in str(refused.value)
    assert f"jendela Kudus Desktop (proses {other.proc.pid}" in str(refused.value)
    assert old.read_bytes() == before
    assert not (data / "backups").exists() or not list((data / "backups").iterdir())
    other.end()
    db = open_database(data)
    assert db.report.migrated_from == 1
    db.close()


def test_a_restore_holds_off_other_processes_until_it_is_done(data_dir: Path) -> None:
    db = open_database(data_dir)
    copy = backup_database(db.path)
    db.close()
    with instance.alone(data_dir, "Pemulihan cadangan"):
        # Another opener during whole-database work is refused, naming it, not let in mid-swap.
        script = (
            "import sys\nfrom pathlib import Path\nfrom kudus_desktop.core.storage.db import open_database\n"
            "from kudus_desktop.core.errors import KudusError\n"
            "try:\n    open_database(Path(sys.argv[1]))\nexcept KudusError as e:\n    print(e.code, str(e))\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", script, str(data_dir)], cwd=ROOT, capture_output=True, text=True, timeout=120
        ).stdout
        assert out.startswith("db_in_use Pembukaan basis data tidak dapat dilakukan")
        assert f"(proses {os.getpid()}" in out
        restore_database(data_dir, copy)  # this process's own restore, inside its own hold


def test_one_window_per_data_folder_and_a_crashed_window_does_not_keep_it(
    data_dir: Path, children: list[Child]
) -> None:
    first = Child(WINDOW, data_dir)
    children.append(first)
    assert first.first == "bebas"
    second = Child(WINDOW, data_dir)
    children.append(second)
    assert second.first == "terpakai"
    here = instance.WindowLock(data_dir)
    holder = here.acquire()
    assert holder is not None and holder.pid == first.proc.pid and holder.role == "jendela Kudus Desktop"
    first.kill()
    assert here.acquire() is None
    here.release()


# A clerk's command saving one participant per line while the window writes: each save says
# whether it was committed or why not.
SAVER = """
import sys
from pathlib import Path
from kudus_desktop.core.office.accounts import AccountService
from kudus_desktop.core.storage.db import open_database
from kudus_desktop.core.errors import KudusError
from kudus_desktop.core.enrolment.participants import ParticipantService
from tests.factories import PASSWORD, make_draft

db = open_database(Path(sys.argv[1]))
service = ParticipantService(db, AccountService(db).login("admin", PASSWORD))
print("siap", flush=True)
for line in sys.stdin:
    print("mulai", flush=True)
    try:
        service.create(make_draft(int(line)))
        print("tersimpan", flush=True)
    except KudusError as exc:
        print("gagal", exc.code, flush=True)
db.close()
"""


@pytest.mark.skipif(os.name != "posix", reason="waits on the pipe with select(), POSIX only")
def test_a_save_waits_for_another_process_writing_instead_of_failing(data_dir: Path, children: list[Child]) -> None:
    saver = Child(SAVER, data_dir)
    children.append(saver)
    assert saver.first == "siap"
    other = sqlite3.connect(data_dir / DB_FILE_NAME, isolation_level=None)
    try:
        # Another writer (an import, the window's own save) holds the write lock...
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE counter SET value = value WHERE name = 'change'")
        assert saver.proc.stdin is not None and saver.proc.stdout is not None
        saver.proc.stdin.write("1\n")
        saver.proc.stdin.flush()
        assert saver.line() == "mulai"
        # ...while the save, a read then a write, gets under way: it must queue behind the
        # writer. Started deferred, it read a snapshot that the writer's commit makes stale and
        # failed at once, busy timeout or not. A moment to reach its read; passing never
        # depends on it (a later save simply runs after the commit).
        ready, _, _ = wait_for_output([saver.proc.stdout], [], [], 1.0)
        assert not ready, f"the save finished while another process held the write lock: {saver.line()}"
        other.execute("INSERT INTO setting (key, value) VALUES ('uji_penulis_lain', '1')")
        other.execute("COMMIT")
    finally:
        other.close()
    assert saver.line() == "tersimpan"
    saver.end()
    db = open_database(data_dir)
    assert _count(db) == 1
    with db.begin() as conn:
        assert conn.exec_driver_sql("SELECT value FROM setting WHERE key = 'uji_penulis_lain'").scalar() == "1"
    db.close()


LEFTOVERS = (
    ".kudus.sqlite.restore",
    ".kudus-20261201-0910.dekripsi.sqlite",
    "backups/.kudus-manual-20261201-091000.sqlite.tmp",
    "backups/kudus-untuk-enkripsi-20261201-091000.sqlite",  # unencrypted: must not linger
    "keys/.device.key.tmp",
    "sync/outbox/~KDP_33.19.03.2008_00000007.kdp.tmp",
)
#: Files of the same folders that are the office's own and must stay.
KEPT = (
    "backups/kudus-manual-20261201-091000.sqlite",
    "backups/kudus-harian-20261201-091000.sqlite",
    "sync/outbox/catatan.txt",
    "kudus-untuk-enkripsi-20261201-091000.sqlite",  # not where the application puts them
)


def _plant(data_dir: Path, names: tuple[str, ...], age: float = 0.0) -> None:
    for name in names:
        path = data_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * 4096)
        if age:
            stamp = path.stat().st_mtime - age
            os.utime(path, (stamp, stamp))


def test_what_killed_work_left_is_removed_at_opening_and_nothing_else(data_dir: Path) -> None:
    _plant(data_dir, LEFTOVERS + KEPT)
    db = open_database(data_dir)
    assert sorted(p.relative_to(data_dir).as_posix() for p in db.report.swept) == sorted(LEFTOVERS)
    db.close()
    for name in LEFTOVERS:
        assert not (data_dir / name).exists(), name
    for name in KEPT:
        assert (data_dir / name).exists(), name


def test_while_another_process_works_only_old_leftovers_are_removed(data_dir: Path, children: list[Child]) -> None:
    other = Child(WRITER, data_dir)
    children.append(other)
    assert other.first == "siap"
    fresh, old = LEFTOVERS[:3], LEFTOVERS[3:]
    _plant(data_dir, fresh)  # perhaps the other process's backup or restore, still being written
    _plant(data_dir, old, age=2 * instance.STALE_AGE)
    db = open_database(data_dir)
    assert sorted(p.relative_to(data_dir).as_posix() for p in db.report.swept) == sorted(old)
    db.close()
    for name in fresh:
        assert (data_dir / name).exists(), name
    other.end()
