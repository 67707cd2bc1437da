"""The referral tree: newcomers get a referrer, and purchases credit the buyer's uplines
with team sales, referral contribution and cash rewards over G generations. Both write
other members' rows: the referrer assignment is a sequential pass in member index order;
the upline pass visits only the day's buyers, listed by the purchase kernel."""

import numpy as np
from numba import njit, prange

from sim.core.rng import uniform
from sim.core.units import STATUS_ACTIVE
from sim.kernels import N_CHUNKS
from sim.kernels.chunks import chunk_bounds
from sim.kernels.intrinsics import PREFETCH_AHEAD, prefetch
from sim.kernels.levels import lowest_above
from sim.kernels.money_rules import purchase_contribution, share_of
from sim.kernels.purchases import draw_basket

NO_REFERRER = -1

# columns of assignment ``totals``
REFERRED = 0
N_ASSIGN_TOTALS = 1

# columns of upline ``totals``
CONTRIBUTION_CREDITED = 0
CASH_REWARDS = 1
DIVIDEND_ENTRIES = 2
N_UPLINE_TOTALS = 3


@njit(cache=True)
def assign_referrers_kernel(first_new, n, status, referrer, direct_referrals, level_recheck, pick_key, copy_key,
                            preferential_share, totals):
    """Give each newcomer j in [first_new, n) a referrer among the earlier members.

    A member m is drawn uniformly; with ``preferential_share`` the newcomer takes m's own
    referrer instead (when m has one), which makes active recruiters more likely to recruit
    again (linear preferential attachment by copying). A churned pick means no referrer; a
    referrer's level is due for a check (``level_recheck``).
    """
    referred = 0
    for j in range(first_new, n):
        referrer[j] = NO_REFERRER
        if first_new == 0:
            continue
        if j + PREFETCH_AHEAD < n:  # earlier members' rows: the picks ahead are known already
            ahead = int(uniform(pick_key, j + PREFETCH_AHEAD) * first_new)
            prefetch(referrer, ahead)
            prefetch(status, ahead)
            prefetch(direct_referrals, ahead)
        pick = int(uniform(pick_key, j) * first_new)
        if uniform(copy_key, j) < preferential_share and referrer[pick] != NO_REFERRER:
            pick = referrer[pick]
        if status[pick] == STATUS_ACTIVE:
            referrer[j] = pick
            direct_referrals[pick] += 1
            level_recheck[pick] = 1
            referred += 1
    totals[0, REFERRED] = referred


