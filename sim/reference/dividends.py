"""The dividends of the day in the reference model: ``release`` (the dividend pool paid out
by the release rule, one function per rule) and ``honorary`` (the honorary pool paid by
level weight). Each phase is a plain function of the platform model, named like the
engine's phase (docs/MODEL.md §3).

The reference keeps its own plain-Python statement of every rule on purpose: it is the
independent check of the engine, so it never imports the engine's or the kernels' rule
helpers. It imports only from ``sim.core``, ``sim.scenario``, ``sim.behaviour`` and
``sim.results`` (an import-linter contract forbids ``sim.engine`` and ``sim.kernels``).
"""

from typing import TYPE_CHECKING

from sim.core.units import MILLI_UNITS_PER_UNIT, PPB, fixed_point_scale
from sim.reference.agents import PENDING

if TYPE_CHECKING:
    from sim.reference.platform import Platform

Payments = list[tuple[int, bool]]
"""(paid, exited) of every member paid today (``Member.receive_dividend``)."""


def release(model: "Platform") -> None:
    """Grants whose first release is today join the live ones (docs/MODEL.md §9.9); every
    remaining promise grows by the day's rate (§9.8); then dividends
    by the release rule, each capped by the member's remaining energy (§9.1). `pool` and
    `queue` pay only what the pool holds; `emission`, `fixed_rate` and `linear` pay what
    they promise, the platform topping up the pool from its margin (§9.2)."""
    rules = model.rules
    for member in model.members:  # grants bought D days ago take part from today (§9.9)
        member.grants_due(model.day, rules.release_rule == "queue")
    growth = 0
    for member in model.members:
        grown = member.energy_cents * rules.promise_growth_ppb // PPB
        member.energy_cents += grown
        growth += grown
    pool = model.dividend_pool_cents
    model.contingent_before_release_cents = sum(member.promise_cents() for member in model.members)
    unit_value = 0.0
    if rules.release_rule == "pool":
        payments, unit_value = split_by_contribution(model, pool * rules.pool_release_ppb // PPB)
    elif rules.release_rule == "emission":
        payments, unit_value = split_by_contribution(model, rules.emission_cents_per_day)
    elif rules.release_rule == "fixed_rate":
        payments = pay_fixed_rate(model)
    elif rules.release_rule == "linear":
        payments = pay_rights(model)
    else:
        payments = pay_the_line(model, pool)
    released = sum(paid for paid, _ in payments)
    top_up = max(released - pool, 0)
    model.margin_cents -= top_up
    model.dividend_pool_cents += top_up - released
    model.today.update(promise_growth_cents=growth, released_cents=released, platform_top_up_cents=top_up,
                       exits=sum(exited for _, exited in payments),
                       unit_value=unit_value)


def split_by_contribution(model: "Platform", budget_cents: int) -> tuple[Payments, float]:
    """`pool` and `emission` rules: the budget is split over the members' contribution by a
    value per milli-unit (``value_of_a_unit``; docs/MODEL.md §2, §9.3, §9.4); nothing is paid when
    no one holds contribution. Returns the payments and the value in cents per contribution
    unit (the ``unit_value`` column)."""
    total_contribution = sum(member.contribution_milli for member in model.members)
    if total_contribution <= 0:
        return [], 0.0
    numerator, denominator = value_of_a_unit(budget_cents, total_contribution)
    payments = [member.receive_dividend(member.contribution_milli * numerator // denominator)
                for member in model.members if member.contribution_milli > 0]
    return payments, numerator * MILLI_UNITS_PER_UNIT / denominator


def value_of_a_unit(budget_cents: int, units: int) -> tuple[int, int]:
    """The value in cents of one unit of a split, as numerator / denominator: fixed point,
    (budget × scale // units) / scale, while the units are at most the scale; the exact
    budget / units beyond it, where fixed point would leave more than a cent per holder
    behind (docs/MODEL.md §2). Python integers make both exact at any magnitude."""
    scale = fixed_point_scale(budget_cents)
    if units <= scale:
        return budget_cents * scale // units, scale
    return budget_cents, units


def pay_fixed_rate(model: "Platform") -> Payments:
    """`fixed_rate` rule: every member with energy is paid the daily rate of it, at least
    one cent (docs/MODEL.md §9.5)."""
    rules = model.rules
    return [member.receive_dividend(max(member.energy_cents * rules.fixed_rate_ppb // PPB, 1))
            for member in model.members if member.energy_cents > 0]


def pay_rights(model: "Platform") -> Payments:
    """`linear` rule: every member with rights and energy is paid its rights × the daily
    payment of a right; the rights end with the promise (docs/MODEL.md §9.6)."""
    payments = []
    for member in model.members:
        if member.rights > 0 and member.energy_cents > 0:
            payments.append(member.receive_dividend(member.rights * model.rules.right_payment_cents_per_day))
            if payments[-1][1]:
                member.rights = 0
    return payments


def pay_the_line(model: "Platform", budget_cents: int) -> Payments:
    """`queue` rule: today's entrants join the back of the line in member order; the whole
    pool pays from the front, each member in full before the next. A place is skipped when
    its member has left (no energy) or holds a later place (docs/MODEL.md §9.7)."""
    for member in model.members:
        if member.queue_place == PENDING:
            member.queue_place = len(model.line)
            model.line.append(member)
    payments = []
    while model.line_head < len(model.line) and budget_cents > 0:
        member = model.line[model.line_head]
        if member.queue_place != model.line_head or member.energy_cents == 0:
            model.line_head += 1
            continue
        paid, exited = member.receive_dividend(min(member.energy_cents, budget_cents))
        payments.append((paid, exited))
        budget_cents -= paid
        if exited:
            member.queue_place = None
            model.line_head += 1
    return payments


def honorary(model: "Platform") -> None:
    """The honorary pool's daily share goes to the active members at level ≥ 1 by level
    weight, split by the value of a ppm of weight (``value_of_a_unit``); the remainder stays in the pool
    (docs/MODEL.md §2, §10)."""
    rules = model.rules
    budget = model.honorary_pool_cents * rules.honorary_release_ppb // PPB
    paid = 0
    if budget > 0 and model.honorary_weight_ppm > 0:
        numerator, denominator = value_of_a_unit(budget, model.honorary_weight_ppm)
        for member in model.active_members():
            if member.level > 0:
                payment = rules.level_honorary_weight_ppm[member.level] * numerator // denominator
                member.balance_cents += payment
                paid += payment
    model.honorary_pool_cents -= paid
    model.today["honorary_paid_cents"] = paid
