"""A participant's sync state as the village sees it, from its ``rev`` and ``participant_sync`` row."""

from __future__ import annotations

from dataclasses import dataclass


class SyncState:
    """A participant's sync state as the village sees it."""

    NOT_SENT = "not_sent"
    SENT = "sent"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    REVIEW = "review"
    AWAITING = "awaiting"  # waits for the office's verifikator; not sent until approved
    DECLINED = "declined"  # sent back by the verifikator, with a reason


@dataclass(frozen=True, slots=True)
class RecordState:
    state: str
    seq: int | None = None
    reason: str = ""


def record_state(
    rev: int,
    sent_seq: int | None,
    sent_rev: int | None,
    outcome: str | None,
    reason: str | None,
    outcome_rev: int | None,
    review: str | None = None,
    review_reason: str | None = None,
) -> RecordState:
    """The state a clerk sees, from the participant's rev, its participant_sync row and its
    place in the approval queue (``participant_review.state``)."""
    if review == "menunggu":
        return RecordState(SyncState.AWAITING, sent_seq)
    if review == "ditolak":
        return RecordState(SyncState.DECLINED, sent_seq, review_reason or "")
    if sent_rev is None or sent_rev < rev:
        return RecordState(SyncState.NOT_SENT)
    if outcome is None or outcome_rev is None or outcome_rev < sent_rev:
        return RecordState(SyncState.SENT, sent_seq)
    return RecordState(outcome, sent_seq, reason or "")
