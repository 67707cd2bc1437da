"""The integer rules of money and contribution, one definition each: the kernels inline
them, and the plain-Python twins of the tests call the same functions (numba functions
can be called from Python). Every share is a floor in parts per million, and the remainder
of a floor stays where the amount came from (docs/MODEL.md §2).

The kernels inline these helpers, and numba caches each kernel under its own file's date
only: after editing this file, run ``make clean-kernels``."""

from numba import njit

from sim.core.units import MILLI_UNITS_PER_UNIT, PPM, UNIT_VALUE_SCALE


@njit(cache=True, inline="always")
def share_of(amount, share_ppm):
    """The share ``share_ppm`` (parts per million) of ``amount``, floored:
    ``amount × share_ppm // PPM``, in the unit of ``amount`` (cents or milli-units). A
    multiple is a share above 10⁶ ppm (an energy multiple of 3 is 3 000 000 ppm).
    docs/MODEL.md §2; its uses are the per-sale shares of §6.3–§6.4, the energy of §6.5,
    the referral credit of §7 and the withdrawal request of §11."""
    return amount * share_ppm // PPM


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
def split_payment(units, unit_value_scaled, scale):
    """A holder's part of a fixed-point split (rules A and B): ``units × value // scale``
    in cents, where ``value = budget × scale // total units``; the payments never add up
    to more than the budget. docs/MODEL.md §2 (fixed-point splits), §9.3."""
    return units * unit_value_scaled // scale


@njit(cache=True, inline="always")
def fixed_rate_payment(energy_cents, rate_ppm):
    """Rule C's payment to a member with ``energy_cents`` of energy:
    ``max(energy × ρ_ppm // PPM, 1)`` cents, before the cap by the energy (the cent keeps
    small promises from never ending). docs/MODEL.md §9.5."""
    return max(share_of(energy_cents, rate_ppm), 1)


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
    return queued_cents * ratio_scaled // UNIT_VALUE_SCALE
