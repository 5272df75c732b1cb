"""Premiums: the dated rate table, the monthly bill, payments, coverage and the budget line.

Rules (the README's Premiums section; the uncertain ones are rows and settings, not code):

* A month's premium comes from the rate rows valid in that month: the newest ``tarif`` row
  (JKK = a share of the reported income, rounded to the rupiah, plus JKM), less every switched-on
  ``diskon`` row. A row for one funding source beats a row for all.
* **One rule for a participation that starts or ends mid-month**: whoever is a participant on
  any day of a month is billed the whole month (BPJS premiums are monthly, never per day).
* A month is due on the 15th of the same month, or the next working day (Monday when the 15th
  falls on a weekend). Unpaid after that: arrears. More than 3 consecutive unpaid months: the
  membership has lapsed from the 4th such month and the person must be registered again.
* Participants funded by the regency (APBD) are not on the village's bill.
* Months before the village started keeping premiums here (``premium_since``) are not tracked,
  so records enrolled long before are not shown as years in arrears.

Months are integers ``year * 12 + month - 1`` inside; ``YYYY-MM`` outside.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Connection, and_, delete, func, or_, select, text, update

from kudus_desktop.core.enrolment.standing import Standing, enrolled, enrolled_now, standings, standings_listed
from kudus_desktop.core.errors import KudusError
from kudus_desktop.core.rules.codes import Funding, Mode, Role, Status
from kudus_desktop.core.rules.dates import MONTHS_ID, format_month, format_rupiah, now_iso
from kudus_desktop.core.rules.records import ChangesParticipants, OpChanges, UserView
from kudus_desktop.core.rules.validation import collapse
from kudus_desktop.core.storage import faults, settings
from kudus_desktop.core.storage.audit import log_event, write_audit
from kudus_desktop.core.storage.counters import reserve_counter
from kudus_desktop.core.storage.db import Database, executemany
from kudus_desktop.core.storage.tables import (
    participant_table,
    premium_budget_table,
    premium_paid_table,
    premium_payment_table,
    premium_rate_table,
)

P = participant_table.c
R = premium_rate_table.c
PAY = premium_payment_table.c
PAID = premium_paid_table.c

#: Minimum reported income for JKK (PP 44/2015), Rp.
MIN_INCOME = 1_000_000
LAPSE_AFTER = 3  # more than this many consecutive unpaid months: lapsed
AHEAD = (1, 3, 6, 12)  # months a payment usually covers
#: Funding sources the village itself pays for; APBD participants are the regency's.
VILLAGE_PAID = (Funding.PADES, Funding.BAGI_HASIL, Funding.LAINNYA)


class PremiumError(KudusError):
    """A premium operation was refused; nothing was written."""


# ----------------------------------------------------------------------------- months


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def month_parts(m: int) -> tuple[int, int]:
    return m // 12, m % 12 + 1


def month_text(m: int) -> str:
    y, mo = month_parts(m)
    return f"{y:04d}-{mo:02d}"


def month_label(m: int) -> str:
    """``Mei 2026``."""
    return format_month(*month_parts(m))


_MONTH_RE = re.compile(r"^\s*(\d{4})[-/.](\d{1,2})\s*$|^\s*(\d{1,2})[-/.](\d{4})\s*$")
_NAMED_MONTH_RE = re.compile(r"^\s*([A-Za-z]{3,9})\.?\s+(\d{4})\s*$")
#: Indonesian month names by their first three letters ("Agu"/"Agustus"; "Agt" is also written).
_MONTH_NUMBERS = {name.lower()[:3]: n for n, name in enumerate(MONTHS_ID, start=1)} | {"agt": 8}


def parse_month(value: str) -> int:
    """``05/2026`` (as the window shows months), ``2026-05`` (as they are stored) or ``Mei 2026``
    as a month index; anything else is refused by name."""
    m = _MONTH_RE.match(value or "")
    named = _NAMED_MONTH_RE.match(value or "")
    year = month = 0
    if m:
        year, month = (int(m[1]), int(m[2])) if m[1] else (int(m[4]), int(m[3]))
    elif named and named[1].lower()[:3] in _MONTH_NUMBERS:
        month, year = _MONTH_NUMBERS[named[1].lower()[:3]], int(named[2])
    if 2000 <= year <= 2100 and 1 <= month <= 12:
        return year * 12 + month - 1
    raise PremiumError("month_invalid", value=value)


def first_day(m: int) -> date:
    y, mo = month_parts(m)
    return date(y, mo, 1)


def last_day(m: int) -> date:
    return first_day(m + 1) - timedelta(days=1)


def due_date(m: int) -> date:
    """The 15th of the month, or the next working day when it falls on a weekend."""
    due = first_day(m).replace(day=15)
    while due.weekday() >= 5:
        due += timedelta(days=1)
    return due


# ----------------------------------------------------------------------------- rates


class RateKind(StrEnum):
    TARIF = "tarif"
    DISKON = "diskon"


@dataclass(frozen=True, slots=True)
class Rate:
    id: int
    kind: str
    valid_from: str
    valid_to: str | None
    funding: str | None
    income: int
    jkk_rate_bp: int
    jkm: int
    discount_pct: int
    active: bool
    note: str

    def applies(self, m: int, funding: str) -> bool:
        month = month_text(m)
        return (
            self.active
            and self.valid_from <= month
            and (self.valid_to is None or month <= self.valid_to)
            and (self.funding is None or self.funding == funding)
        )


@dataclass(frozen=True, slots=True)
class Premium:
    """One participant-month's premium and how it is made up."""

    jkk: int
    jkm: int
    discount: int
    total: int
    rate_id: int
    discount_ids: tuple[int, ...]


