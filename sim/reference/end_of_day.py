"""The end of the day in the reference model: ``merchants`` (sales memory and exits),
``platform`` (operating costs, insolvency, the collapse day) and ``record`` (the mood and the
day's row). Each phase is a plain function of the platform model, named like the engine's
phase (docs/MODEL.md §3).

The reference keeps its own plain-Python statement of every rule on purpose: it is the
independent check of the engine, so it never imports the engine's or the kernels' rule
helpers. It imports only from ``sim.core``, ``sim.scenario``, ``sim.behaviour`` and
``sim.results`` (an import-linter contract forbids ``sim.engine`` and ``sim.kernels``).
The mood's floats come from ``sim.behaviour.sentiment`` and the row's columns from
``sim.results.tables``, shared with the engine so that both compute the same bits.
"""

from typing import TYPE_CHECKING

from sim.behaviour import sentiment
from sim.core import rng
from sim.core.units import PPB, PPM
from sim.reference.start_of_day import merchants_leave_by_draw
from sim.results.tables import DAILY_COLUMNS, ratio

if TYPE_CHECKING:
    from sim.reference.platform import Platform


def merchants(model: "Platform") -> None:
    """Merchants remember their sales (``Merchant.remember_sales``) and leave when recent
    sales are too low (after their first window) or when the platform has owed them money
    too long (docs/MODEL.md §13)."""
    rules = model.rules
    for merchant in model.merchants:
        merchant.remember_sales(rules.sales_window_days)
    left = 0
    if rules.min_sales_cents_per_day > 0:
        for merchant in model.active_merchants():
            settled = merchant.join_day <= model.day - rules.sales_window_days
            if settled and merchant.recent_sales_cents < rules.min_sales_cents_per_day:
                merchant.active = False
                left += 1
    model.merchants_unpaid_days = model.merchants_unpaid_days + 1 if model.merchants_payable_cents > 0 else 0
    if model.merchants_unpaid_days >= rules.unpaid_patience_days:
        left += merchants_leave_by_draw(model, rules.unpaid_exit_probability_per_day, rng.STREAM_MERCHANT_EXIT)
    model.today["merchants_left"] += left


def platform(model: "Platform") -> None:
    """The platform's cash earns the day's interest (or pays it on a launch debt); it pays
    its operating costs from what cash it has; the operator skims its shares, or takes all
    the cash and stops paying when an absconding condition holds; the platform is insolvent
    when a withdrawal request has waited the grace period, and the first such day (or the
    absconding day) is the collapse day (docs/MODEL.md §14)."""
    rules = model.rules
    if model.cash_cents >= 0:
        interest = model.cash_cents * rules.interest_ppb // PPB
    else:
        interest = -(-model.cash_cents * rules.interest_ppb // PPB)
    model.cash_cents += interest
    model.margin_cents += interest
    costs = rules.fixed_cost_cents_per_day + model.today["sales_cents"] * rules.variable_cost_ppm // PPM
    costs_paid = min(costs, max(model.cash_cents, 0))
    model.cash_cents -= costs_paid
    model.margin_cents -= costs_paid
    extracted = operator_takes(model)
    model.cash_cents -= extracted
    model.margin_cents -= extracted
    model.today["extracted_cents"] += extracted
    waiting = [member for member in model.members if member.queued_cents > 0]
    oldest = min((member.queued_since_day for member in waiting), default=None)
    if rules.withdrawals_frozen:  # a freeze order holds the money; the K days start again after it (§11)
        model.withdrawals_resumed_day = model.day + 1
    insolvent = (oldest is not None and not rules.withdrawals_frozen
                 and model.day - max(oldest, model.withdrawals_resumed_day) >= rules.insolvency_grace_days)
    if insolvent and model.collapse_day is None:
        model.collapse_day = model.day
    model.today.update(interest_cents=interest, operating_costs_cents=costs_paid, failed_withdrawals=len(waiting),
                       insolvent=insolvent)


def operator_takes(model: "Platform") -> int:
    """What the operator takes out at the end of the day: all the cash when, from the
    earliest day on, the cash reached the target, the day brought too few newcomers or the
    cash covers too little of what is owed (it absconds: the run ends); otherwise its share
    of the cash beyond what is owed (its share of new money it took at the purchases,
    docs/MODEL.md §14)."""
    rules, cash = model.rules, max(model.cash_cents, 0)
    owed = model.hard_liabilities_cents()
    if model.day >= rules.abscond_earliest_day and (
            (rules.abscond_cash_target_cents > 0 and model.cash_cents >= rules.abscond_cash_target_cents)
            or model.today["arrivals"] < rules.abscond_arrivals_below_per_day
            or (rules.abscond_coverage_below > 0 and ratio(model.cash_cents, owed) < rules.abscond_coverage_below)):
        model.absconded_day = model.day
        if model.collapse_day is None:
            model.collapse_day = model.day
        return cash
    return max(cash - owed, 0) * rules.skim_surplus_ppm // PPM


def record(model: "Platform") -> None:
    """Members fold the day's yield and unpaid share into their mood (docs/MODEL.md §15);
    the day's figures and the stocks at its end make one daily row (§16.2, §17)."""
    paid = model.today["released_cents"] + model.today["honorary_paid_cents"]
    promised = model.contingent_before_release_cents
    unpaid = model.queued_cents()
    due = unpaid + model.withdrawn_gross_today_cents
    yield_today = paid / promised if promised > 0 else model.mood.yield_per_day
    unpaid_share = unpaid / due if due > 0 else 0.0
    sentiment.remember(model.mood, model.rules, yield_today, unpaid_share)
    cash, hard = model.cash_cents, model.hard_liabilities_cents()
    contingent = sum(member.promise_cents() for member in model.members)
    model.today.update(
        day=model.day,
        members_total=len(model.members),
        members_active=len(model.active_members()),
        members_in_dividend=sum(member.contribution_milli > 0 for member in model.members),
        merchants_active=len(model.active_merchants()),
        pool_balance_cents=model.dividend_pool_cents,
        honorary_pool_balance_cents=model.honorary_pool_cents,
        withdrawals_unpaid_cents=unpaid,
        platform_cash_cents=cash,
        platform_own_funds_cents=model.margin_cents + model.fees_cents,
        hard_liabilities_cents=hard,
        contingent_liabilities_cents=contingent,
        coverage_ratio=ratio(cash, hard),
        coverage_ratio_all=ratio(cash, hard + contingent),
        yield_per_day=yield_today,
        unpaid_share=unpaid_share,
    )
    model.rows.append({column: model.today[column] for column in DAILY_COLUMNS})
