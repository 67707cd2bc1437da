"""Closed forms of MODEL.md ("Known results") against the engine, each on its scenario in
scenarios/validation/: rule A's bound α/m, rule F's p/N once entries stop, rule C's payout
overtaking its income near day 609 and its growth threshold ρ(L − f)/f, rule D's break-even
on day 160. Days are counted from 1 as MODEL.md counts them (engine day d is day d + 1)."""

import math

import pytest

from sim.scenario.scaling import resolve
from sim.science import validation_page as validation


def failures(checks):
    return [f"{check.name}: {check.obtained!r} not in [{check.low!r}, {check.high!r}]"
            for check in checks if not check.passed]


@pytest.fixture(scope="module")
def rule_c():
    return validation.fixed_rate_section()


def test_pool_rule_never_pays_more_than_alpha_over_m():
    """Each unit of sales adds m units of promise and α units of pool: promises honoured ≤ α/m
    exactly (baskets of whole cents), and above 0.99·α/m with the pool released daily (what
    stays is floors, a cent per member and day at most)."""
    assert not failures(validation.pool_bound_checks())


def test_queue_pays_about_p_over_n_of_its_entrants():
    """Rule F with pool share p and payout N × price, entries for 100 days then none: exactly
    p/N of the promises are paid (the pool empties into the line), and p/N of the entrants in
    full within 5 % (members who buy again while waiting make some entries larger)."""
    assert not failures(validation.queue_checks())


def test_fixed_rate_with_flat_sales_runs_out_near_day_609(rule_c):
    """f·t = L·(t − (1 − e^(−ρt))/ρ) at t = 609.1 days for f = 0.16, L = 1.16, ρ = 0.0005; a
    daily-step model lands on day 608–611 (MODEL.md)."""
    assert validation.fixed_rate_payout_day(0.16, 1.16, 0.0005) == pytest.approx(609.128, abs=1e-3)
    (flat,) = [check for check in rule_c.checks if "flat sales" in check.name]
    assert flat.passed, flat


def test_fixed_rate_engine_matches_its_own_integer_arithmetic(rule_c):
    """With flat sales every member is alike, so the engine's first overtaking day is that of
    one member's integer recursion: energy += 11 600; payment = max(energy·500 // 10⁶, 1)."""
    energy = paid = income = day = 0
    while paid <= income:
        day += 1
        energy += 11_600
        payment = max(energy * 500 // 1_000_000, 1)
        energy -= payment
        paid += payment
        income += 1_600
    assert validation.cumulative_overtaking_day(rule_c.data["flat"]) == day == 609


def test_fixed_rate_needs_growth_of_rho_l_minus_f_over_f(rule_c):
    """Solvency needs g ≥ ρ(L − f)/f = 0.3125 %/day. At 0.9 × that the daily payout catches
    the daily income on day t1 = −ln(1 − f(g + ρ)/(ρL))/(g + ρ) = 739.9 (continuous; the
    engine within 1 %); at 1.1 × it never does within 1 000 days (the ratio stays below 1)."""
    assert validation.growth_threshold_per_day(0.16, 1.16, 0.0005) == pytest.approx(0.003125)
    assert math.isinf(validation.daily_payout_overtakes_day(0.16, 1.16, 0.0005, 0.0031251))
    growing = [check for check in rule_c.checks if "growing" in check.name]
    assert len(growing) == 2 and not failures(growing)


def test_linear_rights_with_flat_sales_break_even_on_day_160():
    """Cumulative payouts n·t(t+1)/2 overtake the income 80·n·t on day 160 (the engine pays a
    right from its purchase day)."""
    (check,) = validation.linear_section().checks
    assert check.reference == 160 and check.passed, check


def test_growth_scenario_grows_at_the_stated_rate():
    """fixed_rate_growth.toml's imitation rate q gives sales growth ln(1 + q) = 0.9 × the
    threshold (its comment)."""
    scenario = resolve(validation.VALIDATION_SCENARIOS / "fixed_rate_growth.toml")
    growth = math.log1p(scenario.population.bass_imitation_per_day)
    assert growth == pytest.approx(0.9 * 0.003125, rel=1e-6)
