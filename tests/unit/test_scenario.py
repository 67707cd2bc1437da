"""Scenario loading: extends, overrides, validation messages and the stable hash."""

import pytest

from sim.scenario.loading import ScenarioError, load_scenario, parse_override, replace, scenario_hash, to_toml
from sim.scenario.params import Scenario


def write(folder, name, text):
    path = folder / name
    path.write_text(text)
    return path


def test_extends_merges_tables_and_keeps_the_child_name(scenario_dir, baseline_path):
    write(scenario_dir, "base.toml", baseline_path.read_text())
    child = write(scenario_dir, "child.toml", 'extends = "base.toml"\nname = "child"\n[rewards]\nenergy_multiple = 4.0\n')
    scenario = load_scenario(child)
    assert scenario.name == "child"
    assert scenario.rewards.energy_multiple == 4.0
    assert scenario.rewards.contribution_unit_price_cents == 100  # from the parent
    assert scenario.release.dividend_pool_share_of_sales == 0.1


def test_name_defaults_to_file_stem(scenario_dir):
    assert load_scenario(write(scenario_dir, "my_case.toml", "")).name == "my_case"


def test_overrides_are_typed_and_validated(baseline_path):
    scenario = load_scenario(baseline_path, ["run.days=30", "withdrawals.payment_order=pro_rata",
                                             "rewards.energy_multiple = 2.5"])
    assert (scenario.run.days, scenario.withdrawals.payment_order, scenario.rewards.energy_multiple) == (
        30, "pro_rata", 2.5)
    with pytest.raises(ScenarioError, match=r"--set: run.days: .*greater than or equal to 1"):
        load_scenario(baseline_path, ["run.days=0"])
    with pytest.raises(ScenarioError, match="expected section.field=value"):
        parse_override("run.days")


def test_errors_name_the_file_that_set_the_field(scenario_dir, baseline_path):
    write(scenario_dir, "base.toml", baseline_path.read_text().replace("concession_share = 0.2", "concession_share = 1.5"))
    child = write(scenario_dir, "child.toml", 'extends = "base.toml"\n[rewards]\nenergy_multipel = 4.0\n')
    with pytest.raises(ScenarioError) as caught:
        load_scenario(child)
    problems = caught.value.problems
    assert any(p.startswith(str(scenario_dir / "base.toml")) and "merchants.concession_share" in p for p in problems)
    assert any(p.startswith(str(scenario_dir / "child.toml")) and "rewards.energy_multipel: unknown field" in p
               for p in problems)


def test_extends_cycle_is_reported(scenario_dir):
    write(scenario_dir, "a.toml", 'extends = "b.toml"\n')
    write(scenario_dir, "b.toml", 'extends = "a.toml"\n')
    with pytest.raises(ScenarioError, match="extends: cycle a.toml -> b.toml -> a.toml"):
        load_scenario(scenario_dir / "a.toml")


def test_pool_share_above_concession_is_impossible(baseline_path):
    with pytest.raises(ScenarioError, match="dividend_pool_share_of_sales: with honorary.pool_share_of_sales and the referral cash rewards it exceeds the smallest merchant concession"):
        load_scenario(baseline_path, ["release.dividend_pool_share_of_sales=0.5"])


def test_hash_is_stable_and_content_sensitive(baseline_path):
    scenario = load_scenario(baseline_path)
    assert scenario_hash(scenario) == scenario_hash(load_scenario(baseline_path))
    assert scenario_hash(scenario) == scenario_hash(replace(scenario, {"name": "renamed"}))
    assert scenario_hash(scenario) != scenario_hash(replace(scenario, {"run.seed": 2}))


def test_resolved_toml_round_trips(scenario_dir, baseline_path):
    scenario = load_scenario(baseline_path, ["run.days=12"])
    again = load_scenario(write(scenario_dir, "resolved.toml", to_toml(scenario)))
    assert again == scenario


def documented_models():
    """Every pydantic model a scenario is made of, nested tiers included."""
    from sim.scenario.params import Event, GiftTier, LevelTier

    sections = [field.annotation for field in Scenario.model_fields.values() if hasattr(field.annotation, "model_fields")]
    return sections + [GiftTier, LevelTier, Event]


def test_every_field_is_documented():
    """Each scenario field carries a docstring stating its meaning and unit."""
    for model in documented_models():
        for name, field in model.model_fields.items():
            assert field.description, f"{model.__name__}.{name} has no docstring"


def test_events_are_validated_and_applied_in_order(scenario_dir, baseline_path):
    from sim.scenario.loading import scenario_on_day

    write(scenario_dir, "base.toml", baseline_path.read_text())
    good = write(scenario_dir, "good.toml", 'extends = "base.toml"\n'
                 '[[events]]\nday = 10\nset = { "withdrawals.fee_share" = 0.1 }\n'
                 '[[events]]\nday = 20\nset = { "withdrawals.fee_share" = 0.3 }\n')
    scenario = load_scenario(good)
    assert [scenario_on_day(scenario, day).withdrawals.fee_share for day in (9, 10, 19, 20, 99)] == [
        0.05, 0.1, 0.1, 0.3, 0.3]
    bad = write(scenario_dir, "bad.toml", 'extends = "base.toml"\n'
                '[[events]]\nday = 10\nset = { "withdrawals.fee_share" = 3.0, "run.days" = 5 }\n')
    with pytest.raises(ScenarioError) as caught:
        load_scenario(bad)
    text = "\n".join(caught.value.problems)
    assert "events.0.set.run.days: cannot change during a run" in text
    assert "events.0.set (day 10): withdrawals.fee_share: Input should be less than or equal to 0.999999" in text
