"""Who is using a data folder: one window per folder, and whole-database work (restore,
migration, purge) only when no other process has the database open.

Every process that opens the database holds a *shared* lock on ``kudus.lock``; replacing or
rebuilding the file takes it *exclusively*, so it waits for nobody and is refused while a
window, a command or the sync server still has the file open. Each holder also keeps a small
file under ``run/`` naming itself (what it is, its process, since when), locked for as long as
it lives, so a refusal can say who to close. The window holds ``window.lock`` as well: a
second window for the same folder is refused with the first one's name.

Locks are the operating system's (``flock`` on POSIX, ``LockFileEx`` on Windows): a process
that dies, however it dies, lets go of them, so nothing stays stuck after a crash; a leftover
``run/`` file whose lock nobody holds is stale and is removed when seen.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from kudus_desktop.core.errors import StorageError

LOCK_FILE = "kudus.lock"
WINDOW_LOCK = "window.lock"
RUN_DIR = "run"

#: What this process calls itself in another's refusal; set once by the shell that runs.
_role = "Kudus Desktop"


def set_role(role: str) -> None:
    """Name this process for others' messages (``"jendela Kudus Desktop"``, ``"perintah import"``)."""
    global _role
    _role = role


class _HeldError(Exception):
    """The lock is held by another process (or another open of this one)."""


if sys.platform == "win32":  # pragma: no cover - exercised on the village PCs' Windows
    import ctypes
    import msvcrt
    from ctypes import wintypes

    class _Overlapped(ctypes.Structure):
        _fields_ = [
            ("Internal", ctypes.c_void_p),
            ("InternalHigh", ctypes.c_void_p),
            ("Offset", wintypes.DWORD),
            ("OffsetHigh", wintypes.DWORD),
            ("hEvent", wintypes.HANDLE),
        ]

    _kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    _EXCLUSIVE, _IMMEDIATE = 0x2, 0x1
    # One byte far past the end: a locked range cannot be read on Windows, and the file's own
    # text (who holds it) must stay readable for the refusal message.
    _OFFSET_HIGH = 0x1

    def _lock(fh: IO[str], exclusive: bool) -> None:
        # msvcrt.locking has no shared mode; LockFileEx does, on the same handle.
        ov = _Overlapped(0, 0, 0, _OFFSET_HIGH, None)
        flags = _IMMEDIATE | (_EXCLUSIVE if exclusive else 0)
        handle = wintypes.HANDLE(msvcrt.get_osfhandle(fh.fileno()))
        if not _kernel32.LockFileEx(handle, flags, 0, 1, 0, ctypes.byref(ov)):
            raise _HeldError

    def _unlock(fh: IO[str]) -> None:
        ov = _Overlapped(0, 0, 0, _OFFSET_HIGH, None)
        handle = wintypes.HANDLE(msvcrt.get_osfhandle(fh.fileno()))
        _kernel32.UnlockFileEx(handle, 0, 1, 0, ctypes.byref(ov))

    def _upgrade(fh: IO[str]) -> None:
        # Windows cannot lock a range exclusively over its own shared lock: let go, then try.
        _unlock(fh)
        _lock(fh, True)

    def _downgrade(fh: IO[str]) -> None:
        # A shared lock may overlap the same handle's exclusive one; the first unlock then
        # removes the exclusive lock, leaving the shared.
        _lock(fh, False)
        _unlock(fh)

