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


def unit_value_scaled(budget_cents: int, units: int) -> tuple[int, int]:
    """Fixed-point value of one unit (contribution milli-unit or honorary weight ppm) and its
    scale (``fixed_point_scale``)."""
    scale = fixed_point_scale(budget_cents)
    return budget_cents * scale // units, scale


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