@njit(cache=True, inline="always")
def _prefetch_walks_ahead(buyers, slot, hi, referrer, status):
    """Prefetch the walks of later buyers in stages, one generation per stage: the
    buyer's referrer 32 slots ahead, the first upline's rows 16 ahead (its referrer is in
    cache by then), the second upline's 8 ahead; each walk then mostly reads the cache."""
    if slot + PREFETCH_AHEAD < hi:
        prefetch(referrer, buyers[slot + PREFETCH_AHEAD])
    if slot + PREFETCH_AHEAD // 2 < hi:
        first_upline = referrer[buyers[slot + PREFETCH_AHEAD // 2]]
        if first_upline != NO_REFERRER:
            prefetch(referrer, first_upline)
            prefetch(status, first_upline)
    if slot + PREFETCH_AHEAD // 4 < hi:
        first_upline = referrer[buyers[slot + PREFETCH_AHEAD // 4]]
        second_upline = referrer[first_upline] if first_upline != NO_REFERRER else NO_REFERRER
        if second_upline != NO_REFERRER:
            prefetch(referrer, second_upline)
            prefetch(status, second_upline)


@njit(cache=True, inline="always")
def _prefetch_upline(upline, level, goods, team_sales, contribution, balance):
    """Ask for the rows an upline's credit reads and writes before it is applied."""
    prefetch(level, upline)
    prefetch(goods, upline)
    prefetch(team_sales, upline)
    prefetch(contribution, upline)
    prefetch(balance, upline)


UPLINE_PARTS = 4
"""The credits are applied in this many parts by upline index, in parallel. Every part
applies its uplines' credits in buyer order, so any number of parts gives the same result."""


@njit(parallel=True, cache=True)
def credit_uplines_kernel(
    n, buyers, status, level, level_recheck, referrer, contribution, balance, goods, team_sales,
    keys, price_table, gift_probability, gift_cdf, tier_price,
    tier_contribution_ppm, level_contribution_ppm, unit_price_cents, level_min_goods_cents, level_min_team_sales_cents,
    level_generations, referral_contribution_ppm, referral_cash_ppm, totals,
):
    """For each of today's buyers (in index order, their basket drawn again as in the
    purchase kernel), walk up to G = len(referral_contribution_ppm) generations of
    uplines: each active upline adds the price to its team sales (its level is then due for
    a check if its goods and team sales reach the lowest thresholds above its level) and,
    if its level earns from that generation, gets the generation's share of the buyer's
    contribution and a cash reward (a share of the price).

    The walks only read the tree, so they run in parallel and note each active upline met;
    the credits are then applied by ``UPLINE_PARTS`` parts of the member range
    (``totals[part]``), each in buyer order."""
    generations = referral_contribution_ppm.shape[0]
    buyer_count = buyers.shape[0]
    # each chunk of buyers notes (upline, slot × G + generation) from its own start, in order
    uplines = np.empty(buyer_count * generations, dtype=np.int32)
    credits = np.empty(buyer_count * generations, dtype=np.int64)
    noted = np.zeros(N_CHUNKS, dtype=np.int64)
    prices = np.zeros(buyer_count, dtype=np.int64)
    units = np.zeros(buyer_count, dtype=np.int64)
    for chunk in prange(N_CHUNKS):
        lo, hi = chunk_bounds(buyer_count, chunk, N_CHUNKS)
        end = lo * generations
        for slot in range(lo, hi):
            _prefetch_walks_ahead(buyers, slot, hi, referrer, status)
            i = buyers[slot]
            upline = referrer[i]
            if upline == NO_REFERRER:
                continue
            price, tier = draw_basket(i, keys, price_table, gift_probability, gift_cdf, tier_price)
            prices[slot] = price
            units[slot] = purchase_contribution(price, tier, level[i], unit_price_cents,
                                                tier_contribution_ppm, level_contribution_ppm)
            for generation in range(generations):
                if upline == NO_REFERRER:
                    break
                if status[upline] == STATUS_ACTIVE:
                    uplines[end] = upline
                    credits[end] = slot * generations + generation
                    end += 1
                upline = referrer[upline]
        noted[chunk] = end - lo * generations
    reach_goods = lowest_above(level_min_goods_cents)
    reach_team = lowest_above(level_min_team_sales_cents)
    for part in prange(UPLINE_PARTS):
        first, last = chunk_bounds(n, part, UPLINE_PARTS)
        credited = rewards = entries = 0
        for chunk in range(N_CHUNKS):
            start = chunk_bounds(buyer_count, chunk, N_CHUNKS)[0] * generations
            stop = start + noted[chunk]
            for note in range(start, stop):
                if note + PREFETCH_AHEAD < stop and first <= uplines[note + PREFETCH_AHEAD] < last:
                    _prefetch_upline(uplines[note + PREFETCH_AHEAD], level, goods, team_sales, contribution, balance)
                upline = uplines[note]
                if upline < first or upline >= last:
                    continue
                slot, generation = credits[note] // generations, credits[note] % generations
                price = prices[slot]
                team_sales[upline] += price
                if team_sales[upline] >= reach_team[level[upline]] and goods[upline] >= reach_goods[level[upline]]:
                    level_recheck[upline] = 1
                if generation < level_generations[level[upline]]:
                    added = share_of(units[slot], referral_contribution_ppm[generation])
                    if contribution[upline] == 0 and added > 0:
                        entries += 1
                    contribution[upline] += added
                    reward = share_of(price, referral_cash_ppm[generation])
                    balance[upline] += reward
                    credited += added
                    rewards += reward
        totals[part, CONTRIBUTION_CREDITED] = credited
        totals[part, CASH_REWARDS] = rewards
        totals[part, DIVIDEND_ENTRIES] = entries
