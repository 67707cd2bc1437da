"""Plain-Python twin of ``sim.kernels.purchases``: the same purchases, one member at a
time, on Python integers; the money rules are the kernels' own (``sim.kernels.money_rules``,
checked on their own in test_money_rules.py)."""

import bisect

from sim.core.rng import uniform_py
from sim.core.units import QUEUE_PENDING, STATUS_ACTIVE
from sim.kernels.money_rules import purchase_contribution, rights_bought, share_of
from tests.unit.kernels.twin_levels import lowest_above


def draw_purchase(i, keys, probability, price_table, gift_probability, gift_cdf, tier_price, deposits=False):
    """(price, tier) of what member i buys today, or (0, -1) when it does not buy; a member
    who ``deposits`` (joined today) buys for sure."""
    if not deposits and uniform_py(keys[0], i) >= probability:
        return 0, -1
    return draw_basket(i, keys, price_table, gift_probability, gift_cdf, tier_price)


def draw_basket(i, keys, price_table, gift_probability, gift_cdf, tier_price):
    draw = uniform_py(keys[1], i)
    if gift_probability > 0 and uniform_py(keys[2], i) < gift_probability:
        tier = bisect.bisect_right(list(gift_cdf), draw) + 1
        return int(tier_price[tier]), tier
    return int(price_table[int(draw * len(price_table))]), 0


def contribution_of(price, tier, level, unit_price, tier_contribution_ppm, level_contribution_ppm):
    """The contribution a purchase earns (``purchase_contribution``), as a Python integer."""
    return int(purchase_contribution(price, tier, level, unit_price, tier_contribution_ppm, level_contribution_ppm))


def purchases(m, keys, probability, joined_today_from, price_table, gift_probability, gift_cdf, tier_price,
              tier_multiple_ppm,
              tier_contribution_ppm, tier_level, level_contribution_ppm, level_min_goods, repurchase_ppm, unit_price,
              merchant_ids, merchant_cdf, concession_ppm, pool_ppm, honorary_ppm, right_price, mark_queue):
    """m: dict of lists. Returns (totals list in kernel column order, merchant sales list)."""
    totals = [0] * 12
    merchant_sales = [0] * len(concession_ppm)
    buyers = []
    level_moves = [0] * len(level_contribution_ppm)
    for i in range(len(m["status"])):
        if not len(merchant_ids) or m["status"][i] != STATUS_ACTIVE:
            continue
        price, tier = draw_purchase(i, keys, probability, price_table, gift_probability, gift_cdf, tier_price,
                                    deposits=i >= joined_today_from)
        if tier < 0:
            continue
        from_balance = min(m["balance"][i], share_of(price, repurchase_ppm))
        m["balance"][i] -= from_balance
        m["new_money"][i] += price - from_balance
        m["goods"][i] += price
        if tier_level[tier] > m["level"][i]:
            level_moves[m["level"][i]] -= 1
            level_moves[int(tier_level[tier])] += 1
            m["level"][i] = int(tier_level[tier])
        if m["goods"][i] >= lowest_above(level_min_goods)[m["level"][i]]:
            m["recheck"][i] = 1
        buyers.append(i)
        energy = share_of(price, int(tier_multiple_ppm[tier]))
        units = contribution_of(price, tier, m["level"][i], unit_price, tier_contribution_ppm, level_contribution_ppm)
        if mark_queue and m["energy"][i] == 0 and energy > 0:
            m["queue_position"][i] = QUEUE_PENDING
        if m["contribution"][i] == 0 and units > 0:
            totals[9] += 1
        m["energy"][i] += energy
        m["contribution"][i] += units
        if right_price > 0:
            m["rights"][i] += rights_bought(price, right_price)
        merchant = int(merchant_ids[bisect.bisect_right(list(merchant_cdf), uniform_py(keys[3], i))])
        merchant_sales[merchant] += price
        totals[0] += 1
        totals[1] += price
        totals[2] += price - from_balance
        totals[3] += from_balance
        totals[4] += share_of(price, int(concession_ppm[merchant]))
        totals[5] += share_of(price, pool_ppm)
        totals[6] += share_of(price, honorary_ppm)
        totals[7] += energy
        totals[8] += units
        if tier > 0:
            totals[10] += 1
            totals[11] += price
    return totals, merchant_sales, buyers, level_moves
