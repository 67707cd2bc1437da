"""Plain-Python twin of ``sim.kernels.arrivals``."""

from sim.core.rng import uniform_py
from sim.core.units import STATUS_ACTIVE

NOT_RECRUITED = -1


def find_recruits(offsets, contacts, member_of_node, status, recruited_share, whether_key, who_key):
    """Recruiter of each potential member today (-1: none), and how many were recruited."""
    recruiters = []
    for v in range(len(offsets) - 1):
        recruiter = NOT_RECRUITED
        if member_of_node[v] < 0:
            reachable = [member_of_node[c] for c in contacts[offsets[v]:offsets[v + 1]]
                         if member_of_node[c] >= 0 and status[member_of_node[c]] == STATUS_ACTIVE]
            if reachable and uniform_py(whether_key, v) < recruited_share[len(reachable)]:
                recruiter = reachable[int(uniform_py(who_key, v) * len(reachable))]
        recruiters.append(recruiter)
    return recruiters, sum(r != NOT_RECRUITED for r in recruiters)


def join_recruits(recruiters, first_new, member_of_node, referrer, direct_referrals, level_recheck):
    member = first_new
    for v, recruiter in enumerate(recruiters):
        if recruiter != NOT_RECRUITED:
            member_of_node[v] = member
            referrer[member] = recruiter
            direct_referrals[recruiter] += 1
            level_recheck[recruiter] = 1
            member += 1
