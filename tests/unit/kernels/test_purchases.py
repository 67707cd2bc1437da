"""``sim.kernels.purchases`` against its plain-Python twin (twin_purchases.py) on random
small inputs: every array and every total must agree exactly."""

import numba
import numpy as np
import pytest

from sim.core.units import PPM
from sim.engine.phases.common import listed_by_chunk
from sim.kernels import purchases as purchase_columns
from sim.kernels.purchases import guide_table, pick_from_cdf, purchase_kernel
from sim.scenario.compiled import cumulative_shares
from tests.helpers import SIZES, as_lists, assert_same, purchase_setup, random_members, totals
from tests.unit.kernels import twin_purchases as twin


@pytest.mark.parametrize("size, equal", [(1, False), (2, False), (7, False), (300, False), (8, True), (300, True)])
def test_pick_from_cdf_is_searchsorted_right(size, equal):
    gen = np.random.default_rng(size)
    cdf = cumulative_shares(np.ones(size) if equal else gen.random(size) ** 3)
    ids = np.sort(gen.choice(10 * size, size, replace=False))
    guide = guide_table(ids, cdf, 4)
    bins = np.arange(guide.size + 1) / guide.size
    draws = np.concatenate([gen.random(5_000), cdf[:-1], np.nextafter(cdf[:-1], 0), bins[:-1],
                            np.nextafter(bins[1:], 0), [0.0, np.nextafter(1.0, 0)]])
    picks = [pick_from_cdf(ids, cdf, guide, d) for d in draws]
    assert picks == ids[np.searchsorted(cdf, draws, side="right")].tolist()
    assert (guide < 0).mean() > 0.5  # most bins are answered by the guide alone


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("seed, gifts, right_price, mark_queue", [(1, False, 0, False), (2, True, 5_000, True)])
@pytest.mark.parametrize("newcomers", [0, 5])
def test_purchase_kernel_matches_twin(n, seed, gifts, right_price, mark_queue, newcomers):
    """``newcomers``: how many members at the end joined today and deposit for sure."""
    arrays = random_members(n, seed)
    expected = as_lists(arrays)
    setup = purchase_setup(seed, gifts)
    merchant_cdf = cumulative_shares(setup["concession"][setup["merchant_ids"]] / PPM)
    merchant_guide = guide_table(setup["merchant_ids"], merchant_cdf, 4)
    out = totals(purchase_columns.N_TOTALS)
    merchant_sales = np.zeros((numba.get_num_threads(), len(setup["concession"])), dtype=np.int64)
    buyers = np.full(n, -1, dtype=np.int32)
    level_moves = totals(4)
    tables = (setup["keys"], setup["probability"], max(n - newcomers, 0), setup["price_table"], setup["gift_probability"],
              setup["gift_cdf"], setup["tier_price"], setup["tier_multiple_ppm"], setup["tier_contribution_ppm"],
              setup["tier_level"], setup["level_contribution_ppm"], setup["level_min_goods"], setup["repurchase_ppm"],
              setup["unit_price"],
              setup["merchant_ids"], merchant_cdf, merchant_guide, setup["concession"], setup["pool_ppm"],
              setup["honorary_ppm"], right_price, mark_queue)
    purchase_kernel(
        n, arrays["status"], arrays["balance"], arrays["energy"], arrays["contribution"],
        arrays["new_money"], arrays["goods"], arrays["level"], arrays["recheck"], arrays["rights"],
        arrays["queue_position"], *tables, merchant_sales, buyers, level_moves, out,
    )
    twin_totals, twin_merchants, twin_buyers, twin_moves = twin.purchases(
        expected, [int(k) for k in setup["keys"]], *tables[1:16], *tables[17:])
    assert_same(arrays, expected)
    assert listed_by_chunk(buyers, n, out[:, purchase_columns.PURCHASES]).tolist() == twin_buyers
    assert level_moves.sum(axis=0).tolist() == twin_moves
    assert merchant_sales.sum(axis=0).tolist() == twin_merchants
    assert out.sum(axis=0).tolist() == twin_totals
    if n == 500:
        assert twin_totals[purchase_columns.PURCHASES] > 100  # the test exercised the buying path
        assert not gifts or twin_totals[purchase_columns.GIFT_PURCHASES] > 10
