"""The mean-field twin: the expected-value dynamics of the engine's rules as an ODE, solved
with scipy's ``solve_ivp``, to set beside an agent-based run (MODEL.md, "Known results").

**State.** Members (joined, active, holding contribution), energy outstanding,
contribution, rights (rule D), the dividend pool, members' balances, the platform's cash,
members' mood (the moving average of the yield), and the cumulative daily flows (sales,
new money, releases, withdrawals, ...), so that each day's flow is a difference of the
solution at two integer days. Time is in days; the ODE's state at time t is the engine's
state at the start of day t, so the engine's row for day t is compared with the twin at
t + 1.

**Rates.** ``day_increments(x)`` = Φ(x) − x is the expected change of the state over one
engine day, each phase in the engine's order (``sim.engine.phases.PHASES``) with every random
choice replaced by its mean:

    arrivals    a = min((p + q·A/M)·(M − N)·attractiveness, M − N);  N += a;  A += a
                (network recruitment over Erdős–Rényi contacts: a = (M − N)·(1 − (1 − λ'k/(M − 1))^A))
    purchases   buyers = π·A;  sales = buyers·E[price];  each per-purchase amount
                (concession, pool share, energy, contribution, rights) is the mean of the
                engine's floored integer amount over the basket price table;
                repurchased = π·E[min(b, cap·price)] over balances b;  D += π·(A − D)
    release     promises grow: E += g·E;
                `pool` pool × release share; `emission` Q; `fixed_rate` ρ·E;
                `linear` r·rights — less what the engine's floors keep back on average
                (½ cent per member paid; ½·C/10⁶ for the split rules' unit value),
                capped by E; rules B, C, D top the pool up
    withdrawals w·s·E[b·1{s·b ≥ min}] over balances; fee kept; paid from cash
    churn       a share c of active members leaves with its energy, contribution, rights
                and balance (asked for, paid net of the fee), and claims the cash-out share
                of its energy, paid from the pool (topped up when short)
    platform    interest i·cash; fixed + variable costs; the operator skims its shares of
                new money and of cash beyond balances;  mood += 2/(memory + 1)·(yield − mood)

where π is the purchase probability, attractiveness, churn and withdrawal probabilities
come from ``sim.behaviour.sentiment`` with the twin's mood (its unpaid share is always 0: the twin
pays every withdrawal).

**Balances.** Repurchases and withdrawals depend on each member's balance, not on the
total (a member spends at most a share of a price from it; a withdrawal needs
s·b ≥ min_withdrawal_cents). The twin closes them by taking the balances of the members in
the dividend (D) as exponentially distributed with mean B/D — the distribution of a
balance that grows steadily and is emptied by purchases at random times. It misses how
unequal contributions are (a few large contributions give a heavier tail than the
exponential), so balances, withdrawals and cash are only approximations (see
``BALANCE_DEPENDENT_STOCKS`` and ``BALANCE_DEPENDENT_FLOWS``); everything else follows
from means alone.

**The day step.** The engine moves in whole days, and a day's phases see each other's
changes (day t's purchases see day t's arrivals). The plain ODE x' = f(x) with
f = Φ − id drifts from the daily map by ½·f′(x)·f(x) a day — up to 1.2 % of cumulative
sales in the baseline's growth phase. With ``day_step_correction`` (the default) the twin
integrates the modified equation of backward error analysis instead,

    x' = f(x) − ½·f′(x)·f(x),

whose flow over one day equals Φ to second order in the daily rates (about 1e-4 from the
daily map iterated over the baseline's year); f′·f is a central difference of f along f.

**What it admits.** Release rules `pool`, `emission`, `fixed_rate`, and `linear` until the
first right could run out (the twin does not follow each right's age); Bass arrivals or
network recruitment over Erdős–Rényi contacts, churn and mood with any sensitivities; fixed and variable costs; events that change
parameters. Not: the `queue` rule (who is paid depends on each member's place in the
line), gift packages, levels, the honorary pool, referrals, several concessions, merchants
that limit purchases or leave, merchant exoduses. ``reasons_not_admitted`` names them.

**Where the twin and the engine part.** The twin pays every withdrawal and lets its cash
go negative; the engine queues what it cannot pay. After the engine's collapse (or as soon
as withdrawals fail, when failures move members through bank-run contagion) the two
describe different platforms. Per-member caps (a member whose share of the release exceeds
its energy, under rule A with α ≥ m) are not in the twin (it caps the total only), nor is
the timing of the pool rule's floors (what a day's fixed-point unit value leaves in the
pool, up to 2.5 % of a day's release at 10 000 000 members, is paid the next day).
"""

