"""Scientific validation: what a referee can compute by hand, run against the engine, and
the page that shows it (`circsim validation` writes docs/validation.md and its figures;
`circsim meanfield RUN_DIR` sets the mean-field twin beside a saved run).

Each section function runs what it needs — engine runs, the mean-field twin
(``sim.science.meanfield``), Artzrouni's ODE (``sim.science.artzrouni``) — and returns ``Check`` rows (what
is checked, its source, what the source says, what was obtained, the accepted range) with
the series its figure draws. The tests in tests/science call the same functions, some at
smaller populations; ``write_page`` calls them at full size.

Days in the closed forms are counted from 1, as docs/MODEL.md §22 counts them (engine day d is day
d + 1); continuous times are days (or years) elapsed.
"""

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy.optimize import brentq

from sim.core.units import PPB, PPM, rate_to_ppb, share_to_ppm
from sim.engine.simulation import run
from sim.report.charts import largest_magnitude, money_scale
from sim.results.files import write_atomic
from sim.results.provenance import git_commit, package_version
from sim.scenario.library import SCENARIO_LIBRARY
from sim.scenario.params import Scenario
from sim.scenario.scaling import resolve
from sim.science import artzrouni, meanfield
from sim.science.artzrouni import PonziModel

SCENARIOS = SCENARIO_LIBRARY
"""The shipped scenario library, so the page is made the same from any folder."""
VALIDATION_SCENARIOS = SCENARIOS / "validation"
TWIN_MEMBERS = 1_000_000
"""Initial members of the baseline the twin is checked on for the page (a market of 10 000 000)."""
PARTING_MEMBERS = 20_000
"""Initial members of the parting check on the page (a market of 200 000)."""
TWIN_TOLERANCE = 0.01
"""Largest relative gap between the engine and the twin for the aggregates that follow from
means, at ``TWIN_MEMBERS`` (``PARTING_MEMBERS`` for the parting checks); smaller
populations widen it by their sampling noise (``sampling_tolerance``)."""
BALANCE_TOLERANCES = {
    "hard_liabilities_cents": 0.10,
    "platform_cash_cents": 0.02,
    "repurchased_cents": 0.10,
    "withdrawn_cents": 0.20,
}
"""Accepted gaps for the aggregates that depend on the distribution of balances (the
twin's exponential closure, see ``sim.science.meanfield``); cash moves little because withdrawals
and repurchases are a few per cent of the money that passes through it. At ``TWIN_MEMBERS``;
smaller populations widen them by their sampling noise (``sampling_tolerance``)."""
NOISE_SIGMAS = 4.0
"""Standard deviations of the extra sampling noise a population smaller than the one a
tolerance was set at adds to it (``sampling_tolerance``)."""
BALANCES_COMPARED_FROM_DAY = 30
"""Balance-dependent aggregates are compared from this day: before it, balances are the
first releases, proportional to each member's first basket (log-normal, not exponential),
and totals are too small for a relative gap to mean much."""
PARTING_DAYS_AFTER = 30
PARTED_GAP = 0.10
FAILURE_DAY_TOLERANCE = 10
"""The twin's cash runs out within this many days of the engine's first unpaid withdrawal:
its withdrawals come from the balance closure, which moves the day by a few days."""
STRICT_YEARS = 0.005
"""Artzrouni's published figures are rounded to two decimals."""
FUND_GAP_TOLERANCE = 1e-3
"""Largest gap (× K) between the engine's cash and the ODE's fund before the engine's first
unpaid withdrawal: the engine's daily steps and cent floors against a continuous fund."""
NATIVE_DAY_TOLERANCE = 2
"""Days between 365·t* (continuous time) and the engine's first unpaid withdrawal when it
plays Artzrouni's model natively: the day's release, interest and withdrawal are one step
each, and the cents are floored."""
QUEUE_SHARE_TOLERANCE = 0.05
"""Relative tolerance on the share of queue entrants paid in full: members who buy again
while they wait make some entries larger than one price (a tenth of entrants here)."""
GROWTH_DAY_TOLERANCE = 0.01
"""Relative tolerance between the engine's day and the continuous-time closed form when
sales grow: daily compounding of growth and the release after the day's sales."""
CONTAGION_OFF = {"sentiment.contagion_withdrawal_sensitivity": 0.0, "sentiment.contagion_churn_sensitivity": 0.0,
                 "sentiment.attractiveness_failure_sensitivity": 0.0}
FIGURE_DPI = 80
"""Resolution of the page's PNG figures: about 50 kB each."""
ONE_THREAD = 1
"""Small populations over hundreds or thousands of days run faster on one numba thread:
starting a parallel kernel costs more than its work."""


@dataclass(frozen=True)
class Check:
    """One validation: ``obtained`` passes when it lies in [``low``, ``high``]; its error is
    measured from ``reference`` (None for a bound). Infinite values mean "never"."""

    name: str
    source: str
    expected: str
    reference: float | None
    obtained: float
    low: float
    high: float
    unit: str = ""

    @property
    def passed(self) -> bool:
        """Whether the obtained value is in the accepted range."""
        return self.low <= self.obtained <= self.high

    @property
    def error(self) -> float | None:
        """Obtained − reference (None for a bound or when either is "never")."""
        if self.reference is None or math.isinf(self.reference) or math.isinf(self.obtained):
            return None
        return self.obtained - self.reference


@dataclass
class Section:
    """A part of the page: its checks, text, and the data its figure draws."""

    title: str
    text: str
    checks: list[Check]
    data: dict = field(default_factory=dict)


