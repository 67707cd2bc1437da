"""Artzrouni's model of a Ponzi scheme (M. Artzrouni, "The mathematics of Ponzi schemes",
Mathematical Social Sciences 58 (2009) 190–201), as docs/MODEL.md §22.5 states it, and its
counterpart in the engine.

Investors deposit s(t) per year (money units per year). Their *promised account* earns
the promised rate rp and they withdraw rw of it per year; the fund S earns the nominal
rate rn on what it holds:

    P' = (rp − rw)·P + s(t),  P(0) = K          (promised account)
    S' = rn·S + s(t) − rw·P,  S(0) = K          (the fund; W(t) = rw·P(t))

which is docs/MODEL.md §22.5's W(t) = rw·[K·e^((rp−rw)t) + ∫₀ᵗ s(u)·e^((rp−rw)(t−u)) du]. Time is in
years. ``solve`` integrates it with scipy's ``solve_ivp`` and finds when the fund is empty.

**The engine's counterpart** (`scenarios/validation/artzrouni_no_deposits.toml`): members
buy once on day 0 (the deposit K), the platform keeps the whole price (concession and
dividend pool share 1.0), each purchase promises m times its price, the fixed-rate rule
pays ρ a day of what is left, and members withdraw their whole balance every day; no
costs, fees or later purchases. Its withdrawals are W = ρ·m·K·e^(−ρt). The engine has no
interest on cash and no promise that grows, so it is Artzrouni's model in money
discounted at rn (S̃ = S·e^(−rn·t) obeys S̃' = s̃ − rw·P̃ with P̃' = (rp − rn − rw)·P̃):
ρ = rw − (rp − rn) and m = rw / ρ. That needs rw > rp − rn (a promised account that
shrinks); his headline case rp − rn = 0.07 > rw = 0.05 has a growing promised account,
which no engine rule can express, so it is checked on the ODE alone.
"""

import math
from dataclasses import dataclass

import numpy as np
from scipy.integrate import solve_ivp
from scipy.optimize import brentq

from sim.core.units import PPB, PPM, rate_to_ppb, share_to_ppm
from sim.scenario.params import Scenario

DAYS_PER_YEAR = 365
"""One engine year: rates per year r become daily shares 1 − e^(−r/365)."""
RELATIVE_TOLERANCE = 1e-10


@dataclass(frozen=True)
class PonziModel:
    """Artzrouni's parameters; rates per year, money in any one unit."""

    initial_deposit: float
    """K: the fund and the promised account at t = 0."""
    promised_rate: float
    """rp: what the promised account earns per year."""
    nominal_rate: float
    """rn: what the fund really earns per year."""
    withdrawal_rate: float
    """rw: share of the promised account withdrawn per year."""
    initial_deposits_per_year: float = 0.0
    """s0: deposits per year at t = 0 (0: no new deposits)."""
    deposit_growth_per_year: float = 0.0
    """ri: deposits grow as s0·e^(ri·t)."""

    def deposits_per_year(self, years: float) -> float:
        """s(t) = s0·e^(ri·t)."""
        return self.initial_deposits_per_year * math.exp(self.deposit_growth_per_year * years)


@dataclass(frozen=True)
class FundPath:
    """The fund over time: ``years``, ``fund`` (S), ``promised`` (P), and the times the
    fund crosses zero, going down (``emptied``) and coming back (``refilled``)."""

    years: np.ndarray
    fund: np.ndarray
    promised: np.ndarray
    emptied: tuple[float, ...]
    refilled: tuple[float, ...]

    def empty_intervals(self) -> list[tuple[float, float | None]]:
        """(from, to) of every stretch with an empty fund; ``to`` is None when it never refills."""
        ends = list(self.refilled) + [None] * (len(self.emptied) - len(self.refilled))
        return list(zip(self.emptied, ends))


def solve(model: PonziModel, years: float, points: int = 1001) -> FundPath:
    """Integrate the fund and promised account over ``years`` (solve_ivp, events at S = 0)."""

    def rates(t, state):
        fund, promised = state
        deposits = model.deposits_per_year(t)
        return [model.nominal_rate * fund + deposits - model.withdrawal_rate * promised,
                (model.promised_rate - model.withdrawal_rate) * promised + deposits]

    def fund_is_zero(t, state):
        return state[0]

    times = np.linspace(0.0, years, points)
    solution = solve_ivp(rates, (0.0, years), [model.initial_deposit, model.initial_deposit], t_eval=times,
                         events=fund_is_zero, rtol=RELATIVE_TOLERANCE, atol=1e-12 * model.initial_deposit)
    crossings = solution.t_events[0]
    slopes = [rates(t, state)[0] for t, state in zip(crossings, solution.y_events[0])]
    return FundPath(
        years=solution.t, fund=solution.y[0], promised=solution.y[1],
        emptied=tuple(float(t) for t, slope in zip(crossings, slopes) if slope < 0),
        refilled=tuple(float(t) for t, slope in zip(crossings, slopes) if slope > 0),
    )


