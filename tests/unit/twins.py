"""Plain-Python twins of the numba kernels: the same rules, one member at a time, on
Python integers. Tests compare each kernel with its twin exactly."""

import bisect

from sim.core.rng import uniform_py
from sim.core.units import (
    MILLI_UNITS_PER_UNIT,
    NO_DAY,
    PPM,
    QUEUE_NONE,
    QUEUE_PENDING,
    STATUS_ACTIVE,
    STATUS_CHURNED,
    UNIT_VALUE_SCALE,
)


def draw_purchase(i, keys, probability, price_table, gift_probability, gift_cdf, tier_price):
    if uniform_py(keys[0], i) >= probability:
        return 0, -1
    return draw_basket(i, keys, price_table, gift_probability, gift_cdf, tier_price)


def draw_basket(i, keys, price_table, gift_probability, gift_cdf, tier_price):
    draw = uniform_py(keys[1], i)
    if gift_probability > 0 and uniform_py(keys[2], i) < gift_probability:
        tier = bisect.bisect_right(list(gift_cdf), draw) + 1
        return int(tier_price[tier]), tier
    return int(price_table[int(draw * len(price_table))]), 0


def contribution_of(price, tier, level, unit_price, tier_contribution_ppm, level_contribution_ppm):
    units = price * MILLI_UNITS_PER_UNIT // unit_price
    units = units * int(tier_contribution_ppm[tier]) // PPM
    return units * int(level_contribution_ppm[level]) // PPM


def lowest_above(thresholds):
    """Entry L: the lowest threshold of the levels above L (the top level's own)."""
    return [min(thresholds[level + 1:], default=thresholds[-1]) for level in range(len(thresholds))]