def _half_up(numerator: int, denominator: int) -> int:
    return (numerator * 2 + denominator) // (denominator * 2)


class RateTable:
    """The rate rows, answering "what does one person cost in month M under funding F"."""

    def __init__(self, rows: Sequence[Rate]) -> None:
        self.rows = tuple(rows)
        self._cache: dict[tuple[int, str], Premium] = {}

    def premium(self, m: int, funding: str) -> Premium:
        key = (m, funding)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        tarifs = [r for r in self.rows if r.kind == RateKind.TARIF and r.applies(m, funding)]
        if not tarifs:
            raise PremiumError("rate_missing", month=month_label(m), funding=funding)
        # The most specific (one funding source) and then the newest row wins.
        base = max(tarifs, key=lambda r: (r.funding is not None, r.valid_from, r.id))
        jkk = _half_up(base.income * base.jkk_rate_bp, 10_000)
        gross = jkk + base.jkm
        discounts = [r for r in self.rows if r.kind == RateKind.DISKON and r.applies(m, funding)]
        off = 0
        for d in discounts:
            off += _half_up((gross - off) * d.discount_pct, 100)
        result = Premium(jkk, base.jkm, off, gross - off, base.id, tuple(d.id for d in discounts))
        self._cache[key] = result
        return result

    def amount(self, m: int, funding: str) -> int:
        return self.premium(m, funding).total


SYSTEM = "sistem"
#: What a new installation starts with. The discount is off: PP 50/2025 excludes APBN/APBD-paid
#: premiums and whether APBDes payers get it is unconfirmed; the admin switches it on if BPJS says so.
DEFAULT_RATES = (
    {"kind": "tarif", "valid_from": "2015-07", "valid_to": None, "funding": None, "income": MIN_INCOME,
     "jkk_rate_bp": 100, "jkm": 6_800, "discount_pct": 0, "active": 1,
     "note": "PP 44/2015: JKK 1% dari penghasilan Rp1.000.000 + JKM Rp6.800 = Rp16.800"},
    {"kind": "diskon", "valid_from": "2026-04", "valid_to": "2026-12", "funding": Funding.PADES.value, "income": 0,
     "jkk_rate_bp": 0, "jkm": 0, "discount_pct": 50, "active": 0,
     "note": "PP 50/2025: diskon 50% iuran JKK+JKM April-Desember 2026; untuk APBDes belum pasti"},
)  # fmt: skip


def ensure_rates(conn: Connection, today: date) -> None:
    """Seed the rate table and the tracking start the first time premiums are used."""
    if conn.execute(select(func.count()).select_from(premium_rate_table)).scalar_one():
        return
    stamp = now_iso()
    conn.execute(premium_rate_table.insert(), [{**r, "changed_at": stamp, "changed_by": SYSTEM} for r in DEFAULT_RATES])
    if not settings.read_all(conn)[settings.PREMIUM_SINCE.key]:
        settings.write(conn, {settings.PREMIUM_SINCE: month_text(month_index(today))})


def read_rates(conn: Connection) -> RateTable:
    """The stored rate rows; before the first are stored, the defaults they will be seeded
    with (id 0), so that reading (the dashboard, ``info``) never writes."""
    rows = conn.execute(select(premium_rate_table).order_by(R.kind.desc(), R.valid_from, R.id)).all()
    if not rows:
        return RateTable([_default_rate(r) for r in DEFAULT_RATES])
    return RateTable(
        [
            Rate(r.id, r.kind, r.valid_from, r.valid_to, r.funding, r.income, r.jkk_rate_bp, r.jkm, r.discount_pct,
                 bool(r.active), r.note)
            for r in rows
        ]
    )  # fmt: skip


def _default_rate(row: dict[str, Any]) -> Rate:
    keys = ("kind", "valid_from", "valid_to", "funding", "income", "jkk_rate_bp", "jkm", "discount_pct", "note")
    return Rate(0, active=bool(row["active"]), **{k: row[k] for k in keys})