def format_value(value: float | None, unit: str) -> str:
    """A value for the page: "never" for infinity, shares in per cent, days and years."""
    if value is None:
        return "—"
    if math.isinf(value):
        return "never" if value > 0 else "−∞"
    if unit == "%":
        return f"{value:.3%}"
    if unit == "day":
        return f"{value:.1f}".removesuffix(".0")
    if unit == "years":
        return f"{value:.3f}"
    return f"{value:.5g}"


def first_day(mask: np.ndarray) -> float:
    """Index of the first true entry, or infinity."""
    hits = np.flatnonzero(mask)
    return float(hits[0]) if hits.size else math.inf


# --- 1. the mean-field twin ----------------------------------------------------------


def sampling_tolerance(base: float, noise: float, members: int, reference_members: int = TWIN_MEMBERS) -> float:
    """Tolerance of a gap between the engine and the twin at ``members`` initial members:
    ``base`` (set at ``reference_members``, the sampling noise there included) at
    ``reference_members`` or more, and below it ``base`` plus ``NOISE_SIGMAS`` times the
    noise the smaller population adds. ``noise`` is the engine's relative sampling noise at
    ``members`` on the first day compared (``meanfield.relative_sampling_noise``, one standard
    deviation; it is largest there and falls day by day). It falls as 1/√members, so at
    ``reference_members`` it is noise·√(members / reference_members), and the tolerance is
    base + NOISE_SIGMAS·noise·(1 − √(members / reference_members)): exactly ``base`` at the
    reference population, wider and wider as ``members`` falls."""
    added = noise * max(0.0, 1.0 - math.sqrt(members / reference_members))
    return base + NOISE_SIGMAS * added


def twin_tolerances(noise: np.ndarray, members: int) -> dict[str, float]:
    """Accepted largest gap of each aggregate ``twin_section`` compares, at ``members``
    initial members: ``TWIN_TOLERANCE`` and ``BALANCE_TOLERANCES`` at ``TWIN_MEMBERS`` and
    above, widened by the sampling noise below (``sampling_tolerance``; ``noise`` is
    ``meanfield.relative_sampling_noise`` of the run's twin, taken on the first day each
    aggregate is compared)."""
    tolerances = {name: sampling_tolerance(TWIN_TOLERANCE, float(noise[0]), members)
                  for name, _ in meanfield.compared_aggregates()}
    balances_from = min(BALANCES_COMPARED_FROM_DAY, len(noise) - 1)
    for name, _ in meanfield.compared_aggregates(meanfield.BALANCE_DEPENDENT_STOCKS,
                                                 meanfield.BALANCE_DEPENDENT_FLOWS):
        tolerances[name] = sampling_tolerance(BALANCE_TOLERANCES[name], float(noise[balances_from]), members)
    return tolerances


def twin_section(path: Path = SCENARIOS / "baseline.toml", members: int = TWIN_MEMBERS) -> Section:
    """The baseline in the engine and in the twin: the aggregates that follow from means
    within ``TWIN_TOLERANCE``, the balance-dependent ones within ``BALANCE_TOLERANCES``,
    both widened by the sampling noise below ``TWIN_MEMBERS`` (``twin_tolerances``)."""
    scenario = resolve(path, members=members)
    engine = run(scenario).daily
    twin = meanfield.solve(scenario)
    plain = meanfield.solve(scenario, day_step_correction=False)
    noise = meanfield.relative_sampling_noise(twin, scenario)
    tolerances = twin_tolerances(noise, members)
    source = "mean-field twin, sim/science/meanfield.py"
    checks = []
    for name, cumulative in meanfield.compared_aggregates():
        gap = np.abs(meanfield.relative_gap(engine, twin, name, cumulative))
        plain_gap = np.abs(meanfield.relative_gap(engine, plain, name, cumulative)).max()
        checks.append(Check(f"{meanfield.label(name, cumulative)}: largest gap to the twin", source,
                            f"0 (without the day-step correction: {plain_gap:.2%})", 0.0, float(gap.max()),
                            0.0, tolerances[name], "%"))
    for name, cumulative in meanfield.compared_aggregates(meanfield.BALANCE_DEPENDENT_STOCKS,
                                                          meanfield.BALANCE_DEPENDENT_FLOWS):
        gap = np.abs(meanfield.relative_gap(engine, twin, name, cumulative))
        checks.append(Check(f"{meanfield.label(name, cumulative)}: largest gap from day {BALANCES_COMPARED_FROM_DAY}",
                            source + " (balance closure)", "0", 0.0, float(gap[BALANCES_COMPARED_FROM_DAY:].max()),
                            0.0, tolerances[name], "%"))
    text = (f"`{path.name}` at {members:,} initial members (market {scenario.population.market_size_members:,}), "
            f"{scenario.run.days} days, seed {scenario.run.seed}, against the twin of the same scenario. Stocks are "
            "compared day by day, flows as cumulative sums; the gap is (engine − twin) / twin. The sampling noise "
            f"of the engine's cumulative sales (one standard deviation) is {noise[0]:.2%} on day 0 and "
            f"{noise[min(BALANCES_COMPARED_FROM_DAY, len(noise) - 1)]:.2%} on day {BALANCES_COMPARED_FROM_DAY}. The "
            "twin's equations, its balance closure and where it stops applying are in the docstring of "
            "`sim/science/meanfield.py`.")
    if members < TWIN_MEMBERS:
        text += (f" The tolerances, set at {TWIN_MEMBERS:,} members, are widened by {NOISE_SIGMAS:g} times the "
                 f"sampling noise that {members:,} members add (`sampling_tolerance` in "
                 "`sim/science/validation_page.py`).")
    return Section("The mean-field twin and the engine", text, checks, {"engine": engine, "twin": twin,
                                                                             "currency": scenario.platform.currency})


