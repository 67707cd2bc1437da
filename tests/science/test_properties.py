"""Properties that hold for every valid scenario, checked with Hypothesis on whole scenarios
drawn within the bounds of the schema (sim/scenario/params.py), extreme magnitudes included:
baskets and multiples up to their bounds, a contribution unit of one cent, gift-tier weights
and level multipliers up to 10, pool and release shares of 1.0, every release rule, events.
Populations are small (10–300 members) and horizons short (5–40 days), so an example runs in
a fraction of a second.

Each drawn scenario is played phase by phase (``Simulation`` in validate mode, stepped here
as ``Simulation.step`` does, with the engine's own ``invariants.check`` after every phase),
and after every phase the properties the validate mode does not check are checked too:

- the books: the engine's invariants (the ledger sums to zero and agrees with the member
  arrays, ...), every account but the outside world and the platform margin ≥ 0, every
  filed ledger flow > 0;
- nothing negative: no member field, merchant field, running total or daily figure that
  counts or holds money is negative (the platform's own funds may be);
- nobody disappears: the member table never shrinks, ``members_total`` never falls and
  equals the table's length, and the members table of the result has that many rows;
- accrual by the rules: each buyer's energy, contribution and rights grow by exactly what
  docs/MODEL.md §6.5 gives for its price (in unbounded integers), and each upline's
  contribution, cash and team sales by exactly what §7 gives;
- each release rule pays its day's budget (§9): `pool` and `emission` pay at most each
  holder's exact share B × c_i / U (capped by its energy) and at least the floor of the
  capped shares' sum less one cent per holder, so with nobody capped released ≥ B − holders,
  where B = pool × release share // 10⁶ (`pool`) or the emission (`emission`);
  `fixed_rate` pays each member exactly min(energy, max(energy × ρ // 10⁶, 1));
  `linear` exactly min(energy, rights × r); `queue` exactly min(pool, energy of the live
  entries), first in first out with at most one member paid in part; the honorary pool
  pays its budget the same way as `pool`, by level weight (§10);
- the thread count: the same scenario on 1 and on 2 numba threads gives identical daily,
  members and ledger tables.
"""

import math
import os

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import sim
from sim.core.accounts import Account
from sim.core.units import MILLI_UNITS_PER_UNIT, PPB, PPM, QUEUE_NONE, STATUS_ACTIVE
from sim.engine import invariants
from sim.engine.phases import PHASES
from sim.engine.simulation import Simulation, set_threads
from sim.results.tables import DAILY_COLUMNS
from sim.scenario.loading import load_scenario, replace
from sim.scenario.params import (
    GiftPackageParams,
    GiftTier,
    LevelParams,
    MerchantParams,
    PopulationParams,
    PurchaseParams,
    ReferralParams,
    RewardParams,
    RunParams,
    SentimentParams,
    WithdrawalParams,
)
from tests.helpers import BASELINE

RULES = ("pool", "emission", "fixed_rate", "linear", "queue")
BASE = load_scenario(BASELINE)


def declared(model, field: str, kind: str, default=None):
    """A bound declared on a field of the schema (``le``, ``lt`` or ``max_length``), so
    that the strategies follow the schema as it is."""
    for constraint in model.model_fields[field].metadata:
        if getattr(constraint, kind, None) is not None:
            return getattr(constraint, kind)
    return default


MAX_BASKET_CENTS = declared(PurchaseParams, "basket_max_cents", "le")
MAX_CENTS = declared(RewardParams, "contribution_unit_price_cents", "le")
MAX_DAYS = declared(RunParams, "days", "le")
MAX_GENERATIONS = declared(ReferralParams, "generations", "le")
MAX_GIFT_TIERS = declared(GiftPackageParams, "tiers", "max_length")
MAX_LEVELS = declared(LevelParams, "tiers", "max_length")
MAX_MEMBERS = declared(PopulationParams, "initial_members", "le")
MAX_MERCHANTS = declared(MerchantParams, "initial_merchants", "le")
MAX_WEIGHT = declared(GiftTier, "choice_weight", "le", default=1e300)
"""A relative weight's bound (any finite float where the schema declares none)."""

