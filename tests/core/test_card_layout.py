"""Card sheets computed as data: how many fit, where, and the mirrored backs."""

import pytest

from kudus_desktop.core.rules.card_layout import CARD_H_MM, CARD_W_MM, Paper, sheet_layout


@pytest.mark.parametrize("paper", [Paper.A4, Paper.F4])
def test_cards_fit_inside_the_printable_area_without_overlap(paper: Paper) -> None:
    layout = sheet_layout(paper, margin_mm=5)
    for s in layout.front + layout.back:
        assert s.x >= 5 and s.x + s.w <= layout.width - 5 + 1e-9
        assert s.y >= 5 and s.y + s.h <= layout.height - 5 + 1e-9
    slots = layout.front
    for i, a in enumerate(slots):
        for b in slots[i + 1 :]:
            assert (
                a.x + a.w <= b.x + 1e-9 or b.x + b.w <= a.x + 1e-9 or a.y + a.h <= b.y + 1e-9 or b.y + b.h <= a.y + 1e-9
            )


def test_ten_cards_on_a4_and_what_fits_on_f4() -> None:
    a4 = sheet_layout(Paper.A4)
    assert (a4.columns, a4.rows, a4.per_sheet) == (2, 5, 10)
    f4 = sheet_layout(Paper.F4)
    assert f4.columns == 2 and f4.rows == int((330 - 10) // CARD_H_MM) and f4.per_sheet == 2 * f4.rows
    assert sheet_layout(Paper.F4, margin_mm=2).per_sheet == 12  # six rows need margins under 3 mm


def test_backs_mirror_the_fronts_for_long_edge_flipping() -> None:
    layout = sheet_layout(Paper.A4)
    for front, back in zip(layout.front, layout.back, strict=True):
        assert back.y == front.y
        assert abs((front.x + CARD_W_MM / 2) + (back.x + CARD_W_MM / 2) - layout.width) < 1e-9


def test_printer_offset_moves_everything_and_marks_stay_off_the_cards() -> None:
    base, shifted = sheet_layout(Paper.A4), sheet_layout(Paper.A4, offset_x_mm=1.5, offset_y_mm=-0.5)
    assert all(
        abs(s.x - b.x - 1.5) < 1e-9 and abs(s.y - b.y + 0.5) < 1e-9
        for s, b in zip(shifted.front, base.front, strict=True)
    )
    left = min(s.x for s in base.front)
    top = min(s.y for s in base.front)
    right = max(s.x + s.w for s in base.front)
    bottom = max(s.y + s.h for s in base.front)
    for m in base.crop_marks:
        inside_x = left < min(m.x1, m.x2) and max(m.x1, m.x2) < right
        inside_y = top < min(m.y1, m.y2) and max(m.y1, m.y2) < bottom
        assert not (inside_x and inside_y), "a crop mark would print on a card"
    assert len(base.crop_marks) == 2 * (base.columns + 1) + 2 * (base.rows + 1)


def test_a_margin_too_wide_for_any_card_is_refused() -> None:
    with pytest.raises(ValueError):
        sheet_layout(Paper.A4, margin_mm=70)


def test_the_backs_have_their_own_shift_apart_from_the_fronts() -> None:
    """A sheet fed a second time (manual duplex) or turned in a duplex unit lands elsewhere than
    its first side: the backs move by their own offsets, the fronts and marks by the fronts'."""
    plain = sheet_layout(Paper.A4)
    shifted = sheet_layout(Paper.A4, offset_x_mm=1.5, offset_y_mm=-0.5, back_offset_x_mm=-2.0, back_offset_y_mm=3.0)
    for a, b in zip(plain.front, shifted.front, strict=True):
        assert (b.x - a.x, b.y - a.y) == pytest.approx((1.5, -0.5))
    for a, b in zip(plain.back, shifted.back, strict=True):
        assert (b.x - a.x, b.y - a.y) == pytest.approx((-2.0, 3.0))
    assert shifted.crop_marks[0].x1 - plain.crop_marks[0].x1 == pytest.approx(1.5)
    same = sheet_layout(Paper.A4, offset_x_mm=1.5, offset_y_mm=-0.5)  # not measured apart: the fronts'
    for a, b in zip(plain.back, same.back, strict=True):
        assert (b.x - a.x, b.y - a.y) == pytest.approx((1.5, -0.5))
