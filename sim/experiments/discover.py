"""Scenario discovery: in which region of the parameter space does the scheme fail
(`circsim discover`)?

It reads a finished dataset — a sweep's (``sim.experiments.sweep_store``: one point per
combination of swept values, its metric the mean over its replicates, as
``sim.experiments.sensitivity.point_metric`` computes it) or a design search's
(``trials.parquet`` of `circsim optimize`: one row per complete trial) — marks each point
failing when its metric is above (or below) a threshold, and finds boxes of the parameters
where failing points are dense with PRIM, the Patient Rule Induction Method (Friedman &
Fisher 1999, "Bump hunting in high-dimensional data"; as used for scenario discovery by
Bryant & Lempert 2010), implemented in ``sim.experiments.prim``.

For each box: its limits on the parameters it restricts, its *coverage* (the share of all
failing points inside it), *density* (the share of the points inside it that fail) and
*mass* (the share of all points inside it), and the peeling trajectory — the
coverage/density trade-off of every box PRIM passed through on the way.
"""

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.experiments import prim
from sim.experiments.optimize import SETTINGS_FILE, TRIALS_FILE
from sim.experiments.sensitivity import DERIVED_METRICS, point_metric
from sim.experiments.sweep_design import SweepError
from sim.experiments.sweep_store import MANIFEST, load_summary, read_manifest

DIRECTIONS = ("above", "below")
MAX_BOXES = 3
"""Boxes found at most: one after another, each on the points earlier boxes left."""


@dataclass(frozen=True)
class DiscoveryData:
    """The points of a dataset: the parameters (one column per dotted path) and the
    metric of each point, and where they came from."""

    source: str
    parameters: pd.DataFrame
    metric: pd.Series


def load_dataset(folder: str | Path, metric: str) -> DiscoveryData:
    """The points of a sweep dataset (``sweep.json``) or a design search folder
    (``optimize.json`` + ``trials.parquet``) and ``metric`` at each. Raises ``SweepError``
    for a folder that is neither, an unknown metric, or a dataset with too few points."""
    folder = Path(folder)
    if (folder / MANIFEST).is_file():
        manifest = read_manifest(folder)
        summary = load_summary(folder)
        if metric not in DERIVED_METRICS and metric not in summary.select_dtypes("number").columns:
            raise SweepError([(f"--metric {metric}: not a numeric summary metric of {folder} "
                              f"(try {', '.join(DERIVED_METRICS)}, share_members_losing, ...)")])
        paths = manifest["swept_paths"]
        parameters = summary.groupby("point")[paths].first()
        values = pd.Series(point_metric(summary, metric), index=parameters.index, name=metric)
        data = DiscoveryData("sweep", parameters.reset_index(drop=True), values.reset_index(drop=True))
    elif (folder / SETTINGS_FILE).is_file() and (folder / TRIALS_FILE).is_file():
        settings = json.loads((folder / SETTINGS_FILE).read_text())
        trials = pd.read_parquet(folder / TRIALS_FILE)
        trials = trials[trials["state"] == "COMPLETE"].reset_index(drop=True)
        paths = list(settings["parameters"])
        if metric not in trials.columns or metric in ("trial", "replicates", "state", "feasible"):
            objectives = [o["name"] for o in settings["objectives"] if o["name"] not in paths]
            raise SweepError([f"--metric {metric}: not an objective of {folder} (one of {', '.join(objectives)})"])
        data = DiscoveryData("optimize", trials[paths], trials[metric].astype(float).rename(metric))
    else:
        raise SweepError([(f"{folder}: neither a sweep dataset ({MANIFEST}) nor a `circsim optimize` folder "
                          f"({SETTINGS_FILE} and {TRIALS_FILE})")])
    numeric = data.parameters.select_dtypes("number")
    if numeric.shape[1] == 0:
        raise SweepError([f"{folder}: no numeric parameter to bound"])
    present = data.metric.notna().to_numpy()
    if present.sum() < 2:
        raise SweepError([f"--metric {metric}: fewer than two points of {folder} have a value"])
    return DiscoveryData(data.source, numeric[present].reset_index(drop=True).astype(float),
                         data.metric[present].reset_index(drop=True))


@dataclass(frozen=True)
class Box:
    """One PRIM box: ``limits`` maps each restricted parameter to (low, high), inclusive,
    each the value of a point of the data (``sim.experiments.prim.PrimBox``), None where the
    box reaches the edge of the data; and its statistics."""

    limits: dict[str, tuple[float | None, float | None]]
    coverage: float
    density: float
    mass: float
    points: int
    trajectory: pd.DataFrame
    """One row per box PRIM passed through: coverage, density, mass, restricted dimensions."""

    def statement(self, failing: str) -> str:
        """The box in words, e.g. ``x < 0.1 and y > 3``."""
        parts = [_bound(path, low, high) for path, (low, high) in self.limits.items()]
        return (f"{failing} when {' and '.join(parts) if parts else 'anywhere'}: coverage {self.coverage:.0%}, "
                f"density {self.density:.0%}, {self.points} points")


