"""The mean-field twin (sim/meanfield.py) against the engine (MODEL.md, "Known results": a
mean-field ODE twin of the same rules; issue 8: within 1 % of the engine at 1 000 000
members over 365 days for the baseline, and parting where it should)."""

import numpy as np
import pandas as pd
import pytest

from sim.engine.simulation import run
from sim.kernels.money_rules import share_of, withdrawal_fee
from sim.scenario.compiled import compile_rules
from sim.scenario.scaling import resolve
from sim.science import meanfield
from sim.science import validation_page as validation
from tests.helpers import BASELINE, SCENARIOS, run_cli

SMALL_MEMBERS = 50_000
NOISE_SIGMAS = 4.0


def failures(checks):
    return [f"{check.name}: {check.obtained!r} not in [{check.low!r}, {check.high!r}]"
            for check in checks if not check.passed]


@pytest.mark.parametrize("fee_ppm", [0, 1, 50_000, 999_999])
def test_expected_fee_is_the_engine_fee_without_its_floor(fee_ppm):
    """The twin's float statements of a share and of the withdrawal fee differ from the
    engine's integer ones (``share_of``, ``withdrawal_fee``) by the floor alone: under a cent."""
    for gross in (0, 1, 19, 20, 999_999, 123_456_789, 10**12):
        expected = meanfield.expected_withdrawal_fee(float(gross), fee_ppm)
        assert withdrawal_fee(gross, fee_ppm) <= expected < withdrawal_fee(gross, fee_ppm) + 1, gross
        assert meanfield.expected_share(float(gross), fee_ppm) == expected
        floored = share_of(gross, fee_ppm)
        assert floored <= meanfield.expected_share(float(gross), fee_ppm) < floored + 1


def test_day_step_correction_reproduces_the_daily_map():
    """Backward error analysis: the ODE x' = f − ½·f′·f has a one-day flow equal to the
    engine's expected daily step Φ = id + f up to third order in the daily rates, the plain
    x' = f only to second. Over the baseline's 365 days the corrected twin stays within
    1e-3 of Φ iterated day by day; the plain one drifts by more than 3e-3 (growth of 2 % a
    day, half of it squared, over a hundred days). (Balances start from zero, where the
    balance closure bends sharply: they are left out.)"""
    scenario = resolve(BASELINE, members=1_000_000)
    rates = meanfield.day_rates(compile_rules(scenario))
    state = meanfield.initial_state(rates.rules)
    iterated = [state]
    for _ in range(scenario.run.days):
        state = state + meanfield.day_increments(state, rates)
        iterated.append(state)
    iterated = np.array(iterated)[1:]
    columns = [meanfield.STATE.index(name) for name in
               ("members_total", "members_active", "energy_cents", "contribution_milli", "sales_cents",
                "new_money_cents", "released_cents")]

    def largest_gap(states):
        return np.abs(states[1:, columns] / iterated[:, columns] - 1).max()

    assert largest_gap(meanfield.solve_states(scenario)) < 1e-3
    assert largest_gap(meanfield.solve_states(scenario, day_step_correction=False)) > 3e-3


def test_twin_follows_the_baseline_within_sampling_noise():
    """At 50 000 initial members the engine's sampling noise (one standard deviation of
    cumulative sales: sqrt((1 + cv²)/purchases so far), 2.4 % on day 0) is larger than the
    1 % the twin must meet at 1 000 000; each day the gap must stay within 1 % plus four of
    them (the balance-dependent aggregates within their own tolerances, from day 30)."""
    scenario = resolve(BASELINE, members=SMALL_MEMBERS)
    engine, twin = run(scenario).daily, meanfield.solve(scenario)
    noise = NOISE_SIGMAS * meanfield.relative_sampling_noise(twin, scenario)
    for name, cumulative in meanfield.compared_aggregates():
        gap = np.abs(meanfield.relative_gap(engine, twin, name, cumulative))
        assert (gap <= validation.TWIN_TOLERANCE + noise).all(), (name, gap.max())
    first = validation.BALANCES_COMPARED_FROM_DAY
    for name, cumulative in meanfield.compared_aggregates(meanfield.BALANCE_DEPENDENT_STOCKS,
                                                          meanfield.BALANCE_DEPENDENT_FLOWS):
        gap = np.abs(meanfield.relative_gap(engine, twin, name, cumulative))[first:]
        assert (gap <= validation.BALANCE_TOLERANCES[name] + noise[first:]).all(), (name, gap.max())


