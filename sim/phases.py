"""One function per phase of MODEL.md's day. Each reads the simulation's rules and
state, calls its kernel, and applies the money it moved through the ledger. The day's
figures go to ``sim.today`` for the record phase."""

import numpy as np

from sim import rng
from sim.kernels import N_CHUNKS, churn, purchases as purchase_totals, release_pool
from sim.kernels import withdrawals as withdrawal_totals
from sim.kernels.churn import churn_kernel
from sim.kernels.purchases import purchase_kernel
from sim.kernels.release_pool import release_pool_kernel
from sim.kernels.withdrawals import (
    pay_all_kernel,
    pay_fifo_kernel,
    pay_pro_rata_kernel,
    pending_kernel,
    request_kernel,
)
from sim.ledger import Account
from sim.types import NO_DAY, PPM, UNIT_VALUE_SCALE

MAX_RELEASE_BUDGET_CENTS = np.iinfo(np.int64).max // UNIT_VALUE_SCALE


def _totals(n_totals: int, n_chunks: int = N_CHUNKS) -> np.ndarray:
    return np.zeros((n_chunks, n_totals), dtype=np.int64)


def _key(sim, stream: int) -> np.uint64:
    return np.uint64(rng.day_key(sim.rules.seed, stream, sim.day))


def bass_arrivals(rules, members_total: int, members_active: int, day: int) -> int:
    """Newcomers today: Bass diffusion (p + q × active share) × remaining market, rounded
    stochastically with one draw so that the mean is exact."""
    market = rules.market_size_members
    remaining = market - members_total
    expected = (rules.bass_innovation_per_day + rules.bass_imitation_per_day * members_active / market) * remaining
    draw = rng.uniform_py(rng.day_key(rules.seed, rng.STREAM_ARRIVALS, day), 0)
    return min(int(expected + draw), remaining)


def arrivals(sim) -> None:
    """Phase 1: new members join (Bass diffusion)."""
    newcomers = bass_arrivals(sim.rules, sim.members.count, sim.members_active, sim.day)
    sim.members.add(newcomers, sim.day)
    sim.members_active += newcomers
    sim.today["arrivals"] = newcomers


def purchases(sim) -> None:
    """Phases 2–3: purchases, the merchant/platform split, the pool inflow, and accrual."""
    rules, members, merchants, ledger = sim.rules, sim.members, sim.merchants, sim.ledger
    totals = _totals(purchase_totals.N_TOTALS)
    merchant_sales = np.zeros((N_CHUNKS, merchants.count), dtype=np.int64)
    purchase_kernel(
        members.count, members.status, members.balance_cents, members.energy_cents,
        members.contribution_milli, members.new_money_cents, members.goods_cents,
        _key(sim, rng.STREAM_PURCHASE), _key(sim, rng.STREAM_BASKET), _key(sim, rng.STREAM_MERCHANT),
        rules.purchase_probability_per_day, rules.price_table,
        rules.repurchase_max_ppm, rules.energy_multiple_ppm, rules.contribution_unit_price_cents,
        merchants.concession_ppm, merchants.count, rules.pool_share_ppm,
        merchant_sales, totals,
    )
    day = totals.sum(axis=0)
    merchants.sales_cents[: merchants.count] += merchant_sales.sum(axis=0)
    sales = int(day[purchase_totals.SALES])
    concession = int(day[purchase_totals.CONCESSION])
    ledger.post(Account.OUTSIDE_WORLD, Account.PLATFORM_MARGIN, day[purchase_totals.NEW_MONEY], "purchase_new_money")
    ledger.post(Account.MEMBER_BALANCES, Account.PLATFORM_MARGIN, day[purchase_totals.REPURCHASED], "purchase_from_balance")
    ledger.post(Account.PLATFORM_MARGIN, Account.MERCHANTS_PAYABLE, sales - concession, "merchant_share")
    ledger.post(Account.PLATFORM_MARGIN, Account.DIVIDEND_POOL, day[purchase_totals.POOL_INFLOW], "pool_inflow")
    merchant_paid = min(ledger.balance(Account.MERCHANTS_PAYABLE), ledger.platform_cash())
    ledger.post(Account.MERCHANTS_PAYABLE, Account.MERCHANTS, merchant_paid, "merchant_payment")

    energy_granted = int(day[purchase_totals.ENERGY_GRANTED])
    sim.energy_outstanding_cents += energy_granted
    sim.promised_cents += energy_granted
    sim.new_money_total_cents += int(day[purchase_totals.NEW_MONEY])
    sim.sales_total_cents += sales
    sim.contribution_total_milli += int(day[purchase_totals.CONTRIBUTION_ADDED])
    sim.members_in_dividend += int(day[purchase_totals.DIVIDEND_ENTRIES])
    sim.today.update(
        purchases=int(day[purchase_totals.PURCHASES]),
        sales_cents=sales,
        new_money_cents=int(day[purchase_totals.NEW_MONEY]),
        repurchased_cents=int(day[purchase_totals.REPURCHASED]),
        concession_cents=concession,
        pool_inflow_cents=int(day[purchase_totals.POOL_INFLOW]),
        energy_granted_cents=energy_granted,
        merchant_paid_cents=merchant_paid,
    )


