"""What a run records while it runs: the daily row and the run summary, computed from the
ledger, the running aggregates and the member arrays (vectorised numpy, never a Python
loop over members). Analysis of saved results lives in ``sim.analysis.metrics``."""


import numpy as np

from sim.core.accounts import Account
from sim.results.tables import DAILY_COLUMNS, ratio


def daily_row(sim) -> dict:
    """The day's metrics: flows from ``sim.today``, stocks from the ledger and aggregates."""
    ledger = sim.ledger
    cash = ledger.platform_cash()
    hard = ledger.hard_liabilities()
    contingent = sim.totals.energy_outstanding_cents
    row = dict(sim.today)
    row.update(
        day=sim.day,
        members_total=sim.members.count,
        members_active=sim.totals.members_active,
        members_in_dividend=sim.totals.members_in_dividend,
        merchants_active=int(sim.merchants.view("active").sum()),
        pool_balance_cents=ledger.balance(Account.DIVIDEND_POOL),
        honorary_pool_balance_cents=ledger.balance(Account.HONORARY_POOL),
        withdrawals_unpaid_cents=ledger.balance(Account.WITHDRAWAL_QUEUE),
        platform_cash_cents=cash,
        platform_own_funds_cents=ledger.balance(Account.PLATFORM_MARGIN) + ledger.balance(Account.WITHDRAWAL_FEES),
        hard_liabilities_cents=hard,
        contingent_liabilities_cents=contingent,
        coverage_ratio=ratio(cash, hard),
        coverage_ratio_all=ratio(cash, hard + contingent),
    )
    return {column: row[column] for column in DAILY_COLUMNS}


def run_summary(sim, daily, net) -> dict:
    """Headline figures of a whole run (see README, "What each metric means"); ``net`` is
    each member's ``member_net_cents``."""
    ledger = sim.ledger
    paid_in = sim.members.view("new_money_cents") > 0
    promised = sim.totals.promised_cents
    return {
        "days": int(len(daily)),
        "collapse_day": sim.totals.collapse_day,
        "members_final": int(sim.members.count),
        "members_active_final": int(sim.totals.members_active),
        "member_days": int(daily["members_total"].sum()),
        "total_sales_cents": int(daily["sales_cents"].sum()),
        "total_new_money_cents": int(daily["new_money_cents"].sum()),
        "total_withdrawn_cents": int(daily["withdrawn_cents"].sum()),
        "total_fees_cents": int(daily["withdrawal_fees_cents"].sum()),
        "promised_cents": int(promised),
        "paid_cents": int(sim.totals.released_cents),
        "promises_honoured_share": sim.totals.released_cents / promised if promised else None,
        "share_members_losing": float((net[paid_in] < 0).mean()) if paid_in.any() else None,
        "median_member_net_cents": float(np.median(net[paid_in])) if paid_in.any() else None,
        "final_platform_cash_cents": int(ledger.platform_cash()),
        "final_hard_liabilities_cents": int(ledger.hard_liabilities()),
        "final_contingent_liabilities_cents": int(sim.totals.energy_outstanding_cents),
        "ledger_balanced": bool(sim.totals.ledger_balanced),
        "total_extracted_cents": int(sim.totals.extracted_cents),
        "ended_by": ended_by(sim),
    }


def ended_by(sim) -> str:
    """How the run ended: ``absconding`` (the operator took the cash), ``insolvency`` (it
    stopped at the collapse day) or ``horizon`` (it ran every day, collapsed or not)."""
    if sim.totals.absconded_day is not None:
        return "absconding"
    if len(sim.rows) < sim.rules.days:
        return "insolvency"
    return "horizon"
