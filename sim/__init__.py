"""circsim: an economic simulator of circular-purchase reward platforms.

``from sim import load_scenario, run`` is the whole everyday API::

    result = run(load_scenario("scenarios/baseline.toml"), days=90, members=10_000)
    result.daily, result.summary, result.save("results")
"""

from sim.engine.simulation import run
from sim.results.run_result import RunResult, load_result
from sim.scenario.loading import ScenarioError, load_scenario

__all__ = ["RunResult", "ScenarioError", "load_result", "load_scenario", "run"]
