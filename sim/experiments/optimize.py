"""Design search: which values of a few scenario fields give the best trade-off between
several objectives, subject to constraints (`circsim optimize`).

A *trial* is one point of the searched parameters. It runs R replicates on common random
numbers — replicate k has the seed ``replicate_seed(seed, k)`` in every trial, as in a
sweep — and is scored by the means over its replicates of ``sim.analysis.objectives.
REPLICATE_METRICS``, by ``ruin_probability`` (the share of replicates that collapsed within
the horizon) and ``ruin_upper`` (its one-sided Clopper–Pearson upper bound at
``confidence``, ``sim.experiments.frontier.ruin_upper_bound``), or by a searched parameter
itself. A constraint ``NAME<=BOUND`` or ``NAME>=BOUND`` must hold for a trial to be
feasible; samplers that take constraints (NSGA-II, TPE) steer away from infeasible ones.

The search is Optuna's (Akiba et al. 2019): NSGA-II (Deb et al. 2002) by default, TPE or
random sampling by option. The study lives in an Optuna storage (a SQLite file
``study.db`` in the output folder, or any database URL), so an interrupted search
resumes and several processes can fill one study.

Determinism. Trials are asked a *generation* at a time (``population`` trials; for NSGA-II
its population), their runs go to the executor, and each trial is told as soon as its
replicates are back, in the order asked. The sampler's random numbers for a trial are
seeded from ``seed`` and the trial's position in the study (its number less the trials
interrupted before it), so one process gives the same trials whatever the executor or
its number of workers. An interrupted trial is failed and its parameters queued again, so
a resumed search evaluates exactly the trials an uninterrupted one would have, never
repeats a finished one, and seeds the following generations the same way. (A process
killed with SIGKILL cannot queue its running trials again; they stay ``RUNNING`` and the
resumed search asks new ones at their positions. Several processes filling one study
interleave their trials, so their study depends on timing.)
"""

import contextlib
import json
import math
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import optuna
import pandas as pd
import sqlalchemy

from sim.analysis.objectives import REPLICATE_METRICS, replicate_metrics
from sim.core.errors import InputError
from sim.core.rng import replicate_seed
from sim.engine.simulation import run
from sim.experiments.executors import Executor, map_ordered, open_executor
from sim.experiments.frontier import ruin_upper_bound
from sim.experiments.sweep_design import field_value
from sim.experiments.sweep_runner import RunTask
from sim.results.files import folder_inside, write_atomic
from sim.scenario.loading import ScenarioError, replace, to_toml
from sim.scenario.params import Scenario

TRIAL_METRICS = ("ruin_probability", "ruin_upper")
"""Figures of a whole trial (all its replicates), beside the means of ``REPLICATE_METRICS``."""
SAMPLERS = ("nsga2", "tpe", "random")
DIRECTIONS = {"max": "maximize", "min": "minimize"}
CONSTRAINT_OPERATORS = ("<=", ">=")
STUDY_FILE = "study.db"
SETTINGS_FILE = "optimize.json"
SCENARIO_FILE = "scenario.toml"
TRIALS_FILE = "trials.parquet"
PARETO_FILE = "pareto.parquet"
SETTINGS_ATTR = "circsim_settings"
"""Study user attribute holding ``optimize.json``'s settings: a study resumes only with them."""
RECORD_ATTR = "circsim"
"""Trial user attribute: its replicates, metrics (means), constraint excesses and, for a
failed trial, the reason."""
INTERRUPTED_ATTR = "interrupted"
"""Trial user attribute of a trial failed because the search was interrupted (it is queued again)."""
SQLITE_TIMEOUT_SECONDS = 60
"""How long a worker waits for another worker's write to a shared SQLite study."""
SAMPLER_SEED_LIMIT = 2**32
"""Optuna's samplers seed NumPy's legacy generator, which takes seeds below 2³²."""


class DesignError(InputError):
    """A design search that cannot be run or resumed; one line per problem."""


