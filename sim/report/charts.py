"""Charts of saved results (matplotlib, no simulation inside): solvency, flows, growth,
member outcomes by join cohort, ruin probability across replicates, and a parameter
stress chart. Each function returns a ``matplotlib.figure.Figure`` built without pyplot
(no global state, no GUI backend); ``save_chart`` writes it as PNG and SVG.

Money is shown in currency units (cents / 100), scaled to thousands, millions or
billions as the numbers require; time is in simulated days; the collapse day, when there
is one, is a red dashed line on every time chart.
"""

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter, StrMethodFormatter

from sim.analysis.metrics import COHORT_DAYS, cohort_outcomes, collapse_day, daily_metrics, ruin_probability
from sim.analysis.verdict import (
    NEW_MONEY_DEPENDENCY_THRESHOLD,
    PROMISE_COVERAGE_THRESHOLD,
    RUIN_PROBABILITY_THRESHOLD,
    percent,
)
from sim.results.run_result import RunResult

CHART_FORMATS = ("png", "svg")
CHART_DPI = 150
SMOOTHING_DAYS = 7
COVERAGE_FLOOR = 1e-3
"""Coverage ratios are drawn on a log axis; a ratio of 0 (no cash) is drawn at this floor."""
MONEY_SCALES = ((1e9, "billions of currency units"), (1e6, "millions of currency units"),
                (1e3, "thousands of currency units"), (1.0, "currency units"))
COLLAPSE_COLOUR = "#c0392b"
ROOMY_COHORTS = 12
"""Up to this many cohorts, bars carry their value and ticks their paying members."""
LINE_STYLES = ("-", "--", "-.", ":")
"""Successive series on one panel get different dashes, so lines that coincide stay visible."""


def largest_magnitude(values) -> float:
    """The largest absolute finite value (0 when there is none)."""
    values = np.asarray(values, dtype=np.float64)
    finite = np.abs(values[np.isfinite(values)])
    return float(finite.max()) if finite.size else 0.0


def money_scale(max_abs_cents: float) -> tuple[float, str]:
    """Divisor from cents and axis label for amounts up to ``max_abs_cents``."""
    units = max_abs_cents / 100
    for divisor, label in MONEY_SCALES:
        if units >= 10 * divisor:
            return 100 * divisor, label
    return 100.0, MONEY_SCALES[-1][1]


def new_figure(title: str, rows: int) -> tuple[Figure, list]:
    """A figure of ``rows`` stacked panels sharing the day axis."""
    figure = Figure(figsize=(10, 2.6 + 2.4 * rows), layout="constrained")
    axes = list(np.atleast_1d(figure.subplots(rows, 1, sharex=True)))
    figure.suptitle(title, fontsize=14, fontweight="bold", parse_math=False)  # a scenario name, as typed
    for ax in axes:
        ax.grid(True, alpha=0.3)
    axes[-1].set_xlabel("day of the simulation")
    return figure, axes


def mark_collapse(axes: list, day: int | None) -> None:
    """Draw the collapse day on every panel, labelled once."""
    if day is None:
        return
    for index, ax in enumerate(axes):
        ax.axvline(day, color=COLLAPSE_COLOUR, linestyle="--", linewidth=1.5,
                   label=f"collapse day {day}" if index == 0 else None)


def label_panel(ax, title: str, ylabel: str) -> None:
    """A panel's title (at the left) and the label of its y axis."""
    ax.set_title(title, loc="left", fontsize=11)
    ax.set_ylabel(ylabel)


def share_panel(ax, title: str, ylabel: str, threshold: float, threshold_name: str = "verdict threshold") -> None:
    """A panel of shares on a 0–100 % axis, with a dotted line at ``threshold``."""
    ax.axhline(threshold, color="grey", linestyle=":", label=f"{threshold_name} ({threshold:.0%})")
    ax.set_ylim(-0.02, 1.02)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    label_panel(ax, title, ylabel)


