"""``sim.kernels.money_rules`` against the rules as docs/MODEL.md states them
(twin_money_rules.py), called from Python and inlined in jitted code as the kernels use
them, on edge values and random ones. The other kernel twins call these helpers, so this is
where each rule itself is checked."""

import itertools

import numpy as np
import pytest
from numba import njit

from sim.core.units import PPB, PPM, fixed_point_scale, rate_to_ppb
from sim.engine.phases.common import unit_value
from sim.kernels import money_rules as rules
from sim.scenario.compiled import price_table
from tests.unit.kernels import twin_money_rules as twin

INT64_SAFE = 2**62
"""Parameter bounds keep every product of an amount and a share below this (MODEL.md §2)."""
AMOUNTS = [0, 1, 2, 999, 999_999, 1_000_000, 1_000_001, 123_456_789, 10**8, 10**12]
SHARES_PPM = [0, 1, 7, 50_000, 333_333, 999_999, PPM, 1_000_001, 3_330_000, 10**8]
FEES_PPM = [0, 1, 50_000, 333_333, 999_999]


def pairs(firsts, seconds, seconds_below=10**8):
    """Every (a, b) whose product stays inside int64, and random ones with b below
    ``seconds_below``."""
    gen = np.random.default_rng(len(firsts) * len(seconds))
    chosen = [(a, b) for a, b in itertools.product(firsts, seconds) if a * b < INT64_SAFE]
    chosen += [(int(gen.integers(0, 10**10)), int(gen.integers(0, seconds_below))) for _ in range(300)]
    return chosen


@njit
def _inlined(amounts, others, scale):
    """Each two-argument rule inlined in a jitted loop, as the kernels call them."""
    out = np.empty((amounts.shape[0], 8), dtype=np.int64)
    for k in range(amounts.shape[0]):
        a, b = amounts[k], others[k]
        out[k, 0] = rules.share_of(a, b)
        out[k, 1] = rules.withdrawal_fee(a, b % 1_000_000)
        out[k, 2] = rules.net_of_fee(a, b % 1_000_000)
        out[k, 3] = rules.fixed_rate_payment(a, b % 1_000_000_001)
        out[k, 4] = rules.pro_rata_gross(a, b % 1_000_001)
        out[k, 5] = rules.split_payment(a, b, scale, False)
        out[k, 6] = rules.rights_bought(a, b + 1)
        out[k, 7] = rules.rate_of(a, b % 1_000_000_001)
    return out


def expected_rows(chosen, scale):
    return [[twin.share_of(a, b), twin.withdrawal_fee(a, b % 1_000_000), twin.net_of_fee(a, b % 1_000_000),
             twin.fixed_rate_payment(a, b % 1_000_000_001), twin.pro_rata_gross(a, b % 1_000_001),
             twin.split_payment(a, b, scale), twin.rights_bought(a, b + 1), twin.rate_of(a, b % 1_000_000_001)]
            for a, b in chosen]


@pytest.mark.parametrize("scale", [1, 1_000, 10**6])
def test_rules_inlined_in_jitted_code_are_the_stated_rules(scale):
    chosen = pairs(AMOUNTS, SHARES_PPM)
    amounts = np.array([a for a, _ in chosen], dtype=np.int64)
    others = np.array([b for _, b in chosen], dtype=np.int64)
    assert _inlined(amounts, others, scale).tolist() == expected_rows(chosen, scale)


def test_share_of_is_the_floor_in_parts_per_million():
    for amount, share_ppm in pairs(AMOUNTS, SHARES_PPM):
        assert rules.share_of(amount, share_ppm) == twin.share_of(amount, share_ppm), (amount, share_ppm)
    assert rules.share_of(999_999, 1) == 0 and rules.share_of(1_000_000, 1) == 1
    assert rules.share_of(10_000, 3_330_000) == 33_300  # a multiple is a share above 10⁶ ppm


def test_a_withdrawal_request_is_a_share_or_a_fixed_amount():
    for balance, share_ppm in pairs(AMOUNTS, FEES_PPM + [PPM], PPM + 1):
        for amount in (0, 1, 2_500, 10**9):
            assert rules.withdrawal_request(balance, share_ppm, amount) == twin.withdrawal_request(
                balance, share_ppm, amount), (balance, share_ppm, amount)
    assert rules.withdrawal_request(10_000, 500_000, 0) == 5_000
    assert rules.withdrawal_request(10_000, 500_000, 3_000) == 3_000
    assert rules.withdrawal_request(2_000, 500_000, 3_000) == 2_000


def test_withdrawal_fee_and_net_add_up_to_the_gross():
    for gross, fee_ppm in pairs(AMOUNTS, FEES_PPM, PPM):
        fee, net = rules.withdrawal_fee(gross, fee_ppm), rules.net_of_fee(gross, fee_ppm)
        assert (fee, net) == (twin.withdrawal_fee(gross, fee_ppm), twin.net_of_fee(gross, fee_ppm)), (gross, fee_ppm)
        assert fee + net == gross and 0 <= fee <= gross
    assert rules.withdrawal_fee(19, 50_000) == 0  # under a cent of fee is not kept
    assert rules.withdrawal_fee(20, 50_000) == 1


