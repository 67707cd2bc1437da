"""Members leave and ask for their whole balance. See docs/MODEL.md §12."""

from sim.behaviour import sentiment
from sim.core import rng
from sim.engine.phases.common import chunk_totals, day_key, scratch
from sim.engine.phases.withdrawals import can_pay_now, settle_requests
from sim.kernels import churn as churn_columns
from sim.kernels.churn import churn_kernel
from sim.scenario.compiled import level_count

WRITES = ("churned", "churn_probability")  # leavers' payments add to withdrawn_cents and withdrawal_fees_cents
"""The daily columns this phase starts (``sim.today``)."""


def play(sim) -> None:
    """Members leave (more when the yield falls and withdrawals fail); each leaver
    asks for the whole balance, paid if cash allows."""
    rules, members = sim.rules, sim.members
    probability = sentiment.churn_probability(sim.mood, rules)
    totals = chunk_totals(churn_columns.N_TOTALS)
    level_moves = chunk_totals(level_count(rules))
    churn_kernel(
        members.count, members.status, members.level, members.balance_cents, members.energy_cents,
        members.contribution_milli, members.queued_cents, members.queued_since_day,
        members.withdrawn_cents, day_key(sim, rng.STREAM_CHURN), probability,
        rules.withdrawal_fee_ppm, sim.day, can_pay_now(sim), scratch(sim), level_moves, totals,
    )
    sim.totals.level_counts += level_moves.sum(axis=0)
    day = totals.sum(axis=0)
    leavers = int(day[churn_columns.LEAVERS])
    sim.totals.members_active -= leavers
    sim.totals.energy_outstanding_cents -= int(day[churn_columns.ENERGY_FORFEITED])
    sim.totals.contribution_total_milli -= int(day[churn_columns.CONTRIBUTION_REMOVED])
    sim.totals.members_in_dividend -= int(day[churn_columns.DIVIDEND_LEAVERS])
    sim.today.update(churned=leavers, churn_probability=probability)
    settle_requests(sim, day, churn_columns.REQUESTED, "leaver_request")
