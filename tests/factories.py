"""Test data and the steps tests share: valid NIKs and drafts overridable field by field,
village lists as workbooks, enrolling people and carrying packages between offices."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import openpyxl

from kudus_desktop.core.paths import DB_FILE_NAME
from kudus_desktop.core.rules.validation import ParticipantDraft
from kudus_desktop.core.storage.signing import identity
from kudus_desktop.core.sync import RegencySync, VillageSync

if TYPE_CHECKING:
    from tests.conftest import Office

DESA = "33.19.03.2008"  # Getaspejaten, Kecamatan Jati
PASSWORD = "rahasia-desa-1"


def make_nik(serial: int, *, birth: date = date(1980, 5, 12), female: bool = False, region: str = "331903") -> str:
    day = birth.day + (40 if female else 0)
    return f"{region}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


def letters(n: int) -> str:
    """1 -> 'A', 26 -> 'Z', 27 -> 'AA': a name part without digits."""
    out = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def kk(n: int) -> str:
    return f"331903120510{n:04d}"


def make_draft(serial: int = 1, **overrides: str) -> ParticipantDraft:
    """A draft that passes every rule without warnings."""
    draft = ParticipantDraft(
        nik=make_nik(serial),
        kk=kk(serial % 10000),  # a family each: the same KK and birth day suggest one person
        # Letters spaced ("A B"): compared as names, "AA" folds into "A" and "DJ" into "J".
        full_name="Peserta Uji " + " ".join(letters(serial)),
        birth_place="Kudus",
        birth_date="12/05/1980",
        sex="L",
        address="Jl. Raya Jati",
        dusun="Krajan",
        rt="1",
        rw="2",
        phone="0812-3456-7890",
        occupation="Buruh harian",
        category="rt_rw",
        source_list="",
        source_date="",
        funding="pades",
        start_date="01/11/2026",
    )
    return replace(draft, **overrides)


def village_list(path: Path, rows: list[list[object]], *, summary_sheet: bool = True) -> Path:
    """A list as villages make them: a summary sheet first, a merged title, a blank row, a total row."""
    wb = openpyxl.Workbook()
    first = wb.active
    assert first is not None
    if summary_sheet:
        first.title = "Ringkasan"
        first.append(["Rekap jumlah per RT"])
        first.append(["RT", "Jumlah"])
        first.append(["001", 12])
        ws = wb.create_sheet("Data DTKS")
    else:
        ws = first
    ws.append(["DAFTAR CALON PESERTA BPJS KETENAGAKERJAAN DESA GETASPEJATEN"])
    ws.merge_cells("A1:H1")
    ws.append([])
    ws.append(["No", "No. NIK", "Nama Lengkap", "Tgl Lahir", "L/P", "RT", "RW", "PEKERJAAN"])
    for i, r in enumerate(rows, start=1):
        ws.append([i, *r])
    ws.append([])
    ws.append(["JUMLAH", None, len(rows)])
    wb.save(path)
    return path


#: An Office file saved with a password: an OLE compound file whose directory names the
#: streams ``EncryptionInfo`` and ``EncryptedPackage`` (MS-OFFCRYPTO), whatever its name says.
ENCRYPTED = (
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 98
    + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 400
)  # fmt: skip


def fingerprint_of(office: Office) -> str:
    return identity(office.db).fingerprint


def file_state(office: Office) -> tuple[str, ...]:
    """The database's bytes (main file and write-ahead log): what a refusal must not change."""
    return tuple(
        hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else "-"
        for p in (office.db_file, office.db_file.with_name(DB_FILE_NAME + "-wal"))
    )


def enrol(office: Office, *serials: int, **overrides: str) -> list[int]:
    return [office.participants.create(make_draft(n, **overrides))[0] for n in serials]


def export(office: Office, stick: Path, **kw: bool) -> Path:
    result = VillageSync(office.db, office.user).export_package(stick, **kw)
    assert result.copied_to is not None
    return result.copied_to


def ingest(regency: Office, path: Path, village: Office | None = None) -> Any:
    fp = fingerprint_of(village) if village else None
    return RegencySync(regency.db, regency.user).import_package(path.read_bytes(), path.name, confirm_fingerprint=fp)


def enrol_one(office: Office, serial: int, **overrides: str) -> int:
    """One person enrolled, with a family card of their own."""
    overrides.setdefault("kk", kk(serial))
    return office.participants.create(make_draft(serial, **overrides))[0]


def send(village: Office, regency: Office, stick: Path) -> None:
    """The village writes its package; the regency imports it (registering the device once)."""
    result = VillageSync(village.db, village.user).export_package(stick)
    assert result.copied_to is not None
    RegencySync(regency.db, regency.user).import_package(
        result.copied_to.read_bytes(), result.copied_to.name, confirm_fingerprint=identity(village.db).fingerprint
    )


@contextmanager
def sqlite_file(path: Path | str, **kw: Any) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection to a test's file, committed and closed afterwards: ``with
    sqlite3.connect(...)`` commits but leaves the connection open (Python 3.13 warns of it)."""
    conn = sqlite3.connect(path, **kw)
    try:
        with conn:
            yield conn
    finally:
        conn.close()
