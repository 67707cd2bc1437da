"""Plain-Python twins of ``sim.kernels.withdrawals``: requests and the ways of paying the
queue, one member at a time, on Python integers, with the kernels' money rules."""

from sim.core.rng import uniform_py
from sim.core.units import NO_DAY, STATUS_ACTIVE
from sim.kernels.money_rules import net_of_fee, pro_rata_gross, withdrawal_fee, withdrawal_request


def pay(m, i, gross, fee_ppm):
    """Pay ``gross`` of member i's queue; returns the fee kept."""
    fee = withdrawal_fee(gross, fee_ppm)
    m["queued"][i] -= gross
    m["withdrawn"][i] += gross - fee
    if m["queued"][i] == 0:
        m["since"][i] = NO_DAY
    return fee


def queue_request(m, i, amount, fee_ppm, day, pay_now):
    """Queue ``amount``, then pay it at once when ``pay_now``; returns the fee kept."""
    m["queued"][i] += amount
    if m["since"][i] == NO_DAY:
        m["since"][i] = day
    return pay(m, i, amount, fee_ppm) if pay_now else 0


def requests(m, key, probability, share_ppm, amount_cents, min_cents, fee_ppm, day, pay_now):
    count = requested = fees = 0
    for i in range(len(m["status"])):
        if m["status"][i] != STATUS_ACTIVE or m["balance"][i] < min_cents:
            continue
        if uniform_py(key, i) >= probability:
            continue
        amount = withdrawal_request(m["balance"][i], share_ppm, amount_cents)
        if amount < min_cents:
            continue
        m["balance"][i] -= amount
        fees += queue_request(m, i, amount, fee_ppm, day, pay_now)
        count += 1
        requested += amount
    return count, requested, fees


def pay_all(m, fee_ppm):
    paid = fees = 0
    for i in range(len(m["queued"])):
        if m["queued"][i] > 0:
            paid += m["queued"][i]
            fees += pay(m, i, m["queued"][i], fee_ppm)
    return paid, fees


def pay_fifo(m, fee_ppm, cash):
    """First come first served: by request day, then member index."""
    waiting = sorted((m["since"][i], i) for i in range(len(m["queued"])) if m["queued"][i] > 0)
    paid = fees = 0
    for _, i in waiting:
        # the largest gross whose net fits in the cash, found by brute force
        gross = m["queued"][i]
        while gross > 0 and net_of_fee(gross, fee_ppm) > cash:
            gross -= 1
        if gross == 0:
            continue
        fee = pay(m, i, gross, fee_ppm)
        cash -= gross - fee
        paid += gross
        fees += fee
    return paid, fees


def pay_pro_rata(m, fee_ppm, ratio_scaled):
    paid = fees = 0
    for i in range(len(m["queued"])):
        gross = pro_rata_gross(m["queued"][i], ratio_scaled)
        if gross > 0:
            paid += gross
            fees += pay(m, i, gross, fee_ppm)
    return paid, fees
