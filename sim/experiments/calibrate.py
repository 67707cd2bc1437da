"""Calibration of a scenario to observed figures by approximate Bayesian computation
(ABC-SMC, Del Moral, Doucet & Jasra 2012; Beaumont et al. 2009), with pyABC (Schälte et al.
2022, https://pyabc.readthedocs.io).

* **Priors**: one per ``--parameter section.field=low:high[:log]``, uniform on [low, high]
  or log-uniform (scipy's ``loguniform``), independent, truncated to the combinations the
  scenario accepts (``ScenarioPrior``: a proposal the scenario's validation rejects, e.g.
  pool shares above the concession, has prior density 0, so pyABC never simulates it).
* **Model**: the scenario with the particle's settings applied (after the ``--members``
  scaling, as ``--set`` is), played for ``days`` (at least the last observed day + 1) on one
  thread, ``run.stop_on_collapse`` off so that every observed day exists. **Seeds**: each
  particle plays a seed of its own, ``particle_seed(seed, t, parameters)``, hashed from the
  base seed, the generation and the drawn values, so a calibration is reproducible whatever
  the order of evaluation, and the posterior carries the model's noise. Common random
  numbers within a generation (every particle of generation t on one seed) were tried and
  dropped: the acceptance threshold of generation t comes from generation t-1's distances,
  made under another seed, so with noise-free scales a lucky seed accepted every proposal
  and the next, unlucky one stalled (measured on the baseline at 2 000 members: acceptance
  0.67, 0.10, 1.0, then a generation that did not finish); see benchmarks/README.md,
  Calibration.
* **Summary statistics**: the simulated values at the observed (column, day) points, and the
  observed values (extensive ones multiplied by the population scale factor
  members / scenario's initial members), both through ``arcsinh``. arcsinh(x) is close to
  sign(x)·ln(2|x|) for large |x|, so a difference is a relative error for counts and money
  (which span orders of magnitude over a platform's life: absolute errors would let the
  latest, largest figures decide alone), while zero and negative values (a platform in
  debt) stay defined, and ratios near 0..1 are compared almost as they are.
* **Distance**: pyABC's ``AdaptivePNormDistance`` (Prangle 2017), p = 2: each statistic is
  divided by a scale refitted every generation. For figures without a stated uncertainty
  (the wide layout) the scale is the median absolute deviation of the simulated statistic
  over all particles of the generation (robust to outliers). For a figure with a stated
  ``relative_uncertainty`` u the scale is fixed: u × |x| / sqrt(1 + x²) in arcsinh units,
  i.e. the error divided by (u × observed value), so "± 5 %" counts as one unit.
* **Results**: ``write_results`` (posterior.parquet, calibration.json, scenario.toml,
  observed.parquet, history.db, predictive.parquet, charts by ``sim.report``'s caller).
"""

import hashlib
import json
import math
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyabc
from pyabc.distance.scale import median_absolute_deviation
from pyabc.weighted_statistics import weighted_quantile
from pydantic import ValidationError
from scipy import stats

from sim.core.errors import InputError
from sim.core.rng import replicate_seed
from sim.engine.simulation import run
from sim.results.observed import CUMULATIVE_PREFIX, ObservedData
from sim.scenario.loading import ScenarioError, replace, to_toml
from sim.scenario.params import Scenario

CREDIBLE_LEVEL = 0.90
"""Width of the credible intervals reported (5 % to 95 % quantiles of the weighted posterior)."""
PREDICTIVE_SEED_OFFSET = 1_000_000
"""Predictive draw k plays ``replicate_seed(seed, PREDICTIVE_SEED_OFFSET + k)``: seeds no
generation uses, so the band shows the model's own noise too."""
PRIOR_DRAW_LIMIT = 10_000
"""Draws from the prior box before concluding that the scenario accepts no combination in it."""
HISTORY_FILE = "history.db"


@dataclass(frozen=True)
class ParameterRange:
    """One calibrated scenario field: its dotted ``path``, prior bounds ``low`` < ``high`` (in
    the field's unit), ``log`` (log-uniform prior), ``whole`` (an integer field: the drawn
    value is rounded)."""

    path: str
    low: float
    high: float
    log: bool = False
    whole: bool = False

    @property
    def prior_name(self) -> str:
        return "log-uniform" if self.log else "uniform"

    def random_variable(self) -> pyabc.RV:
        """The prior as a pyABC random variable (scipy.stats ``uniform(loc, scale)`` or
        ``loguniform(a, b)``)."""
        if self.log:
            return pyabc.RV("loguniform", self.low, self.high)
        return pyabc.RV("uniform", self.low, self.high - self.low)

    def prior_quantiles(self, levels) -> np.ndarray:
        """Quantiles of the prior at ``levels`` (the untruncated box)."""
        if self.log:
            return stats.loguniform(self.low, self.high).ppf(levels)
        return stats.uniform(self.low, self.high - self.low).ppf(levels)

    def value(self, drawn: float) -> float | int:
        """The scenario value of a drawn one (rounded for an integer field)."""
        return round(drawn) if self.whole else float(drawn)


