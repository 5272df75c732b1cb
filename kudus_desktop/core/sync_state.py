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
) -> RecordState:
    """The state a clerk sees, from the participant's rev and its participant_sync row."""
    if sent_rev is None or sent_rev < rev:
        return RecordState(SyncState.NOT_SENT)
    if outcome is None or outcome_rev is None or outcome_rev < sent_rev:
        return RecordState(SyncState.SENT, sent_seq)
    return RecordState(outcome, sent_seq, reason or "")
