"""Interest on the cash, operating costs, the operator's hand (skimming, absconding), then
insolvency and collapse. See docs/MODEL.md §14."""

from sim.core.accounts import Account
from sim.core.units import NO_DAY, PPB, PPM
from sim.engine.phases.common import chunk_totals
from sim.kernels import withdrawals as withdrawal_columns
from sim.kernels.withdrawals import pending_kernel
from sim.results.tables import ratio

WRITES = (
    "interest_cents", "operating_costs_cents", "failed_withdrawals", "insolvent",
)  # what the operator takes adds to extracted_cents
"""The daily columns this phase starts (``sim.today``)."""


def interest_cents(cash_cents: int, interest_ppb: int) -> int:
    """The day's interest on the cash: ``cash × i_ppb // PPB`` earned on a positive balance,
    the same (its magnitude floored) paid on a debt, as a negative amount. docs/MODEL.md §14."""
    if cash_cents >= 0:
        return cash_cents * interest_ppb // PPB
    return -(-cash_cents * interest_ppb // PPB)


def should_abscond(sim, cash_cents: int) -> bool:
    """Whether one of the scenario's absconding conditions holds today (from its earliest
    day on): the cash reached the target, the day brought too few new members, or the cash
    covers too little of the hard liabilities. docs/MODEL.md §14."""
    rules = sim.rules
    if sim.day < rules.abscond_earliest_day:
        return False
    coverage = ratio(cash_cents, sim.ledger.hard_liabilities())
    return ((rules.abscond_cash_target_cents > 0 and cash_cents >= rules.abscond_cash_target_cents)
            or sim.today["arrivals"] < rules.abscond_arrivals_below_per_day
            or (rules.abscond_coverage_below > 0 and coverage < rules.abscond_coverage_below))


def extract(sim) -> int:
    """The operator's hand at the end of the day: it skims its share of the surplus of cash
    over hard liabilities, or takes all the cash when it absconds (the run ends there);
    returns the cents taken (ledger `extraction`). Its share of new money it took as the
    money came in (``purchases.skim_new_money``). docs/MODEL.md §14."""
    rules, ledger = sim.rules, sim.ledger
    cash = max(ledger.platform_cash(), 0)
    if should_abscond(sim, ledger.platform_cash()):
        sim.totals.absconded_day = sim.day
        if sim.totals.collapse_day is None:
            sim.totals.collapse_day = sim.day
        taken = cash
    else:
        taken = max(cash - ledger.hard_liabilities(), 0) * rules.skim_surplus_ppm // PPM
    ledger.post(Account.PLATFORM_MARGIN, Account.OUTSIDE_WORLD, taken, "extraction")
    sim.totals.extracted_cents += taken
    return taken


def play(sim) -> None:
    """Interest on the cash, operating costs, the operator's hand, then insolvency (a request
    unpaid for K days) and collapse."""
    rules, members, ledger = sim.rules, sim.members, sim.ledger
    interest = interest_cents(ledger.platform_cash(), rules.interest_ppb)
    ledger.post(Account.OUTSIDE_WORLD, Account.PLATFORM_MARGIN, max(interest, 0), "interest")
    ledger.post(Account.PLATFORM_MARGIN, Account.OUTSIDE_WORLD, max(-interest, 0), "interest")
    costs = rules.fixed_cost_cents_per_day + sim.today["sales_cents"] * rules.variable_cost_ppm // PPM
    costs_paid = min(costs, max(ledger.platform_cash(), 0))
    ledger.post(Account.PLATFORM_MARGIN, Account.OUTSIDE_WORLD, costs_paid, "operating_costs")
    sim.today["extracted_cents"] += extract(sim)
    waiting, oldest_request_day = 0, NO_DAY
    if ledger.balance(Account.WITHDRAWAL_QUEUE) > 0:
        totals = chunk_totals(withdrawal_columns.N_PENDING_TOTALS)
        pending_kernel(members.count, members.queued_cents, members.queued_since_day, totals)
        waiting = int(totals[:, withdrawal_columns.PENDING_MEMBERS].sum())
        started = totals[:, withdrawal_columns.OLDEST_REQUEST_DAY]
        oldest_request_day = int(started[started != NO_DAY].min())
    if rules.withdrawals_frozen:  # the order, not the platform, holds the money; K days start again after it
        sim.totals.withdrawals_resumed_day = sim.day + 1
    counted_from = max(oldest_request_day, sim.totals.withdrawals_resumed_day)
    insolvent = (oldest_request_day != NO_DAY and not rules.withdrawals_frozen
                 and sim.day - counted_from >= rules.insolvency_grace_days)
    if insolvent and sim.totals.collapse_day is None:
        sim.totals.collapse_day = sim.day
    sim.today.update(
        interest_cents=interest,
        operating_costs_cents=costs_paid,

        failed_withdrawals=waiting,
        insolvent=insolvent,
    )