def parting_section(path: Path = VALIDATION_SCENARIOS / "fixed_rate_contagion.toml",
                    members: int = PARTING_MEMBERS) -> Section:
    """Where the twin must part from the engine: once withdrawals fail. With contagion the
    engine's members leave; without it they stay (only the money parts). The agreement
    checks' ``TWIN_TOLERANCE`` is widened by the sampling noise below ``PARTING_MEMBERS``."""
    scenario = resolve(path, members=members)
    calm = resolve(scenario, settings=CONTAGION_OFF)
    engine = run(scenario, threads=ONE_THREAD).daily
    engine_calm = run(calm, threads=ONE_THREAD).daily
    twin, twin_calm = meanfield.solve(scenario), meanfield.solve(calm)
    tolerance = sampling_tolerance(TWIN_TOLERANCE, float(meanfield.relative_sampling_noise(twin, scenario)[0]),
                                   members, PARTING_MEMBERS)
    failure_day = first_day(engine["withdrawals_unpaid_cents"].to_numpy() > 0)
    if failure_day + PARTING_DAYS_AFTER >= len(engine):
        raise ValueError(f"{path.name}: withdrawals must fail at least {PARTING_DAYS_AFTER} days before the end")
    failure = int(failure_day)
    twin_broke = first_day(twin["platform_cash_cents"].to_numpy() < 0)
    members_gap = np.abs(meanfield.relative_gap(engine, twin, "members_active", False))
    calm_gap = np.abs(meanfield.relative_gap(engine_calm, twin_calm, "members_active", False))
    after = failure + PARTING_DAYS_AFTER
    source = "sim/science/meanfield.py: the twin pays every withdrawal"
    checks = [
        Check("day the twin's cash runs out vs the engine's first unpaid withdrawal", source,
              f"engine day {failure}", failure, twin_broke, failure - FAILURE_DAY_TOLERANCE,
              failure + FAILURE_DAY_TOLERANCE, "day"),
        Check("active members with contagion, before that day: largest gap", source, "0", 0.0,
              float(members_gap[:failure].max()), 0.0, tolerance, "%"),
        Check(f"active members with contagion, {PARTING_DAYS_AFTER} days after: gap", source,
              f"parted (≥ {PARTED_GAP:.0%})", None, float(members_gap[after]), PARTED_GAP, math.inf, "%"),
        Check("active members without contagion, every day: largest gap", source, "0", 0.0,
              float(calm_gap.max()), 0.0, tolerance, "%"),
    ]
    text = (f"`{path.name}` (rule C with bank-run contagion) at {members:,} initial members, and the same "
            "without contagion. The twin pays every withdrawal; the engine queues what it cannot pay.")
    if members < PARTING_MEMBERS:
        text += (f" The agreement tolerance, set at {PARTING_MEMBERS:,} members, is widened by {NOISE_SIGMAS:g} "
                 f"times the sampling noise that {members:,} members add (`sampling_tolerance`).")
    return Section("Where the twin and the engine part", text, checks,
                   {"engine": engine, "engine_calm": engine_calm, "twin": twin, "twin_calm": twin_calm,
                    "failure": failure, "currency": scenario.platform.currency})


# --- 2. Artzrouni's Ponzi model --------------------------------------------------------


ARTZROUNI = PonziModel(initial_deposit=1.0, promised_rate=0.10, nominal_rate=0.03, withdrawal_rate=0.05)
"""Artzrouni's example (docs/MODEL.md §22.5): K = 1, rp = 0.10, rn = 0.03, rw = 0.05 per year."""
ARTZROUNI_IN_THE_ENGINE = PonziModel(initial_deposit=1.0, promised_rate=0.10, nominal_rate=0.03, withdrawal_rate=0.10)
"""What scenarios/validation/artzrouni_no_deposits.toml plays: rw = 0.10 > rp − rn, a
promised account that shrinks, which the engine can express."""
ARTZROUNI_HORIZON_YEARS = 300.0
PONZI_TAKEN_IN = 10.0
PONZI_YEARS = 0.58
PONZI_LAST_DAY = 0.2
"""Ponzi's scheme in 1920 (M$): 10 taken in over 0.58 years, 0.2 a day on the last day."""


def _deposits(s0: float, ri: float) -> PonziModel:
    return PonziModel(**{**ARTZROUNI.__dict__, "initial_deposits_per_year": s0, "deposit_growth_per_year": ri})


