"""``sim.kernels.referrals`` against its plain-Python twin (twin_referrals.py) on random
small inputs: every array and every total must agree exactly."""

import numpy as np
import pytest

from sim.core.units import STATUS_ACTIVE
from sim.kernels import referrals as referral_columns
from sim.kernels.referrals import assign_referrers_kernel, credit_uplines_kernel
from tests.helpers import SIZES, as_lists, assert_same, purchase_setup, random_members
from tests.unit.kernels import twin_referrals as twin
from tests.unit.kernels.twin_purchases import draw_purchase


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("first_new_share", [0.0, 0.5, 0.9])
def test_assign_referrers_kernel_matches_twin(n, first_new_share):
    arrays = random_members(n, 19 * n)
    first_new = int(n * first_new_share)
    expected = as_lists(arrays)
    out = np.zeros((1, referral_columns.N_ASSIGN_TOTALS), dtype=np.int64)
    assign_referrers_kernel(first_new, n, arrays["status"], arrays["referrer"], arrays["direct_referrals"],
                            arrays["recheck"], np.uint64(11), np.uint64(12), 0.6, out)
    assert out[0, referral_columns.REFERRED] == twin.assign_referrers(expected, first_new, 11, 12, 0.6)
    assert_same(arrays, expected)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("gifts", [False, True])
def test_credit_uplines_kernel_matches_twin(n, gifts):
    arrays = random_members(n, 23 * n)
    expected = as_lists(arrays)
    setup = purchase_setup(n, gifts)
    keys = [int(k) for k in setup["keys"]]
    draw_tables = (setup["price_table"], setup["gift_probability"], setup["gift_cdf"], setup["tier_price"])
    buyers = [i for i in range(n) if arrays["status"][i] == STATUS_ACTIVE
              and draw_purchase(i, keys, setup["probability"], *draw_tables)[1] >= 0]
    level_generations = np.array([1, 2, 3, 3], dtype=np.int64)
    contribution_ppm = np.array([200_000, 100_000, 50_000], dtype=np.int64)
    cash_ppm = np.array([20_000, 10_000, 5_000], dtype=np.int64)
    tables = (*draw_tables, setup["tier_contribution_ppm"], setup["level_contribution_ppm"], setup["unit_price"],
              setup["level_min_goods"], setup["level_min_team"],
              level_generations, contribution_ppm, cash_ppm)
    out = np.zeros((referral_columns.UPLINE_PARTS, referral_columns.N_UPLINE_TOTALS), dtype=np.int64)
    credit_uplines_kernel(n, np.array(buyers, dtype=np.int32), arrays["status"], arrays["level"], arrays["recheck"],
                          arrays["referrer"], arrays["contribution"], arrays["balance"], arrays["goods"],
                          arrays["team_sales"], setup["keys"], *tables, out)
    expected_totals = twin.credit_uplines(expected, buyers, keys, *tables)
    assert out.sum(axis=0).tolist() == list(expected_totals)
    assert_same(arrays, expected)
    if n == 500:
        assert expected_totals[1] > 0
