"""Every malformed input is one line and exit status 2, never a traceback and never a guess
(issue "No silent wrong answer", kinds 4, 5 and 9 and "Scale that must work"): values of the
wrong type are not coerced, non-finite numbers are refused in every section, a name is one
folder, a --set is one field, an error names the option the user gave, and an explicit
--set wins over the --members scaling."""

import json
import os

import pytest

from sim import ScenarioError, load_scenario, run
from sim.scenario.scaling import resolve
from tests.helpers import BASELINE, assert_rejected, only_run_dir, run_cli


def scenario_with(tmp_path, text: str):
    path = tmp_path / "odd.toml"
    path.write_text(f'extends = "{BASELINE.as_posix()}"\n{text}\n')
    return path


@pytest.mark.parametrize(("text", "fragment"), [
    ("[population]\ninitial_members = true", "population.initial_members: Input should be a valid integer"),
    ('[population]\ninitial_members = "5000"', "population.initial_members: Input should be a valid integer"),
    ("[population]\ninitial_members = 5000.0", "population.initial_members: Input should be a valid integer"),
    ("[purchases]\npurchase_probability_per_day = true", "purchases.purchase_probability_per_day: Input should be"),
    ('[release]\nrule = 3', "release.rule: Input should be"),
    ("[run]\nstop_on_collapse = 1", "run.stop_on_collapse: Input should be a valid boolean"),
    ("[purchases]\nbasket_sigma = inf", "purchases.basket_sigma: Input should be a finite number"),
    ("[purchases]\nbasket_sigma = nan", "purchases.basket_sigma: Input should be a finite number"),
    ("[rewards]\nenergy_multiple = -inf", "rewards.energy_multiple: Input should be a finite number"),
    ('[gift_packages]\nshare_of_purchases = 0.5\n[[gift_packages.tiers]]\nprice_cents = 100\nchoice_weight = inf\n'
     '[[gift_packages.tiers]]\nprice_cents = 200\nchoice_weight = inf',
     "gift_packages.tiers.0.choice_weight: Input should be a finite number"),
    ('[merchants]\nconcession_options = [0.1, nan]\nconcession_option_weights = [1.0, 1.0]',
     "merchants.concession_options.1: Input should be a finite number"),
    ('[gift_packages]\nshare_of_purchases = 0.5\n[[gift_packages.tiers]]\nprice_cents = 100\nchoice_weight = 1e300',
     "gift_packages.tiers.0.choice_weight: Input should be less than or equal to"),
    ("[merchants]\nconcession_share = 1e-7", "merchants.concession_share: Input should be greater than or equal to"),
    ("[withdrawals]\nfee_share = 0.9999999", "withdrawals.fee_share: Input should be less than or equal to 0.999999"),
    ("[sentiment]\nreference_yield_per_day = 5e-324", "sentiment.reference_yield_per_day: Input should be greater"),
    ('name = ".."', "name: must name a folder: it cannot be only dots"),
    ('name = "."', "name: must name a folder: it cannot be only dots"),
    ('name = "a/b"', "name: String should match pattern"),
])
def test_a_malformed_field_is_one_line_and_exit_2(tmp_path, text, fragment):
    path = scenario_with(tmp_path, text)
    out = tmp_path / "out"
    completed = run_cli("run", path, "--members", 200, "--days", 3, "--out", out)
    assert_rejected(completed, fragment)
    assert not out.exists()


@pytest.mark.parametrize(("option", "value", "fragment"), [
    ("--set", "name=..", "--set: name: must name a folder"),
    ("--set", "population={initial_members=5}", "--set population={initial_members=5}: one field per --set"),
    ("--set", "purchases.purchase_probability_per_day=nan", "--set: purchases.purchase_probability_per_day"),
    ("--set", "run.days=true", "--set: run.days: Input should be a valid integer"),
])
def test_a_malformed_set_is_one_line_and_exit_2(tmp_path, option, value, fragment):
    out = tmp_path / "out"
    completed = run_cli("run", BASELINE, "--members", 200, "--days", 3, option, value, "--out", out)
    assert_rejected(completed, fragment)
    assert not out.exists()


