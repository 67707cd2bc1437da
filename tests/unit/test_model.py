"""``CircularPurchaseModel``, the Mesa face of the fast engine: stepping it, its data
collector, ``mesa.batch_run``, member inspection and merchants as agents all give the
numbers of ``sim.run`` for the same scenario and seed."""

import inspect

import mesa
import pandas as pd
import pytest

import sim
from sim.dashboard.model import MODEL_PARAMETERS, CircularPurchaseModel, EngineMerchant
from sim.engine.state import MEMBER_FIELDS
from sim.reference.model import first_difference
from sim.results.tables import DAILY_COLUMNS
from tests.helpers import BASELINE, SCENARIOS

SMALL = dict(members=300, days=12)


def collected(model) -> pd.DataFrame:
    return model.datacollector.get_model_vars_dataframe()[list(DAILY_COLUMNS)]


def test_stepping_the_model_gives_the_engine_run():
    model = CircularPurchaseModel(BASELINE, seed=7, energy_multiple=4.0, **SMALL)
    while model.running:
        model.step()
    expected = sim.run(BASELINE, seed=7, settings={"rewards.energy_multiple": 4.0}, **SMALL)
    assert model.steps == model.day == SMALL["days"]
    assert first_difference(expected.daily, collected(model)) is None
    assert first_difference(expected.daily, model.daily()) is None
    assert model.result().summary == expected.summary
    model.step()  # a finished model stays where it is
    assert model.day == SMALL["days"] and not model.running


def test_batch_run_with_two_values_and_two_iterations_equals_sim_run():
    rows = pd.DataFrame(mesa.batch_run(
        CircularPurchaseModel,
        parameters={"scenario": str(BASELINE), "energy_multiple": [2.0, 4.0], **SMALL},
        iterations=2, max_steps=SMALL["days"], number_processes=1, data_collection_period=1,
        display_progress=False,
    ))
    runs = rows.groupby("RunId")
    assert runs.ngroups == 4
    assert rows.groupby(["RunId"])["seed"].nunique().eq(1).all()
    assert rows.groupby("energy_multiple")["seed"].nunique().eq(2).all()  # the iterations differ
    for _, run in runs:
        multiple, seed = run["energy_multiple"].iloc[0], int(run["seed"].iloc[0])
        expected = sim.run(BASELINE, seed=seed, settings={"rewards.energy_multiple": multiple}, **SMALL).daily
        assert run["Step"].tolist() == expected["day"].tolist()
        got = run[list(DAILY_COLUMNS)].reset_index(drop=True)
        assert first_difference(expected, got) is None, (multiple, seed)


def test_every_reward_parameter_sets_its_scenario_field():
    parameters = inspect.signature(CircularPurchaseModel).parameters
    assert set(MODEL_PARAMETERS) <= set(parameters)
    values = {"energy_multiple": 2.5, "dividend_pool_share_of_sales": 0.05, "pool_release_share_per_day": 0.5,
              "release_rule": "emission", "withdrawal_fee_share": 0.1, "purchase_probability_per_day": 0.2}
    assert set(values) == set(MODEL_PARAMETERS)
    model = CircularPurchaseModel(BASELINE, seed=1, **values, **SMALL)
    for name, path in MODEL_PARAMETERS.items():
        section, field = path.split(".")
        assert getattr(getattr(model.scenario, section), field) == values[name]


def test_without_a_seed_mesa_draws_one_and_reports_it():
    first, second = (CircularPurchaseModel(BASELINE, **SMALL) for _ in range(2))
    assert first.seed != second.seed
    first.step()
    assert first.datacollector.get_model_vars_dataframe()["seed"].tolist() == [first.seed]


def test_members_are_inspected_by_id_and_as_a_frame():
    model = CircularPurchaseModel(BASELINE, seed=2, **SMALL)
    for _ in range(5):
        model.step()
    frame = model.members_frame()
    assert list(frame.columns) == list(MEMBER_FIELDS) and len(frame) == model.simulation.members.count
    assert model.member(7) == frame.loc[7].to_dict()
    assert frame["goods_cents"].sum() == model.daily()["sales_cents"].sum()
    model.step()
    assert model.members_frame()["goods_cents"].sum() > frame["goods_cents"].sum()  # a copy, not a view
    with pytest.raises(IndexError, match="no member"):
        model.member(len(frame) + 100)


def test_merchants_are_agents_and_leave_the_model_when_they_leave():
    model = CircularPurchaseModel(SCENARIOS / "stress_merchant_exodus.toml", seed=1, members=2_000, days=160)
    while model.running:
        model.step()
    merchants = model.agents_by_type[EngineMerchant]
    daily = model.daily()
    assert daily["merchants_left"].sum() > 0
    assert len(model.agents) == len(merchants) == daily["merchants_active"].iloc[-1]
    assert all(merchant.active for merchant in merchants)
    assert sum(merchant.sales_cents for merchant in merchants) <= daily["sales_cents"].sum()
    assert {merchant.concession_share for merchant in merchants} <= {0.1, 0.15, 0.2}