@dataclass(frozen=True)
class SearchParameter:
    """A searched scenario field and its range; ``log`` searches it on a log scale.
    ``whole`` is true for a field that holds whole numbers."""

    path: str
    low: float
    high: float
    log: bool = False
    whole: bool = False

    def suggest(self, trial: optuna.Trial) -> float | int:
        """Draw this parameter's value for ``trial``."""
        if self.whole:
            return trial.suggest_int(self.path, int(self.low), int(self.high), log=self.log)
        return trial.suggest_float(self.path, self.low, self.high, log=self.log)


@dataclass(frozen=True)
class Objective:
    """A figure to make as large (``maximize``) or as small (``minimize``) as possible."""

    name: str
    direction: str


@dataclass(frozen=True)
class Constraint:
    """``name <= bound`` or ``name >= bound``."""

    name: str
    operator: str
    bound: float

    def excess(self, value: float) -> float:
        """How far ``value`` is past the bound (≤ 0: the constraint holds; Optuna's sign
        convention for ``constraints_func``). A missing value (NaN) fails it."""
        if math.isnan(value):
            return math.inf
        return value - self.bound if self.operator == "<=" else self.bound - value

    def text(self) -> str:
        """The constraint as the user writes it."""
        return f"{self.name}{self.operator}{self.bound:g}"


@dataclass(frozen=True)
class Design:
    """A design search as asked: the resolved base scenario and everything that decides
    which trials are made and how they are scored."""

    scenario: Scenario
    scenario_path: str
    parameters: tuple[SearchParameter, ...]
    objectives: tuple[Objective, ...]
    constraints: tuple[Constraint, ...]
    replicates: int
    seed: int
    sampler: str
    population: int
    confidence: float

    def settings(self) -> dict:
        """``optimize.json``: the search's settings as plain data."""
        return {
            "scenario": self.scenario_path,
            "parameters": {p.path: {"low": p.low, "high": p.high, "log": p.log} for p in self.parameters},
            "objectives": [{"name": o.name, "direction": o.direction} for o in self.objectives],
            "constraints": [c.text() for c in self.constraints],
            "replicates": self.replicates,
            "seed": self.seed,
            "sampler": self.sampler,
            "population": self.population,
            "confidence": self.confidence,
            "members": self.scenario.population.initial_members,
            "days": self.scenario.run.days,
            "resolved_scenario": to_toml(self.scenario),
        }

    def trial_scenario(self, values: dict[str, Any]) -> Scenario:
        """The base scenario with a trial's parameter values (raises ``ScenarioError``)."""
        return replace(self.scenario, values, origin="--parameter")


def parse_parameter(text: str, scenario: Scenario) -> SearchParameter:
    """``PATH=LOW:HIGH`` or ``PATH=LOW:HIGH:log`` → a ``SearchParameter`` of ``scenario``.
    Raises ``DesignError`` naming the option: not a numeric field, not numbers, LOW not
    below HIGH, a log range not above 0, or a range end the field refuses."""
    where = f"--parameter {text}"
    path, _, bounds = text.partition("=")
    parts = bounds.split(":")
    log = len(parts) == 3 and parts[2] == "log"
    if not path or len(parts) not in (2, 3) or (len(parts) == 3 and not log):
        raise DesignError([f"{where}: expected SECTION.FIELD=LOW:HIGH or SECTION.FIELD=LOW:HIGH:log"])
    try:
        current = field_value(scenario.model_dump(mode="json"), path)
    except (KeyError, TypeError):
        raise DesignError([f"{where}: {path}: not a scenario field"]) from None
    if isinstance(current, bool) or not isinstance(current, (int, float)):
        raise DesignError([f"{where}: {path}: not a numeric field (it holds {current!r})"])
    try:
        low, high = float(parts[0]), float(parts[1])
    except ValueError:
        raise DesignError([f"{where}: LOW and HIGH must be numbers"]) from None
    whole = isinstance(current, int)
    if whole:
        low, high = float(math.ceil(low)), float(math.floor(high))
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise DesignError([f"{where}: LOW must be below HIGH" + (" (whole numbers)" if whole else "")])
    if log and low <= 0:
        raise DesignError([f"{where}: a log range must lie above 0"])
    try:
        for end in (low, high):
            replace(scenario, {path: int(end) if whole else end}, origin=where)
    except ScenarioError as err:
        raise DesignError(err.problems) from None
    return SearchParameter(path, low, high, log, whole)


