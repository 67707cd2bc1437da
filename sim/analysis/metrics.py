"""Analysis of saved results: solvency, flows, new-money dependency, promises honoured,
member outcomes by join cohort, merchant outcomes, and statistics across replicates.

Everything here reads a run's tables (``daily``, ``ledger``, ``members``) and never runs
a simulation. Money stays in integer cents (sums are int64 or Python ints); ratios,
medians and quantiles are floats. The definitions are in README.md, "Sustainability
analytics".
"""

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy.stats import norm

from sim.core.accounts import ACCOUNT_NAMES, Account

COHORT_DAYS = 30
"""Members are grouped by join "month": days 0–29 are cohort 0, days 30–59 cohort 1, …"""
CONFIDENCE = 0.95
"""Confidence level of the ruin-probability band."""
OUTCOME_QUANTILES = (0.10, 0.25, 0.75, 0.90)

MEMBER_BALANCES = ACCOUNT_NAMES[Account.MEMBER_BALANCES]
NOT_PAYOUT_SOURCES = (ACCOUNT_NAMES[Account.WITHDRAWAL_QUEUE], ACCOUNT_NAMES[Account.OUTSIDE_WORLD])
"""Money reaching members' balances from these accounts is not a payout (a returned
request, or a member's own deposit)."""


def ratio_or_nan(numerator, denominator) -> np.ndarray:
    """``numerator / denominator`` element-wise as floats, NaN where the denominator is 0."""
    numerator = np.asarray(numerator, dtype=np.float64)
    denominator = np.asarray(denominator, dtype=np.float64)
    out = np.full(np.broadcast(numerator, denominator).shape, np.nan)
    return np.divide(numerator, denominator, out=out, where=denominator > 0)


def payouts_by_day_cents(ledger: pd.DataFrame, days: Sequence[int]) -> np.ndarray:
    """Money the platform credited to members' balances on each of ``days`` (int64 cents):
    every ledger flow into ``member_balances`` except from the withdrawal queue or the
    outside world. Counts dividends and, when the scenario has them, every other reward."""
    credited = ledger[(ledger["to_account"] == MEMBER_BALANCES) & ~ledger["from_account"].isin(NOT_PAYOUT_SOURCES)]
    per_day = credited.groupby("day")["amount_cents"].sum()
    return per_day.reindex(list(days), fill_value=0).to_numpy(dtype=np.int64)


def daily_metrics(daily: pd.DataFrame, ledger: pd.DataFrame) -> pd.DataFrame:
    """Day-by-day sustainability series of one run (one row per row of ``daily``):

    - ``coverage_ratio``, ``coverage_ratio_all``: as recorded (cash / hard liabilities,
      cash / all liabilities);
    - ``equity_cents`` = cash − hard liabilities;
    - ``payouts_cents`` and ``payouts_cumulative_cents`` (P): money credited to members;
    - ``release_to_inflow``: cumulative releases / cumulative pool inflow;
    - ``own_means_cents`` = equity + P: operator capital + concession − costs + fees so
      far, what the platform could have paid from its own margin;
    - ``new_money_funded_cents`` = min(P, max(0, −equity)): payouts the platform's own
      means do not cover, so they were (or will be) paid with members' new money;
    - ``new_money_dependency`` = new-money funded / P (NaN before any payout);
    - ``promises_honoured`` = cumulative promises paid (releases and leavers' cash-outs) /
      cumulative promises made (energy granted and the promises' growth).
    """
    days = daily["day"].to_numpy()
    cash = daily["platform_cash_cents"].to_numpy(dtype=np.int64)
    equity = cash - daily["hard_liabilities_cents"].to_numpy(dtype=np.int64)
    payouts = payouts_by_day_cents(ledger, days)
    payouts_cumulative = np.cumsum(payouts)
    new_money_funded = np.minimum(payouts_cumulative, np.maximum(0, -equity))
    released_cumulative = daily["released_cents"].cumsum().to_numpy(dtype=np.int64)
    promises_paid = released_cumulative + daily["exit_cashout_cents"].cumsum().to_numpy(dtype=np.int64)
    promises_made = (daily["energy_granted_cents"] + daily["promise_growth_cents"]).cumsum()
    return pd.DataFrame({
        "day": days,
        "coverage_ratio": daily["coverage_ratio"].to_numpy(),
        "coverage_ratio_all": daily["coverage_ratio_all"].to_numpy(),
        "equity_cents": equity,
        "payouts_cents": payouts,
        "payouts_cumulative_cents": payouts_cumulative,
        "release_to_inflow": ratio_or_nan(released_cumulative, daily["pool_inflow_cents"].cumsum()),
        "own_means_cents": equity + payouts_cumulative,
        "new_money_funded_cents": new_money_funded,
        "new_money_dependency": ratio_or_nan(new_money_funded, payouts_cumulative),
        "promises_honoured": ratio_or_nan(promises_paid, promises_made),
    })