def _bound(path: str, low: float | None, high: float | None) -> str:
    if low is None:
        return f"{path} <= {high:.4g}"
    if high is None:
        return f"{path} >= {low:.4g}"
    return f"{low:.4g} <= {path} <= {high:.4g}"


@dataclass(frozen=True)
class Discovery:
    """The failing region of a dataset: the boxes found and what was asked."""

    source: str
    metric: str
    threshold: float
    direction: str
    points: int
    failing: int
    ranges: dict[str, tuple[float, float]]
    boxes: tuple[Box, ...]
    data: DiscoveryData
    """The points the boxes were found in (for charts; not in ``boxes.json``)."""

    @property
    def failing_text(self) -> str:
        """What failing means here, e.g. ``ruin_probability > 0.05``."""
        return f"{self.metric} {'>' if self.direction == 'above' else '<'} {self.threshold:g}"

    def lines(self) -> list[str]:
        """The answer in words."""
        lines = [f"{self.failing} of {self.points} points fail ({self.failing_text})"]
        lines += [f"box {k + 1}: {box.statement(self.failing_text)}" for k, box in enumerate(self.boxes)]
        if not self.boxes:
            lines.append("no box: " + ("no point fails" if self.failing == 0 else "every point fails"))
        return lines

    def to_dict(self) -> dict:
        """``boxes.json``."""
        return {
            "source": self.source, "metric": self.metric, "threshold": self.threshold, "failing_when": self.direction,
            "points": self.points, "failing_points": self.failing,
            "parameter_ranges": {path: list(bounds) for path, bounds in self.ranges.items()},
            "boxes": [{"limits": {path: {"low": low, "high": high} for path, (low, high) in box.limits.items()},
                       "coverage": box.coverage, "density": box.density, "mass": box.mass, "points": box.points,
                       "statement": box.statement(self.failing_text),
                       "trajectory": box.trajectory.to_dict(orient="records")}
                      for box in self.boxes],
            "answer": self.lines(),
        }


def find_boxes(parameters: pd.DataFrame, failing: np.ndarray, max_boxes: int = MAX_BOXES) -> list[Box]:
    """PRIM boxes (``sim.experiments.prim``, Friedman & Fisher 1999) of the points where
    ``failing`` (bool, one per row of ``parameters``, a float column per parameter) is true:
    up to ``max_boxes``, each found on the points the earlier ones left, stopping when no
    failing point is left or a box is no denser in failures than the whole space. Each box
    is the densest of its peeling trajectory, then pasted. Returns [] when no point or every
    point fails."""
    x = parameters.to_numpy(dtype=float)
    boxes = []
    edge_low, edge_high = x.min(axis=0), x.max(axis=0)
    for found in prim.find_boxes(x, failing, max_boxes):  # PRIM's α = 0.05 and β₀ = 0.05
        cuts = found.restricted(x)
        restricted = {path: (float(found.low[j]) if found.low[j] > edge_low[j] else None,
                             float(found.high[j]) if found.high[j] < edge_high[j] else None)
                      for j, path in enumerate(parameters.columns) if cuts[j]}
        boxes.append(Box(restricted, found.coverage, found.density, found.mass, int(found.inside.sum()),
                         found.trajectory))
    return boxes


def discover(folder: str | Path, metric: str, threshold: float, direction: str = "above",
             max_boxes: int = MAX_BOXES) -> Discovery:
    """The PRIM boxes of the points of ``folder`` whose ``metric`` is above (or below)
    ``threshold`` (see the module docstring). Raises ``SweepError`` for a bad dataset or metric."""
    if direction not in DIRECTIONS:
        raise SweepError([f"--failing {direction}: expected one of {', '.join(DIRECTIONS)}"])
    if not math.isfinite(threshold):
        raise SweepError([f"--threshold {threshold}: must be a finite number"])
    data = load_dataset(folder, metric)
    values = data.metric.to_numpy(dtype=float)
    failing = values > threshold if direction == "above" else values < threshold
    ranges = {path: (float(data.parameters[path].min()), float(data.parameters[path].max()))
              for path in data.parameters.columns}
    boxes = find_boxes(data.parameters, failing, max_boxes)
    return Discovery(data.source, metric, threshold, direction, len(values), int(failing.sum()), ranges, tuple(boxes),
                     data)
