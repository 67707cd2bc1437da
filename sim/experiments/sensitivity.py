"""Sensitivity of a summary metric to a sweep's parameters (SALib): Sobol first- and
total-order indices from a ``sobol`` sweep, Morris elementary effects from a ``morris``
sweep. It reads a finished sweep's dataset and never runs a simulation.

Metrics: ``collapse_day`` (the collapse day, or the horizon ``horizon_days`` for a run
that did not collapse), ``ruin_probability`` (1 for a run that collapsed within the
horizon, 0 otherwise, so its mean over replicates is the ruin probability), or any
numeric summary column (e.g. ``share_members_losing``, ``promises_honoured_share``). A
point's value is the mean of its replicates.

SALib's confidence half-widths come from a bootstrap; its seed is derived from the dataset
(``bootstrap_seed``: the sweep's digest and the metric), so analysing the same dataset
gives the same intervals, and `circsim sensitivity` the same files, every time.
"""

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from SALib.analyze import morris as morris_analysis
from SALib.analyze import sobol as sobol_analysis

from sim.experiments.sweep_design import MORRIS_LEVELS, Sweep, SweepError, design_matrix, salib_problem
from sim.experiments.sweep_store import load_summary, read_manifest

DERIVED_METRICS = ("collapse_day", "ruin_probability")
CONFIDENCE_LEVEL = 0.95
"""Level of the bootstrap confidence intervals SALib reports beside each index."""
DEFAULT_BOOTSTRAP_SEED = 1
"""Bootstrap seed of ``sobol_indices`` and ``morris_indices`` when called without one
(``analyze_sweep`` passes ``bootstrap_seed``). Seeds must be positive: SALib's
``sobol.analyze`` treats a seed of 0 as no seed (``if seed:``) and draws its resamples from
NumPy's global generator, so the intervals changed from run to run."""


def bootstrap_seed(manifest: dict, metric: str) -> int:
    """The bootstrap seed of ``metric``'s indices in the sweep dataset of ``manifest``: 64
    bits of SHA-256 over the sweep's digest (its scenario, points, seeds and replicates, so
    the same dataset gives the same seed) and the metric's name; never 0."""
    text = f"{manifest['digest']}\n{metric}".encode()
    return int.from_bytes(hashlib.sha256(text).digest()[:8], "big") or DEFAULT_BOOTSTRAP_SEED


def _checked(seed: int) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed <= 0:
        raise ValueError(f"bootstrap seed must be a positive integer, got {seed!r} (SALib ignores a seed of 0)")
    return int(seed)


def run_metric(summary: pd.DataFrame, metric: str) -> pd.Series:
    """``metric`` of every run (row) of a sweep's summary, as floats."""
    collapsed = summary["collapse_day"].notna()
    if metric == "collapse_day":
        return summary["collapse_day"].where(collapsed, summary["horizon_days"]).astype(float)
    if metric == "ruin_probability":
        return collapsed.astype(float)
    return summary[metric].astype(float)


def point_metric(summary: pd.DataFrame, metric: str) -> np.ndarray:
    """``metric`` of every point, the mean over its replicates, in point order."""
    return run_metric(summary, metric).groupby(summary["point"]).mean().to_numpy()


def sobol_indices(problem: dict, outputs: np.ndarray, seed: int = DEFAULT_BOOTSTRAP_SEED) -> pd.DataFrame:
    """First-order (S1) and total-order (ST) Sobol indices with their confidence half-widths
    (a bootstrap seeded with ``seed``, a positive integer), one row per parameter, from
    outputs at the points of SALib's Sobol sample (no second-order terms)."""
    indices = sobol_analysis.analyze(problem, outputs, calc_second_order=False, conf_level=CONFIDENCE_LEVEL,
                                     seed=_checked(seed))
    return pd.DataFrame({key: indices[key] for key in ("S1", "S1_conf", "ST", "ST_conf")},
                        index=pd.Index(problem["names"], name="parameter"))


