"""Who counts as enrolled, and where each participant stands on the way to protection.

One rule for the bill, the payment dialog, the budget, the coverage table and every printed
list: a participant is **enrolled** when their enrolment was approved by the verifikator (a
pending change to approved data does not undo that), neither the regency nor BPJS rejected it,
and it has not ended. Anyone else is shown apart with the reason, never billed.

A card states the :class:`Standing` it was printed with: protection is claimed only once BPJS
has assigned a KPJ; before that the card says it is waiting for BPJS.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, exists, select

from kudus_desktop.core.rules.codes import Status
from kudus_desktop.core.storage.tables import participant_review_table, participant_sync_table, participant_table

P = participant_table.c
R = participant_review_table.c
S = participant_sync_table.c
PAGE = 500


class Standing(StrEnum):
    """Where one participant stands, from first entry to BPJS's answer."""

    WAITING = "menunggu_verifikasi"  # a new enrolment the verifikator has not approved
    SENT_BACK = "dikembalikan"  # a new enrolment the verifikator sent back
    REJECTED = "ditolak"  # by the regency or by BPJS
    ENDED = "berhenti"
    AWAITING_BPJS = "menunggu_bpjs"  # enrolled, no KPJ yet: not protected yet
    REGISTERED = "terdaftar"  # BPJS assigned a KPJ


#: Standings that are enrolled (billed, budgeted, on printed lists, given a card).
ENROLLED = frozenset({Standing.AWAITING_BPJS, Standing.REGISTERED})


def never_approved(participant: Any = P) -> ColumnElement[bool]:
    """A new enrolment still in the verifikator's queue (waiting or sent back)."""
    return exists().where(R.participant_id == participant.id, R.approved.is_(None))


def rejected(participant: Any = P) -> ColumnElement[bool]:
    """Rejected by the regency or by BPJS (the regency relays BPJS's rejections)."""
    return exists().where(S.participant_id == participant.id, S.outcome == "rejected")


def enrolled(participant: Any = P) -> ColumnElement[bool]:
    """Approved and not rejected; whether it has ended is the caller's (a bill asks per month)."""
    return and_(~never_approved(participant), ~rejected(participant))


def enrolled_now(participant: Any = P) -> ColumnElement[bool]:
    return and_(participant.status == Status.AKTIF, enrolled(participant))


@dataclass(frozen=True, slots=True)
class StandingInfo:
    standing: Standing
    reason: str  # the verifikator's, the regency's or BPJS's words, in full; '' when none
    at: str = ""  # when that decision was recorded here

    @property
    def is_enrolled(self) -> bool:
        return self.standing in ENROLLED


def standing_of(
    status: str, review_state: str | None, ever_approved: bool, outcome: str | None, reason: str, kpj: str | None
) -> Standing:
    if status != Status.AKTIF:
        return Standing.ENDED
    if review_state is not None and not ever_approved:
        return Standing.SENT_BACK if review_state == "ditolak" else Standing.WAITING
    if outcome == "rejected":
        return Standing.REJECTED
    return Standing.REGISTERED if kpj else Standing.AWAITING_BPJS


def standings(conn: Connection, ids: Iterable[int]) -> dict[int, StandingInfo]:
    """The standing of each of ``ids`` (unknown ids are left out)."""
    out: dict[int, StandingInfo] = {}
    wanted = list(ids)
    for start in range(0, len(wanted), PAGE):
        out.update(standings_where(conn, P.id.in_(wanted[start : start + PAGE])))
    return out


def standings_where(conn: Connection, where: ColumnElement[bool]) -> dict[int, StandingInfo]:
    """The standing of every participant ``where`` holds for, in one query (a bill's 100,000
    not enrolled took 190 queries by id)."""
    return {row[0]: row[-1] for row in standings_listed(conn, where)}


def standings_listed(
    conn: Connection, where: ColumnElement[bool], *columns: Any, order_by: Any = None
) -> list[tuple[Any, ...]]:
    """(id, each of ``columns``, :class:`StandingInfo`) of every participant ``where`` holds
    for, in ``order_by`` order: a list and its standings in one query (the bill's 95,000 not
    enrolled were read twice, once for their names, once for their standing)."""
    query = (
        select(P.id, *columns, P.status, P.kpj, R.state, R.approved.is_not(None), R.reason, R.reviewed_at, S.outcome,
               S.reason, S.outcome_at)
        .select_from(
            participant_table.outerjoin(participant_review_table, R.participant_id == P.id).outerjoin(
                participant_sync_table, S.participant_id == P.id
            )
        )
        .where(P.id.in_(select(P.id).where(where)))  # its own FROM: ``where`` may look at these tables
    )  # fmt: skip
    if order_by is not None:
        query = query.order_by(order_by)
    lead = 1 + len(columns)
    # Most share a standing, a reason and a date (everyone waiting: none): one record for each.
    made: dict[tuple[Any, ...], StandingInfo] = {}
    out: list[tuple[Any, ...]] = []
    for row in conn.execute(query):
        status, kpj, state, ever, review_reason, reviewed_at, outcome, reason, outcome_at = row[lead:]
        key = (status, bool(kpj), state, ever, review_reason, reviewed_at, outcome, reason, outcome_at)
        info = made.get(key)
        if info is None:
            standing = standing_of(status, state, bool(ever), outcome, reason or "", kpj)
            if standing == Standing.REJECTED:
                why, at = reason or "", outcome_at or ""
            elif standing == Standing.SENT_BACK:
                why, at = review_reason or "", reviewed_at or ""
            else:
                why, at = "", outcome_at or ""
            info = made[key] = StandingInfo(standing, why, at)
        out.append((*row[:lead], info))
    return out
