"""The circsim dashboard: a Mesa ``SolaraViz`` page of ``CircularPurchaseModel`` with
sliders for the main reward parameters and live charts of cash against liabilities, the
coverage ratios, the members and the daily release.

Start it with ``circsim dashboard [SCENARIO.toml] [--members N]`` (see ``sim.cli.dashboard``),
which runs ``solara run sim.dashboard`` with the scenario and the number of members in
the environment variables of ``sim.cli.dashboard``. Every browser session gets its own model.
"""

import math
import os

import solara
from mesa.visualization import SolaraViz, make_plot_component

from sim.core.units import PPM
from sim.dashboard.model import DEFAULT_SCENARIO, CircularPurchaseModel
from sim.dashboard.settings import DEFAULT_MEMBERS, MEMBERS_VARIABLE, SCENARIO_VARIABLE
from sim.scenario.compiled import compile_rules
from sim.scenario.loading import load_scenario
from sim.scenario.params import Scenario

CHART_SIZE_INCHES = (6.4, 3.4)
"""Wider than matplotlib's default, so that a chart fits the height of Mesa's grid cell."""


def titled(title: str, log_scale: bool = False):
    """A chart's post-processing: its size and title, and a logarithmic axis once it has data."""
    def post_process(ax):
        ax.figure.set_size_inches(*CHART_SIZE_INCHES)
        ax.set_title(title)
        if log_scale and any(value > 0 for line in ax.get_lines() for value in line.get_ydata()):
            ax.set_yscale("log")
    return post_process


CHARTS = [
    make_plot_component(
        {"platform_cash_cents": "tab:green", "hard_liabilities_cents": "tab:red",
         "contingent_liabilities_cents": "tab:purple"},
        post_process=titled("Cash vs liabilities (cents)", log_scale=True)),
    make_plot_component(["coverage_ratio", "coverage_ratio_all"],
                        post_process=titled("Coverage: cash / hard, cash / all liabilities", log_scale=True)),
    make_plot_component(["members_total", "members_active", "members_in_dividend"],
                        post_process=titled("Members")),
    make_plot_component(["released_cents", "pool_inflow_cents", "withdrawn_cents"],
                        post_process=titled("Released, pool inflow and withdrawn per day (cents)")),
]


def pool_share_ceiling(scenario: Scenario) -> float:
    """The largest dividend-pool share the scenario accepts, to two decimals: the smallest
    concession less the honorary pool and the referral cash rewards."""
    referral_cash = sum(compile_rules(scenario).referral_cash_ppm) / PPM
    room = min(scenario.merchants.concession_shares()) - scenario.honorary.pool_share_of_sales - referral_cash
    return math.floor(room * 100) / 100


def model_parameters(scenario_path: str, scenario: Scenario, members: int) -> dict:
    """SolaraViz's model parameters: the scenario fixed, sliders for the rest."""
    def slider(kind, label, value, low, high, step):
        return {"type": kind, "label": label, "value": value, "min": low, "max": high, "step": step}

    return {
        "scenario": scenario_path,
        "members": slider("SliderInt", "Initial members", members, 500, max(20_000, members), 500),
        "seed": slider("SliderInt", "Seed", scenario.run.seed, 0, 100, 1),
        "energy_multiple": slider("SliderFloat", "Energy multiple (promise per price)",
                                  scenario.rewards.energy_multiple, 0.0, 10.0, 0.1),
        "dividend_pool_share_of_sales": slider("SliderFloat", "Dividend pool share of sales",
                                               scenario.release.dividend_pool_share_of_sales, 0.0,
                                               pool_share_ceiling(scenario), 0.01),
        "withdrawal_fee_share": slider("SliderFloat", "Withdrawal fee", scenario.withdrawals.fee_share, 0.0, 0.5, 0.01),
        "purchase_probability_per_day": slider("SliderFloat", "Purchase probability per day",
                                               scenario.purchases.purchase_probability_per_day, 0.0, 0.5, 0.01),
    }


@solara.component
def Page():
    """One dashboard per browser session, on the scenario named in the environment."""
    scenario_path = os.environ.get(SCENARIO_VARIABLE, str(DEFAULT_SCENARIO))
    members = int(os.environ.get(MEMBERS_VARIABLE, DEFAULT_MEMBERS))
    scenario = solara.use_memo(lambda: load_scenario(scenario_path), [])
    model = solara.use_memo(
        lambda: CircularPurchaseModel(scenario_path, members=members, seed=scenario.run.seed), [])
    SolaraViz(model, components=CHARTS, model_params=model_parameters(scenario_path, scenario, members),
              name=f"circsim: {scenario.name}")
