"""The Mesa page of the dashboard: a Mesa ``SolaraViz`` page of ``CircularPurchaseModel``
with sliders for the main reward parameters (each showing its value) and live charts of
cash against liabilities, the coverage ratios, the members and the daily money flows, in
the scenario's currency with plain-language legends (``sim.dashboard.charts``).

It is the "Mesa model" page of the workbench (``sim.dashboard.app``), for Mesa users who
want to step the model; the scenario and the number of members come from the environment
variables of ``sim.dashboard.settings``. Every browser session gets its own model.
"""

import math
import os

import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from sim.core.units import PPM
from sim.dashboard.charts import live_figure, live_panels
from sim.dashboard.model import DEFAULT_SCENARIO, CircularPurchaseModel
from sim.dashboard.settings import DEFAULT_MEMBERS, MEMBERS_VARIABLE, SCENARIO_VARIABLE
from sim.scenario.compiled import compile_rules
from sim.scenario.loading import load_scenario
from sim.scenario.params import Scenario

SLIDER_VALUES_ALWAYS_SHOWN = ".v-slider__thumb-label-container { display: block !important; }"
"""Mesa's sliders show their value only while dragged (vuetify hides the thumb label with an
inline style); this shows it at all times."""


def live_chart(index: int):
    """A SolaraViz component drawing live panel ``index`` of ``live_panels`` after every
    step; before day 1 is played it says so instead of drawing an empty chart."""
    @solara.component
    def LiveChart(model: CircularPurchaseModel):
        update_counter.get()  # redrawn when Mesa steps the model
        daily = model.daily()
        if daily.empty:
            solara.Info("Day 0: no day played yet. Press Step to play one day, or ▶ to play on.")
            return
        panel = live_panels(daily, model.scenario.platform.currency)[index]
        solara.FigureMatplotlib(live_figure(panel), format="png")
    return LiveChart


CHARTS = [live_chart(index) for index in range(4)]


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
    solara.Style(SLIDER_VALUES_ALWAYS_SHOWN)
    SolaraViz(model, components=CHARTS, model_params=model_parameters(scenario_path, scenario, members),
              name=f"circsim: {scenario.name}")