def plot_money(ax, days, columns: Mapping[str, pd.Series], title: str) -> None:
    """Plot money series (cents) on one panel in a common readable unit."""
    divisor, unit = money_scale(max(largest_magnitude(series) for series in columns.values()))
    for (label, series), style in zip(columns.items(), LINE_STYLES):
        ax.plot(days, series.to_numpy(dtype=np.float64) / divisor, style, label=label, linewidth=1.8)
    label_panel(ax, title, unit)


def finish(axes: list, day: int | None) -> None:
    """Mark the collapse day and add legends."""
    mark_collapse(axes, day)
    for ax in axes:
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="best", fontsize=9)


def smoothed(series: pd.Series) -> pd.Series:
    """The trailing ``SMOOTHING_DAYS``-day average of a daily series (for drawing only)."""
    return series.rolling(SMOOTHING_DAYS, min_periods=1).mean()


def solvency_chart(result: RunResult) -> Figure:
    """Cash against hard liabilities, the contingent liabilities (promises), and both
    coverage ratios, by day."""
    daily = result.daily
    figure, axes = new_figure(f"Solvency — {result.scenario.name}", 3)
    days = daily["day"]
    plot_money(axes[0], days, {
        "platform cash": daily["platform_cash_cents"],
        "hard liabilities (balances, queued withdrawals, merchants unpaid)": daily["hard_liabilities_cents"],
    }, "Cash against what is owed now")
    plot_money(axes[1], days, {
        "contingent liabilities (promised dividends not yet paid)": daily["contingent_liabilities_cents"],
        "platform cash": daily["platform_cash_cents"],
    }, "Cash against the promises outstanding")
    ratios = (("coverage_ratio", "cash / hard liabilities"), ("coverage_ratio_all", "cash / all liabilities"))
    for column, label in ratios:
        ratio = daily[column].replace(np.inf, np.nan).clip(lower=COVERAGE_FLOOR)
        axes[2].plot(days, ratio, label=label, linewidth=1.6)
    axes[2].axhline(1.0, color="black", linewidth=1, label="fully covered (1)")
    axes[2].set_yscale("log")
    label_panel(axes[2], "Coverage ratios", f"ratio (log scale; 0 drawn at {COVERAGE_FLOOR:g})")
    finish(axes, collapse_day(daily))
    return figure


def flows_chart(result: RunResult) -> Figure:
    """Pool inflow, payouts and withdrawals by day, and the new-money dependency."""
    daily = result.daily
    series = daily_metrics(daily, result.ledger)
    figure, axes = new_figure(f"Flows — {result.scenario.name}", 2)
    days = daily["day"]
    plot_money(axes[0], days, {
        "pool inflow (share of sales)": smoothed(daily["pool_inflow_cents"]),
        "payouts credited to members": smoothed(series["payouts_cents"]),
        "withdrawals paid (net of fees)": smoothed(daily["withdrawn_cents"]),
    }, f"Money per day ({SMOOTHING_DAYS}-day average)")
    axes[1].plot(days, series["new_money_dependency"], label="new-money dependency", linewidth=1.6)
    share_panel(axes[1], "Payouts not covered by capital + real margin (funded by new money)",
                "share of payouts so far", NEW_MONEY_DEPENDENCY_THRESHOLD)
    finish(axes, collapse_day(daily))
    return figure


def growth_chart(result: RunResult) -> Figure:
    """Members (total and active), merchants, and sales by day."""
    daily = result.daily
    figure, axes = new_figure(f"Growth — {result.scenario.name}", 3)
    days = daily["day"]
    axes[0].plot(days, daily["members_total"], label="members joined (total)", linewidth=1.6)
    axes[0].plot(days, daily["members_active"], label="members active", linewidth=1.6)
    axes[0].yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    label_panel(axes[0], "Members", "members")
    axes[1].plot(days, daily["merchants_active"], label="merchants active", linewidth=1.6, color="tab:green")
    label_panel(axes[1], "Merchants", "merchants")
    plot_money(axes[2], days, {"sales": smoothed(daily["sales_cents"])},
               f"Sales per day ({SMOOTHING_DAYS}-day average)")
    for ax in axes:
        ax.set_ylim(bottom=0)
    finish(axes, collapse_day(daily))
    return figure


