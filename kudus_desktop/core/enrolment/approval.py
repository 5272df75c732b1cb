"""Maker-checker: new and changed enrolments wait for a verifikator before they leave the office.

A participant with a ``participant_review`` row is waiting (``menunggu``) or was sent back
(``ditolak``); without one, its data as it stands is approved. The row keeps the data as last
approved, so the verifikator sees what changed, and everyone who changed it since, none of whom
may approve it. Sync packages and cards take only participants without a row, whatever the
setting; the setting (:data:`settings.APPROVAL_REQUIRED`) decides whether a change makes one.
An approval is itself a change (a new ``rev``), so the next package carries the participant.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Connection, bindparam, delete, exists, func, literal, null, select, update

from kudus_desktop.core.errors import KudusError, ValidationError
from kudus_desktop.core.rules.codes import HistoryAction, Mode, Role, can_approve
from kudus_desktop.core.rules.dates import now_iso
from kudus_desktop.core.rules.records import ChangesParticipants, OpChanges, UserView
from kudus_desktop.core.rules.regions import kudus_district_digits
from kudus_desktop.core.rules.validation import Issue, ValidationContext, collapse, draft_of, validate_participant
from kudus_desktop.core.storage import settings
from kudus_desktop.core.storage.audit import write_audit
from kudus_desktop.core.storage.counters import reserve_counter
from kudus_desktop.core.storage.db import Database, executemany
from kudus_desktop.core.storage.tables import (
    participant_review_table,
    participant_table,
    premium_paid_table,
    premium_payment_table,
)

P = participant_table.c
R = participant_review_table.c
PAGE = 500

#: The participant's own data, as the verifikator compares it (not counters, stamps or the KPJ,
#: which BPJS assigns and the regency sends back).
REVIEW_FIELDS = (
    "nik", "kk", "full_name", "birth_place", "birth_date", "sex", "address", "dusun", "rt", "rw", "phone",
    "occupation", "category", "source_list", "source_date", "funding", "start_date", "status", "exit_reason",
    "exit_date", "term_end",
)  # fmt: skip


class ApprovalState(StrEnum):
    WAITING = "menunggu"
    DECLINED = "ditolak"


class ApprovalKind(StrEnum):
    NEW = "baru"  # never approved
    CHANGE = "perubahan"


def approval_on(values: dict[str, str]) -> bool:
    """Whether changes made now wait for approval (a village with the setting on)."""
    return values[settings.MODE.key] == Mode.DESA and values[settings.APPROVAL_REQUIRED.key] == "1"


def approved_only(participant: Any = P) -> ColumnElement[bool]:
    """True for a participant whose current data is approved (no review row)."""
    return ~exists().where(R.participant_id == participant.id)


def snapshot(row: Any) -> str:
    return json.dumps({f: getattr(row, f) for f in REVIEW_FIELDS}, ensure_ascii=False)


def submit(conn: Connection, pid: int, before: Any | None, who: str, stamp: str) -> None:
    """Put participant ``pid`` in the queue after ``who`` changed it; ``before`` is the row as it
    was (None for a new enrolment). Its approved data is only taken when it was approved."""
    row = conn.execute(select(R.makers).where(R.participant_id == pid)).first()
    if row is None:
        conn.execute(
            participant_review_table.insert().values(
                participant_id=pid,
                state=ApprovalState.WAITING,
                approved=snapshot(before) if before is not None else None,
                makers=who,
                submitted_at=stamp,
            )
        )
        return
    makers = row.makers.split(",")
    conn.execute(
        update(participant_review_table)
        .where(R.participant_id == pid)
        .values(
            state=ApprovalState.WAITING,
            makers=",".join(makers if who in makers else [*makers, who]),
            submitted_at=stamp,
        )
    )


def queue_changed(conn: Connection, changed: Sequence[tuple[int, Any]], who: str, stamp: str) -> None:
    """:func:`submit` for many participants at once (a corrected list): ``changed`` holds each
    one's id and its row as it was; one query reads who is queued, one executemany each queues
    the others and brings the queued back to waiting with ``who`` among their makers."""
    ids = [pid for pid, _ in changed]
    queued = dict(conn.execute(select(R.participant_id, R.makers).where(R.participant_id.in_(ids))).all())
    new = [
        {"participant_id": pid, "state": ApprovalState.WAITING, "approved": snapshot(before), "makers": who,
         "submitted_at": stamp}
        for pid, before in changed
        if pid not in queued
    ]  # fmt: skip
    again = [
        {"b_id": pid, "b_makers": ",".join(m if who in m else [*m, who]), "b_at": stamp}
        for pid, makers in queued.items()
        for m in [makers.split(",")]
    ]
    if new:
        conn.execute(participant_review_table.insert(), new)
    if again:
        conn.execute(
            update(participant_review_table)
            .where(R.participant_id == bindparam("b_id"))
            .values(state=ApprovalState.WAITING, makers=bindparam("b_makers"), submitted_at=bindparam("b_at")),
            again,
        )


def submit_new(conn: Connection, enrolled: ColumnElement[bool], who: str, stamp: str) -> None:
    """Queue freshly enrolled participants (a bulk import), those ``enrolled`` selects from the
    participant table, in one INSERT ... SELECT: the database makes the 100,000 rows itself."""
    queue = participant_review_table.c
    conn.execute(
        participant_review_table.insert().from_select(
            [queue.participant_id, queue.state, queue.approved, queue.makers, queue.submitted_at, queue.reason],
            select(
                participant_table.c.id,
                literal(ApprovalState.WAITING.value),
                null(),
                literal(who),
                literal(stamp),
                literal(""),
            ).where(enrolled),
        )
    )


@dataclass(frozen=True, slots=True)
class ApprovalItem:
    """One participant in the approval queue."""

    participant_id: int
    reg_no: str
    nik: str
    full_name: str
    status: str
    kind: ApprovalKind
    state: ApprovalState
    makers: tuple[str, ...]
    submitted_at: str
    reason: str
    reviewed_by: str
    reviewed_at: str


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    before: str  # as stored; empty for a new enrolment or an empty value
    after: str


@dataclass(frozen=True, slots=True)
class ApprovalCounts:
    waiting: int
    declined: int


@dataclass(frozen=True, slots=True)
class ApprovalResult(ChangesParticipants):
    approved: int
    own: tuple[str, ...]  # names left waiting because this user changed them
    gone: int  # no longer waiting (approved or changed elsewhere meanwhile)


class ApprovalService:
    """The approval queue of a village office, acting as ``user``."""

    def __init__(self, db: Database, user: UserView, *, today: Callable[[], date] = date.today) -> None:
        self.db = db
        self.user = user
        self.today = today

    # -- reading -------------------------------------------------------------------------

    def required(self) -> bool:
        with self.db.read() as conn:
            return approval_on(settings.read_all(conn))

    def counts(self) -> ApprovalCounts:
        with self.db.read() as conn:
            rows = conn.execute(select(R.state, func.count()).group_by(R.state)).all()
        found = {str(state): int(n) for state, n in rows}
        return ApprovalCounts(int(found.get(ApprovalState.WAITING, 0)), int(found.get(ApprovalState.DECLINED, 0)))

    def queue(self, state: str = "") -> list[ApprovalItem]:
        """Participants waiting or sent back (or only ``state``), oldest submission first."""
        return self._query(R.state == state if state else None)

    def item(self, participant_id: int) -> ApprovalItem | None:
        """The queue entry of one participant; None when its data is approved."""
        found = self._query(P.id == participant_id)
        return found[0] if found else None

    def _query(self, where: ColumnElement[bool] | None) -> list[ApprovalItem]:
        stmt = (
            select(P.id, P.reg_no, P.nik, P.full_name, P.status, R.state, R.approved.is_(None), R.makers,
                   R.submitted_at, R.reason, R.reviewed_by, R.reviewed_at)
            .join(participant_review_table, R.participant_id == P.id)
            .order_by(R.submitted_at, P.id)
        )  # fmt: skip
        if where is not None:
            stmt = stmt.where(where)
        with self.db.read() as conn:
            rows = conn.execute(stmt).all()
        # Rows unpacked as tuples, states looked up rather than constructed, and of the approved
        # data only whether there is any: the queue after a 100,000-row import has 100,000 items.
        states = {s.value: s for s in ApprovalState}
        return [
            ApprovalItem(
                participant_id=pid,
                reg_no=reg_no,
                nik=nik,
                full_name=name,
                status=status,
                kind=ApprovalKind.NEW if new else ApprovalKind.CHANGE,
                state=states[state],
                makers=tuple(makers.split(",")),
                submitted_at=sent,
                reason=reason,
                reviewed_by=by or "",
                reviewed_at=at or "",
            )
            for pid, reg_no, nik, name, status, state, new, makers, sent, reason, by, at in rows
        ]

    def changes(self, participant_id: int) -> list[FieldChange]:
        """What differs from the data as last approved; every filled field for a new enrolment."""
        with self.db.read() as conn:
            row = conn.execute(select(participant_table).where(P.id == participant_id)).first()
            approved = conn.execute(select(R.approved).where(R.participant_id == participant_id)).scalar()
        if row is None:
            return []
        before: dict[str, Any] = json.loads(approved) if approved else {}
        out = []
        for f in REVIEW_FIELDS:
            old, new = before.get(f), getattr(row, f)
            if approved is None and new is None:
                continue
            if approved is None or old != new:
                out.append(FieldChange(f, "" if old is None else str(old), "" if new is None else str(new)))
        return out

    def warnings(self, participant_id: int) -> list[Issue]:
        """The warnings the maker accepted for the data as it stands (NIK issued outside Kudus,
        sex contradicting the NIK, past the age limit ...), checked again by the same rules."""
        with self.db.read() as conn:
            row = conn.execute(select(participant_table).where(P.id == participant_id)).first()
            values = settings.read_all(conn)
        if row is None:
            return []
        ctx = ValidationContext(
            today=self.today(), max_age=int(values[settings.MAX_AGE.key]), kudus_districts=kudus_district_digits()
        )
        return list(validate_participant(draft_of(row), ctx).warnings)

    # -- deciding ------------------------------------------------------------------------

    def _require_checker(self) -> None:
        if not can_approve(self.user.role):
            raise KudusError("approval_not_allowed")

    def approve(self, ids: Sequence[int]) -> ApprovalResult:
        """Approve the data of these participants as it stands, in one transaction.

        A participant this user changed since its last approval stays waiting (named in the
        result): the maker never checks their own work. Approving bumps the participant's rev
        (and that of payments naming it) so the next sync package carries both.
        """
        self._require_checker()
        me = self.user.username
        stamp = now_iso()
        approved: list[int] = []
        own: list[str] = []
        with self.db.begin() as conn:
            rows: list[Any] = []
            for start in range(0, len(ids), PAGE):
                chunk = list(ids[start : start + PAGE])
                rows += conn.execute(
                    select(P.id, P.full_name, R.makers).join(participant_review_table, R.participant_id == P.id)
                    .where(P.id.in_(chunk))
                ).all()  # fmt: skip
            for r in rows:
                (own.append(r.full_name) if me in r.makers.split(",") else approved.append(r.id))
            if approved:
                _release(conn, approved, me, stamp)
                write_audit(conn, me, "participants_approved", f"{len(approved)} peserta")
        return ApprovalResult(len(approved), tuple(own), len(ids) - len(rows))

    def decline(self, ids: Sequence[int], reason: str) -> int:
        """Send these participants back to the operator with ``reason``; returns how many.

        Their data stays as the operator entered it, out of packages and off cards, until it
        is corrected (which queues it again) and approved.
        """
        self._require_checker()
        reason = collapse(reason)
        if not reason:
            raise ValidationError([Issue("reason", "required")])
        me = self.user.username
        stamp = now_iso()
        with self.db.begin() as conn:
            rows: list[Any] = []
            for start in range(0, len(ids), PAGE):
                chunk = list(ids[start : start + PAGE])
                rows += conn.execute(
                    select(P.id, P.rev, R.makers).join(participant_review_table, R.participant_id == P.id)
                    .where(P.id.in_(chunk), R.state == ApprovalState.WAITING)
                ).all()  # fmt: skip
            own = [r for r in rows if me in r.makers.split(",")]
            if own:
                raise KudusError("approval_own_change", count=len(own))
            if not rows:
                return 0
            executemany(
                conn,
                "UPDATE participant_review SET state = 'ditolak', reason = ?, reviewed_at = ?, reviewed_by = ? "
                "WHERE participant_id = ?",
                [(reason, stamp, me, r.id) for r in rows],
            )
            note = json.dumps([["review_reason", None, reason]], ensure_ascii=False)
            executemany(
                conn,
                "INSERT INTO participant_history (participant_id, at, username, action, changes, rev) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(r.id, stamp, me, HistoryAction.DECLINE.value, note, r.rev) for r in rows],
            )
            write_audit(conn, me, "participants_declined", f"{len(rows)} peserta: {reason}")
        return len(rows)

    def set_required(self, required: bool) -> OpChanges:
        """Switch approval on or off (admin only). Off releases everything waiting or sent back,
        as approved by this admin, so nothing is stranded out of the packages."""
        if self.user.role != Role.ADMIN:
            raise KudusError("not_allowed")
        stamp = now_iso()
        with self.db.begin() as conn:
            values = settings.read_all(conn)
            if values[settings.MODE.key] != Mode.DESA:
                raise KudusError("approval_village_only")
            if (values[settings.APPROVAL_REQUIRED.key] == "1") == required:
                return OpChanges()
            released: list[int] = []
            if not required:
                released = list(conn.execute(select(R.participant_id)).scalars())
                _release(conn, released, self.user.username, stamp)
            settings.write(conn, {settings.APPROVAL_REQUIRED: "1" if required else "0"})
            detail = "wajib" if required else f"tidak wajib; {len(released)} peserta dilepas dari antrean"
            write_audit(conn, self.user.username, "approval_setting", f"Persetujuan verifikator {detail}")
        return OpChanges(participants=True, settings=True)


def _release(conn: Connection, ids: Sequence[int], who: str, stamp: str) -> None:
    """Take ``ids`` out of the queue as approved by ``who``: each gets a new rev and an approval in
    its history, and the payments naming them a new rev too, so the next package carries them all."""
    if not ids:
        return
    first = _reserve(conn, len(ids))
    revs = [(first + n, pid) for n, pid in enumerate(ids)]
    executemany(conn, "UPDATE participant SET rev = ? WHERE id = ?", revs)
    executemany(
        conn,
        "INSERT INTO participant_history (participant_id, at, username, action, changes, rev) "
        "VALUES (?, ?, ?, ?, '[]', ?)",
        [(pid, stamp, who, HistoryAction.APPROVE.value, rev) for rev, pid in revs],
    )
    last = first + len(ids) - 1
    for start in range(0, len(ids), PAGE):
        chunk = list(ids[start : start + PAGE])
        conn.execute(delete(participant_review_table).where(R.participant_id.in_(chunk)))
        paying = select(premium_paid_table.c.payment_id).where(premium_paid_table.c.participant_id.in_(chunk))
        conn.execute(update(premium_payment_table).where(premium_payment_table.c.id.in_(paying)).values(rev=last))


def _reserve(conn: Connection, count: int) -> int:
    return reserve_counter(conn, "change", count)
