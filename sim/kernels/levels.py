"""Levels: identity upgrades by cumulative purchases (honorary levels, seed 000) and by
promotion (direct referrals and team sales, seed 003), and the honorary dividend."""

import numpy as np
from numba import njit, prange

from sim.kernels.chunks import chunk_bounds
from sim.types import STATUS_ACTIVE

UPGRADES = 0
N_LEVEL_TOTALS = 1

HONORARY_PAID = 0
N_HONORARY_TOTALS = 1


@njit(parallel=True, cache=True)
def levels_kernel(
    n, status, level, goods, direct_referrals, team_sales,
    min_goods_cents, min_direct_referrals, min_team_sales_cents, level_counts, totals,
):
    """Lift each active member to the highest level whose every condition is met (levels
    never fall) and count active members per level into ``level_counts[chunk, level]``.

    A lifetime-contribution threshold of U units is met when cumulative purchases reach
    U × the unit price (``min_goods_cents``), which avoids a division per member.
    """
    n_chunks = totals.shape[0]
    top = min_goods_cents.shape[0] - 1
    for chunk in prange(n_chunks):
        lo, hi = chunk_bounds(n, chunk, n_chunks)
        counts = np.zeros(top + 1, dtype=np.int64)
        upgrades = 0
        for i in range(lo, hi):
            if status[i] != STATUS_ACTIVE:
                continue
            if top > level[i]:
                for candidate in range(top, level[i], -1):
                    if (goods[i] >= min_goods_cents[candidate]
                            and direct_referrals[i] >= min_direct_referrals[candidate]
                            and team_sales[i] >= min_team_sales_cents[candidate]):
                        level[i] = candidate
                        upgrades += 1
                        break
            counts[level[i]] += 1
        level_counts[chunk, :] = counts
        totals[chunk, UPGRADES] = upgrades


@njit(parallel=True, cache=True)
def honorary_kernel(n, status, level, balance, weight_ppm, value_scaled, scale, totals):
    """Pay each active member weight_ppm[level] × value_scaled // scale."""
    n_chunks = totals.shape[0]
    for chunk in prange(n_chunks):
        lo, hi = chunk_bounds(n, chunk, n_chunks)
        paid = 0
        for i in range(lo, hi):
            if status[i] != STATUS_ACTIVE or level[i] == 0:
                continue
            payment = weight_ppm[level[i]] * value_scaled // scale
            balance[i] += payment
            paid += payment
        totals[chunk, HONORARY_PAID] = paid