def release(sim) -> None:
    """Phase 5, rule `pool` (A): the day's share of the dividend pool, split by contribution."""
    rules, members, ledger = sim.rules, sim.members, sim.ledger
    budget = ledger.balance(Account.DIVIDEND_POOL) * rules.pool_release_ppm // PPM
    if budget > MAX_RELEASE_BUDGET_CENTS:
        raise OverflowError(f"day {sim.day}: release budget {budget} cents exceeds the fixed-point range")
    unit_value_scaled = 0
    released = exits = 0
    if sim.contribution_total_milli > 0:
        unit_value_scaled = budget * UNIT_VALUE_SCALE // sim.contribution_total_milli
        totals = _totals(release_pool.N_TOTALS)
        release_pool_kernel(
            members.count, members.contribution_milli, members.energy_cents, members.balance_cents,
            unit_value_scaled, totals,
        )
        day = totals.sum(axis=0)
        released = int(day[release_pool.RELEASED])
        exits = int(day[release_pool.EXITS])
        sim.contribution_total_milli -= int(day[release_pool.CONTRIBUTION_REMOVED])
        sim.members_in_dividend -= exits
    ledger.post(Account.DIVIDEND_POOL, Account.MEMBER_BALANCES, released, "release")
    sim.energy_outstanding_cents -= released
    sim.released_cents += released
    sim.today.update(
        released_cents=released,
        exits=exits,
        unit_value=unit_value_scaled * 1000 / UNIT_VALUE_SCALE,  # cents per contribution unit
    )


def pay_queue(sim) -> None:
    """Pay queued withdrawals from the platform's cash: in full when the cash covers the
    whole queue, otherwise in the scenario's payment order."""
    rules, members, ledger = sim.rules, sim.members, sim.ledger
    queued = ledger.balance(Account.WITHDRAWAL_QUEUE)
    if queued == 0:
        return
    cash = ledger.platform_cash()
    totals = _totals(withdrawal_totals.N_PAYMENT_TOTALS)
    arrays = (members.queued_cents, members.queued_since_day, members.withdrawn_cents)
    if cash >= queued:
        pay_all_kernel(members.count, *arrays, rules.withdrawal_fee_ppm, totals)
    elif rules.payment_order == "fifo":
        waiting = np.flatnonzero(members.view("queued_cents") > 0)
        order = waiting[np.argsort(members.queued_since_day[waiting], kind="stable")]
        pay_fifo_kernel(order, *arrays, rules.withdrawal_fee_ppm, cash, totals)
    else:
        ratio_scaled = cash * UNIT_VALUE_SCALE // queued
        pay_pro_rata_kernel(members.count, *arrays, rules.withdrawal_fee_ppm, ratio_scaled, totals)
    _post_payments(sim, totals.sum(axis=0))


def _post_payments(sim, day_totals: np.ndarray) -> None:
    """Post paid withdrawals: the net to the members, the fee to the platform."""
    fees = int(day_totals[withdrawal_totals.FEES])
    paid_net = int(day_totals[withdrawal_totals.PAID_GROSS]) - fees
    sim.ledger.post(Account.WITHDRAWAL_QUEUE, Account.OUTSIDE_WORLD, paid_net, "withdrawal_payment")
    sim.ledger.post(Account.WITHDRAWAL_QUEUE, Account.WITHDRAWAL_FEES, fees, "withdrawal_fee")
    sim.today["withdrawn_cents"] += paid_net
    sim.today["withdrawal_fees_cents"] += fees
    sim.withdrawn_total_cents += paid_net


