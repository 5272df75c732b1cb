"""The regency's coverage at a glance: per kecamatan and desa, and month by month.

Every figure comes from a handful of grouped queries over the participant table (no row
is loaded into Python), so the dashboard opens quickly with 100,000 participants from 123
villages. An enrolment the regency rejected (double enrolment, BPJS) does not count as
covered.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select

from kudus_desktop.core.errors import KudusError
from kudus_desktop.core.reports.exporting import export_coverage
from kudus_desktop.core.rules.codes import Category, Mode, Status
from kudus_desktop.core.rules.records import OfficeProfile, UserView
from kudus_desktop.core.rules.regions import all_regions, region
from kudus_desktop.core.storage import settings
from kudus_desktop.core.storage.audit import log_event
from kudus_desktop.core.storage.db import Database
from kudus_desktop.core.storage.tables import (
    bpjs_status_table,
    duplicate_case_table,
    participant_sync_table,
    participant_table,
    premium_paid_table,
)
from kudus_desktop.core.sync import RegencySync

P = participant_table.c
S = participant_sync_table.c
B = bpjs_status_table.c
C = duplicate_case_table.c
SILENT_DAYS = 30
MONTHS = 12
_KEC = 8  # len("33.19.03"): a desa code's kecamatan prefix


@dataclass
class AreaSummary:
    """Figures for one desa, one kecamatan or the whole regency."""

    code: str
    name: str
    kecamatan: str = ""
    by_category: dict[str, int] = field(default_factory=lambda: dict.fromkeys([c.value for c in Category], 0))
    new_month: int = 0
    ended_month: int = 0
    with_kpj: int = 0
    sent_bpjs: int = 0
    rejected: int = 0
    open_cases: int = 0
    paid_month: int = 0  # participants whose premium for this month the village has paid
    last_contact: str | None = None
    missing: int = 0  # packages known to be missing (gaps in the sequence)
    villages: int = 0
    silent: int = 0  # villages not heard from in SILENT_DAYS days (or never)

    @property
    def active(self) -> int:
        return sum(self.by_category.values())

    def add(self, other: AreaSummary) -> None:
        for k, v in other.by_category.items():
            self.by_category[k] = self.by_category.get(k, 0) + v
        self.new_month += other.new_month
        self.ended_month += other.ended_month
        self.with_kpj += other.with_kpj
        self.sent_bpjs += other.sent_bpjs
        self.rejected += other.rejected
        self.open_cases += other.open_cases
        self.paid_month += other.paid_month
        self.missing += other.missing
        self.villages += other.villages
        self.silent += other.silent
        if other.last_contact and (self.last_contact is None or other.last_contact > self.last_contact):
            self.last_contact = other.last_contact


@dataclass
class KecamatanSummary:
    total: AreaSummary
    villages: list[AreaSummary]
    series: list[int]  # active at the end of each month in RegencyOverview.months


@dataclass(frozen=True, slots=True)
class RegencyOverview:
    today: date
    total: AreaSummary
    kecamatan: list[KecamatanSummary]
    months: list[tuple[int, int]]  # (year, month), oldest first, the current month last
    open_cases: dict[str, int]
    seconds: float

    def desa(self, code: str) -> AreaSummary | None:
        for k in self.kecamatan:
            for d in k.villages:
                if d.code == code:
                    return d
        return None


def _month_back(day: date, n: int) -> tuple[int, int]:
    m = day.year * 12 + day.month - 1 - n
    return m // 12, m % 12 + 1


def overview(db: Database, user: UserView, *, today: Callable[[], date] = date.today) -> RegencyOverview:
    """Everything the regency dashboard and the coverage report show."""
    started = time.perf_counter()
    day = today()
    month_start = day.replace(day=1).isoformat()
    month_end = date(day.year + day.month // 12, day.month % 12 + 1, 1).isoformat()
    counted = or_(S.outcome.is_(None), S.outcome != "rejected")
    base = participant_table.outerjoin(participant_sync_table, S.participant_id == P.id)
    with db.read() as conn:
        if settings.read_all(conn)[settings.MODE.key] != Mode.KABUPATEN:
            raise KudusError("regency_only")
        own = settings.read_all(conn)[settings.REGION_CODE.key]
        per_desa: dict[str, AreaSummary] = {}

        def area(code: str) -> AreaSummary:
            if code not in per_desa:
                reg = region(code)
                per_desa[code] = AreaSummary(code, reg.name if reg else code)
            return per_desa[code]

        for code, category, n in conn.execute(
            select(P.desa_code, P.category, func.count())
            .select_from(base)
            .where(P.status == Status.AKTIF, counted)
            .group_by(P.desa_code, P.category)
        ):
            cats = area(code).by_category
            cats[category] = cats.get(category, 0) + int(n)
        for r in conn.execute(
            select(
                P.desa_code,
                func.count().filter(and_(P.start_date >= month_start, P.start_date < month_end, counted)),
                func.count().filter(and_(P.exit_date >= month_start, P.exit_date < month_end, counted)),
                func.count().filter(and_(P.kpj.is_not(None), P.kpj != "", P.status == Status.AKTIF)),
                func.count().filter(S.outcome == "rejected"),
            )
            .select_from(base)
            .group_by(P.desa_code)
        ):
            a = area(r[0])
            a.new_month, a.ended_month, a.with_kpj, a.rejected = int(r[1]), int(r[2]), int(r[3]), int(r[4])
        for code, n in conn.execute(
            select(P.desa_code, func.count())
            .select_from(bpjs_status_table.join(participant_table, P.id == B.participant_id))
            .where(B.sent_at.is_not(None))
            .group_by(P.desa_code)
        ):
            area(code).sent_bpjs = int(n)
        for code, n in _open_cases_by_desa(conn).items():
            area(code).open_cases = n
        # Premiums paid for this month, from the villages' payments in their packages.
        this_month = day.year * 12 + day.month - 1
        for code, n in conn.execute(
            select(P.desa_code, func.count())
            .select_from(premium_paid_table.join(participant_table, P.id == premium_paid_table.c.participant_id))
            .where(premium_paid_table.c.month == this_month)
            .group_by(P.desa_code)
        ):
            area(code).paid_month = int(n)
        open_by_kind: dict[str, int] = {
            str(k): int(n)
            for k, n in conn.execute(select(C.kind, func.count()).where(C.status == "open").group_by(C.kind))
        }
        series_rows = _monthly(conn, day, counted, base)
    villages = {v.code: v for v in RegencySync(db, user).villages()}
    silent_before = (datetime.combine(day, datetime.min.time()) - timedelta(days=SILENT_DAYS)).isoformat(" ")
    months = [_month_back(day, n) for n in range(MONTHS - 1, -1, -1)]
    kecamatan: list[KecamatanSummary] = []
    own_region = region(own)
    total = AreaSummary(own, own_region.name if own_region else own)
    for reg in all_regions():
        if reg.level != "kecamatan" or not reg.code.startswith(own + "."):
            continue
        kec_total = AreaSummary(reg.code, reg.name)
        rows = []
        for desa in all_regions():
            if desa.level != "desa" or desa.parent_code != reg.code:
                continue
            a = area(desa.code)
            a.kecamatan = reg.name
            v = villages.get(desa.code)
            a.villages = 1
            a.last_contact = v.last_contact if v else None
            a.missing = v.missing_count if v else 0
            a.silent = int(a.last_contact is None or a.last_contact < silent_before)
            rows.append(a)
            kec_total.add(a)
        series = series_rows.get(reg.code, [0] * MONTHS)
        kecamatan.append(KecamatanSummary(kec_total, rows, series))
        total.add(kec_total)
    return RegencyOverview(day, total, kecamatan, months, open_by_kind, time.perf_counter() - started)


def _open_cases_by_desa(conn: Connection) -> dict[str, int]:
    """Open cases touching each desa (a case between two villages counts in both)."""
    return {
        str(code): int(n)
        for code, n in conn.execute(
            select(P.desa_code, func.count(func.distinct(C.id)))
            .select_from(duplicate_case_table.join(participant_table, or_(P.id == C.first_id, P.id == C.second_id)))
            .where(C.status == "open")
            .group_by(P.desa_code)
        )
    }


def _monthly(conn: Connection, day: date, counted: Any, base: Any) -> dict[str, list[int]]:
    """Per kecamatan, participants active at the end of each of the last MONTHS months."""
    kec = func.substr(P.desa_code, 1, _KEC)
    month = func.substr(P.start_date, 1, 7)
    exit_month = func.substr(P.exit_date, 1, 7)
    starts: dict[str, dict[str, int]] = {}
    exits: dict[str, dict[str, int]] = {}
    for k, m, n in conn.execute(select(kec, month, func.count()).select_from(base).where(counted).group_by(kec, month)):
        starts.setdefault(k, {})[m] = int(n)
    for k, m, n in conn.execute(
        select(kec, exit_month, func.count())
        .select_from(base)
        .where(counted, P.status == Status.BERHENTI, P.exit_date.is_not(None))
        .group_by(kec, exit_month)
    ):
        exits.setdefault(k, {})[m] = int(n)
    labels = [f"{y:04d}-{m:02d}" for y, m in (_month_back(day, n) for n in range(MONTHS - 1, -1, -1))]
    out: dict[str, list[int]] = {}
    for k in set(starts) | set(exits):
        s, e = starts.get(k, {}), exits.get(k, {})
        # An exit dated in a month ends cover within it, so it no longer counts at month end.
        before_s = sum(n for m, n in s.items() if m < labels[0])
        before_e = sum(n for m, n in e.items() if m < labels[0])
        running = before_s - before_e
        values = []
        for label in labels:
            running += s.get(label, 0) - e.get(label, 0)
            values.append(running)
        out[k] = values
    return out


@dataclass(frozen=True, slots=True)
class CoverageReport:
    overview: RegencyOverview
    villages: int


def coverage_report(
    db: Database, user: UserView, profile: OfficeProfile, target: Path, *, today: Callable[[], date] = date.today
) -> CoverageReport:
    """The regency's coverage report per kecamatan and desa written to ``target``."""
    ov = overview(db, user, today=today)
    n = export_coverage(ov, profile, target, user.full_name)
    log_event(db, user.username, "coverage_report", target.name)
    return CoverageReport(ov, n)
