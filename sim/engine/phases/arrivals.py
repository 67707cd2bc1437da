"""New members join by Bass diffusion (or the scenario's series), or are recruited over the
contact network, each with a referrer; merchants join with the platform's growth. See
docs/MODEL.md §5."""

import numpy as np

from sim.behaviour import sentiment
from sim.behaviour.diffusion import newcomers_today
from sim.behaviour.merchant_supply import newcomers_wanted
from sim.behaviour.network import recruited_shares
from sim.core import rng
from sim.engine import merchants as merchant_rules
from sim.engine.phases.common import chunk_totals, day_key
from sim.kernels import referrals as referral_columns
from sim.kernels.arrivals import find_recruits_kernel, join_recruits_kernel
from sim.kernels.referrals import assign_referrers_kernel

WRITES = (
    "arrivals", "attractiveness", "merchants_joined", "referred",
)
"""The daily columns this phase starts (``sim.today``)."""


def play(sim) -> None:
    """New members join (Bass diffusion × attractiveness, or recruited over the contact
    network), each with a referrer; merchants join with the platform's growth."""
    rules, members = sim.rules, sim.members
    appeal = sentiment.attractiveness(sim.mood, rules)
    if sim.network is not None:
        newcomers = referred = recruit_over_network(sim, appeal)
    else:
        newcomers = newcomers_today(rules, members.count, sim.totals.members_active, sim.day, appeal)
        first_new = members.count
        members.add(newcomers, sim.day)
        totals = chunk_totals(referral_columns.N_ASSIGN_TOTALS, 1)
        assign_referrers_kernel(
            first_new, members.count, members.status, members.referrer, members.direct_referrals,
            members.level_recheck, day_key(sim, rng.STREAM_REFERRER_PICK), day_key(sim, rng.STREAM_REFERRER_COPY),
            rules.referral_preferential_share, totals,
        )
        referred = int(totals[0, 0])
    sim.totals.members_active += newcomers
    sim.totals.level_counts[0] += newcomers
    merchants_active = int(sim.merchants.view("active").sum())
    joining = newcomers_wanted(rules, merchants_active, sim.totals.members_active)
    merchant_rules.join(sim.merchants, rules, joining, sim.day)
    sim.today.update(arrivals=newcomers, attractiveness=appeal, referred=referred, merchants_joined=joining)


def recruit_over_network(sim, appeal: float) -> int:
    """Active members recruit their non-member contacts, each with probability λ ×
    attractiveness (docs/MODEL.md §5.4): a non-member with a active contacts joins with
    probability 1 − (1 − λ')^a, referred by one of them; the recruits join in node order.
    Returns how many joined."""
    members, network = sim.members, sim.network
    recruiter_of_node = np.empty(network.nodes, dtype=np.int32)
    recruited = int(find_recruits_kernel(
        network.offsets, network.contacts, sim.member_of_node, members.status,
        recruited_shares(network, sim.rules, appeal), day_key(sim, rng.STREAM_RECRUIT),
        day_key(sim, rng.STREAM_RECRUITER), recruiter_of_node,
    ))
    first_new = members.count
    members.add(recruited, sim.day)
    join_recruits_kernel(recruiter_of_node, first_new, sim.member_of_node, members.referrer, members.direct_referrals,
                         members.level_recheck)
    return recruited
