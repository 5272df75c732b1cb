"""Printed and written reports as acts, one each for the window and the command line alike.

A card run: the cards prepared, drawn, their information sheets beside them, the run logged.
The drawing is the caller's (Qt paints, the core never does); the order and the refusals are
here, so a run with reprints and no reason is refused before any paper is used, and a run is
logged only after its cards were drawn. A premium report: the figures gathered, the workbook
written, the audit entry made.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kudus_desktop.core.enrolment.participants import ParticipantService
from kudus_desktop.core.errors import KudusError
from kudus_desktop.core.reports.exporting import export_premium_report
from kudus_desktop.core.reports.notice import Notice, notices_for
from kudus_desktop.core.reports.printouts import PrintedTable
from kudus_desktop.core.rules.progress import CancelCheck, Progress, never_cancelled
from kudus_desktop.core.rules.records import OfficeProfile
from kudus_desktop.core.village.cards import CardBatch, CardService
from kudus_desktop.core.village.premiums import BudgetPlan, PremiumService, YearRecap


@dataclass(frozen=True, slots=True)
class PremiumReport:
    recap: YearRecap
    plan: BudgetPlan
    payments: int


def premium_report(
    premiums: PremiumService, profile: OfficeProfile, target: Path, year: int, planned_additions: int = 0
) -> PremiumReport:
    """The year's premium report (its recap and next year's budget) written to ``target``,
    signed by the person logged in."""
    recap = premiums.recap(year)
    plan = premiums.plan(year + 1, planned_additions)
    n = export_premium_report(recap, plan, profile, target, premiums.user.full_name, premiums.today())
    premiums.log_event("premium_report", target.name)
    return PremiumReport(recap, plan, n)


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
    batch = start_card_run(cards, ids, reason, cancelled=cancelled)
    pages = draw_cards(batch, progress, cancelled)
    finish_card_run(cards, batch, reason, draw_notices)
    return CardRun(batch, pages)


def start_card_run(
    cards: CardService, ids: Sequence[int], reason: str, *, cancelled: CancelCheck = never_cancelled
) -> CardBatch:
    """The cards to draw, refused before any is drawn when reprints come without a reason. A
    run printed in two passes (manual duplex) starts here and finishes with :func:`finish_card_run`
    once the backs are out, so cards whose backs were never printed are not logged."""
    batch = cards.prepare(ids, cancelled=cancelled)
    if batch.reprints and not " ".join(reason.split()):
        raise KudusError("card_reprint_reason", count=len(batch.reprints))
    return batch


def finish_card_run(
    cards: CardService, batch: CardBatch, reason: str, draw_notices: Callable[[list[Notice]], object] | None = None
) -> None:
    """The information sheets (when asked for) and the print log of a drawn run."""
    if draw_notices is not None:
        draw_notices(notices_for(cards.service, cards.profile, [c.participant_id for c in batch.cards]))
    cards.record_print(batch, reason)


def list_printed(service: ParticipantService, table: PrintedTable, where: str) -> None:
    """On record: the signed participant list (full NIKs) went to ``where`` (a printer, a PDF)."""
    service.log_event("list_printed", f"{len(table.rows)} peserta, {where}")


def notices_printed(service: ParticipantService, sheets: int, where: str) -> None:
    """On record: ``sheets`` information sheets on personal data went to ``where``."""
    service.log_event("notice_printed", f"{sheets} lembar informasi data pribadi, {where}")
