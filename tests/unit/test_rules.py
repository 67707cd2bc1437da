"""The scenario's integer form and the basket price table."""

import numpy as np

from sim.core.units import share_to_ppm
from sim.scenario.compiled import PRICE_TABLE_SIZE, price_table


def test_price_table_is_a_lognormal_inverse_cdf():
    table = price_table(10_000, 0.6, 10_000_000)
    assert table.dtype == np.int64 and len(table) == PRICE_TABLE_SIZE
    assert (np.diff(table) >= 0).all()
    # the middle of the table is the median: exp(0) × median
    assert abs(int(table[PRICE_TABLE_SIZE // 2]) - 10_000) <= 2
    # mean of a log-normal is median × exp(σ²/2) (Johnson, Kotz & Balakrishnan 1994, ch. 14)
    assert abs(table.mean() / (10_000 * np.exp(0.6**2 / 2)) - 1) < 0.01


def test_price_table_is_clipped_and_flat_without_spread():
    assert (price_table(500, 0.0, 1_000) == 500).all()
    assert price_table(500, 3.0, 1_000).max() == 1_000
    assert price_table(1, 3.0, 1_000).min() == 1


def test_shares_become_parts_per_million():
    assert share_to_ppm(0.05) == 50_000
    assert share_to_ppm(3.33) == 3_330_000
    assert share_to_ppm(1.0) == 1_000_000
