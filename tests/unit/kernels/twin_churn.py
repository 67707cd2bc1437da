"""Plain-Python twin of ``sim.kernels.churn``."""

from sim.core.rng import uniform_py
from sim.core.units import STATUS_ACTIVE, STATUS_CHURNED
from tests.unit.kernels.twin_withdrawals import queue_request


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
            fees += queue_request(m, i, amount, fee_ppm, day, pay_now)
    return leavers, requested, forfeited, removed, dividend_leavers, fees, level_moves