def cohort_labels(cohorts: pd.DataFrame, with_counts: bool) -> list[str]:
    """Tick labels of each join cohort: its join days and, if asked, how many of it paid in."""
    return [f"{row.first_join_day}–{row.last_join_day}" + (f"\n({row.members:,} paying)" if with_counts else "")
            for row in cohorts.itertuples()]


def cohort_chart(result: RunResult, cohort_days: int = COHORT_DAYS) -> Figure:
    """Who loses: the share of paying members with a net loss, and the median net outcome
    with its 25–75 % and 10–90 % bands, by join cohort."""
    cohorts = cohort_outcomes(result.members, cohort_days)
    figure = Figure(figsize=(10, 7.4), layout="constrained")
    axes = list(figure.subplots(2, 1, sharex=True))
    figure.suptitle(f"Member outcomes by join cohort — {result.scenario.name}", fontsize=14, fontweight="bold",
                    parse_math=False)
    positions = np.arange(len(cohorts))
    roomy = len(cohorts) <= ROOMY_COHORTS
    bars = axes[0].bar(positions, cohorts["share_losing"], color="tab:red", alpha=0.8)
    if roomy:
        axes[0].bar_label(bars, labels=[percent(share) for share in cohorts["share_losing"]], padding=2)
    axes[0].set_ylim(0, 1.12)
    axes[0].yaxis.set_major_formatter(PercentFormatter(1.0))
    label_panel(axes[0], "Share of members who paid in and are behind (cash received + goods value < money paid in)",
                "share of paying members")
    quantiles = cohorts[["q10_net_cents", "q25_net_cents", "median_net_cents", "q75_net_cents", "q90_net_cents"]]
    divisor, unit = money_scale(largest_magnitude(quantiles.to_numpy()))
    axes[1].fill_between(positions, cohorts["q10_net_cents"] / divisor, cohorts["q90_net_cents"] / divisor,
                         alpha=0.15, color="tab:blue", label="10–90 % of members")
    axes[1].fill_between(positions, cohorts["q25_net_cents"] / divisor, cohorts["q75_net_cents"] / divisor,
                         alpha=0.3, color="tab:blue", label="25–75 % of members")
    axes[1].plot(positions, cohorts["median_net_cents"] / divisor, marker="o", color="tab:blue", label="median")
    axes[1].axhline(0, color="black", linewidth=1)
    label_panel(axes[1], "Net outcome per paying member (cash received + goods value − money paid in)",
                f"net outcome per member ({unit})")
    axes[1].set_xticks(positions, cohort_labels(cohorts, with_counts=roomy), rotation=0 if roomy else 45,
                       ha="center" if roomy else "right")
    axes[1].set_xlabel(f"join cohort: days on which its members joined ({cohort_days}-day months)")
    axes[1].legend(loc="best", fontsize=9)
    for ax in axes:
        ax.grid(True, alpha=0.3)
    return figure