def morris_indices(problem: dict, inputs: np.ndarray, outputs: np.ndarray,
                   seed: int = DEFAULT_BOOTSTRAP_SEED) -> pd.DataFrame:
    """Morris screening: mean absolute elementary effect (mu_star) with its confidence
    half-width (a bootstrap seeded with ``seed``, a positive integer), mean effect (mu) and
    spread (sigma), one row per parameter."""
    indices = morris_analysis.analyze(problem, inputs, outputs, num_levels=MORRIS_LEVELS,
                                      conf_level=CONFIDENCE_LEVEL, seed=_checked(seed))
    return pd.DataFrame({key: np.asarray(indices[key], dtype=float)
                         for key in ("mu_star", "mu_star_conf", "mu", "sigma")},
                        index=pd.Index(problem["names"], name="parameter"))


def analyze_sweep(folder: str | Path, metric: str = "collapse_day") -> pd.DataFrame:
    """Sobol or Morris indices (by the sweep's design) of ``metric`` from a finished sweep's
    dataset, their confidence intervals seeded by ``bootstrap_seed`` (the same dataset and
    metric give the same table). Raises ``SweepError`` for another design, an unfinished
    sweep, an unknown metric, or a metric that is missing somewhere or does not vary."""
    manifest = read_manifest(folder)
    sweep = Sweep.model_validate(manifest["sweep"])
    if sweep.design not in ("sobol", "morris"):
        raise SweepError([f"{folder}: design: sensitivity needs a sobol or morris sweep, this one is {sweep.design}"])
    summary = load_summary(folder)
    if len(summary) < manifest["runs"]:
        raise SweepError([f"{folder}: summary: {manifest['runs'] - len(summary)} of {manifest['runs']} runs "
                          "missing; run the sweep again to finish it"])
    if metric not in DERIVED_METRICS and metric not in summary.select_dtypes("number").columns:
        raise SweepError([f"--metric {metric}: not a numeric summary metric (try {', '.join(DERIVED_METRICS)}, "
                          "share_members_losing, ...)"])
    outputs = point_metric(summary, metric)
    if np.isnan(outputs).any():
        raise SweepError([f"--metric {metric}: missing at {int(np.isnan(outputs).sum())} points"])
    if np.ptp(outputs) == 0:
        raise SweepError([f"--metric {metric}: the same ({outputs[0]:g}) at every point; nothing to attribute"])
    problem = salib_problem(sweep)
    seed = bootstrap_seed(manifest, metric)
    if sweep.design == "sobol":
        return sobol_indices(problem, outputs, seed)
    return morris_indices(problem, design_matrix(sweep), outputs, seed)


def plot_indices(table: pd.DataFrame, title: str = "") -> Figure:
    """A bar chart of a ``sobol_indices`` or ``morris_indices`` table, with the
    confidence half-widths as error bars; the legend stands below the axes, outside the data."""
    bars = [("S1", "first order"), ("ST", "total order")] if "S1" in table else [("mu_star", "mu*")]
    figure = Figure(figsize=(6.4, 0.6 + 0.5 * len(table) * len(bars)), layout="constrained")
    axes = figure.subplots()
    positions = np.arange(len(table))
    height = 0.8 / len(bars)
    for offset, (column, label) in enumerate(bars):
        axes.barh(positions + offset * height, table[column], height, xerr=table[f"{column}_conf"], label=label,
                  capsize=3)
    axes.set_yticks(positions + height * (len(bars) - 1) / 2, table.index)
    axes.invert_yaxis()
    axes.set_xlabel("Sobol index (share of variance)" if "S1" in table else "mean |elementary effect|")
    axes.axvline(0, color="black", linewidth=0.8)
    # below the axes: inside them, any corner can hide a bar or an error bar
    figure.legend(loc="outside lower center", ncols=len(bars))
    axes.set_title(title)
    return figure
