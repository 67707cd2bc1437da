"""Plain-Python twins of ``sim.kernels.release``: the release rules, one member at a time,
on Python integers, with the kernels' money rules."""

from sim.core.units import QUEUE_NONE, QUEUE_PENDING
from sim.kernels.money_rules import fixed_rate_payment, rate_of, split_payment


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


def release_split(m, value_numerator, value_denominator, exact):
    out = [0, 0, 0, 0]
    for i in range(len(m["contribution"])):
        units = m["contribution"][i]
        if units == 0:
            continue
        paid, exited, removed = _pay_dividend(m, i, split_payment(units, value_numerator, value_denominator, exact))
        out = [out[0] + paid, out[1] + exited, out[2] + removed, out[3] + (removed > 0)]
    return out


def promise_growth(m, rate_ppb):
    """Every remaining promise grows by its rate; returns the growth."""
    grown = 0
    for i in range(len(m["energy"])):
        growth = rate_of(m["energy"][i], rate_ppb)
        m["energy"][i] += growth
        grown += growth
    return grown


def fixed_rate(m, rate_ppb):
    out = [0, 0, 0, 0]
    for i in range(len(m["energy"])):
        if m["energy"][i] == 0:
            continue
        paid, exited, removed = _pay_dividend(m, i, fixed_rate_payment(m["energy"][i], rate_ppb))
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


def mature_grants(m, grants, mark_queue_entries):
    """Each member's grant [energy, contribution, rights] joins its live ones; returns
    (contribution added, members entering the dividend)."""
    added = entries = 0
    for i, (energy, units, rights) in enumerate(grants):
        if mark_queue_entries and m["energy"][i] == 0 and energy > 0:
            m["queue_position"][i] = QUEUE_PENDING
        entries += m["contribution"][i] == 0 and units > 0
        m["energy"][i] += energy
        m["contribution"][i] += units
        m["rights"][i] += rights
        added += units
    return added, entries