import math
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import pandas as pd
from scipy.integrate import solve_ivp

from sim.behaviour import sentiment
from sim.behaviour.network import contact_probability
from sim.core.units import PPB, PPM
from sim.kernels.money_rules import purchase_contribution, rights_bought, share_of
from sim.scenario.compiled import Rules, compile_rules
from sim.scenario.loading import scenario_on_day
from sim.scenario.params import Scenario

STOCKS = (
    "members_total", "members_active", "members_in_dividend", "energy_cents", "contribution_milli",
    "rights", "pool_cents", "balances_cents", "platform_cash_cents", "mood_yield_per_day",
)
FLOWS = (
    "arrivals", "churned", "purchases", "sales_cents", "new_money_cents", "repurchased_cents",
    "concession_cents", "merchant_paid_cents", "pool_inflow_cents", "platform_top_up_cents",
    "energy_granted_cents", "released_cents", "withdrawal_requested_cents", "withdrawn_cents",
    "withdrawal_fees_cents", "operating_costs_cents", "promise_growth_cents", "interest_cents",
    "exit_cashout_cents", "extracted_cents",
)
STATE = STOCKS + FLOWS
"""The ODE's state vector: stocks, then the cumulative daily flows."""

DAILY_STOCKS = {
    "members_total": "members_total",
    "members_active": "members_active",
    "members_in_dividend": "members_in_dividend",
    "pool_balance_cents": "pool_cents",
    "platform_cash_cents": "platform_cash_cents",
    "hard_liabilities_cents": "balances_cents",
    "contingent_liabilities_cents": "energy_cents",
    "contribution_milli": "contribution_milli",
}
"""Twin's daily stock columns (named as in ``sim.results.tables.DAILY_COLUMNS``) and their state."""

AGREEING_STOCKS = ("members_total", "members_active", "members_in_dividend", "contingent_liabilities_cents")
AGREEING_FLOWS = ("purchases", "sales_cents", "new_money_cents", "pool_inflow_cents", "energy_granted_cents",
                  "released_cents")
"""Aggregates that follow from means alone, compared day by day (flows cumulated): they
agree with the engine to its sampling noise. New money is sales less repurchases, which
are a small share of sales (7 % in the baseline), so the balance closure moves it little."""
BALANCE_DEPENDENT_STOCKS = ("hard_liabilities_cents", "platform_cash_cents")
BALANCE_DEPENDENT_FLOWS = ("repurchased_cents", "withdrawn_cents")
"""Aggregates that depend on the distribution of balances (see "Balances" above)."""

RULES_WITH_A_TWIN = ("pool", "emission", "fixed_rate", "linear")
TOPPED_UP_RULES = ("emission", "fixed_rate", "linear")
DERIVATIVE_STEP = 1e-3
"""Central-difference step along f, as a share of one day's increments."""
RELATIVE_TOLERANCE = 1e-9
ABSOLUTE_TOLERANCE = 1e-6


class NotAdmitted(ValueError):
    """A scenario the twin cannot follow; ``reasons`` holds one line per feature."""

    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def linear_rights_last_day(scenario: Scenario) -> float:
    """Days a `linear` right bought alone pays before its energy is used up (right price ×
    multiple / payment per day); the twin follows rule D until then."""
    release = scenario.release
    if release.right_payment_cents_per_day == 0:
        return math.inf
    return release.right_price_cents * scenario.rewards.energy_multiple / release.right_payment_cents_per_day


