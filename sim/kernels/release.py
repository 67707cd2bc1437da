"""The release rules: how much of each member's remaining energy is paid today. A member
whose energy reaches zero exits the dividend (contribution, and rights, set to zero) and
re-enters only by buying again."""

from numba import njit, prange

from sim.core.units import QUEUE_NONE, QUEUE_PENDING
from sim.kernels.chunks import chunk_bounds
from sim.kernels.money_rules import fixed_rate_payment, rate_of, split_payment

RELEASED = 0
EXITS = 1  # members whose energy reached zero
CONTRIBUTION_REMOVED = 2
DIVIDEND_EXITS = 3  # of them, members who held contribution
N_TOTALS = 4

# columns of ``mature_grants_kernel``'s totals
CONTRIBUTION_ADDED = 0
DIVIDEND_ENTRIES = 1  # members whose contribution was zero
N_MATURE_TOTALS = 2


@njit(cache=True, inline="always")
def pay_dividend(i, payment, energy, contribution, balance):
    """Credit min(payment, energy) to member i; return (paid, exited, contribution removed)."""
    if payment >= energy[i]:
        paid = energy[i]
        removed = contribution[i]
        energy[i] = 0
        contribution[i] = 0
        balance[i] += paid
        return paid, 1, removed
    energy[i] -= payment
    balance[i] += payment
    return payment, 0, 0


@njit(cache=True, inline="always")
def store_totals(totals, row, released, exits, removed, dividend_exits):
    """Write one chunk's release totals."""
    totals[row, RELEASED] = released
    totals[row, EXITS] = exits
    totals[row, CONTRIBUTION_REMOVED] = removed
    totals[row, DIVIDEND_EXITS] = dividend_exits


@njit(parallel=True, cache=True)
def release_split_kernel(n, contribution, energy, balance, value_numerator, value_denominator, exact, totals):
    """Rules `pool` (A) and `emission` (B): pay each member in the dividend its
    contribution × the value of a unit (value_numerator / value_denominator, see
    ``split_payment``), floored and capped by its energy; the payments never add up to more
    than the day's budget."""
    n_chunks = totals.shape[0]
    for chunk in prange(n_chunks):
        lo, hi = chunk_bounds(n, chunk, n_chunks)
        released = exits = removed = dividend_exits = 0
        for i in range(lo, hi):
            units = contribution[i]
            if units == 0:
                continue
            paid, exited, gone = pay_dividend(i, split_payment(units, value_numerator, value_denominator, exact),
                                              energy, contribution, balance)
            released += paid
            exits += exited
            removed += gone
            dividend_exits += gone > 0
        store_totals(totals, chunk, released, exits, removed, dividend_exits)


@njit(parallel=True, cache=True)
def mature_grants_kernel(n, pending_energy, pending_contribution, pending_rights, energy, contribution, rights,
                         queue_position, mark_queue_entries, totals):
    """Grants whose first release is today join the live ones: each member's
    ``pending_*[i]`` (today's slot of the ring, ``sim.engine.pending``) is added to its
    energy, contribution and rights and zeroed. ``mark_queue_entries`` (rule `queue`) marks
    members whose energy was zero as entering the queue, as a purchase does without a delay;
    ``totals[chunk]`` gets the contribution added and the members who enter the dividend.
    docs/MODEL.md §9.9."""
    n_chunks = totals.shape[0]
    for chunk in prange(n_chunks):
        lo, hi = chunk_bounds(n, chunk, n_chunks)
        added = entries = 0
        for i in range(lo, hi):
            grant = pending_energy[i]
            units = pending_contribution[i]
            if grant == 0 and units == 0 and pending_rights[i] == 0:
                continue
            if mark_queue_entries and energy[i] == 0 and grant > 0:
                queue_position[i] = QUEUE_PENDING
            if contribution[i] == 0 and units > 0:
                entries += 1
            energy[i] += grant
            contribution[i] += units
            rights[i] += pending_rights[i]
            added += units
            pending_energy[i] = 0
            pending_contribution[i] = 0
            pending_rights[i] = 0
        totals[chunk, CONTRIBUTION_ADDED] = added
        totals[chunk, DIVIDEND_ENTRIES] = entries


@njit(parallel=True, cache=True)
def promise_growth_kernel(n, energy, rate_ppb, grown):
    """Every remaining promise grows by its day's rate before the release:
    energy += energy × rate_ppb // PPB (``rate_of``); ``grown[chunk]`` gets each chunk's
    growth in cents. docs/MODEL.md §9.8."""
    n_chunks = grown.shape[0]
    for chunk in prange(n_chunks):
        lo, hi = chunk_bounds(n, chunk, n_chunks)
        total = 0
        for i in range(lo, hi):
            if energy[i] > 0:
                growth = rate_of(energy[i], rate_ppb)
                energy[i] += growth
                total += growth
        grown[chunk, 0] = total


@njit(parallel=True, cache=True)
def fixed_rate_kernel(n, contribution, energy, balance, rate_ppb, totals):
    """Rule `fixed_rate` (C): pay each member max(energy × rate_ppb // PPB, 1 cent),
    capped by its energy (the cent keeps small promises from never ending)."""
    n_chunks = totals.shape[0]
    for chunk in prange(n_chunks):
        lo, hi = chunk_bounds(n, chunk, n_chunks)
        released = exits = removed = dividend_exits = 0
        for i in range(lo, hi):
            if energy[i] == 0:
                continue
            payment = fixed_rate_payment(energy[i], rate_ppb)
            paid, exited, gone = pay_dividend(i, payment, energy, contribution, balance)
            released += paid
            exits += exited
            removed += gone
            dividend_exits += gone > 0
        store_totals(totals, chunk, released, exits, removed, dividend_exits)


@njit(parallel=True, cache=True)
def linear_kernel(n, contribution, energy, balance, rights, payment_per_right_cents, totals):
    """Rule `linear` (D): pay each member rights × r per day until its energy (the price of
    its rights × the multiple) is used up; its rights end with it."""
    n_chunks = totals.shape[0]
    for chunk in prange(n_chunks):
        lo, hi = chunk_bounds(n, chunk, n_chunks)
        released = exits = removed = dividend_exits = 0
        for i in range(lo, hi):
            if rights[i] == 0 or energy[i] == 0:
                continue
            paid, exited, gone = pay_dividend(i, rights[i] * payment_per_right_cents,
                                              energy, contribution, balance)
            if exited:
                rights[i] = 0
            released += paid
            exits += exited
            removed += gone
            dividend_exits += gone > 0
        store_totals(totals, chunk, released, exits, removed, dividend_exits)


@njit(cache=True)
def queue_kernel(queue, head, queue_position, contribution, energy, balance, budget_cents, totals):
    """Rule `queue` (F): the pool pays members first in, first out, each in full (its energy)
    before the next; ``queue[head:]`` lists member indices in order of entry, and an entry
    is live only while ``queue_position[member]`` still points at it. Returns the new head."""
    released = exits = removed = dividend_exits = 0
    position = head
    while position < queue.shape[0] and budget_cents > 0:
        member = queue[position]
        if queue_position[member] != position or energy[member] == 0:
            position += 1  # a stale entry: the member left or re-entered later
            continue
        paid, exited, gone = pay_dividend(member, min(energy[member], budget_cents), energy, contribution, balance)
        budget_cents -= paid
        released += paid
        if exited:
            queue_position[member] = QUEUE_NONE
            exits += 1
            removed += gone
            dividend_exits += gone > 0
            position += 1
    store_totals(totals, 0, released, exits, removed, dividend_exits)
    return position
