"""Bounds of the fixed chunks the parallel kernels iterate over."""

from numba import njit


@njit(cache=True, inline="always")
def chunk_bounds(n, chunk, n_chunks):
    """First and one-past-last member index of ``chunk`` among ``n_chunks`` equal parts."""
    return n * chunk // n_chunks, n * (chunk + 1) // n_chunks
