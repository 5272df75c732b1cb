"""Double enrolment at the regency: find it, queue it, decide which enrolment stands.

Three kinds of case (``duplicate_case.kind``):

- ``nik``: the same NIK active in two villages. The later enrolment waits in review.
- ``apbd``: a village's participant whose NIK is in the regency's own APBD-funded scheme
  (its NIK list imported from a spreadsheet). The village's enrolment waits in review.
- ``similar``: two active records with the same KK and birth date and nearly the same name
  under different NIKs. Only a suggestion: nobody's status changes until an operator decides.

A decision rejects the enrolment that does not stand; the rejection and its reason ("sudah
terdaftar di Desa X sejak DATE") reach that village in its next receipt, because receipts carry
``participant_sync.outcome`` and ``reason``. The village whose enrolment stands hears nothing.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Connection, String, and_, cast, func, literal_column, or_, select, update
from sqlalchemy.orm import aliased

from kudus_desktop.core.errors import KudusError, NotFoundError, StateError
from kudus_desktop.core.rules.codes import Mode, Status, can_decide_doubles
from kudus_desktop.core.rules.dates import format_date, from_iso, now_iso
from kudus_desktop.core.rules.labels import describe
from kudus_desktop.core.rules.names import similar
from kudus_desktop.core.rules.nik import mask_nik_last4
from kudus_desktop.core.rules.records import ChangesParticipants, UserView
from kudus_desktop.core.rules.regions import region
from kudus_desktop.core.storage import settings
from kudus_desktop.core.storage.audit import write_audit
from kudus_desktop.core.storage.db import Database, executemany, keep_statistics
from kudus_desktop.core.storage.tables import (
    apbd_member_table,
    duplicate_case_table,
    participant_sync_table,
    participant_table,
)
from kudus_desktop.core.village.importing import ListSheet, cell_date, read_list, row_nik

P = participant_table.c
S = participant_sync_table.c
C = duplicate_case_table.c
A = apbd_member_table.c

KINDS = ("nik", "apbd", "similar")
DECISIONS = ("keep_first", "keep_second", "not_same")
#: A KK shared by more active records than this is a placeholder typed for many people
#: (all zeros, the village's own number), not a family: comparing all of them would only
#: bury real suggestions.
FAMILY_MAX = 20
CHUNK = 500

APBD_SYNONYMS: dict[str, tuple[str, ...]] = {
    "nik": ("NIK", "NONIK", "NOMORNIK", "NIKKTP", "NOKTP", "NOMORINDUKKEPENDUDUKAN"),
    "full_name": ("NAMA", "NAMALENGKAP", "NAMAPESERTA", "NAMATENAGAKERJA"),
    "start_date": ("TMT", "TANGGALMULAI", "MULAI", "TGLKEPESERTAAN", "TANGGALKEPESERTAAN", "TMTKEPESERTAAN"),
}


class DoubleEnrolmentError(KudusError):
    """A decision or list the double-enrolment desk refuses."""


def desa_label(code: str) -> str:
    reg = region(code)
    return f"Desa {reg.name}" if reg else code


def review_reason_nik(other_desa: str, since: str) -> str:
    return (
        f"NIK juga terdaftar aktif di {desa_label(other_desa)} sejak {format_date(from_iso(since))}; "
        "menunggu keputusan kabupaten"
    )


def review_reason_apbd() -> str:
    return "NIK juga terdaftar dalam kepesertaan yang dibiayai APBD Kabupaten; menunggu keputusan kabupaten"


def rejected_reason(desa: str, since: str, *, other_nik: str = "") -> str:
    """Why the regency decided against an enrolment; the village reads it after "Ditolak: "."""
    tail = f" (dengan NIK {mask_nik_last4(other_nik)})" if other_nik else ""
    return f"sudah terdaftar di {desa_label(desa)} sejak {format_date(from_iso(since))}{tail}"


def rejected_reason_apbd(since: str | None) -> str:
    when = f" sejak {format_date(from_iso(since))}" if since else ""
    return f"sudah terdaftar dalam kepesertaan yang dibiayai APBD Kabupaten{when}"


@dataclass(frozen=True, slots=True)
class CaseSide:
    """One enrolment in a case (or the APBD scheme's entry, with ``participant_id`` None)."""

    participant_id: int | None
    desa_code: str
    desa_name: str
    kecamatan: str
    nik: str
    full_name: str
    birth_date: str
    kk: str
    start_date: str
    status: str
    category: str
    funding: str
    reg_no: str


@dataclass(frozen=True, slots=True)
class DoubleCase:
    id: int
    kind: str
    nik: str
    first: CaseSide
    second: CaseSide
    found_at: str
    status: str
    decision: str | None
    decided_at: str | None
    decided_by: str | None
    note: str


@dataclass(frozen=True, slots=True)
class ScanResult(ChangesParticipants):
    opened: dict[str, int]  # kind -> new cases
    closed: int  # open cases that no longer hold (a side ended, left the APBD list, was rejected)
    open_total: int | None  # None: not counted (after one village's package, which shows no total)
    seconds: float


@dataclass(frozen=True, slots=True)
class ApbdRejected:
    row: int
    nik: str  # as found in the cell
    code: str
    params: dict[str, object]

    @property
    def reason(self) -> str:
        return describe(self.code, self.params)


@dataclass(frozen=True, slots=True)
class ApbdImport(ChangesParticipants):
    sheet: str
    members: int
    added: int
    removed: int
    rejected: tuple[ApbdRejected, ...]
    scan: ScanResult


def _side(row: Any) -> CaseSide:
    reg = region(row.desa_code)
    parent = region(reg.parent_code or "") if reg else None
    return CaseSide(
        row.id, row.desa_code, reg.name if reg else row.desa_code, parent.name if parent else "", row.nik,
        row.full_name, row.birth_date, row.kk or "", row.start_date, row.status, row.category, row.funding, row.reg_no,
    )  # fmt: skip


def _live(conn: Connection, ids: Iterable[int]) -> dict[int, Any]:
    """Rows of the given participants, keyed by id."""
    out: dict[int, Any] = {}
    ids = list(ids)
    for start in range(0, len(ids), CHUNK):
        part = ids[start : start + CHUNK]
        for r in conn.execute(
            select(P.id, P.desa_code, P.nik, P.full_name, P.birth_date, P.kk, P.start_date, P.status, P.category,
                   P.funding, P.reg_no, S.outcome)
            .select_from(participant_table.outerjoin(participant_sync_table, S.participant_id == P.id))
            .where(P.id.in_(part))
        ):  # fmt: skip
            out[r.id] = r
    return out


def _set_outcome(conn: Connection, rows: Sequence[tuple[int, str, str]], stamp: str, *, only_from: str = "") -> None:
    """Set (participant id, outcome, reason); the receipt carries it to the village. With
    ``only_from``, only rows whose outcome is that (or unset) change."""
    guard = f" AND (outcome IS NULL OR outcome = '{only_from}')" if only_from else ""
    executemany(
        conn,
        "UPDATE participant_sync SET outcome = ?, reason = ?, outcome_at = ?, outcome_rev = sent_rev "
        f"WHERE participant_id = ?{guard}",
        [(outcome, reason, stamp, pid) for pid, outcome, reason in rows],
    )


def _usually(conn: Connection, term: ColumnElement[bool]) -> ColumnElement[bool]:
    """``term``, with SQLite told that it holds for most rows (nearly everyone is active). Its
    sampled statistics (``keep_statistics``) make ``status = 'aktif'`` look as selective as a NIK,
    and a village's same-NIK check then read every active participant of the regency: 0.47 s a
    package at 1,000,000, 14 ms at 100,000. PostgreSQL keeps true statistics and needs no hint."""
    if conn.dialect.name != "sqlite":
        return term
    return func.likelihood(term, literal_column("0.9"))  # a constant, as SQLite demands, never a parameter


def scan_cases(
    conn: Connection, *, desa: str | None = None, touched: Collection[int] | None = None, count_open: bool = True
) -> ScanResult:
    """Open a case for every double enrolment not yet known, close those that no longer
    hold, and put the enrolments concerned in review. Set-based; runs in the caller's
    transaction. ``desa`` limits the NIK and APBD checks to that village's NIKs (after one
    of its packages) and skips the name suggestions; ``touched``, the enrolments a small
    package changed, limits both to those enrolments: no other case of the desa can have
    opened or closed, since every enrolment was checked when it last changed. ``count_open``:
    count the cases left open, the total the scan's pages show."""
    started = time.perf_counter()
    stamp = now_iso()
    # The regency's few rejections are read once and left out (NOT IN a hashed set), rather than
    # joining every participant with its sync record: at 1,000,000 the join was most of the scan.
    rejected = select(S.participant_id).where(S.outcome == "rejected")
    # Nearly everyone is active: SQLite, told so, reads the table or drives from the APBD list
    # rather than visiting a million rows one by one through the status index.
    live: ColumnElement[bool] = and_(_usually(conn, P.status == Status.AKTIF), P.id.not_in(rejected))
    base: Any = participant_table
    if desa:
        # One village's NIKs: found through the NIK index, never by reading every active row.
        base = participant_table.outerjoin(participant_sync_table, S.participant_id == P.id)
        live = and_(_usually(conn, P.status == Status.AKTIF), or_(S.outcome.is_(None), S.outcome != "rejected"))
    opened = dict.fromkeys(KINDS, 0)
    narrow = sorted(touched) if desa and touched is not None and len(touched) <= CHUNK else None

    def new_cases(kind: str, pairs: list[tuple[str, int, int | None]]) -> list[tuple[str, int, int | None]]:
        if not pairs:
            return []
        known_stmt = select(C.first_id, C.second_id).where(C.kind == kind)
        firsts = sorted({p[1] for p in pairs})
        if desa and len(firsts) <= CHUNK:
            # A village's few pairs are looked up by the pair index, not among every case held.
            known_stmt = known_stmt.where(C.first_id.in_(firsts))
        known = {(r.first_id, r.second_id) for r in conn.execute(known_stmt)}
        fresh = [p for p in pairs if (p[1], p[2]) not in known]
        executemany(
            conn,
            "INSERT INTO duplicate_case (kind, nik, first_id, second_id, found_at) VALUES (?, ?, ?, ?, ?)",
            [(kind, nik, a, b, stamp) for nik, a, b in fresh],
        )
        opened[kind] = len(fresh)
        return fresh

    # Same NIK active in two villages: the earlier enrolment is "first".
    if desa:
        # After one village's package: only its NIKs, found through the NIK index.
        mine = aliased(participant_table)
        shared: Any = (
            select(P.nik)
            .select_from(mine.join(participant_table, and_(P.nik == mine.c.nik, P.desa_code != mine.c.desa_code)))
            .where(
                mine.c.desa_code == desa,
                _usually(conn, mine.c.status == Status.AKTIF),
                _usually(conn, P.status == Status.AKTIF),
            )
            .distinct()
        )
        if narrow:
            # A new double enrolment needs an enrolment that changed: the package's own.
            shared = shared.where(mine.c.id.in_(narrow))
    else:
        # Every NIK held more than once, whatever its state: read from the NIK index alone, in
        # its order (0.27 s at 1,000,000), where grouping the active rows by NIK and desa read
        # and sorted the table (1.2 s). The few candidates' active enrolments in two desa are
        # the cases, sorted out below from their rows.
        shared = select(P.nik).group_by(P.nik).having(func.count() > 1)
    # The NIKs first, then their enrolments by the NIK index: nested in one statement,
    # PostgreSQL's parallel workers each computed the grouping again.
    niks = sorted(set(conn.execute(shared).scalars()))
    by_nik: dict[str, list[Any]] = {}
    for start in range(0, len(niks), CHUNK):
        for r in conn.execute(
            select(P.id, P.nik, P.desa_code, P.start_date)
            .select_from(base)
            .where(live, P.nik.in_(niks[start : start + CHUNK]))
            .order_by(P.nik, P.start_date, P.id)
        ):
            by_nik.setdefault(r.nik, []).append(r)
    pairs: list[tuple[str, int, int | None]] = []
    review: list[tuple[int, str, str]] = []
    for nik, rows in by_nik.items():
        first = rows[0]  # the same NIK twice in one desa is not a double enrolment between desa
        for other in rows[1:]:
            if other.desa_code != first.desa_code:
                pairs.append((nik, first.id, other.id))
    for nik, first_id, second_id in new_cases("nik", pairs):
        first = next(r for r in by_nik[nik] if r.id == first_id)
        review.append((int(second_id or 0), "review", review_reason_nik(first.desa_code, first.start_date)))
    # A NIK in the regency's APBD scheme.
    apbd = select(P.id, P.nik).select_from(base.join(apbd_member_table, A.nik == P.nik)).where(live)
    if desa:
        apbd = apbd.where(P.desa_code == desa)
    if narrow:
        apbd = apbd.where(P.id.in_(narrow))
    for _nik, pid, _none in new_cases("apbd", [(r.nik, r.id, None) for r in conn.execute(apbd)]):
        review.append((pid, "review", review_reason_apbd()))
    if desa is None:
        new_cases("similar", _similar_pairs(conn, live, base))
    _set_outcome(conn, review, stamp, only_from="accepted")
    closed = _close_moot(conn, stamp, desa, touched)
    open_total = int(conn.execute(select(func.count()).where(C.status == "open")).scalar_one()) if count_open else None
    return ScanResult(opened, closed, open_total, time.perf_counter() - started)


def _similar_pairs(conn: Connection, live: Any, base: Any) -> list[tuple[str, int, int | None]]:
    """Active records with the same KK and birth date, nearly the same name, other NIKs."""
    # Each group's ids come with it (a family is at most FAMILY_MAX), then its members by key:
    # found again by KK and birth date, they were read through an index on neither.
    groups = conn.execute(
        select(func.aggregate_strings(cast(P.id, String), ","))
        .select_from(base)
        .where(live, P.kk.is_not(None), P.kk != "")
        .group_by(P.kk, P.birth_date)
        .having(func.min(P.nik) != func.max(P.nik), func.count() <= FAMILY_MAX)
    ).scalars()
    family = {int(pid): n for n, ids in enumerate(groups) for pid in ids.split(",")}
    ids = sorted(family)
    rows: dict[int, list[Any]] = {}
    for start in range(0, len(ids), CHUNK):
        for r in conn.execute(
            select(P.id, P.nik, P.full_name, P.kk, P.birth_date, P.start_date).where(
                P.id.in_(ids[start : start + CHUNK])
            )
        ):
            rows.setdefault(family[r.id], []).append(r)
    # Earliest enrolment first, within a family and between families, as before.
    for found in rows.values():
        found.sort(key=lambda r: (r.start_date, r.id))
    pairs: list[tuple[str, int, int | None]] = []
    for members in sorted(rows.values(), key=lambda m: (m[0].start_date, m[0].id)):
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                if a.nik == b.nik:
                    continue
                if similar(a.full_name, b.full_name):
                    pairs.append((a.nik, a.id, b.id))
    return pairs


def _close_moot(conn: Connection, stamp: str, desa: str | None = None, touched: Collection[int] | None = None) -> int:
    """Close open cases whose enrolments are no longer both standing; release the review of
    enrolments that no open case holds any more. ``desa`` limits this to cases touching it,
    ``touched`` to cases holding one of those enrolments."""
    stmt = select(C.id, C.kind, C.nik, C.first_id, C.second_id).where(C.status == "open")
    if touched is not None and len(touched) <= CHUNK:
        if not touched:
            return 0
        part = sorted(touched)
        cases = conn.execute(stmt.where(or_(C.first_id.in_(part), C.second_id.in_(part)))).all()
        desa = None  # these are exactly the cases to look at
    else:
        cases = conn.execute(stmt).all()
    if desa:
        # The open cases (a few hundred), then which of their enrolments are this desa's, by key.
        # Joined in one statement, PostgreSQL's statistics (taken before this desa's first
        # package) gave the desa one row, and it read all of them for every case: 53 ms a package.
        case_ids = sorted({c.first_id for c in cases} | {c.second_id for c in cases if c.second_id is not None})
        here: set[int] = set()
        for start in range(0, len(case_ids), CHUNK):
            part = case_ids[start : start + CHUNK]
            here.update(conn.execute(select(P.id).where(P.id.in_(part), P.desa_code == desa)).scalars())
        cases = [c for c in cases if c.first_id in here or c.second_id in here]
    if not cases:
        return 0
    ids = {c.first_id for c in cases} | {c.second_id for c in cases if c.second_id is not None}
    rows = _live(conn, ids)
    apbd_niks = sorted({c.nik for c in cases if c.kind == "apbd"})
    in_apbd: set[str] = set()
    for start in range(0, len(apbd_niks), CHUNK):
        part = apbd_niks[start : start + CHUNK]
        in_apbd.update(str(n) for n in conn.execute(select(A.nik).where(A.nik.in_(part))).scalars())

    def standing(pid: int | None) -> bool:
        r = rows.get(pid) if pid is not None else None
        return r is not None and r.status == Status.AKTIF and r.outcome != "rejected"

    moot = [
        c.id
        for c in cases
        if not standing(c.first_id)
        or (c.kind != "apbd" and not standing(c.second_id))
        or (c.kind == "apbd" and c.nik not in in_apbd)
    ]
    if moot:
        executemany(
            conn,
            "UPDATE duplicate_case SET status = 'resolved', decision = 'gone', decided_at = ?, decided_by = '' "
            "WHERE id = ?",
            [(stamp, i) for i in moot],
        )
        _release(conn, ids, stamp)
    return len(moot)


def _release(conn: Connection, ids: Iterable[int], stamp: str) -> None:
    """Enrolments in review that no open NIK or APBD case holds any more are accepted."""
    ids = list(ids)
    held: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        part = ids[start : start + CHUNK]
        for a, b in conn.execute(
            select(C.first_id, C.second_id).where(
                C.status == "open", C.kind != "similar", or_(C.first_id.in_(part), C.second_id.in_(part))
            )
        ):
            held.update((a, b))
    _set_outcome(conn, [(i, "accepted", "") for i in ids if i not in held], stamp, only_from="review")


class DoubleEnrolmentService:
    """The regency's double-enrolment queue, acting as ``user``."""

    def __init__(self, db: Database, user: UserView) -> None:
        self.db = db
        self.user = user

    def _require_regency(self, conn: Connection) -> None:
        if settings.read_all(conn)[settings.MODE.key] != Mode.KABUPATEN:
            raise DoubleEnrolmentError("regency_only")

    def scan(self) -> ScanResult:
        """Look at every active enrolment again (after packages, or a new APBD list)."""
        # Thousands of cases and outcomes at a million: the log's copy into the file (a second
        # here) runs after the commit, not inside the wait.
        with self.db.begin(large=True) as conn:
            self._require_regency(conn)
            keep_statistics(conn, "participant")
            result = scan_cases(conn)
            if any(result.opened.values()) or result.closed:
                write_audit(
                    conn, self.user.username, "duplicate_scan",
                    f"{result.opened['nik']} NIK ganda, {result.opened['apbd']} APBD, {result.opened['similar']} "
                    f"mirip; {result.closed} selesai sendiri",
                )  # fmt: skip
        return result

    def counts(self) -> dict[str, int]:
        """Open cases by kind."""
        with self.db.read() as conn:
            found: dict[str, int] = dict(
                conn.execute(select(C.kind, func.count()).where(C.status == "open").group_by(C.kind)).all()
            )
        return {k: int(found.get(k, 0)) for k in KINDS}

    def cases(self, *, status: str = "open", kind: str = "", desa: str = "", limit: int = 5000) -> list[DoubleCase]:
        """Cases, oldest first; ``desa`` (a desa or kecamatan code) keeps those touching it."""
        first = aliased(participant_table)
        second = aliased(participant_table)
        stmt = (
            select(duplicate_case_table, A.full_name.label("apbd_name"), A.start_date.label("apbd_since"))
            .select_from(duplicate_case_table.outerjoin(apbd_member_table, and_(C.kind == "apbd", A.nik == C.nik)))
            .order_by(C.id)
            .limit(limit)
        )
        if status:
            stmt = stmt.where(C.status == status)
        if kind:
            stmt = stmt.where(C.kind == kind)
        if desa:
            prefix = desa + "%" if len(desa) < 13 else desa
            touching = (
                select(C.id)
                .select_from(duplicate_case_table.join(first, first.c.id == C.first_id))
                .outerjoin(second, second.c.id == C.second_id)
                .where(or_(first.c.desa_code.like(prefix), second.c.desa_code.like(prefix)))
            )
            stmt = stmt.where(C.id.in_(touching))
        with self.db.read() as conn:
            rows = conn.execute(stmt).all()
            people = _live(conn, {r.first_id for r in rows} | {r.second_id for r in rows if r.second_id})
        out = []
        for r in rows:
            a = _side(people[r.first_id])
            if r.second_id is not None:
                b = _side(people[r.second_id])
            else:
                b = CaseSide(None, "", "APBD Kabupaten", "", r.nik, r.apbd_name or "", "", "", r.apbd_since or "",
                             Status.AKTIF, "", "apbd", "")  # fmt: skip
            out.append(
                DoubleCase(r.id, r.kind, r.nik, a, b, r.found_at, r.status, r.decision, r.decided_at,
                              r.decided_by, r.note)
            )  # fmt: skip
        return out

    def decide(self, case_id: int, decision: str, note: str = "") -> DoubleCase:
        """Decide which enrolment stands. The other is rejected, with a reason that names
        where and since when the person is enrolled; ``not_same`` (only for suggestions)
        keeps both."""
        if not can_decide_doubles(self.user.role):
            raise DoubleEnrolmentError("duplicate_not_allowed", role=self.user.role)
        if decision not in DECISIONS:
            raise DoubleEnrolmentError("duplicate_bad_decision", decision=decision)
        stamp = now_iso()
        with self.db.begin() as conn:
            self._require_regency(conn)
            case = conn.execute(select(duplicate_case_table).where(C.id == case_id)).first()
            if case is None:
                raise NotFoundError("duplicate_not_found", id=case_id)
            if case.status != "open":
                raise StateError("duplicate_already_decided", id=case_id)
            if decision == "not_same" and case.kind != "similar":
                raise DoubleEnrolmentError("duplicate_same_nik", nik=mask_nik_last4(case.nik))
            people = _live(conn, [i for i in (case.first_id, case.second_id) if i is not None])
            first, second = people[case.first_id], people[case.second_id] if case.second_id else None
            rejected: list[tuple[int, str, str]] = []
            if case.kind == "apbd":
                if decision == "keep_second":
                    since = conn.execute(select(A.start_date).where(A.nik == case.nik)).scalar()
                    rejected.append((first.id, "rejected", rejected_reason_apbd(since)))
            elif decision in ("keep_first", "keep_second") and second is not None:
                keep, lose = (first, second) if decision == "keep_first" else (second, first)
                other_nik = keep.nik if keep.nik != lose.nik else ""
                rejected.append((lose.id, "rejected", rejected_reason(keep.desa_code, keep.start_date,
                                                                      other_nik=other_nik)))  # fmt: skip
            conn.execute(
                update(duplicate_case_table)
                .where(C.id == case_id)
                .values(status="resolved", decision=decision, decided_at=stamp, decided_by=self.user.username,
                        note=note.strip())
            )  # fmt: skip
            _set_outcome(conn, rejected, stamp)
            _release(conn, people, stamp)
            # A rejected enrolment no longer counts in the other cases it was part of.
            _close_moot(conn, stamp)
            write_audit(
                conn, self.user.username, "duplicate_decided",
                f"kasus {case_id} ({case.kind}, NIK {mask_nik_last4(case.nik)}): {decision}",
            )  # fmt: skip
        return next(c for c in self.cases(status="") if c.id == case_id)

    # -- the APBD scheme's list -------------------------------------------------------------

    def apbd_count(self) -> int:
        with self.db.read() as conn:
            return int(conn.execute(select(func.count()).select_from(apbd_member_table)).scalar_one())

    def import_apbd(self, path: Path, *, sheet: str | None = None) -> ApbdImport:
        """Replace the APBD scheme's NIK list with the one in ``path`` and look for participants
        in it. Rows with a damaged or invalid NIK are reported, not taken; a file with no
        usable row changes nothing."""
        listing: ListSheet = read_list(path, APBD_SYNONYMS, sheet=sheet)
        members: dict[str, tuple[str, str | None]] = {}
        rejected: list[ApbdRejected] = []
        for number, cells in listing.rows:
            nik, problem, params = row_nik(cells.get("nik"))
            if problem:
                rejected.append(ApbdRejected(number, nik, problem, params))
                continue
            if nik in members:
                rejected.append(ApbdRejected(number, nik, "list_nik_repeated", {}))
                continue
            since = cells.get("start_date")
            members[nik] = (str(cells.get("full_name") or "").strip(), _iso_or_none(since))
        if not members:
            raise DoubleEnrolmentError("apbd_list_empty", path=path.name)
        stamp = now_iso()
        with self.db.begin() as conn:
            self._require_regency(conn)
            before = {str(n) for n in conn.execute(select(A.nik)).scalars()}
            conn.execute(apbd_member_table.delete())
            executemany(
                conn,
                "INSERT INTO apbd_member (nik, full_name, start_date, imported_at) VALUES (?, ?, ?, ?)",
                [(nik, name, since, stamp) for nik, (name, since) in members.items()],
            )
            result = scan_cases(conn)
            added = len(set(members) - before)
            removed = len(before - set(members))
            write_audit(
                conn, self.user.username, "apbd_imported",
                f"{path.name}: {len(members)} NIK ({added} baru, {removed} keluar), {len(rejected)} baris ditolak",
            )  # fmt: skip
        return ApbdImport(listing.sheet, len(members), added, removed, tuple(rejected), result)


def _iso_or_none(value: Any) -> str | None:
    day = cell_date(value)
    return day.isoformat() if isinstance(day, date) else None
