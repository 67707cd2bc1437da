"""Purchases with their accrual: who buys, what (an ordinary product or a gift package),
how it is paid, which merchant sells it, and the energy and contribution it earns."""

import numpy as np
from numba import get_thread_id, njit, prange

from sim.core.rng import threshold53, uniform
from sim.core.units import QUEUE_PENDING, STATUS_ACTIVE
from sim.kernels.chunks import chunk_bounds, list_drawn
from sim.kernels.intrinsics import PREFETCH_AHEAD, prefetch
from sim.kernels.levels import lowest_above
from sim.kernels.money_rules import purchase_contribution, rights_bought, share_of

# indices of the day's keys
KEY_BUY = 0
KEY_BASKET = 1
KEY_GIFT = 2
KEY_MERCHANT = 3

# columns of ``totals``
PURCHASES = 0
SALES = 1
NEW_MONEY = 2
REPURCHASED = 3
CONCESSION = 4
POOL_INFLOW = 5
HONORARY_INFLOW = 6
ENERGY_GRANTED = 7
CONTRIBUTION_ADDED = 8
DIVIDEND_ENTRIES = 9
GIFT_PURCHASES = 10
GIFT_SALES = 11
N_TOTALS = 12


@njit(cache=True, inline="always")
def draw_basket(i, keys, price_table, gift_probability, gift_cdf, tier_price):
    """What buyer i buys today, as (price in cents, tier): tier 0 is an ordinary product,
    k ≥ 1 gift tier k. Whether i buys at all is ``uniform(keys[KEY_BUY], i) < probability``."""
    draw = uniform(keys[KEY_BASKET], i)
    if gift_probability > 0.0 and uniform(keys[KEY_GIFT], i) < gift_probability:
        tier = np.searchsorted(gift_cdf, draw, side="right") + 1
        return tier_price[tier], tier
    return price_table[int(draw * price_table.shape[0])], 0


@njit(cache=True, inline="always")
def pick_from_cdf(ids, cdf, guide, draw):
    """``ids[k]`` for the first k with cdf[k] > draw (numpy's searchsorted side="right").

    The guide table (``guide_table``) holds, for each equal bin of draws,
    either the answer itself as ``-1 - id`` (the whole bin falls on one k) or the first k
    to try, so a pick reads one entry and at most a step or two of ``cdf``."""
    k = guide[int(draw * guide.shape[0])]
    if k < 0:
        return -1 - k
    while cdf[k] <= draw:
        k += 1
    return ids[k]


GUIDE_BIN_MARGIN = 1e-12
"""Relative margin by which each bin of draws is widened in ``guide_table``: it covers the
rounding of ``draw * bins`` in ``pick_from_cdf``, which can put a draw just outside its
exact bin."""


@njit(cache=True)
def guide_table(ids, cdf, bins_per_entry):
    """Guide table for ``pick_from_cdf``: over ``bins_per_entry`` × len(cdf) equal bins of
    draws, entry j is k = the first index with cdf[k] > j / bins (a little less, by the
    margin), or ``-1 - ids[k]`` when every draw of the bin picks k (the pick then reads
    nothing else). One merge pass over the bins and ``cdf`` (whose last entry is 1)."""
    bins = bins_per_entry * cdf.shape[0]
    guide = np.empty(bins, dtype=np.int32)
    k = 0
    for j in range(bins):
        while cdf[k] <= (j / bins) * (1 - GUIDE_BIN_MARGIN):
            k += 1
        whole_bin = cdf[k] > ((j + 1) / bins) * (1 + GUIDE_BIN_MARGIN)
        guide[j] = -1 - ids[k] if whole_bin else k
    return guide


