"""``sim.kernels.honorary`` against its plain-Python twin (twin_honorary.py) on random
small inputs: every array and the total paid must agree exactly."""

import numpy as np
import pytest

from sim.kernels import honorary as honorary_columns
from sim.kernels.honorary import honorary_kernel
from tests.helpers import SIZES, as_lists, assert_same, random_members, totals
from tests.unit.kernels import twin_honorary as twin
from tests.unit.kernels import twin_levels

PAYMENT_BY_LEVEL = np.array([0, 1_111, 3_333, 11_111], dtype=np.int64)


def assert_honorary_matches_twin(arrays: dict) -> None:
    n = arrays["status"].shape[0]
    expected = as_lists(arrays)
    paid = totals(honorary_columns.N_HONORARY_TOTALS)
    honorary_kernel(n, arrays["status"], arrays["level"], arrays["balance"], PAYMENT_BY_LEVEL, paid)
    assert paid.sum() == twin.honorary(expected, PAYMENT_BY_LEVEL)
    assert_same(arrays, expected)


@pytest.mark.parametrize("n", (*SIZES, 5_000))
@pytest.mark.parametrize("due_share", [0.5, 0.01])
def test_honorary_kernel_matches_twin_after_a_level_check(n, due_share):
    """The members of test_levels.py once they have risen (some to the top level, 3)."""
    arrays = random_members(n, 29 * n)
    arrays["recheck"] = (np.random.default_rng(n).random(n) < due_share).astype(np.int8)
    risen = as_lists(arrays)
    min_units = np.array([0, 1_000, 5_000, 9_000], dtype=np.int64)
    twin_levels.levels(risen, 70, min_units, [0, 0, 2, 5], [0, 0, 1_000_000, 3_000_000])
    arrays["level"] = np.array(risen["level"], dtype=np.int8)
    assert_honorary_matches_twin(arrays)


@pytest.mark.parametrize("n", (*SIZES, 5_000))
def test_honorary_kernel_matches_twin_with_few_holders(n):
    """Whole blocks of 64 members without a level are passed over."""
    arrays = random_members(n, 31 * n)
    gen = np.random.default_rng(n)
    arrays["level"] = np.where(gen.random(n) < 0.01, gen.integers(1, 4, n), 0).astype(np.int8)
    assert_honorary_matches_twin(arrays)