def collapse_day(daily: pd.DataFrame) -> int | None:
    """The first day the platform was insolvent (a withdrawal unpaid for K days), or None."""
    insolvent = daily.loc[daily["insolvent"].astype(bool), "day"]
    return int(insolvent.iloc[0]) if len(insolvent) else None


def first_day(days: pd.Series, condition: pd.Series) -> int | None:
    """The first of ``days`` where ``condition`` holds, or None."""
    hits = days[condition.to_numpy()]
    return int(hits.iloc[0]) if len(hits) else None


def float_or_none(value: float) -> float | None:
    """A plain float, or None for NaN (no value), as JSON wants it; +inf is kept."""
    return None if value is None or math.isnan(value) else float(value)


def run_metrics(daily: pd.DataFrame, ledger: pd.DataFrame) -> dict:
    """Headline sustainability figures of one run (the last day's cumulative values)."""
    series = daily_metrics(daily, ledger)
    last = series.iloc[-1]
    promised = int(daily["energy_granted_cents"].sum() + daily["promise_growth_cents"].sum())
    return {
        "days": int(len(daily)),
        "last_day": int(last["day"]),
        "collapse_day": collapse_day(daily),
        "first_day_under_covered": first_day(series["day"], series["coverage_ratio"] < 1.0),
        "min_coverage_ratio": float(series["coverage_ratio"].min()),
        "final_coverage_ratio": float(last["coverage_ratio"]),
        "final_coverage_ratio_all": float(last["coverage_ratio_all"]),
        "final_cash_cents": int(daily["platform_cash_cents"].iloc[-1]),
        "final_hard_liabilities_cents": int(daily["hard_liabilities_cents"].iloc[-1]),
        "final_contingent_liabilities_cents": int(daily["contingent_liabilities_cents"].iloc[-1]),
        "final_equity_cents": int(last["equity_cents"]),
        "pool_inflow_cents": int(daily["pool_inflow_cents"].sum()),
        "released_cents": int(daily["released_cents"].sum()),
        "payouts_cents": int(last["payouts_cumulative_cents"]),
        "release_to_inflow": float_or_none(last["release_to_inflow"]),
        "own_means_cents": int(last["own_means_cents"]),
        "new_money_funded_cents": int(last["new_money_funded_cents"]),
        "new_money_dependency": float_or_none(last["new_money_dependency"]),
        "new_money_dependency_peak": float_or_none(series["new_money_dependency"].max()),
        "promised_cents": promised,
        "promises_honoured": float_or_none(last["promises_honoured"]),
        "sales_cents": int(daily["sales_cents"].sum()),
        "new_money_cents": int(daily["new_money_cents"].sum()),
        "withdrawn_cents": int(daily["withdrawn_cents"].sum()),
    }


def gini(values) -> float:
    """Gini coefficient of non-negative amounts: Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² x̄), computed on
    the sorted values as Σᵢ (2i − n − 1) x₍ᵢ₎ / (n Σ x) with i = 1..n. 0 when everyone has
    the same, → 1 when one has everything; NaN when there is nobody or nothing to share."""
    x = np.sort(np.asarray(values, dtype=np.int64))
    n = x.size
    if n == 0:
        return math.nan
    if x[0] < 0:
        raise ValueError("the Gini coefficient needs non-negative amounts")
    total = int(x.sum())
    if total == 0:
        return math.nan
    weights = 2.0 * np.arange(1, n + 1) - n - 1  # a rank-weighted sum: float, not a money sum
    return float(np.dot(weights, x.astype(np.float64)) / (n * total))


def outcome_stats(net_cents, received_cents) -> dict:
    """Outcomes of a group of members who paid in: how many, the share with a net below
    zero, the median and quantiles of the net, the exact total net, and the Gini
    coefficient of the cash they received."""
    net = np.asarray(net_cents, dtype=np.int64)
    stats = {"members": int(net.size), "share_losing": math.nan, "median_net_cents": math.nan}
    stats.update({f"q{round(q * 100):02d}_net_cents": math.nan for q in OUTCOME_QUANTILES})
    stats.update(total_net_cents=int(net.sum()), gini_cash_received=gini(received_cents))
    if net.size:
        stats["share_losing"] = float((net < 0).mean())
        stats["median_net_cents"] = float(np.median(net))
        for q, value in zip(OUTCOME_QUANTILES, np.quantile(net, OUTCOME_QUANTILES)):
            stats[f"q{round(q * 100):02d}_net_cents"] = float(value)
    return stats