def artzrouni_ode_checks() -> list[Check]:
    """Artzrouni's results on his ODE (sim/science/artzrouni.py)."""
    source = "Artzrouni (2009); docs/MODEL.md §22.5"
    rp, rw, rn = ARTZROUNI.promised_rate, ARTZROUNI.withdrawal_rate, ARTZROUNI.nominal_rate
    no_deposits = artzrouni.solve(ARTZROUNI, 40.0)
    refilling = artzrouni.solve(_deposits(0.001, 0.15), 100.0).empty_intervals()
    matched = artzrouni.solve(_deposits(rw, rp), ARTZROUNI_HORIZON_YEARS)
    short = 0.98 * rw
    matched_short = artzrouni.solve(_deposits(short, rp), ARTZROUNI_HORIZON_YEARS)
    short_years = math.log1p((rp - rw - rn) / (rw - short)) / (rp - rw - rn)
    above = artzrouni.solve(_deposits(0.001, rp + 0.01), ARTZROUNI_HORIZON_YEARS).fund[-1]
    below = artzrouni.solve(_deposits(0.001, rp - 0.01), ARTZROUNI_HORIZON_YEARS).fund[-1]
    level = PonziModel(initial_deposit=1.0, promised_rate=rn, nominal_rate=rn, withdrawal_rate=rw)
    s0, ri = artzrouni.fit_deposits(PONZI_TAKEN_IN, PONZI_YEARS, PONZI_LAST_DAY * artzrouni.DAYS_PER_YEAR)

    def first_emptied(path) -> float:
        return path.emptied[0] if path.emptied else math.inf

    def years(name, expected, obtained, reference=None):
        reference = expected if reference is None else reference
        return Check(name, source, f"{expected:g} years", reference, obtained, reference - STRICT_YEARS,
                     reference + STRICT_YEARS, "years")

    return [
        years("no deposits: the fund is empty at t*", 16.82, first_emptied(no_deposits)),
        years("deposits 0.001·e^(0.15t): empty from", 17.39, refilling[0][0]),
        years("deposits 0.001·e^(0.15t): refilled at", 58.09, refilling[0][1]),
        Check("ri = rp, s0 = rw·K: first empty year", source, "never (survives when s0 ≥ rw·K)", math.inf,
              first_emptied(matched), math.inf, math.inf, "years"),
        years("ri = rp, s0 = 0.98·rw·K: first empty year", round(short_years, 2), first_emptied(matched_short),
              short_years),
        Check(f"ri = rp + 0.01: fund after {ARTZROUNI_HORIZON_YEARS:g} years (× K)", source,
              "positive (ends positive iff ri > rp)", None, float(above), 0.0, math.inf),
        Check(f"ri = rp − 0.01: fund after {ARTZROUNI_HORIZON_YEARS:g} years (× K)", source,
              "negative", None, float(below), -math.inf, 0.0),
        Check("rn = rp, no deposits: first empty year", source, "never (when rn ≥ rp)", math.inf,
              first_emptied(artzrouni.solve(level, ARTZROUNI_HORIZON_YEARS)), math.inf, math.inf, "years"),
        Check("Ponzi 1920: s0 (M$ a year)", source, "1.130", 1.130, s0, 1.130 - 5e-4, 1.130 + 5e-4),
        Check("Ponzi 1920: ri (per year)", source, "7.187", 7.187, ri, 7.187 - 5e-4, 7.187 + 5e-4),
    ]


def engine_against_ode(scenario: Scenario, model: PonziModel) -> tuple[int, np.ndarray, np.ndarray, np.ndarray, int]:
    """Play ``scenario`` on one thread beside ``model``'s ODE: (the engine's first day with an
    unpaid withdrawal, the years at the end of each engine day, the engine's cash and the
    ODE's fund at those times, both × K, and how many days come before that first day)."""
    engine = run(scenario, threads=ONE_THREAD).daily
    shortfall = first_day(engine["withdrawals_unpaid_cents"].to_numpy() > 0)
    years = (engine["day"].to_numpy() + 1) / artzrouni.DAYS_PER_YEAR
    ode = artzrouni.solve(model, float(years[-1]), points=len(years) + 1)
    fund_ode = np.interp(years, ode.years, ode.fund) / model.initial_deposit
    fund_engine = engine["platform_cash_cents"].to_numpy() / model.initial_deposit
    return shortfall, years, fund_engine, fund_ode, int(min(shortfall, len(years)))


def artzrouni_section(path: Path = VALIDATION_SCENARIOS / "artzrouni_no_deposits.toml") -> Section:
    """Artzrouni's ODE results and his model without deposits played by the engine."""
    scenario = resolve(path)
    model = artzrouni.engine_model(scenario)
    nominal = ARTZROUNI_IN_THE_ENGINE
    predicted = artzrouni.engine_first_shortfall_day(scenario)
    shortfall, years, fund_engine, fund_ode, before = engine_against_ode(scenario, model)
    source = "Artzrouni (2009) discounted at rn; sim/science/artzrouni.py"
    checks = artzrouni_ode_checks() + [
        Check("engine, no deposits: first day with an unpaid withdrawal", source,
              f"day ⌊365·t*⌋ = {predicted} (t* = {artzrouni.collapse_years_without_deposits(model):.2f} years at "
              f"the rates the engine holds, {artzrouni.collapse_years_without_deposits(nominal):.2f} at the nominal)",
              predicted, shortfall, predicted - 1, predicted + 1, "day"),
        Check("engine cash vs the ODE's fund before that day: largest gap (× K)", source, "0", 0.0,
              float(np.abs(fund_engine[:before] - fund_ode[:before]).max()), 0.0, FUND_GAP_TOLERANCE),
    ]
    text = (f"His ODE (`sim/science/artzrouni.py`, solve_ivp) for his figures, and `{path.name}`: rp = 0.10, "
            "rn = 0.03, rw = 0.10 per year, deposits on day 0 only, played without interest or a growing promise, i.e. "
            "the model discounted at rn: fixed rate ρ = rw − (rp − rn), promise m = rw/ρ. His headline case "
            "(rw = 0.05 < rp − rn, a growing promised account) is played natively in the next section.")
    return Section("Artzrouni's Ponzi model", text, checks,
                   {"years": years, "fund_engine": fund_engine, "fund_ode": fund_ode,
                    "paths": {"no deposits": artzrouni.solve(ARTZROUNI, 60.0),
                              "deposits 0.001·e^(0.15t)": artzrouni.solve(_deposits(0.001, 0.15), 60.0)}})


