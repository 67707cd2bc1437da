"""Charts of a calibration (``circsim calibrate``): the posterior marginals against their
priors, the pairs of parameters, and the posterior-predictive check (observed figures
against the band of trajectories simulated from posterior particles). Each function takes
the tables the calibration wrote (``posterior.parquet``, ``predictive.parquet``,
``observed.parquet``) and the parameters of ``calibration.json``, and returns a
``matplotlib.figure.Figure`` built without pyplot; ``sim.report.charts.save_chart`` writes it.
"""

import math

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.report.charts import save_chart

PANEL_INCHES = 3.2
BINS = 20
BAND_COLOUR = "#2e86c1"
OBSERVED_COLOUR = "black"


def _axis_scale(ax, parameter: dict, axis: str = "x") -> None:
    if parameter["prior"] == "log-uniform":
        (ax.set_xscale if axis == "x" else ax.set_yscale)("log")


def marginals_chart(posterior: pd.DataFrame, parameters: list[dict], intervals: dict) -> Figure:
    """One panel per parameter: the weighted posterior's probability per bin over the prior's
    range (log bins for a log-uniform prior), the prior's, the median and the credible interval
    (``intervals`` as in calibration.json's ``posterior``)."""
    figure = Figure(figsize=(PANEL_INCHES * len(parameters), PANEL_INCHES), layout="constrained")
    axes = np.atleast_1d(figure.subplots(1, len(parameters)))
    for ax, parameter in zip(axes, parameters, strict=True):
        name, low, high = parameter["name"], parameter["low"], parameter["high"]
        log = parameter["prior"] == "log-uniform"
        edges = np.geomspace(low, high, BINS + 1) if log else np.linspace(low, high, BINS + 1)
        # probability per bin: the bins split the prior into equal shares (equal widths, or equal
        # ratios for a log-uniform prior), so the prior is the flat line 1 / BINS
        ax.hist(posterior[name], bins=edges, weights=posterior["weight"], color=BAND_COLOUR, alpha=0.7,
                label="posterior")
        ax.stairs(np.full(BINS, 1 / BINS), edges, color="grey", linestyle="--", label="prior")
        interval = intervals[name]
        ax.axvline(interval["median"], color="black", label="median")
        ax.axvspan(interval["lower"], interval["upper"], color="grey", alpha=0.15, label="90 % credible interval")
        _axis_scale(ax, parameter)
        ax.set_xlabel(name, fontsize=8)
        ax.set_ylabel("probability per bin", fontsize=8)
    axes[0].legend(fontsize=7)
    figure.suptitle("Posterior marginals (weighted, last generation)", fontsize=11)
    return figure


def pairs_chart(posterior: pd.DataFrame, parameters: list[dict]) -> Figure:
    """Every pair of parameters: the last generation's particles, area by weight, axes spanning
    the priors' ranges. Needs at least two parameters."""
    count = len(parameters)
    figure = Figure(figsize=(PANEL_INCHES * (count - 1), PANEL_INCHES * (count - 1)), layout="constrained")
    axes = np.array(figure.subplots(count - 1, count - 1, squeeze=False))
    sizes = 8 + 400 * posterior["weight"] / posterior["weight"].max() / math.sqrt(len(posterior))
    for row in range(count - 1):
        for column in range(count - 1):
            ax = axes[row, column]
            if column > row:
                ax.set_axis_off()
                continue
            x, y = parameters[column], parameters[row + 1]
            ax.scatter(posterior[x["name"]], posterior[y["name"]], s=sizes, color=BAND_COLOUR, alpha=0.5,
                       edgecolors="none")
            ax.set_xlim(x["low"], x["high"])
            ax.set_ylim(y["low"], y["high"])
            _axis_scale(ax, x, "x")
            _axis_scale(ax, y, "y")
            ax.set_xlabel(x["name"], fontsize=8)
            ax.set_ylabel(y["name"], fontsize=8)
    figure.suptitle("Posterior particles by pair (area: weight)", fontsize=11)
    return figure


def predictive_chart(band: pd.DataFrame, observed: pd.DataFrame) -> Figure:
    """One panel per observed column: the 5–95 % band and median of the posterior-predictive
    trajectories, and the observed figures (with their stated uncertainty as error bars), in
    the scenario's own population and units."""
    columns = sorted(set(observed["column"]))
    per_row = min(len(columns), 3)
    rows = math.ceil(len(columns) / per_row)
    figure = Figure(figsize=(4.2 * per_row, 3.2 * rows), layout="constrained")
    axes = np.array(figure.subplots(rows, per_row, squeeze=False)).ravel()
    for ax, column in zip(axes, columns, strict=False):
        drawn = band[band["column"] == column]
        ax.fill_between(drawn["day"], drawn["lower"], drawn["upper"], color=BAND_COLOUR, alpha=0.25,
                        label="5–95 % of posterior runs")
        ax.plot(drawn["day"], drawn["median"], color=BAND_COLOUR, label="median run")
        points = observed[observed["column"] == column]
        errors = (points["relative_uncertainty"].fillna(0.0) * points["value"].abs()).to_numpy()
        ax.errorbar(points["day"], points["value"], yerr=errors if errors.any() else None, fmt="o",
                    color=OBSERVED_COLOUR, markersize=4, label="observed")
        ax.set_title(column, fontsize=9, loc="left")
        ax.set_xlabel("day")
    for ax in axes[len(columns):]:
        ax.set_axis_off()
    axes[0].legend(fontsize=7)
    figure.suptitle("Posterior-predictive check", fontsize=11)
    return figure


def write_calibration_charts(folder, posterior: pd.DataFrame, band: pd.DataFrame, observed: pd.DataFrame,
                             summary: dict) -> list:
    """Write marginals, pairs (with two or more parameters) and predictive charts into
    ``folder`` (PNG and SVG, ``save_chart``); return the paths."""
    parameters = summary["parameters"]
    paths = save_chart(marginals_chart(posterior, parameters, summary["posterior"]), folder, "marginals")
    if len(parameters) > 1:
        paths += save_chart(pairs_chart(posterior, parameters), folder, "pairs")
    paths += save_chart(predictive_chart(band, observed), folder, "predictive")
    return paths
