"""What a support person needs from an office PC: one file that shows what happened, with no
personal data in it (the logs it gathers are kept by ``logbook``).

The support file is a zip of the version and platform, the database's integrity check and row
counts, and the logs. Every line of every log is cleaned before it goes in: digit runs that can be
a NIK, KK, KPJ or phone number are masked, and the names the database holds (participants,
accounts, the office's signatories) are replaced, because an error's message may quote them.
"""

from __future__ import annotations

import platform
import re
import sys
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select, text

from kudus_desktop import __version__
from kudus_desktop.core.errors import KudusError
from kudus_desktop.core.office.logbook import LOG_DIR
from kudus_desktop.core.paths import space_error
from kudus_desktop.core.rules.records import UserView
from kudus_desktop.core.storage import settings
from kudus_desktop.core.storage.audit import write_audit
from kudus_desktop.core.storage.db import SCHEMA_VERSION, Database
from kudus_desktop.core.storage.tables import participant_table, user_table

#: A support file carries at most this much of each log (its newest part).
LOG_TAIL_BYTES = 2_000_000
#: Eight digits or more: a NIK, KK, KPJ, phone or registration number, never needed to read a log.
_DIGITS = re.compile(r"\d{8,}")
_WORD = re.compile(r"[^\W\d_]+(?:['.-][^\W\d_]+)*", re.UNICODE)
_NAME_WORDS = 6  # the longest name looked for, in words


@dataclass(frozen=True, slots=True)
class SupportFile:
    path: Path
    logs: int  # log files included
    integrity: str  # "ok", or what SQLite's check found


class Redactor:
    """Cleans a line of text of the personal data a log line may quote."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = {" ".join(n.casefold().split()) for n in names if n and n.strip()}

    def clean(self, line: str) -> str:
        line = _DIGITS.sub(lambda m: "#" * len(m.group()), line)
        if not self.names:
            return line
        words = list(_WORD.finditer(line))
        out: list[str] = []
        at = 0
        i = 0
        while i < len(words):
            found = 0
            for n in range(min(_NAME_WORDS, len(words) - i), 0, -1):
                candidate = " ".join(w.group().casefold() for w in words[i : i + n])
                if candidate in self.names:
                    found = n
                    break
            if found:
                out.append(line[at : words[i].start()])
                out.append("[nama]")
                at = words[i + found - 1].end()
                i += found
            else:
                i += 1
        out.append(line[at:])
        return "".join(out)


def _names(db: Database) -> set[str]:
    """Every name the database holds: participants, accounts, the office's signatories."""
    with db.read() as conn:
        names = {str(n) for n in conn.execute(select(participant_table.c.full_name).distinct()).scalars()}
        names |= {str(n) for n in conn.execute(select(user_table.c.full_name)).scalars() if n}
        values = settings.read_all(conn)
    # The signatory and the regency's name as the office wrote them (the region names are not personal).
    names.add(values.get(settings.HEAD_NAME.key, ""))
    return names


def _facts(db: Database, environment: Mapping[str, str]) -> tuple[str, str]:
    """The version and platform text, and the integrity check's result."""
    with db.read() as conn:
        values = settings.read_all(conn)
        counts: dict[str, int] = dict(
            conn.execute(select(participant_table.c.status, func.count()).group_by(participant_table.c.status)).all()
        )
        if conn.dialect.name == "sqlite":
            found = [str(r[0]) for r in conn.execute(text("PRAGMA quick_check")).all()]
            integrity = "ok" if found == ["ok"] else "; ".join(found[:20])
        else:
            integrity = "ok (server basis data; diperiksa oleh servernya)"
    lines = [
        f"Kudus Desktop {__version__}",
        f"Dibuat: {datetime.now():%Y-%m-%d %H:%M:%S}",
        f"Python {platform.python_version()} ({sys.executable})",
        f"Sistem: {platform.platform()} ({platform.machine()})",
        *(f"{k}: {v}" for k, v in environment.items()),
        f"Basis data: {'SQLite' if db.url.startswith('sqlite') else db.url.split(':', 1)[0]}, skema {SCHEMA_VERSION}",
        f"Mode: {values.get(settings.MODE.key, '')}, wilayah {values.get(settings.REGION_CODE.key, '')}",
        "Peserta: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())),
        f"Pemeriksaan keutuhan basis data: {integrity}",
    ]
    return "\n".join(lines) + "\n", integrity


def _log_files(data_dir: Path) -> list[Path]:
    folder = data_dir / LOG_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and ".log" in p.name)


def _tail(path: Path) -> str:
    with path.open("rb") as fh:
        size = fh.seek(0, 2)
        fh.seek(max(0, size - LOG_TAIL_BYTES))
        return fh.read().decode("utf-8", "replace")


def make_support_file(
    db: Database, user: UserView, data_dir: Path, target: Path, environment: Mapping[str, str] | None = None
) -> SupportFile:
    """Write the support file to ``target`` (a .zip) and record that it was made."""
    redactor = Redactor(_names(db))
    about, integrity = _facts(db, environment or {})
    logs = _log_files(data_dir)
    partial = target.with_name(target.name + ".tmp")
    try:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("tentang.txt", about)
            for path in logs:
                cleaned = "\n".join(redactor.clean(line) for line in _tail(path).splitlines())
                zf.writestr(f"log/{path.name}", cleaned + "\n")
        partial.replace(target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise space_error(target.parent, 0, seen=exc) or KudusError(
            "export_failed", path=str(target), detail=exc.strerror or str(exc)
        ) from None
    with db.begin() as conn:
        write_audit(conn, user.username, "support_file", f"{target.name}: {len(logs)} log, keutuhan {integrity}")
    return SupportFile(target, len(logs), integrity)
