"""The day's dividends by the scenario's release rule. See docs/MODEL.md §9."""

import numpy as np

from sim.core.accounts import Account
from sim.core.units import MILLI_UNITS_PER_UNIT, PPB, QUEUE_PENDING
from sim.engine.phases.common import chunk_totals, unit_value
from sim.kernels import release as release_columns
from sim.kernels.release import (
    fixed_rate_kernel,
    linear_kernel,
    mature_grants_kernel,
    promise_growth_kernel,
    queue_kernel,
    release_split_kernel,
)

WRITES = (
    "promise_growth_cents", "released_cents", "platform_top_up_cents", "exits", "unit_value",
)
"""The daily columns this phase starts (``sim.today``)."""


def _release_pool_or_emission(sim, budget_cents: int, totals: np.ndarray) -> float:
    """Split ``budget_cents`` by contribution (rules A and B); returns the value of one
    contribution unit in cents."""
    members = sim.members
    if sim.totals.contribution_total_milli == 0:
        return 0.0
    numerator, denominator, exact = unit_value(budget_cents, sim.totals.contribution_total_milli)
    release_split_kernel(members.count, members.contribution_milli, members.energy_cents,
                         members.balance_cents, numerator, denominator, exact, totals)
    return numerator * MILLI_UNITS_PER_UNIT / denominator


def _release_queue(sim, totals: np.ndarray) -> None:
    """Rule F: members who entered today join the back of the queue; the pool pays the front."""
    members = sim.members
    positions = members.view("queue_position")
    entrants = np.flatnonzero(positions == QUEUE_PENDING)
    sim.queue.extend(entrants, positions)
    sim.queue.head = queue_kernel(
        sim.queue.members, sim.queue.head, members.queue_position, members.contribution_milli,
        members.energy_cents, members.balance_cents, sim.ledger.balance(Account.DIVIDEND_POOL), totals,
    )
    sim.queue.compact(positions)


def mature_grants(sim) -> None:
    """With a first-release delay D, the grants of the purchases of day − D join the live
    energy, contribution and rights before the day's growth and release (nothing without a
    delay). docs/MODEL.md §9.9."""
    pending, members = sim.pending, sim.members
    if not pending.delay_days:
        return
    pending.fit(members.capacity)
    slot = pending.slot_due(sim.day)
    totals = chunk_totals(release_columns.N_MATURE_TOTALS)
    mature_grants_kernel(members.count, pending.energy_cents[slot], pending.contribution_milli[slot],
                         pending.rights[slot], members.energy_cents, members.contribution_milli, members.rights,
                         members.queue_position, sim.rules.release_rule == "queue", totals)
    day = totals.sum(axis=0)
    sim.totals.contribution_total_milli += int(day[release_columns.CONTRIBUTION_ADDED])
    sim.totals.members_in_dividend += int(day[release_columns.DIVIDEND_ENTRIES])


def grow_promises(sim) -> int:
    """Every remaining promise grows by the day's promise growth rate; returns the growth in
    cents (0 when the rate is 0, without touching a member). docs/MODEL.md §9.8."""
    if sim.rules.promise_growth_ppb == 0 or sim.totals.energy_outstanding_cents == 0:
        return 0
    grown = chunk_totals(1)
    promise_growth_kernel(sim.members.count, sim.members.energy_cents, sim.rules.promise_growth_ppb, grown)
    growth = int(grown.sum())
    sim.totals.energy_outstanding_cents += growth
    sim.totals.promised_cents += growth
    return growth


def play(sim) -> None:
    """Grants due today join the live ones (with a first-release delay), promises grow by
    their daily rate, then the day's dividends by the scenario's release rule. Rules A
    (`pool`) and F (`queue`) pay only what the pool holds; B, C and D pay what they promise,
    the pool first and the platform's own money the rest."""
    rules, members, ledger = sim.rules, sim.members, sim.ledger
    mature_grants(sim)
    growth = grow_promises(sim)
    totals = chunk_totals(release_columns.N_TOTALS)
    pool = ledger.balance(Account.DIVIDEND_POOL)
    unit_value = 0.0
    sim.totals.contingent_before_release_cents = sim.totals.energy_outstanding_cents
    if rules.release_rule == "pool":
        unit_value = _release_pool_or_emission(sim, pool * rules.pool_release_ppb // PPB, totals)
    elif rules.release_rule == "emission":
        unit_value = _release_pool_or_emission(sim, rules.emission_cents_per_day, totals)
    elif rules.release_rule == "fixed_rate":
        fixed_rate_kernel(members.count, members.contribution_milli, members.energy_cents,
                          members.balance_cents, rules.fixed_rate_ppb, totals)
    elif rules.release_rule == "linear":
        linear_kernel(members.count, members.contribution_milli, members.energy_cents, members.balance_cents,
                      members.rights, rules.right_payment_cents_per_day, totals)
    else:
        _release_queue(sim, totals[:1])
    day = totals.sum(axis=0)
    released = int(day[release_columns.RELEASED])
    top_up = max(released - pool, 0)
    ledger.post(Account.PLATFORM_MARGIN, Account.DIVIDEND_POOL, top_up, "platform_top_up")
    ledger.post(Account.DIVIDEND_POOL, Account.MEMBER_BALANCES, released, "release")
    sim.totals.energy_outstanding_cents -= released
    sim.totals.released_cents += released
    sim.totals.contribution_total_milli -= int(day[release_columns.CONTRIBUTION_REMOVED])
    sim.totals.members_in_dividend -= int(day[release_columns.DIVIDEND_EXITS])
    sim.today.update(
        promise_growth_cents=growth,
        released_cents=released,
        platform_top_up_cents=top_up,
        exits=int(day[release_columns.EXITS]),
        unit_value=unit_value,  # cents per contribution unit
    )