def test_a_members_problem_names_members_not_set(tmp_path):
    """--members 50 with a scenario whose market cannot be scaled that far down used to be
    reported as "--set: ..."; the error names the option the user gave."""
    path = scenario_with(tmp_path, "[population]\ninitial_members = 1000\nmarket_size_members = 1000\n"
                                   "[merchants]\ninitial_merchants = 10\nmembers_per_merchant = 100")
    with pytest.raises(ScenarioError) as raised:
        resolve(load_scenario(path), days=0, members=50)
    assert all(problem.startswith("--days: run.days") for problem in raised.value.problems)


def test_nothing_lands_outside_the_folder_named(tmp_path):
    from sim.results.files import folder_inside

    with pytest.raises(ValueError):
        folder_inside(tmp_path / "out", "..")
    with pytest.raises(ValueError):
        folder_inside(tmp_path / "out", "a/../..")
    assert folder_inside(tmp_path / "out", "baseline") == tmp_path / "out" / "baseline"


def test_an_explicit_set_wins_over_the_members_scaling(tmp_path):
    """Before, --set population.market_size_members=M with --members N multiplied M again."""
    out = tmp_path / "out"
    completed = run_cli("run", BASELINE, "--members", 2000, "--days", 2, "--out", out,
                        "--set", "population.market_size_members=30000", "--set", "platform.initial_cash_cents=777")
    assert completed.returncode == 0, completed.stderr
    resolved = load_scenario(only_run_dir(out) / "scenario.toml")
    assert resolved.population.market_size_members == 30_000
    assert resolved.platform.initial_cash_cents == 777
    assert resolved.population.initial_members == 2_000


def test_events_are_scaled_with_the_members(tmp_path):
    path = scenario_with(tmp_path, "[population]\ninitial_members = 10000\nmarket_size_members = 100000\n"
                                   '[[events]]\nday = 3\nset = { "population.market_size_members" = 50000, '
                                   '"platform.fixed_cost_cents_per_day" = 3000 }')
    scaled = resolve(load_scenario(path), members=1000)
    assert scaled.population.market_size_members == 10_000
    assert dict(scaled.events[0].set) == {"population.market_size_members": 5000,
                                          "platform.fixed_cost_cents_per_day": 300}


def test_a_national_market_is_within_the_bounds():
    """A documented scheme reached 8.96 M members in a market of hundreds of millions; the
    market was capped at 50 M. Only joined members take memory."""
    scenario = resolve(BASELINE, members=10_000_000, days=1)
    assert scenario.population.market_size_members == 100_000_000
    national = resolve(BASELINE, members=100_000_000, days=365)  # benchmarks/national_scale.py
    assert national.merchants.initial_merchants == 500_000
    big = resolve(BASELINE, members=1_000, days=2, settings={"population.market_size_members": 900_000_000})
    result = run(big)
    assert result.daily["arrivals"].iloc[0] > 0
    assert json.loads(json.dumps(result.summary))["members_final"] >= 1_000


def test_a_level_threshold_beyond_int64_compiles_and_is_never_reached():
    """Found by the property tests: 10¹² contribution units at 10⁷ cents each (10¹⁹ cents) did
    not fit int64 when the rules were compiled (OverflowError)."""
    settings = {"levels.tiers": [{"min_lifetime_contribution_units": 10**12}],
                "rewards.contribution_unit_price_cents": 10**7}
    result = run(BASELINE, members=10, days=5, settings=settings, validate=True)
    assert (result.daily["members_with_level"] == 0).all()


@pytest.mark.parametrize(("make", "fragment"), [
    (lambda path: path.mkdir(), "file: is a folder, not a scenario file"),
    (lambda path: os.mkfifo(path), "file: not a regular file (a pipe, socket or device)"),
    (lambda path: path.symlink_to(path.with_name("nowhere.toml")), "file: a link that leads nowhere"),
    (lambda path: path.symlink_to(path), "file: a link that leads nowhere"),
])
def test_file_system_oddities_in_extends_are_named_plainly(tmp_path, make, fragment):
    make(tmp_path / "base.toml")
    top = tmp_path / "top.toml"
    top.write_text('extends = "base.toml"\n')
    assert_rejected(run_cli("check", tmp_path / "base.toml"), f"{tmp_path / 'base.toml'}: {fragment}")
    assert_rejected(run_cli("check", top), f"base.toml: {fragment}")
