"""Orders as scenario changes (``sim.scenario.interventions``): parsing, the events each one
schedules, and that nothing before the order's day changes."""

import pytest

from sim.core.errors import InputError
from sim.scenario.interventions import INTERVENTIONS, Intervention, ordered, parse_intervention
from sim.scenario.loading import ScenarioError, scenario_on_day
from sim.scenario.scaling import resolve
from tests.helpers import SCENARIOS


@pytest.mark.parametrize("text, expected", [
    ("none", Intervention("none")),
    ("stop_new_members", Intervention("stop_new_members")),
    ("freeze_withdrawals:30", Intervention("freeze_withdrawals", 30)),
    ("cut_release:0.25", Intervention("cut_release", 0.25)),
    ("fee:0.1", Intervention("fee", 0.1)),
    ("sales_only", Intervention("sales_only")),
])
def test_orders_parse_and_keep_their_label(text, expected):
    assert parse_intervention(text) == expected
    assert parse_intervention(text).label == text


@pytest.mark.parametrize("text, reason", [
    ("close_platform", "unknown intervention"),
    ("none:3", "takes no argument"),
    ("freeze_withdrawals", "needs DAYS"),
    ("freeze_withdrawals:0", "at least 1"),
    ("freeze_withdrawals:ten", "must be a number"),
    ("cut_release:1", "between 0 and 1"),
    ("cut_release:-0.2", "between 0 and 1"),
    ("fee:1.0", "below 1"),
])
def test_bad_orders_get_one_line_naming_them(text, reason):
    with pytest.raises(InputError) as caught:
        parse_intervention(text)
    (line,) = caught.value.problems
    assert line.startswith(f"--intervention {text}: ") and reason in line


@pytest.mark.parametrize("path", ["linear_rights.toml", "fixed_rate.toml", "baseline.toml", "queue_n2.toml",
                                  "emission_shared_purchase.toml"])
@pytest.mark.parametrize("order", [name if name not in ("freeze_withdrawals", "cut_release", "fee")
                                   else {"freeze_withdrawals": "freeze_withdrawals:20", "cut_release": "cut_release:0.5",
                                         "fee": "fee:0.2"}[name] for name in INTERVENTIONS])
def test_an_order_changes_nothing_before_its_day(path, order):
    """The scenario in force on every day before the order is the one without it."""
    scenario = resolve(SCENARIOS / path, members=1000, days=200)
    changed = ordered(scenario, parse_intervention(order), 100, 300)
    assert changed.run.days == 300
    for day in (0, 50, 99):
        assert scenario_on_day(changed, day) == scenario_on_day(scenario.model_copy(update={"run": changed.run}), day)
    if order != "none":
        assert scenario_on_day(changed, 100) != scenario_on_day(scenario.model_copy(update={"run": changed.run}), 100)


def test_cut_release_scales_the_rule_in_force():
    """The cut applies to what the rule pays on the order's day, after earlier events."""
    scenario = resolve(SCENARIOS / "linear_rights.toml", members=1000, days=200, settings={
        "events": [{"day": 10, "set": {"release.right_payment_cents_per_day": 80}}]})
    changed = ordered(scenario, parse_intervention("cut_release:0.25"), 50, 200)
    assert scenario_on_day(changed, 50).release.right_payment_cents_per_day == 60


def test_a_freeze_is_lifted_after_its_days():
    scenario = resolve(SCENARIOS / "fixed_rate.toml", members=1000, days=200)
    changed = ordered(scenario, parse_intervention("freeze_withdrawals:30"), 40, 200)
    assert [scenario_on_day(changed, day).withdrawals.frozen for day in (39, 40, 69, 70)] == [False, True, True, False]


def test_stopping_new_members_ends_a_series_of_arrivals_on_the_day():
    scenario = resolve(SCENARIOS / "fixed_rate.toml", members=1000, days=20,
                       settings={"population.arrivals_per_day": [5.0] * 20})
    changed = ordered(scenario, parse_intervention("stop_new_members"), 8, 20)
    assert changed.population.arrivals_per_day == (5.0,) * 8


def test_an_order_that_breaks_the_scenario_names_itself():
    """A freeze lifted after the last day a scenario may have is refused, naming the order."""
    scenario = resolve(SCENARIOS / "fixed_rate.toml", members=1000, days=20)
    with pytest.raises(ScenarioError) as caught:
        ordered(scenario, parse_intervention("freeze_withdrawals:99999999"), 8, 20)
    assert all(line.startswith("--intervention freeze_withdrawals:99999999") for line in caught.value.problems)
