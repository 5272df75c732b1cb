"""The office PC's logbook: log files that do not grow for ever, and a record of a hard crash.

Kept apart from the support file (which reads the database) so that the window can start
logging before the database layer is even loaded.
"""

from __future__ import annotations

import faulthandler
import logging
import logging.handlers
from datetime import datetime
from pathlib import Path
from typing import IO

from kudus_desktop import __version__

LOG_DIR = "log"
LOG_FILE = "kudus-desktop.log"
CRASH_FILE = "crash.log"
#: Each log file's size before it is set aside, and how many set-aside files are kept.
LOG_BYTES = 1_000_000
LOG_KEEP = 5

_crash_file: IO[str] | None = None


def configure_logging(data_dir: Path) -> Path | None:
    """Log to ``data_dir/log`` in files of at most 1 MB (five kept), and record a hard crash's
    stack of every thread in ``crash.log``. Returns the log folder, or None when it cannot be
    written (the log then goes to the console)."""
    global _crash_file
    stop_crash_record()
    root = logging.getLogger()
    handler: logging.Handler
    folder = data_dir / LOG_DIR
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            folder / LOG_FILE, maxBytes=LOG_BYTES, backupCount=LOG_KEEP, encoding="utf-8"
        )
        crash = folder / CRASH_FILE
        if crash.exists() and crash.stat().st_size > LOG_BYTES:
            crash.replace(folder / f"{CRASH_FILE}.1")
        _crash_file = crash.open("a", encoding="utf-8")
        _crash_file.write(f"--- mulai {datetime.now():%Y-%m-%d %H:%M:%S}, Kudus Desktop {__version__} ---\n")
        _crash_file.flush()
        faulthandler.enable(file=_crash_file, all_threads=True)
    except OSError:
        handler = logging.StreamHandler()
        written = False
    else:
        written = True
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return folder if written else None


def stop_crash_record() -> None:
    """Stop recording crashes and close the record (at exit, and between tests)."""
    global _crash_file
    faulthandler.disable()
    if _crash_file is not None:
        _crash_file.close()
        _crash_file = None
