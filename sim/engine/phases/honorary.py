"""The honorary pool's daily share, split by level weight. See docs/MODEL.md §10."""

import numpy as np

from sim.core.accounts import Account
from sim.core.units import PPB
from sim.engine.phases.common import chunk_totals, unit_value
from sim.kernels.honorary import N_HONORARY_TOTALS, honorary_kernel

WRITES = ("honorary_paid_cents",)
"""The daily columns this phase starts (``sim.today``)."""


def play(sim) -> None:
    """The honorary pool's daily share is split among members at level ≥ 1 by
    level weight."""
    members, ledger = sim.members, sim.ledger
    payment_by_level = _honorary_payments(sim)
    paid = 0
    if payment_by_level.any():
        totals = chunk_totals(N_HONORARY_TOTALS)
        honorary_kernel(members.count, members.status, members.level, members.balance_cents, payment_by_level, totals)
        paid = int(totals.sum())
    ledger.post(Account.HONORARY_POOL, Account.MEMBER_BALANCES, paid, "honorary_dividend")
    sim.today["honorary_paid_cents"] = paid


def _honorary_payments(sim) -> np.ndarray:
    """Each level's honorary dividend today: the day's share of the honorary pool split by
    level weight over the active members at each level, floored; 0 at level 0 and at levels
    nobody holds. On Python integers, exact at any magnitude (``unit_value``)."""
    rules = sim.rules
    budget = sim.ledger.balance(Account.HONORARY_POOL) * rules.honorary_release_ppb // PPB
    total_weight = int((sim.totals.level_counts * rules.level_honorary_weight_ppm).sum())
    if budget == 0 or total_weight == 0:
        return np.zeros(len(sim.totals.level_counts), dtype=np.int64)
    numerator, denominator, _ = unit_value(budget, total_weight)
    weights_and_counts = zip(rules.level_honorary_weight_ppm, sim.totals.level_counts)
    return np.array([int(weight) * numerator // denominator if count else 0 for weight, count in weights_and_counts],
                    dtype=np.int64)
