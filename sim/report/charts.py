"""Charts of saved results (matplotlib, no simulation inside): solvency, flows, growth,
member outcomes by join cohort, ruin probability across replicates, and a parameter
stress chart. Each function returns a ``matplotlib.figure.Figure`` built without pyplot
(no global state, no GUI backend); ``save_chart`` writes it as PNG and SVG.

Money is shown in the scenario's currency (``platform.currency``; cents / 100), scaled to
thousands, millions or billions as the numbers require; time is in simulated days; the
collapse day, when there is one, is a red dashed line on every time chart. Each quantity
has one label, colour and line style in every chart (``QUANTITY_STYLES``); the verdict's
thresholds (``sim.analysis.verdict``) are grey dotted lines; legends stand outside the data.
"""

import math
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import (
    FuncFormatter,
    LogLocator,
    MaxNLocator,
    NullFormatter,
    PercentFormatter,
    StrMethodFormatter,
)

from sim.analysis.metrics import COHORT_DAYS, cohort_outcomes, collapse_day, daily_metrics, ruin_probability
from sim.analysis.verdict import (
    NEW_MONEY_DEPENDENCY_THRESHOLD,
    PROMISE_COVERAGE_THRESHOLD,
    RUIN_PROBABILITY_THRESHOLD,
    percent,
)
from sim.results.run_result import RunResult
from sim.scenario.params import PlatformParams

CHART_FORMATS = ("png", "svg")
CHART_DPI = 150
SMOOTHING_DAYS = 7
COVERAGE_FLOOR = 1e-3
"""Coverage ratios are drawn on a log axis; a ratio of 0 (no cash) is drawn at this floor."""
MONEY_SCALES = ((1e9, "billions of "), (1e6, "millions of "), (1e3, "thousands of "), (1.0, ""))
COLLAPSE_COLOUR = "#c0392b"
THRESHOLD_COLOUR = "grey"
ROOMY_COHORTS = 12
"""Up to this many cohorts, bars carry their value and ticks their paying members."""
COINCIDE_SHARE = 0.005
"""Two series on one panel that never differ by more than this share of the panel's largest
value are drawn as one line: at the charts' size (about 2.4 in per panel) they would lie
within a line's width of each other, the later one hidden under the earlier."""
LEGEND_WRAP_CHARACTERS = 34
"""Legends stand to the right of their panel, outside the data; longer labels are wrapped."""


@dataclass(frozen=True)
class QuantityStyle:
    """How one quantity is drawn wherever it appears: its legend label, colour and line style."""

    label: str
    colour: str
    line: str


QUANTITY_STYLES = {
    "platform_cash": QuantityStyle("platform cash", "tab:blue", "-"),
    "hard_liabilities": QuantityStyle("hard liabilities (balances, queued withdrawals, merchants unpaid)",
                                      "tab:orange", "--"),
    "contingent_liabilities": QuantityStyle("contingent liabilities (promised dividends not yet paid)",
                                            "tab:purple", "-."),
    "coverage_ratio": QuantityStyle("cash / hard liabilities", "tab:cyan", "-"),
    "coverage_ratio_all": QuantityStyle("cash / all liabilities (hard + contingent)", "tab:olive", "-"),
    "pool_inflow": QuantityStyle("pool inflow (share of sales)", "tab:green", "-"),
    "payouts": QuantityStyle("payouts credited to members", "tab:pink", "--"),
    "withdrawals": QuantityStyle("withdrawals paid (net of fees)", "tab:brown", "-."),
    "new_money_dependency": QuantityStyle("new-money dependency", "darkgoldenrod", "-"),
    "promises_honoured": QuantityStyle("promises honoured", "teal", "-"),
    "members_on_books": QuantityStyle("members on the books (initial + joined since)", "navy", "-"),
    "members_active": QuantityStyle("members active (not churned)", "slateblue", "--"),
    "merchants_active": QuantityStyle("merchants active", "seagreen", "-"),
    "sales": QuantityStyle("sales", "sienna", "-"),
    "ruin_probability": QuantityStyle("share of replicates collapsed by day t", COLLAPSE_COLOUR, "-"),
    "net_outcome": QuantityStyle("median", "darkslategrey", "-"),
}
"""One quantity, one look, in every chart (``gid`` of each line is its key here)."""


