"""Sweep files: a base scenario, parameters swept by their dotted path, and replicates
with common random numbers.

A sweep file is TOML (see ``sweeps/`` and the README). ``load_sweep`` reads one,
validates it, applies every point to the base scenario with ``sim.scenario.loading.replace`` (so a
bad path or value is caught before anything runs) and returns a ``SweepPlan``: the points
in order and the seed of each replicate. Replicate k of every point uses
``replicate_seed(base_seed, k)``, so differences between points are not noise.

Designs: ``grid`` (every combination of the parameters' values), ``zip`` (the k-th values
of all parameters together), ``list`` (points written out one by one), and three sampled
designs over ``low``..``high`` ranges: ``latin_hypercube`` (``samples`` points),
``sobol`` (Saltelli's scheme for first- and total-order indices, ``samples`` × (D + 2)
points) and ``morris`` (``samples`` trajectories of D + 1 points).
"""

import hashlib
import itertools
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BeforeValidator, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from sim.core.rng import replicate_seed
from sim.scenario.loading import (
    OVERRIDE_ORIGIN,
    ScenarioError,
    describe_error,
    load_scenario,
    read_toml,
    replace,
    scenario_hash,
)
from sim.scenario.params import MAX_DAYS, MAX_MEMBERS, FolderName, Scenario, Section
from sim.scenario.scaling import resolve

MAX_POINTS = 1_000_000
MAX_REPLICATES = 100_000
MORRIS_LEVELS = 4
"""Grid levels of the Morris design (SALib's default, 4)."""
SAMPLED_DESIGNS = ("latin_hypercube", "sobol", "morris")
SEEDED_BY_REPLICATES = "run.seed"


class SweepError(ScenarioError):
    """A sweep (its file, its dataset or its executor) that cannot be used; ``problems``
    holds one line per problem, ``FILE: field: reason``."""


def _check_scalar(value: Any) -> Any:
    if not isinstance(value, (bool, int, float, str)):
        raise PydanticCustomError("scalar_type", "Input should be a number, true/false or a string")
    return value


Scalar = Annotated[bool | int | float | str, BeforeValidator(_check_scalar)]


class Parameter(Section):
    """One swept scenario field and the values it takes: ``values``, or ``start``/``stop``/
    ``num`` (evenly spaced, for ``grid`` and ``zip``), or ``low``/``high`` (a range the
    sampled designs draw from)."""

    path: str = Field(min_length=1, max_length=200)
    """Dotted path of the scenario field, e.g. `rewards.energy_multiple`."""
    values: tuple[Scalar, ...] | None = Field(None, min_length=1, strict=False)
    """The values, in order (`grid`, `zip`)."""
    start: float | None = None
    """First of `num` evenly spaced values (`grid`, `zip`)."""
    stop: float | None = None
    """Last of `num` evenly spaced values (`grid`, `zip`)."""
    num: int | None = Field(None, ge=2, le=MAX_POINTS)
    """How many evenly spaced values from `start` to `stop` (`grid`, `zip`)."""
    low: float | None = None
    """Lower end of the range sampled (`latin_hypercube`, `sobol`, `morris`)."""
    high: float | None = None
    """Upper end of the range sampled (`latin_hypercube`, `sobol`, `morris`)."""

    def form(self) -> str:
        """Which way the values are given: `values`, `start/stop/num`, `low/high`, or a
        description of the mixture."""
        given = [name for name in ("values", "start", "stop", "num", "low", "high") if getattr(self, name) is not None]
        forms = {("values",): "values", ("start", "stop", "num"): "start/stop/num", ("low", "high"): "low/high"}
        return forms.get(tuple(given), "+".join(given) or "nothing")

    def listed_values(self) -> list:
        """The values of a `values` or `start/stop/num` parameter."""
        if self.values is not None:
            return list(self.values)
        return np.linspace(self.start, self.stop, self.num).tolist()


