"""The tables of a run folder: the columns of ``daily.parquet`` and how the daily rows and
the member arrays become DataFrames (``members.parquet``)."""

import math

import numpy as np
import pandas as pd

from sim.core.units import PPM

DAILY_COLUMNS = (
    "day", "members_total", "members_active", "members_in_dividend", "members_with_level",
    "merchants_active", "merchants_joined", "merchants_left",
    "arrivals", "referred", "churned", "exit_cashout_cents", "attractiveness", "churn_probability",
    "purchases", "gift_purchases", "sales_cents", "gift_sales_cents", "new_money_cents",
    "repurchased_cents", "concession_cents", "merchant_paid_cents",
    "pool_inflow_cents", "pool_balance_cents", "platform_top_up_cents",
    "honorary_inflow_cents", "honorary_paid_cents", "honorary_pool_balance_cents",
    "referral_contribution_milli", "referral_rewards_cents", "level_upgrades",
    "energy_granted_cents", "promise_growth_cents", "released_cents", "exits", "unit_value", "yield_per_day",
    "withdrawal_probability", "withdrawal_requests", "withdrawal_requested_cents", "withdrawn_cents",
    "withdrawal_fees_cents", "withdrawals_unpaid_cents", "failed_withdrawals", "unpaid_share",
    "interest_cents", "operating_costs_cents", "extracted_cents", "platform_cash_cents", "platform_own_funds_cents", "hard_liabilities_cents",
    "contingent_liabilities_cents", "coverage_ratio", "coverage_ratio_all", "insolvent",
)


FLOAT_COLUMNS = ("attractiveness", "churn_probability", "unit_value", "yield_per_day",
                 "withdrawal_probability", "unpaid_share", "coverage_ratio", "coverage_ratio_all")


def ratio(numerator: int, denominator: int) -> float:
    """``numerator / denominator`` as a float, +inf when nothing is owed."""
    return numerator / denominator if denominator > 0 else math.inf


def member_net_cents(members, goods_value_ppm: int) -> np.ndarray:
    """Each member's real gain: cash received + value of goods − money paid in (cents)."""
    goods_value = members.view("goods_cents") * goods_value_ppm // PPM
    return members.view("withdrawn_cents") + goods_value - members.view("new_money_cents")


def daily_frame(rows: list[dict]) -> pd.DataFrame:
    """The daily rows as a DataFrame with fixed column order and dtypes."""
    frame = pd.DataFrame(rows, columns=list(DAILY_COLUMNS))
    types = {column: ("float64" if column in FLOAT_COLUMNS else "int64") for column in DAILY_COLUMNS}
    types["insolvent"] = "bool"
    return frame.astype(types)


def build_members_frame(members, goods_value_ppm: int) -> pd.DataFrame:
    """Final per-member outcomes (cohort analysis reads this)."""
    return pd.DataFrame(copy=False, data={
        "join_day": members.view("join_day"),
        "status": members.view("status"),
        "new_money_cents": members.view("new_money_cents"),
        "goods_cents": members.view("goods_cents"),
        "withdrawn_cents": members.view("withdrawn_cents"),
        "balance_cents": members.view("balance_cents"),
        "queued_cents": members.view("queued_cents"),
        "energy_cents": members.view("energy_cents"),
        "level": members.view("level"),
        "referrer": members.view("referrer"),
        "direct_referrals": members.view("direct_referrals"),
        "net_cents": member_net_cents(members, goods_value_ppm),
    })