else:
    import fcntl

    def _lock(fh: IO[str], exclusive: bool) -> None:
        # flock belongs to the open file, not the process: two opens in one process exclude
        # each other like two processes do, which is what the tests rely on.
        try:
            fcntl.flock(fh.fileno(), (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError:
            raise _HeldError from None

    def _unlock(fh: IO[str]) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    def _upgrade(fh: IO[str]) -> None:
        _lock(fh, True)  # flock converts the open file's shared lock

    def _downgrade(fh: IO[str]) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_SH)


def _open(path: Path) -> IO[str]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    return os.fdopen(fd, "r+", encoding="utf-8", newline="\n")


@dataclass(frozen=True, slots=True)
class Holder:
    """A process that has the data folder open, as it described itself."""

    role: str
    pid: int
    since: str

    def __str__(self) -> str:
        return f"{self.role} (proses {self.pid}, sejak {self.since})"


def _describe() -> str:
    return f"{_role}\n{os.getpid()}\n{datetime.now():%d-%m-%Y %H.%M}\n"


def _read_holder(fh: IO[str]) -> Holder | None:
    fh.seek(0)
    lines = fh.read(1024).splitlines()
    if len(lines) < 3 or not lines[1].isdigit():
        return None
    return Holder(lines[0][:80], int(lines[1]), lines[2][:20])


def holders(data_dir: Path) -> list[Holder]:
    """The live processes using ``data_dir``; stale entries left by a crash are removed."""
    found: list[Holder] = []
    run = data_dir / RUN_DIR
    try:
        entries = sorted(p for p in run.glob("*.lock") if p.name != WINDOW_LOCK)
    except OSError:
        return found
    for path in entries:
        try:
            fh = _open(path)
        except OSError:
            continue
        with fh:
            try:
                _lock(fh, True)
            except _HeldError:
                holder = _read_holder(fh)
                if holder is not None:
                    found.append(holder)
                continue
            _unlock(fh)
        with suppress(OSError):
            path.unlink()
    return found


def _in_use(data_dir: Path, purpose: str) -> StorageError:
    named = "; ".join(str(h) for h in holders(data_dir)) or "proses Kudus Desktop lain"
    return StorageError("db_in_use", path=str(data_dir), holders=named, purpose=purpose)


class _Folder:
    """This process's hold on one folder: the shared/exclusive lock and its ``run/`` entry,
    counted, since one process may open the same folder's database more than once."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.lock: IO[str] | None = None
        self.entry: IO[str] | None = None
        self.entry_path: Path | None = None
        self.shared = 0
        #: Depth of whole-database work in this process (a restore migrates the copy it put in).
        self.exclusive = 0

    def _announce(self) -> None:
        run = self.data_dir / RUN_DIR
        run.mkdir(mode=0o700, exist_ok=True)
        path = run / f"{os.getpid()}-{id(self):x}.lock"
        fh = _open(path)
        try:
            _lock(fh, True)
            fh.write(_describe())
            fh.flush()
        except (OSError, _HeldError):
            fh.close()  # a full disk: the entry goes unnamed, the lock still protects
            with suppress(OSError):
                path.unlink()
            raise OSError("run entry not written") from None
        self.entry, self.entry_path = fh, path

    def _release(self) -> None:
        if self.lock is not None:
            _unlock(self.lock)
            self.lock.close()
            self.lock = None
        if self.entry is not None:
            _unlock(self.entry)
            self.entry.close()
            self.entry = None
            assert self.entry_path is not None
            with suppress(OSError):
                self.entry_path.unlink()

    def take(self, exclusive: bool, purpose: str, *, mine: int = 0) -> None:
        """Share the folder, or have it alone; ``mine``: the shared holds of this process
        that whole-database work may go on under (the window purging through its own
        connection)."""
        if self.exclusive:
            # Whole-database work opens the database itself (a restore migrates the copy).
            if exclusive:
                self.exclusive += 1
            else:
                self.shared += 1
            return
        if exclusive and self.shared > mine:
            raise _in_use(self.data_dir, purpose)
        if self.lock is None:
            self.lock = _open(self.data_dir / LOCK_FILE)
            with suppress(OSError):  # the name is for messages only; the lock is what protects
                self._announce()
            try:
                _lock(self.lock, exclusive)
            except _HeldError:
                self._release()
                raise _in_use(self.data_dir, purpose) from None
        elif exclusive:
            try:
                _upgrade(self.lock)
            except _HeldError:
                # Converting let go of the shared lock; wait for it back (the other process's
                # whole-database work, if it won, ends) rather than run unprotected.
                _relock_shared(self.lock)
                raise _in_use(self.data_dir, purpose) from None
        else:
            self.shared += 1
            return
        if exclusive:
            self.exclusive = 1
        else:
            self.shared += 1

    def give(self, exclusive: bool) -> None:
        if exclusive:
            self.exclusive -= 1
            if not self.exclusive and self.shared and self.lock is not None:
                _downgrade(self.lock)
        else:
            self.shared = max(0, self.shared - 1)
        if not self.shared and not self.exclusive:
            self._release()


def _relock_shared(fh: IO[str]) -> None:
    while True:
        try:
            _lock(fh, False)
            return
        except _HeldError:
            time.sleep(0.05)


_folders: dict[Path, _Folder] = {}
_guard = threading.Lock()


@atexit.register
def _release_all() -> None:
    """At a normal exit every hold goes, its ``run/`` entry with it (a crash leaves the
    entries, which name a dead process and are passed over)."""
    with _guard:
        for folder in _folders.values():
            folder.shared = folder.exclusive = 0
            folder._release()


def _folder(data_dir: Path) -> _Folder:
    key = data_dir.resolve()
    folder = _folders.get(key)
    if folder is None:
        folder = _folders[key] = _Folder(key)
    return folder


class Use:
    """A shared hold on a data folder's database, given back with :meth:`release`."""

    def __init__(self, data_dir: Path) -> None:
        self._folder: _Folder | None = _folder(data_dir)

    def release(self) -> None:
        with _guard:
            if self._folder is not None:
                self._folder.give(False)
                self._folder = None


def use(data_dir: Path, purpose: str = "Pembukaan basis data") -> Use:
    """Hold ``data_dir``'s database open alongside other processes; refused (``db_in_use``)
    only while one of them is restoring, migrating or purging it."""
    with _guard:
        _folder(data_dir).take(False, purpose)
    return Use(data_dir)


@contextmanager
def alone(data_dir: Path, purpose: str, *, mine: int = 0) -> Iterator[None]:
    """Run whole-database work (``purpose``, for the refusal) while no other process uses
    ``data_dir``, and no more than ``mine`` open databases of this one."""
    with _guard:
        folder = _folder(data_dir)
        folder.take(True, purpose, mine=mine)
    try:
        yield
    finally:
        with _guard:
            folder.give(True)


class WindowLock:
    """The one window of a data folder; released when the window's process ends."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / RUN_DIR / WINDOW_LOCK
        self._fh: IO[str] | None = None

    def acquire(self) -> Holder | None:
        """None once held; otherwise the window that holds it (or an unnamed holder)."""
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fh = _open(self.path)
        try:
            _lock(fh, True)
        except _HeldError:
            holder = _read_holder(fh) or Holder("jendela Kudus Desktop", 0, "?")
            fh.close()
            return holder
        try:
            fh.truncate(0)
            fh.write(_describe())
            fh.flush()
        except OSError:
            pass  # a full disk: held, only unnamed
        self._fh = fh
        return None

    def release(self) -> None:
        if self._fh is not None:
            _unlock(self._fh)
            self._fh.close()
            self._fh = None

    def __del__(self) -> None:
        # A window forgotten without closing (a start that stopped half-way) lets go too.
        self.release()


#: What killed work leaves in a data folder, by folder: temporary copies that were to be
#: renamed into place (a backup, a restore, the key file, a sync file), the unencrypted copy an
#: encrypted backup or its restore works from, and the probe of a writable folder. Each is
#: named by the application alone; nothing a person put there matches.
_LEFTOVERS: tuple[tuple[str, str], ...] = (
    ("", ".kudus.sqlite.restore"),
    ("", ".*.dekripsi.sqlite"),
    ("", ".probe-*"),
    ("backups", ".kudus-*.sqlite.tmp"),
    ("backups", "kudus-untuk-enkripsi-*.sqlite"),
    ("keys", ".device.key.tmp"),
    ("sync/outbox", "~*.tmp"),
)
#: A leftover this old is stale even while another process works in the folder: none of
#: those operations takes an hour.
STALE_AGE = 3600.0


def sweep(data_dir: Path, *, now: float | None = None) -> list[Path]:
    """Remove what killed work left in ``data_dir`` (each ~17 MB for a village's copy); when
    another process (or another open database of this one) uses the folder, only what is
    older than :data:`STALE_AGE`, since it may still be writing its own."""
    me = os.getpid()
    with _guard:
        folder = _folders.get(data_dir.resolve())
        busy = folder is not None and (folder.shared > 1 or folder.exclusive > 0)
    busy = busy or any(h.pid != me for h in holders(data_dir))
    limit = (now if now is not None else time.time()) - STALE_AGE
    removed: list[Path] = []
    for sub, pattern in _LEFTOVERS:
        base = data_dir / sub if sub else data_dir
        try:
            found = list(base.glob(pattern))
        except OSError:
            continue
        for path in found:
            with suppress(OSError):
                info = path.lstat()
                if not path.is_file() or path.is_symlink() or (busy and info.st_mtime >= limit):
                    continue
                for extra in ("-wal", "-shm", "-journal"):
                    Path(f"{path}{extra}").unlink(missing_ok=True)
                path.unlink()
                removed.append(path)
    return removed
