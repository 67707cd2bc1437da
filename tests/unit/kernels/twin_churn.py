"""Plain-Python twin of ``sim.kernels.churn``."""

from sim.core.rng import uniform_py
from sim.core.units import STATUS_ACTIVE, STATUS_CHURNED
from sim.kernels.money_rules import share_of
from tests.unit.kernels.twin_withdrawals import queue_request


def churn(m, key, probability, cashout_ppm, fee_ppm, day, pay_now, levels, pending=None):
    """``pending``: lists of [energy, contribution, rights] grants per member, or None."""
    leavers = requested = forfeited = removed = dividend_leavers = fees = cashed_out = 0
    level_moves = [0] * levels
    for i in range(len(m["status"])):
        if m["status"][i] != STATUS_ACTIVE or uniform_py(key, i) >= probability:
            continue
        m["status"][i] = STATUS_CHURNED
        level_moves[m["level"][i]] -= 1
        leavers += 1
        if pending is not None:  # a leaver's pending grants join its promise; their contribution goes
            m["energy"][i] += sum(grant[0] for grant in pending[i])
            pending[i] = []
        claim = share_of(m["energy"][i], cashout_ppm)
        cashed_out += claim
        forfeited += m["energy"][i] - claim
        removed += m["contribution"][i]
        dividend_leavers += m["contribution"][i] > 0
        m["energy"][i] = 0
        m["contribution"][i] = 0
        amount = m["balance"][i] + claim
        if amount > 0:
            m["balance"][i] = 0
            requested += amount
            fees += queue_request(m, i, amount, fee_ppm, day, pay_now)
    return leavers, requested, forfeited, removed, dividend_leavers, fees, cashed_out, level_moves