def native_model(scenario: Scenario) -> PonziModel:
    """Artzrouni's model that a scenario built like ``artzrouni.toml`` plays natively, from
    the daily rates the engine holds (parts per billion) turned into continuous yearly ones:
    rp = 365·ln(1 + g) (``rewards.promise_growth_rate_per_day``), rn = 365·ln(1 + i)
    (``platform.interest_rate_per_day``), rw = −365·ln(1 − ρ) (``release.fixed_rate_per_day``);
    the deposit K (cents) is every initial member's one basket, all kept by the platform."""

    def yearly(rate_per_day: float) -> float:
        return math.log1p(rate_to_ppb(rate_per_day) / PPB) * artzrouni.DAYS_PER_YEAR

    return PonziModel(
        initial_deposit=scenario.population.initial_members * scenario.purchases.basket_median_cents,
        promised_rate=yearly(scenario.rewards.promise_growth_rate_per_day),
        nominal_rate=yearly(scenario.platform.interest_rate_per_day),
        withdrawal_rate=artzrouni.yearly_rate(rate_to_ppb(scenario.release.fixed_rate_per_day) / PPB))


def artzrouni_native_section(path: Path = VALIDATION_SCENARIOS / "artzrouni.toml", days: int | None = None,
                             settings: dict | None = None) -> Section:
    """Artzrouni's headline case without deposits played natively by the engine (a promise
    that grows, interest on the cash, ``path`` with optional ``days`` and dotted ``settings``):
    its first unpaid withdrawal within ``NATIVE_DAY_TOLERANCE`` days of 365·t*, t* =
    ln[(rp − rn)/rw] / (rp − rn − rw) (Artzrouni 2009; docs/MODEL.md §22.5) at the rates the
    engine holds, and until then its cash (× K) within one day's largest move of the ODE's
    fund S(t): the engine steps a whole day at a time (the day's release, interest and
    withdrawals at once), so it may run up to a day ahead of or behind the continuous fund.
    Raises ``ValueError`` when the model never runs dry (rn ≥ rp)."""
    scenario = resolve(path, days=days, settings=settings)
    model = native_model(scenario)
    collapse_years = artzrouni.collapse_years_without_deposits(model)
    if collapse_years is None:
        raise ValueError(f"{path.name}: rn ≥ rp, the fund never runs dry")
    expected_day = artzrouni.DAYS_PER_YEAR * collapse_years
    shortfall, years, fund_engine, fund_ode, before = engine_against_ode(scenario, model)
    one_day_move = float(np.abs(np.diff(fund_ode[:before + 1])).max())
    source = "Artzrouni (2009); docs/MODEL.md §22.5"
    checks = [
        Check("engine, natively, no deposits: first day with an unpaid withdrawal", source,
              f"365·t* = {expected_day:.1f} (t* = {collapse_years:.2f} years)", expected_day, shortfall,
              expected_day - NATIVE_DAY_TOLERANCE, expected_day + NATIVE_DAY_TOLERANCE, "day"),
        Check("engine cash vs the ODE's fund S(t) before that day: largest gap (× K)", source,
              f"0 (within the fund's largest move in one day, {one_day_move:.2g})", 0.0,
              float(np.abs(fund_engine[:before] - fund_ode[:before]).max()), 0.0, one_day_move),
    ]
    text = (f"`{path.name}`: rp = {model.promised_rate:.2f}, rn = {model.nominal_rate:.2f}, "
            f"rw = {model.withdrawal_rate:.2f} per year (held as daily rates in parts per billion), "
            f"K = {scenario.population.initial_members:,} members × one basket paid in on day 0 and nothing after. "
            "The promise grows at rp, the cash earns rn and members withdraw rw of their promised account; the "
            "fund is empty at t* = ln[(rp − rn)/rw] / (rp − rn − rw).")
    return Section("Artzrouni's Ponzi model, played natively", text, checks,
                   {"years": years, "fund_engine": fund_engine, "fund_ode": fund_ode,
                    "collapse_years": collapse_years, "model": model})


# --- 3. closed forms of docs/MODEL.md §22 ----------------------------------------------------


def fixed_rate_payout_day(income_share: float, promise_share: float, rate_per_day: float) -> float:
    """Days t at which the cumulative payout of rule C overtakes the income with flat sales,
    continuous time: f·t = L·(t − (1 − e^(−ρt))/ρ) (docs/MODEL.md §22.3)."""

    def surplus(t):
        return income_share * t - promise_share * (t + math.expm1(-rate_per_day * t) / rate_per_day)

    return brentq(surplus, 1.0, 1e7)


def growth_threshold_per_day(income_share: float, promise_share: float, rate_per_day: float) -> float:
    """Sales growth rule C needs to stay solvent: ρ(L − f)/f (docs/MODEL.md §22.3)."""
    return rate_per_day * (promise_share - income_share) / income_share


def daily_payout_overtakes_day(income_share, promise_share, rate_per_day, growth_per_day) -> float:
    """Days until rule C's daily payout ρE overtakes the daily income f·S when sales grow as
    e^(gt): E = L·S·(1 − e^(−(g+ρ)t))/(g + ρ), so t = −ln(1 − f(g + ρ)/(ρL)) / (g + ρ);
    never when g ≥ ρ(L − f)/f."""
    ratio = income_share * (growth_per_day + rate_per_day) / (rate_per_day * promise_share)
    return math.inf if ratio >= 1 else -math.log1p(-ratio) / (growth_per_day + rate_per_day)


def rule_c_shares(scenario: Scenario) -> tuple[float, float, float]:
    """(f, L, ρ) as the engine holds them: income share, promise per sale, daily rate."""
    return (share_to_ppm(scenario.merchants.concession_share) / PPM,
            share_to_ppm(scenario.rewards.energy_multiple) / PPM,
            share_to_ppm(scenario.release.fixed_rate_per_day) / PPM)


def cumulative_overtaking_day(daily: pd.DataFrame) -> float:
    """First day (counted from 1) whose cumulative release exceeds the cumulative income."""
    payout, income = daily["released_cents"].cumsum(), daily["concession_cents"].cumsum()
    return first_day((payout > income).to_numpy()) + 1


