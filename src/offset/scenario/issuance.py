"""From a FY's computed reduction to whole credits, carrying the fraction to the next FY.

A reduction in tonnes (a float from the emissions core) is quantised once to whole grams of
CO2e, far below the precision of any factor, and from there everything is integer arithmetic:
no credit, and no fraction of one, is rounded away. A negative total (a forest harvested beyond
its growth) is a reversal, never a negative issuance: it is compensated from the credits the
project has in the buffer (whole credits, rounded up, so the loss is covered), and what the
buffer cannot cover is carried as a debt that later FYs pay off first. (The J-Credit FO-001
rule for a reversal could not be read; drawing the loss from the buffer is what a buffer is
for: 「自然災害等による炭素貯留量の損失リスク」を考慮し…“バッファ”として確保, a municipal J-Credit
trial sheet.)
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

GRAMS_PER_CREDIT = 1_000_000  # 1 credit = 1 t-CO2e


def to_grams(tonnes: float) -> int:
    return round(tonnes * GRAMS_PER_CREDIT)


def tonnes(grams: int) -> str:
    """Grams as an exact decimal string of tonnes (what reports and provenance carry)."""
    sign = "-" if grams < 0 else ""
    whole, fraction = divmod(abs(grams), GRAMS_PER_CREDIT)
    return f"{sign}{whole}.{fraction:06d}"


@dataclass(frozen=True)
class Issuance:
    """One project's whole credits for one FY, and what is carried to the next."""

    creditable_g: int  # this FY's creditable reduction
    carried_in_g: int  # remainder (or debt) from the previous FY
    quantity: int  # whole credits issued (buffer included)
    buffer: int  # of which withheld to the buffer account
    carried_out_g: int  # remainder (or debt) to the next FY
    reversal: int = 0  # credits cancelled from the buffer to cover a loss

    @property
    def to_holder(self) -> int:
        return self.quantity - self.buffer


def whole_credits(
    creditable_g: int, carried_in_g: int, buffer_share: Fraction, in_buffer: int = 0
) -> Issuance:
    """Floor to whole credits; the buffer is the share of them rounded up (never under-withheld).
    A loss (a negative total) is covered from the `in_buffer` credits, rounded up."""
    available = creditable_g + carried_in_g
    reversal = 0
    if available < 0:
        reversal = min(-(available // GRAMS_PER_CREDIT), in_buffer)  # ceil of the loss
        available += reversal * GRAMS_PER_CREDIT
    quantity = max(available, 0) // GRAMS_PER_CREDIT
    buffer = -(-quantity * buffer_share.numerator // buffer_share.denominator)
    return Issuance(
        creditable_g=creditable_g,
        carried_in_g=carried_in_g,
        quantity=quantity,
        buffer=buffer,
        carried_out_g=available - quantity * GRAMS_PER_CREDIT,
        reversal=reversal,
    )
