"""The workbench's plain functions, without a browser: forms generated from the scenario's
pydantic models, edits checked exactly as the command line checks them, the run the page
starts (the same numbers as ``sim.run``), design studies, the Mesa page's live panels in
currency units, and the run folder as a zip."""

import zipfile
from io import BytesIO

import numpy as np
import pandas as pd
import pytest

import sim
from sim.dashboard.charts import live_panels, pareto_figure
from sim.dashboard.forms import (
    apply_edits,
    field_value,
    form_fields,
    form_sections,
    load_uploaded,
    scenario_library,
    value_text,
)
from sim.dashboard.workbench import (
    PROGRESS_EVERY_DAYS,
    StudyError,
    design_scenario,
    design_settings,
    find_studies,
    folder_zip,
    judge,
    read_study,
    run_and_save,
    run_size,
)
from sim.scenario.loading import ScenarioError, load_scenario
from sim.scenario.params import Scenario
from tests.helpers import BASELINE, DESIGN_MULTIPLE, SCENARIOS, SHIPPED_SCENARIOS, write_study


def cli_problems(overrides: list[str]) -> list[str]:
    """What `circsim check baseline.toml --set ...` says, each line without its source (the
    file or "--set")."""
    with pytest.raises(ScenarioError) as caught:
        load_scenario(BASELINE, overrides)
    return [problem.split(": ", 1)[1] for problem in caught.value.problems]


def test_the_forms_hold_every_field_of_the_models_once():
    expected = {name for name, info in Scenario.model_fields.items() if "Params" not in str(info.annotation)}
    for name, info in Scenario.model_fields.items():
        if "Params" in str(info.annotation):
            expected |= {f"{name}.{field}" for field in info.annotation.model_fields}
    paths = [field.path for section in form_sections() for field in section.fields]
    assert sorted(paths) == sorted(expected) and len(paths) == len(set(paths))


def test_a_field_shows_its_unit_bounds_and_docstring():
    fields = form_fields("CNY")
    multiple = fields["rewards.energy_multiple"]
    assert (multiple.kind, multiple.unit, multiple.bounds) == ("float", "× the price", "≥ 0, ≤ 100")
    assert multiple.documentation == Scenario.model_fields["rewards"].annotation.model_fields[
        "energy_multiple"].description
    assert fields["platform.initial_cash_cents"].unit == "cents of CNY (100 = 1 CNY)"
    assert fields["release.rule"].choices == ("pool", "emission", "fixed_rate", "linear", "queue")
    assert fields["run.stop_on_collapse"].kind == "bool"
    assert fields["gift_packages.tiers"].kind == "list"


@pytest.mark.parametrize("path", SHIPPED_SCENARIOS, ids=lambda path: path.name)
def test_every_field_shown_and_read_back_is_the_same_scenario(path):
    """Each field's text, typed back unchanged, gives the scenario again (arrays of tables
    and the events' dotted settings included)."""
    scenario = load_scenario(path)
    fields = form_fields()
    texts = {name: value_text(field_value(scenario, name), field.kind) for name, field in fields.items()}
    assert apply_edits(scenario, texts).scenario == scenario


def test_an_edit_is_applied_and_checked():
    scenario = load_scenario(BASELINE)
    checked = apply_edits(scenario, {"rewards.energy_multiple": "2.5", "release.rule": "emission",
                                     "merchants.concession_options": "[0.2, 0.3]",
                                     "merchants.concession_option_weights": "[1.0, 1.0]"})
    assert checked.scenario.rewards.energy_multiple == 2.5
    assert checked.scenario.release.rule == "emission"
    assert checked.scenario.merchants.concession_options == (0.2, 0.3)
    assert (checked.field_problems, checked.general_problems) == ({}, [])


@pytest.mark.parametrize("edits, overrides, field", [
    ({"rewards.energy_multiple": "-1"}, ["rewards.energy_multiple=-1"], "rewards.energy_multiple"),
    ({"run.days": "0.5"}, ["run.days=0.5"], "run.days"),
    ({"release.dividend_pool_share_of_sales": "0.5"}, ["release.dividend_pool_share_of_sales=0.5"],
     "release.dividend_pool_share_of_sales"),  # a cross-field check
    ({"gift_packages.tiers": "[{ price_cents = 0, energy_multiple = 3.0 }]"},
     ["gift_packages.tiers=[{ price_cents = 0, energy_multiple = 3.0 }]"], "gift_packages.tiers"),
    ({"events": '[{ day = 5, set = { "run.days" = 3 } }]'}, ['events=[{ day = 5, set = { "run.days" = 3 } }]'],
     "events"),  # checked as a file is: an event cannot change the run
])
def test_a_bad_edit_gets_the_command_lines_message_beside_its_field(edits, overrides, field):
    checked = apply_edits(load_scenario(BASELINE), edits)
    assert checked.scenario is None
    assert checked.field_problems == {field: cli_problems(overrides)}


def test_text_that_is_not_one_value_is_a_problem_of_its_field():
    checked = apply_edits(load_scenario(BASELINE), {"merchants.concession_options": "[0.2,"})
    assert list(checked.field_problems) == ["merchants.concession_options"]


def test_an_uploaded_file_is_checked_and_its_problems_name_it():
    assert load_uploaded("mine.toml", BASELINE.read_bytes()) == load_scenario(BASELINE)
    with pytest.raises(ScenarioError) as caught:
        load_uploaded("mine.toml", b"[rewards]\nenergy_multiple = -1\n")
    assert caught.value.problems == ["mine.toml: rewards.energy_multiple: Input should be greater than or equal to 0 "
                                     "(got -1)"]