def largest_magnitude(values) -> float:
    """The largest absolute finite value (0 when there is none)."""
    values = np.asarray(values, dtype=np.float64)
    finite = np.abs(values[np.isfinite(values)])
    return float(finite.max()) if finite.size else 0.0


def money_scale(max_abs_cents: float, currency: str = PlatformParams().currency) -> tuple[float, str]:
    """Divisor from cents and axis label ("millions of CNY") for amounts up to
    ``max_abs_cents`` in ``currency`` (the scenario's ``platform.currency``)."""
    units = max_abs_cents / 100
    for divisor, words in MONEY_SCALES:
        if units >= 10 * divisor:
            return 100 * divisor, f"{words}{currency}"
    return 100.0, currency


def currency_of(result: RunResult) -> str:
    """The name the run's scenario gives its money."""
    return result.scenario.platform.currency


def new_figure(title: str, rows: int) -> tuple[Figure, list]:
    """A figure of ``rows`` stacked panels sharing the day axis."""
    figure = Figure(figsize=(12, 2.6 + 2.4 * rows), layout="constrained")
    axes = list(np.atleast_1d(figure.subplots(rows, 1, sharex=True)))
    figure.suptitle(title, fontsize=14, fontweight="bold", parse_math=False)  # a scenario name, as typed
    for ax in axes:
        ax.grid(True, alpha=0.3)
    axes[-1].set_xlabel("day of the simulation")
    return figure, axes


def draw(ax, x, key: str, values, label: str | None = None, **options):
    """Draw quantity ``key`` in its one colour and line style (``QUANTITY_STYLES``)."""
    style = QUANTITY_STYLES[key]
    options.setdefault("linewidth", 1.8)
    return ax.plot(x, values, style.line, color=style.colour, label=label or style.label, gid=key, **options)[0]


def draw_threshold(ax, value: float, name: str, label: str) -> None:
    """A verdict threshold as a grey dotted horizontal line (``gid`` "threshold:NAME")."""
    ax.axhline(value, color=THRESHOLD_COLOUR, linestyle=":", linewidth=1.6, label=label, gid=f"threshold:{name}")


def mark_collapse(axes: list, day: int | None) -> None:
    """Draw the collapse day on every panel, labelled once."""
    if day is None:
        return
    for index, ax in enumerate(axes):
        ax.axvline(day, color=COLLAPSE_COLOUR, linestyle="--", linewidth=1.5, gid="collapse_day",
                   label=f"collapse day {day}" if index == 0 else None)


def label_panel(ax, title: str, ylabel: str) -> None:
    """A panel's title (at the left) and the label of its y axis."""
    ax.set_title(title, loc="left", fontsize=11)
    ax.set_ylabel(ylabel)


def share_panel(ax, title: str, ylabel: str, threshold: float, threshold_name: str, threshold_label: str) -> None:
    """A panel of shares on a 0–100 % axis, with the verdict threshold ``threshold_name`` drawn."""
    draw_threshold(ax, threshold, threshold_name, f"{threshold_label} ({percent(threshold)})")
    ax.set_ylim(-0.02, 1.02)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    label_panel(ax, title, ylabel)


def coinciding_labels(columns: Mapping[str, pd.Series], scale: float) -> dict[str, list[str]]:
    """Which series to draw and the labels each one stands for: a series within
    ``COINCIDE_SHARE`` × ``scale`` of one drawn before it everywhere is not drawn, and its
    label joins that one's (a hidden line is never listed on its own)."""
    drawn: dict[str, list[str]] = {}
    for key, series in columns.items():
        values = series.to_numpy(dtype=np.float64)
        twin = next((earlier for earlier in drawn
                     if np.nanmax(np.abs(columns[earlier].to_numpy(dtype=np.float64) - values), initial=0.0)
                     <= COINCIDE_SHARE * scale), None)
        if twin is None:
            drawn[key] = [QUANTITY_STYLES[key].label]
        else:
            drawn[twin].append(QUANTITY_STYLES[key].label)
    return drawn


def plot_money(ax, days, columns: Mapping[str, pd.Series], title: str, currency: str) -> None:
    """Plot money series (cents), keyed by quantity, on one panel in a common readable unit
    of ``currency``; series that coincide are drawn once under one label ("a = b")."""
    largest = max(largest_magnitude(series) for series in columns.values())
    divisor, unit = money_scale(largest, currency)
    for key, labels in coinciding_labels(columns, largest).items():
        label = labels[0] if len(labels) == 1 else " = ".join(labels) + " (the lines coincide)"
        draw(ax, days, key, columns[key].to_numpy(dtype=np.float64) / divisor, label=label)
    label_panel(ax, title, unit)