def parse_objective(text: str, known: Sequence[str]) -> Objective:
    """``NAME:max`` or ``NAME:min`` → an ``Objective``; ``NAME`` must be one of ``known``."""
    name, _, direction = text.rpartition(":")
    if direction not in DIRECTIONS or not name:
        raise DesignError([f"--objective {text}: expected NAME:max or NAME:min"])
    if name not in known:
        raise DesignError([f"--objective {text}: {name}: unknown metric (one of {', '.join(known)})"])
    return Objective(name, DIRECTIONS[direction])


def parse_constraint(text: str, known: Sequence[str]) -> Constraint:
    """``NAME<=BOUND`` or ``NAME>=BOUND`` → a ``Constraint``; ``NAME`` must be one of ``known``."""
    for operator in CONSTRAINT_OPERATORS:
        name, found, bound = text.partition(operator)
        if found:
            break
    else:
        raise DesignError([f"--constraint {text}: expected NAME<=BOUND or NAME>=BOUND"])
    try:
        value = float(bound)
    except ValueError:
        raise DesignError([f"--constraint {text}: BOUND must be a number"]) from None
    if not math.isfinite(value):
        raise DesignError([f"--constraint {text}: BOUND must be a finite number"])
    if name not in known:
        raise DesignError([f"--constraint {text}: {name}: unknown metric (one of {', '.join(known)})"])
    return Constraint(name, operator, value)


def plan_design(scenario: Scenario, scenario_path: str, parameters: Sequence[str], objectives: Sequence[str],
                constraints: Sequence[str] = (), *, replicates: int = 8, seed: int | None = None,
                sampler: str = "nsga2", population: int = 20, confidence: float = 0.95) -> Design:
    """Check a design search before anything runs or is written. ``parameters`` are
    ``PATH=LOW:HIGH[:log]`` texts, ``objectives`` ``NAME:max|min`` and ``constraints``
    ``NAME<=BOUND`` / ``NAME>=BOUND``; ``seed`` defaults to the scenario's. Raises
    ``DesignError`` with one line per problem found."""
    problems: list[str] = []
    searched: list[SearchParameter] = []
    for text in parameters:
        try:
            searched.append(parse_parameter(text, scenario))
        except DesignError as err:
            problems += err.problems
    paths = [p.path for p in searched]
    repeated = sorted({path for path in paths if paths.count(path) > 1})
    problems += [f"--parameter {path}: given more than once" for path in repeated]
    if not parameters:
        problems.append("--parameter: give at least one parameter to search")
    known = (*REPLICATE_METRICS, *TRIAL_METRICS, *paths)
    parsed_objectives: list[Objective] = []
    for text in objectives:
        try:
            parsed_objectives.append(parse_objective(text, known))
        except DesignError as err:
            problems += err.problems
    if not objectives:
        problems.append("--objective: give at least one objective")
    parsed_constraints: list[Constraint] = []
    for text in constraints:
        try:
            parsed_constraints.append(parse_constraint(text, known))
        except DesignError as err:
            problems += err.problems
    if sampler not in SAMPLERS:
        problems.append(f"--sampler {sampler}: expected one of {', '.join(SAMPLERS)}")
    if replicates < 1:
        problems.append(f"--replicates {replicates}: must be at least 1")
    if population < 2:
        problems.append(f"--population {population}: must be at least 2")
    if problems:
        raise DesignError(problems)
    return Design(scenario, scenario_path, tuple(searched), tuple(parsed_objectives), tuple(parsed_constraints),
                  replicates, scenario.run.seed if seed is None else seed, sampler, population, confidence)


