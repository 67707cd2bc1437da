"""New members join by Bass diffusion (or the scenario's series), each with a referrer; merchants join with the platform's
growth. See docs/MODEL.md §5."""

from sim.behaviour import sentiment
from sim.behaviour.diffusion import newcomers_today
from sim.behaviour.merchant_supply import newcomers_wanted
from sim.core import rng
from sim.engine import merchants as merchant_rules
from sim.engine.phases.common import chunk_totals, day_key
from sim.kernels import referrals as referral_columns
from sim.kernels.referrals import assign_referrers_kernel

WRITES = (
    "arrivals", "attractiveness", "merchants_joined", "referred",
)
"""The daily columns this phase starts (``sim.today``)."""


def play(sim) -> None:
    """New members join (Bass diffusion × attractiveness), each with a referrer;
    merchants join with the platform's growth."""
    rules, members = sim.rules, sim.members
    appeal = sentiment.attractiveness(sim.mood, rules)
    newcomers = newcomers_today(rules, members.count, sim.totals.members_active, sim.day, appeal)
    first_new = members.count
    members.add(newcomers, sim.day)
    sim.totals.members_active += newcomers
    sim.totals.level_counts[0] += newcomers
    totals = chunk_totals(referral_columns.N_ASSIGN_TOTALS, 1)
    assign_referrers_kernel(
        first_new, members.count, members.status, members.referrer, members.direct_referrals,
        members.level_recheck, day_key(sim, rng.STREAM_REFERRER_PICK), day_key(sim, rng.STREAM_REFERRER_COPY),
        rules.referral_preferential_share, totals,
    )
    merchants_active = int(sim.merchants.view("active").sum())
    joining = newcomers_wanted(rules, merchants_active, sim.totals.members_active)
    merchant_rules.join(sim.merchants, rules, joining, sim.day)
    sim.today.update(arrivals=newcomers, attractiveness=appeal, referred=int(totals[0, 0]), merchants_joined=joining)
