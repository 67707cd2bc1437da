"""Members leave and ask for their whole balance, and a share of their promise when the
scenario lets them cash it out. See docs/MODEL.md §12."""

from sim.behaviour import sentiment
from sim.core import rng
from sim.core.accounts import Account
from sim.engine.phases.common import chunk_totals, day_key, scratch
from sim.engine.phases.withdrawals import can_pay_now, settle_requests
from sim.kernels import churn as churn_columns
from sim.kernels.churn import churn_kernel
from sim.scenario.compiled import level_count

WRITES = ("churned", "churn_probability", "exit_cashout_cents")
# leavers' payments add to withdrawn_cents and withdrawal_fees_cents, a cash-out's top-up to platform_top_up_cents
"""The daily columns this phase starts (``sim.today``)."""


def play(sim) -> None:
    """Members leave (more when the yield falls and withdrawals fail); each leaver
    asks for the whole balance and its cash-out, paid if cash allows. A cash-out is a
    release of the promise: paid from the dividend pool, topped up by the platform when the
    pool is short (§9.2). Leavers' requests are paid at once while the cash covers every hard
    liability, but with a cash-out share they always join the queue first, since the claims
    were not among the liabilities the cash was found to cover."""
    rules, members, ledger = sim.rules, sim.members, sim.ledger
    probability = sentiment.churn_probability(sim.mood, rules)
    totals = chunk_totals(churn_columns.N_TOTALS)
    level_moves = chunk_totals(level_count(rules))
    churn_kernel(
        members.count, members.status, members.level, members.balance_cents, members.energy_cents,
        members.contribution_milli, members.queued_cents, members.queued_since_day,
        members.withdrawn_cents, sim.pending.energy_cents, sim.pending.contribution_milli, sim.pending.rights,
        day_key(sim, rng.STREAM_CHURN), probability, rules.exit_cashout_ppm,
        rules.withdrawal_fee_ppm, sim.day, rules.exit_cashout_ppm == 0 and can_pay_now(sim), scratch(sim),
        level_moves, totals,
    )
    sim.totals.level_counts += level_moves.sum(axis=0)
    day = totals.sum(axis=0)
    leavers = int(day[churn_columns.LEAVERS])
    sim.totals.members_active -= leavers
    cashed_out = int(day[churn_columns.CASHED_OUT])
    top_up = max(cashed_out - ledger.balance(Account.DIVIDEND_POOL), 0)
    ledger.post(Account.PLATFORM_MARGIN, Account.DIVIDEND_POOL, top_up, "platform_top_up")
    ledger.post(Account.DIVIDEND_POOL, Account.MEMBER_BALANCES, cashed_out, "exit_cashout")
    sim.today["platform_top_up_cents"] += top_up
    sim.totals.released_cents += cashed_out
    sim.totals.energy_outstanding_cents -= int(day[churn_columns.ENERGY_FORFEITED]) + cashed_out
    sim.totals.contribution_total_milli -= int(day[churn_columns.CONTRIBUTION_REMOVED])
    sim.totals.members_in_dividend -= int(day[churn_columns.DIVIDEND_LEAVERS])
    sim.today.update(churned=leavers, churn_probability=probability, exit_cashout_cents=cashed_out)
    settle_requests(sim, day, churn_columns.REQUESTED, "leaver_request")