# ---------------------------------------------------------------------------------------
# Running trials


def run_replicate(task: RunTask) -> dict[str, float]:
    """One replicate of a trial (in a worker process, on one numba thread): its
    ``REPLICATE_METRICS`` and ``collapsed`` (1.0 if it collapsed within the horizon, else 0.0)."""
    result = run(task.scenario, seed=task.seed, threads=1)
    metrics = replicate_metrics(result.summary, result.daily, result.ledger)
    metrics["collapsed"] = 0.0 if result.summary["collapse_day"] is None else 1.0
    return metrics


def mean_or_nan(values: Sequence[float]) -> float:
    """The mean of the values that are not NaN (``math.fsum``, so exact to the last bit
    whatever the order they came in), or NaN when none is."""
    present = [v for v in values if not math.isnan(v)]
    return math.fsum(present) / len(present) if present else math.nan


def trial_metrics(rows: Sequence[dict[str, float]], confidence: float) -> dict[str, float]:
    """A trial's figures from its replicates' ``run_replicate`` rows: the mean of each of
    ``REPLICATE_METRICS`` (over the replicates where it has a value), ``ruin_probability``
    = collapsed / R and ``ruin_upper``, its one-sided Clopper–Pearson bound at ``confidence``."""
    metrics = {name: mean_or_nan([row[name] for row in rows]) for name in REPLICATE_METRICS}
    collapsed = int(sum(row["collapsed"] for row in rows))
    metrics["ruin_probability"] = collapsed / len(rows)
    metrics["ruin_upper"] = ruin_upper_bound(collapsed, len(rows), confidence)
    return metrics


def evaluate_design(design: Design, values: dict[str, Any], replicates: int, seed: int,
                    pool: Executor) -> dict[str, float]:
    """A trial's figures (``trial_metrics``) of the base scenario with ``values`` (dotted
    path → value) on ``replicates`` runs seeded ``replicate_seed(seed, k)``, run on ``pool``:
    a design checked again, e.g. on seeds it was not chosen on. Raises ``ScenarioError``
    for values the scenario refuses."""
    scenario = design.trial_scenario(values)
    tasks = (RunTask(0, k, replicate_seed(seed, k), scenario) for k in range(replicates))
    return trial_metrics(list(map_ordered(pool, run_replicate, tasks)), design.confidence)


def make_sampler(kind: str, seed: int, population: int) -> optuna.samplers.BaseSampler:
    """A fresh Optuna sampler of ``kind`` seeded with ``seed`` (below 2³²). NSGA-II and TPE
    read the constraints each trial stores (``Trial.set_constraint``)."""
    if kind == "nsga2":
        return optuna.samplers.NSGAIISampler(population_size=population, seed=seed)
    if kind == "tpe":
        return optuna.samplers.TPESampler(seed=seed)
    return optuna.samplers.RandomSampler(seed=seed)


class PositionSeededSampler(optuna.samplers.BaseSampler):
    """The design's sampler, made afresh for each trial with a seed derived from the
    design's seed and the trial's position (its number less the interrupted trials before
    it), so the trials do not depend on how earlier trials were spread over processes or
    on an interruption. Everything else is delegated."""

    def __init__(self, design: Design):
        self.design = design
        self.inner = self._sampler_for(0)

    def _sampler_for(self, position: int) -> optuna.samplers.BaseSampler:
        seed = replicate_seed(self.design.seed, position) % SAMPLER_SEED_LIMIT
        return make_sampler(self.design.sampler, seed, self.design.population)

    def before_trial(self, study: optuna.Study, trial: optuna.trial.FrozenTrial) -> None:
        interrupted = sum(1 for t in study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.FAIL,))
                          if t.number < trial.number and t.user_attrs.get(INTERRUPTED_ATTR))
        self.inner = self._sampler_for(trial.number - interrupted)
        self.inner.before_trial(study, trial)

    def infer_relative_search_space(self, study, trial):
        return self.inner.infer_relative_search_space(study, trial)

    def sample_relative(self, study, trial, search_space):
        return self.inner.sample_relative(study, trial, search_space)

    def sample_independent(self, study, trial, param_name, param_distribution):
        return self.inner.sample_independent(study, trial, param_name, param_distribution)

    def after_trial(self, study, trial, state, values):
        self.inner.after_trial(study, trial, state, values)

    def reseed_rng(self) -> None:
        self.inner.reseed_rng()


