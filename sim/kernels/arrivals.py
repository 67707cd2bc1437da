"""The arrivals phase's kernels: recruitment over the contact network (docs/MODEL.md §5.4;
Bass arrivals need no kernel, their referrers are drawn in sim/kernels/referrals.py). Every
non-member with a active contacts is recruited with probability 1 − (1 − λ')^a (each active
contact recruits it independently with λ'), by one draw indexed by the potential member; its
recruiter is one of those active contacts, uniformly, by a second draw. Non-members decide
independently, in parallel; the recruits then join in increasing node order, so the result
does not depend on the thread count."""

import numpy as np
from numba import njit, prange

from sim.core.rng import uniform
from sim.core.units import STATUS_ACTIVE
from sim.kernels import N_CHUNKS
from sim.kernels.chunks import chunk_bounds

NOT_RECRUITED = -1
"""``recruiter_of_node`` of a potential member nobody recruited today (or a member already)."""


@njit(cache=True, inline="always")
def _is_active(active_bits, node):
    """Whether potential member ``node`` is an active member (bit ``node`` of ``active_bits``)."""
    return (active_bits[node >> 6] >> np.uint64(node & 63)) & np.uint64(1) != np.uint64(0)


@njit(cache=True, inline="always")
def _active_contact(offsets, contacts, active_bits, member_of_node, v, wanted):
    """Member index of the active contact number ``wanted`` (0-based, in contact-list order)
    of potential member v, or NOT_RECRUITED when it has fewer."""
    seen = 0
    for entry in range(offsets[v], offsets[v + 1]):
        if _is_active(active_bits, contacts[entry]):
            if seen == wanted:
                return member_of_node[contacts[entry]]
            seen += 1
    return NOT_RECRUITED


@njit(parallel=True, cache=True)
def find_recruits_kernel(offsets, contacts, member_of_node, status, recruited_share, whether_key, who_key,
                         recruiter_of_node):
    """For each potential member v that has not joined (``member_of_node[v] < 0``): count
    its active contacts a; it is recruited when ``uniform(whether_key, v) <
    recruited_share[a]``, by its active contact number floor(uniform(who_key, v) × a),
    written to ``recruiter_of_node[v]`` (``NOT_RECRUITED`` otherwise). Returns how many were
    recruited.

    Which potential members are active members is noted first in one bit each (a market of
    1 000 000 in 125 kB, which the cache holds), so the walk over the contacts reads no member
    row.

    Shapes: offsets int64 (n + 1), contacts and member_of_node int32 (offsets[n], n), status
    (members), recruited_share float64 (largest degree + 1), recruiter_of_node int32 (n,
    written)."""
    nodes = offsets.shape[0] - 1
    words = (nodes + 63) >> 6
    active_bits = np.zeros(words, dtype=np.uint64)
    for chunk in prange(N_CHUNKS):  # chunks of whole words: no word is written by two threads
        lo, hi = chunk_bounds(words, chunk, N_CHUNKS)
        for v in range(lo << 6, min(hi << 6, nodes)):
            member = member_of_node[v]
            if member >= 0 and status[member] == STATUS_ACTIVE:
                active_bits[v >> 6] |= np.uint64(1) << np.uint64(v & 63)
    found = np.zeros(N_CHUNKS, dtype=np.int64)
    for chunk in prange(N_CHUNKS):
        lo, hi = chunk_bounds(nodes, chunk, N_CHUNKS)
        count = 0
        for v in range(lo, hi):
            recruiter_of_node[v] = NOT_RECRUITED
            if member_of_node[v] >= 0:
                continue
            active = 0
            for entry in range(offsets[v], offsets[v + 1]):
                if _is_active(active_bits, contacts[entry]):
                    active += 1
            if active > 0 and uniform(whether_key, v) < recruited_share[active]:
                wanted = int(uniform(who_key, v) * active)
                recruiter_of_node[v] = _active_contact(offsets, contacts, active_bits, member_of_node, v, wanted)
                count += 1
        found[chunk] = count
    return found.sum()


@njit(cache=True)
def join_recruits_kernel(recruiter_of_node, first_new, member_of_node, referrer, direct_referrals, level_recheck):
    """The recruits join in increasing node order as members first_new, first_new + 1, …
    (rows already added): each takes its recruiter as referrer, whose direct referrals grow
    by one and whose level is due for a check."""
    member = first_new
    for v in range(recruiter_of_node.shape[0]):
        recruiter = recruiter_of_node[v]
        if recruiter != NOT_RECRUITED:
            member_of_node[v] = member
            referrer[member] = recruiter
            direct_referrals[recruiter] += 1
            level_recheck[recruiter] = 1
            member += 1
