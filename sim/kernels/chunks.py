"""Bounds of the fixed chunks the parallel kernels iterate over, and the listing of the
members of a chunk that a draw selects."""

import numpy as np
from numba import njit

from sim.rng import bits53
from sim.types import STATUS_ACTIVE


@njit(cache=True, inline="always")
def chunk_bounds(n, chunk, n_chunks):
    """First and one-past-last member index of ``chunk`` among ``n_chunks`` equal parts."""
    return n * chunk // n_chunks, n * (chunk + 1) // n_chunks


DRAW_BLOCK = 256
"""Members per block in ``list_drawn``: the draws of a block are made in one vectorised loop."""


@njit(cache=True, inline="always")
def list_drawn(lo, hi, status, key, threshold, listed, first, amounts=None, min_amount=0):
    """Write from ``listed[first]`` on, in order, every member i in [lo, hi) whose
    ``bits53(key, i) < threshold``, whose status is active and (when ``amounts`` is given)
    whose ``amounts[i]`` is at least ``min_amount``; return the end of the list.

    The draws of each block are made first, in a loop the compiler vectorises; only the
    members drawn are then looked at, and a block with none is skipped."""
    end = first
    drawn = np.empty(DRAW_BLOCK, dtype=np.uint8)
    for start in range(lo, hi, DRAW_BLOCK):
        size = min(DRAW_BLOCK, hi - start)
        count = 0
        for offset in range(size):
            hit = bits53(key, start + offset) < threshold
            drawn[offset] = hit
            count += hit
        if count == 0:
            continue
        for offset in range(size):
            i = start + offset
            if drawn[offset] and status[i] == STATUS_ACTIVE and (amounts is None or amounts[i] >= min_amount):
                listed[end] = i
                end += 1
    return end