@pytest.mark.slow
def test_twin_within_one_percent_at_a_million_members():
    """Issue 8: at 1 000 000 initial members (a market of 10 000 000) the baseline's members,
    members in the dividend, energy outstanding, and cumulative purchases, sales, new money,
    pool inflow, energy granted and releases stay within 1 % of the twin every day of 365
    (sampling noise there: 0.53 % on day 0, falling as 1/√purchases); balances, cash,
    repurchases and withdrawals within ``validation.BALANCE_TOLERANCES`` from day 30.
    Cost: one 1 000 000 × 365 run, about 45 s on two free cores (2.6 billion member-days),
    2–3 min on a shared machine; deselect with `-m "not slow"`."""
    section = validation.twin_section(members=1_000_000)
    assert not failures(section.checks)


def test_twin_and_engine_part_when_withdrawals_fail():
    """The twin pays every withdrawal; the engine queues what it cannot pay (sim/meanfield.py,
    "Where the twin and the engine part"). On fixed_rate_contagion.toml the twin's cash runs
    out within 10 days of the engine's first unpaid withdrawal; active members agree within
    1 % before it, differ by more than 10 % thirty days after it with bank-run contagion, and
    still agree within 1 % without contagion."""
    assert not failures(validation.parting_section(members=5_000).checks)


@pytest.mark.parametrize("name, feature", [
    ("queue_n2", "release.rule"), ("pool_gift_packages", "gift_packages"), ("emission_shared_purchase", "referrals"),
    ("stress_merchant_exodus", "merchant exodus"), ("linear_rights", "run.days"),
])
def test_twin_refuses_what_it_cannot_follow(name, feature):
    scenario = resolve(SCENARIOS / f"{name}.toml")
    reasons = meanfield.reasons_not_admitted(scenario)
    assert any(feature in reason for reason in reasons), reasons
    with pytest.raises(meanfield.NotAdmitted):
        meanfield.solve(scenario)


@pytest.mark.parametrize("name", ["baseline", "fixed_rate", "stress_growth_stop", "stress_withdrawal_fee"])
def test_twin_admits_the_rules_it_follows(name):
    assert meanfield.reasons_not_admitted(resolve(SCENARIOS / f"{name}.toml")) == []


def test_meanfield_command_writes_the_twin_beside_a_run(tmp_path):
    assert run_cli("run", BASELINE, "--members", 2_000, "--days", 40, "--out", tmp_path).returncode == 0
    (run_dir,) = (tmp_path / "baseline").iterdir()
    completed = run_cli("meanfield", run_dir)
    assert completed.returncode == 0, completed.stderr
    twin = pd.read_parquet(run_dir / "meanfield.parquet")
    daily = pd.read_parquet(run_dir / "daily.parquet")
    assert twin["day"].tolist() == daily["day"].tolist()
    assert {"members_total", "sales_cents", "released_cents", "platform_cash_cents"} <= set(twin.columns)
    assert "members_total" in completed.stdout and "withdrawn_cents (cumulative)" in completed.stdout
    assert not [p for p in run_dir.iterdir() if p.name.startswith(".")]


def test_meanfield_command_rejects_what_it_cannot_twin(tmp_path):
    missing = run_cli("meanfield", tmp_path / "nothing")
    assert missing.returncode == 2 and missing.stderr.startswith("circsim: error: ")
    assert "Traceback" not in missing.stderr
    assert run_cli("run", SCENARIOS / "queue_n2.toml", "--members", 500, "--days", 5, "--out", tmp_path).returncode == 0
    (run_dir,) = (tmp_path / "queue_n2").iterdir()
    refused = run_cli("meanfield", run_dir)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and "queue" in refused.stderr
    assert not (run_dir / "meanfield.parquet").exists()


def test_validation_command_writes_the_page(tmp_path):
    """`circsim validation` runs every check and writes the page and its figures. At a
    small population only the rows comparing the baseline with the twin may fail (sampling
    noise is larger than their tolerance there; the page is made at 1 000 000): exit status
    1 then, and the page says so."""
    out = tmp_path / "docs"
    completed = run_cli("validation", "--members", 5_000, "--out", out)
    assert completed.returncode in (0, 1), completed.stderr
    page = (out / "validation.md").read_text()
    twin_rows = tuple(f"FAILED {meanfield.label(name, cumulative)}: " for name, cumulative in
                      meanfield.compared_aggregates() + meanfield.compared_aggregates(
                          meanfield.BALANCE_DEPENDENT_STOCKS, meanfield.BALANCE_DEPENDENT_FLOWS))
    failed = [line.strip() for line in completed.stdout.splitlines() if line.strip().startswith("FAILED")]
    assert all(line.startswith(twin_rows) for line in failed), failed
    assert f"{len(failed)} failed" in page and page.count("| pass |") >= 30
    figures = sorted(p.name for p in (out / "figures").iterdir())
    assert figures == [f"validation-{name}.png"
                       for name in ("artzrouni-native", "artzrouni", "parting", "payouts", "twin")]
    for name in figures:
        assert f"figures/{name}" in page and (out / "figures" / name).stat().st_size < 150_000
    assert not [p for p in out.rglob(".*")]
