"""Levels: identity upgrades by cumulative purchases (honorary levels, seed 000) and by
promotion (direct referrals and team sales, seed 003)."""

import numpy as np
from numba import njit, prange

from sim.core.units import STATUS_ACTIVE
from sim.kernels.chunks import MEMBERS_PER_MASK, chunk_bounds, nonzero_mask
from sim.kernels.intrinsics import trailing_zeros

UPGRADES = 0
N_LEVEL_TOTALS = 1


@njit(cache=True)
def lowest_above(threshold):
    """Entry L is the lowest threshold[c] over the levels c > L: what a member at level L
    needs to rise at all (the top level's entry is its own threshold; nothing is above it)."""
    lowest = threshold.copy()
    for here in range(threshold.shape[0] - 2, -1, -1):
        lowest[here] = min(threshold[here + 1], lowest[here + 1])
    return lowest


@njit(cache=True, inline="always")
def rise(i, level, goods, direct_referrals, team_sales, min_goods_cents, min_direct_referrals,
         min_team_sales_cents, reach_goods, reach_direct, reach_team):
    """Lift member i to the highest level whose every condition is met; 1 if it rose. A
    member below the lowest threshold of every level above its own is passed over at once
    (``reach_*`` from ``lowest_above``)."""
    here = level[i]
    if not (goods[i] >= reach_goods[here] and direct_referrals[i] >= reach_direct[here]
            and team_sales[i] >= reach_team[here]):
        return 0
    for candidate in range(min_goods_cents.shape[0] - 1, here, -1):
        if (goods[i] >= min_goods_cents[candidate] and direct_referrals[i] >= min_direct_referrals[candidate]
                and team_sales[i] >= min_team_sales_cents[candidate]):
            level[i] = candidate
            return 1
    return 0


@njit(parallel=True, cache=True)
def levels_kernel(
    n, status, level, level_recheck, goods, direct_referrals, team_sales,
    min_goods_cents, min_direct_referrals, min_team_sales_cents, level_moves, totals,
):
    """Lift each active member due for a check (``level_recheck``, cleared here) to the
    highest level whose every condition is met (levels never fall). The conditions only
    grow, so a member whose goods, referrals and team sales did not change since its last
    check cannot rise. Each rise is counted in ``level_moves[chunk]`` (−1 at the old level,
    +1 at the new), which keeps the count of active members per level up to date. The
    members due are found 64 at a time, from a bit mask of their marks (``nonzero_mask``).

    A lifetime-contribution threshold of U units is met when cumulative purchases reach
    U × the unit price (``min_goods_cents``), which avoids a division per member.
    """
    n_chunks = totals.shape[0]
    reach_goods = lowest_above(min_goods_cents)
    reach_direct = lowest_above(min_direct_referrals)
    reach_team = lowest_above(min_team_sales_cents)
    for chunk in prange(n_chunks):
        lo, hi = chunk_bounds(n, chunk, n_chunks)
        upgrades = 0
        for start in range(lo, hi, MEMBERS_PER_MASK):
            due = nonzero_mask(level_recheck, start, min(MEMBERS_PER_MASK, hi - start))
            while due:
                i = start + np.int64(trailing_zeros(due))
                due &= due - np.uint64(1)
                if status[i] != STATUS_ACTIVE:
                    continue
                level_recheck[i] = 0
                before = level[i]
                if rise(i, level, goods, direct_referrals, team_sales, min_goods_cents, min_direct_referrals,
                        min_team_sales_cents, reach_goods, reach_direct, reach_team):
                    level_moves[chunk, before] -= 1
                    level_moves[chunk, level[i]] += 1
                    upgrades += 1
        totals[chunk, UPGRADES] = upgrades


