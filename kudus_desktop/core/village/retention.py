"""Retention: people whose participation ended long enough ago are removed for good.

The office keeps an ended participation for ``retention_years`` years after its end date
(setting; 0 switches the purge off), counted on the PC clock but, in a village that has had a
receipt, never further than a month past the regency's own date on its newest one (a clock set
ahead would purge early, which cannot be undone). Then :meth:`RetentionService.purge` deletes the person
with everything that names them: the record, its field history (old values), sync state,
card prints, premium months, BPJS answers and double-enrolment cases, and every mention of
their registration number, NIK or name in the audit log. The purge's own audit entry says how
many and when, never who. Afterwards the database is checkpointed and vacuumed so that the
deleted rows' bytes are not left in free pages of the file. Backups made earlier still hold
them until the rotation drops them; the README says so.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Connection, delete, func, or_, select, update

from kudus_desktop.core.errors import KudusError
from kudus_desktop.core.rules.codes import Mode, Role, Status
from kudus_desktop.core.rules.dates import format_date_long
from kudus_desktop.core.rules.records import ChangesParticipants, UserView
from kudus_desktop.core.storage import settings
from kudus_desktop.core.storage.audit import write_audit
from kudus_desktop.core.storage.db import Database
from kudus_desktop.core.storage.tables import (
    audit_table,
    bpjs_status_table,
    card_print_table,
    duplicate_case_table,
    history_table,
    participant_review_table,
    participant_sync_table,
    participant_table,
    premium_paid_table,
    source_absence_table,
    sync_inbox_table,
)

P = participant_table.c
CHUNK = 500
SCRUBBED = "(data dihapus)"


class RetentionError(KudusError):
    """A purge was refused; nothing was removed."""


#: How far past the regency's newest receipt a village's purge may count ages.
TRUSTED_DAYS = 31


@dataclass(frozen=True, slots=True)
class PurgePlan(ChangesParticipants):
    years: int
    cutoff: date  # participations that ended before this day are due
    ids: tuple[int, ...]
    #: The day ages were counted to: the PC clock's date, or, when that lies further than
    #: TRUSTED_DAYS past the regency's newest receipt (a clock set ahead), that bound.
    counted_to: date | None = None
    #: When a trusted date bounded the count: the regency's date on its newest receipt (a
    #: village), or the median of the villages' dates on their newest packages (the regency).
    receipt_day: date | None = None
    bound_by: str = ""  # "receipt" or "packages": which of the two receipt_day is

    @property
    def count(self) -> int:
        return len(self.ids)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class RetentionService:
    def __init__(self, db: Database, user: UserView, *, today: Callable[[], date] = date.today) -> None:
        self.db = db
        self.user = user
        self.today = today

    def years(self) -> int:
        with self.db.read() as conn:
            return int(settings.read_all(conn)[settings.RETENTION_YEARS.key] or 0)

    def set_years(self, years: int) -> None:
        if self.user.role != Role.ADMIN:
            raise RetentionError("not_allowed")
        if not 0 <= years <= 100:
            raise RetentionError("retention_invalid")
        with self.db.begin() as conn:
            settings.write(conn, {settings.RETENTION_YEARS: str(years)})
            write_audit(conn, self.user.username, "retention_set", f"{years} tahun")

    def plan(self) -> PurgePlan:
        """Who is due: ended participations whose end date is more than the retention period ago."""
        with self.db.read() as conn:
            values = settings.read_all(conn)
        years = int(values[settings.RETENTION_YEARS.key] or 0)
        day, receipt_day = self.today(), None
        stamped = self._trusted_day(values)
        # A purge early cannot be undone; one late is harmless. Ages are counted no further than
        # a month past a date other clocks vouch for.
        bound_by = ""
        if stamped is not None and day > stamped + timedelta(days=TRUSTED_DAYS):
            day, receipt_day = stamped + timedelta(days=TRUSTED_DAYS), stamped
            bound_by = "packages" if values[settings.MODE.key] == Mode.KABUPATEN else "receipt"
        cutoff = _years_before(day, years)
        if years <= 0:
            return PurgePlan(0, cutoff, (), day, receipt_day, bound_by)
        with self.db.read() as conn:
            ids = conn.execute(
                select(P.id).where(
                    P.status == Status.BERHENTI, P.exit_date.is_not(None), P.exit_date < cutoff.isoformat()
                )
            ).scalars()
            return PurgePlan(years, cutoff, tuple(int(i) for i in ids), day, receipt_day, bound_by)

    def _trusted_day(self, values: dict[str, str]) -> date | None:
        """A village: the regency's signed date on the newest receipt it applied. The regency:
        the median of its villages' dates on their newest packages (each signed by its device,
        so one wrong village clock moves nothing), once at least three villages have sent."""
        if values[settings.MODE.key] != Mode.KABUPATEN:
            stamp = values[settings.SYNC_REGENCY_TIME.key]
            return date.fromisoformat(stamp[:10]) if stamp else None
        with self.db.read() as conn:
            newest = sorted(
                str(d)[:10]
                for d in conn.execute(
                    select(func.max(sync_inbox_table.c.created_at)).group_by(sync_inbox_table.c.desa_code)
                ).scalars()
                if d
            )
        if len(newest) < 3:
            return None
        return date.fromisoformat(newest[len(newest) // 2])

    def purge(self, expected: int | None = None, *, cutoff: date | None = None) -> PurgePlan:
        """Remove everyone :meth:`plan` names, in one transaction, then compact the file.

        ``expected`` is the count the admin confirmed; a different count (someone ended or
        reactivated a participation meanwhile) refuses the purge rather than remove others.
        ``cutoff`` is the day the admin saw (the question names the clock's date too): a PC
        clock that jumped since then refuses the purge rather than count ages from it.
        """
        if self.user.role != Role.ADMIN:
            raise RetentionError("not_allowed")
        # The rebuild rewrites the whole file: no other process may have it open meanwhile.
        with self.db.alone("Penghapusan data lewat masa simpan"):
            plan = self.plan()
            if plan.years <= 0:
                raise RetentionError("retention_off")
            if cutoff is not None and cutoff != plan.cutoff:
                raise RetentionError(
                    "retention_clock_moved", seen=format_date_long(cutoff), now=format_date_long(plan.cutoff)
                )
            if expected is not None and expected != plan.count:
                raise RetentionError("retention_changed", expected=expected, found=plan.count)
            with self.db.begin() as conn:
                for start in range(0, plan.count, CHUNK):
                    _remove(conn, plan.ids[start : start + CHUNK])
                write_audit(
                    conn, self.user.username, "retention_purge",
                    f"{plan.count} orang yang berhenti sebelum {plan.cutoff.isoformat()} dihapus "
                    f"(masa simpan {plan.years} tahun)",
                )  # fmt: skip
            if self.db.is_sqlite:
                _compact(self.db)
        return plan


def _remove(conn: Connection, ids: Sequence[int]) -> None:
    people = conn.execute(select(P.reg_no, P.nik, P.full_name).where(P.id.in_(ids))).all()
    d = duplicate_case_table.c
    conn.execute(delete(duplicate_case_table).where(or_(d.first_id.in_(ids), d.second_id.in_(ids))))
    for table in (
        history_table, participant_sync_table, participant_review_table, card_print_table, premium_paid_table,
        bpjs_status_table, source_absence_table,
    ):  # fmt: skip
        conn.execute(delete(table).where(table.c.participant_id.in_(ids)))
    conn.execute(delete(participant_table).where(P.id.in_(ids)))
    # The audit log names people by registration number (and a few entries by NIK or name).
    a = audit_table.c
    for reg_no, nik, name in people:
        for needle in (reg_no, nik, name):
            if not needle or len(needle) < 4:
                continue
            conn.execute(
                update(audit_table)
                .where(a.detail.contains(needle, autoescape=True))
                .values(detail=func.replace(a.detail, needle, SCRUBBED))
            )


def _compact(db: Database) -> None:
    """Fold the WAL into the file and rebuild it, so freed pages keep no old bytes. The search
    index first merges its segments into one: until then a removed person's entries (pieces of
    their NIK and name) stay behind in the older segments, only marked as deleted."""
    db.engine.dispose()
    with closing(sqlite3.connect(db.path, isolation_level=None)) as conn:
        conn.execute("INSERT INTO participant_search (participant_search) VALUES ('optimize')")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
