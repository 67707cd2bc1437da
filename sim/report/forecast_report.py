"""The forecast report (``circsim forecast``, and ``circsim report`` on a forecast folder):
the survival curve of each order with its interval, the collapse-day distribution, the
funding gap and the members owed money over time, and a table comparing the orders.

It uses the stress report's page and PDF writer (``sim.report.stress_report``), so the
regulator's two reports look and read alike.
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from sim.analysis.indicator_packs import NOT_A_LEGAL_CONCLUSION
from sim.analysis.verdict import money_text
from sim.report.stress_report import Section, StressContent, write_pages

HTML_FILE, PDF_FILE = "forecast.html", "forecast.pdf"
LINE_STYLES = ("-", "--", "-.", ":")


def survival_chart(survival: pd.DataFrame, title: str) -> Figure:
    """Probability the platform is still paying on each future day, one line per order, with
    its two-sided Clopper–Pearson band."""
    figure = Figure(figsize=(10, 5.5), layout="constrained")
    ax = figure.subplots()
    for index, (label, group) in enumerate(survival.groupby("intervention", sort=False)):
        line, = ax.plot(group["day"], group["p_paying"], LINE_STYLES[index % len(LINE_STYLES)], label=label)
        ax.fill_between(group["day"], group["lower"], group["upper"], color=line.get_color(), alpha=0.15,
                        linewidth=0)
    ax.set_ylim(-0.02, 1.02)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel("day")
    ax.set_ylabel("probability still paying")
    ax.set_title(title, loc="left", fontsize=12, parse_math=False)
    ax.legend(loc="lower left")
    return figure


def band_chart(bands: pd.DataFrame, column: str, ylabel: str, title: str, scale: float = 1.0) -> Figure:
    """The median of ``column`` (a ``bands.parquet`` quantity) per order over the forecast days,
    with its 5–95 % band over the draws, multiplied by ``scale``."""
    figure = Figure(figsize=(10, 5), layout="constrained")
    ax = figure.subplots()
    for index, (label, group) in enumerate(bands.groupby("intervention", sort=False)):
        line, = ax.plot(group["day"], group[f"{column}_q50"] * scale, LINE_STYLES[index % len(LINE_STYLES)],
                        label=label)
        ax.fill_between(group["day"], group[f"{column}_q05"] * scale, group[f"{column}_q95"] * scale,
                        color=line.get_color(), alpha=0.15, linewidth=0)
    ax.set_xlabel("day")
    ax.set_ylabel(ylabel)
    ax.set_title(title, loc="left", fontsize=12, parse_math=False)
    ax.legend(loc="upper left")
    return figure


def collapse_chart(draws: pd.DataFrame, first_day: int, last_day: int) -> Figure:
    """Histogram of the collapse day per order over the draws that collapse before the horizon."""
    figure = Figure(figsize=(10, 4.5), layout="constrained")
    ax = figure.subplots()
    bins = np.linspace(first_day, last_day + 1, 31)
    for label, group in draws.groupby("intervention", sort=False):
        days = group["collapse_day"].dropna().astype(float)
        days = days[days >= first_day]
        if len(days):
            ax.hist(days, bins=bins, histtype="step", linewidth=1.5, label=f"{label} ({len(days)} of {len(group)})")
    ax.set_xlabel("collapse day (first withdrawal unpaid for the grace period)")
    ax.set_ylabel("draws")
    ax.set_title("When the platform stops paying, among the draws where it does", loc="left", fontsize=12)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper right")
    return figure


def forecast_content(folder: Path) -> StressContent:
    """The sections and figures of a forecast folder's report."""
    manifest = json.loads((folder / "forecast.json").read_text())
    survival = pd.read_parquet(folder / "survival.parquet")
    draws = pd.read_parquet(folder / "draws.parquet")
    bands = pd.read_parquet(folder / "bands.parquet")
    scale = manifest["population_scale"]
    currency = manifest.get("currency", "currency units")
    first, last = manifest["first_forecast_day"], manifest["last_day"]
    rows = []
    end = bands[bands["day"] == last].set_index("intervention")
    for label, summary in manifest["collapse"].items():
        median = summary["collapse_day_median"]
        rows.append([
            label, f"{summary['p_collapse_by_horizon']:.0%}",
            "none" if median is None else f"{median} ({summary['collapse_day_q05']}–{summary['collapse_day_q95']})",
            money_text(int(end.loc[label, "funding_gap_cents_q50"] * scale), currency),
            f"{end.loc[label, 'members_owed_q50'] * scale:,.0f}",
        ])
    overview = Section("What each order changes", [
        (f"{manifest['draws']} parameter sets drawn from the posterior of {manifest['calibration']}, each played "
        f"with its own seed to day {first - 1} (the last observed day), then under every order from day {first} "
        f"to day {last}, all orders from the same state and with the same random numbers."),
        f"Amounts and counts are scaled to the real population (the runs played it at 1/{scale:g}).",
        NOT_A_LEGAL_CONCLUSION,
    ], ["order", f"collapses by day {last}", "collapse day: median (5–95 %)", f"funding gap on day {last} (median)",
        f"members owed on day {last} (median)"], rows)
    figures = {
        "survival": survival_chart(survival, f"Probability {manifest['scenario']} is still paying"),
        "collapse_days": collapse_chart(draws, first, last),
        "funding_gap": band_chart(bands, "funding_gap_cents", f"remaining promises ({currency})",
                                  "Funding gap: promised minus paid (median, 5–95 %)", scale / 100),
        "members_owed": band_chart(bands, "members_owed", "members", "Members owed an unpaid withdrawal "
                                   "(median, 5–95 %)", scale),
    }
    captions = {
        "survival": ("Survival", "Share of draws still paying each day, with its 95 % Clopper–Pearson band."),
        "collapse_days": ("Collapse day", "Distribution of the collapse day per order."),
        "funding_gap": ("Funding gap", "Remaining promises (promised minus paid), real population."),
        "members_owed": ("Members owed", "Members waiting for an unpaid withdrawal, real population."),
    }
    return StressContent(f"Forecast: {manifest['scenario']}", f"days {first}–{last}, orders issued on day {first}",
                         [overview], figures, captions)


def write_forecast_report(folder: str | Path) -> tuple[Path, Path]:
    """Write ``forecast.html``, ``forecast.pdf`` and ``charts/`` into a forecast folder; return
    the two report paths."""
    folder = Path(folder)
    return write_pages(forecast_content(folder), folder, HTML_FILE, PDF_FILE)
