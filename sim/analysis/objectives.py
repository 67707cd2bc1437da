"""What a design search can score one run by: the named figures of ``replicate_metrics``,
taken from a run's summary and its daily and ledger tables.

``circsim optimize`` (``sim.experiments.optimize``) averages these over a trial's replicates
and adds the trial-level ``ruin_probability`` and ``ruin_upper``; the names here are the
ones a user may give to ``--objective``, ``--constraint`` and ``discover --metric``.
"""

import math

import pandas as pd

from sim.analysis.metrics import run_metrics
from sim.core.accounts import ACCOUNT_NAMES, Account

SUMMARY_METRICS = (
    "promises_honoured_share", "share_members_losing", "median_member_net_cents", "members_final",
    "members_active_final", "total_sales_cents", "total_new_money_cents", "total_withdrawn_cents",
    "total_fees_cents", "promised_cents", "paid_cents", "final_platform_cash_cents",
    "final_hard_liabilities_cents", "final_contingent_liabilities_cents",
)
"""Figures of a run's ``summary`` (``RunResult.summary``) a search may use."""
RUN_METRICS = (
    "min_coverage_ratio", "final_coverage_ratio", "final_coverage_ratio_all", "final_equity_cents",
    "payouts_cents", "own_means_cents", "new_money_dependency", "new_money_dependency_peak", "release_to_inflow",
)
"""Figures of ``sim.analysis.metrics.run_metrics`` a search may use."""
OPERATOR_ACCOUNTS = (ACCOUNT_NAMES[Account.PLATFORM_MARGIN], ACCOUNT_NAMES[Account.WITHDRAWAL_FEES])
"""The accounts whose money is the operator's own (docs/MODEL.md §16)."""
REPLICATE_METRICS = (*SUMMARY_METRICS, *RUN_METRICS, "operator_margin")
"""Every figure ``replicate_metrics`` returns, in its order."""


def operator_margin_cents(ledger: pd.DataFrame) -> int:
    """What the operator kept over the run (int cents): the net ledger flow into its own
    accounts (``platform_margin`` and ``withdrawal_fees``) from every other account,

        Σ flows into {margin, fees} − Σ flows out of {margin, fees},

    that is the merchants' concessions and the purchases paid from balances, less the
    merchants' share, the pool and honorary inflows, referral rewards and operating
    costs, plus the withdrawal fees (docs/MODEL.md §16, the chart of accounts). Flows
    between the two accounts cancel. Exact: an integer sum of integer cents."""
    into = ledger["to_account"].isin(OPERATOR_ACCOUNTS)
    out_of = ledger["from_account"].isin(OPERATOR_ACCOUNTS)
    amounts = ledger["amount_cents"]
    return int(amounts[into & ~out_of].sum()) - int(amounts[out_of & ~into].sum())


def operator_margin(ledger: pd.DataFrame, daily: pd.DataFrame) -> float:
    """The operator's margin as a share of sales: ``operator_margin_cents / Σ sales_cents``
    (NaN for a run without sales). Negative when the platform paid out more of its own
    money than it kept."""
    sales_cents = int(daily["sales_cents"].sum())
    return operator_margin_cents(ledger) / sales_cents if sales_cents else math.nan


def replicate_metrics(summary: dict, daily: pd.DataFrame, ledger: pd.DataFrame) -> dict[str, float]:
    """The ``REPLICATE_METRICS`` of one run as floats (NaN where a figure has no value, e.g.
    ``promises_honoured_share`` of a run that promised nothing), from its ``summary`` dict
    and its ``daily`` and ``ledger`` tables (``sim.results.tables`` layout)."""
    headline = run_metrics(daily, ledger)
    figures = {name: summary[name] for name in SUMMARY_METRICS}
    figures |= {name: headline[name] for name in RUN_METRICS}
    figures["operator_margin"] = operator_margin(ledger, daily)
    return {name: math.nan if value is None else float(value) for name, value in figures.items()}
