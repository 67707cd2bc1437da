"""Churn: active members leave with a daily probability; a leaver claims a share of the
remaining promise (``exit_cashout_share``, 0 by default), forfeits the rest and the
contribution, and asks for the whole balance and the claim."""

from numba import njit, prange

from sim.core.rng import threshold53
from sim.core.units import STATUS_CHURNED
from sim.kernels.chunks import chunk_bounds, list_drawn
from sim.kernels.money_rules import share_of
from sim.kernels.withdrawals import FEES, PAID_GROSS, queue_request

# columns of ``totals``; PAID_GROSS and FEES (0 and 1) as in the withdrawal kernels
LEAVERS = 2
REQUESTED = 3
ENERGY_FORFEITED = 4
CONTRIBUTION_REMOVED = 5
DIVIDEND_LEAVERS = 6
CASHED_OUT = 7  # promises claimed as cash by leavers (part of REQUESTED)
N_TOTALS = 8


@njit(parallel=True, cache=True)
def churn_kernel(
    n, status, level, balance, energy, contribution, queued, queued_since, withdrawn, pending_energy,
    pending_contribution, pending_rights, key, probability, cashout_ppm, fee_ppm, day, pay_now, listed, level_moves,
    totals,
):
    """Mark leavers churned, zero their promise and queue their whole balance with the share
    ``cashout_ppm`` of their promise (``share_of``), paid at once when ``pay_now`` (the
    platform's cash covers every hard liability); the rest of the promise is forfeited. Each
    leaver is counted out of its level in ``level_moves[chunk]``. Leavers are listed first
    (``list_drawn``) at the start of each chunk's range of ``listed``. A leaver's grants still
    waiting for their first release (``pending_*``, slots × members, ``sim.engine.pending``;
    no slots without a delay) are part of its promise: they join it before the claim, and
    their contribution and rights are dropped. docs/MODEL.md §12, §9.9."""
    n_chunks = totals.shape[0]
    threshold = threshold53(probability)
    for chunk in prange(n_chunks):
        lo, hi = chunk_bounds(n, chunk, n_chunks)
        leavers = requested = forfeited = removed = dividend_leavers = fees = cashed_out = 0
        end = list_drawn(lo, hi, status, key, threshold, listed, lo)
        for slot in range(lo, end):
            i = listed[slot]
            status[i] = STATUS_CHURNED
            level_moves[chunk, level[i]] -= 1
            leavers += 1
            for slot_of_day in range(pending_energy.shape[0]):
                energy[i] += pending_energy[slot_of_day, i]
                pending_energy[slot_of_day, i] = 0
                pending_contribution[slot_of_day, i] = 0
                pending_rights[slot_of_day, i] = 0
            claim = share_of(energy[i], cashout_ppm)
            cashed_out += claim
            forfeited += energy[i] - claim
            removed += contribution[i]
            if contribution[i] > 0:
                dividend_leavers += 1
            energy[i] = 0
            contribution[i] = 0
            amount = balance[i] + claim
            if amount > 0:
                balance[i] = 0
                requested += amount
                fees += queue_request(i, amount, queued, queued_since, withdrawn, fee_ppm, day, pay_now)
        totals[chunk, LEAVERS] = leavers
        totals[chunk, REQUESTED] = requested
        totals[chunk, ENERGY_FORFEITED] = forfeited
        totals[chunk, CONTRIBUTION_REMOVED] = removed
        totals[chunk, DIVIDEND_LEAVERS] = dividend_leavers
        totals[chunk, CASHED_OUT] = cashed_out
        totals[chunk, PAID_GROSS] = requested if pay_now else 0
        totals[chunk, FEES] = fees