def _reasons_on_day(scenario: Scenario, days: int) -> list[str]:
    reasons = []
    rule = scenario.release.rule
    if rule not in RULES_WITH_A_TWIN:
        reasons.append(f"release.rule: `{rule}` pays members by their place in the line, which a mean-field "
                       "model does not follow")
    if rule == "linear" and days > linear_rights_last_day(scenario):
        reasons.append(f"run.days: `linear` rights may run out after {linear_rights_last_day(scenario):g} days and "
                       "the twin does not follow each right's age")
    unsupported = (
        (scenario.gift_packages.share_of_purchases > 0, "gift_packages.share_of_purchases", "gift packages"),
        (bool(scenario.levels.tiers), "levels.tiers", "levels"),
        (scenario.honorary.pool_share_of_sales > 0, "honorary.pool_share_of_sales", "the honorary pool"),
        (scenario.referrals.generations > 0, "referrals.generations", "referral credit"),
        (bool(scenario.merchants.concession_options), "merchants.concession_options", "several concessions"),
        (scenario.merchants.members_served_per_merchant > 0, "merchants.members_served_per_merchant",
         "merchants limiting purchases"),
        (scenario.merchants.min_sales_cents_per_day > 0, "merchants.min_sales_cents_per_day", "merchants leaving"),
        (scenario.purchases.deposit_on_joining, "purchases.deposit_on_joining", "the deposits on joining"),
        (scenario.release.first_release_delay_days > 0, "release.first_release_delay_days",
         "grants waiting for their first release"),
        (scenario.platform.abscond_cash_target_cents > 0 or scenario.platform.abscond_arrivals_below_per_day > 0
         or scenario.platform.abscond_coverage_below > 0, "platform.abscond_*", "the operator absconding"),
        (scenario.withdrawals.frozen, "withdrawals.frozen", "a withdrawal freeze (the queue of claims and the "
                                                             "insolvency clock after it)"),
    )
    reasons += [f"{field}: the twin does not follow {feature} (it depends on each member's or merchant's history)"
                for present, field, feature in unsupported if present]
    if scenario.population.arrivals_per_day:
        reasons.append("population.arrivals_per_day: the twin's arrivals are Bass diffusion, not a series")
    population = scenario.population
    if population.recruitment == "network" and population.network != "erdos_renyi":
        reasons.append(f"population.network: the twin's network recruitment is homogeneous mixing, which "
                       f"`{population.network}` (hubs or clustered contacts) is not")
    return reasons


def reasons_not_admitted(scenario: Scenario, days: int | None = None) -> list[str]:
    """Why the twin cannot follow ``scenario`` over ``days`` (default: the scenario's),
    checked on every day an event changes the scenario; empty when it can."""
    days = scenario.run.days if days is None else days
    reasons = []
    for day in sorted({0} | {event.day for event in scenario.events}):
        reasons += _reasons_on_day(scenario_on_day(scenario, day), days)
    reasons += [f"events: the merchant exodus on day {event.day} depends on which merchants leave"
                for event in scenario.events if event.merchant_exodus_share > 0]
    return list(dict.fromkeys(reasons))


@dataclass(frozen=True)
class DayRates:
    """What the twin needs of one stretch of days: the integer rules, the mean of each
    floored per-purchase amount over the basket price table, and the balance thresholds."""

    rules: Rules
    price_cents: float
    concession_cents: float
    pool_inflow_cents: float
    energy_cents: float
    contribution_milli: float
    rights: float
    repurchase_cap_cents: np.ndarray
    """Largest amount each basket of the table takes from a balance."""
    withdrawal_threshold_cents: float
    """A balance b is withdrawn from when share × b reaches the minimum withdrawal (0: no
    withdrawals, the share is 0)."""


def day_rates(rules: Rules) -> DayRates:
    """Per-purchase means and thresholds of ``rules`` (ordinary products, level 0). Each
    per-purchase amount is the engine's own integer rule (``sim.kernels.money_rules``)
    applied to every basket of the price table, then averaged."""
    prices = rules.price_table

    def each_price(rule, *args) -> np.ndarray:
        """``rule`` (a scalar integer rule) applied to every basket of the price table."""
        return np.array([rule(int(price), *args) for price in prices], dtype=np.int64)

    def mean_share(ppm: int) -> float:
        return float(each_price(share_of, ppm).mean())

    units = each_price(purchase_contribution, 0, 0, rules.contribution_unit_price_cents,
                       rules.tier_contribution_ppm, rules.level_contribution_ppm)
    withdrawal_share = rules.withdrawal_share_ppm / PPM
    return DayRates(
        rules=rules,
        price_cents=float(prices.mean()),
        concession_cents=mean_share(int(rules.concession_options_ppm[0])),
        pool_inflow_cents=mean_share(rules.pool_share_ppm),
        energy_cents=mean_share(int(rules.tier_multiple_ppm[0])),
        contribution_milli=float(units.mean()),
        rights=float(each_price(rights_bought, rules.right_price_cents).mean()) if rules.release_rule == "linear"
        else 0.0,
        repurchase_cap_cents=each_price(share_of, rules.repurchase_max_ppm).astype(np.float64),
        withdrawal_threshold_cents=rules.min_withdrawal_cents / withdrawal_share if withdrawal_share > 0 else 0.0,
    )