SHRINK = bool(os.environ.get("CIRCSIM_SHRINK"))
PROPERTIES = settings(deadline=None, derandomize=True, database=None, print_blob=False,
                      phases=tuple(Phase) if SHRINK else (Phase.explicit, Phase.reuse, Phase.generate),
                      suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
"""Deterministic in CI (the same examples every run), no example database on disk, no
deadline (a first call may load numba's cache). A failure is reported as drawn, at once;
``CIRCSIM_SHRINK=1`` makes Hypothesis shrink it to a minimal example (minutes)."""

# ---------------------------------------------------------------------------------------
# Strategies: every field within its declared bound, extremes drawn often.


def extreme_int(low: int, high: int):
    """A whole number in [low, high], its two ends often."""
    return st.one_of(st.sampled_from((low, high)), st.integers(low, high))


def small_or_any_int(low: int, high: int, small: int):
    """Mostly small values (so that thresholds are reached in a short run), and any up to the bound."""
    return st.one_of(st.integers(low, min(small, high)), extreme_int(low, high))


def extreme_float(low: float, high: float, exclude_low: bool = False):
    """A float in [low, high] (or (low, high]), the upper end often."""
    return st.one_of(st.just(high), st.floats(low, high, exclude_min=exclude_low))


def share():
    return st.floats(0.0, 1.0)


SMALLEST_SHARE = declared(MerchantParams, "concession_share", "ge")
"""The smallest share that must be above 0 (a smaller one would round to 0 ppm)."""
LARGEST_FEE = declared(WithdrawalParams, "fee_share", "le")
SMALLEST_REFERENCE_YIELD = declared(SentimentParams, "reference_yield_per_day", "ge")


def positive_share():
    return st.one_of(st.just(SMALLEST_SHARE), extreme_float(SMALLEST_SHARE, 1.0))


def fraction():
    """How much of what room is left a field takes: all of it often."""
    return st.one_of(st.just(1.0), st.just(0.0), st.floats(0.0, 1.0))


def at_bound(extreme: bool, strategy, bound):
    """In an extreme scenario the bound itself, otherwise ``strategy``."""
    return st.just(bound) if extreme else strategy


def level_tiers(extreme: bool):
    return st.lists(st.fixed_dictionaries({
        "name": st.text(max_size=40),
        "min_lifetime_contribution_units": st.integers(0, 50) if extreme else small_or_any_int(0, MAX_CENTS, 50),
        "min_direct_referrals": st.integers(0, 3) if extreme else small_or_any_int(0, MAX_MEMBERS, 3),
        "min_team_sales_cents": st.just(0) if extreme else small_or_any_int(0, MAX_CENTS, 100_000),
        "honorary_weight": at_bound(extreme, extreme_float(0.0, 1000.0), 1000.0),
        "contribution_multiplier": at_bound(extreme, extreme_float(0.0, 10.0), 10.0),
        "referral_generations": st.integers(0, MAX_GENERATIONS),
    }), max_size=MAX_LEVELS)


def gift_tiers(levels: int, extreme: bool):
    return st.lists(st.fixed_dictionaries({
        "price_cents": at_bound(extreme, extreme_int(1, MAX_BASKET_CENTS), MAX_BASKET_CENTS),
        "energy_multiple": at_bound(extreme, extreme_float(0.0, 100.0), 100.0),
        "contribution_weight": at_bound(extreme, extreme_float(0.0, 10.0), 10.0),
        "level_granted": st.integers(0, levels),
        "choice_weight": extreme_float(0.0, MAX_WEIGHT, exclude_low=True),
    }), max_size=MAX_GIFT_TIERS)


def event_changes(members: int):
    """Fields an event may change that no check across fields involves (so every day's
    scenario stays valid), the release rule included."""
    return st.dictionaries(st.sampled_from([
        "purchases.purchase_probability_per_day", "population.bass_innovation_per_day",
        "population.bass_imitation_per_day", "withdrawals.fee_share", "release.pool_release_share_per_day",
        "rewards.energy_multiple", "release.rule", "population.market_size_members",
        "withdrawals.withdrawal_probability_per_day",
    ]), st.none(), max_size=4).flatmap(lambda keys: st.fixed_dictionaries({key: {
        "purchases.purchase_probability_per_day": share(),
        "population.bass_innovation_per_day": share(),
        "population.bass_imitation_per_day": share(),
        "withdrawals.fee_share": st.floats(0.0, LARGEST_FEE),
        "release.pool_release_share_per_day": positive_share(),
        "rewards.energy_multiple": extreme_float(0.0, 100.0),
        "release.rule": st.sampled_from(RULES),
        "population.market_size_members": st.integers(members, members + 300),
        "withdrawals.withdrawal_probability_per_day": share(),
    }[key] for key in keys}))


@st.composite
def scenario_settings(draw, rule=None):
    """The dotted settings of a whole scenario (every section), valid by construction. In an
    *extreme* scenario every magnitude is at its bound (baskets, multiples, weights, level
    multipliers, shares, a one-cent contribution unit) and levels are easy to reach."""
    s = {}
    extreme = draw(st.booleans())
    members = draw(st.integers(10, 300))
    days = draw(st.integers(5, 40))
    s["run.days"] = days
    s["run.seed"] = draw(st.integers(0, 2**63 - 1))
    s["run.stop_on_collapse"] = draw(st.booleans())
    s["population.initial_members"] = members
    s["population.market_size_members"] = members + draw(st.integers(0, 300))
    s["population.bass_innovation_per_day"] = draw(share())
    s["population.bass_imitation_per_day"] = draw(share())
    s["population.churn_probability_per_day"] = draw(st.one_of(st.floats(0.0, 0.05), share()))

    # merchants; the earmarked shares must fit in the smallest concession
    options = draw(st.one_of(st.just([]), st.lists(positive_share(), min_size=1, max_size=4)))
    s["merchants.concession_options"] = options
    s["merchants.concession_option_weights"] = draw(st.lists(
        extreme_float(0.0, MAX_WEIGHT, exclude_low=True), min_size=len(options), max_size=len(options)))
    s["merchants.concession_share"] = draw(at_bound(extreme, positive_share(), 1.0))
    s["merchants.initial_merchants"] = draw(st.one_of(st.integers(1, 20), extreme_int(1, MAX_MERCHANTS)))
    s["merchants.promotion_elasticity"] = draw(extreme_float(0.0, 10.0))
    s["merchants.members_per_merchant"] = draw(st.one_of(st.just(0), small_or_any_int(0, MAX_MEMBERS, 50)))
    s["merchants.members_served_per_merchant"] = draw(st.one_of(st.just(0), small_or_any_int(0, MAX_MEMBERS, 50)))
    s["merchants.max_new_merchants_per_day"] = draw(small_or_any_int(0, MAX_MERCHANTS, 10))
    s["merchants.min_sales_cents_per_day"] = draw(st.one_of(st.just(0), small_or_any_int(0, MAX_CENTS, 10_000)))
    s["merchants.sales_window_days"] = draw(small_or_any_int(1, MAX_DAYS, 10))
    s["merchants.unpaid_patience_days"] = draw(small_or_any_int(1, MAX_DAYS, 10))
    s["merchants.unpaid_exit_probability_per_day"] = draw(share())
    concession = min(options or [s["merchants.concession_share"]])

    s["purchases.purchase_probability_per_day"] = draw(at_bound(extreme, share(), 1.0))
    basket_max = draw(at_bound(extreme, extreme_int(1, MAX_BASKET_CENTS), MAX_BASKET_CENTS))
    s["purchases.basket_max_cents"] = basket_max
    s["purchases.basket_median_cents"] = draw(at_bound(extreme, extreme_int(1, basket_max), basket_max))
    s["purchases.basket_sigma"] = draw(extreme_float(0.0, 3.0))
    s["purchases.repurchase_max_share_of_price"] = draw(share())
    s["purchases.goods_value_ratio"] = draw(extreme_float(0.0, 10.0))

    s["rewards.energy_multiple"] = draw(at_bound(extreme, extreme_float(0.0, 100.0), 100.0))
    s["rewards.contribution_unit_price_cents"] = draw(at_bound(extreme, extreme_int(1, MAX_CENTS), 1))

    s["release.rule"] = rule or draw(st.sampled_from(RULES))
    pool_share = concession * draw(fraction())
    s["release.dividend_pool_share_of_sales"] = pool_share
    s["release.pool_release_share_per_day"] = draw(at_bound(extreme, positive_share(), 1.0))
    s["release.emission_cents_per_day"] = draw(at_bound(extreme, extreme_int(0, MAX_CENTS), MAX_CENTS))
    s["release.fixed_rate_per_day"] = draw(at_bound(extreme, share(), 1.0))
    s["release.right_price_cents"] = draw(at_bound(extreme, extreme_int(1, MAX_BASKET_CENTS), 1))
    s["release.right_payment_cents_per_day"] = draw(at_bound(extreme, extreme_int(0, MAX_BASKET_CENTS),
                                                             MAX_BASKET_CENTS))

    honorary_share = max(concession - pool_share, 0.0) * draw(fraction())
    s["honorary.pool_share_of_sales"] = honorary_share
    s["honorary.release_share_per_day"] = draw(at_bound(extreme, positive_share(), 1.0))

    generations = draw(st.integers(0, MAX_GENERATIONS))
    decay = draw(share())
    s["referrals.generations"] = generations
    s["referrals.decay_per_generation"] = decay
    s["referrals.contribution_share"] = draw(at_bound(extreme, extreme_float(0.0, 10.0), 10.0))
    s["referrals.preferential_share"] = draw(share())
    weights = sum(decay**g for g in range(generations))
    room = max(concession - pool_share - honorary_share, 0.0)
    s["referrals.cash_reward_share_of_sales"] = (min(1.0, room / weights * draw(fraction())) if weights > 0
                                                 else draw(share()))

    levels = draw(level_tiers(extreme))
    s["levels.tiers"] = levels
    s["levels.base_referral_generations"] = draw(st.integers(0, MAX_GENERATIONS))
    tiers = draw(gift_tiers(len(levels), extreme))
    s["gift_packages.tiers"] = tiers
    s["gift_packages.share_of_purchases"] = draw(share()) if tiers else 0.0

    s["sentiment.memory_days"] = draw(small_or_any_int(1, MAX_DAYS, 30))
    s["sentiment.reference_yield_per_day"] = draw(st.one_of(st.just(SMALLEST_REFERENCE_YIELD),
                                                            st.floats(SMALLEST_REFERENCE_YIELD, 1.0)))
    for field in ("attractiveness_yield_sensitivity", "attractiveness_failure_sensitivity", "max_attractiveness",
                  "churn_yield_sensitivity", "contagion_withdrawal_sensitivity"):
        s[f"sentiment.{field}"] = draw(extreme_float(0.0, 100.0))
    s["sentiment.contagion_churn_sensitivity"] = draw(share())

    s["withdrawals.withdrawal_probability_per_day"] = draw(share())
    s["withdrawals.withdrawal_share_of_balance"] = draw(share())
    s["withdrawals.min_withdrawal_cents"] = draw(small_or_any_int(1, MAX_CENTS, 5_000))
    s["withdrawals.fee_share"] = draw(st.one_of(st.just(LARGEST_FEE), st.floats(0.0, LARGEST_FEE)))
    s["withdrawals.payment_order"] = draw(st.sampled_from(["fifo", "pro_rata"]))
    s["withdrawals.insolvency_grace_days"] = draw(small_or_any_int(1, MAX_DAYS, 10))

    s["platform.initial_cash_cents"] = draw(at_bound(extreme, extreme_int(0, MAX_CENTS), MAX_CENTS))
    s["platform.fixed_cost_cents_per_day"] = draw(st.one_of(st.just(0), extreme_int(0, MAX_CENTS)))
    s["platform.variable_cost_share_of_sales"] = draw(share())

    event_days = sorted(draw(st.lists(st.integers(0, days - 1), max_size=2)))
    s["events"] = [{"day": day, "set": draw(event_changes(members)), "merchant_exodus_share": draw(share())}
                   for day in event_days]
    return s


def scenario_of(settings_: dict):
    return replace(BASE, settings_)


# ---------------------------------------------------------------------------------------
# Playing a scenario phase by phase and checking what holds after each phase.

MEMBER_FIELDS = ("balance_cents", "energy_cents", "contribution_milli", "queued_cents", "new_money_cents",
                 "goods_cents", "withdrawn_cents", "level", "team_sales_cents", "rights", "queue_position",
                 "status", "referrer", "direct_referrals")
NEVER_NEGATIVE = ("balance_cents", "energy_cents", "contribution_milli", "queued_cents", "new_money_cents",
                  "goods_cents", "withdrawn_cents", "level", "team_sales_cents", "rights", "direct_referrals")
MAY_BE_NEGATIVE_COLUMNS = ("platform_own_funds_cents",)
ACCOUNTS_THAT_MAY_BE_NEGATIVE = (Account.OUTSIDE_WORLD, Account.PLATFORM_MARGIN)


def exact(values: np.ndarray) -> list[int]:
    """Array values as Python integers (unbounded: no product of them overflows)."""
    return [int(v) for v in values]


class Snapshot:
    """The member arrays, the ledger and the counters just before a phase."""

    def __init__(self, simulation: Simulation):
        members = simulation.members
        self.count = members.count
        self.arrays = {field: members.view(field).copy() for field in MEMBER_FIELDS}
        self.accounts = list(simulation.ledger.balances)

    def delta(self, simulation: Simulation, field: str) -> list[int]:
        """Each earlier member's change of ``field`` across the phase, in Python integers."""
        now = exact(simulation.members.view(field)[: self.count])
        return [after - before for after, before in zip(now, exact(self.arrays[field]))]


class Checker:
    """Plays a scenario phase by phase and records every broken property by family."""

    FAMILIES = ("books", "negative", "members", "accrual", "release")

    def __init__(self, scenario):
        self.found: dict[str, list[str]] = {family: [] for family in self.FAMILIES}
        self.sim = Simulation(scenario, validate=True)
        self.day_purchases: dict[int, tuple[int, int]] = {}  # buyer: (price, contribution earned)
        self.where = ""

    def fail(self, family: str, message: str) -> None:
        if len(self.found[family]) < 5:
            self.found[family].append(f"day {self.sim.day}, after {self.where}: {message}")

    def play(self):
        simulation = self.sim
        members_seen = simulation.members.count
        while not simulation.finished:
            simulation.today = {}
            self.day_purchases = {}
            for name, phase in PHASES:
                self.where = name
                before = Snapshot(simulation)
                phase(simulation)
                try:
                    invariants.check(simulation, name)  # what validate mode checks after every phase
                except invariants.InvariantError as error:
                    self.fail("books", str(error))
                self.check_books()
                self.check_nothing_negative()
                if simulation.members.count < members_seen:
                    self.fail("members", f"the member table shrank from {members_seen} to {simulation.members.count}")
                members_seen = simulation.members.count
                getattr(self, f"check_{name}", lambda _: None)(before)
            simulation.day += 1
        return simulation.result(threads=1, wall_seconds=0.0)

    # -- after every phase

    def check_books(self):
        ledger = self.sim.ledger
        for account in Account:
            if account not in ACCOUNTS_THAT_MAY_BE_NEGATIVE and ledger.balance(account) < 0:
                self.fail("books", f"account {account.name.lower()} holds {ledger.balance(account)} cents")

    def check_nothing_negative(self):
        simulation = self.sim
        members = simulation.members
        for field in NEVER_NEGATIVE:
            values = members.view(field)
            if values.size and values.min() < 0:
                self.fail("negative", f"member {int(values.argmin())} has {field} = {int(values.min())}")
        for field in ("sales_cents", "recent_sales_cents"):
            values = simulation.merchants.view(field)
            if values.size and values.min() < 0:
                self.fail("negative", f"merchant {int(values.argmin())} has {field} = {int(values.min())}")
        totals = simulation.totals
        for field, value in vars(totals).items():
            if isinstance(value, np.ndarray):
                if value.size and value.min() < 0:
                    self.fail("negative", f"running total {field} has {int(value.min())}")
            elif isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
                self.fail("negative", f"running total {field} = {value}")
        for column, value in simulation.today.items():
            if column not in MAY_BE_NEGATIVE_COLUMNS and not value >= 0:  # NaN fails too
                self.fail("negative", f"daily figure {column} = {value}")

    # -- after one phase (its name after check_)

    def check_purchases(self, before: Snapshot):
        """docs/MODEL.md §6.3–§6.5 for each buyer, in unbounded integers."""
        simulation, rules = self.sim, self.sim.rules
        members = simulation.members
        price = before.delta(simulation, "goods_cents")
        energy = before.delta(simulation, "energy_cents")
        contribution = before.delta(simulation, "contribution_milli")
        rights = before.delta(simulation, "rights")
        new_money = before.delta(simulation, "new_money_cents")
        balance = before.delta(simulation, "balance_cents")
        level_before, level_after = exact(before.arrays["level"]), exact(members.view("level"))
        table = set(exact(rules.price_table))
        tier_price, tier_level = exact(rules.tier_price_cents), exact(rules.tier_level)
        tier_multiple, tier_weight = exact(rules.tier_multiple_ppm), exact(rules.tier_contribution_ppm)
        level_multiplier = exact(rules.level_contribution_ppm)
        unit_price = rules.contribution_unit_price_cents
        linear = rules.release_rule == "linear"
        buyers = [i for i in range(before.count) if price[i] != 0]
        if len(buyers) != simulation.today["purchases"]:
            self.fail("accrual", f"{len(buyers)} members' goods grew but purchases = {simulation.today['purchases']}")
        granted = 0
        for i in buyers:
            p = price[i]
            if new_money[i] - balance[i] != p or -balance[i] > p * rules.repurchase_max_ppm // PPM:
                self.fail("accrual", f"member {i} paid {new_money[i]} new and {-balance[i]} from its balance "
                                     f"for a price of {p}")
            candidates = [0] if rules.gift_probability < 1 and p in table else []
            candidates += [k for k in range(1, len(tier_price)) if rules.gift_probability > 0 and tier_price[k] == p]
            expected = []
            for tier in candidates:
                level = max(level_before[i], tier_level[tier])
                units = (p * MILLI_UNITS_PER_UNIT // unit_price) * tier_weight[tier] // PPM
                expected.append((level, p * tier_multiple[tier] // PPM, units * level_multiplier[level] // PPM,
                                 p // rules.right_price_cents if linear else 0))
            got = (level_after[i], energy[i], contribution[i], rights[i])
            if got not in expected:
                self.fail("accrual", f"member {i} bought for {p} cents and got (level, energy, contribution, "
                                     f"rights) = {got}; by the rules one of {expected}")
            granted += energy[i]
            self.day_purchases[i] = (p, contribution[i])
        if granted != simulation.today["energy_granted_cents"]:
            self.fail("accrual", f"buyers' energy grew by {granted} but energy_granted_cents = "
                                 f"{simulation.today['energy_granted_cents']}")

    def check_referrals(self, before: Snapshot):
        """docs/MODEL.md §7: each buyer's uplines, in unbounded integers."""
        simulation, rules = self.sim, self.sim.rules
        members = simulation.members
        expected = {"contribution_milli": {}, "balance_cents": {}, "team_sales_cents": {}}
        if rules.referral_generations > 0:
            referrer, status, level = exact(members.view("referrer")), exact(members.view("status")), exact(
                members.view("level"))
            earns = exact(rules.level_generations)
            shares = exact(rules.referral_contribution_ppm)
            cash = exact(rules.referral_cash_ppm)
            for buyer, (p, c) in sorted(self.day_purchases.items()):
                upline = referrer[buyer]
                for generation in range(rules.referral_generations):
                    if upline < 0:
                        break
                    if status[upline] == STATUS_ACTIVE:
                        for field, amount in (("team_sales_cents", p),
                                              ("contribution_milli", c * shares[generation] // PPM),
                                              ("balance_cents", p * cash[generation] // PPM)):
                            if field == "team_sales_cents" or generation < earns[level[upline]]:
                                expected[field][upline] = expected[field].get(upline, 0) + amount
                    upline = referrer[upline]
        for field, credits in expected.items():
            changed = before.delta(simulation, field)
            wrong = [i for i in range(before.count) if changed[i] != credits.get(i, 0)]
            if wrong:
                i = wrong[0]
                self.fail("accrual", f"{len(wrong)} uplines' {field} changed other than by §7, e.g. member {i} "
                                     f"by {changed[i]} instead of {credits.get(i, 0)}")
        for column, field in (("referral_contribution_milli", "contribution_milli"),
                              ("referral_rewards_cents", "balance_cents")):
            if simulation.today[column] != sum(expected[field].values()):
                self.fail("accrual", f"{column} = {simulation.today[column]}, by §7 {sum(expected[field].values())}")

    def check_release(self, before: Snapshot):
        """docs/MODEL.md §9: what each rule pays of its day's budget."""
        simulation, rules = self.sim, self.sim.rules
        members = simulation.members
        pool = before.accounts[Account.DIVIDEND_POOL]
        energy = exact(before.arrays["energy_cents"])
        units = exact(before.arrays["contribution_milli"])
        paid = before.delta(simulation, "balance_cents")
        energy_after = exact(members.view("energy_cents"))
        released = simulation.today["released_cents"]
        rule = rules.release_rule
        n = before.count
        if any(paid[i] < 0 or paid[i] > energy[i] or energy_after[i] != energy[i] - paid[i] for i in range(n)):
            self.fail("release", "a member was paid less than 0, more than its energy, or not from its energy")
        if sum(paid) != released:
            self.fail("release", f"members were paid {sum(paid)} in all but released_cents = {released}")
        if simulation.today["platform_top_up_cents"] != max(released - pool, 0):
            self.fail("release", f"top-up {simulation.today['platform_top_up_cents']} for a release of {released} "
                                 f"from a pool of {pool}")
        if rule in ("pool", "emission"):
            budget = pool * rules.pool_release_ppb // PPB if rule == "pool" else rules.emission_cents_per_day
            self.check_split(f"rule {rule}", budget, units, energy, paid)
            exits = sum(1 for i in range(n) if units[i] > 0 and energy_after[i] == 0)
        else:
            exits = sum(1 for i in range(n) if energy[i] > 0 and energy_after[i] == 0)
        if rule == "fixed_rate":
            self.check_each_payment(rule, [min(e, max(e * rules.fixed_rate_ppb // PPB, 1)) if e > 0 else 0
                                           for e in energy], paid)
        elif rule == "linear":
            rights = exact(before.arrays["rights"])
            self.check_each_payment(rule, [min(e, r * rules.right_payment_cents_per_day) if r > 0 and e > 0 else 0
                                           for e, r in zip(energy, rights)], paid)
        elif rule == "queue":
            self.check_queue(pool, energy, paid, before)
        if rule in ("pool", "queue") and released > pool:
            self.fail("release", f"rule {rule} released {released} from a pool of {pool}")
        if simulation.today["exits"] != exits:
            self.fail("release", f"exits = {simulation.today['exits']} but {exits} members' energy ran out")

    def check_split(self, what: str, budget: int, units: list[int], energy: list[int], paid: list[int]):
        """A split of ``budget`` by ``units``: each holder gets at most its exact share
        budget × u_i / U (capped by its energy), and one cent at most stays behind per holder:
        paid ≥ floor(Σ min(energy_i, budget × u_i / U)) − holders."""
        total = sum(units)
        holders = [i for i, u in enumerate(units) if u > 0]
        if total == 0 or budget == 0:
            if any(paid):
                self.fail("release", f"{what} paid {sum(paid)} with a budget of {budget} over {total} units")
            return
        owed = [min(energy[i] * total, units[i] * budget) for i in holders]  # × total
        over = [i for i, cap in zip(holders, owed) if paid[i] * total > cap]
        if over:
            i = over[0]
            self.fail("release", f"{what} paid member {i} {paid[i]} cents, more than its share "
                                 f"{budget} × {units[i]} / {total} (energy {energy[i]})")
        least = sum(owed) // total - len(holders)
        if sum(paid) < least:
            self.fail("release", f"{what} paid {sum(paid)} of a budget of {budget} cents over {len(holders)} holders "
                                 f"and {total} units; the holders' shares capped by their energy add up to "
                                 f"{sum(owed) // total}, so at least {least} is due")

    def check_each_payment(self, rule: str, due: list[int], paid: list[int]):
        wrong = [i for i, (d, p) in enumerate(zip(due, paid)) if d != p]
        if wrong:
            i = wrong[0]
            self.fail("release", f"rule {rule} paid {len(wrong)} members other than due, e.g. member {i} "
                                 f"{paid[i]} instead of {due[i]}")

    def check_queue(self, pool: int, energy: list[int], paid: list[int], before: Snapshot):
        """Rule F: the whole pool, first in first out, each member in full before the next."""
        position = exact(before.arrays["queue_position"])
        live = [i for i in range(before.count) if position[i] != QUEUE_NONE and energy[i] > 0]
        due = min(pool, sum(energy[i] for i in live))
        if sum(paid) != due:
            self.fail("release", f"rule queue paid {sum(paid)}; the pool held {pool} and the live entries "
                                 f"{sum(energy[i] for i in live)} of energy, so {due} was due")
        # entrants of the day join at the back, in member index order, after the placed members
        order = sorted(live, key=lambda i: (position[i] < 0, position[i] if position[i] >= 0 else i))
        paid_in_part = [i for i in order if 0 < paid[i] < energy[i]]
        if len(paid_in_part) > 1:
            self.fail("release", f"rule queue paid {len(paid_in_part)} members in part (at most the last one may be)")
        reached = [rank for rank, i in enumerate(order) if paid[i] > 0]
        if reached and reached != list(range(len(reached))):
            self.fail("release", "rule queue paid a member while one before it in the line was not paid")
        if reached and any(paid[order[rank]] != energy[order[rank]] for rank in reached[:-1]):
            self.fail("release", "rule queue paid a member in part before the last one it reached")

    def check_honorary(self, before: Snapshot):
        """docs/MODEL.md §10: the honorary pool's budget split by level weight."""
        simulation, rules = self.sim, self.sim.rules
        members = simulation.members
        budget = before.accounts[Account.HONORARY_POOL] * rules.honorary_release_ppb // PPB
        weights = exact(rules.level_honorary_weight_ppm)
        status, level = exact(members.view("status")), exact(members.view("level"))
        units = [weights[level[i]] if status[i] == STATUS_ACTIVE else 0 for i in range(before.count)]
        paid = before.delta(simulation, "balance_cents")
        if sum(paid) != simulation.today["honorary_paid_cents"]:
            self.fail("release", f"honorary dividends credited {sum(paid)} but honorary_paid_cents = "
                                 f"{simulation.today['honorary_paid_cents']}")
        self.check_split("the honorary pool", budget, units, [math.inf] * before.count, paid)

    def check_record(self, before: Snapshot):
        row = self.sim.rows[-1]
        if row["members_total"] != self.sim.members.count:
            self.fail("members", f"members_total = {row['members_total']} but {self.sim.members.count} joined")
        for column in DAILY_COLUMNS:
            if column not in MAY_BE_NEGATIVE_COLUMNS and not row[column] >= 0:
                self.fail("negative", f"daily column {column} = {row[column]}")


def play_checked(settings_: dict) -> Checker:
    set_threads(1)
    checker = Checker(scenario_of(settings_))
    result = checker.play()
    daily = result.daily
    totals = daily["members_total"].to_numpy()
    if np.any(np.diff(totals) < 0):
        checker.fail("members", f"members_total fell: {totals.tolist()}")
    if len(result.members) != totals[-1]:
        checker.fail("members", f"the members table has {len(result.members)} rows, members_total = {totals[-1]}")
    if not (result.ledger["amount_cents"] > 0).all():
        checker.fail("books", "a filed ledger flow is not positive")
    if not result.summary["ledger_balanced"]:
        checker.fail("books", "the summary says the ledger did not balance")
    return checker


def assert_holds(checker: Checker, *families: str) -> None:
    broken = {family: checker.found[family] for family in families if checker.found[family]}
    assert not broken, "\n".join(f"{family}: {line}" for family, lines in broken.items() for line in lines)


# ---------------------------------------------------------------------------------------
# The properties


@settings(PROPERTIES, max_examples=50)
@given(scenario_settings())
def test_the_books_balance_after_every_phase(settings_):
    assert_holds(play_checked(settings_), "books")


@settings(PROPERTIES, max_examples=50)
@given(scenario_settings())
def test_nothing_is_negative_and_nobody_disappears(settings_):
    assert_holds(play_checked(settings_), "negative", "members")


@settings(PROPERTIES, max_examples=50)
@given(scenario_settings())
def test_purchases_and_referrals_accrue_by_the_rules(settings_):
    assert_holds(play_checked(settings_), "accrual")


@pytest.mark.parametrize("rule", RULES)
@settings(PROPERTIES, max_examples=15)
@given(data=st.data())
def test_each_release_rule_pays_its_days_budget(rule, data):
    assert_holds(play_checked(data.draw(scenario_settings(rule=rule), label="settings")), "release")


@settings(PROPERTIES, max_examples=40)
@given(scenario_settings())
def test_results_do_not_depend_on_the_thread_count(settings_):
    scenario = scenario_of(settings_)
    one, two = (sim.run(scenario, threads=threads, validate=True) for threads in (1, 2))
    pd.testing.assert_frame_equal(one.daily, two.daily, check_exact=True)
    pd.testing.assert_frame_equal(one.members, two.members, check_exact=True)
    pd.testing.assert_frame_equal(one.ledger, two.ledger, check_exact=True)
