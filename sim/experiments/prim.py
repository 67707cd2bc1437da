"""PRIM, the Patient Rule Induction Method: boxes of the input space where a binary target
is dense (Friedman, J. H. & Fisher, N. I. (1999), "Bump hunting in high-dimensional data",
Statistics and Computing 9:123–143, §§3–6; used for scenario discovery by Bryant &
Lempert (2010), "Thinking inside the box", Technological Forecasting & Social Change 77:34–49).

Written here rather than taken from a package: the ``prim`` package on PyPI is GPL, and the
EMA Workbench's PRIM brings scikit-learn, statsmodels, seaborn and Platypus with it.

One box (``find_box``), on the points the earlier boxes left:

1. *Peeling* (F&F §4): starting from the box that holds every point, try, for each input,
   cutting off the ``peel_alpha`` share of the box's points with the lowest values, and the
   share with the highest (the input's α and 1−α quantiles in the box); keep the cut after
   which the box's target mean is highest; repeat while the box still holds at least
   ``mass_min`` of all points. The boxes passed through are the *peeling trajectory*, the
   coverage/density trade-off.
2. The box kept is the first one on the trajectory with the highest target mean (F&F §5 let
   the user choose along the trajectory; the first of the densest is the largest of them).
3. *Pasting* (F&F §6): widen the kept box on one face by about ``paste_alpha`` of its points
   while that raises its mean, the best face each time.

*Covering* (F&F §7, ``find_boxes``): remove the points of a box and look for the next one,
until no target point is left, the box restricts no input, or it is no denser than all the
points together.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

PEEL_ALPHA = 0.05
"""Share of a box's points peeled off at each step (F&F's α; 0.05 is their suggestion, §8)."""
PASTE_ALPHA = 0.05
"""Share of a box's points added at each pasting step."""
MASS_MIN = 0.05
"""Smallest share of all points a box may hold (F&F's support β₀)."""
TRAJECTORY_COLUMNS = ["coverage", "density", "mass", "restricted_dimensions"]


@dataclass(frozen=True)
class PrimBox:
    """One PRIM box over ``d`` inputs and ``n`` points.

    ``low``, ``high``: (d,) inclusive limits, each a value of the data; a limit equal to the
    data's minimum (maximum) of that input leaves that side unrestricted. ``inside``: (n,) bool,
    the points of the box among those it was found on (not those of earlier boxes).
    ``coverage`` = target points inside / all target points, ``density`` = target points
    inside / points inside (the box's target mean), ``mass`` = points inside / all points
    (F&F's support). ``trajectory``: one row per box of the peeling, starting with the whole
    box, columns ``TRAJECTORY_COLUMNS``."""

    low: np.ndarray
    high: np.ndarray
    inside: np.ndarray
    coverage: float
    density: float
    mass: float
    trajectory: pd.DataFrame

    def restricted(self, x: np.ndarray) -> np.ndarray:
        """(d,) bool: the inputs whose limits cut into the range of ``x`` (n, d)."""
        return (self.low > x.min(axis=0)) | (self.high < x.max(axis=0))


def find_boxes(x: np.ndarray, target: np.ndarray, max_boxes: int, peel_alpha: float = PEEL_ALPHA,
               paste_alpha: float = PASTE_ALPHA, mass_min: float = MASS_MIN) -> list[PrimBox]:
    """Up to ``max_boxes`` PRIM boxes of the points ``x`` (n, d floats) where ``target``
    (n, bool) is true, by covering (F&F §7): each box found on the points the earlier ones
    left. Stops early when no target point is left, or a box restricts no input or is no
    denser than all the points (``target.mean()``). Returns [] when no point or every point
    is a target. Deterministic: no randomness, ties go to the fewer restricted inputs, then
    the lower input index, then the lower side."""
    x = np.asarray(x, dtype=float)
    target = np.asarray(target, dtype=bool)
    boxes: list[PrimBox] = []
    if not target.any() or target.all():
        return boxes
    remaining = np.ones(len(target), dtype=bool)
    while len(boxes) < max_boxes and target[remaining].any():
        box = find_box(x, target, remaining, peel_alpha, paste_alpha, mass_min)
        if not box.restricted(x).any() or box.density <= target.mean():
            break
        boxes.append(box)
        remaining &= ~box.inside
    return boxes


