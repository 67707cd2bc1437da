"""The money rules of ``sim.kernels.money_rules`` stated again on Python integers, each as
docs/MODEL.md writes it; test_money_rules.py checks every helper against these. The other
twins call the helpers themselves, so that each rule has one definition."""

PPM = 10**6
PPB = 10**9
MILLI_UNITS_PER_UNIT = 1_000


def share_of(amount, share_ppm):
    """§2: every share of an amount is ``amount * x_ppm // PPM``."""
    return amount * share_ppm // PPM


def purchase_contribution(price, tier, level, unit_price_cents, tier_contribution_ppm, level_contribution_ppm):
    """§6.5: ((price × 1000 // unit_price) × tier_weight_ppm // PPM) × level_multiplier_ppm // PPM."""
    units = price * MILLI_UNITS_PER_UNIT // unit_price_cents
    return units * int(tier_contribution_ppm[tier]) // PPM * int(level_contribution_ppm[level]) // PPM


def rights_bought(price, right_price_cents):
    """§6.5: rights += price // right_price_cents."""
    return price // right_price_cents


def split_payment(units, value_numerator, value_denominator, exact=False):
    """§2: each holder is paid u_i × numerator // denominator (Python integers: exact)."""
    return units * value_numerator // value_denominator


def rate_of(amount, rate_ppb):
    """§9.5, §9.8, §14: a daily rate of an amount is ``amount * r_ppb // PPB``."""
    return amount * rate_ppb // PPB


def fixed_rate_payment(energy_cents, rate_ppb):
    """§9.5: max(energy × ρ_ppb // PPB, 1)."""
    return max(energy_cents * rate_ppb // PPB, 1)


def withdrawal_request(balance_cents, share_ppm, amount_cents):
    """§11: a fixed amount, at most the balance, when above 0; else b × s_ppm // PPM."""
    return min(amount_cents, balance_cents) if amount_cents > 0 else balance_cents * share_ppm // PPM


def withdrawal_fee(gross_cents, fee_ppm):
    """§11: fee = g × fee_ppm // PPM."""
    return gross_cents * fee_ppm // PPM


def net_of_fee(gross_cents, fee_ppm):
    """§11: the member receives g − fee."""
    return gross_cents - gross_cents * fee_ppm // PPM


def pro_rata_gross(queued_cents, ratio_scaled):
    """§11: each member is paid the gross queued × r // 10⁶."""
    return queued_cents * ratio_scaled // 10**6
