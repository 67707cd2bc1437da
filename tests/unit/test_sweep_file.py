"""Sweep files: every design makes the points it should, replicates share seeds across
points, and every bad file is refused with one line per problem naming file and field."""

import numpy as np
import pytest

from sim.core.rng import replicate_seed
from sim.experiments.sweep_design import SweepError, load_sweep
from tests.helpers import BASELINE, ROOT

HEADER = f'scenario = "{BASELINE}"\ndays = 5\nmembers = 100\n'


def sweep_file(tmp_path, text, name="study.toml"):
    path = tmp_path / name
    path.write_text(HEADER + text)
    return path


def parameter(path, **fields):
    body = "".join(f"{key} = {value!r}\n".replace("'", '"') for key, value in fields.items())
    return f'[[parameters]]\npath = "{path}"\n{body}'


def test_grid_is_every_combination_first_parameter_slowest(tmp_path):
    plan = load_sweep(sweep_file(tmp_path, 'replicates = 3\nseed = 11\n'
                                 + parameter("rewards.energy_multiple", values=[2.0, 4.0])
                                 + parameter("withdrawals.payment_order", values=["fifo", "pro_rata"])
                                 + parameter("platform.fixed_cost_cents_per_day", start=0, stop=1000, num=3)))
    assert len(plan.points) == 12 and plan.runs == 36
    assert plan.points[0] == {"rewards.energy_multiple": 2.0, "withdrawals.payment_order": "fifo",
                              "platform.fixed_cost_cents_per_day": 0}
    assert plan.points[1]["platform.fixed_cost_cents_per_day"] == 500
    assert plan.points[-1] == {"rewards.energy_multiple": 4.0, "withdrawals.payment_order": "pro_rata",
                               "platform.fixed_cost_cents_per_day": 1000}
    assert all(isinstance(p["platform.fixed_cost_cents_per_day"], int) for p in plan.points)  # whole cents
    scenario = plan.scenario(7)
    assert (scenario.rewards.energy_multiple, scenario.withdrawals.payment_order,
            scenario.platform.fixed_cost_cents_per_day) == (4.0, "fifo", 500)
    assert (scenario.run.days, scenario.population.initial_members) == (5, 100)


def test_replicate_k_has_the_same_seed_at_every_point(tmp_path):
    plan = load_sweep(sweep_file(tmp_path, "replicates = 4\nseed = 11\n"
                                 + parameter("rewards.energy_multiple", values=[2.0, 4.0])))
    assert [plan.seed(k) for k in range(4)] == [replicate_seed(11, k) for k in range(4)]
    assert len({plan.seed(k) for k in range(4)}) == 4
    default = load_sweep(sweep_file(tmp_path, parameter("rewards.energy_multiple", values=[2.0]), "default.toml"))
    assert default.base_seed == default.base.run.seed == 1  # the scenario's seed


def test_zip_takes_the_kth_values_together(tmp_path):
    plan = load_sweep(sweep_file(tmp_path, 'design = "zip"\n'
                                 + parameter("rewards.energy_multiple", start=1.0, stop=3.0, num=3)
                                 + parameter("release.dividend_pool_share_of_sales", values=[0.05, 0.1, 0.15])))
    assert [(p["rewards.energy_multiple"], p["release.dividend_pool_share_of_sales"]) for p in plan.points] == [
        (1.0, 0.05), (2.0, 0.1), (3.0, 0.15)]


def test_list_points_fill_unset_fields_from_the_base(tmp_path):
    plan = load_sweep(sweep_file(tmp_path, 'design = "list"\n'
                                 '[settings]\n"rewards.energy_multiple" = 2.5\n'
                                 '[[points]]\n"rewards.energy_multiple" = 4.0\n'
                                 '[[points]]\n"withdrawals.fee_share" = 0.2\n'))
    assert plan.points == ({"rewards.energy_multiple": 4.0, "withdrawals.fee_share": 0.05},
                           {"rewards.energy_multiple": 2.5, "withdrawals.fee_share": 0.2})
    assert plan.swept_paths == ["rewards.energy_multiple", "withdrawals.fee_share"]