def stored_rates(conn: Connection, today: date) -> RateTable:
    """The rate rows, seeded first (inside a writing transaction) so that they have ids."""
    ensure_rates(conn, today)
    return read_rates(conn)


@dataclass(frozen=True, slots=True)
class RateDraft:
    kind: str
    valid_from: str
    valid_to: str | None
    funding: str | None
    income: int = 0
    jkk_rate_bp: int = 0
    jkm: int = 0
    discount_pct: int = 0
    note: str = ""


# ----------------------------------------------------------------------------- bills


class CoverState(StrEnum):
    NONE = "none"  # not a participant that month
    UNTRACKED = "untracked"  # before premiums were kept here
    PAID = "paid"
    DUE = "due"  # unpaid, due date not passed (this month or later)
    ARREARS = "arrears"  # unpaid after the due date
    LAPSED = "lapsed"  # more than 3 consecutive unpaid months: must register again


@dataclass(frozen=True, slots=True)
class BillLine:
    participant_id: int
    reg_no: str
    full_name: str
    nik: str
    funding: str
    amount: int
    paid: int  # what was paid for this month (0: unpaid)
    payment_id: int | None
    state: CoverState


@dataclass(frozen=True, slots=True)
class PremiumEstimate:
    people: int  # enrolled, paid by the village (not the APBD's)
    rate: int  # this month's premium per person for village funds

    @property
    def total(self) -> int:
        return self.people * self.rate


class NotBilled(NamedTuple):
    """Someone on the village's list that month who is not enrolled, and why (a named tuple:
    a bill with 95,000 people apart makes as many, a frozen dataclass five times slower)."""

    participant_id: int
    reg_no: str
    full_name: str
    standing: Standing
    reason: str


@dataclass(frozen=True, slots=True)
class Bill:
    month: int
    due: date
    lines: tuple[BillLine, ...]
    total: int
    paid: int
    apbd_excluded: int  # participants that month whose premium the regency pays
    coverage: CoverageTable  # the twelve months before the bill's and the bill's own, for the strips
    apart: tuple[NotBilled, ...] = ()  # not enrolled (waiting, sent back, rejected): never billed

    @property
    def outstanding(self) -> int:
        return self.total - self.paid

    @property
    def unpaid_count(self) -> int:
        return sum(1 for line in self.lines if not line.paid)


@dataclass(frozen=True, slots=True)
class PaymentRequest:
    paid_on: date
    first_month: int
    months: int  # 1, 3, 6, 12 ...
    amount: int
    reference: str = ""
    note: str = ""
    participant_ids: tuple[int, ...] | None = None  # None: everyone unpaid on the bills


@dataclass(frozen=True, slots=True)
class PaymentView(ChangesParticipants):
    id: int
    uid: str
    paid_on: str
    amount: int
    reference: str
    note: str
    first_month: int
    last_month: int
    people: int
    created_at: str
    created_by: str
    voided_at: str | None
    void_reason: str

    @property
    def period(self) -> str:
        if self.first_month == self.last_month:
            return month_label(self.first_month)
        return f"{month_label(self.first_month)} – {month_label(self.last_month)}"


@dataclass(frozen=True, slots=True)
class PaymentQuote:
    """What a payment for a selection would cover, before it is recorded."""

    first_month: int
    last_month: int
    items: tuple[tuple[int, int, int], ...]  # participant id, month, amount
    total: int
    people: int
    already_paid: int  # participant-months in the selection paid before, left out


# ----------------------------------------------------------------------------- coverage


@dataclass(frozen=True, slots=True)
class CoverageTable:
    """Coverage of many participants over a window of months, as bit masks (bit i: month
    ``first + i``); :meth:`state` and :meth:`strip` read one participant."""

    first: int
    months: int
    since: int
    ids: tuple[int, ...]
    active: tuple[int, ...]
    paid: tuple[int, ...]
    arrears: tuple[int, ...]
    lapsed: tuple[int, ...]
    overdue: int  # months whose due date has passed

    def index(self) -> dict[int, int]:
        return {pid: n for n, pid in enumerate(self.ids)}

    def state(self, row: int, i: int) -> CoverState:
        bit = 1 << i
        if not self.active[row] & bit:
            return CoverState.NONE
        if self.first + i < self.since:
            return CoverState.UNTRACKED
        if self.paid[row] & bit:
            return CoverState.PAID
        if self.lapsed[row] & bit:
            return CoverState.LAPSED
        if self.arrears[row] & bit:
            return CoverState.ARREARS
        return CoverState.DUE

    def strip(self, row: int) -> list[CoverState]:
        return [self.state(row, i) for i in range(self.months)]

    def counts(self) -> dict[str, int]:
        """Participant-months by state over the whole window (paid, arrears, lapsed, ...)."""
        return {
            CoverState.PAID: sum(m.bit_count() for m in self.paid),
            CoverState.ARREARS: sum((a & ~la).bit_count() for a, la in zip(self.arrears, self.lapsed, strict=True)),
            CoverState.LAPSED: sum(m.bit_count() for m in self.lapsed),
        }

    def lapsed_people(self) -> int:
        return sum(1 for m in self.lapsed if m)

    def in_arrears_people(self) -> int:
        """People with unpaid overdue months whose membership has not lapsed (yet)."""
        return sum(1 for a, la in zip(self.arrears, self.lapsed, strict=True) if a and not la)


