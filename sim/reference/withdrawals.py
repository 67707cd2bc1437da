"""Money leaving in the reference model: ``withdrawals`` (members ask for part of their
balance) and ``churn`` (leavers ask for all of it), and the payment of the withdrawal queue
that follows each of them, fee and payment order included. Each phase is a plain function
of the platform model, named like the engine's phase (docs/MODEL.md §3).

The reference keeps its own plain-Python statement of every rule on purpose: it is the
independent check of the engine, so it never imports the engine's or the kernels' rule
helpers. It imports only from ``sim.core``, ``sim.scenario``, ``sim.behaviour`` and
``sim.results`` (an import-linter contract forbids ``sim.engine`` and ``sim.kernels``).
Where a float is computed (the day's probabilities) it calls ``sim.behaviour.sentiment`` so
that both models compute the same bits.
"""

from typing import TYPE_CHECKING

from sim.behaviour import sentiment
from sim.core import rng
from sim.core.units import PPM, UNIT_VALUE_SCALE
from sim.reference.agents import Member

if TYPE_CHECKING:
    from sim.reference.platform import Platform


def withdrawals(model: "Platform") -> None:
    """Members ask to withdraw (``Member.ask_to_withdraw``, more often in a bank run, §15);
    requests are paid at once while the cash covers everything owed, then the queue is paid
    (docs/MODEL.md §11)."""
    frozen = model.rules.withdrawals_frozen  # an order: nobody asks, nothing is paid (§11)
    probability = 0.0 if frozen else sentiment.withdrawal_probability(model.mood, model.rules)
    model.today.update(withdrawn_cents=0, withdrawal_fees_cents=0, withdrawal_probability=probability)
    model.withdrawn_gross_today_cents = 0
    pay_now = not frozen and (model.rules.borrows_when_short or model.cash_cents >= model.hard_liabilities_cents())
    amounts = []
    for member in model.active_members():
        amount = member.ask_to_withdraw(model, probability)
        if amount > 0:
            take_request(model, member, amount, pay_now)
        amounts.append(amount)
    model.today.update(withdrawal_requests=sum(amount > 0 for amount in amounts),
                       withdrawal_requested_cents=sum(amounts))
    pay_withdrawals(model)


def churn(model: "Platform") -> None:
    """Members leave (more when the yield disappoints or withdrawals fail, §15), each asking
    for the whole balance and the share of its promise it may cash out (``Member.leave``),
    paid at once while the cash covers everything owed, unless there are cash-outs, which
    the dividend pool pays (topped up from the margin when short, §9.2) and which always
    join the queue first; then the queue is paid (docs/MODEL.md §12)."""
    rules = model.rules
    probability = sentiment.churn_probability(model.mood, rules)
    pay_now = (rules.exit_cashout_ppm == 0 and not rules.withdrawals_frozen
               and (rules.borrows_when_short or model.cash_cents >= model.hard_liabilities_cents()))
    leavers = [member for member in model.active_members()
               if model.draw(rng.STREAM_CHURN, member.index) < probability]
    cashed_out = 0
    for member in leavers:
        amount, claim = member.leave(rules.exit_cashout_ppm)
        cashed_out += claim
        if amount > 0:
            take_request(model, member, amount, pay_now)
    top_up = max(cashed_out - model.dividend_pool_cents, 0)
    model.margin_cents -= top_up
    model.dividend_pool_cents += top_up - cashed_out
    model.today["platform_top_up_cents"] += top_up
    model.today.update(churned=len(leavers), churn_probability=probability, exit_cashout_cents=cashed_out)
    pay_withdrawals(model)


def take_request(model: "Platform", member: Member, amount_cents: int, pay_now: bool) -> None:
    """A withdrawal request joins the member's queue, dated if the member was not waiting
    yet; it is paid at once when ``pay_now`` (docs/MODEL.md §11)."""
    member.queued_cents += amount_cents
    if member.queued_since_day is None:
        member.queued_since_day = model.day
    if pay_now:
        pay(model, member, amount_cents)


def pay(model: "Platform", member: Member, gross_cents: int) -> None:
    """Pay ``gross_cents`` of a member's queue: the platform keeps the fee and the member gets
    the rest; only the net leaves the cash (docs/MODEL.md §11)."""
    fee = gross_cents * model.rules.withdrawal_fee_ppm // PPM
    member.queued_cents -= gross_cents
    member.withdrawn_cents += gross_cents - fee
    if member.queued_cents == 0:
        member.queued_since_day = None
    model.cash_cents -= gross_cents - fee
    model.fees_cents += fee
    model.today["withdrawn_cents"] += gross_cents - fee
    model.today["withdrawal_fees_cents"] += fee
    model.withdrawn_gross_today_cents += gross_cents


def affordable_gross_cents(model: "Platform", requested_cents: int) -> int:
    """The largest gross amount, at most ``requested_cents``, whose payout net of the fee
    fits in the cash (docs/MODEL.md §11, `fifo`). The net is at least
    gross × (PPM − fee) / PPM, so nothing above cash × PPM // (PPM − fee) fits: the search
    starts there and steps down."""
    fee_ppm = model.rules.withdrawal_fee_ppm
    gross = min(requested_cents, model.cash_cents * PPM // (PPM - fee_ppm))
    while gross > 0 and gross - gross * fee_ppm // PPM > model.cash_cents:
        gross -= 1
    return gross


def pay_withdrawals(model: "Platform") -> None:
    """Pay the queued withdrawals from the cash: everyone in full when the cash covers the
    whole queue or the platform borrows what it lacks (its cash goes negative, §14); otherwise
    `fifo` (by request day, then member index, the member at the edge in part) or `pro_rata`
    (everyone the same floored fraction) (docs/MODEL.md §11)."""
    queued = model.queued_cents()
    borrows = model.rules.borrows_when_short  # the platform borrows what its cash lacks (§14)
    # a debt (launch cost) not yet refilled pays nobody, unless the platform borrows
    if queued == 0 or (model.cash_cents <= 0 and not borrows) or model.rules.withdrawals_frozen:
        return
    waiting = [member for member in model.members if member.queued_cents > 0]
    if model.cash_cents >= queued or borrows:
        for member in waiting:
            pay(model, member, member.queued_cents)
    elif model.rules.payment_order == "fifo":
        for member in sorted(waiting, key=lambda m: (m.queued_since_day, m.index)):
            if model.cash_cents == 0:
                break
            gross = affordable_gross_cents(model, member.queued_cents)
            if gross > 0:
                pay(model, member, gross)
    else:
        paid_share_scaled = model.cash_cents * UNIT_VALUE_SCALE // queued
        for member in waiting:
            gross = member.queued_cents * paid_share_scaled // UNIT_VALUE_SCALE
            if gross > 0:
                pay(model, member, gross)
