"""Release rule A (`pool`): the day's budget is split by contribution, each payment
capped by the member's remaining energy; a member whose energy reaches zero exits."""

from numba import njit, prange

from sim.kernels.chunks import chunk_bounds
from sim.types import UNIT_VALUE_SCALE

RELEASED = 0
EXITS = 1
CONTRIBUTION_REMOVED = 2
N_TOTALS = 3


@njit(parallel=True, cache=True)
def release_pool_kernel(n, contribution, energy, balance, unit_value_scaled, totals):
    """Pay ``min(contribution × unit_value_scaled // UNIT_VALUE_SCALE, energy)`` to each member.

    ``unit_value_scaled`` is the value of one contribution milli-unit in cents times
    ``UNIT_VALUE_SCALE``, floored, so the payments never add up to more than the budget.
    """
    n_chunks = totals.shape[0]
    for chunk in prange(n_chunks):
        lo, hi = chunk_bounds(n, chunk, n_chunks)
        released = exits = removed = 0
        for i in range(lo, hi):
            units = contribution[i]
            if units == 0:
                continue
            payment = units * unit_value_scaled // UNIT_VALUE_SCALE
            if payment >= energy[i]:
                payment = energy[i]
                contribution[i] = 0
                exits += 1
                removed += units
            energy[i] -= payment
            balance[i] += payment
            released += payment
        totals[chunk, RELEASED] = released
        totals[chunk, EXITS] = exits
        totals[chunk, CONTRIBUTION_REMOVED] = removed