class Sweep(Section):
    """A sweep file: which scenario, which parameters, how many replicates."""

    name: FolderName = "sweep"
    """Sweep name: its dataset goes to `<out>/<name>/`. Defaults to the file name."""
    description: str = ""
    """What the sweep asks."""
    scenario: str = Field(min_length=1)
    """The base scenario TOML file, relative to the sweep file."""
    days: int | None = Field(None, ge=1, le=MAX_DAYS)
    """Days to simulate (overrides the scenario)."""
    members: int | None = Field(None, ge=1, le=MAX_MEMBERS)
    """Initial members (overrides the scenario; raises the market size if needed)."""
    seed: int | None = Field(None, ge=0, lt=2**63)
    """Base seed; replicate k uses `replicate_seed(seed, k)` at every point. Default: the scenario's."""
    replicates: int = Field(1, ge=1, le=MAX_REPLICATES)
    """Runs per point, each with its own seed (the same seeds at every point)."""
    daily: bool = False
    """Also store every run's daily rows (one row per day), not only its summary row."""
    settings: dict[str, Any] = {}
    """Scenario fields set at every point, by dotted path (any value the field takes)."""
    design: Literal["grid", "zip", "list", "latin_hypercube", "sobol", "morris"] = "grid"
    """How the points are made from the parameters (see the module docstring)."""
    samples: int | None = Field(None, ge=1, le=MAX_POINTS)
    """Sampled designs: points (`latin_hypercube`), base samples N, a power of 2 (`sobol`),
    or trajectories (`morris`)."""
    design_seed: int = Field(0, ge=0, lt=2**32)
    """Seed of the sampled designs (the same seed gives the same points)."""
    parameters: tuple[Parameter, ...] = Field((), strict=False)
    """The swept fields (every design but `list`)."""
    points: tuple[dict[str, Scalar], ...] = Field((), strict=False)
    """`list` design: each point as a table of dotted path = value."""

    @model_validator(mode="after")
    def _check_design(self):
        sampled = self.design in SAMPLED_DESIGNS
        if self.design == "list":
            if not self.points:
                raise ValueError("points: the list design needs at least one [[points]] table")
            if self.parameters:
                raise ValueError("parameters: the list design takes [[points]], not [[parameters]]")
        else:
            if not self.parameters:
                raise ValueError(f"parameters: the {self.design} design needs at least one [[parameters]] table")
            if self.points:
                raise ValueError(f"points: only the list design takes [[points]], this one is {self.design}")
        if sampled != (self.samples is not None):
            raise ValueError(f"samples: {'needed' if sampled else 'only used'} by the sampled designs "
                             f"({', '.join(SAMPLED_DESIGNS)})")
        if self.design == "sobol" and self.samples & (self.samples - 1):
            raise ValueError(f"samples: the sobol design needs a power of 2, got {self.samples}")
        for index, parameter in enumerate(self.parameters):
            _check_parameter(index, parameter, ("low/high",) if sampled else ("values", "start/stop/num"))
        paths = [parameter.path for parameter in self.parameters]
        for path in paths:
            if paths.count(path) > 1:
                raise ValueError(f"parameters: {path} is swept twice")
        swept = set(paths).union(*self.points)
        if SEEDED_BY_REPLICATES in swept | set(self.settings):
            raise ValueError(f"{SEEDED_BY_REPLICATES}: set by `seed` and `replicates`, not swept or set")
        if self.design == "zip" and len({len(p.listed_values()) for p in self.parameters}) > 1:
            raise ValueError("parameters: the zip design needs as many values for every parameter")
        if self.design == "grid" and math.prod(len(p.listed_values()) for p in self.parameters) > MAX_POINTS:
            raise ValueError(f"parameters: the grid has more than {MAX_POINTS:,} points")
        return self


def _check_parameter(index: int, parameter: Parameter, allowed: tuple[str, ...]) -> None:
    form = parameter.form()
    if form not in allowed:
        raise ValueError(f"parameters.{index}: give {' or '.join(allowed)} for this design, got {form}")
    if form == "start/stop/num" and not parameter.start < parameter.stop:
        raise ValueError(f"parameters.{index}: start must be below stop ({parameter.start} >= {parameter.stop})")
    if form == "low/high" and not parameter.low < parameter.high:
        raise ValueError(f"parameters.{index}: low must be below high ({parameter.low} >= {parameter.high})")


def salib_problem(sweep: Sweep) -> dict:
    """The SALib problem of a sampled design: parameter paths and their ranges."""
    return {
        "num_vars": len(sweep.parameters),
        "names": [parameter.path for parameter in sweep.parameters],
        "bounds": [[parameter.low, parameter.high] for parameter in sweep.parameters],
    }


def design_matrix(sweep: Sweep) -> np.ndarray:
    """The sampled design's points as rows, one column per parameter, before rounding."""
    from SALib.sample import morris as morris_sample  # slow imports, kept out of every `circsim` start
    from SALib.sample import sobol as sobol_sample
    from scipy.stats import qmc

    problem = salib_problem(sweep)
    if sweep.design == "sobol":
        return sobol_sample.sample(problem, sweep.samples, calc_second_order=False, seed=sweep.design_seed)
    if sweep.design == "morris":
        return morris_sample.sample(problem, sweep.samples, num_levels=MORRIS_LEVELS, seed=sweep.design_seed)
    bounds = np.array(problem["bounds"])
    unit = qmc.LatinHypercube(d=problem["num_vars"], rng=sweep.design_seed).random(sweep.samples)
    return qmc.scale(unit, bounds[:, 0], bounds[:, 1])


def field_value(values: dict, path: str) -> Any:
    """The value at dotted ``path`` in a scenario dumped to a dict (KeyError if none)."""
    for part in path.split("."):
        values = values[part]
    return values


def _fits_field(value: float, base_values: dict, path: str) -> float | int:
    """A generated number, rounded to a whole number where the field holds whole numbers."""
    try:
        current = field_value(base_values, path)
    except (KeyError, TypeError):
        return value  # not a field: `replace` reports it
    return round(value) if isinstance(current, int) and not isinstance(current, bool) else value


