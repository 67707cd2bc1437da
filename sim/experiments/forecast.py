"""When will a calibrated platform fail to pay, and what would an order issued today change?

``forecast`` reads a calibration folder (``circsim calibrate``), draws parameter sets from
its posterior, plays each one with its own seed up to the last observed day, saves that
state in memory (``sim.engine.checkpoint.fork``) and continues it under every order
(``sim.scenario.interventions``) to the horizon. Every order starts from the same state and
plays the same random numbers after it (common random numbers), so differences between
orders are the orders' doing, not noise.

Per order and future day: the probability that the platform is still paying (no request
unpaid for the grace period yet) with a two-sided Clopper–Pearson interval over the draws;
the distribution of the collapse day; the funding gap (promised minus paid, the remaining
promises) and the members owed money (waiting for an unpaid withdrawal), as medians with
5–95 % bands.
"""

import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from sim.core import rng
from sim.core.errors import InputError
from sim.engine.checkpoint import continue_as, fork
from sim.engine.simulation import Simulation
from sim.experiments.executors import map_ordered, open_executor
from sim.experiments.frontier import ruin_lower_bound, ruin_upper_bound
from sim.scenario.interventions import Intervention, ordered
from sim.scenario.loading import ScenarioError, load_scenario, replace
from sim.scenario.params import Scenario

POSTERIOR_FILE, CALIBRATION_FILE, SCENARIO_FILE = "posterior.parquet", "calibration.json", "scenario.toml"
SURVIVAL_FILE, DRAWS_FILE, TRAJECTORIES_FILE, MANIFEST_FILE = (
    "survival.parquet", "draws.parquet", "trajectories.parquet", "forecast.json")
CONFIDENCE = 0.95
"""Level of the two-sided Clopper–Pearson interval around each day's probability of paying."""
BAND = (0.05, 0.5, 0.95)
"""Quantiles of the funding gap and members owed shown per day (lower, median, upper)."""
TRACKED_COLUMNS = {"contingent_liabilities_cents": "funding_gap_cents", "failed_withdrawals": "members_owed",
                   "platform_cash_cents": "platform_cash_cents"}
"""Daily columns kept for every draw and order, under the names the forecast gives them: the
funding gap is the remaining promises (promised minus paid, docs/MODEL.md §9); members owed
are those waiting for an unpaid withdrawal (§11)."""


@dataclass(frozen=True)
class Calibration:
    """What ``forecast`` needs of a calibration folder: the scenario the particles vary (at the
    calibration's population), the posterior (parameter columns and ``weight``), the last
    observed day and the factor from the calibration's population back to the scenario's
    (``population_scale``: the scenario's initial members / the calibration's)."""

    folder: Path
    scenario: Scenario
    posterior: pd.DataFrame
    last_observed_day: int
    population_scale: float

    @property
    def parameters(self) -> list[str]:
        return [column for column in self.posterior.columns if column != "weight"]