def pool_bound_checks(members: int = 5_000, days: int = 200, cases=((0.1, 3.0), (0.2, 5.0))) -> list[Check]:
    """Rule A never honours more than α/m of its promises, and nearly reaches it when the
    whole pool is released daily (what stays is floors: a cent per member at most)."""
    checks = []
    for pool_share, multiple in cases:
        result = run(VALIDATION_SCENARIOS / "pool_bound.toml", members=members, days=days, threads=ONE_THREAD,
                     settings={"release.dividend_pool_share_of_sales": pool_share, "rewards.energy_multiple": multiple})
        bound = pool_share / multiple
        checks.append(Check(f"rule A, α = {pool_share:g}, m = {multiple:g}: promises honoured",
                            "docs/MODEL.md §22.1 (α/m)", f"≤ α/m = {bound:.3%}", bound,
                            result.summary["promises_honoured_share"], 0.99 * bound, bound, "%"))
    return checks


def queue_checks(cases=((1.0, 2.0), (0.5, 2.0), (1.0, 3.0))) -> list[Check]:
    """Rule F once entries stop: p/N of the promises paid, about p/N of the entrants paid in full."""
    checks = []
    for pool_share, multiple in cases:
        result = run(VALIDATION_SCENARIOS / "queue_entries_stop.toml", threads=ONE_THREAD, settings={
            "merchants.concession_share": pool_share, "release.dividend_pool_share_of_sales": pool_share,
            "rewards.energy_multiple": multiple})
        daily = result.daily
        exits = int(daily["exits"].sum())
        entrants = exits + int(daily["members_in_dividend"].iloc[-1])
        share = pool_share / multiple
        label = f"rule F, p = {pool_share:g}, N = {multiple:g}"
        checks += [
            Check(f"{label}: share of promises paid", "docs/MODEL.md §22.2 (p/N)", f"p/N = {share:.3%}", share,
                  result.summary["promises_honoured_share"], share - 1e-6, share, "%"),
            Check(f"{label}: share of entrants paid in full", "docs/MODEL.md §22.2 (about p/N)", f"about {share:.3%}",
                  share,
                  exits / entrants, share * (1 - QUEUE_SHARE_TOLERANCE), share * (1 + QUEUE_SHARE_TOLERANCE), "%"),
        ]
    return checks


def fixed_rate_section() -> Section:
    """Rule C: flat sales run out near day 609; growth must reach ρ(L − f)/f."""
    flat_scenario = resolve(VALIDATION_SCENARIOS / "fixed_rate_flat.toml")
    flat = run(flat_scenario, threads=ONE_THREAD).daily
    income, promise, rate = rule_c_shares(flat_scenario)
    continuous = fixed_rate_payout_day(income, promise, rate)
    threshold = growth_threshold_per_day(income, promise, rate)
    ratios, checks = {}, [
        Check("rule C, flat sales: first day the cumulative payout exceeds the income", "docs/MODEL.md §22.3",
              f"{continuous:.1f} (continuous); 608–611 (daily steps)", continuous,
              cumulative_overtaking_day(flat), 608, 611, "day"),
    ]
    for factor in (0.9, 1.1):
        growth = factor * threshold
        scenario = resolve(VALIDATION_SCENARIOS / "fixed_rate_growth.toml",
                           settings={"population.bass_imitation_per_day": math.expm1(growth)})
        daily = run(scenario, threads=ONE_THREAD).daily
        ratio = (daily["released_cents"] / daily["concession_cents"]).to_numpy()
        ratios[factor] = ratio
        expected = daily_payout_overtakes_day(income, promise, rate, growth)
        name = f"rule C, sales growing at {factor:g} × ρ(L − f)/f = {growth:.4%}/day"
        if math.isinf(expected):
            limit = rate * promise / (income * (growth + rate))
            checks.append(Check(f"{name}: largest daily payout / income", "docs/MODEL.md §22.3",
                                f"below 1 (tends to ρL/(f(g + ρ)) = {limit:.3f})", limit, float(ratio.max()),
                                0.0, 1.0))
        else:
            checks.append(Check(f"{name}: first day the daily payout exceeds the income", "docs/MODEL.md §22.3",
                                f"{expected:.1f} (continuous)", expected, first_day(ratio > 1) + 1,
                                expected * (1 - GROWTH_DAY_TOLERANCE), expected * (1 + GROWTH_DAY_TOLERANCE), "day"))
    text = (f"`fixed_rate_flat.toml` and `fixed_rate_growth.toml`: f = {income:.0%}, L = {promise:.0%}, "
            f"ρ = {rate:.2%}/day, so the growth threshold is ρ(L − f)/f = {threshold:.4%}/day. The engine releases "
            "after the day's sales.")
    return Section("Rule C: fixed rate", text, checks, {"flat": flat, "continuous": continuous, "ratios": ratios,
                                                        "currency": flat_scenario.platform.currency})


def linear_section() -> Section:
    """Rule D with flat sales breaks even on day 160 (payouts n·t(t+1)/2 vs income 80·n·t)."""
    scenario = resolve(VALIDATION_SCENARIOS / "linear_flat.toml")
    daily = run(scenario, threads=ONE_THREAD).daily
    payment = scenario.release.right_payment_cents_per_day
    income = scenario.release.right_price_cents * share_to_ppm(scenario.merchants.concession_share) // PPM
    expected = 2 * income // payment  # t(t+1)/2·r > income·t from t = 2·income/r on
    check = Check("rule D, flat sales: first day the cumulative payout exceeds the income", "docs/MODEL.md §22.4",
                  f"day {expected} (day {expected + 2} if rights paid from the next day)", expected,
                  cumulative_overtaking_day(daily), expected, expected, "day")
    text = (f"`linear_flat.toml`: rights of {scenario.release.right_price_cents // 100} paying "
            f"{payment // 100} a day, {income // 100} of each kept by the platform, one right per member per day; "
            "the engine pays a right from its purchase day.")
    return Section("Rule D: linear rights", text, [check], {"daily": daily, "currency": scenario.platform.currency})