def _fast_sqlite(connection, _record) -> None:
    """Write-ahead logging, synced at checkpoints rather than at every commit: a trial is a
    few commits, and a synced commit costs ~10 ms on a busy disk. The database stays
    consistent after a crash (SQLite's WAL guarantee); at worst the last trials before a
    power loss are run again on resume. WAL also lets readers of the study (other workers,
    a dashboard) read while a worker writes."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def study_storage(url: str) -> optuna.storages.BaseStorage | str:
    """Optuna's storage for ``url``: a SQLite URL is opened in WAL mode (``_fast_sqlite``) and
    waits up to ``SQLITE_TIMEOUT_SECONDS`` for another worker's write; other URLs as given."""
    if not url.startswith("sqlite:"):
        return url
    storage = optuna.storages.RDBStorage(url, engine_kwargs={"connect_args": {"timeout": SQLITE_TIMEOUT_SECONDS}})
    sqlalchemy.event.listen(storage.engine, "connect", _fast_sqlite)
    storage.engine.dispose()  # the connections opened to create the schema reopen with the pragmas
    return storage


def open_study(design: Design, storage: str, study_name: str) -> optuna.Study:
    """The study ``study_name`` in ``storage``: created with the design's settings, or
    loaded to resume when it holds the same settings. Raises ``DesignError`` when it holds
    another search or the storage cannot be opened."""
    optuna.logging.set_verbosity(optuna.logging.WARNING)  # one line per trial would drown the output
    settings = design.settings()
    try:
        study = optuna.create_study(storage=study_storage(storage), study_name=study_name, load_if_exists=True,
                                    directions=[o.direction for o in design.objectives],
                                    sampler=PositionSeededSampler(design))
    except (ValueError, ImportError, optuna.exceptions.OptunaError, sqlalchemy.exc.SQLAlchemyError) as err:
        reason = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise DesignError([f"--storage {storage}: cannot open the study ({reason})"]) from None
    stored = study.user_attrs.get(SETTINGS_ATTR)
    if stored is None:
        study.set_user_attr(SETTINGS_ATTR, settings)
    elif _identity(stored) != _identity(settings):
        raise DesignError([f"--storage {storage}: study {study_name}: holds a different search (its scenario, "
                           "parameters, objectives, constraints, replicates, seed or sampler differ); "
                           "use another --out or --storage, or the same settings to resume"])
    return study


def _identity(settings: dict) -> dict:
    """What makes two searches the same: their settings as stored (JSON), without the path
    the scenario was read from (the resolved scenario is compared instead)."""
    return {key: value for key, value in json.loads(json.dumps(settings)).items() if key != "scenario"}


def position_count(study: optuna.Study) -> int:
    """Trials that count towards the search: finished (complete, or failed for a reason
    other than an interruption)."""
    finished = study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,
                                                        optuna.trial.TrialState.FAIL))
    return sum(1 for t in finished if not t.user_attrs.get(INTERRUPTED_ATTR))


def _ask(study: optuna.Study, design: Design) -> tuple[optuna.Trial, Scenario | None, str | None]:
    """Ask the study for a trial and draw its parameters; the trial's scenario, or the
    reason it cannot be run (a combination the scenario refuses)."""
    trial = study.ask()
    values = {p.path: p.suggest(trial) for p in design.parameters}
    try:
        return trial, design.trial_scenario(values), None
    except ScenarioError as err:
        return trial, None, "; ".join(err.problems)


