"""Test data: valid NIKs and participant drafts, overridable field by field."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from kudus_desktop.core.rules.validation import ParticipantDraft

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


def make_draft(serial: int = 1, **overrides: str) -> ParticipantDraft:
    """A draft that passes every rule without warnings."""
    draft = ParticipantDraft(
        nik=make_nik(serial),
        kk=f"331903120510{serial % 10000:04d}",  # a family each: the same KK and birth day suggest one person
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