def closed_forms_section() -> Section:
    """Rules A and F (the bounds of docs/MODEL.md §22.1–22.2)."""
    text = ("`pool_bound.toml` (the baseline with baskets of exactly 100) and `queue_entries_stop.toml` (entries "
            "for 100 days, then none; the table's cases change p and N).")
    return Section("Rules A and F: pool and queue", text, pool_bound_checks() + queue_checks())


# --- the page ------------------------------------------------------------------------------


def _plot(ax, x, series: dict, title: str, ylabel: str) -> None:
    for (label, (values, style)) in series.items():
        ax.plot(x, values, style, label=label, linewidth=1.4)
    ax.set_title(title, loc="left", fontsize=10)
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7)


def _legend_below(figure: Figure, columns: int) -> None:
    """One legend for the whole figure, below its panels and outside the data, in place of
    the panels' own: each label once (a quantity keeps one style in every panel)."""
    handles = {}
    for ax in figure.axes:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(label, handle)
        ax.get_legend().remove()
    figure.legend(handles.values(), handles.keys(), loc="outside lower center", ncols=columns, fontsize=8)


def _plot_money(ax, x, series_cents: dict, title: str, currency: str) -> None:
    """``_plot`` of money series given in cents, in the unit of ``currency`` their size needs
    (``sim.report.charts.money_scale``: thousands, millions ... of the scenario's currency)."""
    divisor, unit = money_scale(max(largest_magnitude(values) for values, _ in series_cents.values()), currency)
    _plot(ax, x, {label: (np.asarray(values, dtype=np.float64) / divisor, style)
                  for label, (values, style) in series_cents.items()}, title, unit)


def twin_figure(data: dict) -> Figure:
    """Engine (solid) and twin (dashed) for the baseline; one colour per quantity."""
    engine, twin, currency = data["engine"], data["twin"], data["currency"]
    figure = Figure(figsize=(9, 6), layout="constrained")
    axes = figure.subplots(2, 2).ravel()
    days = engine["day"]
    _plot(axes[0], days, {"members (engine)": (engine["members_total"] / 1e6, "C0-"),
                          "members (twin)": (twin["members_total"] / 1e6, "C0--"),
                          "active (engine)": (engine["members_active"] / 1e6, "C2-"),
                          "active (twin)": (twin["members_active"] / 1e6, "C2--")}, "members", "millions")
    _plot_money(axes[1], days, {"engine": (engine["contingent_liabilities_cents"], "C4-"),
                                "twin": (twin["contingent_liabilities_cents"], "C4--")},
                "energy outstanding (promises)", currency)
    flows = {}
    for index, name in enumerate(("sales_cents", "new_money_cents", "released_cents")):
        quantity = name.removesuffix("_cents").replace("_", " ")
        flows[f"{quantity} (engine)"] = (engine[name].cumsum(), f"C{5 + index}-")
        flows[f"{quantity} (twin)"] = (twin[name].cumsum(), f"C{5 + index}--")
    _plot_money(axes[2], days, flows, "cumulative flows", currency)
    _plot_money(axes[3], days, {"cash (engine)": (engine["platform_cash_cents"], "C0-"),
                                "cash (twin)": (twin["platform_cash_cents"], "C0--"),
                                "balances (engine)": (engine["hard_liabilities_cents"], "C1-"),
                                "balances (twin)": (twin["hard_liabilities_cents"], "C1--")},
                "platform cash and members' balances", currency)
    for ax in axes[2:]:
        ax.set_xlabel("day")
    return figure


def parting_figure(data: dict) -> Figure:
    """Active members and cash, engine and twin, with and without contagion."""
    figure = Figure(figsize=(9, 3.6), layout="constrained")
    left, right = figure.subplots(1, 2)
    days = data["engine"]["day"]
    _plot(left, days, {"engine, contagion": (data["engine"]["members_active"] / 1e3, "-"),
                       "twin, contagion": (data["twin"]["members_active"] / 1e3, "--"),
                       "engine, no contagion": (data["engine_calm"]["members_active"] / 1e3, ":")},
          "active members", "thousands")
    _plot_money(right, days, {"engine": (data["engine"]["platform_cash_cents"], "C0-"),
                              "twin": (data["twin"]["platform_cash_cents"], "C0--")}, "platform cash",
                data["currency"])
    for ax in (left, right):
        ax.axvline(data["failure"], color="#c0392b", linestyle=":", linewidth=1,
                   label=f"engine's first unpaid withdrawal (day {data['failure']})")
        ax.legend(fontsize=7)  # again, with the line just drawn
        ax.set_xlabel("day")
    return figure


def artzrouni_figure(data: dict) -> Figure:
    """Artzrouni's fund (ODE) and the engine's cash against the discounted fund."""
    figure = Figure(figsize=(9, 3.6), layout="constrained")
    left, right = figure.subplots(1, 2)
    _plot(left, data["paths"]["no deposits"].years,
          {name: (path.fund, style) for (name, path), style in zip(data["paths"].items(), ("-", "--"))},
          "ODE: fund S(t), K = 1, rp = 0.10, rn = 0.03, rw = 0.05", "× K")
    left.set_ylim(-2.0, 3.0)
    left.axhline(0.0, color="black", linewidth=0.8)
    _plot(right, data["years"], {"engine cash": (data["fund_engine"], "-"), "ODE (discounted at rn)":
                                 (data["fund_ode"], "--")}, "engine vs ODE: rp = 0.10, rn = 0.03, rw = 0.10", "× K")
    for ax in (left, right):
        ax.set_xlabel("years")
    return figure