def legend_outside(ax) -> None:
    """The panel's legend to the right of its axes, outside the data, labels wrapped."""
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        ax.legend(handles, [textwrap.fill(label, LEGEND_WRAP_CHARACTERS) for label in labels],
                  loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0, fontsize=9)


def finish(axes: list, day: int | None) -> None:
    """Mark the collapse day and add legends."""
    mark_collapse(axes, day)
    for ax in axes:
        legend_outside(ax)


def smoothed(series: pd.Series) -> pd.Series:
    """The trailing ``SMOOTHING_DAYS``-day average of a daily series (for drawing only)."""
    return series.rolling(SMOOTHING_DAYS, min_periods=1).mean()


LOG_HEADROOM = 3.0
"""A log axis reaches this factor above the highest value: room for the value written there."""


def decimal_log_axis(ax, lowest: float, highest: float) -> None:
    """A log y axis labelled in plain decimals (0.01, 0.1, 1, 10) from the decade below
    ``lowest`` (every value drawn lies above a labelled tick) to ``LOG_HEADROOM`` × ``highest``."""
    ax.set_yscale("log")
    decade = 10.0 ** math.floor(math.log10(max(lowest, COVERAGE_FLOOR)))
    ax.set_ylim(decade, max(highest, decade) * LOG_HEADROOM)
    ax.yaxis.set_major_locator(LogLocator(base=10))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())


def label_last_value(ax, days: pd.Series, ratio: pd.Series, key: str) -> None:
    """Write the last finite value of a coverage ratio (as recorded, 0 included) at the end of
    its line, which is drawn at no less than ``COVERAGE_FLOOR``."""
    finite = ratio[np.isfinite(ratio)]
    if finite.size:
        value = finite.iloc[-1]
        # above the line's end, inside the axes (the legend stands right of them)
        ax.annotate(f"{value:.3g}", xy=(days[finite.index[-1]], max(value, COVERAGE_FLOOR)), xytext=(0, 4),
                    textcoords="offset points", ha="right", va="bottom", fontsize=9,
                    color=QUANTITY_STYLES[key].colour)


def solvency_chart(result: RunResult) -> Figure:
    """Cash against hard liabilities, the contingent liabilities (promises), and both
    coverage ratios with the verdict's promise-coverage threshold
    (``sim.analysis.verdict.PROMISE_COVERAGE_THRESHOLD``), by day."""
    daily = result.daily
    currency = currency_of(result)
    figure, axes = new_figure(f"Solvency — {result.scenario.name}", 3)
    days = daily["day"]
    plot_money(axes[0], days, {"platform_cash": daily["platform_cash_cents"],
                               "hard_liabilities": daily["hard_liabilities_cents"]},
               "Cash against what is owed now", currency)
    plot_money(axes[1], days, {"platform_cash": daily["platform_cash_cents"],
                               "contingent_liabilities": daily["contingent_liabilities_cents"]},
               "Cash against the promises outstanding", currency)
    drawn = []
    for key in ("coverage_ratio", "coverage_ratio_all"):
        ratio = daily[key].replace(np.inf, np.nan).clip(lower=COVERAGE_FLOOR)
        draw(axes[2], days, key, ratio, linewidth=1.6)
        label_last_value(axes[2], days, daily[key], key)
        drawn.append(ratio)
    axes[2].axhline(1.0, color="black", linewidth=1, label="fully covered (1)", gid="fully_covered")
    draw_threshold(axes[2], PROMISE_COVERAGE_THRESHOLD, "promise_coverage",
                   f"verdict threshold for cash / all liabilities ({PROMISE_COVERAGE_THRESHOLD:g}): "
                   "below it, unsustainable")
    values = pd.concat(drawn).dropna()
    decimal_log_axis(axes[2], min([PROMISE_COVERAGE_THRESHOLD, *values.nsmallest(1)]),
                     max([1.0, *values.nlargest(1)]))
    label_panel(axes[2], "Coverage ratios", f"ratio (log scale; 0 drawn at {COVERAGE_FLOOR:g})")
    finish(axes, collapse_day(daily))
    return figure


