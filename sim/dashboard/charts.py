"""The dashboard's own charts, as plain functions of data (no browser needed): the Mesa
page's live panels in the scenario's currency with plain-language legends, and the Pareto
front of a design study. The workbench's run charts are the report's
(``sim.report.charts``), so a run looks the same in the browser and in its report.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from sim.report.charts import money_scale

LIVE_PANEL_SIZE_INCHES = (6.4, 3.4)
"""Wide enough for a legend, low enough to fit a cell of Mesa's grid."""


@dataclass(frozen=True)
class LivePanel:
    """One live panel: title, y-axis label, and its lines (legend text -> values by day)."""

    title: str
    y_label: str
    days: np.ndarray
    lines: dict[str, np.ndarray]
    log_scale: bool = False


def _money_lines(daily: pd.DataFrame, columns: dict[str, str], currency: str) -> tuple[str, dict]:
    """Money columns (cents) in a common readable unit of ``currency``: the divisor and
    its words come from the report's ``money_scale``, with its "currency units" named."""
    largest = max(float(np.abs(daily[column].to_numpy(dtype=np.float64)).max()) for column in columns.values())
    divisor, unit = money_scale(largest)
    unit = unit.replace("currency units", currency)
    return unit, {label: daily[column].to_numpy(dtype=np.float64) / divisor for label, column in columns.items()}


def live_panels(daily: pd.DataFrame, currency: str) -> list[LivePanel]:
    """The Mesa page's four panels from the days played so far (``daily``, at least one
    row): cash against what is owed and promised, the coverage ratios, the members, and the
    day's release, pool inflow and withdrawals; money in ``currency`` (cents / 100, scaled
    to thousands or millions as needed)."""
    days = daily["day"].to_numpy()
    solvency_unit, solvency = _money_lines(daily, {
        "platform cash": "platform_cash_cents",
        "owed now (balances, queued withdrawals, merchants)": "hard_liabilities_cents",
        "promised dividends not yet paid": "contingent_liabilities_cents",
    }, currency)
    flows_unit, flows = _money_lines(daily, {
        "dividends released to members": "released_cents",
        "paid into the dividend pool": "pool_inflow_cents",
        "withdrawals paid (net of fees)": "withdrawn_cents",
    }, currency)
    coverage = {
        "cash / what is owed now": daily["coverage_ratio"].replace(np.inf, np.nan).to_numpy(dtype=np.float64),
        "cash / owed + promised": daily["coverage_ratio_all"].replace(np.inf, np.nan).to_numpy(dtype=np.float64),
    }
    members = {label: daily[column].to_numpy(dtype=np.float64) for label, column in (
        ("members joined (total)", "members_total"), ("members active", "members_active"),
        ("members receiving dividends", "members_in_dividend"))}
    return [
        LivePanel("Cash against liabilities", solvency_unit, days, solvency),
        LivePanel("Coverage of liabilities by cash (1 = fully covered)", "ratio", days, coverage, log_scale=True),
        LivePanel("Members", "members", days, members),
        LivePanel("Money per day", flows_unit, days, flows),
    ]


def live_figure(panel: LivePanel) -> Figure:
    """One live panel drawn (matplotlib, without pyplot); a log axis only once it has
    positive values to show."""
    figure = Figure(figsize=LIVE_PANEL_SIZE_INCHES, layout="constrained")
    ax = figure.subplots()
    for label, values in panel.lines.items():
        ax.plot(panel.days, values, label=label, linewidth=1.6, marker="o" if len(panel.days) == 1 else None)
    positive = any(np.nanmax(values, initial=0.0) > 0 for values in panel.lines.values())
    if panel.log_scale and positive:
        ax.set_yscale("log")
        ax.axhline(1.0, color="black", linewidth=1)
    ax.set_title(panel.title, loc="left", fontsize=11)
    ax.set_xlabel("day of the simulation")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # days are whole
    ax.set_ylabel(panel.y_label)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="best", fontsize=8)
    return figure


def pareto_figure(trials: pd.DataFrame, pareto: pd.DataFrame, objectives: list[dict], labels: list[str],
                  selected_trial: int | None) -> Figure:
    """The Pareto front of a design study: every trial with finite objective values (grey),
    the Pareto-optimal ones (blue) and the selected one (red ring), on the first two
    objectives (``labels`` are their axis labels); with one objective, its value by trial."""
    figure = Figure(figsize=(7.5, 5), layout="constrained")
    ax = figure.subplots()
    names = [objective["name"] for objective in objectives]
    x_name, y_name = (names[0], names[1]) if len(names) > 1 else ("trial", names[0])
    x_label, y_label = (labels[0], labels[1]) if len(names) > 1 else ("trial", labels[0])
    ax.scatter(trials[x_name], trials[y_name], color="lightgrey", label="trials")
    ax.scatter(pareto[x_name], pareto[y_name], color="tab:blue", label="Pareto-optimal designs")
    for trial, x, y in zip(pareto["trial"], pareto[x_name], pareto[y_name]):
        ax.annotate(str(trial), (x, y), textcoords="offset points", xytext=(4, 4), fontsize=8)
    chosen = pareto[pareto["trial"] == selected_trial]
    if not chosen.empty:
        ax.scatter(chosen[x_name], chosen[y_name], s=160, facecolors="none", edgecolors="tab:red", linewidths=2,
                   label=f"selected: trial {selected_trial}")
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    ax.set_title("Design study: Pareto front" + (f" (first two of {len(names)} objectives)" if len(names) > 2 else ""),
                 loc="left")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="best", fontsize=9)
    return figure