def expected_share(amount: float, share_ppm: int) -> float:
    """The float statement of ``share_of`` (docs/MODEL.md §2): ``amount × share_ppm / PPM``,
    without the floor. The twin's amounts are expected values, real numbers rather than one
    member's whole cents, so the floor of each share (under a cent) is left out; where such
    floors add up to something, as in the release, the twin counts them apart
    (``_floored_cents``)."""
    return amount * share_ppm / PPM


def expected_withdrawal_fee(gross_cents: float, fee_ppm: int) -> float:
    """The fee kept on an expected ``gross_cents`` of withdrawal payments: the float
    statement of ``withdrawal_fee`` (docs/MODEL.md §11), ``gross × fee_ppm / PPM``. It is a
    float because the gross is a mean-field expectation over many payments, not one
    payment's cents; the engine's floor keeps back under a cent per payment."""
    return expected_share(gross_cents, fee_ppm)


def expected_repurchase_cents(balances: float, holders: float, buy_probability: float, rates: DayRates) -> float:
    """π · Σ E[min(b, cap)] over holders whose balances are exponential with mean B / D:
    π · B · E_price[1 − e^(−cap/mean)]."""
    if balances <= 0 or holders <= 0:
        return 0.0
    mean_balance = balances / holders
    return buy_probability * balances * float(-np.expm1(-rates.repurchase_cap_cents / mean_balance).mean())


def expected_withdrawal_request_cents(balances: float, holders: float, probability: float, rates: DayRates) -> float:
    """w · s · Σ E[b · 1{b ≥ θ}] over exponential balances with mean μ = B / D, θ = min / s:
    w · s · B · (1 + θ/μ) · e^(−θ/μ). With a fixed amount a ≥ min each holder asks for
    E[min(a, b) · 1{b ≥ min}] = (min + μ)·e^(−min/μ) − μ·e^(−a/μ) (nothing when a < min)."""
    amount = rates.rules.withdrawal_amount_cents
    if amount > 0:
        if balances <= 0 or holders <= 0 or amount < rates.rules.min_withdrawal_cents:
            return 0.0
        mean_balance, least = balances / holders, rates.rules.min_withdrawal_cents
        return probability * holders * ((least + mean_balance) * math.exp(-least / mean_balance)
                                        - mean_balance * math.exp(-amount / mean_balance))
    share = rates.rules.withdrawal_share_ppm / PPM
    if balances <= 0 or holders <= 0 or share == 0:
        return 0.0
    mean_balance = balances / holders
    ratio = rates.withdrawal_threshold_cents / mean_balance
    return probability * share * balances * (1.0 + ratio) * math.exp(-ratio)


def network_recruit_share(rules: Rules, active: float, attractiveness: float) -> float:
    """Mean-field share of the non-members recruited in one day over an Erdős–Rényi contact
    graph: each of the A active members is a contact of a given non-member with probability
    k/(M − 1) and recruits it with λ' = λ × attractiveness, independently (homogeneous mixing,
    the graph's correlations ignored), so 1 − (1 − λ'·k/(M − 1))^A ≈ λ'·k·A/M for small
    λ'·k (docs/MODEL.md §5.4; Pastor-Satorras et al. 2015, Rev. Mod. Phys. 87, 925, §IV.A)."""
    per_active = contact_probability(rules, attractiveness) * rules.contacts_per_member / (rules.market_size_members - 1)
    if per_active >= 1.0:
        return 1.0 if active > 0 else 0.0
    return -math.expm1(active * math.log1p(-per_active))


def _arrivals(x: dict, rates: DayRates, mood: sentiment.Mood) -> None:
    rules = rates.rules
    market = rules.market_size_members
    remaining = max(market - x["members_total"], 0.0)
    if rules.recruitment == "network":
        newcomers = remaining * network_recruit_share(rules, x["members_active"], sentiment.attractiveness(mood, rules))
    else:
        hazard = rules.bass_innovation_per_day + rules.bass_imitation_per_day * x["members_active"] / market
        newcomers = min(hazard * remaining * sentiment.attractiveness(mood, rules), remaining)
    x["members_total"] += newcomers
    x["members_active"] += newcomers
    x["arrivals"] += newcomers


