"""``sim.kernels.levels`` against its plain-Python twin (twin_levels.py) on random small
inputs: every array and every total must agree exactly."""

import numpy as np
import pytest

from sim.kernels import levels as level_columns
from sim.kernels.levels import levels_kernel, lowest_above
from tests.helpers import SIZES, as_lists, assert_same, random_members, totals
from tests.unit.kernels import twin_levels as twin

UNIT_PRICE = 70
MIN_UNITS = np.array([0, 1_000, 5_000, 9_000], dtype=np.int64)
THRESHOLDS = dict(
    min_goods=MIN_UNITS * UNIT_PRICE,
    min_direct=np.array([0, 0, 2, 5], dtype=np.int64),
    min_team=np.array([0, 0, 1_000_000, 3_000_000], dtype=np.int64),
)


def members_due(n: int, due_share: float) -> dict[str, np.ndarray]:
    """Random members, a share of them due for a level check (sparse: whole blocks skipped)."""
    arrays = random_members(n, 29 * n)
    arrays["recheck"] = (np.random.default_rng(n).random(n) < due_share).astype(np.int8)
    return arrays


@pytest.mark.parametrize("n", (*SIZES, 5_000))
@pytest.mark.parametrize("due_share", [0.5, 0.01])
def test_levels_kernel_matches_twin(n, due_share):
    arrays = members_due(n, due_share)
    expected = as_lists(arrays)
    moves = totals(4)
    out = totals(level_columns.N_LEVEL_TOTALS)
    levels_kernel(n, arrays["status"], arrays["level"], arrays["recheck"], arrays["goods"], arrays["direct_referrals"],
                  arrays["team_sales"], *THRESHOLDS.values(), moves, out)
    twin_moves, twin_upgrades = twin.levels(expected, UNIT_PRICE, MIN_UNITS, *list(THRESHOLDS.values())[1:])
    assert moves.sum(axis=0).tolist() == twin_moves
    assert out.sum() == twin_upgrades
    assert_same(arrays, expected)


@pytest.mark.parametrize("thresholds", [[0, 5, 3, 9], [7], [0, 0, 0], [4, 3, 2, 1]])
def test_lowest_above_is_the_lowest_threshold_of_the_levels_above(thresholds):
    table = np.array(thresholds, dtype=np.int64)
    assert lowest_above(table).tolist() == twin.lowest_above(thresholds)
