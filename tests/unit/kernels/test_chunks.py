"""``sim.kernels.chunks`` against its plain-Python twin (twin_chunks.py)."""

import numpy as np
import pytest

from sim.core.rng import threshold53
from sim.core.units import STATUS_ACTIVE, STATUS_CHURNED
from sim.kernels.chunks import chunk_bounds, list_drawn, nonzero_mask
from tests.unit.kernels import twin_chunks as twin


@pytest.mark.parametrize("n", [0, 1, 31, 32, 33, 1_000, 2**31 + 5])
@pytest.mark.parametrize("n_chunks", [1, 3, 32])
def test_chunks_cut_the_members_into_equal_contiguous_parts(n, n_chunks):
    bounds = [tuple(int(b) for b in chunk_bounds(n, chunk, n_chunks)) for chunk in range(n_chunks)]
    assert bounds[0][0] == 0 and bounds[-1][1] == n
    assert all(first <= last for first, last in bounds)
    assert all(bounds[k][1] == bounds[k + 1][0] for k in range(n_chunks - 1))
    sizes = [last - first for first, last in bounds]
    assert max(sizes) - min(sizes) <= 1


@pytest.mark.parametrize("lo, hi", [(0, 0), (3, 4), (0, 255), (1, 257), (100, 20_000)])
@pytest.mark.parametrize("probability", [0.0, 0.0005, 0.3, 1.0])
def test_list_drawn_lists_the_drawn_active_members_with_enough(lo, hi, probability):
    gen = np.random.default_rng(hi)
    status = np.where(gen.random(hi) < 0.9, STATUS_ACTIVE, STATUS_CHURNED).astype(np.int8)
    amounts = gen.integers(0, 100, hi).astype(np.int64)
    key = np.uint64(4242)
    listed = np.full(hi + 1, -1, dtype=np.int32)
    end = list_drawn(lo, hi, status, key, threshold53(probability), listed, lo, amounts, 30)
    assert listed[lo:end].tolist() == twin.list_drawn(lo, hi, status, int(key), probability, amounts, 30)
    end = list_drawn(lo, hi, status, key, threshold53(probability), listed, lo)
    assert listed[lo:end].tolist() == twin.list_drawn(lo, hi, status, int(key), probability)


@pytest.mark.parametrize("length", [1, 63, 64, 65, 200])
def test_nonzero_mask_marks_the_nonzero_bytes_of_a_block(length):
    flags = np.random.default_rng(length).choice(np.array([0, 1, -1, 127, -128], dtype=np.int8), length)
    for start in range(length):
        for size in {1, min(64, length - start), min(7, length - start)}:
            assert int(nonzero_mask(flags, start, size)) == twin.nonzero_mask(flags, start, size), (start, size)