def _tell(study: optuna.Study, design: Design, trial: optuna.Trial, rows: list[dict]) -> None:
    """Score a trial from its replicates' rows and tell the study (failed if an objective
    has no value). What the trial's table needs is stored in one user attribute
    (``RECORD_ATTR``): each stored attribute is a database commit."""
    metrics = trial_metrics(rows, design.confidence)
    figures = {**metrics, **trial.params}
    excess = [c.excess(figures[c.name]) for c in design.constraints]
    values = [figures[o.name] for o in design.objectives]
    missing = [o.name for o, v in zip(design.objectives, values) if math.isnan(v)]
    trial.set_user_attr(RECORD_ATTR, {
        "replicates": len(rows), "constraint_excess": excess,
        "metrics": {name: (None if math.isnan(v) else v) for name, v in metrics.items()},
        "reason": f"no value for {', '.join(missing)}" if missing else None,
    })
    for constraint, value in zip(design.constraints, excess):
        trial.set_constraint(constraint.text(), value)
    if missing:
        study.tell(trial, state=optuna.trial.TrialState.FAIL)
    else:
        study.tell(trial, values)


def _requeue(study: optuna.Study, trials: Sequence[optuna.Trial]) -> None:
    """Fail the trials an interruption left unfinished and queue their parameters again."""
    for trial in trials:
        study.enqueue_trial(trial.params)
        trial.set_user_attr(INTERRUPTED_ATTR, True)
        study.tell(trial, state=optuna.trial.TrialState.FAIL)


@dataclass(frozen=True)
class SearchReport:
    """What ``run_search`` did."""

    folder: Path
    storage: str
    trials: int
    """Finished trials in the study at the end (other processes' included)."""
    trials_before: int
    trials_now: int
    """Trials this call finished."""
    runs_now: int
    wall_seconds: float
    table: pd.DataFrame
    pareto: pd.DataFrame
    answer: list[str]

    @property
    def trials_per_minute(self) -> float:
        """Trials finished per minute of this call (NaN if it made none)."""
        return 60 * self.trials_now / self.wall_seconds if self.trials_now and self.wall_seconds > 0 else math.nan


def study_folder(design: Design, out_dir: str | Path) -> Path:
    """``out_dir/<scenario name>/``, where the search's files go."""
    return folder_inside(out_dir, design.scenario.name)


