"""Inputs inside the documented bounds either run exactly or are refused with one clear line
(issue "No silent wrong answer"). Each test is one example of a kind of fault, checked by
the value the run must give."""

import numpy as np
import pytest

from sim import ScenarioError, load_scenario, run
from sim.reference.model import first_difference, run_reference
from sim.scenario import loading
from sim.scenario.params import Scenario
from tests.conftest import BASELINE


def shrinking_market(tmp_path):
    path = tmp_path / "shrink.toml"
    path.write_text(f"""extends = "{BASELINE.as_posix()}"
[run]
days = 40
[population]
initial_members = 1000
market_size_members = 10000
bass_innovation_per_day = 0.02
[[events]]
day = 5
set = {{ "population.market_size_members" = 1000 }}
""")
    return path


def test_a_market_shrunk_below_the_members_loses_nobody(tmp_path):
    """A scheduled change that would make a flow negative: nobody who joined disappears and
    no daily flow is negative (before: day 5 recorded arrivals = -115 and 115 members
    vanished from members.parquet with their balances and promises)."""
    result = run(shrinking_market(tmp_path), validate=True)
    daily = result.daily
    assert daily.loc[daily["day"] < 5, "arrivals"].sum() > 0
    assert (daily["arrivals"] >= 0).all()
    assert (daily.loc[daily["day"] >= 5, "arrivals"] == 0).all()
    assert np.all(np.diff(daily["members_total"].to_numpy()) >= 0)
    assert len(result.members) == daily["members_total"].iloc[-1]
    flows = [c for c in daily.columns if c.endswith("_cents") and "balance" not in c and "liabilities" not in c
             and "cash" not in c and "own_funds" not in c and "unpaid" not in c]
    assert (daily[flows] >= 0).all().all()


def test_the_reference_agrees_on_a_shrunk_market(tmp_path):
    path = shrinking_market(tmp_path)
    assert first_difference(run(path).daily, run_reference(path).daily()) is None


@pytest.mark.parametrize("field", ["population.initial_members", "merchants.initial_merchants",
                                   "platform.initial_cash_cents"])
def test_an_event_cannot_change_what_only_day_zero_uses(tmp_path, field):
    path = tmp_path / "late.toml"
    path.write_text(f'extends = "{BASELINE.as_posix()}"\n[[events]]\nday = 7\nset = {{ "{field}" = 10 }}\n')
    with pytest.raises(ScenarioError) as raised:
        load_scenario(path)
    assert raised.value.problems == [f"{path.resolve()}: events.0.set.{field}: cannot change during a run "
                                     "(event of day 7)"]


def test_an_invalid_state_after_an_event_names_its_day(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(f'extends = "{BASELINE.as_posix()}"\n[[events]]\nday = 3\n'
                    'set = { "purchases.basket_median_cents" = 99999999999 }\n')
    with pytest.raises(ScenarioError) as raised:
        load_scenario(path)
    (problem,) = raised.value.problems
    assert "events (day 3, setting purchases.basket_median_cents)" in problem


def test_loading_validates_each_event_day_once(tmp_path, monkeypatch):
    """Cost that grows faster than the input: loading validated the whole scenario, event
    list included, once per event (2 000 events took 29 s). Now each event day's scenario
    is validated once, without the event list: validations grow linearly with the events."""
    calls = []
    validate = Scenario.model_validate.__func__

    def counting(cls, data, *args, **kwargs):
        calls.append(len(data.get("events", ())) if isinstance(data, dict) else 0)
        return validate(cls, data, *args, **kwargs)

    monkeypatch.setattr(Scenario, "model_validate", classmethod(counting))
    for events in (50, 400):
        calls.clear()
        lines = [f'[[events]]\nday = {day}\nset = {{ "purchases.purchase_probability_per_day" = 0.05 }}\n'
                 for day in range(events)]
        path = tmp_path / f"many{events}.toml"
        path.write_text(f'extends = "{BASELINE.as_posix()}"\n[run]\ndays = {events}\n' + "".join(lines))
        loading.load_scenario(path)
        assert len(calls) <= events + 2
        assert sum(calls) == events  # only the first validation holds the event list
