"""Withdrawals: members ask for part of their balance (moved to their queue), then the
platform pays the queue out of its cash, in full when it can, otherwise by a stated rule."""

from numba import njit, prange

from sim.core.rng import threshold53
from sim.core.units import NO_DAY, PPM
from sim.kernels.chunks import chunk_bounds, list_drawn
from sim.kernels.intrinsics import PREFETCH_AHEAD, prefetch
from sim.kernels.money_rules import mul_div_floor, net_of_fee, pro_rata_gross, withdrawal_fee, withdrawal_request

# columns of request and payment ``totals``
PAID_GROSS = 0
FEES = 1
N_PAYMENT_TOTALS = 2
REQUESTS = 2
REQUESTED = 3
N_REQUEST_TOTALS = 4

# columns of pending ``totals``
PENDING_MEMBERS = 0
OLDEST_REQUEST_DAY = 1
N_PENDING_TOTALS = 2


@njit(cache=True, inline="always")
def _pay(i, gross, queued, queued_since, withdrawn, fee_ppm):
    """Pay ``gross`` of member i's queue: the fee stays with the platform; returns the fee."""
    fee = withdrawal_fee(gross, fee_ppm)
    queued[i] -= gross
    withdrawn[i] += gross - fee
    if queued[i] == 0:
        queued_since[i] = NO_DAY
    return fee


@njit(cache=True, inline="always")
def queue_request(i, amount, queued, queued_since, withdrawn, fee_ppm, day, pay_now):
    """Put ``amount`` in member i's queue or, when ``pay_now``, pay it at once; returns the fee.

    A request paid at once would enter the queue and leave it the same day, leaving
    ``queued`` and ``queued_since`` as they were (``queued_since`` is set whenever
    ``queued`` > 0), so it touches only ``withdrawn``."""
    if pay_now:
        fee = withdrawal_fee(amount, fee_ppm)
        withdrawn[i] += amount - fee
        return fee
    queued[i] += amount
    if queued_since[i] == NO_DAY:
        queued_since[i] = day
    return 0


@njit(parallel=True, cache=True)
def request_kernel(
    n, status, balance, queued, queued_since, withdrawn, key, probability, share_ppm, amount_cents, min_cents,
    fee_ppm, day, pay_now, listed, totals,
):
    """Each active member with at least ``min_cents`` asks, with ``probability``, for
    ``share_ppm`` of the balance, or ``amount_cents`` when above 0 (``withdrawal_request``),
    if that is at least ``min_cents``. The request joins the
    queue; when ``pay_now`` (the platform's cash covers every hard liability) it is paid at once.

    Each chunk first lists the members who ask (``list_drawn``) at the start of its range
    of ``listed``, then settles their requests."""
    n_chunks = totals.shape[0]
    threshold = threshold53(probability)
    for chunk in prange(n_chunks):
        lo, hi = chunk_bounds(n, chunk, n_chunks)
        end = list_drawn(lo, hi, status, key, threshold, listed, lo, balance, min_cents)
        requests = requested = fees = 0
        for slot in range(lo, end):
            if slot + PREFETCH_AHEAD < end:
                prefetch(withdrawn, listed[slot + PREFETCH_AHEAD])  # the balance is in cache from the listing
            i = listed[slot]
            amount = withdrawal_request(balance[i], share_ppm, amount_cents)
            if amount < min_cents:
                continue
            balance[i] -= amount
            fees += queue_request(i, amount, queued, queued_since, withdrawn, fee_ppm, day, pay_now)
            requests += 1
            requested += amount
        totals[chunk, REQUESTS] = requests
        totals[chunk, REQUESTED] = requested
        totals[chunk, PAID_GROSS] = requested if pay_now else 0
        totals[chunk, FEES] = fees


@njit(parallel=True, cache=True)
def pay_all_kernel(n, queued, queued_since, withdrawn, fee_ppm, totals):
    """Pay every queued request in full (the platform's cash covers them all)."""
    n_chunks = totals.shape[0]
    for chunk in prange(n_chunks):
        lo, hi = chunk_bounds(n, chunk, n_chunks)
        paid = fees = 0
        for i in range(lo, hi):
            gross = queued[i]
            if gross > 0:
                fees += _pay(i, gross, queued, queued_since, withdrawn, fee_ppm)
                paid += gross
        totals[chunk, PAID_GROSS] = paid
        totals[chunk, FEES] = fees


@njit(cache=True)
def affordable_gross(requested, cash, fee_ppm):
    """Largest gross amount ≤ ``requested`` whose net payout (gross − fee) fits in ``cash``."""
    gross = min(requested, mul_div_floor(cash, PPM, PPM - fee_ppm))
    while gross > 0 and net_of_fee(gross, fee_ppm) > cash:
        gross -= 1
    return gross


@njit(cache=True)
def pay_fifo_kernel(order, queued, queued_since, withdrawn, fee_ppm, cash, totals):
    """Pay queued members in ``order`` (request day, then index) until ``cash`` runs out;
    the member at the edge is paid in part."""
    paid = fees = 0
    for i in order:
        if cash == 0:
            break
        gross = affordable_gross(queued[i], cash, fee_ppm)
        if gross == 0:
            continue
        fee = _pay(i, gross, queued, queued_since, withdrawn, fee_ppm)
        cash -= gross - fee
        paid += gross
        fees += fee
    totals[0, PAID_GROSS] = paid
    totals[0, FEES] = fees


@njit(parallel=True, cache=True)
def pay_pro_rata_kernel(n, queued, queued_since, withdrawn, fee_ppm, ratio_scaled, totals):
    """Pay each queued member the same floored fraction ``ratio_scaled / UNIT_VALUE_SCALE``
    of the request."""
    n_chunks = totals.shape[0]
    for chunk in prange(n_chunks):
        lo, hi = chunk_bounds(n, chunk, n_chunks)
        paid = fees = 0
        for i in range(lo, hi):
            gross = pro_rata_gross(queued[i], ratio_scaled)
            if gross > 0:
                fees += _pay(i, gross, queued, queued_since, withdrawn, fee_ppm)
                paid += gross
        totals[chunk, PAID_GROSS] = paid
        totals[chunk, FEES] = fees


@njit(parallel=True, cache=True)
def pending_kernel(n, queued, queued_since, totals):
    """Count members still waiting for money and find the oldest request day."""
    n_chunks = totals.shape[0]
    for chunk in prange(n_chunks):
        lo, hi = chunk_bounds(n, chunk, n_chunks)
        waiting = 0
        oldest = NO_DAY
        for i in range(lo, hi):
            if queued[i] > 0:
                waiting += 1
                if oldest == NO_DAY or queued_since[i] < oldest:
                    oldest = queued_since[i]
        totals[chunk, PENDING_MEMBERS] = waiting
        totals[chunk, OLDEST_REQUEST_DAY] = oldest
