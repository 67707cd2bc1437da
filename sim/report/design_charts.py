"""Charts of a design search and of a scenario discovery (matplotlib, no simulation
inside, built without pyplot like ``sim.report.charts``).

``pareto_chart`` draws the trials of `circsim optimize` in objective space: every
complete trial (infeasible ones hollow), the Pareto front joined in order; one panel for
two objectives, one panel per pair for three or more. ``discovery_chart`` draws the PRIM
result of `circsim discover`: the coverage/density trade-off of the peeling trajectory,
and the points over the two parameters the first box restricts most, the box drawn on them.
"""

import itertools
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

FRONT_COLOUR = "#c0392b"
TRIAL_COLOUR = "#7f8c8d"
FAILING_COLOUR = "#c0392b"
PASSING_COLOUR = "#2980b9"
PANEL_INCHES = 4.0


def _arrow(direction: str) -> str:
    return "↑ better" if direction == "maximize" else "↓ better"


def pareto_chart(trials: pd.DataFrame, pareto: pd.DataFrame, objectives: Sequence[tuple[str, str]],
                 title: str = "") -> Figure:
    """The trials and Pareto front of a design search.

    ``trials`` and ``pareto``: the tables of ``trials.parquet`` and ``pareto.parquet`` (a
    column per objective, ``state`` and ``feasible``); ``objectives``: (name, "maximize" |
    "minimize") in order. Two objectives give one panel; k ≥ 3 give k(k−1)/2 panels, one per
    pair (the front of all objectives shown in each, so it need not look like a front in
    every pair)."""
    pairs = list(itertools.combinations(range(len(objectives)), 2)) or [(0, 0)]
    columns = min(3, len(pairs))
    rows = -(-len(pairs) // columns)
    figure = Figure(figsize=(PANEL_INCHES * columns, PANEL_INCHES * rows), layout="constrained")
    axes = np.atleast_1d(figure.subplots(rows, columns)).ravel()
    complete = trials[trials["state"] == "COMPLETE"]
    feasible, infeasible = complete[complete["feasible"]], complete[~complete["feasible"]]
    for ax, (i, j) in zip(axes, pairs):
        (x_name, x_direction), (y_name, y_direction) = objectives[i], objectives[j]
        ax.scatter(feasible[x_name], feasible[y_name], s=14, color=TRIAL_COLOUR, alpha=0.6, label="feasible trial")
        if len(infeasible):
            ax.scatter(infeasible[x_name], infeasible[y_name], s=14, facecolors="none", edgecolors=TRIAL_COLOUR,
                       alpha=0.6, label="infeasible trial")
        front = pareto.sort_values(x_name)
        joined = len(objectives) == 2  # with more objectives the front is not a line in any one pair
        ax.plot(front[x_name], front[y_name], "o-" if joined else "o", color=FRONT_COLOUR, markersize=5,
                linewidth=1.2, label="Pareto front")
        ax.set_xlabel(f"{x_name} ({_arrow(x_direction)})")
        ax.set_ylabel(f"{y_name} ({_arrow(y_direction)})")
        ax.grid(alpha=0.3)
    for ax in axes[len(pairs):]:
        ax.set_visible(False)
    axes[0].legend(loc="best", fontsize="small")
    figure.suptitle(title or f"{len(complete)} trials, {len(pareto)} on the Pareto front")
    return figure


def discovery_chart(trajectory: pd.DataFrame, parameters: pd.DataFrame, failing: np.ndarray,
                    limits: Mapping[str, tuple[float | None, float | None]], failing_text: str,
                    chosen: tuple[float, float] | None = None) -> Figure:
    """The first PRIM box of a discovery.

    Left: ``trajectory`` (columns coverage, density, restricted_dimensions; one row per box
    of the peeling), density against coverage coloured by the number of restricted
    parameters, ``chosen`` (coverage, density) circled. Right: the points of ``parameters``
    over the first two parameters of ``limits`` (the box's restrictions, None = open end),
    failing ones (``failing``, bool per row) in red, the box as a rectangle; with one
    restricted parameter, the second axis is the first other parameter."""
    figure = Figure(figsize=(2 * PANEL_INCHES + 1, PANEL_INCHES), layout="constrained")
    tradeoff, scatter = figure.subplots(1, 2)
    dots = tradeoff.scatter(trajectory["coverage"], trajectory["density"], c=trajectory["restricted_dimensions"],
                            cmap="viridis", s=18)
    if chosen is not None:
        tradeoff.scatter([chosen[0]], [chosen[1]], s=120, facecolors="none", edgecolors=FRONT_COLOUR,
                         label="box reported")
        tradeoff.legend(loc="lower left", fontsize="small")
    figure.colorbar(dots, ax=tradeoff, label="parameters restricted", ticks=MaxNLocator(integer=True))
    tradeoff.set_xlabel("coverage (share of failing points inside)")
    tradeoff.set_ylabel("density (share failing inside)")
    tradeoff.set_title("PRIM peeling trajectory")
    tradeoff.grid(alpha=0.3)

    names = list(limits)[:2]
    names += [column for column in parameters.columns if column not in names][:2 - len(names)]
    failing = np.asarray(failing, dtype=bool)
    x_name = names[0]
    y_name = names[1] if len(names) > 1 else None
    y_values = parameters[y_name] if y_name else np.zeros(len(parameters))
    scatter.scatter(parameters[x_name][~failing], y_values[~failing], s=10, color=PASSING_COLOUR, label="passes")
    scatter.scatter(parameters[x_name][failing], y_values[failing], s=10, color=FAILING_COLOUR,
                    label=failing_text)
    x_low, x_high = _edges(limits.get(x_name, (None, None)), parameters[x_name])
    y_low, y_high = _edges(limits.get(y_name, (None, None)), parameters[y_name]) if y_name else (-0.5, 0.5)
    scatter.add_patch(Rectangle((x_low, y_low), x_high - x_low, y_high - y_low, fill=False, edgecolor="black",
                                linewidth=1.5, label="box 1"))
    scatter.set_xlabel(x_name)
    scatter.set_ylabel(y_name or "")
    scatter.legend(loc="best", fontsize="small")
    scatter.set_title("failing region")
    return figure


def _edges(bounds: tuple[float | None, float | None], values: pd.Series) -> tuple[float, float]:
    """A box's ends on one axis, an open end drawn at the data's edge."""
    low, high = bounds
    return (float(values.min()) if low is None else low, float(values.max()) if high is None else high)
