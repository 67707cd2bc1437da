"""Interest on the cash, operating costs, then insolvency and collapse. See docs/MODEL.md §14."""

from sim.core.accounts import Account
from sim.core.units import NO_DAY, PPB, PPM
from sim.engine.phases.common import chunk_totals
from sim.kernels import withdrawals as withdrawal_columns
from sim.kernels.withdrawals import pending_kernel

WRITES = (
    "interest_cents", "operating_costs_cents", "failed_withdrawals", "insolvent",
)
"""The daily columns this phase starts (``sim.today``)."""


def play(sim) -> None:
    """Interest on the cash, operating costs, then insolvency (a request unpaid for K days)
    and collapse."""
    rules, members, ledger = sim.rules, sim.members, sim.ledger
    interest = max(ledger.platform_cash(), 0) * rules.interest_ppb // PPB
    ledger.post(Account.OUTSIDE_WORLD, Account.PLATFORM_MARGIN, interest, "interest")
    costs = rules.fixed_cost_cents_per_day + sim.today["sales_cents"] * rules.variable_cost_ppm // PPM
    costs_paid = min(costs, ledger.platform_cash())
    ledger.post(Account.PLATFORM_MARGIN, Account.OUTSIDE_WORLD, costs_paid, "operating_costs")
    waiting, oldest_request_day = 0, NO_DAY
    if ledger.balance(Account.WITHDRAWAL_QUEUE) > 0:
        totals = chunk_totals(withdrawal_columns.N_PENDING_TOTALS)
        pending_kernel(members.count, members.queued_cents, members.queued_since_day, totals)
        waiting = int(totals[:, withdrawal_columns.PENDING_MEMBERS].sum())
        started = totals[:, withdrawal_columns.OLDEST_REQUEST_DAY]
        oldest_request_day = int(started[started != NO_DAY].min())
    insolvent = oldest_request_day != NO_DAY and sim.day - oldest_request_day >= rules.insolvency_grace_days
    if insolvent and sim.totals.collapse_day is None:
        sim.totals.collapse_day = sim.day
    sim.today.update(
        interest_cents=interest,
        operating_costs_cents=costs_paid,
        failed_withdrawals=waiting,
        insolvent=insolvent,
    )