def parse_parameter(text: str, scenario: Scenario) -> ParameterRange:
    """``section.field=low:high`` or ``section.field=low:high:log`` checked against the scenario:
    the field exists and is a number (not a flag), 0 < ... for log, low < high, both ends
    accepted by the scenario. Raises ``InputError`` with one line naming ``--parameter``."""
    where = f"--parameter {text}"
    path, equals, bounds = text.partition("=")
    path = path.strip()
    if not equals:
        raise InputError([f"{where}: expected SECTION.FIELD=LOW:HIGH or SECTION.FIELD=LOW:HIGH:log"])
    section_name, _, field_name = path.partition(".")
    section = getattr(scenario, section_name, None)
    fields = type(section).model_fields if hasattr(type(section), "model_fields") else {}
    if field_name not in fields:
        raise InputError([f"{where}: {path}: not a field of the scenario"])
    if section_name == "run":
        raise InputError([f"{where}: {path}: a setting of the run (use --days, --seed), not of the platform"])
    current = getattr(section, field_name)
    if isinstance(current, bool) or not isinstance(current, int | float):
        raise InputError([f"{where}: {path}: not a number (it holds {type(current).__name__} values)"])
    parts = [part.strip() for part in bounds.split(":")]
    log = len(parts) == 3 and parts[2] == "log"
    if len(parts) not in (2, 3) or (len(parts) == 3 and not log):
        raise InputError([f"{where}: expected LOW:HIGH or LOW:HIGH:log after ="])
    try:
        low, high = float(parts[0]), float(parts[1])
    except ValueError:
        raise InputError([f"{where}: the bounds must be numbers, got {parts[0]!r} and {parts[1]!r}"]) from None
    if not (math.isfinite(low) and math.isfinite(high)) or low >= high:
        raise InputError([f"{where}: need finite bounds with low < high, got {low:g}:{high:g}"])
    if log and low <= 0:
        raise InputError([f"{where}: a log-uniform prior needs low > 0, got {low:g}"])
    whole = isinstance(current, int)
    for end in (low, high):
        # the field's own bounds (its section alone): a combination with other sections'
        # fields that the scenario rejects is the prior's business (ScenarioPrior), not an error
        try:
            type(section).model_validate({**section.model_dump(), field_name: round(end) if whole else end})
        except ValidationError as err:
            raise InputError([f"{where}: {path} = {end:g}: {err.errors()[0]['msg']}"]) from None
    return ParameterRange(path, low, high, log, whole)


class ScenarioPrior(pyabc.Distribution):
    """Independent priors on the parameters, truncated to the combinations ``accepts`` allows
    (density 0 elsewhere; ``rvs`` draws again). pyABC tests a proposal's prior density before
    simulating it, so a combination the scenario rejects is never simulated."""

    def __init__(self, accepts=None, **random_variables):
        super().__init__(**random_variables)
        self.accepts = accepts

    def copy(self) -> "ScenarioPrior":
        return ScenarioPrior(self.accepts, **{key: value.copy() for key, value in self.items()})

    def rvs(self, *args, **kwargs) -> pyabc.Parameter:
        for _ in range(PRIOR_DRAW_LIMIT):
            parameter = super().rvs(*args, **kwargs)
            if self.accepts(parameter):
                return parameter
        raise InputError([(f"--parameter: the scenario rejects every one of {PRIOR_DRAW_LIMIT:,} combinations "
                           "drawn from the ranges")])

    def pdf(self, x):
        density = super().pdf(x)
        return density if density > 0 and self.accepts(x) else 0.0


def statistic(values: np.ndarray) -> np.ndarray:
    """The summary statistic of observed or simulated values: arcsinh (module docstring)."""
    return np.arcsinh(values)