def _settle_requests(sim, day_totals: np.ndarray, requested_column: int, reason: str) -> None:
    """Post the day's new requests, the ones the kernel paid at once, then pay the queue."""
    sim.ledger.post(Account.MEMBER_BALANCES, Account.WITHDRAWAL_QUEUE, day_totals[requested_column], reason)
    _post_payments(sim, day_totals)
    pay_queue(sim)


def _can_pay_now(sim) -> bool:
    """Whether the cash covers every hard liability, so today's requests are paid as made."""
    return sim.ledger.platform_cash() >= sim.ledger.hard_liabilities()


def withdrawals(sim) -> None:
    """Phase 7: members ask to withdraw part of their balance; the queue is paid."""
    rules, members = sim.rules, sim.members
    sim.today.update(withdrawn_cents=0, withdrawal_fees_cents=0)
    totals = _totals(withdrawal_totals.N_REQUEST_TOTALS)
    request_kernel(
        members.count, members.status, members.balance_cents, members.queued_cents,
        members.queued_since_day, members.withdrawn_cents, _key(sim, rng.STREAM_WITHDRAW),
        rules.withdrawal_probability_per_day, rules.withdrawal_share_ppm,
        rules.min_withdrawal_cents, rules.withdrawal_fee_ppm, sim.day, _can_pay_now(sim), totals,
    )
    day = totals.sum(axis=0)
    sim.today.update(
        withdrawal_requests=int(day[withdrawal_totals.REQUESTS]),
        withdrawal_requested_cents=int(day[withdrawal_totals.REQUESTED]),
    )
    _settle_requests(sim, day, withdrawal_totals.REQUESTED, "withdrawal_request")


def churn_phase(sim) -> None:
    """Phase 8: members leave; each leaver asks for the whole balance, paid if cash allows."""
    rules, members = sim.rules, sim.members
    totals = _totals(churn.N_TOTALS)
    churn_kernel(
        members.count, members.status, members.balance_cents, members.energy_cents,
        members.contribution_milli, members.queued_cents, members.queued_since_day,
        members.withdrawn_cents, _key(sim, rng.STREAM_CHURN), rules.churn_probability_per_day,
        rules.withdrawal_fee_ppm, sim.day, _can_pay_now(sim), totals,
    )
    day = totals.sum(axis=0)
    leavers = int(day[churn.LEAVERS])
    sim.members_active -= leavers
    sim.energy_outstanding_cents -= int(day[churn.ENERGY_FORFEITED])
    sim.contribution_total_milli -= int(day[churn.CONTRIBUTION_REMOVED])
    sim.members_in_dividend -= int(day[churn.DIVIDEND_LEAVERS])
    sim.today["churned"] = leavers
    _settle_requests(sim, day, churn.REQUESTED, "leaver_request")


def platform(sim) -> None:
    """Phase 9: operating costs, then insolvency (a request unpaid for K days) and collapse."""
    rules, members, ledger = sim.rules, sim.members, sim.ledger
    costs = rules.fixed_cost_cents_per_day + sim.today["sales_cents"] * rules.variable_cost_ppm // PPM
    costs_paid = min(costs, ledger.platform_cash())
    ledger.post(Account.PLATFORM_MARGIN, Account.OUTSIDE_WORLD, costs_paid, "operating_costs")
    waiting, oldest_request_day = 0, NO_DAY
    if ledger.balance(Account.WITHDRAWAL_QUEUE) > 0:
        totals = _totals(withdrawal_totals.N_PENDING_TOTALS)
        pending_kernel(members.count, members.queued_cents, members.queued_since_day, totals)
        waiting = int(totals[:, withdrawal_totals.PENDING_MEMBERS].sum())
        started = totals[:, withdrawal_totals.OLDEST_REQUEST_DAY]
        oldest_request_day = int(started[started != NO_DAY].min())
    insolvent = oldest_request_day != NO_DAY and sim.day - oldest_request_day >= rules.insolvency_grace_days
    if insolvent and sim.collapse_day is None:
        sim.collapse_day = sim.day
    sim.today.update(
        operating_costs_cents=costs_paid,
        failed_withdrawals=waiting,
        insolvent=insolvent,
    )
