"""Withdrawal requests, and paying the queue of requests. See docs/MODEL.md §11."""

import numpy as np

from sim.behaviour import sentiment
from sim.core import rng
from sim.core.accounts import Account
from sim.core.units import UNIT_VALUE_SCALE
from sim.engine.phases.common import chunk_totals, day_key, scratch
from sim.kernels import withdrawals as withdrawal_columns
from sim.kernels.withdrawals import pay_all_kernel, pay_fifo_kernel, pay_pro_rata_kernel, request_kernel

WRITES = (
    "withdrawal_probability", "withdrawal_requests", "withdrawal_requested_cents", "withdrawn_cents",
    "withdrawal_fees_cents",
)
"""The daily columns this phase starts (``sim.today``)."""


def pay_queue(sim) -> None:
    """Pay queued withdrawals from the platform's cash: in full when the cash covers the
    whole queue or the platform borrows what it lacks (``platform.borrows_when_short``,
    docs/MODEL.md §14), otherwise in the scenario's payment order."""
    rules, members, ledger = sim.rules, sim.members, sim.ledger
    queued = ledger.balance(Account.WITHDRAWAL_QUEUE)
    cash = ledger.platform_cash()
    borrows = rules.borrows_when_short  # the platform borrows what its cash lacks: cash goes negative
    if queued == 0 or (cash <= 0 and not borrows) or rules.withdrawals_frozen:  # a debt not yet refilled pays nobody
        return
    totals = chunk_totals(withdrawal_columns.N_PAYMENT_TOTALS)
    arrays = (members.queued_cents, members.queued_since_day, members.withdrawn_cents)
    if cash >= queued or borrows:
        pay_all_kernel(members.count, *arrays, rules.withdrawal_fee_ppm, totals)
    elif rules.payment_order == "fifo":
        waiting = np.flatnonzero(members.view("queued_cents") > 0)
        order = waiting[np.argsort(members.queued_since_day[waiting], kind="stable")]
        pay_fifo_kernel(order, *arrays, rules.withdrawal_fee_ppm, cash, totals)
    else:
        ratio_scaled = cash * UNIT_VALUE_SCALE // queued
        pay_pro_rata_kernel(members.count, *arrays, rules.withdrawal_fee_ppm, ratio_scaled, totals)
    post_payments(sim, totals.sum(axis=0))


def post_payments(sim, day_totals: np.ndarray) -> None:
    """Post paid withdrawals: the net to the members, the fee to the platform."""
    fees = int(day_totals[withdrawal_columns.FEES])
    paid_gross = int(day_totals[withdrawal_columns.PAID_GROSS])
    sim.ledger.post(Account.WITHDRAWAL_QUEUE, Account.OUTSIDE_WORLD, paid_gross - fees, "withdrawal_payment")
    sim.ledger.post(Account.WITHDRAWAL_QUEUE, Account.WITHDRAWAL_FEES, fees, "withdrawal_fee")
    sim.today["withdrawn_cents"] += paid_gross - fees
    sim.today["withdrawal_fees_cents"] += fees
    sim.totals.withdrawn_gross_today_cents += paid_gross
    sim.totals.withdrawn_total_cents += paid_gross - fees


def settle_requests(sim, day_totals: np.ndarray, requested_column: int, reason: str) -> None:
    """Post the day's new requests, the ones the kernel paid at once, then pay the queue."""
    sim.ledger.post(Account.MEMBER_BALANCES, Account.WITHDRAWAL_QUEUE, day_totals[requested_column], reason)
    post_payments(sim, day_totals)
    pay_queue(sim)


def can_pay_now(sim) -> bool:
    """Whether the cash covers every hard liability, or the platform borrows what it lacks,
    so today's requests are paid as made (never while withdrawals are frozen)."""
    covered = sim.rules.borrows_when_short or sim.ledger.platform_cash() >= sim.ledger.hard_liabilities()
    return not sim.rules.withdrawals_frozen and covered


def play(sim) -> None:
    """Members ask to withdraw part of their balance (more often during a bank
    run); the queue is paid. While withdrawals are frozen nobody asks and nothing is paid."""
    rules, members = sim.rules, sim.members
    probability = 0.0 if rules.withdrawals_frozen else sentiment.withdrawal_probability(sim.mood, rules)
    sim.today.update(withdrawn_cents=0, withdrawal_fees_cents=0, withdrawal_probability=probability)
    sim.totals.withdrawn_gross_today_cents = 0
    totals = chunk_totals(withdrawal_columns.N_REQUEST_TOTALS)
    request_kernel(
        members.count, members.status, members.balance_cents, members.queued_cents,
        members.queued_since_day, members.withdrawn_cents, day_key(sim, rng.STREAM_WITHDRAW),
        probability, rules.withdrawal_share_ppm, rules.withdrawal_amount_cents, rules.min_withdrawal_cents,
        rules.withdrawal_fee_ppm, sim.day, can_pay_now(sim), scratch(sim), totals,
    )
    day = totals.sum(axis=0)
    sim.today.update(
        withdrawal_requests=int(day[withdrawal_columns.REQUESTS]),
        withdrawal_requested_cents=int(day[withdrawal_columns.REQUESTED]),
    )
    settle_requests(sim, day, withdrawal_columns.REQUESTED, "withdrawal_request")
