"""Plain-Python twins of the numba kernels: the same rules, one member at a time, on
Python integers. Tests compare each kernel with its twin exactly."""

from sim.rng import uniform_py
from sim.types import MILLI_UNITS_PER_UNIT, NO_DAY, PPM, STATUS_ACTIVE, STATUS_CHURNED, UNIT_VALUE_SCALE


def purchases(m, buy_key, basket_key, merchant_key, probability, price_table, repurchase_ppm,
              multiple_ppm, unit_price, concession_ppm, pool_ppm):
    """m: dict of lists. Returns (totals dict, merchant sales list)."""
    totals = dict(purchases=0, sales=0, new_money=0, repurchased=0, concession=0, pool=0,
                  energy=0, contribution=0, entries=0)
    merchant_sales = [0] * len(concession_ppm)
    for i in range(len(m["status"])):
        if m["status"][i] != STATUS_ACTIVE or uniform_py(buy_key, i) >= probability:
            continue
        price = int(price_table[int(uniform_py(basket_key, i) * len(price_table))])
        from_balance = min(m["balance"][i], price * repurchase_ppm // PPM)
        m["balance"][i] -= from_balance
        m["new_money"][i] += price - from_balance
        m["goods"][i] += price
        merchant = int(uniform_py(merchant_key, i) * len(concession_ppm))
        merchant_sales[merchant] += price
        energy = price * multiple_ppm // PPM
        contribution = price * MILLI_UNITS_PER_UNIT // unit_price
        if m["contribution"][i] == 0 and contribution > 0:
            totals["entries"] += 1
        m["energy"][i] += energy
        m["contribution"][i] += contribution
        totals["purchases"] += 1
        totals["sales"] += price
        totals["new_money"] += price - from_balance
        totals["repurchased"] += from_balance
        totals["concession"] += price * concession_ppm[merchant] // PPM
        totals["pool"] += price * pool_ppm // PPM
        totals["energy"] += energy
        totals["contribution"] += contribution
    return totals, merchant_sales


def release_pool(m, unit_value_scaled):
    released = exits = removed = 0
    for i in range(len(m["contribution"])):
        units = m["contribution"][i]
        if units == 0:
            continue
        payment = units * unit_value_scaled // UNIT_VALUE_SCALE
        if payment >= m["energy"][i]:
            payment = m["energy"][i]
            m["contribution"][i] = 0
            exits += 1
            removed += units
        m["energy"][i] -= payment
        m["balance"][i] += payment
        released += payment
    return released, exits, removed


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


def churn(m, key, probability, fee_ppm, day, pay_now):
    leavers = requested = forfeited = removed = dividend_leavers = fees = 0
    for i in range(len(m["status"])):
        if m["status"][i] != STATUS_ACTIVE or uniform_py(key, i) >= probability:
            continue
        m["status"][i] = STATUS_CHURNED
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
    return leavers, requested, forfeited, removed, dividend_leavers, fees
