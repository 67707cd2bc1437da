"""Bounds of the fixed chunks the parallel kernels iterate over, and the listing of the
members of a chunk that a draw selects."""

import numpy as np
from numba import njit

from sim.core.units import STATUS_ACTIVE
from sim.kernels.intrinsics import MASK_BITS, draws_below, nonzero_bytes, trailing_zeros


@njit(cache=True, inline="always")
def chunk_bounds(n, chunk, n_chunks):
    """First and one-past-last member index of ``chunk`` among ``n_chunks`` equal parts."""
    return n * chunk // n_chunks, n * (chunk + 1) // n_chunks


MEMBERS_PER_MASK = MASK_BITS
"""Kernels that look at few members of each block mark them in a 64-bit mask, one bit each."""


@njit(cache=True, inline="always")
def first_bits(mask, size):
    """``mask`` with only its bits below ``size`` (≤ 64) kept: the members of a short block."""
    if size < MEMBERS_PER_MASK:
        return mask & ((np.uint64(1) << np.uint64(size)) - np.uint64(1))
    return mask


@njit(cache=True, inline="always")
def nonzero_mask(flags, start, size):
    """Mask of the one-byte ``flags[start + k] != 0``, bit k, for k < ``size`` ≤ 64: one
    vector compare (``nonzero_bytes``) where 64 bytes lie within the array, else a loop."""
    if start + MEMBERS_PER_MASK <= flags.shape[0]:
        return first_bits(nonzero_bytes(flags, start), size)
    mask = np.uint64(0)
    for offset in range(size):
        mask |= np.uint64(flags[start + offset] != 0) << np.uint64(offset)
    return mask


@njit(cache=True, inline="always")
def list_drawn(lo, hi, status, key, threshold, listed, first, amounts=None, min_amount=0):
    """Write from ``listed[first]`` on, in order, every member i in [lo, hi) whose
    ``bits53(key, i) < threshold``, whose status is active and (when ``amounts`` is given)
    whose ``amounts[i]`` is at least ``min_amount``; return the end of the list.

    The draws of a block of 64 members are made on vectors, into a mask of one bit per
    member (``draws_below``); only the members drawn (the set bits) are then looked at."""
    end = first
    for start in range(lo, hi, MEMBERS_PER_MASK):
        drawn = first_bits(draws_below(key, start, threshold), min(MEMBERS_PER_MASK, hi - start))
        while drawn:
            i = start + np.int64(trailing_zeros(drawn))
            drawn &= drawn - np.uint64(1)
            if status[i] == STATUS_ACTIVE and (amounts is None or amounts[i] >= min_amount):
                listed[end] = i
                end += 1
    return end
