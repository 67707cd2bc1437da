"""Plain-Python twins of ``sim.kernels.referrals``: referrer assignment and upline credit,
one member at a time, on Python integers, with the kernels' money rules."""

from sim.core.rng import uniform_py
from sim.core.units import STATUS_ACTIVE
from sim.kernels.money_rules import share_of
from tests.unit.kernels.twin_levels import lowest_above
from tests.unit.kernels.twin_purchases import contribution_of, draw_basket


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
                    added = share_of(units, int(contribution_ppm[generation]))
                    entries += m["contribution"][upline] == 0 and added > 0
                    m["contribution"][upline] += added
                    reward = share_of(price, int(cash_ppm[generation]))
                    m["balance"][upline] += reward
                    credited += added
                    rewards += reward
            upline = m["referrer"][upline]
    return credited, rewards, entries