def run_search(design: Design, out_dir: str | Path, trials: int, *, storage: str | None = None,
               executor: str = "local", workers: int | None = None, scheduler: str | None = None,
               pool: Executor | None = None, on_trial: Callable[[int, int], None] | None = None) -> SearchReport:
    """Fill the study of ``design`` until it has ``trials`` finished trials (an earlier,
    interrupted search of the same design is resumed; finished trials are never run again)
    and write its files to ``out_dir/<scenario name>/`` (``write_outputs``). ``storage`` is
    an Optuna database URL; default a SQLite file ``study.db`` in that folder.
    ``executor``, ``workers`` and ``scheduler`` are those of ``open_executor``; the trials do
    not depend on them. ``pool``, an executor already open, is used instead (so several
    searches can share its workers). ``on_trial(finished, trials)`` is called after each trial.
    Raises ``DesignError`` for a storage holding another search or an unreachable one."""
    started = time.perf_counter()
    folder = study_folder(design, out_dir)
    check_resumable(design, folder)
    with contextlib.ExitStack() as stack:
        if pool is None:  # a bad scheduler fails here, before anything is written
            pool = stack.enter_context(open_executor(executor, workers, scheduler))
        created = [parent for parent in (folder, *folder.parents) if not parent.exists()]  # removed on failure
        folder.mkdir(parents=True, exist_ok=True)
        storage = storage or f"sqlite:///{(folder / STUDY_FILE).resolve()}"
        try:
            study = open_study(design, storage, design.scenario.name)
        except DesignError:
            if created:
                shutil.rmtree(created[-1], ignore_errors=True)
            raise
        write_atomic(folder / SETTINGS_FILE,
                     lambda path: path.write_text(json.dumps(public_settings(design), indent=2) + "\n"))
        write_atomic(folder / SCENARIO_FILE, lambda path: path.write_text(to_toml(design.scenario)))
        before = position_count(study)
        made = runs = 0
        # counted again each generation: other processes may be filling the same study
        while (finished := position_count(study)) < trials:
            size = min(design.population - finished % design.population, trials - finished)
            batch: list[tuple[optuna.Trial, Scenario | None, str | None]] = []
            told = 0
            try:
                for _ in range(size):  # one at a time, so an interruption requeues each trial asked
                    batch.append(_ask(study, design))
                rows = map_ordered(pool, run_replicate, _tasks(design, batch))
                for trial, scenario, reason in batch:
                    if scenario is None:
                        trial.set_user_attr(RECORD_ATTR, {"replicates": 0, "constraint_excess": [], "metrics": {},
                                                          "reason": reason})
                        study.tell(trial, state=optuna.trial.TrialState.FAIL)
                    else:
                        _tell(study, design, trial, [next(rows) for _ in range(design.replicates)])
                        runs += design.replicates
                    told += 1
                    made += 1
                    if on_trial is not None:
                        on_trial(finished + told, trials)
            except BaseException:
                _requeue(study, [trial for trial, _, _ in batch[told:]])
                raise
        table, pareto, answer = write_outputs(study, design, folder)
    return SearchReport(folder, storage, finished, before, made, runs, time.perf_counter() - started, table, pareto,
                        answer)


def check_resumable(design: Design, folder: Path) -> None:
    """Refuse a folder that holds another search (``optimize.json`` or ``scenario.toml``
    differ from ``design``'s), before anything is written."""
    settings_path, scenario_path = folder / SETTINGS_FILE, folder / SCENARIO_FILE
    if settings_path.is_file() and (
            _identity(json.loads(settings_path.read_text())) != _identity(public_settings(design))
            or not scenario_path.is_file() or scenario_path.read_text() != to_toml(design.scenario)):
        raise DesignError([f"{folder}: {SETTINGS_FILE}: holds a different search (its scenario, parameters, "
                           "objectives, constraints, replicates, seed or sampler differ); use another --out, "
                           "or the same settings to resume"])


def _tasks(design: Design, batch) -> Iterator[RunTask]:
    for trial, scenario, _ in batch:
        if scenario is not None:
            for k in range(design.replicates):
                yield RunTask(trial.number, k, replicate_seed(design.seed, k), scenario)


def public_settings(design: Design) -> dict:
    """``optimize.json``: the settings without the internal scenario digest (the resolved
    scenario is ``scenario.toml`` beside it)."""
    return {key: value for key, value in design.settings().items() if key != "resolved_scenario"}


# ---------------------------------------------------------------------------------------
# Reading a study


def trials_table(study: optuna.Study, design: Design) -> pd.DataFrame:
    """One row per trial of ``study``: ``trial``, each searched parameter under its dotted
    path, each objective under its name (NaN unless complete), ``replicates``, ``state``
    (Optuna's state name) and ``feasible`` (complete and every constraint holds)."""
    rows = []
    for trial in study.get_trials(deepcopy=False):
        complete = trial.state == optuna.trial.TrialState.COMPLETE
        row: dict[str, Any] = {"trial": trial.number}
        row |= {p.path: float(trial.params.get(p.path, math.nan)) for p in design.parameters}
        row |= {o.name: (float(v) if complete else math.nan) for o, v in  # a searched parameter keeps its column
                zip(design.objectives, trial.values if complete else [None] * len(design.objectives))
                if o.name not in row}
        record = trial.user_attrs.get(RECORD_ATTR, {})
        row["replicates"] = int(record.get("replicates", 0))
        row["state"] = trial.state.name
        row["feasible"] = complete and all(e <= 0 for e in record.get("constraint_excess", []))
        rows.append(row)
    columns = list(dict.fromkeys(["trial", *(p.path for p in design.parameters),
                                  *(o.name for o in design.objectives), "replicates", "state", "feasible"]))
    return pd.DataFrame(rows, columns=columns).astype({"trial": "int64", "replicates": "int64", "feasible": bool})


