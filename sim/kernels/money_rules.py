"""The integer rules of money and contribution, one definition each: the kernels inline
them, and the plain-Python twins of the tests call the same functions (numba functions
can be called from Python). Every share is a floor in parts per million, and the remainder
of a floor stays where the amount came from (docs/MODEL.md §2).

The kernels inline these helpers, and numba caches each kernel under its own file's date
only: after editing this file, run ``make clean-kernels``."""

import numpy as np
from numba import njit

from sim.core.units import INT64_MAX, MILLI_UNITS_PER_UNIT, PPB, PPM, UNIT_VALUE_SCALE

SMALL_FACTOR = 2**31
"""Two factors below this multiply to less than 2**62: no overflow check is needed."""
BITS_OF_A_FACTOR = 63


@njit(cache=True)
def _mul_div_floor_wide(a, b, c):
    """``mul_div_floor`` when a factor is 2**31 or more: the product directly when it fits in
    int64, otherwise a = q·c + r and floor(a·b / c) = q·b + floor(r·b / c), the last term by
    binary long multiplication with its quotient and remainder kept below c (so every
    intermediate fits in 64 unsigned bits)."""
    if a == 0 or b == 0:
        return np.int64(0)
    if a <= INT64_MAX // b:
        return a * b // c
    whole = a // c
    rest = np.uint64(a - whole * c)
    divisor, factor = np.uint64(c), np.uint64(b)
    quotient, remainder = np.uint64(0), np.uint64(0)
    one = np.uint64(1)
    for bit in range(BITS_OF_A_FACTOR - 1, -1, -1):
        quotient <<= one
        remainder <<= one  # remainder < divisor < 2**63: twice it fits in 64 bits
        if remainder >= divisor:
            remainder -= divisor
            quotient += one
        if (factor >> np.uint64(bit)) & one:
            remainder += rest  # both below the divisor
            if remainder >= divisor:
                remainder -= divisor
                quotient += one
    return whole * b + np.int64(quotient)


@njit(cache=True, inline="always")
def mul_div_floor(a, b, c):
    """floor(a × b / c) for 0 ≤ a, b < 2**63 and 0 < c < 2**63, exact whenever the result is
    below 2**63, however large the product a × b (an int64 product would wrap above 2**63:
    a 10⁸-cent basket's 10¹¹ milli-units of contribution times a 10⁷-ppm weight did).
    Factors below 2**31 take the direct path; the others ``_mul_div_floor_wide``."""
    if a < SMALL_FACTOR and b < SMALL_FACTOR:
        return a * b // c
    return _mul_div_floor_wide(a, b, c)


@njit(cache=True, inline="always")
def share_of(amount, share_ppm):
    """The share ``share_ppm`` (parts per million) of ``amount``, floored:
    ``amount × share_ppm // PPM``, in the unit of ``amount`` (cents or milli-units). A
    multiple is a share above 10⁶ ppm (an energy multiple of 3 is 3 000 000 ppm).
    docs/MODEL.md §2; its uses are the per-sale shares of §6.3–§6.4, the energy of §6.5,
    the referral credit of §7 and the withdrawal request of §11. Exact for any amount whose
    share fits in int64 (``mul_div_floor``)."""
    return mul_div_floor(amount, share_ppm, PPM)


@njit(cache=True, inline="always")
def purchase_contribution(price, tier, level, unit_price_cents, tier_contribution_ppm, level_contribution_ppm):
    """Contribution (milli-units) a purchase of ``price`` cents earns: price × 1000 //
    unit price, then the tier's weight, then the buyer's level multiplier (both in ppm,
    taken at the level after any gift lift), each step floored. docs/MODEL.md §6.5."""
    units = price * MILLI_UNITS_PER_UNIT // unit_price_cents
    units = share_of(units, tier_contribution_ppm[tier])
    return share_of(units, level_contribution_ppm[level])


@njit(cache=True, inline="always")
def rights_bought(price, right_price_cents):
    """Rights (rule D) a purchase of ``price`` cents buys: ``price // right_price_cents``,
    so a basket cheaper than one right buys none. docs/MODEL.md §6.5, §9.6."""
    return price // right_price_cents


@njit(cache=True, inline="always")
def split_payment(units, value_numerator, value_denominator, exact):
    """A holder's part of a split by units (rules A and B): ``units × value`` in cents,
    floored, where the value of one unit is the fraction value_numerator / value_denominator.
    In fixed point (``exact`` false) the fraction is budget × scale // total units over the
    scale, and units × numerator ≤ budget × scale < 2**62, so the product is direct; when the
    total units outgrow the scale the phase passes budget / total units and ``exact``, and the
    part is floor(units × budget / total) by ``mul_div_floor``. Either way the payments never
    add up to more than the budget. docs/MODEL.md §2 (fixed-point splits), §9.3."""
    if exact:
        return mul_div_floor(units, value_numerator, value_denominator)
    return units * value_numerator // value_denominator


@njit(cache=True, inline="always")
def rate_of(amount, rate_ppb):
    """A day's rate ``rate_ppb`` (parts per billion) of ``amount``, floored:
    ``amount × rate_ppb // PPB``, in the unit of ``amount``. The daily rates of the release
    (§9.5), the promise's growth (§9.8) and the interest on cash (§14) use it. Exact for any
    amount whose rate fits in int64 (``mul_div_floor``)."""
    return mul_div_floor(amount, rate_ppb, PPB)


@njit(cache=True, inline="always")
def fixed_rate_payment(energy_cents, rate_ppb):
    """Rule C's payment to a member with ``energy_cents`` of energy:
    ``max(energy × ρ_ppb // PPB, 1)`` cents, before the cap by the energy (the cent keeps
    small promises from never ending). docs/MODEL.md §9.5."""
    return max(rate_of(energy_cents, rate_ppb), 1)


@njit(cache=True, inline="always")
def withdrawal_request(balance_cents, share_ppm, amount_cents):
    """What a member asks to withdraw from ``balance_cents``: a fixed ``amount_cents`` (at
    most the balance) when it is above 0, otherwise the share ``share_ppm`` of the balance
    (``share_of``). docs/MODEL.md §11."""
    if amount_cents > 0:
        return min(amount_cents, balance_cents)
    return share_of(balance_cents, share_ppm)


@njit(cache=True, inline="always")
def withdrawal_fee(gross_cents, fee_ppm):
    """The fee the platform keeps on a withdrawal payment of ``gross_cents``:
    ``gross × fee_ppm // PPM`` cents. docs/MODEL.md §11."""
    return share_of(gross_cents, fee_ppm)


@njit(cache=True, inline="always")
def net_of_fee(gross_cents, fee_ppm):
    """What the member receives, and the platform's cash pays, of a withdrawal payment of
    ``gross_cents``: gross − ``withdrawal_fee``, in cents. docs/MODEL.md §11."""
    return gross_cents - withdrawal_fee(gross_cents, fee_ppm)


@njit(cache=True, inline="always")
def pro_rata_gross(queued_cents, ratio_scaled):
    """The gross paid pro rata of a queued ``queued_cents`` when cash is short:
    ``queued × r // 10⁶`` with ``r = cash × 10⁶ // queue`` (``UNIT_VALUE_SCALE``).
    docs/MODEL.md §11."""
    return mul_div_floor(queued_cents, ratio_scaled, UNIT_VALUE_SCALE)
