"""Early-warning indicators: daily series an outsider could follow (bank statements of the
platform's accounts, its published balances), each with thresholds at which it "warns",
and how well each warning foretells a collapse across many runs.

The indicators (docs/MODEL.md, "Early-warning indicators"), with cash C(t), hard
liabilities H(t), new money N(t) and cash paid to members W(t) of day t:

- ``net_inflow``: the net flow of money into the platform over the last
  ``TREND_DAYS`` days relative to the cash it held before, (C(t) − C(t − 30)) / C(t − 30);
  warns at or below a threshold (it shrinks).
- ``new_money_payout_share``: the share of payouts so far funded by new money, the
  new-money dependency D(t) of ``sim.analysis.metrics.daily_metrics``; warns at or above.
- ``coverage_trend``: the relative change of the coverage ratio C / H over the last
  ``TREND_DAYS`` days, cov(t) / cov(t − 30) − 1; warns at or below (a falling ratio).
- ``net_fund_flux``: the fund flux of Zhu, Fu, Zhang & Chen (2017), "Ponzi scheme
  diffusion in complex networks", Physica A 479: 128–136: money in from investors minus
  money out to them, whose zero crossing they found to precede the collapse. Here over the
  last ``FLUX_DAYS`` days relative to the money in, Σ(N − W) / Σ N; warns at or below
  (threshold 0 is their zero crossing).

Money sums are exact integer cents; only the ratios are floats. A day without a value
(too early for the window, nothing to compare with) never warns.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.analysis.metrics import daily_metrics

TREND_DAYS = 30
FLUX_DAYS = 7


@dataclass(frozen=True)
class Indicator:
    """A daily indicator, the direction in which it warns and its thresholds."""

    name: str
    meaning: str
    warns_when: str
    """``"at_or_below"`` or ``"at_or_above"`` a threshold."""
    thresholds: tuple[float, ...]

    def warns(self, values: np.ndarray, threshold: float) -> np.ndarray:
        """Boolean array: the days ``values`` warn at ``threshold`` (NaN never warns)."""
        with np.errstate(invalid="ignore"):
            return values <= threshold if self.warns_when == "at_or_below" else values >= threshold


INDICATORS = (
    Indicator("net_inflow", f"change of the platform's cash over {TREND_DAYS} days / cash before", "at_or_below",
              (0.0, -0.1, -0.25)),
    Indicator("new_money_payout_share", "share of payouts so far funded by new money (new-money dependency)",
              "at_or_above", (0.05, 0.25, 0.5)),
    Indicator("coverage_trend", f"relative change of cash / hard liabilities over {TREND_DAYS} days", "at_or_below",
              (-0.25, -0.5, -0.75)),
    Indicator("net_fund_flux", f"(new money - cash paid to members) / new money over {FLUX_DAYS} days "
              "(Zhu et al. 2017)", "at_or_below", (0.5, 0.25, 0.0)),
)


def trailing_sum(values: np.ndarray, days: int) -> np.ndarray:
    """Σ of the last ``days`` values up to each day (int64, exact); the first ``days − 1``
    days hold the sum of what there is so far."""
    total = np.cumsum(np.asarray(values, dtype=np.int64))
    earlier = np.concatenate([np.zeros(days, dtype=np.int64), total[:-days]])[: total.size]
    return total - earlier


def relative_change(values: np.ndarray, days: int) -> np.ndarray:
    """values(t) / values(t − days) − 1 as floats; NaN for the first ``days`` days and where
    either value is not a positive finite number."""
    values = np.asarray(values, dtype=np.float64)
    out = np.full(values.size, np.nan)
    now, before = values[days:], values[:-days]
    usable = np.isfinite(now) & np.isfinite(before) & (before > 0)
    out[days:][usable] = now[usable] / before[usable] - 1.0
    return out


def indicator_series(daily: pd.DataFrame, ledger: pd.DataFrame) -> pd.DataFrame:
    """The indicators of one run, one row per row of ``daily`` (columns ``day`` and one per
    indicator of ``INDICATORS``, floats; NaN where undefined)."""
    new_money = trailing_sum(daily["new_money_cents"], FLUX_DAYS)
    paid_out = trailing_sum(daily["withdrawn_cents"], FLUX_DAYS)
    flux = np.full(len(daily), np.nan)
    has_inflow = new_money > 0
    flux[has_inflow] = (new_money[has_inflow] - paid_out[has_inflow]) / new_money[has_inflow]
    flux[~has_inflow & (paid_out > 0)] = -np.inf  # money only leaving
    return pd.DataFrame({
        "day": daily["day"].to_numpy(),
        "net_inflow": relative_change(daily["platform_cash_cents"], TREND_DAYS),
        "new_money_payout_share": daily_metrics(daily, ledger)["new_money_dependency"].to_numpy(),
        "coverage_trend": relative_change(daily["coverage_ratio"], TREND_DAYS),
        "net_fund_flux": flux,
    })


def first_warnings(series: pd.DataFrame) -> dict[str, int | None]:
    """For every indicator and threshold (key ``"name@threshold"``), the first day it
    warns in ``series`` (from ``indicator_series``), or None."""
    days = series["day"].to_numpy()
    first = {}
    for indicator in INDICATORS:
        values = series[indicator.name].to_numpy(dtype=np.float64)
        for threshold in indicator.thresholds:
            hits = np.flatnonzero(indicator.warns(values, threshold))
            first[warning_key(indicator.name, threshold)] = int(days[hits[0]]) if hits.size else None
    return first


def warning_key(name: str, threshold: float) -> str:
    """The key of one indicator at one threshold."""
    return f"{name}@{threshold:g}"


def warning_table(runs: Iterable[tuple[int | None, Mapping[str, int | None]]]) -> pd.DataFrame:
    """How well each warning foretells a collapse, from ``runs``: (collapse day or None,
    ``first_warnings`` of that run) pairs. One row per indicator × threshold:

    - ``collapses``, ``detected``, ``detection_rate``: runs that collapsed, of them those
      warned on or before the collapse day, and their share;
    - ``lead_time_median_days``, ``lead_time_q25_days``, ``lead_time_q75_days``: quantiles
      (linear) of collapse day − first warning day over the detected runs;
    - ``non_collapsing``, ``false_alarms``, ``false_alarm_rate``: runs that did not collapse
      within the horizon, of them those warned at all, and their share.
    Rates and quantiles are NaN when there is nothing to count."""
    runs = list(runs)
    rows = []
    for indicator in INDICATORS:
        for threshold in indicator.thresholds:
            key = warning_key(indicator.name, threshold)
            leads = [collapse - warned[key] for collapse, warned in runs
                     if collapse is not None and warned[key] is not None and warned[key] <= collapse]
            collapses = sum(collapse is not None for collapse, _ in runs)
            quiet = [warned[key] for collapse, warned in runs if collapse is None]
            false_alarms = sum(day is not None for day in quiet)
            q25, median, q75 = np.quantile(leads, (0.25, 0.5, 0.75)) if leads else (np.nan,) * 3
            rows.append({
                "indicator": indicator.name, "threshold": threshold, "warns_when": indicator.warns_when,
                "collapses": collapses, "detected": len(leads),
                "detection_rate": len(leads) / collapses if collapses else np.nan,
                "lead_time_median_days": float(median), "lead_time_q25_days": float(q25),
                "lead_time_q75_days": float(q75),
                "non_collapsing": len(quiet), "false_alarms": false_alarms,
                "false_alarm_rate": false_alarms / len(quiet) if quiet else np.nan,
            })
    return pd.DataFrame(rows)