def non_dominated(values: np.ndarray, maximize: Sequence[bool]) -> np.ndarray:
    """Boolean mask of the rows of ``values`` (n × k objectives) that no other row
    dominates — at least as good in every objective and better in one (Pareto
    optimality, e.g. Deb et al. 2002 §II). ``maximize[j]`` says which way objective j is good."""
    signs = np.where(np.asarray(maximize), -1.0, 1.0)
    signed = signs * np.asarray(values, dtype=float).reshape(-1, len(signs))  # every objective minimised
    mask = np.ones(len(signed), dtype=bool)
    for i, row in enumerate(signed):
        others = np.delete(signed, i, axis=0)
        mask[i] = not np.any(np.all(others <= row, axis=1) & np.any(others < row, axis=1))
    return mask


def pareto_table(trials: pd.DataFrame, design: Design) -> pd.DataFrame:
    """The feasible trials no other feasible trial dominates, in trial order (same columns)."""
    feasible = trials[trials["feasible"]]
    names = [o.name for o in design.objectives]
    mask = non_dominated(feasible[names].to_numpy(dtype=float), [o.direction == "maximize" for o in design.objectives])
    return feasible[mask].reset_index(drop=True)


def answer_lines(design: Design, trials: pd.DataFrame, pareto: pd.DataFrame) -> list[str]:
    """The search's answer in words: how many trials were feasible and, for each
    objective, the Pareto trial best in it with its parameters and other objectives."""
    complete = int((trials["state"] == "COMPLETE").sum())
    constraints = " and ".join(c.text() for c in design.constraints) or "no constraint"
    lines = [f"{len(trials)} trials, {complete} complete, {int(trials['feasible'].sum())} feasible "
             f"({constraints}); {len(pareto)} on the Pareto front "
             f"({design.replicates} replicates each, {design.scenario.run.days} days)"]
    if pareto.empty:
        lines.append("No feasible trial: relax the constraints or widen the parameter ranges.")
        return lines
    for objective in design.objectives:
        if pareto[objective.name].nunique() == 1:
            lines.append(f"{objective.name}: {pareto[objective.name].iloc[0]:.4g} in every trial on the front")
            continue
        best = pareto.loc[pareto[objective.name].idxmax() if objective.direction == "maximize"
                          else pareto[objective.name].idxmin()]
        word = "highest" if objective.direction == "maximize" else "lowest"
        settings = ", ".join(f"{p.path}={best[p.path]:.4g}" for p in design.parameters)
        others = ", ".join(f"{o.name} {best[o.name]:.4g}" for o in design.objectives if o is not objective)
        lines.append(f"{word} {objective.name}: {best[objective.name]:.4g} (trial {int(best['trial'])}: {settings}"
                     + (f"; {others})" if others else ")"))
    return lines


def write_outputs(study: optuna.Study, design: Design, folder: Path) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Write ``trials.parquet``, ``pareto.parquet`` and ``answer.txt`` atomically into
    ``folder``; returns the two tables and the answer's lines (charts are drawn by
    ``sim.report.design_charts``)."""
    trials = trials_table(study, design)
    pareto = pareto_table(trials, design)
    lines = answer_lines(design, trials, pareto)
    write_atomic(folder / TRIALS_FILE, lambda path: trials.to_parquet(path, index=False))
    write_atomic(folder / PARETO_FILE, lambda path: pareto.to_parquet(path, index=False))
    write_atomic(folder / "answer.txt", lambda path: path.write_text("\n".join(lines) + "\n"))
    return trials, pareto, lines

