"""Whole credits from fractional reductions: floor, carry the rest, never lose a gram."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from offset.scenario.issuance import GRAMS_PER_CREDIT, to_grams, tonnes, whole_credits


def test_floor_and_carry_by_hand() -> None:
    # 3.5 t: 3 credits, 0.5 t carried; next FY 3.5 + 0.5 = 4.0 t: 4 credits, nothing carried.
    first = whole_credits(to_grams(3.5), 0, Fraction(0))
    assert (first.quantity, first.buffer, first.carried_out_g) == (3, 0, 500_000)
    second = whole_credits(to_grams(3.5), first.carried_out_g, Fraction(0))
    assert (second.quantity, second.carried_out_g) == (4, 0)


def test_buffer_is_the_share_rounded_up() -> None:
    # 101 credits at 5 %: 5.05 -> 6 withheld, 95 to the holder.
    item = whole_credits(to_grams(101.2), 0, Fraction(5, 100))
    assert (item.quantity, item.buffer, item.to_holder) == (101, 6, 95)
    assert item.carried_out_g == 200_000
    assert whole_credits(to_grams(100), 0, Fraction(5, 100)).buffer == 5  # exact: no rounding


def test_a_loss_is_carried_as_a_debt() -> None:
    # A forest that lost 2.3 t issues nothing and pays the debt off the next FY's gain first.
    loss = whole_credits(to_grams(-2.3), to_grams(0.4), Fraction(0))
    assert (loss.quantity, loss.carried_out_g) == (0, -1_900_000)
    gain = whole_credits(to_grams(5.0), loss.carried_out_g, Fraction(0))
    assert (gain.quantity, gain.carried_out_g) == (3, 100_000)


def test_a_loss_is_a_reversal_from_the_buffer_never_a_negative_issuance() -> None:
    # 70.8 t lost (harvest beyond growth) with 100 of the project's credits in the buffer: 71
    # cancelled from the buffer (the loss rounded up, so it is covered), 0.2 t carried over.
    loss = whole_credits(to_grams(-70.8), 0, Fraction(3, 100), in_buffer=100)
    assert (loss.quantity, loss.buffer, loss.reversal) == (0, 0, 71)
    assert loss.carried_out_g == 200_000
    # With 40 in the buffer: all 40 cancelled, the rest (30.8 t) a debt on later FYs.
    short = whole_credits(to_grams(-70.8), 0, Fraction(3, 100), in_buffer=40)
    assert (short.quantity, short.reversal, short.carried_out_g) == (0, 40, -30_800_000)


def test_tonnes_prints_exact_decimals() -> None:
    assert tonnes(1_234_567_890) == "1234.567890"
    assert tonnes(-1_900_000) == "-1.900000"
    assert tonnes(5) == "0.000005"


@given(
    st.lists(st.floats(min_value=-50, max_value=5_000, allow_nan=False), min_size=1, max_size=12),
    st.fractions(min_value=0, max_value=Fraction(1, 2), max_denominator=100),
)
def test_nothing_is_lost_over_the_years(reductions: list[float], share: Fraction) -> None:
    carried, issued, buffer, reversed_ = 0, 0, 0, 0
    for reduction in reductions:
        item = whole_credits(to_grams(reduction), carried, share, in_buffer=buffer)
        assert item.quantity >= 0
        assert 0 <= item.buffer <= item.quantity
        assert 0 <= item.reversal <= buffer
        assert item.reversal == 0 or item.quantity == 0  # a loss FY issues nothing
        # A remainder is never a whole credit: what could be issued, was.
        assert item.carried_out_g < GRAMS_PER_CREDIT
        assert item.carried_out_g >= 0 or item.quantity == 0
        # a debt is left only when the buffer could not cover it
        assert item.carried_out_g >= 0 or item.reversal == buffer
        issued += item.quantity
        reversed_ += item.reversal
        buffer += item.buffer - item.reversal
        carried = item.carried_out_g
    # Every gram is issued (less what the buffer gave back for a loss) or still carried:
    # conservation, in integers.
    assert (issued - reversed_) * GRAMS_PER_CREDIT + carried == sum(to_grams(r) for r in reductions)
