"""Eligibility over time: who should be looked at again, never ended automatically.

Three reasons put an active participant on the review list: they have passed the age limit;
their term of office (RT/RW, BPD, Linmas, village staff) has ended; or the newest complete list
of their source (DTSEN, which replaces DTKS and is updated every three months, DTKS, P3KE ...)
no longer holds them. The clerk decides each case (end the participation with its reason, or
keep it); the list is shown in the window and saved as a workbook.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import Connection, delete, select

from kudus_desktop.core.rules.codes import Status
from kudus_desktop.core.rules.dates import age_on, format_date, from_iso, now_iso
from kudus_desktop.core.rules.labels import describe
from kudus_desktop.core.storage import settings
from kudus_desktop.core.storage.db import Database, executemany
from kudus_desktop.core.storage.tables import nocase, participant_table, source_absence_table

P = participant_table.c
A = source_absence_table.c
PAGE = 500


class ReviewReason(StrEnum):
    AGE = "umur"  # past the participants' age limit
    TERM = "masa_jabatan"  # an official whose term of office has ended
    NOT_IN_SOURCE = "tidak_di_sumber"  # missing from the newest complete list of their source


@dataclass(frozen=True, slots=True)
class ReviewEntry:
    participant_id: int
    reg_no: str
    full_name: str
    nik: str
    category: str
    rt: str
    rw: str
    reason: ReviewReason
    code: str  # message code of the detail: the age and the limit, the end of term, the list left
    params: dict[str, object]

    @property
    def detail(self) -> str:
        """The detail in Indonesian (the window translates ``code`` and ``params`` itself)."""
        return describe(self.code, self.params)


def _year_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def review_list(conn: Connection, today: date) -> list[ReviewEntry]:
    """Every active participant to look at again, by RW, RT and name; one entry per reason."""
    limit = int(settings.read_all(conn)[settings.MAX_AGE.key])
    # Older than the limit: born on or before this day (age_on counts whole years).
    born_by = _year_before(today, limit + 1).isoformat()
    base = select(P.id, P.reg_no, P.full_name, P.nik, P.category, P.rt, P.rw, P.birth_date, P.term_end).where(
        P.status == Status.AKTIF
    )
    order = (P.rw, P.rt, nocase(P.full_name), P.id)
    out: list[ReviewEntry] = []

    def entry(r: object, reason: ReviewReason, code: str, **params: object) -> ReviewEntry:
        return ReviewEntry(
            r.id, r.reg_no, r.full_name, r.nik, r.category, r.rt or "", r.rw or "", reason, code, params,  # type: ignore[attr-defined]
        )  # fmt: skip

    for r in conn.execute(base.where(P.birth_date <= born_by).order_by(*order)):
        born = from_iso(r.birth_date)
        assert born is not None
        out.append(entry(r, ReviewReason.AGE, "review_age", age=age_on(born, today), limit=limit))
    for r in conn.execute(base.where(P.term_end.is_not(None), P.term_end < today.isoformat()).order_by(*order)):
        out.append(entry(r, ReviewReason.TERM, "review_term", date=format_date(from_iso(r.term_end))))
    absent = base.add_columns(A.source_list, A.file_name, A.noted_at).join(
        source_absence_table, A.participant_id == P.id
    )
    for r in conn.execute(absent.order_by(*order)):
        noted = format_date(from_iso(r.noted_at[:10]))
        out.append(
            entry(r, ReviewReason.NOT_IN_SOURCE, "review_not_in_source", source=r.source_list, file=r.file_name,
                  date=noted)
        )  # fmt: skip
    return out


def absent_from(conn: Connection, desa: str, source_list: str, niks: Iterable[str]) -> list[int]:
    """Active participants of ``source_list`` whose NIK is not among ``niks`` (a complete list)."""
    present = set(niks)
    rows = conn.execute(
        select(P.id, P.nik).where(P.desa_code == desa, P.status == Status.AKTIF, P.source_list == source_list)
    ).all()
    return sorted(int(pid) for pid, nik in rows if nik not in present)


def record_absences(conn: Connection, source_list: str, niks: Iterable[str], file_name: str) -> int:
    """After a complete list of ``source_list`` was imported: its participants it does not hold
    are noted for review, those it holds again are cleared. Inside the caller's transaction."""
    desa = settings.read_all(conn)[settings.REGION_CODE.key]
    present = set(niks)
    ids = conn.execute(select(P.id, P.nik).where(P.desa_code == desa, P.source_list == source_list)).all()
    back = [int(pid) for pid, nik in ids if nik in present]
    for start in range(0, len(back), PAGE):
        conn.execute(delete(source_absence_table).where(A.participant_id.in_(back[start : start + PAGE])))
    missing = absent_from(conn, desa, source_list, present)
    stamp = now_iso()
    executemany(
        conn,
        "INSERT INTO source_absence (participant_id, source_list, file_name, noted_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (participant_id) DO UPDATE SET source_list = excluded.source_list, "
        "file_name = excluded.file_name, noted_at = excluded.noted_at",
        [(pid, source_list, file_name[:120], stamp) for pid in missing],
    )
    return len(missing)


class EligibilityService:
    """The review list of one village office."""

    def __init__(self, db: Database, *, today: Callable[[], date] = date.today) -> None:
        self.db = db
        self.today = today

    def review_list(self) -> list[ReviewEntry]:
        with self.db.read() as conn:
            return review_list(conn, self.today())