def test_settings_take_any_value_their_field_takes(tmp_path):
    plan = load_sweep(sweep_file(tmp_path, '[settings]\n"merchants.concession_options" = [0.2, 0.3]\n'
                                 '"merchants.concession_option_weights" = [3.0, 1.0]\n'
                                 + parameter("rewards.energy_multiple", values=[2.0])))
    assert plan.scenario(0).merchants.concession_options == (0.2, 0.3)


def test_latin_hypercube_puts_one_point_in_every_stratum(tmp_path):
    text = ('design = "latin_hypercube"\nsamples = 20\ndesign_seed = 3\n'
            + parameter("rewards.energy_multiple", low=1.0, high=5.0)
            + parameter("population.churn_probability_per_day", low=0.0, high=0.01))
    plan = load_sweep(sweep_file(tmp_path, text))
    assert len(plan.points) == 20
    multiples = np.array([p["rewards.energy_multiple"] for p in plan.points])
    churn = np.array([p["population.churn_probability_per_day"] for p in plan.points])
    assert sorted(np.floor((multiples - 1.0) / 4.0 * 20).astype(int)) == list(range(20))
    assert sorted(np.floor(churn / 0.01 * 20).astype(int)) == list(range(20))
    assert load_sweep(sweep_file(tmp_path, text, "again.toml")).points == plan.points  # seeded
    other = load_sweep(sweep_file(tmp_path, text.replace("design_seed = 3", "design_seed = 4"), "other.toml"))
    assert other.points != plan.points


@pytest.mark.parametrize(("design", "per_sample"), [("sobol", 2 + 2), ("morris", 2 + 1)])
def test_sensitivity_designs_have_salib_point_counts(tmp_path, design, per_sample):
    plan = load_sweep(sweep_file(tmp_path, f'design = "{design}"\nsamples = 8\n'
                                 + parameter("rewards.energy_multiple", low=1.0, high=5.0)
                                 + parameter("platform.fixed_cost_cents_per_day", low=0, high=10_000)))
    assert len(plan.points) == 8 * per_sample
    assert all(1.0 <= p["rewards.energy_multiple"] <= 5.0 for p in plan.points)
    assert all(isinstance(p["platform.fixed_cost_cents_per_day"], int) for p in plan.points)


def test_digest_follows_the_points_and_seeds_not_the_name(tmp_path):
    body = "replicates = 2\n" + parameter("rewards.energy_multiple", values=[2.0, 3.0])
    digest = load_sweep(sweep_file(tmp_path, body)).digest()
    assert load_sweep(sweep_file(tmp_path, 'name = "renamed"\n' + body, "b.toml")).digest() == digest
    assert load_sweep(sweep_file(tmp_path, body.replace("3.0", "3.5"), "c.toml")).digest() != digest
    assert load_sweep(sweep_file(tmp_path, "seed = 2\n" + body, "d.toml")).digest() != digest


def test_shipped_sweeps_load():
    for path in sorted((ROOT / "sweeps").glob("*.toml")):
        plan = load_sweep(path)
        assert plan.runs >= 1 and plan.name == path.stem


