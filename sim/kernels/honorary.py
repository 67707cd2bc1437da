"""Honorary dividends: each active member holding a level is paid that level's share of
the day's honorary release (docs/MODEL.md §10)."""

import numpy as np
from numba import njit, prange

from sim.core.units import STATUS_ACTIVE
from sim.kernels.chunks import MEMBERS_PER_MASK, chunk_bounds, nonzero_mask
from sim.kernels.intrinsics import trailing_zeros

HONORARY_PAID = 0
N_HONORARY_TOTALS = 1



@njit(parallel=True, cache=True)
def honorary_kernel(n, status, level, balance, payment_by_level, totals):
    """Pay each active member at level ≥ 1 its level's honorary dividend.

    For each block of 64 members, one vector compare marks who holds a level in a bit
    mask; only those members are then visited (few hold a level, and a branch per member
    on it would be mispredicted often)."""
    n_chunks = totals.shape[0]
    for chunk in prange(n_chunks):
        lo, hi = chunk_bounds(n, chunk, n_chunks)
        paid = 0
        for start in range(lo, hi, MEMBERS_PER_MASK):
            size = min(MEMBERS_PER_MASK, hi - start)
            holders = nonzero_mask(level, start, size)
            while holders:
                i = start + np.int64(trailing_zeros(holders))
                holders &= holders - np.uint64(1)
                if status[i] == STATUS_ACTIVE:
                    balance[i] += payment_by_level[level[i]]
                    paid += payment_by_level[level[i]]
        totals[chunk, HONORARY_PAID] = paid