class ObservedScale:
    """pyABC scale function (``scale_function`` of ``AdaptivePNormDistance``): per statistic,
    the fixed scale of a stated relative uncertainty where there is one, else the median
    absolute deviation of the simulated statistics (shape (statistics,))."""

    __name__ = "mad_or_stated_uncertainty"  # pyABC records the scale function by its name

    def __init__(self, fixed_scales: dict[str, float]):
        self.fixed_scales = fixed_scales

    def __call__(self, *, samples: np.ndarray, s_ids: list[str], **kwargs) -> np.ndarray:
        scales = median_absolute_deviation(samples=samples)
        for index, key in enumerate(s_ids):
            if key in self.fixed_scales:
                scales[index] = self.fixed_scales[key]
        return scales


@dataclass
class CalibrationSetup:
    """Everything a calibration needs: the scenario as played (scaled to ``members``, for
    ``days``), the parameter ranges, the observations and the population scale factor
    (members / the scenario's initial members), the base ``seed``."""

    scenario: Scenario
    parameters: list[ParameterRange]
    observed: ObservedData
    scale_factor: float
    members: int
    seed: int

    @property
    def keys(self) -> list[str]:
        """The summary statistics' names, one per observed figure (``column@day``)."""
        return self.observed.keys

    def settings(self, parameter) -> dict:
        """The scenario settings of a particle's parameters."""
        return {item.path: item.value(parameter[item.path]) for item in self.parameters}

    def accepts(self, parameter) -> bool:
        """Whether the scenario accepts the particle's settings."""
        try:
            replace(self.scenario, self.settings(parameter))
        except ScenarioError:
            return False
        return True

    def simulate(self, parameter, seed: int) -> pd.DataFrame:
        """The daily table of one run with the particle's settings and ``seed`` (one thread)."""
        return run(replace(self.scenario, {**self.settings(parameter), "run.seed": seed}), threads=1).daily

    def observed_statistics(self) -> dict[str, float]:
        values = statistic(self.observed.scaled_values(self.scale_factor))
        return dict(zip(self.keys, values.tolist(), strict=True))

    def fixed_scales(self) -> dict[str, float]:
        """Scales of the figures with a stated relative uncertainty (arcsinh units)."""
        observed = self.observed.scaled_values(self.scale_factor)
        uncertainty = self.observed.figures["relative_uncertainty"].to_numpy()
        return {key: float(u * abs(x) / math.sqrt(1.0 + x * x))
                for key, u, x in zip(self.keys, uncertainty, observed, strict=True) if not math.isnan(u) and x != 0}

    def prior(self) -> ScenarioPrior:
        return ScenarioPrior(self.accepts, **{item.path: item.random_variable() for item in self.parameters})

    def distance(self) -> pyabc.AdaptivePNormDistance:
        return pyabc.AdaptivePNormDistance(p=2, scale_function=ObservedScale(self.fixed_scales()))


def particle_seed(seed: int, generation: int, parameter) -> int:
    """The seed a particle plays: ``replicate_seed(seed, k)`` with k ≥ 1 hashed (BLAKE2b) from
    the generation and the particle's drawn values, so it does not depend on which process
    evaluates it, or when."""
    text = repr((generation, sorted((name, float(value)) for name, value in parameter.items())))
    replicate = 1 + int.from_bytes(hashlib.blake2b(text.encode(), digest_size=7).digest(), "little")
    return replicate_seed(seed, replicate)


class ScenarioModel(pyabc.Model):
    """The pyABC model: one simulation per particle, with the seed ``particle_seed``."""

    def __init__(self, setup: CalibrationSetup):
        super().__init__(name=setup.scenario.name)
        self.setup = setup

    def summary_statistics(self, t, pars, sum_stat_calculator) -> pyabc.model.ModelResult:
        daily = self.setup.simulate(pars, particle_seed(self.setup.seed, t, pars))
        values = statistic(self.setup.observed.simulated(daily))
        return pyabc.model.ModelResult(sum_stat=dict(zip(self.setup.keys, values.tolist(), strict=True)))


