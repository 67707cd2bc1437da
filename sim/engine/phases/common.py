"""What the phases share: per-chunk totals, the day's random keys, the scratch list of
selected members, and the fixed-point value of a unit."""

import numpy as np

from sim.core import rng
from sim.core.units import fixed_point_scale
from sim.kernels import N_CHUNKS


def chunk_totals(n_totals: int, n_chunks: int = N_CHUNKS) -> np.ndarray:
    """Zeroed int64 totals, one row per chunk (or part) of a kernel, one column per total."""
    return np.zeros((n_chunks, n_totals), dtype=np.int64)


def day_key(sim, stream: int) -> np.uint64:
    """The counter-based generator's key of ``stream`` on the simulation's current day."""
    return np.uint64(rng.day_key(sim.rules.seed, stream, sim.day))


def unit_value(budget_cents: int, units: int) -> tuple[int, int, bool]:
    """The value in cents of one unit of a split (a contribution milli-unit, or a ppm of
    honorary weight) as a fraction ``numerator / denominator``, and whether it is exact.

    While the units are at most the budget's ``fixed_point_scale``, the value is held in fixed
    point, (budget × scale // units) / scale: each holder then loses less than units/scale ≤ 1
    cent to it beyond its own floor. Beyond that, the fixed point would leave more than a cent
    per holder behind (at 10¹⁸ milli-units it paid nothing at all), so the value is the exact
    budget / units and each part is floor(units_i × budget / units) (``mul_div_floor``).
    docs/MODEL.md §2."""
    scale = fixed_point_scale(budget_cents)
    if units <= scale:
        return budget_cents * scale // units, scale, False
    return budget_cents, units, True


def scratch(sim) -> np.ndarray:
    """An int32 array as long as the member table, where a kernel lists the members it
    selects; shared by the phases (what one lists is gone by the next)."""
    if sim.scratch.shape[0] < sim.members.count:
        sim.scratch = np.empty(sim.members.capacity, dtype=np.int32)
    return sim.scratch


def listed_by_chunk(scratch: np.ndarray, n: int, counts: np.ndarray) -> np.ndarray:
    """The entries a chunked kernel listed at the start of each chunk's range of
    ``scratch`` (``counts[chunk]`` of them), joined in chunk order."""
    starts = n * np.arange(N_CHUNKS) // N_CHUNKS  # chunk_bounds' first members, at once
    return np.concatenate([scratch[start:start + count] for start, count in zip(starts.tolist(), counts.tolist())])


