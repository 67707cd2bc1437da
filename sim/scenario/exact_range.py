"""How large a run's integers can grow, so that every cent and milli-unit is counted exactly
or the run is refused (docs/MODEL.md §2).

The engine holds money and contribution in int64. Nothing may wrap, and two guarantees make
sure nothing does:

- before a run, ``problems`` bounds what one day can add to each running total (every member
  buying the dearest basket or package at the highest multiple, with every referral credit)
  and refuses a scenario whose day could add more than ``DAILY_LIMIT`` = 2**62;
- during a run, the engine stops on the first day a running total could overflow on the
  next one (total + its growth at its daily rate + one day's bound > 2**63 − 1), naming the
  total, the day and the fields that drive it (``sim.engine.phases.record``). Promises that
  grow (``rewards.promise_growth_rate_per_day``) and cash that earns interest
  (``platform.interest_rate_per_day``) compound, so no bound before the run can hold them.

Every member array and every per-chunk kernel total is a sum of non-negative parts of one of
these totals (a member's energy ≤ all energy outstanding, a member's team sales ≤ all sales,
a chunk's released cents ≤ the day's release …), so bounding the totals bounds them all.
"""

from dataclasses import dataclass

from sim.core.errors import InputError
from sim.core.units import INT64_MAX, MILLI_UNITS_PER_UNIT, PPB
from sim.scenario.params import Scenario, generation_shares

DAILY_LIMIT = 2**62
"""The most one day may add to any running total, with room to spare below 2**63."""


@dataclass(frozen=True)
class DailyBound:
    """The most one day can add to a running total, and the fields that set it."""

    quantity: str
    unit: str
    bound: int
    fields: str


def _largest_price_cents(scenario: Scenario) -> int:
    return max([scenario.purchases.basket_max_cents] + [tier.price_cents for tier in scenario.gift_packages.tiers])


def daily_bounds(scenario: Scenario) -> dict[str, DailyBound]:
    """Upper bounds on what one day adds to the engine's running totals, by total: every
    potential member buys once at the largest price, at the highest multiple, weight and
    level multiplier, and credits every referral generation at its share (floats of the
    scenario rounded up, so the bounds hold for the compiled integers)."""
    members = max(scenario.population.market_size_members, scenario.population.initial_members)
    price = _largest_price_cents(scenario)
    multiple = max([scenario.rewards.energy_multiple] + [t.energy_multiple for t in scenario.gift_packages.tiers])
    weight = max([1.0] + [t.contribution_weight for t in scenario.gift_packages.tiers])
    level_multiplier = max([1.0] + [t.contribution_multiplier for t in scenario.levels.tiers])
    referrals = scenario.referrals
    referral_share = sum(generation_shares(referrals.contribution_share, referrals.decay_per_generation,
                                           referrals.generations))
    contribution = (price * MILLI_UNITS_PER_UNIT // scenario.rewards.contribution_unit_price_cents
                    * weight * level_multiplier * (1 + referral_share))
    sales = members * price
    return {
        "energy_outstanding_cents": DailyBound(
            "energy granted", "cents", int(members * price * multiple) + 1,
            "population.market_size_members, purchases.basket_max_cents or a gift tier's price_cents, "
            "rewards.energy_multiple or a gift tier's energy_multiple"),
        "contribution_total_milli": DailyBound(
            "contribution", "milli-units", int(members * contribution) + 1,
            "population.market_size_members, the largest price, rewards.contribution_unit_price_cents, "
            "gift tiers' contribution_weight, levels' contribution_multiplier, referrals.contribution_share"),
        "promised_cents": DailyBound(
            "energy granted since day 0", "cents", int(members * price * multiple) + 1,
            "population.market_size_members, the largest price, the largest energy multiple"),
        "sales_total_cents": DailyBound(
            "sales", "cents", sales,
            "population.market_size_members, purchases.basket_max_cents or a gift tier's price_cents"),
    }


def problems(scenario: Scenario, origin: str, bounds: dict[str, DailyBound] | None = None) -> list[str]:
    """One line per running total a day of ``scenario`` could push past ``DAILY_LIMIT``
    (``bounds``: its ``daily_bounds``, when already computed)."""
    return [f"{origin}: {bound.fields}: one day could add {bound.bound:.3e} {bound.unit} of {bound.quantity}, "
            f"more than the 2**62 circsim counts exactly; lower one of them"
            for bound in (bounds or daily_bounds(scenario)).values() if bound.bound > DAILY_LIMIT]


class ExactRangeError(InputError):
    """A scenario circsim cannot count exactly: a day could add more than 2**62 to a running
    total, or a running total would leave int64 on the next day."""


def bounds_in_range(scenario: Scenario, origin: str) -> dict[str, DailyBound]:
    """The ``daily_bounds`` of ``scenario``, and the platform's cash (which gains at most a
    day's sales, and its interest); raises ``ExactRangeError`` listing ``problems`` if a day
    could add more than ``DAILY_LIMIT`` to a total."""
    bounds = daily_bounds(scenario)
    found = problems(scenario, origin, bounds)
    if found:
        raise ExactRangeError(found)
    sales = bounds["sales_total_cents"]
    cash = DailyBound("cash", "cents", sales.bound, f"{sales.fields}, platform.interest_rate_per_day")
    return {**bounds, "platform_cash_cents": cash}


def check_totals(totals: dict[str, int], bounds: dict[str, DailyBound], day: int,
                 growth_ppb: dict[str, int]) -> None:
    """Raise ``ExactRangeError`` if a running total plus its growth at its daily rate
    (``growth_ppb``, by total's name; a total not named does not compound) plus one more day's bound could pass 2**63 − 1: the run stops on
    this day, before anything wraps."""
    for name, bound in bounds.items():
        total = totals[name]
        if total + total * growth_ppb.get(name, 0) // PPB + bound.bound > INT64_MAX:
            raise ExactRangeError(
                f"day {day}: {bound.quantity} reached {total:.3e} {bound.unit}; one more day could "
                f"pass 2**63 − 1, the largest integer circsim holds exactly (driven by {bound.fields})")