def flows_chart(result: RunResult) -> Figure:
    """Pool inflow, payouts and withdrawals by day, and the new-money dependency with its
    verdict threshold (``NEW_MONEY_DEPENDENCY_THRESHOLD``)."""
    daily = result.daily
    series = daily_metrics(daily, result.ledger)
    figure, axes = new_figure(f"Flows — {result.scenario.name}", 2)
    days = daily["day"]
    plot_money(axes[0], days, {
        "pool_inflow": smoothed(daily["pool_inflow_cents"]),
        "payouts": smoothed(series["payouts_cents"]),
        "withdrawals": smoothed(daily["withdrawn_cents"]),
    }, f"Money per day ({SMOOTHING_DAYS}-day average)", currency_of(result))
    draw(axes[1], days, "new_money_dependency", series["new_money_dependency"], linewidth=1.6)
    share_panel(axes[1], "Payouts not covered by capital + real margin (funded by new money)",
                "share of payouts so far", NEW_MONEY_DEPENDENCY_THRESHOLD, "new_money_dependency",
                "verdict threshold")
    finish(axes, collapse_day(daily))
    return figure


def growth_chart(result: RunResult) -> Figure:
    """Members (on the books and active), merchants, and sales by day."""
    daily = result.daily
    figure, axes = new_figure(f"Growth — {result.scenario.name}", 3)
    days = daily["day"]
    draw(axes[0], days, "members_on_books", daily["members_total"], linewidth=1.6)
    draw(axes[0], days, "members_active", daily["members_active"], linewidth=1.6)
    axes[0].yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    label_panel(axes[0], f"Members ({result.scenario.population.initial_members:,} on day 0)", "members")
    draw(axes[1], days, "merchants_active", daily["merchants_active"], linewidth=1.6)
    label_panel(axes[1], "Merchants", "merchants")
    plot_money(axes[2], days, {"sales": smoothed(daily["sales_cents"])},
               f"Sales per day ({SMOOTHING_DAYS}-day average)", currency_of(result))
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
    figure = Figure(figsize=(12, 7.4), layout="constrained")
    axes = list(figure.subplots(2, 1, sharex=True))
    figure.suptitle(f"Member outcomes by join cohort — {result.scenario.name}", fontsize=14, fontweight="bold",
                    parse_math=False)
    positions = np.arange(len(cohorts))
    roomy = len(cohorts) <= ROOMY_COHORTS
    bars = axes[0].bar(positions, cohorts["share_losing"], color=COLLAPSE_COLOUR, alpha=0.8)
    if roomy:
        axes[0].bar_label(bars, labels=[percent(share) for share in cohorts["share_losing"]], padding=2)
    axes[0].set_ylim(0, 1.12)
    axes[0].yaxis.set_major_formatter(PercentFormatter(1.0))
    label_panel(axes[0], "Share of members who paid in and are behind (cash received + goods value < money paid in)",
                "share of paying members")
    quantiles = cohorts[["q10_net_cents", "q25_net_cents", "median_net_cents", "q75_net_cents", "q90_net_cents"]]
    divisor, unit = money_scale(largest_magnitude(quantiles.to_numpy()), currency_of(result))
    axes[1].fill_between(positions, cohorts["q10_net_cents"] / divisor, cohorts["q90_net_cents"] / divisor,
                         alpha=0.15, color=QUANTITY_STYLES["net_outcome"].colour, label="10–90 % of members")
    axes[1].fill_between(positions, cohorts["q25_net_cents"] / divisor, cohorts["q75_net_cents"] / divisor,
                         alpha=0.3, color=QUANTITY_STYLES["net_outcome"].colour, label="25–75 % of members")
    draw(axes[1], positions, "net_outcome", cohorts["median_net_cents"] / divisor, marker="o")
    axes[1].axhline(0, color="black", linewidth=1)
    label_panel(axes[1], "Net outcome per paying member (cash received + goods value − money paid in)",
                f"net outcome per member ({unit})")
    axes[1].set_xticks(positions, cohort_labels(cohorts, with_counts=roomy), rotation=0 if roomy else 45,
                       ha="center" if roomy else "right")
    axes[1].set_xlabel(f"join cohort: days on which its members joined ({cohort_days}-day months)")
    legend_outside(axes[1])
    for ax in axes:
        ax.grid(True, alpha=0.3)
    return figure


