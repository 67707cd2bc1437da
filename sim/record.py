"""What a run records while it runs: the daily row and the run summary, computed from the
ledger, the running aggregates and the member arrays (vectorised numpy, never a Python
loop over members). Analysis of saved results lives in ``sim.metrics``."""

import math

import numpy as np

from sim.ledger import Account
from sim.types import PPM

DAILY_COLUMNS = (
    "day", "members_total", "members_active", "members_in_dividend", "members_with_level",
    "merchants_active", "merchants_joined", "merchants_left",
    "arrivals", "referred", "churned", "attractiveness", "churn_probability",
    "purchases", "gift_purchases", "sales_cents", "gift_sales_cents", "new_money_cents",
    "repurchased_cents", "concession_cents", "merchant_paid_cents",
    "pool_inflow_cents", "pool_balance_cents", "platform_top_up_cents",
    "honorary_inflow_cents", "honorary_paid_cents", "honorary_pool_balance_cents",
    "referral_contribution_milli", "referral_rewards_cents", "level_upgrades",
    "energy_granted_cents", "released_cents", "exits", "unit_value", "yield_per_day",
    "withdrawal_probability", "withdrawal_requests", "withdrawal_requested_cents", "withdrawn_cents",
    "withdrawal_fees_cents", "withdrawals_unpaid_cents", "failed_withdrawals", "unpaid_share",
    "operating_costs_cents", "platform_cash_cents", "platform_own_funds_cents", "hard_liabilities_cents",
    "contingent_liabilities_cents", "coverage_ratio", "coverage_ratio_all", "insolvent",
)
FLOAT_COLUMNS = ("attractiveness", "churn_probability", "unit_value", "yield_per_day",
                 "withdrawal_probability", "unpaid_share", "coverage_ratio", "coverage_ratio_all")


def ratio(numerator: int, denominator: int) -> float:
    """``numerator / denominator`` as a float, +inf when nothing is owed."""
    return numerator / denominator if denominator > 0 else math.inf


def daily_row(sim) -> dict:
    """The day's metrics: flows from ``sim.today``, stocks from the ledger and aggregates."""
    ledger = sim.ledger
    cash = ledger.platform_cash()
    hard = ledger.hard_liabilities()
    contingent = sim.energy_outstanding_cents
    row = dict(sim.today)
    row.update(
        day=sim.day,
        members_total=sim.members.count,
        members_active=sim.members_active,
        members_in_dividend=sim.members_in_dividend,
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


def member_net_cents(members, goods_value_ppm: int) -> np.ndarray:
    """Each member's real gain: cash received + value of goods − money paid in (cents)."""
    goods_value = members.view("goods_cents") * goods_value_ppm // PPM
    return members.view("withdrawn_cents") + goods_value - members.view("new_money_cents")


def run_summary(sim, daily, net) -> dict:
    """Headline figures of a whole run (see README, "What each metric means"); ``net`` is
    each member's ``member_net_cents``."""
    ledger = sim.ledger
    paid_in = sim.members.view("new_money_cents") > 0
    promised = sim.promised_cents
    return {
        "days": int(len(daily)),
        "collapse_day": sim.collapse_day,
        "members_final": int(sim.members.count),
        "members_active_final": int(sim.members_active),
        "member_days": int(daily["members_total"].sum()),
        "total_sales_cents": int(daily["sales_cents"].sum()),
        "total_new_money_cents": int(daily["new_money_cents"].sum()),
        "total_withdrawn_cents": int(daily["withdrawn_cents"].sum()),
        "total_fees_cents": int(daily["withdrawal_fees_cents"].sum()),
        "promised_cents": int(promised),
        "paid_cents": int(sim.released_cents),
        "promises_honoured_share": sim.released_cents / promised if promised else None,
        "share_members_losing": float((net[paid_in] < 0).mean()) if paid_in.any() else None,
        "median_member_net_cents": float(np.median(net[paid_in])) if paid_in.any() else None,
        "final_platform_cash_cents": int(ledger.platform_cash()),
        "final_hard_liabilities_cents": int(ledger.hard_liabilities()),
        "final_contingent_liabilities_cents": int(sim.energy_outstanding_cents),
        "ledger_balanced": bool(sim.ledger_balanced),
    }