@njit(parallel=True, cache=True)
def purchase_kernel(
    n, status, balance, energy, contribution, new_money, goods, level, level_recheck, rights, queue_position,
    keys, buy_probability, joined_today_from, price_table, gift_probability, gift_cdf,
    tier_price, tier_multiple_ppm, tier_contribution_ppm, tier_level, level_contribution_ppm, level_min_goods_cents,
    repurchase_max_ppm, unit_price_cents, merchant_ids, merchant_cdf, merchant_guide, merchant_concession_ppm,
    pool_share_ppm, honorary_share_ppm, right_price_cents, mark_queue_entries,
    merchant_sales, buyers, level_moves, totals,
):
    """Each active member buys with ``buy_probability``, at most once, what ``draw_basket``
    draws, and every member from ``joined_today_from`` on (those who joined today, when the
    scenario has them deposit on joining; ``n`` otherwise) buys for sure; nothing is bought
    when ``merchant_ids`` is empty.

    Up to ``repurchase_max_ppm`` of the price comes from the balance, the rest is new
    money. A gift package lifts the buyer's level to at least its tier's level (counted in
    ``level_moves[chunk]``: −1 at the old level, +1 at the new); a buyer whose goods now
    reach the lowest goods threshold above its level is due for a level check
    (``level_recheck``). Energy grows by price × the tier's multiple, contribution by
    ``purchase_contribution``; ``right_price_cents > 0`` (rule `linear`) adds price //
    right price rights, and ``mark_queue_entries`` (rule `queue`) marks members whose
    energy was zero as entering the queue. The merchant is drawn by ``merchant_cdf`` (with its guide table); its
    concession, the dividend and honorary pool shares are floors of the price. Per-merchant
    sales go to ``merchant_sales[thread, merchant]``, one row per numba thread: a row stays
    in the thread's cache, and integer sums do not depend on which thread adds what. The
    buyers of each chunk are listed in order at the start of its range of ``buyers``
    (``totals[chunk, PURCHASES]`` of them).
    """
    n_chunks = totals.shape[0]
    buy_threshold = threshold53(buy_probability) if merchant_ids.shape[0] > 0 else 0
    reach_goods = lowest_above(level_min_goods_cents)
    for chunk in prange(n_chunks):
        lo, hi = chunk_bounds(n, chunk, n_chunks)
        day = np.zeros(N_TOTALS, dtype=np.int64)
        end = list_drawn(lo, min(hi, joined_today_from), status, keys[KEY_BUY], buy_threshold, buyers, lo)
        if merchant_ids.shape[0] > 0:
            for i in range(max(lo, joined_today_from), hi):  # newcomers depositing, after the drawn (index order)
                if status[i] == STATUS_ACTIVE:
                    buyers[end] = i
                    end += 1
        for slot in range(lo, end):
            i = buyers[slot]
            if slot + PREFETCH_AHEAD < end:
                ahead = buyers[slot + PREFETCH_AHEAD]
                prefetch(balance, ahead)
                prefetch(new_money, ahead)
                prefetch(goods, ahead)
                prefetch(level, ahead)
                prefetch(energy, ahead)
                prefetch(contribution, ahead)
            price, tier = draw_basket(i, keys, price_table, gift_probability, gift_cdf, tier_price)
            from_balance = min(balance[i], share_of(price, repurchase_max_ppm))
            balance[i] -= from_balance
            new_money[i] += price - from_balance
            goods[i] += price
            if tier_level[tier] > level[i]:
                level_moves[chunk, level[i]] -= 1
                level_moves[chunk, tier_level[tier]] += 1
                level[i] = tier_level[tier]
            if goods[i] >= reach_goods[level[i]]:
                level_recheck[i] = 1
            energy_added = share_of(price, tier_multiple_ppm[tier])
            units = purchase_contribution(price, tier, level[i], unit_price_cents,
                                          tier_contribution_ppm, level_contribution_ppm)
            if mark_queue_entries and energy[i] == 0 and energy_added > 0:
                queue_position[i] = QUEUE_PENDING
            if contribution[i] == 0 and units > 0:
                day[DIVIDEND_ENTRIES] += 1
            energy[i] += energy_added
            contribution[i] += units
            if right_price_cents > 0:
                rights[i] += rights_bought(price, right_price_cents)
            merchant = pick_from_cdf(merchant_ids, merchant_cdf, merchant_guide, uniform(keys[KEY_MERCHANT], i))
            merchant_sales[get_thread_id(), merchant] += price
            day[SALES] += price
            day[NEW_MONEY] += price - from_balance
            day[REPURCHASED] += from_balance
            day[CONCESSION] += share_of(price, merchant_concession_ppm[merchant])
            day[POOL_INFLOW] += share_of(price, pool_share_ppm)
            day[HONORARY_INFLOW] += share_of(price, honorary_share_ppm)
            day[ENERGY_GRANTED] += energy_added
            day[CONTRIBUTION_ADDED] += units
            if tier > 0:
                day[GIFT_PURCHASES] += 1
                day[GIFT_SALES] += price
        day[PURCHASES] = end - lo
        totals[chunk, :] = day