def ruin_chart(collapse_days: list[int | None], horizon_days: int, scenario_name: str) -> Figure:
    """Ruin probability by day across replicates with its 95 % Wilson band, and the
    distribution of collapse days."""
    ruin = ruin_probability(collapse_days, horizon_days)
    collapsed = [day for day in collapse_days if day is not None]
    figure, axes = new_figure(f"Ruin probability over {len(collapse_days)} replicates — {scenario_name}", 2)
    axes[0].fill_between(ruin["day"], ruin["low"], ruin["high"], step="post", alpha=0.25, color=COLLAPSE_COLOUR,
                         label="95 % interval (Wilson)")
    draw(axes[0], ruin["day"], "ruin_probability", ruin["probability"], drawstyle="steps-post")
    share_panel(axes[0], "Probability that the platform has collapsed by day t", "ruin probability",
                RUIN_PROBABILITY_THRESHOLD, "ruin_probability", "verdict threshold by the last day")
    label_panel(axes[1], f"Collapse days ({len(collapsed)} of {len(collapse_days)} replicates collapsed "
                f"within {horizon_days} days)", "replicates")
    if collapsed:
        axes[1].hist(collapsed, bins=np.linspace(0, horizon_days, min(horizon_days, 40) + 1),
                     color=COLLAPSE_COLOUR, alpha=0.8)
        axes[1].yaxis.set_major_locator(MaxNLocator(integer=True))
    else:  # an empty histogram would only show a meaningless axis around 0
        axes[1].text(0.5, 0.5, f"no replicate collapsed within {horizon_days} days", transform=axes[1].transAxes,
                     ha="center", va="center", fontsize=13, gid="no_collapse")
        axes[1].set_yticks([])
    axes[1].set_xlim(0, horizon_days)
    for ax in axes:
        legend_outside(ax)
    return figure


def stress_chart(table: pd.DataFrame, parameter: str) -> Figure:
    """How one parameter moves a scenario towards breaking: promises honoured and new-money
    dependency, promise coverage, and the collapse day, against the parameter's value
    (``table`` from ``sim.analysis.metrics.stress_table``)."""
    table = table.sort_values(parameter)
    values = table[parameter]
    figure = Figure(figsize=(12, 9.8), layout="constrained")
    axes = list(figure.subplots(3, 1, sharex=True))
    figure.suptitle(f"Stress test: {parameter}", fontsize=14, fontweight="bold", parse_math=False)
    draw(axes[0], values, "promises_honoured", table["promises_honoured"], marker="s",
         label="promises honoured (end)")
    draw(axes[0], values, "new_money_dependency", table["new_money_dependency"], marker="o",
         label="new-money dependency (end)")
    share_panel(axes[0], "How much of the promise is paid, and how much of the payouts new money funds", "share",
                NEW_MONEY_DEPENDENCY_THRESHOLD, "new_money_dependency", "verdict threshold for new-money dependency")
    coverage = table["final_coverage_ratio_all"].replace(np.inf, np.nan).clip(lower=COVERAGE_FLOOR)
    draw(axes[1], values, "coverage_ratio_all", coverage, marker="o", label="cash / all liabilities (end)")
    draw_threshold(axes[1], PROMISE_COVERAGE_THRESHOLD, "promise_coverage",
                   f"verdict threshold ({PROMISE_COVERAGE_THRESHOLD:g})")
    finite = coverage.dropna()
    decimal_log_axis(axes[1], min([PROMISE_COVERAGE_THRESHOLD, *finite.nsmallest(1)]),
                     max([1.0, *finite.nlargest(1)]))
    label_panel(axes[1], "Promise coverage at the end", "ratio (log scale)")
    collapsed = table["collapse_day"].notna()
    axes[2].plot(values[collapsed], table.loc[collapsed, "collapse_day"], "o", color=COLLAPSE_COLOUR,
                 label="collapse day")
    axes[2].plot(values[~collapsed], table.loc[~collapsed, "days"], "^", color="black",
                 label="no collapse (drawn at the horizon)")
    axes[2].set_ylim(bottom=0)
    axes[2].set_xlabel(parameter)
    label_panel(axes[2], "When the platform breaks", "day")
    for ax in axes:
        ax.grid(True, alpha=0.3)
        legend_outside(ax)
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
