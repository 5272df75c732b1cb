"""Dates and rupiah the way Indonesian village offices write them."""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

from kudus_desktop.core.errors import ClockError

MONTHS_ID = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip

# Full and short month names seen in village spreadsheets, Indonesian first, then English.
_MONTH_WORDS: dict[str, int] = {}
for _i, _name in enumerate(MONTHS_ID, start=1):
    _MONTH_WORDS[_name.lower()] = _i
    _MONTH_WORDS[_name[:3].lower()] = _i
for _i, _name in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december"),
    start=1,
):  # fmt: skip
    _MONTH_WORDS.setdefault(_name, _i)
    _MONTH_WORDS.setdefault(_name[:3], _i)
_MONTH_WORDS.update({"agt": 8, "ags": 8, "peb": 2, "pebruari": 2, "nop": 11, "nopember": 11, "okt": 10, "des": 12})

_NUMERIC_DMY = re.compile(r"^(\d{1,2})[/\-. ](\d{1,2})[/\-. ](\d{4})$")
_NUMERIC_YMD = re.compile(r"^(\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})$")
_WORDS = re.compile(r"^(\d{1,2})[\s\-/.]+([A-Za-z]+)[\s\-/.,]+(\d{4})$")


class DateParseError(ValueError):
    """``code`` is ``date_format`` (unreadable) or ``date_impossible`` (no such day)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@lru_cache(maxsize=8192)
def parse_date_text(text: str) -> date:
    """Read a date written as 17/08/1985, 17-08-1985, 1985-08-17 or 17 Agustus 1985.

    Day comes before month in numeric forms, as in Indonesia. Raises :class:`DateParseError`.
    Cached: an imported list repeats its start date, source date and many birth dates.
    """
    s = " ".join(text.strip().split())
    if m := _NUMERIC_DMY.match(s):
        d, mo, y = int(m[1]), int(m[2]), int(m[3])
    elif m := _NUMERIC_YMD.match(s):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    elif m := _WORDS.match(s):
        month = _MONTH_WORDS.get(m[2].lower())
        if month is None:
            raise DateParseError("date_format")
        d, mo, y = int(m[1]), month, int(m[3])
    else:
        raise DateParseError("date_format")
    try:
        return date(y, mo, d)
    except ValueError:
        raise DateParseError("date_impossible") from None


def format_date(value: date | None) -> str:
    """17/08/1985; empty for ``None``."""
    return value.strftime("%d/%m/%Y") if value else ""


def format_date_long(value: date | None) -> str:
    """17 Agustus 1985; empty for ``None``."""
    if not value:
        return ""
    return f"{value.day} {MONTHS_ID[value.month - 1]} {value.year}"


def format_month(year: int, month: int) -> str:
    """November 2026."""
    return f"{MONTHS_ID[month - 1]} {year}"


def format_stamp(stamp: str | None, *, seconds: bool = False) -> str:
    """A stored time (``2026-12-03 11:13:05``) as the window shows every time: 03/12/2026 11:13.
    A stored date alone shows as a date; anything else is shown as it is; empty for ``None``."""
    if not stamp:
        return ""
    try:
        when = datetime.fromisoformat(stamp.strip())
    except ValueError:
        return stamp
    if len(stamp.strip()) <= 10:
        return when.strftime("%d/%m/%Y")
    return when.strftime("%d/%m/%Y %H:%M:%S" if seconds else "%d/%m/%Y %H:%M")


def format_period(period: str | None) -> str:
    """A stored month (``2026-12``) as Desember 2026; anything else as it is."""
    if not period:
        return ""
    try:
        year, month = (int(x) for x in period.split("-"))
        return format_month(year, month) if 1 <= month <= 12 else period
    except ValueError:
        return period


def format_rupiah(amount: int) -> str:
    """Rp16.800, with the dot as thousands separator as Indonesians write it."""
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(amount):,}".replace(",", ".")


def parse_rupiah(text: str) -> int:
    """An amount as typed or printed: "84.000", "Rp84.000", "84000", "Rp84.000,00" -> 84000.
    Nothing usable (empty, negative) gives 0, which every amount check refuses by name."""
    text = text.strip()
    if text.startswith("-"):
        return 0
    text = re.sub(r",(\d{1,2}|-)\s*$", "", text)  # sen, or the ",-" of a written amount
    digits = "".join(ch for ch in text if ch.isdigit())
    return int(digits) if digits else 0


def format_number(value: int) -> str:
    """1.234 with Indonesian grouping."""
    return f"{value:,}".replace(",", ".")


def to_iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def from_iso(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


#: The years a PC clock may show. Before 1980 a zip (every xlsx) cannot even be dated; a clock
#: outside these years has lost its battery or been set by hand, and what it stamps is wrong.
CLOCK_YEARS = (1980, 2099)


def check_clock(now: datetime | None = None) -> datetime:
    """The current time, or :class:`ClockError` when the PC clock shows an impossible year."""
    now = now or datetime.now()
    if not CLOCK_YEARS[0] <= now.year <= CLOCK_YEARS[1]:
        raise ClockError(
            "clock_wrong", shown=f"{format_date_long(now.date())} {now:%H.%M}", first=CLOCK_YEARS[0],
            last=CLOCK_YEARS[1],
        )  # fmt: skip
    return now


def now_iso() -> str:
    """Local wall-clock time to the second, as stored in ``*_at`` columns."""
    return datetime.now().replace(microsecond=0).isoformat(sep=" ")


def age_on(birth: date, day: date) -> int:
    """Whole years between ``birth`` and ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
