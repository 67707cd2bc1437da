"""Bounds of the fixed chunks the parallel kernels iterate over, and the listing of the
members of a chunk that a draw selects."""

from numba import njit

from sim.rng import bits53
from sim.types import STATUS_ACTIVE


@njit(cache=True, inline="always")
def chunk_bounds(n, chunk, n_chunks):
    """First and one-past-last member index of ``chunk`` among ``n_chunks`` equal parts."""
    return n * chunk // n_chunks, n * (chunk + 1) // n_chunks


@njit(cache=True, inline="always")
def list_drawn(lo, hi, status, key, threshold, listed, first):
    """Write after ``listed[first - 1]`` every member i in [lo, hi), in order, whose status is
    active and whose ``bits53(key, i) < threshold``; return the end of the list.

    Branch-free, so that rare and common draws cost the same; it writes one slot past the
    list's end, so ``listed`` must reach ``hi`` when ``first`` ≤ ``lo``."""
    end = first
    for i in range(lo, hi):
        listed[end] = i
        end += (status[i] == STATUS_ACTIVE) & (bits53(key, i) < threshold)
    return end