def compute_coverage(
    conn: Connection, first: int, months: int, today: date, *, ids: Sequence[int] | None = None
) -> CoverageTable:
    """Coverage of every participant (or of ``ids``) over ``months`` months from ``first``.

    Set-based: one aggregate query folds the paid months into a bit mask per participant
    (inside SQLite), the rest is integer arithmetic; 100,000 participants over 24 months take
    well under a second (``benchmarks/bench_premiums.py``).
    """
    if not 1 <= months <= 60:
        raise PremiumError("months_invalid", months=months)
    last = first + months - 1
    full = (1 << months) - 1
    since_text = settings.read_all(conn)[settings.PREMIUM_SINCE.key]
    since = parse_month(since_text) if since_text else month_index(today)
    overdue = 0
    for i in range(months):
        if due_date(first + i) < today:
            overdue |= 1 << i
    tracked = full & ~((1 << max(0, min(months, since - first))) - 1)
    start_text, end_text = first_day(first).isoformat(), last_day(last).isoformat()
    query = select(P.id, P.start_date, P.exit_date).where(
        P.start_date <= end_text,
        or_(P.exit_date.is_(None), P.exit_date >= start_text),
        P.funding != Funding.APBD,
        enrolled(),
    )
    paid_query = (
        select(PAID.participant_id, func.sum(text("CAST(1 AS BIGINT) << (month - :first)")))
        .where(PAID.month >= first, PAID.month <= last)
        .group_by(PAID.participant_id)
    )
    if ids is not None:
        query = query.where(P.id.in_(list(ids)))
        paid_query = paid_query.where(PAID.participant_id.in_(list(ids)))
    people = conn.execute(query.order_by(P.id)).all()
    paid_by = dict(conn.execute(paid_query, {"first": first}).all())
    out_ids: list[int] = []
    active_l: list[int] = []
    paid_l: list[int] = []
    arrears_l: list[int] = []
    lapsed_l: list[int] = []
    year_first: dict[str, int] = {}  # 'YYYY-MM' prefix -> month index, to avoid parsing dates per row
    for pid, start, end in people:
        key = start[:7]
        s = year_first.get(key)
        if s is None:
            s = year_first[key] = int(key[:4]) * 12 + int(key[5:7]) - 1
        lo = max(s - first, 0)
        if end:
            e = int(end[:4]) * 12 + int(end[5:7]) - 1 - first
            hi = min(e, months - 1)
        else:
            hi = months - 1
        if hi < lo:
            continue
        active = ((1 << (hi + 1)) - 1) & ~((1 << lo) - 1)
        paid = int(paid_by.get(pid) or 0) & active
        arrears = active & ~paid & overdue & tracked
        # The 4th consecutive unpaid month and every month after it: the membership has ended.
        run = arrears
        for k in range(1, LAPSE_AFTER + 1):
            run &= arrears << k
        lapsed = 0
        if run:
            lowest = run & -run
            lapsed = active & ~(lowest - 1) & ~paid
        out_ids.append(pid)
        active_l.append(active)
        paid_l.append(paid)
        arrears_l.append(arrears)
        lapsed_l.append(lapsed)
    return CoverageTable(
        first, months, since, tuple(out_ids), tuple(active_l), tuple(paid_l), tuple(arrears_l), tuple(lapsed_l),
        overdue,
    )  # fmt: skip


# ----------------------------------------------------------------------------- budget and recap


@dataclass(frozen=True, slots=True)
class BudgetPlan:
    """Next year's APBDes line: people x months x the rate of each month."""

    year: int
    active: int  # village-paid participants active today with no end date
    planned_additions: int
    monthly: tuple[tuple[int, int], ...]  # (month, rate) for the 12 months
    total: int
    not_enrolled: int = 0  # active on the list but waiting, sent back or rejected: not budgeted
    minimum: int = 0  # the regency's minimum count per village (a setting)

    @property
    def people(self) -> int:
        return self.active + self.planned_additions

    @property
    def below_minimum(self) -> bool:
        return self.people < self.minimum


