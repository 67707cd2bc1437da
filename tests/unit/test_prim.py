"""Scenario discovery (`circsim discover`): PRIM (sim/experiments/prim.py) recovers a failing
box planted in a synthetic dataset, random or on a sweep's grid (Friedman & Fisher 1999,
"Bump hunting in high-dimensional data": the box's coverage and density are the shares
of failing points inside it, and of points inside it that fail; each peel keeps the box
with the highest density, down to the minimum mass), read from a `circsim optimize` folder
as the command reads it."""

import itertools
import json

import numpy as np
import pandas as pd
import pytest

from sim.experiments.discover import discover, find_boxes
from sim.experiments.prim import MASS_MIN
from sim.experiments.sweep_design import SweepError

POOL_SHARE = "release.dividend_pool_share_of_sales"
MULTIPLE = "rewards.energy_multiple"
POOL_CUT, MULTIPLE_CUT = 0.1, 3.5
"""The planted failing region: pool share below 0.1 and multiple above 3.5."""


def synthetic_points(n=600, seed=4) -> pd.DataFrame:
    """Uniform points over (pool share, multiple, an irrelevant fee), ruin 0.5 inside the
    planted box and 0 outside."""
    gen = np.random.default_rng(seed)
    points = pd.DataFrame({POOL_SHARE: gen.uniform(0.05, 0.3, n), MULTIPLE: gen.uniform(1.2, 5.0, n),
                           "withdrawals.fee_share": gen.uniform(0.0, 0.2, n)})
    inside = (points[POOL_SHARE] < POOL_CUT) & (points[MULTIPLE] > MULTIPLE_CUT)
    points["ruin_upper"] = np.where(inside, 0.5, 0.0)
    return points


def test_prim_recovers_a_planted_failing_box():
    points = synthetic_points()
    failing = points["ruin_upper"].to_numpy() > 0.05
    (box, *_rest) = find_boxes(points[[POOL_SHARE, MULTIPLE, "withdrawals.fee_share"]], failing)
    assert set(box.limits) == {POOL_SHARE, MULTIPLE}  # the irrelevant fee is left free
    pool_low, pool_high = box.limits[POOL_SHARE]
    multiple_low, multiple_high = box.limits[MULTIPLE]
    assert pool_high == pytest.approx(POOL_CUT, abs=0.01) and multiple_low == pytest.approx(MULTIPLE_CUT, abs=0.15)
    # the other ends stay at (or within a peel of) the edges of the data: 0.05 and 5.0
    assert (pool_low or 0.05) < 0.06 and (multiple_high or 5.0) > 4.8
    assert box.coverage > 0.9 and box.density > 0.9
    inside = ((points[POOL_SHARE] >= (pool_low or 0)) & (points[POOL_SHARE] <= pool_high)
              & (points[MULTIPLE] >= multiple_low) & (points[MULTIPLE] <= (multiple_high or 5.0)))
    assert box.coverage == pytest.approx((inside & failing).sum() / failing.sum())
    assert box.density == pytest.approx((inside & failing).sum() / inside.sum())


def test_peeling_trajectory_trades_coverage_for_density():
    """F&F §4: each peel removes ⌊α·n⌋ points and keeps the densest cut; on the planted box
    every step can drop passing points only, so density never falls while coverage never
    rises, down to the minimum mass; the box reported is the densest on the way."""
    points = synthetic_points()
    failing = points["ruin_upper"].to_numpy() > 0.05
    (box, *_rest) = find_boxes(points[[POOL_SHARE, MULTIPLE, "withdrawals.fee_share"]], failing)
    trajectory = box.trajectory
    assert trajectory.iloc[0].tolist() == [1.0, pytest.approx(failing.mean()), 1.0, 0.0]  # the whole space
    assert (trajectory["density"].diff().dropna() >= 0).all()
    assert (trajectory["coverage"].diff().dropna() <= 0).all()
    assert (trajectory["mass"].diff().dropna() < 0).all() and trajectory["mass"].iloc[-1] >= MASS_MIN
    last_points = round(trajectory["mass"].iloc[-1] * len(points))
    assert (last_points - max(1, int(0.05 * last_points))) / len(points) < MASS_MIN  # no peel was left
    assert box.density == trajectory["density"].max() == 1.0


def test_prim_recovers_a_planted_box_on_a_grid():
    """A sweep's points lie on a grid, so a quantile cut falls on ties: a peel then takes
    every point at the edge value, and the box's limits are grid values."""
    grid = pd.DataFrame(list(itertools.product(np.linspace(0.05, 0.3, 6), np.linspace(1.2, 5.0, 6),
                                               np.linspace(0.0, 0.2, 4))),
                        columns=[POOL_SHARE, MULTIPLE, "withdrawals.fee_share"])
    failing = ((grid[POOL_SHARE] < POOL_CUT) & (grid[MULTIPLE] > MULTIPLE_CUT)).to_numpy()
    (box,) = find_boxes(grid, failing)
    assert box.limits == {POOL_SHARE: (None, 0.05), MULTIPLE: (pytest.approx(4.24), None)}
    assert (box.coverage, box.density, box.points) == (1.0, 1.0, 8)


def test_nothing_failing_gives_no_box():
    points = synthetic_points()
    assert find_boxes(points[[POOL_SHARE, MULTIPLE]], np.zeros(len(points), dtype=bool)) == []


def optimize_folder(folder, points):
    """A folder laid out as `circsim optimize` writes it, holding ``points`` as its trials."""
    folder.mkdir()
    trials = points.assign(trial=range(len(points)), replicates=16, state="COMPLETE", feasible=True)
    trials.to_parquet(folder / "trials.parquet", index=False)
    settings = {"parameters": {POOL_SHARE: {}, MULTIPLE: {}, "withdrawals.fee_share": {}},
                "objectives": [{"name": "ruin_upper", "direction": "minimize"}]}
    (folder / "optimize.json").write_text(json.dumps(settings))
    return folder


def test_discover_reads_an_optimize_folder(tmp_path):
    folder = optimize_folder(tmp_path / "study", synthetic_points())
    found = discover(folder, "ruin_upper", 0.05)
    assert found.source == "optimize" and found.points == 600
    assert found.boxes and set(found.boxes[0].limits) == {POOL_SHARE, MULTIPLE}
    record = found.to_dict()
    assert record["boxes"][0]["limits"][POOL_SHARE]["high"] == pytest.approx(POOL_CUT, abs=0.01)
    assert "ruin_upper > 0.05 when" in record["answer"][1]
    with pytest.raises(SweepError, match="--metric operator_margin: not an objective"):
        discover(folder, "operator_margin", 0.05)
