"""The counter-based generator: the numba and Python versions give the same bits, draws
are uniform, and a draw depends only on (seed, stream, day, index)."""

import numpy as np
import pytest
from numba import njit
from scipy import stats

from sim.core import rng


@njit(cache=False)
def draws(key, indices):
    out = np.empty(indices.shape[0])
    for j in range(indices.shape[0]):
        out[j] = rng.uniform(key, indices[j])
    return out


@pytest.mark.parametrize("seed, stream, day", [(0, 1, 0), (1, 2, 364), (2**62, 6, 10_000)])
def test_numba_and_python_draws_are_identical(seed, stream, day):
    key = rng.day_key(seed, stream, day)
    indices = np.array([0, 1, 2, 1000, 2**31 - 1, 2**40, 49_999_999], dtype=np.int64)
    assert draws(np.uint64(key), indices).tolist() == [rng.uniform_py(key, int(i)) for i in indices]


def test_draws_are_uniform_on_unit_interval():
    """Kolmogorov–Smirnov against U(0, 1) on 200 000 draws (scipy.stats.kstest)."""
    values = draws(np.uint64(rng.day_key(7, rng.STREAM_PURCHASE, 3)), np.arange(200_000, dtype=np.int64))
    assert values.min() >= 0.0 and values.max() < 1.0
    assert stats.kstest(values, "uniform").pvalue > 1e-3


def test_streams_and_days_are_independent():
    indices = np.arange(50_000, dtype=np.int64)
    base = draws(np.uint64(rng.day_key(7, rng.STREAM_PURCHASE, 3)), indices)
    for other in (rng.day_key(7, rng.STREAM_BASKET, 3), rng.day_key(7, rng.STREAM_PURCHASE, 4),
                  rng.day_key(8, rng.STREAM_PURCHASE, 3)):
        assert abs(np.corrcoef(base, draws(np.uint64(other), indices))[0, 1]) < 0.02


def test_a_draw_does_not_depend_on_other_draws():
    key = rng.day_key(3, rng.STREAM_CHURN, 9)
    forward = draws(np.uint64(key), np.arange(100, dtype=np.int64))
    backward = draws(np.uint64(key), np.arange(99, -1, -1, dtype=np.int64))[::-1]
    assert forward.tolist() == backward.tolist()


def test_replicate_seeds_are_reproducible_distinct_and_valid():
    seeds = [rng.replicate_seed(42, k) for k in range(1000)]
    assert seeds[0] == 42 and len(set(seeds)) == 1000
    assert all(0 <= s < 2**63 for s in seeds)
    assert seeds == [rng.replicate_seed(42, k) for k in range(1000)]
    assert rng.replicate_seed(43, 1) != rng.replicate_seed(42, 1)


def test_integer_threshold_decides_exactly_as_the_uniform_draw():
    """u = bits × 2**-53 exactly, so u < p ⇔ bits < ceil(p × 2**53) (threshold53); checked on
    probabilities that equal a draw, sit one ulp either side of it, or lie outside [0, 1]."""
    key = rng.day_key(5, rng.STREAM_CHURN, 3)
    draws = [rng.uniform_py(key, i) for i in range(200)]
    probabilities = [-0.5, 0.0, 5e-324, 0.0005, 0.5, 1.0, 2.0]
    for u in draws[:50]:
        probabilities += [u, np.nextafter(u, 0.0), np.nextafter(u, 1.0)]
    for p in probabilities:
        threshold = rng.threshold53(p)
        for i, u in enumerate(draws):
            assert (rng.bits53(np.uint64(key), i) < threshold) == (u < p), (p, i)

