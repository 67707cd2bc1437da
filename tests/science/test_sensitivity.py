"""Sensitivity wiring against closed forms: Sobol indices of the Ishigami function read
through a real sweep dataset, and Morris effects of a linear function, which are exact.

Ishigami & Homma (1990): f(x) = sin x1 + a sin² x2 + b x3⁴ sin x1 on [-π, π]³. For a = 7,
b = 0.1 the analytic first-order indices are S1 ≈ (0.314, 0.442, 0) and the total-order
indices ST ≈ (0.558, 0.442, 0.244) (e.g. Saltelli et al. 2008, Global Sensitivity
Analysis: The Primer, §4.8; Sobol' & Levitan 1999).
"""

import math

import numpy as np
import pandas as pd
import pytest

from sim.experiments.sensitivity import analyze_sweep, morris_indices, plot_indices, point_metric, run_metric
from sim.experiments.sweep_design import SweepError, design_matrix, load_sweep, salib_problem
from sim.experiments.sweep_store import SweepStore
from tests.helpers import BASELINE

A, B = 7.0, 0.1


def ishigami(x1, x2, x3):
    return np.sin(x1) + A * np.sin(x2) ** 2 + B * x3**4 * np.sin(x1)


def ishigami_indices():
    """Closed-form first- and total-order indices (Ishigami & Homma 1990)."""
    v1 = 0.5 * (1 + B * math.pi**4 / 5) ** 2
    v2 = A**2 / 8
    v13 = B**2 * math.pi**8 * (1 / 18 - 1 / 50)
    variance = v1 + v2 + v13
    return (v1 / variance, v2 / variance, 0.0), ((v1 + v13) / variance, v2 / variance, v13 / variance)


def test_closed_form_matches_the_cited_values():
    first, total = ishigami_indices()
    assert np.round(first, 3).tolist() == [0.314, 0.442, 0.0]
    assert np.round(total, 3).tolist() == [0.558, 0.442, 0.244]


# Three float fields of the scenario stand in for x1, x2, x3: each range maps affinely onto
# [-π, π], which leaves Sobol indices unchanged.
RANGES = {"rewards.energy_multiple": (0.0, 10.0), "purchases.goods_value_ratio": (0.0, 10.0),
          "population.churn_probability_per_day": (0.0, 1.0)}


def sweep_text(design, samples):
    parameters = "".join(f'[[parameters]]\npath = "{path}"\nlow = {low}\nhigh = {high}\n'
                         for path, (low, high) in RANGES.items())
    return (f'scenario = "{BASELINE}"\ndays = 90\nmembers = 100\ndesign = "{design}"\n'
            f"samples = {samples}\ndesign_seed = 5\n{parameters}")


def write_synthetic_dataset(tmp_path, design, samples, metric, share_done=1.0):
    """A sweep dataset whose runs report ``metric(x1, x2, x3)`` at their points instead of
    a simulation's output, so that the analysis can be checked against a closed form;
    ``share_done`` of the runs are written."""
    path = tmp_path / f"{design}.toml"
    path.write_text(sweep_text(design, samples))
    plan = load_sweep(path)
    store = SweepStore.open(tmp_path / "out", plan)
    rows = []
    for point, values in enumerate(plan.points):
        x = [-math.pi + 2 * math.pi * (values[p] - low) / (high - low) for p, (low, high) in RANGES.items()]
        rows.append({"point": point, "replicate": 0, "horizon_days": 90, "collapse_day": None, **values,
                     "synthetic": metric(*x)})
    store.write_part(rows[: round(share_done * len(rows))], [])
    return store.folder


def test_sobol_indices_of_ishigami_through_a_sweep_dataset(tmp_path):
    folder = write_synthetic_dataset(tmp_path, "sobol", 1024, ishigami)
    table = analyze_sweep(folder, "synthetic")
    first, total = ishigami_indices()
    assert table.index.tolist() == list(RANGES)
    np.testing.assert_allclose(table["S1"], first, atol=0.05)
    np.testing.assert_allclose(table["ST"], total, atol=0.05)
    assert (table["S1_conf"] > 0).all() and (table["ST_conf"] < 0.1).all()
    figure = plot_indices(table, "Ishigami")
    axes = figure.axes[0]
    assert axes.get_title() == "Ishigami"
    assert_legend_outside_the_data(figure)


