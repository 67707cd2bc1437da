"""Merchants remember their sales and leave when sales fall or payment is late. See docs/MODEL.md §13."""

from sim.core import rng
from sim.core.accounts import Account
from sim.engine import merchants as merchant_rules

WRITES = ()  # it adds the day's leavers to merchants_left (started by events)
"""The daily columns this phase starts (``sim.today``)."""


def play(sim) -> None:
    """Merchants remember their sales and leave when sales fall too low or when the
    platform has owed them money for too long."""
    rules, ledger = sim.rules, sim.ledger
    merchant_rules.remember_sales(sim.merchants, rules, sim.totals.merchant_sales_today)
    left = merchant_rules.leave_for_low_sales(sim.merchants, rules, sim.day)
    owing = ledger.balance(Account.MERCHANTS_PAYABLE) > 0
    sim.totals.merchants_unpaid_days = sim.totals.merchants_unpaid_days + 1 if owing else 0
    if sim.totals.merchants_unpaid_days >= rules.unpaid_patience_days:
        left += merchant_rules.leave_by_draw(sim.merchants, rules, rules.unpaid_exit_probability_per_day,
                                             sim.day, rng.STREAM_MERCHANT_EXIT)
    sim.today["merchants_left"] += left
