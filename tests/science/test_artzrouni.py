"""Artzrouni's Ponzi model (M. Artzrouni, "The mathematics of Ponzi schemes", Mathematical
Social Sciences 58 (2009) 190–201; MODEL.md, "Known results"): his ODE (sim/artzrouni.py,
solve_ivp) and the engine playing it without deposits
(scenarios/validation/artzrouni_no_deposits.toml)."""

import math

import pytest

from sim.scenario.loading import load_scenario
from sim.science import artzrouni
from sim.science import validation_page as validation
from sim.science.artzrouni import PonziModel
from tests.helpers import SCENARIOS

ARTZROUNI_SCENARIO = SCENARIOS / "validation" / "artzrouni_no_deposits.toml"
HIS_EXAMPLE = validation.ARTZROUNI  # K = 1, rp = 0.10, rn = 0.03, rw = 0.05 per year


def test_no_deposit_collapse_time_closed_form_and_ode():
    """t* = ln[(rp − rn)/rw] / (rp − rn − rw) = ln 1.4 / 0.02 = 16.82 years; the ODE's first
    zero agrees with the closed form to 1e-6 (solve_ivp at rtol 1e-10)."""
    closed = artzrouni.collapse_years_without_deposits(HIS_EXAMPLE)
    assert closed == pytest.approx(math.log(1.4) / 0.02, rel=1e-12)
    assert round(closed, 2) == 16.82
    assert artzrouni.solve(HIS_EXAMPLE, 40.0).emptied[0] == pytest.approx(closed, rel=1e-6)


def test_closed_form_limit_when_the_promise_neither_grows_nor_shrinks():
    """At rp − rn = rw the formula's limit is t* = 1/rw (the fund loses rw·K a year in
    discounted money)."""
    model = PonziModel(initial_deposit=1.0, promised_rate=0.08, nominal_rate=0.03, withdrawal_rate=0.05)
    assert artzrouni.collapse_years_without_deposits(model) == pytest.approx(20.0)
    assert artzrouni.solve(model, 40.0).emptied[0] == pytest.approx(20.0, rel=1e-6)


def test_never_empty_when_the_fund_earns_what_it_promises():
    model = PonziModel(initial_deposit=1.0, promised_rate=0.03, nominal_rate=0.03, withdrawal_rate=0.05)
    assert artzrouni.collapse_years_without_deposits(model) is None
    assert artzrouni.solve(model, 300.0).emptied == ()


@pytest.mark.parametrize("growth", [0.09, 0.099, 0.101, 0.11])
def test_with_deposits_the_fund_ends_positive_iff_ri_exceeds_rp(growth):
    """With deposits 0.001·e^(ri·t) the fund's long run is c·e^(ri·t) with
    c = s0(ri − rp)/((ri − rp + rw)(ri − rn)): positive iff ri > rp. The ODE over 300 years
    (e^(0.001·300) apart from the other terms near ri = rp) ends with the sign of c."""
    model = PonziModel(**{**HIS_EXAMPLE.__dict__, "initial_deposits_per_year": 0.001,
                          "deposit_growth_per_year": growth})
    coefficient = artzrouni.long_run_deposit_coefficient(model)
    assert (coefficient > 0) == (growth > HIS_EXAMPLE.promised_rate)
    assert (artzrouni.solve(model, 300.0).fund[-1] > 0) == (coefficient > 0)


def test_artzrouni_figures_on_the_ode():
    """MODEL.md's figures, each to the two decimals it is given in (± 0.005): 16.82 years
    without deposits; with s0 = 0.001, ri = 0.15 empty from 17.39 to 58.09 years; at ri = rp
    never empty with s0 = rw·K and empty at ln(1 + (rp − rw − rn)K/(rw·K − s0))/(rp − rw − rn)
    = 152.23 years with s0 = 0.98·rw·K; Ponzi 1920 (10 M$ over 0.58 years, 0.2 M$ a day at
    the end) s0 = 1.130 M$ a year and ri = 7.187 a year (± 0.0005)."""
    checks = validation.artzrouni_ode_checks()
    assert len(checks) == 10
    assert not [check.name for check in checks if not check.passed]


def test_engine_scenario_is_artzrouni_discounted_at_rn():
    """The scenario holds ρ = rw − (rp − rn) = 0.03 a year as a daily share and m = rw/ρ, for
    rp = 0.10, rn = 0.03, rw = 0.10; rounded to parts per million the rates it plays stay
    within 0.3 % of those."""
    nominal = validation.ARTZROUNI_IN_THE_ENGINE
    settings = artzrouni.engine_settings(nominal)
    scenario = load_scenario(ARTZROUNI_SCENARIO)
    assert scenario.release.fixed_rate_per_day == pytest.approx(settings["release.fixed_rate_per_day"], rel=1e-3)
    assert scenario.rewards.energy_multiple == pytest.approx(settings["rewards.energy_multiple"], rel=1e-6)
    played = artzrouni.engine_model(scenario)
    assert played.withdrawal_rate == pytest.approx(0.10, rel=3e-3)
    assert played.promised_rate - played.nominal_rate == pytest.approx(0.07, rel=3e-3)
    assert artzrouni.collapse_years_without_deposits(played) == pytest.approx(
        artzrouni.collapse_years_without_deposits(nominal), rel=3e-3)
    with pytest.raises(ValueError):
        artzrouni.engine_settings(HIS_EXAMPLE)  # rw < rp − rn: a growing promise


def test_engine_runs_out_on_the_day_artzrouni_predicts():
    """Payouts through engine day d are m·K·(1 − (1 − ρ)^(d+1)), so the withdrawals of day
    ⌊365·t*⌋ (t* at the rates the engine holds, in ppb: 11.89 years, day 4338) are the first it
    cannot pay, ± 1 day for the cent floors; until then the engine's cash follows the ODE's
    fund (discounted at rn) to 0.001·K."""
    section = validation.artzrouni_section(ARTZROUNI_SCENARIO)
    engine_checks = section.checks[-2:]
    assert [check.reference for check in engine_checks] == [4338, 0.0]
    assert not [check.name for check in engine_checks if not check.passed]
