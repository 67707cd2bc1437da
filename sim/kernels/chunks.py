"""Bounds of the fixed chunks the parallel kernels iterate over, and the listing of the
members of a chunk that a draw selects."""

import numpy as np
from numba import njit

from sim.kernels.intrinsics import nonzero_bytes, trailing_zeros
from sim.rng import bits53
from sim.types import STATUS_ACTIVE


@njit(cache=True, inline="always")
def chunk_bounds(n, chunk, n_chunks):
    """First and one-past-last member index of ``chunk`` among ``n_chunks`` equal parts."""
    return n * chunk // n_chunks, n * (chunk + 1) // n_chunks


MEMBERS_PER_MASK = 64
"""Kernels that look at few members of each block mark them in a 64-bit mask, one bit each."""


@njit(cache=True, inline="always")
def nonzero_mask(flags, start, size):
    """Mask of the one-byte ``flags[start + k] != 0``, bit k, for k < ``size`` ≤ 64: one
    vector compare (``nonzero_bytes``) where 64 bytes lie within the array, else a loop."""
    if start + MEMBERS_PER_MASK <= flags.shape[0]:
        mask = nonzero_bytes(flags, start)
        if size < MEMBERS_PER_MASK:
            mask &= (np.uint64(1) << np.uint64(size)) - np.uint64(1)
        return mask
    mask = np.uint64(0)
    for offset in range(size):
        mask |= np.uint64(flags[start + offset] != 0) << np.uint64(offset)
    return mask


@njit(cache=True, inline="always")
def list_drawn(lo, hi, status, key, threshold, listed, first, amounts=None, min_amount=0):
    """Write from ``listed[first]`` on, in order, every member i in [lo, hi) whose
    ``bits53(key, i) < threshold``, whose status is active and (when ``amounts`` is given)
    whose ``amounts[i]`` is at least ``min_amount``; return the end of the list.

    The draws of a block of 64 members are made in one loop the compiler vectorises, into
    a mask of one bit per member; only the members drawn (the set bits) are then looked at."""
    end = first
    for start in range(lo, hi, MEMBERS_PER_MASK):
        size = min(MEMBERS_PER_MASK, hi - start)
        drawn = np.uint64(0)
        for offset in range(size):
            drawn |= np.uint64(bits53(key, start + offset) < threshold) << np.uint64(offset)
        while drawn:
            i = start + np.int64(trailing_zeros(drawn))
            drawn &= drawn - np.uint64(1)
            if status[i] == STATUS_ACTIVE and (amounts is None or amounts[i] >= min_amount):
                listed[end] = i
                end += 1
    return end
