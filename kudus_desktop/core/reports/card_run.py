"""A card run: the cards prepared, drawn, their information sheets beside them, the run logged.

One act for the window's "Simpan PDF" and "Cetak" and for ``kudus-desktop cards``: the drawing
is the caller's (Qt paints, the core never does), the order and the refusals are here, so a
run with reprints and no reason is refused before any paper is used, and a run is logged only
after its cards were drawn.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from kudus_desktop.core.errors import KudusError
from kudus_desktop.core.reports.notice import Notice, notices_for
from kudus_desktop.core.rules.jobs import CancelCheck, Progress, never_cancelled
from kudus_desktop.core.village.cards import CardBatch, CardService


@dataclass(frozen=True, slots=True)
class CardRun:
    batch: CardBatch
    pages: int


def card_run(
    cards: CardService,
    ids: Sequence[int],
    reason: str,
    draw_cards: Callable[[CardBatch, Progress | None, CancelCheck], int],
    draw_notices: Callable[[list[Notice]], object] | None = None,
    *,
    progress: Progress | None = None,
    cancelled: CancelCheck = never_cancelled,
) -> CardRun:
    """Cards for ``ids`` drawn by ``draw_cards(batch, progress, cancelled)`` (returning its pages),
    then, when ``draw_notices`` is given, one information sheet per carded person; logged last."""
    batch = cards.prepare(ids, cancelled=cancelled)
    if batch.reprints and not " ".join(reason.split()):
        raise KudusError("card_reprint_reason", count=len(batch.reprints))
    pages = draw_cards(batch, progress, cancelled)
    if draw_notices is not None:
        draw_notices(notices_for(cards.service, cards.profile, [c.participant_id for c in batch.cards]))
    cards.record_print(batch, reason)
    return CardRun(batch, pages)
