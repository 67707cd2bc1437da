"""The day is remembered: mood, the ledger's daily flows and the row of daily metrics. See docs/MODEL.md §15, §17."""

from sim.behaviour import sentiment
from sim.core.accounts import Account
from sim.engine.daily_record import daily_row
from sim.scenario.exact_range import check_totals

WRITES = (
    "day", "members_total", "members_active", "members_in_dividend", "merchants_active", "pool_balance_cents",
    "honorary_pool_balance_cents", "withdrawals_unpaid_cents", "platform_cash_cents", "platform_own_funds_cents",
    "hard_liabilities_cents", "contingent_liabilities_cents", "coverage_ratio", "coverage_ratio_all",
    "yield_per_day", "unpaid_share",
)
"""The daily columns this phase starts (``sim.today``)."""


def play(sim) -> None:
    """Remember the day's mood, stop the run if a running total could leave the range counted
    exactly on the next day (``check_totals``), check the ledger sums to zero, file the
    day's row of metrics and close the ledger's day."""
    remember_the_day(sim)
    check_totals({**vars(sim.totals), "platform_cash_cents": abs(sim.ledger.platform_cash())}, sim.daily_bounds,
                 sim.day, compounding_rates_ppb(sim.rules))
    sim.totals.ledger_balanced &= sim.ledger.total() == 0
    sim.rows.append(daily_row(sim))
    sim.ledger.close_day(sim.day)


def compounding_rates_ppb(rules) -> dict[str, int]:
    """The daily rates (ppb) at which running totals compound on their own: promises by
    their growth rate (§9.8), cash by its interest (§14)."""
    growth = rules.promise_growth_ppb
    return {"energy_outstanding_cents": growth, "promised_cents": growth, "platform_cash_cents": rules.interest_ppb}


def remember_the_day(sim) -> None:
    """Fold the day's yield and unpaid share of withdrawals into members' mood."""
    paid = sim.today["released_cents"] + sim.today["honorary_paid_cents"]
    base = sim.totals.contingent_before_release_cents
    unpaid = sim.ledger.balance(Account.WITHDRAWAL_QUEUE)
    due = unpaid + sim.totals.withdrawn_gross_today_cents
    yield_today = paid / base if base > 0 else sim.mood.yield_per_day
    unpaid_share = unpaid / due if due > 0 else 0.0
    sentiment.remember(sim.mood, sim.rules, yield_today, unpaid_share)
    sim.today.update(yield_per_day=yield_today, unpaid_share=unpaid_share)