def ruin_chart(collapse_days: list[int | None], horizon_days: int, scenario_name: str) -> Figure:
    """Ruin probability by day across replicates with its 95 % Wilson band, and the
    distribution of collapse days."""
    ruin = ruin_probability(collapse_days, horizon_days)
    collapsed = [day for day in collapse_days if day is not None]
    figure, axes = new_figure(f"Ruin probability over {len(collapse_days)} replicates — {scenario_name}", 2)
    axes[0].fill_between(ruin["day"], ruin["low"], ruin["high"], step="post", alpha=0.25, color="tab:red",
                         label="95 % interval (Wilson)")
    axes[0].step(ruin["day"], ruin["probability"], where="post", color="tab:red", linewidth=1.8,
                 label="share of replicates collapsed by day t")
    share_panel(axes[0], "Probability that the platform has collapsed by day t", "ruin probability",
                RUIN_PROBABILITY_THRESHOLD)
    axes[1].hist(collapsed, bins=np.linspace(0, horizon_days, min(horizon_days, 40) + 1), color="tab:red", alpha=0.8)
    axes[1].yaxis.set_major_locator(MaxNLocator(integer=True))
    label_panel(axes[1], f"Collapse days ({len(collapsed)} of {len(collapse_days)} replicates collapsed "
                f"within {horizon_days} days)", "replicates")
    axes[1].set_xlim(0, horizon_days)
    for ax in axes:
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="best", fontsize=9)
    return figure


def stress_chart(table: pd.DataFrame, parameter: str) -> Figure:
    """How one parameter moves a scenario towards breaking: promises honoured and new-money
    dependency, promise coverage, and the collapse day, against the parameter's value
    (``table`` from ``sim.analysis.metrics.stress_table``)."""
    table = table.sort_values(parameter)
    values = table[parameter]
    figure = Figure(figsize=(10, 9.8), layout="constrained")
    axes = list(figure.subplots(3, 1, sharex=True))
    figure.suptitle(f"Stress test: {parameter}", fontsize=14, fontweight="bold", parse_math=False)
    axes[0].plot(values, table["promises_honoured"], marker="s", label="promises honoured (end)")
    axes[0].plot(values, table["new_money_dependency"], marker="o", label="new-money dependency (end)")
    share_panel(axes[0], "How much of the promise is paid, and how much of the payouts new money funds", "share",
                NEW_MONEY_DEPENDENCY_THRESHOLD, "dependency threshold")
    coverage = table["final_coverage_ratio_all"].replace(np.inf, np.nan).clip(lower=COVERAGE_FLOOR)
    axes[1].plot(values, coverage, marker="o", color="tab:purple", label="cash / (hard + contingent liabilities)")
    axes[1].axhline(PROMISE_COVERAGE_THRESHOLD, color="grey", linestyle=":",
                    label=f"verdict threshold ({PROMISE_COVERAGE_THRESHOLD:.0%})")
    axes[1].set_yscale("log")
    label_panel(axes[1], "Promise coverage at the end", "ratio (log scale)")
    collapsed = table["collapse_day"].notna()
    axes[2].plot(values[collapsed], table.loc[collapsed, "collapse_day"], "o", color=COLLAPSE_COLOUR,
                 label="collapse day")
    axes[2].plot(values[~collapsed], table.loc[~collapsed, "days"], "^", color="tab:green",
                 label="no collapse (drawn at the horizon)")
    axes[2].set_ylim(bottom=0)
    axes[2].set_xlabel(parameter)
    label_panel(axes[2], "When the platform breaks", "day")
    for ax in axes:
        ax.grid(True, alpha=0.3)
        ax.legend(loc="best", fontsize=9)
    return figure


def run_charts(result: RunResult, replicate_collapse_days: list[int | None] | None = None) -> dict[str, Figure]:
    """Every chart of the report for one run, by file name; the ruin chart only when
    the run has replicates."""
    charts = {
        "solvency": solvency_chart(result),
        "flows": flows_chart(result),
        "growth": growth_chart(result),
        "cohorts": cohort_chart(result),
    }
    if replicate_collapse_days is not None:
        charts["ruin"] = ruin_chart(replicate_collapse_days, result.scenario.run.days, result.scenario.name)
    return charts


def save_chart(figure: Figure, folder: str | Path, name: str) -> list[Path]:
    """Write ``folder/name.png`` and ``folder/name.svg``; return their paths."""
    paths = [Path(folder) / f"{name}.{extension}" for extension in CHART_FORMATS]
    for path in paths:
        figure.savefig(path, dpi=CHART_DPI, metadata={"Date": None} if path.suffix == ".svg" else None)
    return paths
