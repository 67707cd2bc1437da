"""numba kernels, one file per phase. Each is a pure function of its arrays and scalars:
it updates member arrays in place and writes integer totals per chunk of members into
``totals`` (shape ``(N_CHUNKS, n_totals)``), which the caller sums. Chunks are fixed
slices of the member range, so results never depend on the number of threads (the
purchases' per-merchant sales are kept per thread instead: integer sums are the same
whichever thread adds them).
"""

N_CHUNKS = 32
"""Members are cut into this many contiguous chunks, each handled by one parallel task."""