def _purchases(x: dict, rates: DayRates) -> None:
    buy_probability = rates.rules.purchase_probability_per_day
    buyers = buy_probability * x["members_active"]
    repurchased = expected_repurchase_cents(x["balances_cents"], x["members_in_dividend"], buy_probability, rates)
    sales = buyers * rates.price_cents
    new_money = sales - repurchased
    concession = buyers * rates.concession_cents
    merchant_share = sales - concession
    pool_inflow = buyers * rates.pool_inflow_cents
    energy = buyers * rates.energy_cents
    x["balances_cents"] -= repurchased
    x["platform_cash_cents"] += new_money - merchant_share
    x["pool_cents"] += pool_inflow
    x["energy_cents"] += energy
    x["contribution_milli"] += buyers * rates.contribution_milli
    x["rights"] += buyers * rates.rights
    x["members_in_dividend"] += buy_probability * (x["members_active"] - x["members_in_dividend"])
    for flow, amount in (("purchases", buyers), ("sales_cents", sales), ("new_money_cents", new_money),
                         ("repurchased_cents", repurchased), ("concession_cents", concession),
                         ("merchant_paid_cents", merchant_share), ("pool_inflow_cents", pool_inflow),
                         ("energy_granted_cents", energy)):
        x[flow] += amount


def _floored_cents(x: dict, rules: Rules) -> float:
    """What the engine's floors keep back of a day's release, on average: half a cent per
    member paid (each payment is floored to a cent). The split rules' fixed-point unit value
    (``sim.core.units.fixed_point_scale``) is fine enough that its own floor is negligible. Rule D
    pays whole cents per right."""
    if rules.release_rule == "linear":
        return 0.0
    return 0.5 * x["members_in_dividend"]


def expected_rate(amount: float, rate_ppb: int) -> float:
    """The float statement of ``rate_of`` (docs/MODEL.md §9.8): ``amount × rate_ppb / PPB``
    (the floor's half cent per member is left out: promises and cash grow by far more)."""
    return amount * rate_ppb / PPB


def _release(x: dict, rates: DayRates) -> float:
    """Promises grow, then the day's release is paid; returns the yield members see
    (released ÷ energy before the release)."""
    rules = rates.rules
    growth = expected_rate(max(x["energy_cents"], 0.0), rules.promise_growth_ppb)
    x["energy_cents"] += growth
    x["promise_growth_cents"] += growth
    energy, pool = x["energy_cents"], x["pool_cents"]
    if rules.release_rule == "pool":
        promised = expected_rate(pool, rules.pool_release_ppb)
    elif rules.release_rule == "emission":
        promised = rules.emission_cents_per_day if x["contribution_milli"] > 0 else 0.0
    elif rules.release_rule == "fixed_rate":
        promised = expected_rate(energy, rules.fixed_rate_ppb)
    else:
        promised = x["rights"] * rules.right_payment_cents_per_day
    released = min(max(promised - _floored_cents(x, rules), 0.0), max(energy, 0.0))
    top_up = max(released - pool, 0.0) if rules.release_rule in TOPPED_UP_RULES else 0.0
    x["pool_cents"] += top_up - released
    x["energy_cents"] -= released
    x["balances_cents"] += released
    x["released_cents"] += released
    x["platform_top_up_cents"] += top_up
    return released / energy if energy > 0 else x["mood_yield_per_day"]


def _pay_out(x: dict, rates: DayRates, requested: float) -> None:
    """Members' balances leave the platform net of the fee (the twin pays every request)."""
    fee = expected_withdrawal_fee(requested, rates.rules.withdrawal_fee_ppm)
    x["balances_cents"] -= requested
    x["platform_cash_cents"] -= requested - fee
    x["withdrawn_cents"] += requested - fee
    x["withdrawal_fees_cents"] += fee


def _withdrawals(x: dict, rates: DayRates, mood: sentiment.Mood) -> None:
    probability = sentiment.withdrawal_probability(mood, rates.rules)
    requested = expected_withdrawal_request_cents(x["balances_cents"], x["members_in_dividend"], probability, rates)
    x["withdrawal_requested_cents"] += requested
    _pay_out(x, rates, requested)