def find_box(x: np.ndarray, target: np.ndarray, remaining: np.ndarray, peel_alpha: float = PEEL_ALPHA,
             paste_alpha: float = PASTE_ALPHA, mass_min: float = MASS_MIN) -> PrimBox:
    """One PRIM box (peeling, choice, pasting; see the module docstring) of the points
    ``remaining`` (n, bool) of ``x`` (n, d floats), ``target`` (n, bool). Its coverage is a
    share of all the target points and its mass of all ``n`` points, earlier boxes' included,
    as F&F §7 report the boxes of covering."""
    low, high = x.min(axis=0), x.max(axis=0)
    edges = (low.copy(), high.copy())
    inside = remaining.copy()
    trajectory = [(low.copy(), high.copy(), inside.copy())]
    while True:
        peeled = _best_change(_peels(x, inside, low, high, peel_alpha, mass_min * len(target)), target, edges)
        if peeled is None:
            break
        low, high, inside = peeled  # new arrays (``_with_limit``, a mask), so the trajectory keeps its own
        trajectory.append(peeled)
    means = [target[box_inside].mean() for _, _, box_inside in trajectory]
    low, high, inside = trajectory[int(np.argmax(means))]  # argmax: the first of the densest
    while True:
        pasted = _best_change(_pastes(x, remaining, inside, low, high, paste_alpha), target, edges)
        if pasted is None or target[pasted[2]].mean() <= target[inside].mean():
            break
        low, high, inside = pasted
    coverage, density, mass = _statistics(target, inside)
    rows = [(*_statistics(target, box_inside), _restricted_count(box_low, box_high, edges))
            for box_low, box_high, box_inside in trajectory]
    return PrimBox(low, high, inside, coverage, density, mass,
                   pd.DataFrame(rows, columns=TRAJECTORY_COLUMNS).astype(float))


def _statistics(target: np.ndarray, inside: np.ndarray) -> tuple[float, float, float]:
    """(coverage, density, mass) of the box holding the points ``inside``."""
    hits = int((target & inside).sum())
    return hits / int(target.sum()), hits / int(inside.sum()), int(inside.sum()) / len(target)


def _restricted_count(low: np.ndarray, high: np.ndarray, edges: tuple[np.ndarray, np.ndarray]) -> int:
    return int(((low > edges[0]) | (high < edges[1])).sum())


def _peels(x, inside, low, high, alpha, points_min):
    """Every allowed peel of the box: for each input, cut off from below the ⌊α·n_box⌋
    (at least one) lowest points, and from above the highest; a cut takes every point
    tied at its value. Yields (low, high, inside) for cuts that leave at
    least ``points_min`` points, in input order, lower side first."""
    count = int(inside.sum())
    cut = max(1, int(alpha * count))
    for j in range(x.shape[1]):
        values = np.sort(x[inside, j])
        if values[0] == values[-1]:
            continue
        # the new lower limit: the smallest value kept; past ties if the cut fell on them
        new_low = values[cut] if values[cut] > values[0] else values[values > values[0]][0]
        new_high = values[-1 - cut] if values[-1 - cut] < values[-1] else values[values < values[-1]][-1]
        for box_low, box_high in ((new_low, high[j]), (low[j], new_high)):
            kept = inside & (x[:, j] >= box_low) & (x[:, j] <= box_high)
            if kept.sum() >= points_min:
                yield *_with_limit(low, high, j, box_low, box_high), kept


def _pastes(x, remaining, inside, low, high, alpha):
    """Every paste of the box: for each input, widen one side to take in the ⌊α·n_box⌋
    (at least one) nearest of the ``remaining`` points just outside that face (and any tied
    with the farthest of them). Yields (low, high, inside), in input order, lower side first."""
    cut = max(1, int(alpha * int(inside.sum())))
    within = (x >= low) & (x <= high)
    for j in range(x.shape[1]):
        others = remaining & np.delete(within, j, axis=1).all(axis=1)
        below = np.sort(x[others & (x[:, j] < low[j]), j])[::-1]
        above = np.sort(x[others & (x[:, j] > high[j]), j])
        for side, outside in enumerate((below, above)):
            if len(outside) == 0:
                continue
            reach = outside[min(cut, len(outside)) - 1]
            box_low, box_high = (reach, high[j]) if side == 0 else (low[j], reach)
            widened = inside | (others & (x[:, j] >= box_low) & (x[:, j] <= box_high))
            yield *_with_limit(low, high, j, box_low, box_high), widened


def _with_limit(low, high, j, box_low, box_high):
    low, high = low.copy(), high.copy()
    low[j], high[j] = box_low, box_high
    return low, high


def _best_change(candidates, target, edges):
    """The candidate box (low, high, inside) with the highest target mean; ties to the fewer
    restricted inputs, then the first candidate. None when there is no candidate."""
    best, best_key = None, None
    for low, high, inside in candidates:
        key = (target[inside].mean(), -_restricted_count(low, high, edges))
        if best_key is None or key > best_key:
            best, best_key = (low, high, inside), key
    return best