def assert_legend_outside_the_data(figure):
    """The legend (first and total order) is drawn outside the axes, where it cannot hide
    a bar or an error bar (issue 19)."""
    figure.draw_without_rendering()  # lays the figure out, legend included
    axes = figure.axes[0]
    assert axes.get_legend() is None
    (legend,) = figure.legends
    assert [text.get_text() for text in legend.get_texts()] == ["first order", "total order"]
    assert not legend.get_window_extent().overlaps(axes.get_window_extent())


def test_morris_effects_of_a_linear_function_are_exact(tmp_path):
    coefficients = (2.0, -3.0, 0.0)
    folder = write_synthetic_dataset(tmp_path, "morris", 10, lambda *x: float(np.dot(coefficients, x)))
    table = analyze_sweep(folder, "synthetic")
    # x spans 2π for every parameter: one elementary effect is coefficient × 2π
    np.testing.assert_allclose(table["mu"], [2 * 2 * math.pi, -3 * 2 * math.pi, 0.0], atol=1e-9)
    np.testing.assert_allclose(table["mu_star"], [4 * math.pi, 6 * math.pi, 0.0], atol=1e-9)
    np.testing.assert_allclose(table["sigma"], 0.0, atol=1e-9)


def test_morris_indices_use_the_design_as_sampled():
    from sim.experiments.sweep_design import Sweep

    sweep = Sweep.model_validate({"scenario": "unused.toml", "design": "morris", "samples": 12, "parameters": [
        {"path": "a", "low": 0.0, "high": 1.0}, {"path": "b", "low": 0.0, "high": 2.0}]})
    inputs = design_matrix(sweep)
    table = morris_indices(salib_problem(sweep), inputs, 5 * inputs[:, 1])
    np.testing.assert_allclose(table.loc["b", "mu_star"], 10.0)
    assert table.loc["a", "mu_star"] == 0.0


def test_metrics_count_a_run_without_collapse_at_the_horizon():
    summary = pd.DataFrame({
        "point": [0, 0, 1, 1], "replicate": [0, 1, 0, 1], "horizon_days": [90] * 4,
        "collapse_day": pd.array([30, None, None, None], dtype="Int64"),
        "share_members_losing": [0.5, 0.7, 0.1, 0.3],
    })
    assert run_metric(summary, "collapse_day").tolist() == [30.0, 90.0, 90.0, 90.0]
    assert point_metric(summary, "collapse_day").tolist() == [60.0, 90.0]
    assert point_metric(summary, "ruin_probability").tolist() == [0.5, 0.0]
    np.testing.assert_allclose(point_metric(summary, "share_members_losing"), [0.6, 0.2])


def test_analysis_refuses_what_it_cannot_attribute(tmp_path):
    folder = write_synthetic_dataset(tmp_path, "sobol", 8, lambda *x: 1.0)
    with pytest.raises(SweepError, match="--metric synthetic: the same \\(1\\) at every point"):
        analyze_sweep(folder, "synthetic")
    with pytest.raises(SweepError, match="--metric nope: not a numeric summary metric"):
        analyze_sweep(folder, "nope")
    with pytest.raises(SweepError, match="--metric ruin_probability: the same"):
        analyze_sweep(folder, "ruin_probability")


def test_analysis_needs_a_finished_sobol_or_morris_sweep(tmp_path):
    unfinished = write_synthetic_dataset(tmp_path, "sobol", 8, ishigami, share_done=0.5)
    with pytest.raises(SweepError, match="summary: 20 of 40 runs missing"):
        analyze_sweep(unfinished, "synthetic")
    path = tmp_path / "grid.toml"
    path.write_text(f'scenario = "{BASELINE}"\n[[parameters]]\npath = "rewards.energy_multiple"\nvalues = [1.0, 2.0]\n')
    grid = SweepStore.open(tmp_path / "out", load_sweep(path)).folder
    with pytest.raises(SweepError, match="design: sensitivity needs a sobol or morris sweep, this one is grid"):
        analyze_sweep(grid, "collapse_day")
