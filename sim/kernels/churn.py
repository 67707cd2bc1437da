"""Churn: active members leave with a daily probability; a leaver forfeits the remaining
promise and contribution and asks for the whole balance."""

from numba import njit, prange

from sim.kernels.chunks import chunk_bounds
from sim.rng import uniform
from sim.types import NO_DAY, STATUS_ACTIVE, STATUS_CHURNED

LEAVERS = 0
REQUESTED = 1
ENERGY_FORFEITED = 2
CONTRIBUTION_REMOVED = 3
DIVIDEND_LEAVERS = 4
N_TOTALS = 5


@njit(parallel=True, cache=True)
def churn_kernel(n, status, balance, energy, contribution, queued, queued_since, key, probability, day, totals):
    """Mark leavers churned, move their balance to the withdrawal queue, zero their promise."""
    n_chunks = totals.shape[0]
    for chunk in prange(n_chunks):
        lo, hi = chunk_bounds(n, chunk, n_chunks)
        leavers = requested = forfeited = removed = dividend_leavers = 0
        for i in range(lo, hi):
            if status[i] != STATUS_ACTIVE or uniform(key, i) >= probability:
                continue
            status[i] = STATUS_CHURNED
            leavers += 1
            forfeited += energy[i]
            removed += contribution[i]
            if contribution[i] > 0:
                dividend_leavers += 1
            energy[i] = 0
            contribution[i] = 0
            if balance[i] > 0:
                requested += balance[i]
                queued[i] += balance[i]
                balance[i] = 0
                if queued_since[i] == NO_DAY:
                    queued_since[i] = day
        totals[chunk, LEAVERS] = leavers
        totals[chunk, REQUESTED] = requested
        totals[chunk, ENERGY_FORFEITED] = forfeited
        totals[chunk, CONTRIBUTION_REMOVED] = removed
        totals[chunk, DIVIDEND_LEAVERS] = dividend_leavers
