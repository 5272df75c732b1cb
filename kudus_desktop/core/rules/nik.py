"""NIK and KK numbers: structure checks, masking.

NIK = PP KK CC DDMMYY SSSS (province, regency, district of first registration, birth date
with day + 40 for women, serial), as Dukcapil issues them.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import NamedTuple

#: Kemendagri province codes, including the 2022 Papua provinces (91-96).
PROVINCE_CODES: frozenset[str] = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "16",
        "17",
        "18",
        "19",
        "21",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "51",
        "52",
        "53",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "72",
        "73",
        "74",
        "75",
        "76",
        "81",
        "82",
        "91",
        "92",
        "93",
        "94",
        "95",
        "96",
    ]
)

KUDUS_PREFIX = "3319"


class NumberError(ValueError):
    """``code`` names the broken rule, ``params`` fill its message."""

    def __init__(self, code: str, /, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class NikInfo(NamedTuple):
    """What a structurally valid NIK says about its holder."""

    nik: str
    region: str  # first 6 digits: province + regency + district
    birth_day: int
    birth_month: int
    birth_yy: int
    sex: str  # "L" or "P"

    @property
    def province(self) -> str:
        return self.nik[:2]

    @property
    def regency(self) -> str:
        return self.nik[:4]

    def birth_date_guess(self, today: date) -> date:
        """The birth date with the century that puts it in the past."""
        year = 2000 + self.birth_yy
        if year > today.year:
            year -= 100
        return date(year, self.birth_month, self.birth_day)

    def matches_birth_date(self, birth: date) -> bool:
        return (self.birth_day, self.birth_month, self.birth_yy) == (birth.day, birth.month, birth.year % 100)


_SEPARATORS = str.maketrans("", "", " .-\t")


def clean_number(text: str) -> str:
    """Drop the spaces, dots and dashes people type inside long numbers."""
    return text.translate(_SEPARATORS)


def _is_ascii_digits(s: str) -> bool:
    return s.isascii() and s.isdigit()


@lru_cache(maxsize=1 << 16)
def _day_month_ok(day: int, month: int, yy: int) -> bool:
    """Cached: an imported list checks two of these per row, on a few tens of thousands of dates."""
    if not 1 <= month <= 12:
        return False
    # Try both centuries: 29 February is only real in a leap year.
    for year in (1900 + yy, 2000 + yy):
        try:
            date(year, month, day)
            return True
        except ValueError:
            continue
    return False


def parse_nik(text: str) -> NikInfo:
    """Check the structure of a NIK and decode it; raises :class:`NumberError`."""
    nik = text.translate(_SEPARATORS)
    if len(nik) != 16 or not (nik.isascii() and nik.isdigit()):
        if not nik:
            raise NumberError("nik_empty")
        if not _is_ascii_digits(nik):
            raise NumberError("nik_not_digits")
        raise NumberError("nik_length", length=len(nik))
    if nik[:2] not in PROVINCE_CODES:
        raise NumberError("nik_province", code=nik[:2])
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = "L"
    if day > 40:
        day -= 40
        sex = "P"
    if not _day_month_ok(day, month, yy):
        raise NumberError("nik_date", digits=nik[6:12])
    if nik[12:] == "0000":
        raise NumberError("nik_serial")
    return NikInfo(nik, nik[:6], day, month, yy, sex)


def parse_kk(text: str) -> tuple[str, bool]:
    """Check a KK number; returns it cleaned and whether its date part is a real date."""
    kk = text.translate(_SEPARATORS)
    if len(kk) != 16 or not (kk.isascii() and kk.isdigit()):
        if not _is_ascii_digits(kk):
            raise NumberError("kk_not_digits")
        raise NumberError("kk_length", length=len(kk))
    return kk, _day_month_ok(int(kk[6:8]), int(kk[8:10]), int(kk[10:12]))


def mask_nik(nik: str) -> str:
    """3319********0001: region and serial stay readable, the birth date is hidden."""
    if len(nik) < 8:
        return "*" * len(nik)
    return nik[:4] + "*" * (len(nik) - 8) + nik[-4:]


def mask_nik_last4(nik: str) -> str:
    """************0001, as printed on cards."""
    return "*" * max(len(nik) - 4, 0) + nik[-4:]