@dataclass(frozen=True, slots=True)
class MonthRecap:
    month: int
    due: date
    people: int
    billed: int
    paid: int  # premiums paid for this month
    received: int  # payments recorded with a date in this month
    overdue: bool

    @property
    def outstanding(self) -> int:
        """Unpaid premiums of the month; a month paid at a higher rate than the one now valid
        (a discount switched on afterwards) owes nothing rather than a negative amount."""
        return max(0, self.billed - self.paid)


@dataclass(frozen=True, slots=True)
class YearRecap:
    year: int
    months: tuple[MonthRecap, ...]
    budget: int | None  # the adopted APBDes line, when recorded
    planned_additions: int
    payments: tuple[PaymentView, ...] = field(default=())

    @property
    def billed(self) -> int:
        return sum(m.billed for m in self.months)

    @property
    def paid(self) -> int:
        return sum(m.paid for m in self.months)

    @property
    def received(self) -> int:
        return sum(m.received for m in self.months)

    @property
    def arrears(self) -> int:
        return sum(m.outstanding for m in self.months if m.overdue)

    @property
    def realisation_pct(self) -> float | None:
        return 100.0 * self.received / self.budget if self.budget else None


# ----------------------------------------------------------------------------- service


def _payment_view(r: object) -> PaymentView:
    return PaymentView(
        r.id, r.uid, r.paid_on, r.amount, r.reference, r.note, r.first_month, r.last_month, r.people,  # type: ignore[attr-defined]
        r.created_at, r.created_by, r.voided_at, r.void_reason,  # type: ignore[attr-defined]
    )  # fmt: skip


def _active_in(m: int) -> ColumnElement[bool]:
    return and_(
        P.start_date <= last_day(m).isoformat(),
        or_(P.exit_date.is_(None), P.exit_date >= first_day(m).isoformat()),
    )