def _churn(x: dict, rates: DayRates, mood: sentiment.Mood) -> None:
    share = sentiment.churn_probability(mood, rates.rules)
    x["churned"] += share * x["members_active"]
    claims = expected_share(share * x["energy_cents"], rates.rules.exit_cashout_ppm)
    top_up = max(claims - x["pool_cents"], 0.0)
    x["pool_cents"] += top_up - claims
    x["platform_top_up_cents"] += top_up
    x["exit_cashout_cents"] += claims
    for stock in ("members_active", "members_in_dividend", "energy_cents", "contribution_milli", "rights"):
        x[stock] *= 1.0 - share
    _pay_out(x, rates, share * x["balances_cents"] + claims)


def _platform(x: dict, rates: DayRates, sales_today: float, new_money_today: float) -> None:
    rules = rates.rules
    interest = expected_rate(x["platform_cash_cents"], rules.interest_ppb)
    x["platform_cash_cents"] += interest
    x["interest_cents"] += interest
    costs = rules.fixed_cost_cents_per_day + expected_share(sales_today, rules.variable_cost_ppm)
    x["platform_cash_cents"] -= costs
    x["operating_costs_cents"] += costs
    surplus = max(x["platform_cash_cents"] - x["balances_cents"], 0.0)
    skim = min(expected_share(new_money_today, rules.skim_new_money_ppm)
               + expected_share(surplus, rules.skim_surplus_ppm), max(x["platform_cash_cents"], 0.0))
    x["platform_cash_cents"] -= skim
    x["extracted_cents"] += skim


def day_increments(state: np.ndarray, rates: DayRates) -> np.ndarray:
    """Φ(x) − x: the expected change of the state over one engine day, phase by phase in
    the engine's order (see the module docstring)."""
    x = dict(zip(STATE, state.tolist()))
    mood = sentiment.Mood(yield_per_day=x["mood_yield_per_day"])
    sales_before, new_money_before = x["sales_cents"], x["new_money_cents"]
    _arrivals(x, rates, mood)
    _purchases(x, rates)
    yield_today = _release(x, rates)
    _withdrawals(x, rates, mood)
    _churn(x, rates, mood)
    _platform(x, rates, x["sales_cents"] - sales_before, x["new_money_cents"] - new_money_before)
    sentiment.remember(mood, rates.rules, yield_today, 0.0)
    x["mood_yield_per_day"] = mood.yield_per_day
    return np.array([x[name] for name in STATE]) - state


def vector_field(state: np.ndarray, rates: DayRates, day_step_correction: bool = True) -> np.ndarray:
    """The twin's x': f(x) = Φ(x) − x, less ½·f′(x)·f(x) with ``day_step_correction``."""
    step = day_increments(state, rates)
    if not day_step_correction:
        return step
    ahead = day_increments(state + DERIVATIVE_STEP * step, rates)
    behind = day_increments(state - DERIVATIVE_STEP * step, rates)
    return step - 0.5 * (ahead - behind) / (2.0 * DERIVATIVE_STEP)


def initial_state(rules: Rules) -> np.ndarray:
    """Day 0 before anything happens: the initial members, the operator's capital, the
    reference yield in members' mood, every flow zero."""
    x = dict.fromkeys(STATE, 0.0)
    x.update(members_total=rules.initial_members, members_active=rules.initial_members,
             platform_cash_cents=rules.initial_cash_cents - rules.launch_cost_cents,
             mood_yield_per_day=sentiment.initial_mood(rules).yield_per_day)
    return np.array([x[name] for name in STATE], dtype=np.float64)