def read_calibration(folder: str | Path) -> Calibration:
    """Read ``folder`` (written by ``circsim calibrate``); raises ``InputError`` with one line
    per missing or unreadable part."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder}: no such calibration folder")
    missing = [name for name in (SCENARIO_FILE, POSTERIOR_FILE, CALIBRATION_FILE) if not (folder / name).is_file()]
    if missing:
        raise InputError([f"{folder}: {name}: missing (is this a folder written by `circsim calibrate`?)"
                          for name in missing])
    try:
        info = json.loads((folder / CALIBRATION_FILE).read_text())
        last_day = int(info["last_observed_day"])
        scale = 1.0 / float(info["population_scale_factor"])  # calibrate's factor is members / the scenario's
    except (ValueError, KeyError, TypeError, ZeroDivisionError) as err:
        raise InputError(f"{folder / CALIBRATION_FILE}: unreadable ({err})") from None
    posterior = pd.read_parquet(folder / POSTERIOR_FILE)
    if "weight" not in posterior.columns or posterior.empty:
        raise InputError(f"{folder / POSTERIOR_FILE}: needs at least one particle and a `weight` column")
    return Calibration(folder, load_scenario(folder / SCENARIO_FILE), posterior, last_day, scale)


def posterior_draws(posterior: pd.DataFrame, draws: int, seed: int) -> pd.DataFrame:
    """``draws`` parameter sets resampled from the weighted particles by systematic resampling
    (Kitagawa 1996: one uniform offset u, points (u + i) / n on the cumulative weights), the
    offset drawn by index from the counter-based generator, so the same seed gives the same
    draws. Returns the drawn rows (without ``weight``), index 0 … draws − 1."""
    weights = posterior["weight"].to_numpy(dtype=float)
    cumulative = np.cumsum(weights / weights.sum())
    offset = rng.uniform_py(rng.day_key(seed, rng.STREAM_RESAMPLE, 0), 0)
    points = (offset + np.arange(draws)) / draws
    chosen = np.minimum(np.searchsorted(cumulative, points, side="right"), len(weights) - 1)
    return posterior.drop(columns="weight").iloc[chosen].reset_index(drop=True)


@dataclass(frozen=True)
class DrawTask:
    """One posterior draw to play: its scenario (particle and seed applied), the day the
    orders are issued, and per order its label and the scenario it plays from that day on
    (``ordered``)."""

    draw: int
    scenario: Scenario
    start_day: int
    branches: tuple[tuple[str, Scenario], ...]


def play_draw(task: DrawTask) -> list[dict]:
    """Play one draw up to ``start_day``, then each order to the horizon from a copy of that
    state (in a worker, on one numba thread). One dict per order: ``collapse_day`` (None:
    still paying at the horizon) and the tracked daily columns from ``start_day`` on."""
    import numba

    numba.set_num_threads(1)
    sim = Simulation(task.scenario)
    while sim.day < task.start_day and not sim.finished:
        sim.step()
    outcomes = []
    for label, ordered_scenario in task.branches:
        branch = fork(sim)
        continue_as(branch, ordered_scenario)
        while not branch.finished:
            branch.step()
        daily = pd.DataFrame(branch.rows)
        future = daily[daily["day"] >= task.start_day]
        outcomes.append({
            "intervention": label, "draw": task.draw, "collapse_day": branch.totals.collapse_day,
            "days": future["day"].to_numpy(), **{name: future[column].to_numpy()
                                                 for column, name in TRACKED_COLUMNS.items()},
        })
    return outcomes


def survival_table(collapse_days: pd.DataFrame, first_day: int, last_day: int) -> pd.DataFrame:
    """One row per order and day in [first_day, last_day]: ``p_paying`` (share of draws not
    collapsed by that day: collapse day unknown or later) and its two-sided Clopper–Pearson
    ``lower`` and ``upper`` bounds at ``CONFIDENCE`` (the Monte Carlo error of the draws; the
    posterior's uncertainty is in the draws themselves)."""
    one_side = 1.0 - (1.0 - CONFIDENCE) / 2
    rows = []
    days = np.arange(first_day, last_day + 1)
    for label, group in collapse_days.groupby("intervention", sort=False):
        collapsed = group["collapse_day"].dropna().to_numpy(dtype=np.int64)
        draws = len(group)
        ruined_by = np.searchsorted(np.sort(collapsed), days, side="right")
        for day, ruined in zip(days, ruined_by):
            ruined = int(ruined)
            rows.append({"intervention": label, "day": int(day), "p_paying": 1.0 - ruined / draws,
                         "lower": 1.0 - ruin_upper_bound(ruined, draws, one_side),
                         "upper": 1.0 - ruin_lower_bound(ruined, draws, one_side)})
    return pd.DataFrame(rows)


def band_table(trajectories: pd.DataFrame) -> pd.DataFrame:
    """Per order and day, the 5 %, 50 % and 95 % quantiles of each tracked column over the
    draws (a collapsed run's last value carries on: what is owed stays owed)."""
    names = list(TRACKED_COLUMNS.values())
    quantiles = trajectories.groupby(["intervention", "day"], sort=False)[names].quantile(list(BAND))
    wide = quantiles.unstack()
    wide.columns = [f"{name}_q{round(q * 100):02d}" for name, q in wide.columns]
    return wide.reset_index()


def collapse_summary(collapse_days: pd.DataFrame, horizon_days: int) -> dict[str, dict]:
    """Per order: the share of draws collapsing before the horizon, and the 5 %, 50 % and 95 %
    quantiles of the collapse day among the draws that collapse (None when none does)."""
    summary = {}
    for label, group in collapse_days.groupby("intervention", sort=False):
        collapsed = group["collapse_day"].dropna().to_numpy(dtype=float)
        quantiles = np.quantile(collapsed, BAND).round().astype(int).tolist() if collapsed.size else [None] * 3
        summary[label] = {"p_collapse_by_horizon": collapsed.size / len(group), "horizon_day": horizon_days - 1,
                          "collapse_day_q05": quantiles[0], "collapse_day_median": quantiles[1],
                          "collapse_day_q95": quantiles[2]}
    return summary


@dataclass
class ForecastResult:
    """The tables and figures ``save_forecast`` writes."""

    survival: pd.DataFrame
    draws: pd.DataFrame
    trajectories: pd.DataFrame
    manifest: dict


def forecast(calibration: Calibration, horizon_days: int, interventions: list[Intervention], *, draws: int = 100,
             seed: int | None = None, executor: str = "local", workers: int | None = None,
             scheduler: str | None = None, progress: bool = False) -> ForecastResult:
    """Forecast ``horizon_days`` past the last observed day under each order (docstring of the
    module). ``draws`` posterior draws, each played with seed ``replicate_seed(seed, draw)``
    (``seed`` defaults to the calibrated scenario's). Money in cents at the calibration's
    population; the manifest gives the factor to the real one. Raises ``InputError`` when a
    particle or an order does not make a valid scenario."""
    started = time.perf_counter()
    seed = calibration.scenario.run.seed if seed is None else seed
    start_day = calibration.last_observed_day + 1
    end_day = start_day + horizon_days
    drawn = posterior_draws(calibration.posterior, draws, seed)
    tasks = []
    for draw, row in drawn.iterrows():
        settings = {name: (value.item() if hasattr(value, "item") else value) for name, value in row.items()}
        settings["run.seed"] = rng.replicate_seed(seed, int(draw))
        settings["run.days"] = end_day
        try:
            scenario = replace(calibration.scenario, settings, origin=f"{calibration.folder / POSTERIOR_FILE}")
            # every order is made (and checked) here, before anything runs
            branches = tuple((intervention.label, ordered(scenario, intervention, start_day, end_day))
                             for intervention in interventions)
        except ScenarioError as err:
            raise InputError(err.problems) from None
        tasks.append(DrawTask(int(draw), scenario, start_day, branches))
    outcomes = []
    with open_executor(executor, workers, scheduler) as pool, \
            tqdm(total=len(tasks), unit="draw", disable=not progress) as bar:
        for result in map_ordered(pool, play_draw, tasks):
            outcomes += result
            bar.update()
    collapse_days = pd.DataFrame([{"intervention": o["intervention"], "draw": o["draw"],
                                   "collapse_day": o["collapse_day"]} for o in outcomes]).astype({"collapse_day": "Int64"})
    draws_table = collapse_days.merge(drawn.assign(draw=drawn.index), on="draw")
    trajectories = _trajectories(outcomes, start_day, end_day)
    manifest = {
        "calibration": str(calibration.folder), "scenario": calibration.scenario.name,
        "parameters": calibration.parameters, "draws": draws, "seed": seed,
        "first_forecast_day": start_day, "horizon_days": horizon_days, "last_day": end_day - 1,
        "interventions": [i.label for i in interventions], "confidence": CONFIDENCE,
        "population_scale": calibration.population_scale, "currency": calibration.scenario.platform.currency,
        "collapse": collapse_summary(collapse_days, end_day),
        "already_collapsed_draws": int((collapse_days["collapse_day"].dropna() < start_day).sum() // len(interventions)),
        "wall_seconds": round(time.perf_counter() - started, 3),
    }
    return ForecastResult(survival_table(collapse_days, start_day, end_day - 1), draws_table, trajectories, manifest)


def _trajectories(outcomes: list[dict], start_day: int, end_day: int) -> pd.DataFrame:
    """Long table (intervention, draw, day, tracked columns) over every forecast day; a run that
    stopped early (collapse with ``stop_on_collapse``, absconding) keeps its last values."""
    days = np.arange(start_day, end_day)
    frames = []
    for outcome in outcomes:
        frame = pd.DataFrame({"day": outcome["days"], **{name: outcome[name] for name in TRACKED_COLUMNS.values()}})
        frame = frame.set_index("day").reindex(days).ffill().reset_index()
        frames.append(frame.assign(intervention=outcome["intervention"], draw=outcome["draw"]))
    columns = ["intervention", "draw", "day", *TRACKED_COLUMNS.values()]
    return pd.concat(frames, ignore_index=True)[columns]


def save_forecast(result: ForecastResult, out_dir: str | Path, write_extras=None) -> Path:
    """Write ``out_dir/<scenario>/`` atomically: ``survival.parquet`` (intervention, day,
    p_paying, lower, upper), ``draws.parquet`` (per draw and order: parameters, collapse day),
    ``trajectories.parquet`` (per draw, order and day: funding gap, members owed, cash),
    ``bands.parquet`` (their 5/50/95 % quantiles per order and day) and ``forecast.json``;
    then ``write_extras(folder)`` (the report and charts) inside the same atomic write."""
    from sim.results.files import folder_inside, write_folder

    target = folder_inside(out_dir, result.manifest["scenario"])

    def write(folder: Path) -> None:
        result.survival.to_parquet(folder / SURVIVAL_FILE, index=False)
        result.draws.to_parquet(folder / DRAWS_FILE, index=False)
        result.trajectories.to_parquet(folder / TRAJECTORIES_FILE, index=False)
        band_table(result.trajectories).to_parquet(folder / "bands.parquet", index=False)
        (folder / MANIFEST_FILE).write_text(json.dumps(result.manifest, indent=2) + "\n")
        if write_extras is not None:
            write_extras(folder)

    return write_folder(target.parent, target.name, write)
