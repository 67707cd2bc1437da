"""``sim.kernels.release`` (the release rules) against its plain-Python twin
(twin_release.py) on random small inputs: every array and every total must agree exactly."""

import numpy as np
import pytest

from sim.core.units import PPB, QUEUE_NONE
from sim.engine.phases.common import unit_value
from sim.kernels import release as release_columns
from sim.kernels.release import (
    fixed_rate_kernel,
    linear_kernel,
    mature_grants_kernel,
    promise_growth_kernel,
    queue_kernel,
    release_split_kernel,
)
from tests.helpers import SIZES, as_lists, assert_same, random_members, totals
from tests.unit.kernels import twin_release as twin


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("budget", [0, 1, 37_123, 9_000_000, 10**15])
@pytest.mark.parametrize("contribution_factor", [1, 10**12])
def test_release_split_kernel_matches_twin(n, budget, contribution_factor):
    """Fixed point while the total contribution is within the scale, exact beyond it (the
    factor 10¹² puts the contribution of a 10⁸-cent package at 1-cent units there)."""
    arrays = random_members(n, n + budget % 1000)
    arrays["contribution"] *= contribution_factor
    expected = as_lists(arrays)
    numerator, denominator, exact = unit_value(budget, max(int(arrays["contribution"].sum()), 1))
    out = totals(release_columns.N_TOTALS)
    release_split_kernel(n, arrays["contribution"], arrays["energy"], arrays["balance"], numerator, denominator,
                         exact, out)
    assert out.sum(axis=0).tolist() == twin.release_split(expected, numerator, denominator, exact)
    assert out[:, release_columns.RELEASED].sum() <= budget
    assert_same(arrays, expected)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("rate_ppb", [0, 82_188, 500_000, 250_000_000, PPB])
def test_fixed_rate_kernel_matches_twin(n, rate_ppb):
    arrays = random_members(n, n + rate_ppb % 10**6)
    expected = as_lists(arrays)
    out = totals(release_columns.N_TOTALS)
    fixed_rate_kernel(n, arrays["contribution"], arrays["energy"], arrays["balance"], rate_ppb, out)
    assert out.sum(axis=0).tolist() == twin.fixed_rate(expected, rate_ppb)
    assert_same(arrays, expected)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("rate_ppb", [0, 1, 261_157, 10**8])
def test_promise_growth_kernel_matches_twin(n, rate_ppb):
    arrays = random_members(n, n + rate_ppb % 997)
    expected = as_lists(arrays)
    out = totals(1)
    promise_growth_kernel(n, arrays["energy"], rate_ppb, out)
    assert int(out.sum()) == twin.promise_growth(expected, rate_ppb)
    assert_same(arrays, expected)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("payment_per_right", [0, 100, 50_000])
def test_linear_kernel_matches_twin(n, payment_per_right):
    arrays = random_members(n, n + payment_per_right)
    expected = as_lists(arrays)
    out = totals(release_columns.N_TOTALS)
    linear_kernel(n, arrays["contribution"], arrays["energy"], arrays["balance"], arrays["rights"],
                  payment_per_right, out)
    assert out.sum(axis=0).tolist() == twin.linear(expected, payment_per_right)
    assert_same(arrays, expected)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("budget", [0, 70_000, 10**9])
def test_queue_kernel_matches_twin(n, budget):
    arrays = random_members(n, 3 * n + budget)
    gen = np.random.default_rng(n)
    line = gen.permutation(n).astype(np.int64)
    line = np.concatenate([line, line[: n // 3]])  # re-entries leave stale entries behind
    arrays["queue_position"][line] = np.arange(line.size)
    arrays["queue_position"][gen.random(n) < 0.1] = QUEUE_NONE  # left the line
    expected = as_lists(arrays)
    head = min(2, line.size)
    out = np.zeros((1, release_columns.N_TOTALS), dtype=np.int64)
    new_head = queue_kernel(line, head, arrays["queue_position"], arrays["contribution"], arrays["energy"],
                            arrays["balance"], budget, out)
    twin_totals, twin_head = twin.queue(expected, line.tolist(), head, budget)
    assert (out[0].tolist(), new_head) == (twin_totals, twin_head)
    assert_same(arrays, expected)
    assert out[0, release_columns.RELEASED] <= budget


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("mark_queue_entries", [False, True])
def test_mature_grants_kernel_matches_twin(n, mark_queue_entries):
    """Grants due today join the live energy, contribution and rights, and leave the ring."""
    arrays = random_members(n, 5 * n + mark_queue_entries)
    gen = np.random.default_rng(n)
    due = gen.random(n) < 0.6
    grant_energy = (gen.integers(0, 90_000, n) * due).astype(np.int64)
    grant_units = (gen.integers(0, 9_000, n) * due).astype(np.int64)
    grant_rights = (gen.integers(0, 3, n) * due).astype(np.int32)
    expected = as_lists(arrays)
    grants = list(zip(grant_energy.tolist(), grant_units.tolist(), grant_rights.tolist(), strict=True))
    out = totals(release_columns.N_MATURE_TOTALS)
    mature_grants_kernel(n, grant_energy, grant_units, grant_rights, arrays["energy"], arrays["contribution"],
                         arrays["rights"], arrays["queue_position"], mark_queue_entries, out)
    assert tuple(out.sum(axis=0).tolist()) == twin.mature_grants(expected, grants, mark_queue_entries)
    assert_same(arrays, expected)
    assert not (grant_energy.any() or grant_units.any() or grant_rights.any())
