"""``sim.kernels.churn`` against its plain-Python twin (twin_churn.py) on random small
inputs: every array and every total must agree exactly."""

import numpy as np
import pytest

from sim.kernels import churn as churn_columns
from sim.kernels.churn import churn_kernel
from tests.helpers import DAY, SIZES, as_lists, assert_same, random_members, totals
from tests.unit.kernels import twin_churn as twin


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("pay_now", [False, True])
@pytest.mark.parametrize("cashout_ppm", [0, 500_000, 1_000_000])
@pytest.mark.parametrize("slots", [0, 3])
def test_churn_kernel_matches_twin(n, pay_now, cashout_ppm, slots):
    """``slots``: days of grants pending a first release (0: no delay)."""
    arrays = random_members(n, 17 * n)
    gen = np.random.default_rng(n + slots)
    pending = [gen.integers(0, 5_000, (slots, n)) * (gen.random((slots, n)) < 0.5) for _ in range(3)]
    pending_energy, pending_contribution = pending[0].astype(np.int64), pending[1].astype(np.int64)
    pending_rights = pending[2].astype(np.int32)
    twin_pending = [[[int(pending_energy[s, i]), int(pending_contribution[s, i]), int(pending_rights[s, i])]
                     for s in range(slots)] for i in range(n)]
    expected = as_lists(arrays)
    key = np.uint64(2**61 + 12345)
    out = totals(churn_columns.N_TOTALS)
    level_moves = totals(3)
    churn_kernel(
        n, arrays["status"], arrays["level"], arrays["balance"], arrays["energy"], arrays["contribution"],
        arrays["queued"], arrays["since"], arrays["withdrawn"], pending_energy, pending_contribution, pending_rights,
        key, 0.25, cashout_ppm, 40_000, DAY, pay_now,
        np.empty(n, dtype=np.int32), level_moves, out,
    )
    leavers, requested, forfeited, removed, dividend_leavers, fees, cashed_out, twin_moves = twin.churn(
        expected, int(key), 0.25, cashout_ppm, 40_000, DAY, pay_now, 3, twin_pending)
    assert_same(arrays, expected)
    for k, array in enumerate((pending_energy, pending_contribution, pending_rights)):
        assert array.sum(axis=0).tolist() == [sum(grant[k] for grant in twin_pending[i]) for i in range(n)]
    assert level_moves.sum(axis=0).tolist() == twin_moves
    day = out.sum(axis=0)
    assert [int(day[c]) for c in (
        churn_columns.LEAVERS, churn_columns.REQUESTED, churn_columns.ENERGY_FORFEITED,
        churn_columns.CONTRIBUTION_REMOVED, churn_columns.DIVIDEND_LEAVERS, churn_columns.FEES,
        churn_columns.CASHED_OUT,
    )] == [leavers, requested, forfeited, removed, dividend_leavers, fees, cashed_out]
    assert day[churn_columns.PAID_GROSS] == (requested if pay_now else 0)