def paying_members(members: pd.DataFrame) -> pd.DataFrame:
    """Members who paid money in (only they can lose money); the others are left out of
    outcome statistics, as in the run summary."""
    return members[members["new_money_cents"] > 0]


def member_outcomes(members: pd.DataFrame) -> dict:
    """``outcome_stats`` of all members who paid in (net = cash received + goods value −
    money paid in, as ``members.net_cents``)."""
    paying = paying_members(members)
    return outcome_stats(paying["net_cents"], paying["withdrawn_cents"])


def cohort_outcomes(members: pd.DataFrame, cohort_days: int = COHORT_DAYS) -> pd.DataFrame:
    """``outcome_stats`` per join cohort (``cohort_days``-day "months"), one row per cohort
    with at least one member, with the first and last day a member of it joined and
    ``members_joined`` (paying or not)."""
    cohort = members["join_day"].to_numpy() // cohort_days
    rows = []
    for number in np.unique(cohort):
        group = members[cohort == number]
        paying = paying_members(group)
        rows.append({
            "cohort": int(number),
            "first_join_day": int(number * cohort_days),
            "last_join_day": int(group["join_day"].max()),
            "members_joined": int(len(group)),
            **outcome_stats(paying["net_cents"], paying["withdrawn_cents"]),
        })
    return pd.DataFrame(rows)


def merchant_outcomes(daily: pd.DataFrame) -> dict:
    """What merchants got: their number (first day, last day, peak), sales through them,
    the concession they gave up, their share due (sales − concession), what was paid,
    what was still unpaid at the end, and the paid share of what was due."""
    sales = int(daily["sales_cents"].sum())
    concession = int(daily["concession_cents"].sum())
    due = sales - concession
    paid = int(daily["merchant_paid_cents"].sum())
    merchants = daily["merchants_active"]
    return {
        "merchants_first_day": int(merchants.iloc[0]),
        "merchants_last_day": int(merchants.iloc[-1]),
        "merchants_peak": int(merchants.max()),
        "sales_cents": sales,
        "concession_cents": concession,
        "due_cents": due,
        "paid_cents": paid,
        "unpaid_cents": due - paid,
        "paid_share": paid / due if due > 0 else None,
    }


def wilson_interval(successes: int, trials: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion (Wilson 1927):
    (p̂ + z²/2n ± z √(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n), z the normal quantile."""
    if trials < 1:
        raise ValueError("a proportion needs at least one trial")
    z = float(norm.ppf(0.5 + confidence / 2))
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def ruin_probability(collapse_days: Sequence[int | None], horizon_days: int,
                     confidence: float = CONFIDENCE) -> pd.DataFrame:
    """Ruin probability by day t for t = 0 .. horizon − 1: the share of replicates that
    collapsed on or before t, with its Wilson interval (``low``, ``high``)."""
    trials = len(collapse_days)
    collapsed_days = np.array([day for day in collapse_days if day is not None], dtype=np.int64)
    days = np.arange(horizon_days)
    collapsed = np.searchsorted(np.sort(collapsed_days), days, side="right")
    bands = [wilson_interval(int(k), trials, confidence) for k in collapsed]
    return pd.DataFrame({
        "day": days,
        "collapsed": collapsed,
        "replicates": trials,
        "probability": collapsed / trials,
        "low": [low for low, _ in bands],
        "high": [high for _, high in bands],
    })


def collapse_day_distribution(collapse_days: Sequence[int | None]) -> dict:
    """How many replicates collapsed, their share, and the quartiles of their collapse
    days (None when none collapsed)."""
    collapsed = np.array([day for day in collapse_days if day is not None], dtype=np.int64)
    stats = {"replicates": len(collapse_days), "collapsed": int(collapsed.size),
             "share_collapsed": collapsed.size / len(collapse_days) if len(collapse_days) else None}
    for name, q in (("min", 0.0), ("q25", 0.25), ("median", 0.5), ("q75", 0.75), ("max", 1.0)):
        stats[f"{name}_day"] = float(np.quantile(collapsed, q)) if collapsed.size else None
    return stats


def stress_table(results: Mapping, parameter: str) -> pd.DataFrame:
    """``run_metrics`` of several runs that differ in one parameter: one row per run,
    the parameter's value in column ``parameter``. ``results`` maps value → RunResult."""
    return pd.DataFrame([{parameter: value, **run_metrics(result.daily, result.ledger)}
                         for value, result in results.items()])