def collapse_years_without_deposits(model: PonziModel) -> float | None:
    """With s = 0 the fund is empty at t* = ln[(rp − rn)/rw] / (rp − rn − rw) (docs/MODEL.md §22.5);
    never when rn ≥ rp."""
    excess = model.promised_rate - model.nominal_rate
    if excess <= 0:
        return None
    if math.isclose(excess, model.withdrawal_rate):
        return 1.0 / model.withdrawal_rate  # the limit of the formula as rp − rn → rw
    return math.log(excess / model.withdrawal_rate) / (excess - model.withdrawal_rate)


def long_run_deposit_coefficient(model: PonziModel) -> float:
    """Coefficient of e^(ri·t) in S(t) with deposits s0·e^(ri·t), for ri above rn and rp − rw:
    s0·(ri − rp) / ((ri − rp + rw)(ri − rn)). The fund ends positive iff it is positive,
    i.e. iff ri > rp."""
    ri = model.deposit_growth_per_year
    return (model.initial_deposits_per_year * (ri - model.promised_rate)
            / ((ri - model.promised_rate + model.withdrawal_rate) * (ri - model.nominal_rate)))


def fit_deposits(total_taken_in: float, duration_years: float, final_deposits_per_year: float) -> tuple[float, float]:
    """(s0, ri) of deposits s0·e^(ri·t) that take in ``total_taken_in`` over
    ``duration_years`` and run at ``final_deposits_per_year`` at the end: Artzrouni's fit
    to Ponzi's 1920 scheme. Solves s0·(e^(ri·T) − 1)/ri = total with s0·e^(ri·T) = final."""

    def surplus(growth):
        return final_deposits_per_year * -math.expm1(-growth * duration_years) / growth - total_taken_in

    growth = brentq(surplus, 1e-9, 1e3, xtol=1e-12)
    return final_deposits_per_year * math.exp(-growth * duration_years), growth


def deposit_arrivals_per_day(model: PonziModel, deposit: float, days: int) -> list[float]:
    """Newcomers expected on each day 0 … ``days`` − 1 when each deposits ``deposit`` (in
    the unit of K) once on joining and the deposits run at s(t) = s0·e^(ri·t) a year: day d
    brings the deposits of the year fraction [d, d + 1)/365, s0·(e^(ri(d+1)/365) −
    e^(ri·d/365))/ri (s0/365 a day when ri = 0), divided by ``deposit``. Carried over whole
    days (``sim.scenario.series``), the members' deposits through day d are then s's
    integral to its end within one deposit."""
    s0, ri = model.initial_deposits_per_year, model.deposit_growth_per_year
    edges = np.arange(days + 1) / DAYS_PER_YEAR
    cumulative = s0 * edges if ri == 0 else s0 * np.expm1(ri * edges) / ri
    return (np.diff(cumulative) / deposit).tolist()


def daily_share(rate_per_year: float) -> float:
    """The daily share whose compounding over a year equals the continuous rate per year."""
    return -math.expm1(-rate_per_year / DAYS_PER_YEAR)


def yearly_rate(share_per_day: float) -> float:
    """Inverse of ``daily_share``."""
    return -math.log1p(-share_per_day) * DAYS_PER_YEAR


def engine_settings(model: PonziModel) -> dict[str, float]:
    """The fixed rate ρ per day and energy multiple m that play ``model`` without deposits in
    the engine (see the module docstring); needs rw > rp − rn."""
    decay = model.withdrawal_rate - (model.promised_rate - model.nominal_rate)
    if decay <= 0 or model.initial_deposits_per_year != 0:
        raise ValueError("the engine plays Artzrouni's model only without deposits and with rw > rp − rn")
    return {"release.fixed_rate_per_day": daily_share(decay),
            "rewards.energy_multiple": model.withdrawal_rate / decay}


def engine_model(scenario: Scenario) -> PonziModel:
    """The Artzrouni model (discounted at rn, so rn = 0) that an engine scenario built by
    ``engine_settings`` plays, from the rates the engine really holds (parts per million);
    money in cents."""
    decay = yearly_rate(rate_to_ppb(scenario.release.fixed_rate_per_day) / PPB)
    multiple = share_to_ppm(scenario.rewards.energy_multiple) / PPM
    deposit = scenario.population.initial_members * scenario.purchases.basket_median_cents
    return PonziModel(initial_deposit=deposit, promised_rate=(multiple - 1) * decay, nominal_rate=0.0,
                      withdrawal_rate=multiple * decay)


def engine_first_shortfall_day(scenario: Scenario) -> int | None:
    """The first engine day whose withdrawals the fund cannot pay in full: the payouts
    through day d are m·K·(1 − (1 − ρ)^(d+1)), which pass K on day ⌊365·t*⌋ of the model
    ``engine_model`` returns (None: never)."""
    collapse = collapse_years_without_deposits(engine_model(scenario))
    return None if collapse is None else math.floor(DAYS_PER_YEAR * collapse)