class PremiumService:
    """Premiums of one village installation. Every write is one transaction and audited."""

    def __init__(self, db: Database, user: UserView, *, today: Callable[[], date] = date.today) -> None:
        self.db = db
        self.user = user
        self.today = today

    def _desa(self, conn: Connection) -> str:
        return settings.read_all(conn)[settings.REGION_CODE.key]

    def log_event(self, action: str, detail: str) -> None:
        """Audit what left the application (a report saved or printed)."""
        log_event(self.db, self.user.username, action, detail)

    def _admin(self) -> None:
        if self.user.role != Role.ADMIN:
            raise PremiumError("not_allowed")

    # -- rates ---------------------------------------------------------------------------

    def rates(self) -> RateTable:
        with self.db.begin() as conn:
            return stored_rates(conn, self.today())

    def set_rate_active(self, rate_id: int, active: bool) -> OpChanges:
        """Switch a rate row on or off (the PP 50/2025 discount for APBDes payers)."""
        self._admin()
        with self.db.begin() as conn:
            ensure_rates(conn, self.today())
            row = conn.execute(select(premium_rate_table).where(R.id == rate_id)).first()
            if row is None:
                raise PremiumError("rate_unknown", id=rate_id)
            conn.execute(
                update(premium_rate_table)
                .where(R.id == rate_id)
                .values(active=int(active), changed_at=now_iso(), changed_by=self.user.username)
            )
            state = "aktif" if active else "nonaktif"
            write_audit(conn, self.user.username, "premium_rate", f"tarif {rate_id} ({row.note[:60]}): {state}")
        return OpChanges(settings=True)

    def add_rate(self, draft: RateDraft) -> int:
        """A new dated row, e.g. a new JKM amount from a month on."""
        self._admin()
        start = parse_month(draft.valid_from)
        end = parse_month(draft.valid_to) if draft.valid_to else None
        if end is not None and end < start:
            raise PremiumError("rate_dates", valid_from=draft.valid_from, valid_to=draft.valid_to)
        if draft.kind == RateKind.TARIF:
            if draft.income < MIN_INCOME or not 0 < draft.jkk_rate_bp <= 1000 or draft.jkm < 0:
                raise PremiumError("rate_values", min_income=format_rupiah(MIN_INCOME))
        elif draft.kind == RateKind.DISKON:
            if not 0 < draft.discount_pct <= 100:
                raise PremiumError("rate_discount")
        else:
            raise PremiumError("rate_values", min_income=format_rupiah(MIN_INCOME))
        if draft.funding is not None and draft.funding not in {f.value for f in Funding}:
            raise PremiumError("rate_values", min_income=format_rupiah(MIN_INCOME))
        with self.db.begin() as conn:
            ensure_rates(conn, self.today())
            new_id = conn.execute(
                premium_rate_table.insert()
                .values(
                    kind=draft.kind, valid_from=month_text(start),
                    valid_to=month_text(end) if end is not None else None,
                    funding=draft.funding, income=draft.income, jkk_rate_bp=draft.jkk_rate_bp, jkm=draft.jkm,
                    discount_pct=draft.discount_pct, active=1, note=draft.note, changed_at=now_iso(),
                    changed_by=self.user.username,
                )
                .returning(R.id)
            ).scalar_one()  # fmt: skip
            write_audit(conn, self.user.username, "premium_rate", f"tarif baru {new_id} mulai {month_text(start)}")
        return int(new_id)

    # -- bill ----------------------------------------------------------------------------

    def estimate(self) -> PremiumEstimate:
        """This month's premium at a glance (the village's dashboard): the enrolled participants the
        village pays for, at this month's rate for village funds."""
        today = self.today()
        with self.db.read() as conn:
            rate = read_rates(conn).amount(month_index(today), Funding.PADES)
            people = conn.execute(select(func.count()).where(enrolled_now(), P.funding != Funding.APBD)).scalar_one()
        return PremiumEstimate(int(people), rate)

    def bill(self, month: int) -> Bill:
        """Everyone the village pays for in ``month``, with the amount and whether it is paid."""
        today = self.today()
        with self.db.begin() as conn:
            rates = stored_rates(conn, self.today())
            rows = conn.execute(
                select(P.id, P.reg_no, P.full_name, P.nik, P.funding, PAID.amount, PAID.payment_id)
                .select_from(
                    participant_table.outerjoin(
                        premium_paid_table, and_(PAID.participant_id == P.id, PAID.month == month)
                    )
                )
                .where(_active_in(month), P.funding != Funding.APBD, enrolled())
                .order_by(P.reg_no)
            ).all()
            apbd = conn.execute(
                select(func.count()).where(_active_in(month), P.funding == Funding.APBD, enrolled())
            ).scalar_one()
            apart_where = and_(_active_in(month), P.funding != Funding.APBD, ~enrolled())
            others = standings_listed(conn, apart_where, P.reg_no, P.full_name, order_by=P.reg_no)
            # A month's state depends on the months before it (a lapse): look back a year.
            cover = compute_coverage(conn, month - 12, 13, today)
        states = {pid: cover.state(n, 12) for n, pid in enumerate(cover.ids)}
        # Rows unpacked as tuples and one premium per funding source: a line is made 100,000 times.
        amounts: dict[str, int] = {}
        made = []
        for pid, reg_no, name, nik, funding, paid, payment_id in rows:
            amount = amounts.get(funding)
            if amount is None:
                amount = amounts[funding] = rates.amount(month, funding)
            made.append(
                BillLine(pid, reg_no, name, nik, funding, amount, int(paid or 0), payment_id,
                         states.get(pid, CoverState.DUE))
            )  # fmt: skip
        lines = tuple(made)
        apart = tuple(NotBilled(pid, reg_no, name, info.standing, info.reason) for pid, reg_no, name, info in others)
        return Bill(
            month, due_date(month), lines, sum(x.amount for x in lines), sum(x.paid for x in lines), int(apbd), cover,
            apart,
        )  # fmt: skip

    # -- payments ------------------------------------------------------------------------

    def quote(self, request: PaymentRequest) -> PaymentQuote:
        """What ``request`` would pay: per participant and month, from the bills. Refuses a
        participant who is not on a bill, or whose membership lapsed in a month asked for."""
        with self.db.read() as conn:
            return self._quote(conn, request)

    def _quote(self, conn: Connection, request: PaymentRequest) -> PaymentQuote:
        if request.months < 1 or request.months > 24:
            raise PremiumError("months_invalid", months=request.months)
        rates = stored_rates(conn, self.today())
        first, last = request.first_month, request.first_month + request.months - 1
        wanted = set(request.participant_ids) if request.participant_ids is not None else None
        items: list[tuple[int, int, int]] = []
        already = 0
        on_some_bill: set[int] = set()
        paid_before = {
            (int(pid), int(m))
            for pid, m in conn.execute(select(PAID.participant_id, PAID.month).where(PAID.month.between(first, last)))
        }
        # A lapse is decided by the months before the ones paid for: look back a year.
        look_from = max(first - 12, last - 59)
        cover = compute_coverage(
            conn, look_from, last - look_from + 1, self.today(), ids=list(wanted) if wanted else None
        )
        lapsed = {pid: cover.lapsed[n] for n, pid in enumerate(cover.ids) if cover.lapsed[n]}
        for m in range(first, last + 1):
            q = select(P.id, P.funding, P.full_name).where(_active_in(m), P.funding != Funding.APBD, enrolled())
            if wanted is not None:
                q = q.where(P.id.in_(list(wanted)))
            for pid, funding, name in conn.execute(q.order_by(P.id)):
                on_some_bill.add(pid)
                if (pid, m) in paid_before:
                    already += 1
                    continue
                if lapsed.get(pid, 0) & (1 << (m - look_from)):
                    raise PremiumError("premium_lapsed", name=name, month=month_label(m))
                items.append((pid, m, rates.amount(m, funding)))
        if wanted is not None and wanted - on_some_bill:
            missing = sorted(wanted - on_some_bill)
            apart = [
                (pid, s)
                for pid, s in standings(conn, missing[:50]).items()
                if not s.is_enrolled and s.standing != Standing.ENDED
            ]
            if apart:
                name = conn.execute(select(P.full_name).where(P.id == apart[0][0])).scalar_one()
                raise PremiumError("premium_not_enrolled", name=name, standing=apart[0][1].standing, count=len(missing))
            names = [
                str(n)
                for n in conn.execute(select(P.full_name).where(P.id.in_(missing[:5])).order_by(P.full_name)).scalars()
            ]
            raise PremiumError(
                "premium_not_on_bill", names=", ".join(names) or ", ".join(map(str, missing[:5])),
                count=len(missing), period=_period(first, last),
            )  # fmt: skip
        return PaymentQuote(
            first, last, tuple(items), sum(a for _, _, a in items), len({p for p, _, _ in items}), already
        )

    def pay(self, request: PaymentRequest) -> PaymentView:
        """Record a payment for the participant-months of its quote. The amount must be what
        the bills say for them: a payment never silently covers more or fewer people."""
        if request.amount <= 0:
            raise PremiumError("payment_amount_invalid")
        if request.paid_on > self.today():
            raise PremiumError("payment_date_future", date=request.paid_on.isoformat())
        with self.db.begin() as conn:
            quote = self._quote(conn, request)
            if not quote.items:
                raise PremiumError("payment_nothing_due", period=_period(quote.first_month, quote.last_month))
            if request.amount != quote.total:
                raise PremiumError(
                    "payment_amount_mismatch", amount=format_rupiah(request.amount),
                    expected=format_rupiah(quote.total),
                    people=quote.people, period=_period(quote.first_month, quote.last_month),
                )  # fmt: skip
            rev = reserve_counter(conn, "change", 1)
            stamp = now_iso()
            uid = str(uuid.uuid4())
            payment_id = conn.execute(
                premium_payment_table.insert()
                .values(
                    uid=uid, desa_code=self._desa(conn), paid_on=request.paid_on.isoformat(), amount=request.amount,
                    reference=collapse(request.reference), note=collapse(request.note), first_month=quote.first_month,
                    last_month=quote.last_month, people=quote.people, created_at=stamp, created_by=self.user.username,
                    rev=rev,
                )
                .returning(PAY.id)
            ).scalar_one()  # fmt: skip
            faults.point("payment.row_written")  # the payment, not yet its months
            executemany(
                conn,
                "INSERT INTO premium_paid (participant_id, month, payment_id, amount) VALUES (?, ?, ?, ?)",
                [(pid, m, payment_id, amount) for pid, m, amount in quote.items],
            )
            faults.point("payment.months_written")
            write_audit(
                conn, self.user.username, "premium_paid",
                f"{format_rupiah(request.amount)} untuk {quote.people} peserta, "
                f"{_period(quote.first_month, quote.last_month)}; ref {collapse(request.reference) or '-'}",
            )  # fmt: skip
            row = conn.execute(select(premium_payment_table).where(PAY.id == payment_id)).one()
        return _payment_view(row)

    def void(self, payment_id: int, reason: str) -> OpChanges:
        """Cancel a payment recorded by mistake: its months become unpaid again; the record stays."""
        reason = collapse(reason)
        if not reason:
            raise PremiumError("payment_void_reason")
        with self.db.begin() as conn:
            row = conn.execute(select(premium_payment_table).where(PAY.id == payment_id)).first()
            if row is None:
                raise PremiumError("payment_unknown", id=payment_id)
            if row.voided_at:
                raise PremiumError("payment_already_void", date=row.voided_at)
            rev = reserve_counter(conn, "change", 1)
            conn.execute(delete(premium_paid_table).where(PAID.payment_id == payment_id))
            conn.execute(
                update(premium_payment_table)
                .where(PAY.id == payment_id)
                .values(voided_at=now_iso(), voided_by=self.user.username, void_reason=reason, rev=rev)
            )
            write_audit(
                conn, self.user.username, "premium_void",
                f"pembayaran {format_rupiah(row.amount)} tanggal {row.paid_on} dibatalkan: {reason}",
            )  # fmt: skip
        return OpChanges(participants=True)

    def payments(self, year: int | None = None) -> list[PaymentView]:
        with self.db.read() as conn:
            q = select(premium_payment_table).order_by(PAY.paid_on.desc(), PAY.id.desc())
            if year is not None:
                q = q.where(PAY.paid_on.like(f"{year:04d}-%"))
            return [_payment_view(r) for r in conn.execute(q)]

    # -- coverage ------------------------------------------------------------------------

    def coverage(self, first: int, months: int, ids: Sequence[int] | None = None) -> CoverageTable:
        with self.db.begin() as conn:
            ensure_rates(conn, self.today())
            return compute_coverage(conn, first, months, self.today(), ids=ids)

    def strip(self, participant_id: int, months: int = 12) -> list[tuple[int, CoverState]]:
        """The last ``months`` months up to this one, for the participant view; empty at the
        regency, which does not keep the villages' payments month by month."""
        with self.db.read() as conn:
            if settings.read_all(conn)[settings.MODE.key] != Mode.DESA:
                return []
        first = month_index(self.today()) - months + 1
        # A lapse is decided by the months before the first one shown: look back a year more.
        table = self.coverage(first - 12, months + 12, [participant_id])
        if not table.ids:
            return [(first + i, CoverState.NONE) for i in range(months)]
        return [(first + i, s) for i, s in enumerate(table.strip(0)[12:])]

    # -- budget --------------------------------------------------------------------------

    def plan(self, year: int, planned_additions: int = 0) -> BudgetPlan:
        """The APBDes line for ``year``: participants active now without an end date, plus the
        planned additions, for twelve months at each month's rate (village funding)."""
        if planned_additions < 0:
            raise PremiumError("budget_invalid")
        with self.db.begin() as conn:
            rates = stored_rates(conn, self.today())
            village_paid = and_(P.exit_date.is_(None), P.funding.in_([f.value for f in VILLAGE_PAID]))
            active = conn.execute(select(func.count()).where(enrolled_now(), village_paid)).scalar_one()
            apart = conn.execute(
                select(func.count()).where(P.status == Status.AKTIF, ~enrolled(), village_paid)
            ).scalar_one()
            minimum = int(settings.read_all(conn)[settings.MIN_PARTICIPANTS.key])
        months = tuple((year * 12 + i, rates.amount(year * 12 + i, Funding.PADES)) for i in range(12))
        total = (int(active) + planned_additions) * sum(rate for _, rate in months)
        return BudgetPlan(year, int(active), planned_additions, months, total, int(apart), minimum)

    def set_budget(self, year: int, amount: int, planned_additions: int = 0) -> OpChanges:
        """Record the APBDes line the village adopted, to follow its realisation."""
        if amount <= 0 or planned_additions < 0 or not 2000 <= year <= 2100:
            raise PremiumError("budget_invalid")
        with self.db.begin() as conn:
            b = premium_budget_table.c
            conn.execute(delete(premium_budget_table).where(b.year == year))
            conn.execute(
                premium_budget_table.insert().values(
                    year=year, amount=amount, planned_additions=planned_additions, set_at=now_iso(),
                    set_by=self.user.username,
                )
            )  # fmt: skip
            write_audit(conn, self.user.username, "premium_budget", f"{year}: {format_rupiah(amount)}")
        return OpChanges(settings=True)

    def recap(self, year: int) -> YearRecap:
        """Month by month for ``year``: billed, paid for the month, received, outstanding."""
        today = self.today()
        with self.db.read() as conn:
            rates = read_rates(conn)
            months = []
            paid_for = dict(
                conn.execute(
                    select(PAID.month, func.sum(PAID.amount))
                    .where(PAID.month.between(year * 12, year * 12 + 11))
                    .group_by(PAID.month)
                ).all()
            )
            received: dict[str, int] = dict(
                conn.execute(
                    select(func.substr(PAY.paid_on, 1, 7), func.sum(PAY.amount))
                    .where(PAY.paid_on.like(f"{year:04d}-%"), PAY.voided_at.is_(None))
                    .group_by(func.substr(PAY.paid_on, 1, 7))
                ).all()
            )
            for i in range(12):
                m = year * 12 + i
                by_funding = conn.execute(
                    select(P.funding, func.count())
                    .where(_active_in(m), P.funding != Funding.APBD, enrolled())
                    .group_by(P.funding)
                ).all()
                months.append(
                    MonthRecap(
                        m, due_date(m), sum(int(n) for _, n in by_funding),
                        sum(int(n) * rates.amount(m, f) for f, n in by_funding), int(paid_for.get(m) or 0),
                        int(received.get(month_text(m)) or 0), due_date(m) < today,
                    )
                )  # fmt: skip
            b = premium_budget_table.c
            budget = conn.execute(select(b.amount, b.planned_additions).where(b.year == year)).first()
            payments = tuple(
                _payment_view(r)
                for r in conn.execute(
                    select(premium_payment_table).where(PAY.paid_on.like(f"{year:04d}-%")).order_by(PAY.paid_on, PAY.id)
                )
            )
        return YearRecap(
            year, tuple(months), int(budget.amount) if budget else None, int(budget.planned_additions) if budget else 0,
            payments,
        )  # fmt: skip


def _period(first: int, last: int) -> str:
    return month_label(first) if first == last else f"{month_label(first)} – {month_label(last)}"