@dataclass
class Calibration:
    """A finished (or stopped) calibration: the pyABC ``history`` and this invocation's
    ``wall_seconds``, ``resumed`` (whether it continued a stored history)."""

    setup: CalibrationSetup
    history: pyabc.History
    wall_seconds: float
    resumed: bool
    sampler: str

    def posterior(self) -> pd.DataFrame:
        """The last generation: one row per particle, a column per parameter (dotted path,
        the value the scenario plays: rounded for whole-number fields), ``weight`` (sums to 1)."""
        frame, weights = self.history.get_distribution(m=0, t=self.history.max_t)
        posterior = pd.DataFrame({item.path: [item.value(value) for value in frame[item.path]]
                                  for item in self.setup.parameters})
        posterior["weight"] = np.asarray(weights, dtype=np.float64) / np.sum(weights)
        return posterior

    def generations(self) -> pd.DataFrame:
        """Per generation t: epsilon, particles, simulations and acceptance rate."""
        populations = self.history.get_all_populations()
        populations = populations[populations["t"] >= 0].reset_index(drop=True)
        return pd.DataFrame({"generation": populations["t"].astype(int), "epsilon": populations["epsilon"],
                             "particles": populations["particles"].astype(int),
                             "simulations": populations["samples"].astype(int),
                             "acceptance_rate": populations["particles"] / populations["samples"]})

    def intervals(self) -> dict[str, dict[str, float]]:
        """Per parameter: posterior median, 5 % and 95 % quantiles, and the interval's width as
        a share of the prior's 90 % interval."""
        posterior = self.posterior()
        tail = (1 - CREDIBLE_LEVEL) / 2
        summary = {}
        for item in self.setup.parameters:
            points, weights = posterior[item.path].to_numpy(np.float64), posterior["weight"].to_numpy()
            low, median, high = (weighted_quantile(points, weights=weights, alpha=alpha) for alpha in (tail, 0.5, 1 - tail))
            prior_low, prior_high = item.prior_quantiles([tail, 1 - tail])
            summary[item.path] = {"median": float(median), "lower": float(low), "upper": float(high),
                                  "width_share_of_prior": float((high - low) / (prior_high - prior_low))}
        return summary

    def summary(self, observed_name: str) -> dict:
        """The content of ``calibration.json``."""
        setup, generations = self.setup, self.generations()
        return {
            "scenario": setup.scenario.name,
            "observed": {"file": observed_name, "sha256": setup.observed.sha256, "layout": setup.observed.layout,
                         "figures": len(setup.observed.figures),
                         "columns": sorted(set(setup.observed.figures["column"]))},
            "parameters": [{"name": item.path, "prior": item.prior_name, "low": item.low, "high": item.high,
                            "whole_number": item.whole} for item in setup.parameters],
            "posterior": self.intervals(),
            "credible_level": CREDIBLE_LEVEL,
            "distance": {"kind": "AdaptivePNormDistance", "p": 2, "statistic": "arcsinh of the values",
                         "scale": "median absolute deviation over each generation's particles; "
                                  "fixed at the stated relative uncertainty for figures that give one"},
            "seeds": "each particle plays particle_seed(seed, generation, its values): a seed of its own",
            "generations": len(generations),
            "epsilons": generations["epsilon"].tolist(),
            "acceptance_rates": generations["acceptance_rate"].tolist(),
            "simulations_per_generation": generations["simulations"].tolist(),
            "simulations_run": int(self.history.total_nr_simulations),
            "particles": int(generations["particles"].iloc[-1]),
            "wall_seconds": self.wall_seconds,
            "resumed": self.resumed,
            "sampler": self.sampler,
            "members": setup.members,
            "scenario_initial_members": round(setup.members / setup.scale_factor),
            "population_scale_factor": setup.scale_factor,
            "scaling": "the scenario is played at members / its initial members (sim.scenario.scaling); "
                       "extensive observed figures (counts, money) are multiplied by the factor before "
                       "comparison, intensive ones (ratios, shares, probabilities) are not",
            "days": setup.scenario.run.days,
            "seed": setup.seed,
            "last_observed_day": setup.observed.last_day,
        }


def history_url(path: Path) -> str:
    """SQLAlchemy URL of a SQLite file (pyABC's storage)."""
    return f"sqlite:///{path.resolve()}"


def stored_parameters(path: Path) -> set[str]:
    """Parameter names in a stored pyABC history (empty if none was accepted yet)."""
    connection = sqlite3.connect(path)
    try:
        return {name for (name,) in connection.execute("SELECT DISTINCT name FROM parameters")}
    finally:
        connection.close()


