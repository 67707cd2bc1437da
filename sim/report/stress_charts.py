"""Charts of a stress battery (``circsim stress``): the heat map of ruin probability by shock
and severity, the collapse day by severity, the early warnings' lead times and false alarms,
and the reverse stress test's thresholds and boundary curve. Each function takes the
tables the battery wrote (``stress.parquet``, ``warnings.parquet``, ``reverse.parquet``,
``boundary.parquet``) and returns a ``matplotlib.figure.Figure`` built without pyplot;
``sim.report.charts.save_chart`` writes them.
"""

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from sim.report.charts import COLLAPSE_COLOUR

HEAT_MAP_COLOURS = "Reds"
FAMILY_DASHES = ("-", "--", "-.", ":")
"""Successive shock families get different dashes, so lines that coincide stay visible."""


def heat_map_chart(cells: pd.DataFrame, scenario_name: str) -> Figure:
    """Ruin probability within the horizon (colour and label) for each shock (row, the
    unshocked run first) and severity (column); blank where a shock was not tried."""
    shocks = list(dict.fromkeys(cells["shock"]))
    severities = sorted(set(cells["severity"]))
    grid = np.full((len(shocks), len(severities)), np.nan)
    for row in cells.itertuples(index=False):
        grid[shocks.index(row.shock), severities.index(row.severity)] = row.ruin_probability
    figure = Figure(figsize=(2.5 + 1.3 * len(severities), 1.6 + 0.55 * len(shocks)), layout="constrained")
    ax = figure.subplots()
    image = ax.imshow(np.ma.masked_invalid(grid), cmap=HEAT_MAP_COLOURS, vmin=0.0, vmax=1.0, aspect="auto")
    for i, j in zip(*np.nonzero(np.isfinite(grid))):
        ax.text(j, i, f"{grid[i, j]:.0%}", ha="center", va="center", fontsize=9,
                color="white" if grid[i, j] > 0.6 else "black")
    ax.set_xticks(range(len(severities)), [f"{s:g}" for s in severities])
    ax.set_yticks(range(len(shocks)), shocks)
    ax.set_xlabel("severity (0: no shock, 1: the full shock)")
    ax.set_title(f"Ruin probability within the horizon: {scenario_name}", loc="left", fontsize=12, parse_math=False)
    figure.colorbar(image, ax=ax, format=PercentFormatter(1.0), label="ruin probability")
    return figure


def collapse_day_chart(cells: pd.DataFrame, horizon_days: int) -> Figure:
    """Median collapse day (of the replicates that collapsed) against severity, one line per
    shock; cells where no replicate collapsed are drawn as open markers at the horizon."""
    figure = Figure(figsize=(10, 5.5), layout="constrained")
    ax = figure.subplots()
    unshocked = cells.iloc[0]
    shocked = cells.iloc[1:]
    for index, (shock, group) in enumerate(shocked.groupby("shock", sort=False)):
        group = pd.concat([unshocked.to_frame().T, group])
        days = group["collapse_day_median"].astype(float)
        line, = ax.plot(group["severity"], days, FAMILY_DASHES[index % len(FAMILY_DASHES)], marker="o", label=shock)
        survived = days.isna()
        ax.plot(group.loc[survived, "severity"], np.full(int(survived.sum()), horizon_days), "^",
                markerfacecolor="none", color=line.get_color())
    ax.axhline(horizon_days, color="grey", linestyle=":", label=f"horizon ({horizon_days} days): open marker = no collapse")
    ax.set_ylim(0, horizon_days * 1.05)
    ax.set_xlabel("severity")
    ax.set_ylabel("median collapse day of the replicates that collapsed")
    ax.set_title("When the platform breaks, by shock and severity", loc="left", fontsize=12)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="best", fontsize=8)
    return figure


def warnings_chart(warnings: pd.DataFrame) -> Figure:
    """Per indicator and threshold: the share of collapses warned of and the share of
    surviving runs warned of anyway (false alarms), and the median lead time."""
    labels = [f"{row.indicator} {'<=' if row.warns_when == 'at_or_below' else '>='} {row.threshold:g}"
              for row in warnings.itertuples(index=False)]
    positions = np.arange(len(labels))
    figure = Figure(figsize=(10, 3 + 0.45 * len(labels)), layout="constrained")
    rates, leads = figure.subplots(1, 2, sharey=True)
    rates.barh(positions - 0.2, warnings["detection_rate"].fillna(0), height=0.4, label="collapses warned of")
    rates.barh(positions + 0.2, warnings["false_alarm_rate"].fillna(0), height=0.4, color=COLLAPSE_COLOUR,
               label="false alarms (runs that survived)")
    rates.set_yticks(positions, labels, fontsize=8)
    rates.invert_yaxis()
    rates.xaxis.set_major_formatter(PercentFormatter(1.0))
    rates.set_xlim(0, 1)
    rates.set_title("Detection and false alarms", loc="left", fontsize=11)
    rates.legend(loc="lower right", fontsize=8)
    median = warnings["lead_time_median_days"].to_numpy(dtype=np.float64)
    spread = np.vstack([median - warnings["lead_time_q25_days"], warnings["lead_time_q75_days"] - median])
    leads.barh(positions, np.nan_to_num(median), xerr=np.nan_to_num(spread), color="tab:green", capsize=3)
    leads.set_title("Lead time before the collapse (median, quartiles)", loc="left", fontsize=11)
    leads.set_xlabel("days")
    for ax in (rates, leads):
        ax.grid(True, axis="x", alpha=0.3)
    figure.suptitle("Early warnings", fontsize=13, fontweight="bold")
    return figure


def reverse_chart(families: pd.DataFrame, boundary: pd.DataFrame) -> Figure:
    """The reverse stress test: per shock the bracket [largest surviving, least breaking
    severity], and the boundary curve of the pair (severity of the second shock at which
    ruin becomes more likely than not, against the first's)."""
    figure = Figure(figsize=(10, 4 + 0.35 * len(families)), layout="constrained")
    bars, curve = figure.subplots(1, 2)
    positions = np.arange(len(families))
    breaking = families["least_breaking_severity"].astype(float)
    surviving = families["largest_surviving_severity"].astype(float)
    bars.barh(positions, breaking.fillna(1.0), color=np.where(breaking.isna(), "#cccccc", COLLAPSE_COLOUR),
              label="least breaking severity (grey: none up to 1)")
    bars.plot(surviving, positions, "k|", markersize=14, label="largest surviving severity")
    bars.set_yticks(positions, families["shock"], fontsize=8)
    bars.invert_yaxis()
    bars.set_xlim(0, 1.05)
    bars.set_xlabel("severity")
    bars.set_title("Smallest shock that breaks it (ruin > 50 %)", loc="left", fontsize=11)
    bars.legend(loc="lower right", fontsize=8)
    first, second = boundary["first_family"].iloc[0], boundary["second_family"].iloc[0]
    curve.plot(boundary["first_severity"], boundary["least_breaking_severity"].astype(float), "o-",
               color=COLLAPSE_COLOUR, label="least breaking severity")
    curve.plot(boundary["first_severity"], boundary["largest_surviving_severity"].astype(float), "s--",
               color="tab:green", label="largest surviving severity")
    curve.set_xlim(-0.05, 1.05)
    curve.set_ylim(-0.05, 1.05)
    curve.set_xlabel(f"{first} severity")
    curve.set_ylabel(f"{second} severity")
    curve.set_title("Boundary of two shocks at once", loc="left", fontsize=11)
    curve.legend(loc="best", fontsize=8)
    for ax in (bars, curve):
        ax.grid(True, alpha=0.3)
    return figure