def design_points(sweep: Sweep, base_values: dict) -> list[dict[str, Any]]:
    """Each point of the design as ``{path: value}``, in order, before validation;
    ``base_values`` is the base scenario dumped to a dict."""
    if sweep.design == "list":
        return [dict(point) for point in sweep.points]
    paths = [parameter.path for parameter in sweep.parameters]
    if sweep.design in SAMPLED_DESIGNS:
        rows = [[_fits_field(value, base_values, path) for path, value in zip(paths, row)]
                for row in design_matrix(sweep).tolist()]
    else:
        axes = [list(p.values) if p.values is not None else
                [_fits_field(value, base_values, p.path) for value in p.listed_values()]
                for p in sweep.parameters]
        rows = itertools.product(*axes) if sweep.design == "grid" else zip(*axes)
    return [dict(zip(paths, row)) for row in rows]


@dataclass(frozen=True)
class SweepPlan:
    """A validated sweep, ready to run: the resolved base scenario (sweep-wide settings,
    days and members applied), every point's values of the swept fields (as the
    scenario holds them), and the replicates' seeds."""

    sweep: Sweep
    source: Path
    base: Scenario
    base_seed: int
    points: tuple[dict[str, Any], ...]

    @property
    def name(self) -> str:
        """The sweep's name (its dataset folder)."""
        return self.sweep.name

    @property
    def replicates(self) -> int:
        """Runs per point."""
        return self.sweep.replicates

    @property
    def runs(self) -> int:
        """Points × replicates."""
        return len(self.points) * self.replicates

    @property
    def swept_paths(self) -> list[str]:
        """The swept fields (every point holds a value for each)."""
        return list(self.points[0])

    def seed(self, replicate: int) -> int:
        """Seed of ``replicate`` — the same at every point (common random numbers)."""
        return replicate_seed(self.base_seed, replicate)

    def scenario(self, point: int) -> Scenario:
        """The scenario of ``point`` (its seed is set per replicate when it runs)."""
        return replace(self.base, self.points[point])

    def digest(self) -> str:
        """SHA-256 of everything that decides the results: the base scenario, the points,
        the seeds and whether daily rows are kept."""
        content = {
            "scenario": scenario_hash(self.base), "points": list(self.points), "base_seed": self.base_seed,
            "replicates": self.replicates, "daily": self.sweep.daily,
        }
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def relabel(err: ScenarioError, origin: str) -> list[str]:
    """The problems ``replace`` found (labelled `--set`), labelled ``origin`` instead."""
    return [f"{origin}{problem.removeprefix(OVERRIDE_ORIGIN)}" for problem in err.problems]


def read_sweep(path: str | Path, overrides: Mapping[str, Any] | None = None) -> Sweep:
    """Read and validate a sweep file; ``overrides`` replace its top-level keys (e.g.
    ``{"members": 1_000}`` for a quick trial). Raises ``SweepError``."""
    path = Path(path)
    try:
        data = read_toml(path)
    except ScenarioError as err:
        raise SweepError(err.problems) from None
    data.setdefault("name", path.stem)
    data.update(overrides or {})
    try:
        return Sweep.model_validate(data)
    except ValidationError as err:
        raise SweepError([describe_error(e, {}, str(path)) for e in err.errors()]) from None


def load_sweep(path: str | Path, overrides: Mapping[str, Any] | None = None) -> SweepPlan:
    """Read a sweep file, load its base scenario and check every point against it.

    Raises ``SweepError`` with one line per problem (``FILE: field: reason``); a problem
    in the base scenario file itself is reported against that file."""
    path = Path(path)
    sweep = read_sweep(path, overrides)
    scenario_path = (path.parent / sweep.scenario).resolve()
    if not scenario_path.is_file():
        raise SweepError([f"{path}: scenario: file not found ({scenario_path})"])
    try:
        scenario = load_scenario(scenario_path)
    except ScenarioError as err:
        raise SweepError(err.problems) from None
    try:
        base = resolve(scenario, sweep.days, sweep.members, None, sweep.settings)
    except ScenarioError as err:
        raise SweepError(relabel(err, str(path))) from None
    base_values = base.model_dump(mode="json")
    problems: dict[str, None] = {}  # ordered, without repeats
    points = []
    for point in design_points(sweep, base_values):
        try:
            values = replace(base, point).model_dump(mode="json")
        except ScenarioError as err:
            problems.update(dict.fromkeys(relabel(err, str(path))))
            continue
        points.append({key: field_value(values, key) for key in point})
    if problems:
        raise SweepError(list(problems))
    swept = list(dict.fromkeys(key for point in points for key in point))
    points = [{key: point[key] if key in point else field_value(base_values, key) for key in swept}
              for point in points]
    seed = base.run.seed if sweep.seed is None else sweep.seed
    sweep = sweep.model_copy(update={"scenario": str(scenario_path)})
    return SweepPlan(sweep=sweep, source=path, base=base, base_seed=seed, points=tuple(points))
