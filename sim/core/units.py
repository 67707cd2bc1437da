"""Units and dtypes shared by the whole engine.

Money is held in integer cents (int64), contribution in integer milli-units (int64),
and every share or multiple in integer parts per million, so that each split is an
exact integer floor: ``amount * share_ppm // PPM``.
"""

import numpy as np

MONEY_DTYPE = np.int64
DAY_DTYPE = np.int32
STATUS_DTYPE = np.int8

PPM = 1_000_000
"""Parts per million: a share of 1.0 is held as ``PPM``."""

PPB = 1_000_000_000
"""Parts per billion: a daily rate of 1.0 is held as ``PPB``. Daily rates (release, interest,
promise growth) are held this finely because they compound over years: a rate of 8.2188e-5
a day held in whole ppm (82) is 0.23 % off and moves a 20-year collapse by about two weeks;
in ppb (82 188) it is exact."""

MILLI_UNITS_PER_UNIT = 1_000
"""Contribution is counted in thousandths of a unit."""

UNIT_VALUE_SCALE = 1_000_000
"""Fixed-point scale of the share of queued withdrawals paid pro rata (share × scale)."""

INT64_MAX = 2**63 - 1
"""The largest integer money and contribution can hold (int64)."""

FIXED_POINT_BUDGET = 2**62
"""A day's budget × its fixed-point scale stays below this, so no product can overflow int64."""

NO_DAY = -1
"""Marks "no request pending" in day-valued arrays."""

STATUS_ACTIVE = 0
STATUS_CHURNED = 1


def share_to_ppm(share: float) -> int:
    """Convert a share or multiple given as a float into integer parts per million."""
    return int(round(share * PPM))


def rate_to_ppb(rate_per_day: float) -> int:
    """Convert a daily rate given as a float into integer parts per billion."""
    return int(round(rate_per_day * PPB))

QUEUE_NONE = -1
"""`queue` rule: the member is not waiting in the payout queue."""
QUEUE_PENDING = -2
"""`queue` rule: the member entered the payout queue today and gets a place at release."""


def fixed_point_scale(budget_cents: int) -> int:
    """The finest power-of-ten fixed-point scale for splitting ``budget_cents``: the value of
    one unit is held as budget × scale // units and each share as units_i × value // scale,
    so every product stays below 2**62. A power of ten keeps decimal splits exact (1 000
    cents over 200 000 units pays 500 per 100 000, not 499)."""
    scale = 1
    while max(budget_cents, 1) * scale * 10 <= FIXED_POINT_BUDGET:
        scale *= 10
    return scale