def test_the_library_lists_the_scenarios_and_validation_cases():
    library = scenario_library(SCENARIOS)
    assert library[0] == SCENARIOS / "baseline.toml"
    assert sorted(library) == SHIPPED_SCENARIOS


@pytest.mark.parametrize("members, days, expected", [
    ("1000", "", (1000, None, [])),
    (" ", "60", (None, 60, [])),
    ("0", "x", (None, None, ["--members: expected a whole number of at least 1, got '0'",
                             "--days: expected a whole number of at least 1, got 'x'"])),
])
def test_run_size(members, days, expected):
    assert run_size(members, days) == expected


def test_the_workbench_run_is_the_runs_of_the_command_line(tmp_path):
    """Same scenario, size and seed: the same daily table as ``sim.run``, saved under the
    output folder, progress reported up to the last day."""
    heard = []
    outcome = run_and_save(load_scenario(BASELINE), 300, 12, tmp_path,
                           on_progress=lambda played, total: heard.append((played, total)))
    pd.testing.assert_frame_equal(outcome.result.daily, sim.run(BASELINE, members=300, days=12).daily)
    assert outcome.run_dir.parent == tmp_path / "baseline"
    assert heard == [(day, 12) for day in range(PROGRESS_EVERY_DAYS, 12, PROGRESS_EVERY_DAYS)] + [(12, 12)]
    assert set(outcome.charts) == {"solvency", "flows", "growth"}
    archive = zipfile.ZipFile(BytesIO(folder_zip(outcome.run_dir)))
    assert sorted(archive.namelist()) == sorted(f"{outcome.run_dir.name}/{path.name}"
                                                for path in outcome.run_dir.iterdir())


def test_replicates_join_the_verdict_with_their_ruin_curve(tmp_path):
    """One replicate of four collapsed: a ruin probability of 25 %, above the report's 5 %
    threshold, makes the verdict unsustainable whatever the single run says."""
    result = sim.run(BASELINE, members=300, days=12)
    table = pd.DataFrame({"replicate": range(4), "seed": [1, 2, 3, 4],
                          "collapse_day": pd.array([None, 5, None, None], dtype="Int64")})
    outcome = judge(result, tmp_path, table)
    ruin = [criterion for criterion in outcome.verdict.criteria if criterion.name == "Ruin probability by the last day"]
    assert ruin[0].tripped and outcome.verdict.label == "unsustainable"
    assert "ruin" in outcome.charts
    assert outcome.replicate_lines[0] == "replicates: 4 seeds derived from seed 1"


def test_a_design_of_a_study_is_its_base_scenario_with_the_designs_parameters(tmp_path):
    write_study(tmp_path / "greedy")
    assert find_studies(tmp_path) == [tmp_path / "greedy"]
    study = read_study(tmp_path / "greedy")
    settings = design_settings(study, 3)
    assert settings == {"rewards.energy_multiple": DESIGN_MULTIPLE, "withdrawals.insolvency_grace_days": 14}
    assert isinstance(settings["withdrawals.insolvency_grace_days"], int)  # stored as 14.0
    design = design_scenario(study, 3)
    assert design.rewards.energy_multiple == DESIGN_MULTIPLE and design.withdrawals.insolvency_grace_days == 14
    assert design.model_copy(update={"rewards": study.scenario.rewards,
                                     "withdrawals": study.scenario.withdrawals}) == study.scenario
    with pytest.raises(StudyError, match="trial 2: not on the Pareto front"):
        design_settings(study, 2)


def test_a_broken_study_is_named_plainly(tmp_path):
    write_study(tmp_path / "greedy")
    pd.read_parquet(tmp_path / "greedy" / "pareto.parquet").drop(columns="promises_honoured").to_parquet(
        tmp_path / "greedy" / "pareto.parquet")
    with pytest.raises(StudyError) as caught:
        read_study(tmp_path / "greedy")
    assert caught.value.problems == [f"{tmp_path / 'greedy' / 'pareto.parquet'}: promises_honoured: column missing"]


def test_the_pareto_chart_rings_the_selected_design(tmp_path):
    write_study(tmp_path / "greedy")
    study = read_study(tmp_path / "greedy")
    figure = pareto_figure(study.trials, study.pareto, study.objectives, ["x", "y"], selected_trial=3)
    ax = figure.axes[0]
    assert [text.get_text() for text in ax.get_legend().get_texts()] == [
        "trials", "Pareto-optimal designs", "selected: trial 3"]
    ring = ax.collections[-1].get_offsets()
    assert ring.tolist() == [[0.5, 0.2]]  # design 3: promises honoured 0.5, dependency 0.2


def test_live_panels_are_in_the_currency_with_plain_legends():
    """Money is cents / 100 in the scenario's currency, scaled like the report's charts;
    no legend is a raw column name."""
    result = sim.run(BASELINE, members=300, days=8, settings={"platform.currency": "CNY"})
    panels = live_panels(result.daily, "CNY")
    cash = panels[0]
    assert cash.y_label == "thousands of CNY"
    np.testing.assert_array_equal(cash.lines["platform cash"], result.daily["platform_cash_cents"] / 100_000)  # cents per 1 000 CNY
    assert all("_" not in label for panel in panels for label in panel.lines)
    assert [panel.title for panel in panels] == ["Cash against liabilities",
                                                 "Coverage of liabilities by cash (1 = fully covered)",
                                                 "Members", "Money per day"]
