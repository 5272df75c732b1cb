"""Where participant cards go on a sheet of paper, in millimetres, with no Qt.

CR80 cards (85.60 x 53.98 mm) are laid out edge to edge in a grid centred on A4 or F4, so one
cut serves two cards; crop marks sit in the margin on every grid line. The back of a sheet is
the front mirrored left-right, which lines up when the printer flips on the long edge. Each
printer's measured shift is added to every position, the backs' shift apart from the fronts'.
Without duplex the same sheets print in two passes (manual duplex: the fronts, then the clerk
turns the stack over and the backs follow).

For a printer without duplex, the fold-over layout puts each card's back beside its front on
one side of the sheet: cut the pair out, fold on the middle line, and the back sits behind the
front the right way round (folding turns it about the same vertical axis as turning the card).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

CARD_W_MM = 85.60
CARD_H_MM = 53.98


class Paper(StrEnum):
    A4 = "A4"
    F4 = "F4"


PAPER_MM: dict[Paper, tuple[float, float]] = {Paper.A4: (210.0, 297.0), Paper.F4: (215.0, 330.0)}


@dataclass(frozen=True, slots=True)
class Slot:
    """One card's rectangle on the page, top-left origin, millimetres."""

    x: float
    y: float
    w: float = CARD_W_MM
    h: float = CARD_H_MM


@dataclass(frozen=True, slots=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True, slots=True)
class SheetLayout:
    paper: Paper
    width: float
    height: float
    columns: int
    rows: int
    front: tuple[Slot, ...]
    back: tuple[Slot, ...]
    crop_marks: tuple[Line, ...]
    #: Fold-over: fronts and backs on the same side of one page, folded on ``fold_marks``.
    folded: bool = False
    fold_marks: tuple[Line, ...] = ()

    @property
    def per_sheet(self) -> int:
        return len(self.front)


class CardSides(StrEnum):
    """How a card's two sides reach the paper."""

    DUPLEX = "dupleks"  # the printer prints both sides of the sheet (long-edge duplex)
    MANUAL = "manual"  # fronts first; the clerk turns the stack over and the backs follow
    FOLDED = "lipat"  # front and back side by side on one side, folded (folded_layout)


def sheet_layout(
    paper: Paper,
    *,
    margin_mm: float = 5.0,
    offset_x_mm: float = 0.0,
    offset_y_mm: float = 0.0,
    back_offset_x_mm: float | None = None,
    back_offset_y_mm: float | None = None,
    mark_mm: float = 4.0,
) -> SheetLayout:
    """The grid of cards that fits inside ``margin_mm`` of every edge (printers cannot print there).

    The backs have their own shift (the front's when not given): a sheet fed a second time, or
    turned inside a duplex unit, rarely lands where the first side did."""
    back_x = offset_x_mm if back_offset_x_mm is None else back_offset_x_mm
    back_y = offset_y_mm if back_offset_y_mm is None else back_offset_y_mm
    width, height = PAPER_MM[paper]
    columns = int((width - 2 * margin_mm) // CARD_W_MM)
    rows = int((height - 2 * margin_mm) // CARD_H_MM)
    if columns < 1 or rows < 1:
        raise ValueError(f"no card fits on {paper} with a {margin_mm} mm margin")
    left = (width - columns * CARD_W_MM) / 2
    top = (height - rows * CARD_H_MM) / 2
    front = tuple(
        Slot(left + c * CARD_W_MM + offset_x_mm, top + r * CARD_H_MM + offset_y_mm)
        for r in range(rows)
        for c in range(columns)
    )
    # Long-edge duplex: the sheet turns about its vertical axis, so a card's back sits mirrored.
    back = tuple(
        Slot(width - (left + c * CARD_W_MM) - CARD_W_MM + back_x, top + r * CARD_H_MM + back_y)
        for r in range(rows)
        for c in range(columns)
    )
    right, bottom = left + columns * CARD_W_MM, top + rows * CARD_H_MM
    marks: list[Line] = []
    gap = 1.0  # marks stop short of the card edge so a slightly shifted cut leaves no line on a card
    for c in range(columns + 1):
        x = left + c * CARD_W_MM + offset_x_mm
        marks.append(Line(x, top - gap - mark_mm + offset_y_mm, x, top - gap + offset_y_mm))
        marks.append(Line(x, bottom + gap + offset_y_mm, x, bottom + gap + mark_mm + offset_y_mm))
    for r in range(rows + 1):
        y = top + r * CARD_H_MM + offset_y_mm
        marks.append(Line(left - gap - mark_mm + offset_x_mm, y, left - gap + offset_x_mm, y))
        marks.append(Line(right + gap + offset_x_mm, y, right + gap + mark_mm + offset_x_mm, y))
    return SheetLayout(paper, width, height, columns, rows, front, back, tuple(marks))


def folded_layout(
    paper: Paper, *, margin_mm: float = 5.0, offset_x_mm: float = 0.0, offset_y_mm: float = 0.0, mark_mm: float = 4.0
) -> SheetLayout:
    """Each card's front and back side by side in a row, for printing on one side only: the
    pair is cut on the outer marks and folded on the middle one."""
    width, height = PAPER_MM[paper]
    pair = 2 * CARD_W_MM
    rows = int((height - 2 * margin_mm) // CARD_H_MM)
    if width - 2 * margin_mm < pair or rows < 1:
        raise ValueError(f"no folded card fits on {paper} with a {margin_mm} mm margin")
    left = (width - pair) / 2
    top = (height - rows * CARD_H_MM) / 2
    front = tuple(Slot(left + offset_x_mm, top + r * CARD_H_MM + offset_y_mm) for r in range(rows))
    back = tuple(Slot(left + CARD_W_MM + offset_x_mm, top + r * CARD_H_MM + offset_y_mm) for r in range(rows))
    bottom, gap = top + rows * CARD_H_MM, 1.0
    marks: list[Line] = []
    for x in (left, left + pair):
        marks.append(Line(x + offset_x_mm, top - gap - mark_mm + offset_y_mm, x + offset_x_mm, top - gap + offset_y_mm))
        marks.append(
            Line(x + offset_x_mm, bottom + gap + offset_y_mm, x + offset_x_mm, bottom + gap + mark_mm + offset_y_mm)
        )
    for r in range(rows + 1):
        y = top + r * CARD_H_MM + offset_y_mm
        marks.append(Line(left - gap - mark_mm + offset_x_mm, y, left - gap + offset_x_mm, y))
        marks.append(Line(left + pair + gap + offset_x_mm, y, left + pair + gap + mark_mm + offset_x_mm, y))
    fold_x = left + CARD_W_MM + offset_x_mm
    folds = (
        Line(fold_x, top - gap - mark_mm + offset_y_mm, fold_x, top - gap + offset_y_mm),
        Line(fold_x, bottom + gap + offset_y_mm, fold_x, bottom + gap + mark_mm + offset_y_mm),
    )
    return SheetLayout(paper, width, height, 1, rows, front, back, tuple(marks), folded=True, fold_marks=folds)