def purchases(m, keys, probability, price_table, gift_probability, gift_cdf, tier_price, tier_multiple_ppm,
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
        price, tier = draw_purchase(i, keys, probability, price_table, gift_probability, gift_cdf, tier_price)
        if tier < 0:
            continue
        from_balance = min(m["balance"][i], price * repurchase_ppm // PPM)
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
        energy = price * int(tier_multiple_ppm[tier]) // PPM
        units = contribution_of(price, tier, m["level"][i], unit_price, tier_contribution_ppm, level_contribution_ppm)
        if mark_queue and m["energy"][i] == 0 and energy > 0:
            m["queue_position"][i] = QUEUE_PENDING
        if m["contribution"][i] == 0 and units > 0:
            totals[9] += 1
        m["energy"][i] += energy
        m["contribution"][i] += units
        if right_price > 0:
            m["rights"][i] += price // right_price
        merchant = int(merchant_ids[bisect.bisect_right(list(merchant_cdf), uniform_py(keys[3], i))])
        merchant_sales[merchant] += price
        totals[0] += 1
        totals[1] += price
        totals[2] += price - from_balance
        totals[3] += from_balance
        totals[4] += price * int(concession_ppm[merchant]) // PPM
        totals[5] += price * pool_ppm // PPM
        totals[6] += price * honorary_ppm // PPM
        totals[7] += energy
        totals[8] += units
        if tier > 0:
            totals[10] += 1
            totals[11] += price
    return totals, merchant_sales, buyers, level_moves


def _pay_dividend(m, i, payment):
    """(paid, exited, contribution removed), as the kernels' pay_dividend."""
    if payment >= m["energy"][i]:
        paid, removed = m["energy"][i], m["contribution"][i]
        m["energy"][i] = 0
        m["contribution"][i] = 0
        m["balance"][i] += paid
        return paid, 1, removed
    m["energy"][i] -= payment
    m["balance"][i] += payment
    return payment, 0, 0


def fixed_rate(m, rate_ppm):
    out = [0, 0, 0, 0]
    for i in range(len(m["energy"])):
        if m["energy"][i] == 0:
            continue
        paid, exited, removed = _pay_dividend(m, i, max(m["energy"][i] * rate_ppm // PPM, 1))
        out = [out[0] + paid, out[1] + exited, out[2] + removed, out[3] + (removed > 0)]
    return out


def linear(m, payment_per_right):
    out = [0, 0, 0, 0]
    for i in range(len(m["energy"])):
        if m["rights"][i] == 0 or m["energy"][i] == 0:
            continue
        paid, exited, removed = _pay_dividend(m, i, m["rights"][i] * payment_per_right)
        if exited:
            m["rights"][i] = 0
        out = [out[0] + paid, out[1] + exited, out[2] + removed, out[3] + (removed > 0)]
    return out


def queue(m, line, head, budget):
    """First in, first out; returns (totals, new head)."""
    out = [0, 0, 0, 0]
    position = head
    while position < len(line) and budget > 0:
        member = line[position]
        if m["queue_position"][member] != position or m["energy"][member] == 0:
            position += 1
            continue
        paid, exited, removed = _pay_dividend(m, member, min(m["energy"][member], budget))
        budget -= paid
        out[0] += paid
        if exited:
            m["queue_position"][member] = QUEUE_NONE
            out[1] += 1
            out[2] += removed
            out[3] += removed > 0
            position += 1
    return out, position


def assign_referrers(m, first_new, pick_key, copy_key, preferential):
    referred = 0
    for j in range(first_new, len(m["status"])):
        m["referrer"][j] = -1
        if first_new == 0:
            continue
        pick = int(uniform_py(pick_key, j) * first_new)
        if uniform_py(copy_key, j) < preferential and m["referrer"][pick] != -1:
            pick = m["referrer"][pick]
        if m["status"][pick] == STATUS_ACTIVE:
            m["referrer"][j] = pick
            m["direct_referrals"][pick] += 1
            m["recheck"][pick] = 1
            referred += 1
    return referred


def credit_uplines(m, buyers, keys, price_table, gift_probability, gift_cdf, tier_price,
                   tier_contribution_ppm, level_contribution_ppm, unit_price, level_min_goods, level_min_team,
                   level_generations, contribution_ppm, cash_ppm):
    credited = rewards = entries = 0
    for i in buyers:
        if m["referrer"][i] == -1:
            continue
        price, tier = draw_basket(i, keys, price_table, gift_probability, gift_cdf, tier_price)
        units = contribution_of(price, tier, m["level"][i], unit_price, tier_contribution_ppm, level_contribution_ppm)
        upline = m["referrer"][i]
        for generation in range(len(contribution_ppm)):
            if upline == -1:
                break
            if m["status"][upline] == STATUS_ACTIVE:
                m["team_sales"][upline] += price
                level = m["level"][upline]
                if (m["team_sales"][upline] >= lowest_above(level_min_team)[level]
                        and m["goods"][upline] >= lowest_above(level_min_goods)[level]):
                    m["recheck"][upline] = 1
                if generation < level_generations[m["level"][upline]]:
                    added = units * int(contribution_ppm[generation]) // PPM
                    entries += m["contribution"][upline] == 0 and added > 0
                    m["contribution"][upline] += added
                    reward = price * int(cash_ppm[generation]) // PPM
                    m["balance"][upline] += reward
                    credited += added
                    rewards += reward
            upline = m["referrer"][upline]
    return credited, rewards, entries


def levels(m, unit_price, min_units, min_direct, min_team):
    """Thresholds of lifetime contribution in units, compared on floored milli-units;
    returns the moves between levels and the number of upgrades."""
    top = len(min_units) - 1
    moves = [0] * (top + 1)
    upgrades = 0
    for i in range(len(m["status"])):
        if m["status"][i] != STATUS_ACTIVE or not m["recheck"][i]:
            continue
        m["recheck"][i] = 0
        lifetime = m["goods"][i] * MILLI_UNITS_PER_UNIT // unit_price
        for candidate in range(top, m["level"][i], -1):
            if (lifetime >= min_units[candidate] * MILLI_UNITS_PER_UNIT and m["direct_referrals"][i] >= min_direct[candidate]
                    and m["team_sales"][i] >= min_team[candidate]):
                moves[m["level"][i]] -= 1
                moves[candidate] += 1
                m["level"][i] = candidate
                upgrades += 1
                break
    return moves, upgrades


def honorary(m, payment_by_level):
    """Each active member at level ≥ 1 gets its level's payment."""
    paid = 0
    for i in range(len(m["status"])):
        if m["status"][i] != STATUS_ACTIVE or m["level"][i] == 0:
            continue
        payment = int(payment_by_level[m["level"][i]])
        m["balance"][i] += payment
        paid += payment
    return paid


def release_split(m, unit_value_scaled, scale):
    out = [0, 0, 0, 0]
    for i in range(len(m["contribution"])):
        units = m["contribution"][i]
        if units == 0:
            continue
        paid, exited, removed = _pay_dividend(m, i, units * unit_value_scaled // scale)
        out = [out[0] + paid, out[1] + exited, out[2] + removed, out[3] + (removed > 0)]
    return out


def _pay(m, i, gross, fee_ppm):
    fee = gross * fee_ppm // PPM
    m["queued"][i] -= gross
    m["withdrawn"][i] += gross - fee
    if m["queued"][i] == 0:
        m["since"][i] = NO_DAY
    return fee


def _queue(m, i, amount, fee_ppm, day, pay_now):
    m["queued"][i] += amount
    if m["since"][i] == NO_DAY:
        m["since"][i] = day
    return _pay(m, i, amount, fee_ppm) if pay_now else 0


def requests(m, key, probability, share_ppm, min_cents, fee_ppm, day, pay_now):
    count = requested = fees = 0
    for i in range(len(m["status"])):
        if m["status"][i] != STATUS_ACTIVE or m["balance"][i] < min_cents:
            continue
        if uniform_py(key, i) >= probability:
            continue
        amount = m["balance"][i] * share_ppm // PPM
        if amount < min_cents:
            continue
        m["balance"][i] -= amount
        fees += _queue(m, i, amount, fee_ppm, day, pay_now)
        count += 1
        requested += amount
    return count, requested, fees


def pay_all(m, fee_ppm):
    paid = fees = 0
    for i in range(len(m["queued"])):
        if m["queued"][i] > 0:
            paid += m["queued"][i]
            fees += _pay(m, i, m["queued"][i], fee_ppm)
    return paid, fees


def pay_fifo(m, fee_ppm, cash):
    """First come first served: by request day, then member index."""
    waiting = sorted((m["since"][i], i) for i in range(len(m["queued"])) if m["queued"][i] > 0)
    paid = fees = 0
    for _, i in waiting:
        # the largest gross whose net fits in the cash, found by brute force
        gross = m["queued"][i]
        while gross > 0 and gross - gross * fee_ppm // PPM > cash:
            gross -= 1
        if gross == 0:
            continue
        fee = _pay(m, i, gross, fee_ppm)
        cash -= gross - fee
        paid += gross
        fees += fee
    return paid, fees


def pay_pro_rata(m, fee_ppm, ratio_scaled):
    paid = fees = 0
    for i in range(len(m["queued"])):
        gross = m["queued"][i] * ratio_scaled // UNIT_VALUE_SCALE
        if gross > 0:
            paid += gross
            fees += _pay(m, i, gross, fee_ppm)
    return paid, fees


def churn(m, key, probability, fee_ppm, day, pay_now, levels):
    leavers = requested = forfeited = removed = dividend_leavers = fees = 0
    level_moves = [0] * levels
    for i in range(len(m["status"])):
        if m["status"][i] != STATUS_ACTIVE or uniform_py(key, i) >= probability:
            continue
        m["status"][i] = STATUS_CHURNED
        level_moves[m["level"][i]] -= 1
        leavers += 1
        forfeited += m["energy"][i]
        removed += m["contribution"][i]
        dividend_leavers += m["contribution"][i] > 0
        m["energy"][i] = 0
        m["contribution"][i] = 0
        amount = m["balance"][i]
        if amount > 0:
            m["balance"][i] = 0
            requested += amount
            fees += _queue(m, i, amount, fee_ppm, day, pay_now)
    return leavers, requested, forfeited, removed, dividend_leavers, fees, level_moves
