"""Calibration recovers known parameters (issue 16, "Recovery"): synthetic observations from a
run with a known Bass imitation rate q are calibrated back by ABC-SMC
(sim.experiments.calibrate). ABC-SMC approximates the posterior p(q | observations)
(Beaumont et al. 2009, Biometrika 96(4):983); with an informative series the true q lies
inside the 90 % credible interval (in 90 % of datasets; the coverage over ten datasets is
measured in benchmarks/calibration.py) and the interval is much narrower than the prior's.
The calibration is interrupted (KeyboardInterrupt, as Ctrl-C or SIGTERM raise in `circsim`) in
its second generation and continued from its SQLite history to three generations.
"""

import numpy as np
import pandas as pd
import pyabc
import pytest

from sim.core.errors import InputError
from sim.engine.simulation import run
from sim.experiments.calibrate import CalibrationSetup, ScenarioModel, calibrate, history_url, parse_parameter
from sim.results.observed import load_observed
from sim.scenario.loading import replace
from sim.scenario.scaling import resolve
from tests.helpers import BASELINE

TRUE_IMITATION_PER_DAY = 0.03
PRIOR = "population.bass_imitation_per_day=0.001:0.08"
PRIOR_WIDTH_SHARE = 0.5
PARTICLES = 20


@pytest.fixture(scope="module")
def small_market():
    """The baseline at 500 members for 48 days (a run takes about 0.1 s on one thread)."""
    return resolve(BASELINE, days=48, members=500, seed=3)


def synthetic_observations(scenario, folder, seed: int):
    """Members and cumulative sales every 6 days from a run with the true q and its own seed."""
    daily = run(replace(scenario, {"population.bass_imitation_per_day": TRUE_IMITATION_PER_DAY, "run.seed": seed}),
                threads=1).daily
    daily["cumulative_sales_cents"] = daily["sales_cents"].cumsum()
    path = folder / "observed.csv"
    daily.loc[daily["day"] % 6 == 5, ["day", "members_total", "cumulative_sales_cents"]].to_csv(path, index=False)
    return load_observed(path, scenario)


def test_known_imitation_rate_is_recovered_and_the_run_resumes(small_market, tmp_path, monkeypatch):
    observed = synthetic_observations(small_market, tmp_path, seed=101)
    setup = CalibrationSetup(small_market, [parse_parameter(PRIOR, small_market)], observed, 1.0, 500, seed=7)
    history = tmp_path / "history.db"
    simulate = ScenarioModel.summary_statistics

    def interrupted_in_generation_1(model, t, pars, calculator):
        if t == 1:
            raise KeyboardInterrupt  # Ctrl-C in the middle of the second generation
        return simulate(model, t, pars, calculator)

    monkeypatch.setattr(ScenarioModel, "summary_statistics", interrupted_in_generation_1)
    with pytest.raises(KeyboardInterrupt):
        calibrate(setup, history, particles=PARTICLES, generations=3)
    monkeypatch.undo()
    assert pyabc.History(history_url(history), _id=1).max_t == 0  # generation 0 was stored, 1 was not
    resumed = calibrate(setup, history, particles=PARTICLES, generations=3)
    assert resumed.resumed and resumed.history.max_t == 2

    interval = resumed.intervals()["population.bass_imitation_per_day"]
    assert interval["lower"] <= TRUE_IMITATION_PER_DAY <= interval["upper"], interval
    assert interval["width_share_of_prior"] < PRIOR_WIDTH_SHARE, interval
    posterior = resumed.posterior()
    assert list(posterior.columns) == ["population.bass_imitation_per_day", "weight"]
    assert len(posterior) == PARTICLES and np.isclose(posterior["weight"].sum(), 1.0)


def test_a_history_of_other_observations_is_refused(small_market, tmp_path):
    """Continuing a stored history with other observations would mix two calibrations."""
    observed = synthetic_observations(small_market, tmp_path, seed=101)
    setup = CalibrationSetup(small_market, [parse_parameter(PRIOR, small_market)], observed, 1.0, 500, seed=7)
    history = tmp_path / "history.db"
    calibrate(setup, history, particles=5, generations=1)
    other = synthetic_observations(small_market, tmp_path, seed=202)
    with pytest.raises(InputError, match="a stored calibration of other observations or parameters"):
        calibrate(CalibrationSetup(small_market, setup.parameters, other, 1.0, 500, seed=7), history,
                  particles=5, generations=2)


def test_combinations_the_scenario_rejects_are_never_simulated(small_market):
    """The dividend pool is paid out of the merchants' concession, so a pool share above the
    concession is a scenario the validation rejects: the truncated prior gives such a
    combination density 0 and never draws it, though each range alone is acceptable."""
    parameters = [parse_parameter("release.dividend_pool_share_of_sales=0.05:0.3", small_market),
                  parse_parameter("merchants.concession_share=0.1:0.3", small_market)]
    prior = CalibrationSetup(small_market, parameters, None, 1.0, 500, seed=7).prior()
    pool, concession = "release.dividend_pool_share_of_sales", "merchants.concession_share"
    assert prior.pdf({pool: 0.1, concession: 0.25}) > 0
    assert prior.pdf({pool: 0.25, concession: 0.15}) == 0
    draws = pd.DataFrame([prior.rvs() for _ in range(40)])
    assert (draws[pool] <= draws[concession]).all()