def solve_states(scenario: Scenario, days: int | None = None, day_step_correction: bool = True) -> np.ndarray:
    """The twin's state at t = 0, 1, …, days (rows), integrated stretch by stretch between
    the days events change the scenario. Raises ``NotAdmitted`` for what it cannot follow."""
    days = scenario.run.days if days is None else days
    reasons = reasons_not_admitted(scenario, days)
    if reasons:
        raise NotAdmitted(reasons)
    changes = {event.day for event in scenario.events if 0 < event.day < days}
    state = initial_state(compile_rules(scenario_on_day(scenario, 0)))
    states = [state]
    for start, end in pairwise(sorted({0, days} | changes)):
        rates = day_rates(compile_rules(scenario_on_day(scenario, start)))
        solution = solve_ivp(lambda _, y: vector_field(y, rates, day_step_correction), (start, end), state,
                             t_eval=np.arange(start + 1, end + 1), rtol=RELATIVE_TOLERANCE, atol=ABSOLUTE_TOLERANCE)
        if not solution.success:
            raise RuntimeError(f"the twin's ODE failed between days {start} and {end}: {solution.message}")
        states.extend(solution.y.T)
        state = solution.y[:, -1]
    return np.array(states)


def solve(scenario: Scenario, days: int | None = None, day_step_correction: bool = True) -> pd.DataFrame:
    """The twin's daily frame: one row per engine day (row t is the twin at t + 1), stocks
    and flows named as in ``sim.results.tables.DAILY_COLUMNS`` (plus ``contribution_milli``)."""
    states = solve_states(scenario, days, day_step_correction)
    column = {name: states[:, k] for k, name in enumerate(STATE)}
    frame = pd.DataFrame({"day": np.arange(len(states) - 1)})
    for daily, stock in DAILY_STOCKS.items():
        frame[daily] = column[stock][1:]
    for flow in FLOWS:
        frame[flow] = np.diff(column[flow])
    energy_before_release = (column["energy_cents"][:-1] + frame["energy_granted_cents"].to_numpy()
                             + frame["promise_growth_cents"].to_numpy())
    frame["yield_per_day"] = np.divide(frame["released_cents"].to_numpy(), energy_before_release,
                                       out=np.zeros(len(frame)), where=energy_before_release > 0)
    return frame


def relative_sampling_noise(twin: pd.DataFrame, scenario: Scenario) -> np.ndarray:
    """Relative standard deviation of an engine run's cumulative sales through each day, by
    the twin's expected purchases: purchases are independent draws, each with the spread of
    the basket price table, so sqrt((1 + cv²) / cumulative purchases). The aggregates that
    add up purchases (energy, pool inflow, releases) share it; member counts have less."""
    prices = compile_rules(scenario).price_table
    variation = float(prices.var() / prices.mean() ** 2)
    return np.sqrt((1.0 + variation) / np.cumsum(twin["purchases"].to_numpy()))


def compared_aggregates(stocks=AGREEING_STOCKS, flows=AGREEING_FLOWS) -> list[tuple[str, bool]]:
    """(daily column, whether it is compared as a cumulative sum) for stocks and flows."""
    return [(stock, False) for stock in stocks] + [(flow, True) for flow in flows]


def label(name: str, cumulative: bool) -> str:
    """How an aggregate is named in tables."""
    return name + " (cumulative)" if cumulative else name


def relative_gap(abm: pd.DataFrame, twin: pd.DataFrame, name: str, cumulative: bool) -> np.ndarray:
    """(engine − twin) / |twin| of one daily column, or of its cumulative sum, on every day
    both have (0 where the twin is 0)."""
    days = min(len(abm), len(twin))
    engine = abm[name].to_numpy(dtype=np.float64)[:days]
    expected = twin[name].to_numpy(dtype=np.float64)[:days]
    if cumulative:
        engine, expected = np.cumsum(engine), np.cumsum(expected)
    return np.divide(engine - expected, np.abs(expected), out=np.zeros(days), where=expected != 0)


def agreement(abm: pd.DataFrame, twin: pd.DataFrame, stocks=AGREEING_STOCKS, flows=AGREEING_FLOWS,
              first_day: int = 0, last_day: int | None = None) -> pd.DataFrame:
    """One row per aggregate: the largest |relative gap| over days ``first_day`` …
    ``last_day`` (default: every day both have), the day of it, and the gap on the last day."""
    rows = []
    for name, cumulative in compared_aggregates(stocks, flows):
        gap = relative_gap(abm, twin, name, cumulative)[: None if last_day is None else last_day + 1]
        worst = first_day + int(np.argmax(np.abs(gap[first_day:])))
        rows.append({"aggregate": label(name, cumulative), "max_abs_relative_gap": float(abs(gap[worst])),
                     "day_of_max": worst, "relative_gap_last_day": float(gap[-1])})
    return pd.DataFrame(rows).set_index("aggregate")