BAD_SWEEPS = {
    "unknown_field": ("replicate = 3\n" + parameter("rewards.energy_multiple", values=[2.0]),
                      "replicate: unknown field"),
    "unknown_parameter_field": (parameter("rewards.energy_multiple", values=[2.0], step=1.0),
                                "parameters.0.step: unknown field"),
    "bad_parameter_path": (parameter("rewards.energy_multiplier", values=[2.0]),
                           "rewards.energy_multiplier: unknown field"),
    "bad_section": (parameter("rewardz.energy_multiple", values=[2.0]), "rewardz: unknown field"),
    "value_out_of_range": (parameter("rewards.energy_multiple", values=[2.0, 500.0]),
                           "rewards.energy_multiple: Input should be less than or equal to 100"),
    "impossible_combination": (parameter("release.dividend_pool_share_of_sales", values=[0.5]),
                               "release.dividend_pool_share_of_sales: "),  # a cross-field check
    "bad_setting": ('[settings]\n"rewards.nope" = 1\n' + parameter("rewards.energy_multiple", values=[2.0]),
                    "rewards.nope: unknown field"),
    "reversed_range": ('design = "latin_hypercube"\nsamples = 4\n'
                       + parameter("rewards.energy_multiple", low=5.0, high=1.0),
                       "parameters.0: low must be below high"),
    "empty_grid_range": (parameter("rewards.energy_multiple", start=3.0, stop=3.0, num=4),
                         "parameters.0: start must be below stop"),
    "range_for_grid": (parameter("rewards.energy_multiple", low=1.0, high=2.0),
                       "parameters.0: give values or start/stop/num for this design, got low/high"),
    "values_for_sampling": ('design = "sobol"\nsamples = 4\n' + parameter("rewards.energy_multiple", values=[1.0]),
                            "parameters.0: give low/high for this design, got values"),
    "missing_samples": ('design = "morris"\n' + parameter("rewards.energy_multiple", low=1.0, high=2.0),
                        "samples: needed by the sampled designs"),
    "sobol_not_power_of_two": ('design = "sobol"\nsamples = 6\n' + parameter("rewards.energy_multiple", low=1.0, high=2.0),
                               "samples: the sobol design needs a power of 2, got 6"),
    "zip_lengths": ('design = "zip"\n' + parameter("rewards.energy_multiple", values=[1.0, 2.0])
                    + parameter("withdrawals.fee_share", values=[0.1]),
                    "parameters: the zip design needs as many values for every parameter"),
    "no_parameters": ("replicates = 2\n", "parameters: the grid design needs at least one [[parameters]] table"),
    "seed_swept": (parameter("run.seed", values=[1, 2]), "run.seed: set by `seed` and `replicates`"),
    "zero_replicates": ("replicates = 0\n" + parameter("rewards.energy_multiple", values=[2.0]),
                        "replicates: Input should be greater than or equal to 1"),
    "not_a_scalar": ('design = "list"\n[[points]]\n"rewards.energy_multiple" = [1, 2]\n',
                     "points.0.rewards.energy_multiple: Input should be a number, true/false or a string"),
    "bad_setting_type": ('[settings]\n"rewards.energy_multiple" = [1, 2]\n' + parameter("withdrawals.fee_share", values=[0.1]),
                         "rewards.energy_multiple: Input should be a valid number"),
}


@pytest.mark.parametrize("case", sorted(BAD_SWEEPS))
def test_bad_sweep_files_name_file_field_and_reason(tmp_path, case):
    text, expected = BAD_SWEEPS[case]
    path = sweep_file(tmp_path, text)
    with pytest.raises(SweepError) as caught:
        load_sweep(path)
    problems = caught.value.problems
    assert all(line.startswith(f"{path}: ") for line in problems), problems
    assert any(expected in line for line in problems), problems
    assert len(problems) == len(set(problems))  # a problem at many points is listed once


def test_missing_base_scenario_and_broken_files(tmp_path):
    path = tmp_path / "lost.toml"
    path.write_text('scenario = "nowhere.toml"\n' + parameter("rewards.energy_multiple", values=[2.0]))
    with pytest.raises(SweepError, match=rf"{path}: scenario: file not found \(.*nowhere.toml\)"):
        load_sweep(path)
    with pytest.raises(SweepError, match=r"missing.toml: file: not found"):
        load_sweep(tmp_path / "missing.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[[parameters]\n")
    with pytest.raises(SweepError, match=r"broken.toml: TOML: "):
        load_sweep(broken)


def test_problems_in_the_base_scenario_name_the_scenario_file(tmp_path):
    scenario = tmp_path / "bad_scenario.toml"
    scenario.write_text("[rewards]\nenergy_multiplier = 3.0\n")
    path = tmp_path / "study.toml"
    path.write_text('scenario = "bad_scenario.toml"\n' + parameter("rewards.energy_multiple", values=[2.0]))
    with pytest.raises(SweepError) as caught:
        load_sweep(path)
    assert caught.value.problems == [f"{scenario}: rewards.energy_multiplier: unknown field"]


def test_overrides_replace_top_level_keys(tmp_path):
    path = sweep_file(tmp_path, parameter("rewards.energy_multiple", values=[2.0]))
    plan = load_sweep(path, {"members": 50, "replicates": 3})
    assert (plan.base.population.initial_members, plan.replicates) == (50, 3)
    assert plan.points == ({"rewards.energy_multiple": 2.0},)
