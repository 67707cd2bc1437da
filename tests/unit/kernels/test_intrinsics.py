"""The LLVM intrinsics of ``sim.kernels.intrinsics`` against their plain-Python twins
(twin_intrinsics.py). Intrinsics run only inside numba code, so each is called through a
small jitted function."""

import numpy as np
import pytest
from numba import njit

from sim.core import rng
from sim.kernels.intrinsics import draws_below, nonzero_bytes, prefetch, trailing_zeros
from tests.unit.kernels import twin_intrinsics as twin


@njit
def _trailing_zeros(word):
    return trailing_zeros(word)


@njit
def _nonzero_bytes(array, start):
    return nonzero_bytes(array, start)


@njit
def _draws_below_bits(key, start, threshold):
    return draws_below(key, start, threshold)


@njit
def _prefetch_every_row(array):
    for i in range(array.shape[0]):
        prefetch(array, i)
    return array


def test_trailing_zeros_counts_the_zeros_below_the_lowest_set_bit():
    words = [0, 1, 2, 3, 2**63, 2**63 + 2**40, 2**64 - 1, 0b1011000]
    words += np.random.default_rng(5).integers(0, 2**63, 200).tolist()
    for word in words:
        assert int(_trailing_zeros(np.uint64(word))) == twin.trailing_zeros(word), word


@pytest.mark.parametrize("start", [0, 1, 63, 136])
def test_nonzero_bytes_marks_64_bytes_at_once(start):
    flags = np.random.default_rng(start).choice(np.array([0, 0, 1, -1, 127, -128], dtype=np.int8), 200)
    assert int(_nonzero_bytes(flags, start)) == twin.nonzero_bytes(flags, start)
    assert int(_nonzero_bytes(np.zeros(200, dtype=np.int8), start)) == 0
    assert int(_nonzero_bytes(np.ones(200, dtype=np.int8), start)) == 2**64 - 1


def test_vector_draws_decide_exactly_as_bits53():
    """``draws_below`` is ``bits53`` written on 64 lanes: bit k says bits53(key, start + k) <
    threshold, checked on thresholds equal to a draw and one either side, 0 and 2**53."""
    key = np.uint64(rng.day_key(9, rng.STREAM_PURCHASE, 11))
    for start in (0, 1, 63, 1_000_003, 2**40):
        bits = [int(rng.bits53(key, start + k)) for k in range(64)]
        assert bits == [twin.bits53(int(key), start + k) for k in range(64)]
        for threshold in (0, 1, 2**53, 2**52, bits[0], bits[0] + 1, bits[17] - 1, bits[17], bits[63]):
            mask = int(_draws_below_bits(key, start, np.int64(threshold)))
            assert mask == sum(1 << k for k, b in enumerate(bits) if b < threshold), (start, threshold)
            assert mask == twin.draws_below(int(key), start, threshold), (start, threshold)


def test_prefetch_changes_nothing():
    array = np.arange(1_000, dtype=np.int64)
    assert _prefetch_every_row(array.copy()).tolist() == array.tolist()