def calibrate(setup: CalibrationSetup, history_path: Path, *, particles: int, generations: int,
              min_epsilon: float = 0.0, workers: int = 1) -> Calibration:
    """Run ABC-SMC until ``generations`` populations in all (counting those already stored in
    ``history_path``, which it continues when it exists) or an epsilon below ``min_epsilon``.
    ``workers`` > 1 evaluates particles in that many processes (pyABC's
    ``MulticoreEvalParallelSampler``; then the order in which particles are accepted, hence
    the posterior, depends on timing). Raises ``InputError`` if the stored history belongs to
    another calibration (other observations or parameters)."""
    started = time.perf_counter()
    if workers > 1:
        sampler = pyabc.sampler.MulticoreEvalParallelSampler(n_procs=workers)
    else:
        sampler = pyabc.sampler.SingleCoreSampler()
    abc = pyabc.ABCSMC(ScenarioModel(setup), setup.prior(), setup.distance(), population_size=particles,
                       sampler=sampler)
    observed = setup.observed_statistics()
    resumed = history_path.exists()
    if resumed:
        check_history(history_path, setup, observed)
        history = abc.load(history_url(history_path), 1)
    else:
        history = abc.new(history_url(history_path), observed)
    remaining = generations - (history.max_t + 1)
    last_epsilon = history.get_all_populations()["epsilon"].iloc[-1] if history.max_t >= 0 else math.inf
    if remaining > 0 and last_epsilon > min_epsilon:
        np.random.seed(replicate_seed(setup.seed, history.max_t + 1) % 2**32)  # pyABC draws from numpy's global state
        abc.run(minimum_epsilon=min_epsilon, max_nr_populations=remaining)
    return Calibration(setup, history, time.perf_counter() - started, resumed, type(sampler).__name__)


def check_history(path: Path, setup: CalibrationSetup, observed: dict[str, float]) -> None:
    """Refuse to continue a stored history made for other observations or parameters."""
    stored = pyabc.History(history_url(path), _id=1).observed_sum_stat()
    names = stored_parameters(path)
    same_observed = set(stored) == set(observed) and all(
        math.isclose(float(stored[key]), value, rel_tol=1e-12, abs_tol=1e-12) for key, value in observed.items())
    if not same_observed or (names and names != {item.path for item in setup.parameters}):
        raise InputError([(f"{path}: a stored calibration of other observations or parameters; "
                           "use another --out, or delete it to start afresh")])


def predictive(calibration: Calibration, draws: int) -> pd.DataFrame:
    """Posterior-predictive trajectories: ``draws`` particles drawn by weight (numpy generator
    seeded by the calibration's seed), each simulated with a seed of its own; per observed
    column and day 0 .. last observed day: ``lower`` (5 %), ``median``, ``upper`` (95 %)
    quantiles across the draws, in the scenario's own population (simulated extensive
    values divided by the scale factor)."""
    setup = calibration.setup
    posterior = calibration.posterior()
    generator = np.random.default_rng(setup.seed)
    chosen = generator.choice(len(posterior), size=draws, p=posterior["weight"].to_numpy())
    columns = sorted(set(setup.observed.figures["column"]))
    trajectories = {column: [] for column in columns}
    for draw, row in enumerate(chosen):
        parameter = posterior.iloc[row].to_dict()
        daily = setup.simulate(parameter, replicate_seed(setup.seed, PREDICTIVE_SEED_OFFSET + draw))
        for column in columns:
            base = column.removeprefix(CUMULATIVE_PREFIX)
            series = daily[base].to_numpy(np.int64 if column != base else np.float64)
            series = np.cumsum(series) if column != base else series
            trajectories[column].append(series[: setup.observed.last_day + 1].astype(np.float64))
    frames = []
    extensive = dict(zip(setup.observed.figures["column"], setup.observed.extensive, strict=True))
    for column in columns:
        values = np.array(trajectories[column]) / (setup.scale_factor if extensive[column] else 1.0)
        lower, median, upper = np.quantile(values, [0.05, 0.5, 0.95], axis=0)
        frames.append(pd.DataFrame({"column": column, "day": np.arange(values.shape[1]),
                                    "lower": lower, "median": median, "upper": upper}))
    return pd.concat(frames, ignore_index=True)


def write_results(folder: Path, calibration: Calibration, band: pd.DataFrame, history_path: Path,
                  observed_name: str) -> dict:
    """Write the calibration's files into ``folder`` (a partial folder renamed into place by
    the caller): posterior.parquet, calibration.json, scenario.toml, observed.parquet,
    predictive.parquet and a copy of the history (history.db). Returns calibration.json's
    content."""
    calibration.posterior().to_parquet(folder / "posterior.parquet", index=False)
    summary = calibration.summary(observed_name)
    (folder / "calibration.json").write_text(json.dumps(summary, indent=2) + "\n")
    (folder / "scenario.toml").write_text(to_toml(calibration.setup.scenario))
    calibration.setup.observed.figures.to_parquet(folder / "observed.parquet", index=False)
    band.to_parquet(folder / "predictive.parquet", index=False)
    copy_history(history_path, folder / HISTORY_FILE)
    return summary


def copy_history(source_path: Path, target_path: Path) -> None:
    """Copy a SQLite history with SQLite's backup (consistent even while another connection,
    pyABC's, holds the file open)."""
    source, target = sqlite3.connect(source_path), sqlite3.connect(target_path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