def test_fixed_rate_payment_is_at_least_a_cent():
    for energy, rate_ppb in pairs(AMOUNTS, [0, 1, 500, 82_188, 250_000_000, PPB], PPB + 1):
        payment = rules.fixed_rate_payment(energy, rate_ppb)
        assert payment == twin.fixed_rate_payment(energy, rate_ppb) and payment >= 1, (energy, rate_ppb)


def test_daily_rates_are_held_in_parts_per_billion():
    """docs/MODEL.md §9.8: a rate of 8.2188e-5 a day is 82 188 ppb exactly (in ppm it was 82,
    0.23 % off); a day's rate of an amount is its floor, exact for amounts up to 2**62."""
    assert rate_to_ppb(8.2188e-5) == 82_188
    assert rules.rate_of(10**10, 82_188) == 821_880
    assert rules.rate_of(2**62, PPB - 1) == twin.rate_of(2**62, PPB - 1)
    for amount, rate_ppb in pairs(AMOUNTS, [0, 1, 82_188, 10**8, PPB], PPB + 1):
        assert rules.rate_of(amount, rate_ppb) == twin.rate_of(amount, rate_ppb), (amount, rate_ppb)


def test_split_payments_never_exceed_the_budget():
    gen = np.random.default_rng(3)
    for budget in (0, 1, 37_123, 9_000_000, 10**15):
        units = gen.integers(0, 50_000, 400)
        scale = fixed_point_scale(budget)
        value = budget * scale // max(int(units.sum()), 1)
        paid = [rules.split_payment(int(u), value, scale, False) for u in units]
        assert paid == [twin.split_payment(int(u), value, scale) for u in units]
        assert sum(paid) <= budget


def test_an_exact_split_leaves_less_than_a_cent_per_holder_at_any_magnitude():
    """Precision lost at scale (issue: with 10¹⁸ milli-units of contribution the fixed-point
    value of a unit was 0, and a pool of 7.4 × 10¹² cents released nothing). docs/MODEL.md §2."""
    gen = np.random.default_rng(5)
    for budget in (7_400_000_000_000, 10**17):
        units = [int(u) for u in gen.integers(10**12, 10**15, 300)]
        total = sum(units)
        numerator, denominator, exact = unit_value(budget, total)
        assert exact
        paid = [rules.split_payment(u, numerator, denominator, True) for u in units]
        assert paid == [u * budget // total for u in units]
        assert budget - len(units) < sum(paid) <= budget


MUL_DIV_CASES = [(0, 5, 3), (7, 0, 3), (2**31 - 1, 2**31 - 1, 7), (2**31, 3, 2), (10**11, 10**7, 10**6),
                 (10**12, 10**7, 10**6), (2**63 - 1, 1, 1), (2**63 - 1, 2**63 - 1, 2**63 - 1),
                 (2**62, 2**62, 2**62 + 1), (10**15, 7_400_000_000_000, 5 * 10**18), (123_456_789_012_345, 10**8, 10**6),
                 (2**63 - 2, 3, 2**62), (1, 2**63 - 1, 2**63 - 1)]


@pytest.mark.parametrize(("a", "b", "c"), MUL_DIV_CASES)
def test_mul_div_floor_is_exact_where_the_product_overflows(a, b, c):
    if a * b // c < 2**63:
        assert rules.mul_div_floor(a, b, c) == a * b // c


def test_mul_div_floor_against_python_integers_on_random_factors():
    gen = np.random.default_rng(11)
    for _ in range(3000):
        a, b, c = (int(x) for x in gen.integers(1, 2**63 - 1, 3, dtype=np.int64))
        a >>= int(gen.integers(0, 62))
        b >>= int(gen.integers(0, 62))
        if a * b // c < 2**63:
            assert rules.mul_div_floor(a, b, c) == a * b // c, (a, b, c)


def test_pro_rata_gross_is_the_floored_fraction_of_the_queue():
    for queued, ratio in pairs(AMOUNTS, [0, 1, 333_333, 999_999, 10**6], PPM + 1):
        gross = rules.pro_rata_gross(queued, ratio)
        assert gross == twin.pro_rata_gross(queued, ratio) and 0 <= gross <= queued, (queued, ratio)


def test_rights_bought_are_whole_rights():
    for price, right_price in itertools.product([0, 1, 49_999, 50_000, 50_001, 10**8], [1, 50_000, 10**8]):
        assert rules.rights_bought(price, right_price) == twin.rights_bought(price, right_price) == price // right_price


@pytest.mark.parametrize("unit_price", [1, 70, 100, 12_345, 10**12])
def test_purchase_contribution_floors_each_step(unit_price):
    prices = price_table("lognormal", 8_000, 0.9, 1, 2_000_000)[::16].tolist() + [0, 1, 69, 70, 71, 10**8]
    tier_ppm = np.array([PPM, 0, 1_200_000, 1_500_000, 333_333], dtype=np.int64)
    level_ppm = np.array([PPM, 1_100_000, 999_999, 10 * PPM], dtype=np.int64)
    for price, tier, level in itertools.product(prices, range(len(tier_ppm)), range(len(level_ppm))):
        arguments = (price, tier, level, unit_price, tier_ppm, level_ppm)
        assert rules.purchase_contribution(*arguments) == twin.purchase_contribution(*arguments), arguments
    # floored step by step: 69 cents at 70 per unit earn 985 milli-units, × 1.1 → 1 083 (not 1 084)
    assert rules.purchase_contribution(69, 0, 1, 70, tier_ppm, level_ppm) == 1_083