def artzrouni_native_figure(data: dict) -> Figure:
    """The engine's cash playing Artzrouni's model natively against the ODE's fund S(t),
    with t* marked."""
    figure = Figure(figsize=(9, 3.4), layout="constrained")
    ax = figure.subplots()
    model = data["model"]
    _plot(ax, data["years"], {"engine cash": (data["fund_engine"], "C0-"),
                              "ODE: fund S(t)": (data["fund_ode"], "C1--")},
          f"engine vs ODE: rp = {model.promised_rate:.2f}, rn = {model.nominal_rate:.2f}, "
          f"rw = {model.withdrawal_rate:.2f}", "× K")
    ax.axhline(0.0, color="black", linewidth=0.8)
    ax.axvline(data["collapse_years"], color="#c0392b", linestyle=":", linewidth=1,
               label=f"t* = {data['collapse_years']:.2f} years")
    ax.set_xlabel("years")
    _legend_below(figure, columns=3)
    return figure


def payouts_figure(fixed: dict, linear: dict) -> Figure:
    """Cumulative payout and income of rules C and D with flat sales, and rule C's daily
    payout / income ratio under growth."""
    figure = Figure(figsize=(9, 3.4), layout="constrained")
    axes = figure.subplots(1, 3)
    for ax, data, daily, title in ((axes[0], fixed, fixed["flat"], "rule C, flat sales"),
                                   (axes[1], linear, linear["daily"], "rule D, flat sales")):
        _plot_money(ax, daily["day"] + 1, {"payout": (daily["released_cents"].cumsum(), "C0-"),
                                           "income": (daily["concession_cents"].cumsum(), "C1--")}, title,
                    data["currency"])
        ax.set_xlabel("day")
    axes[0].axvline(fixed["continuous"], color="#c0392b", linestyle=":", linewidth=1,
                    label=f"rule C's crossing in continuous time (day {fixed['continuous']:.1f})")
    # colours of their own: blue and orange mean payout and income in the other panels
    _plot(axes[2], np.arange(1, len(fixed["ratios"][0.9]) + 1),
          {f"growth {factor:g} × threshold": (ratio, style)
           for (factor, ratio), style in zip(fixed["ratios"].items(), ("C2-", "C3--"))},
          "rule C, growing sales", "daily payout / income")
    axes[2].axhline(1.0, color="black", linewidth=0.8)
    axes[2].set_xlabel("day")
    _legend_below(figure, columns=3)
    return figure


def check_table(checks: list[Check]) -> list[str]:
    """Markdown rows: check, source, expected, obtained, error, accepted, result."""
    lines = ["| check | source | expected | obtained | error | accepted | |", "|---|---|---|---|---|---|---|"]
    for check in checks:
        accepted = f"[{format_value(check.low, check.unit)}, {format_value(check.high, check.unit)}]"
        lines.append(f"| {check.name} | {check.source} | {check.expected} | "
                     f"{format_value(check.obtained, check.unit)} | {format_value(check.error, check.unit)} | "
                     f"{accepted} | {'pass' if check.passed else '**FAIL**'} |")
    return lines


def write_page(out: Path = Path("docs"), twin_members: int = TWIN_MEMBERS) -> tuple[Path, list[Check]]:
    """Run every section and write ``out/validation.md`` and ``out/figures/validation-*.png``
    (each file under a temporary name, then renamed); returns the page and every check.
    The baseline runs at ``twin_members``, the parting check at no more than
    ``PARTING_MEMBERS``."""
    twin = twin_section(members=twin_members)
    parting = parting_section(members=min(PARTING_MEMBERS, twin_members))
    ponzi = artzrouni_section()
    native = artzrouni_native_section()
    fixed = fixed_rate_section()
    linear = linear_section()
    bounds = closed_forms_section()
    sections = [twin, parting, ponzi, native, fixed, linear, bounds]
    figures = {"twin": (twin, twin_figure(twin.data)), "parting": (parting, parting_figure(parting.data)),
               "artzrouni": (ponzi, artzrouni_figure(ponzi.data)),
               "artzrouni-native": (native, artzrouni_native_figure(native.data)),
               "payouts": (fixed, payouts_figure(fixed.data, linear.data))}
    (out / "figures").mkdir(parents=True, exist_ok=True)
    embedded = {}
    for name, (section, figure) in figures.items():
        path = out / "figures" / f"validation-{name}.png"
        write_atomic(path, lambda target, figure=figure: figure.savefig(target, dpi=FIGURE_DPI, format="png"))
        embedded[section.title] = path.relative_to(out).as_posix()
    checks = [check for section in sections for check in section.checks]
    failed = sum(not check.passed for check in checks)
    lines = [
        "# Validation",
        "",
        f"Generated by `circsim validation --members {twin_members}` (circsim {package_version()}, commit "
        f"{git_commit() or 'unknown'}); do not edit by hand. {len(checks)} checks, {failed} failed.",
        "",
        "Each check states its source, what the source says, what the engine (or an ODE) gave, the error "
        "(obtained − expected) and the accepted range, with the reason for the range in "
        "`sim/science/validation_page.py`. "
        "Days in closed forms are counted from 1 (engine day d is day d + 1).",
        "",
    ]
    for section in sections:
        lines += [f"## {section.title}", "", section.text, ""] + check_table(section.checks) + [""]
        if section.title in embedded:
            lines += [f"![{section.title}]({embedded[section.title]})", ""]
    page = out / "validation.md"
    write_atomic(page, lambda target: target.write_text("\n".join(lines)))
    return page, checks


