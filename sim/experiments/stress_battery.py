"""Stress batteries as data: named shock families, each at several severities, expressed
through the scenario's own mechanism, scheduled events (``[[events]]`` with ``set`` of
dotted fields and ``merchant_exodus_share``, docs/MODEL.md §4).

A battery file is TOML (the standard one ships as ``sim/experiments/batteries/standard.toml``):

    name = "standard"
    shock_day_share = 0.333          # shocks land on day floor(share × horizon) unless shock_day is set

    [[families]]
    name = "growth_stop"
    description = "..."
    severities = [0.25, 0.5, 0.75, 1.0]
    [[families.changes]]
    path = "population.bass_innovation_per_day"
    mode = "scale"                  # value × (1 + factor × severity)
    factor = -1.0

A change's ``mode`` says how a severity s in [0, 1] moves the value v in force on the shock
day: ``scale``: v × (1 + factor × s); ``toward``: v + s × (to − v); ``set``: ``to`` when
s > 0. Whole-number fields are rounded to the nearest integer. ``merchant_exodus = true``
makes each active merchant leave with probability s that day. ``duration_days`` ends the
shock after that many days (the fields go back to their values before it), for a shock
that happens at once (a bank run) rather than from then on. Severity 0 leaves every value
as it was, so it is the unshocked run.
"""

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, model_validator

from sim.experiments.sweep_design import SweepError, field_value, relabel
from sim.scenario.loading import (
    OVERRIDE_ORIGIN,
    ScenarioError,
    describe_error,
    read_toml,
    replace,
    scenario_on_day,
)
from sim.scenario.params import MAX_DAYS, FolderName, Scenario, Section

BATTERIES = Path(__file__).resolve().parent / "batteries"
STANDARD_BATTERY = BATTERIES / "standard.toml"
MAX_SEVERITIES = 100
UNSHOCKED = "none"
"""The ``shock`` name of the unshocked cell (severity 0) every battery run includes."""


class BatteryError(SweepError):
    """A battery file that cannot be used: one line per problem, ``FILE: field: reason``."""


class Change(Section):
    """How one scenario field moves with the severity of a shock."""

    path: str = Field(min_length=1, max_length=200)
    """Dotted path of the scenario field, e.g. `population.bass_imitation_per_day`."""
    mode: Literal["scale", "toward", "set"]
    """`scale`: v × (1 + factor × s); `toward`: v + s × (to − v); `set`: `to` when s > 0."""
    factor: float | None = None
    """Relative change at severity 1 (`scale`): -1 removes the value, +1 doubles it."""
    to: float | None = None
    """The value reached at severity 1 (`toward`), or set by any shock (`set`)."""

    @model_validator(mode="after")
    def _check_mode(self):
        needs = "factor" if self.mode == "scale" else "to"
        if getattr(self, needs) is None:
            raise ValueError(f"mode {self.mode!r} needs {needs!r}")
        return self


class Family(Section):
    """One named shock family and the severities it is tried at."""

    name: FolderName
    """The family's name (a column value of `stress.parquet`)."""
    description: str = Field("", max_length=500)
    """What the shock models and what severity 1 means."""
    severities: tuple[float, ...] = Field(min_length=1, max_length=MAX_SEVERITIES, strict=False)
    """Severities tried, increasing, each in (0, 1]."""
    changes: tuple[Change, ...] = Field((), strict=False)
    """Scenario fields the shock changes."""
    merchant_exodus: bool = False
    """Each active merchant leaves with probability `severity` on the shock day."""
    duration_days: int | None = Field(None, ge=1, le=MAX_DAYS)
    """Days the changed fields stay changed (default: to the end of the run)."""

    @model_validator(mode="after")
    def _check_family(self):
        if not self.changes and not self.merchant_exodus:
            raise ValueError("a family needs `changes` or `merchant_exodus = true`")
        if any(not 0 < s <= 1 for s in self.severities) or list(self.severities) != sorted(set(self.severities)):
            raise ValueError("severities must increase and lie in (0, 1]")
        if self.duration_days is not None and not self.changes:
            raise ValueError("duration_days needs `changes` (a merchant exodus happens on one day)")
        return self


class Battery(Section):
    """A battery file: the shock families and when they land."""

    name: FolderName = "battery"
    """The battery's name. Defaults to the file name."""
    description: str = ""
    """What the battery is for and where its shocks come from."""
    shock_day: int | None = Field(None, ge=1, le=MAX_DAYS)
    """Day every shock lands (default: `shock_day_share` of the horizon)."""
    shock_day_share: float = Field(1 / 3, gt=0.0, lt=1.0)
    """Share of the horizon before the shock, when `shock_day` is not set."""
    families: tuple[Family, ...] = Field(min_length=1, strict=False)
    """The shock families."""

    @model_validator(mode="after")
    def _check_names(self):
        names = [family.name for family in self.families]
        repeated = sorted({name for name in names if names.count(name) > 1} | ({UNSHOCKED} & set(names)))
        if repeated:
            raise ValueError(f"family names must be unique and not {UNSHOCKED!r}: {', '.join(repeated)}")
        return self

    def family(self, name: str) -> Family:
        """The family called ``name``; ``KeyError`` when there is none."""
        return {family.name: family for family in self.families}[name]


def read_battery(path: str | Path) -> Battery:
    """Read and validate a battery file. Raises ``BatteryError`` with one line per problem."""
    path = Path(path)
    try:
        data = read_toml(path)
    except ScenarioError as err:
        raise BatteryError(err.problems) from None
    data.setdefault("name", path.stem)
    try:
        return Battery.model_validate(data)
    except ValidationError as err:
        raise BatteryError([describe_error(e, {}, str(path)) for e in err.errors()]) from None


def shock_day(battery: Battery, horizon_days: int) -> int:
    """The day the shocks land: ``shock_day``, or floor(``shock_day_share`` × horizon)."""
    return battery.shock_day if battery.shock_day is not None else max(1, math.floor(battery.shock_day_share * horizon_days))


def shocked_value(change: Change, value_before: float, severity: float) -> int | float:
    """The value of ``change.path`` under a shock of ``severity`` when it was ``value_before``
    (rounded to a whole number when the field holds one)."""
    if change.mode == "scale":
        value = value_before * (1 + change.factor * severity)
    elif change.mode == "toward":
        value = value_before + severity * (change.to - value_before)
    else:
        value = change.to if severity > 0 else value_before
    return round(value) if isinstance(value_before, int) else float(value)


def numeric_field(values: dict, path: str) -> int | float:
    """The number at dotted ``path`` of a scenario dumped to a dict; a ``ScenarioError``
    (labelled like a ``--set``) when there is no such field or it holds no number."""
    try:
        value = field_value(values, path)
    except (KeyError, TypeError):
        raise ScenarioError([f"{OVERRIDE_ORIGIN}: {path}: not a scenario field"]) from None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ScenarioError([f"{OVERRIDE_ORIGIN}: {path}: not a numeric field (it holds {value!r})"])
    return value


def shocked_scenario(scenario: Scenario, family: Family, severity: float, day: int) -> Scenario:
    """``scenario`` with ``family``'s shock of ``severity`` (0 ≤ severity ≤ 1) added as events
    on ``day`` (and an event restoring the fields after ``duration_days``). The values
    moved are those in force on ``day`` (after the scenario's own events). Raises
    ``ScenarioError`` for a path that is not a numeric field or a shocked value out of its
    field's range."""
    in_force = scenario_on_day(scenario, day).model_dump(mode="json")
    before = {change.path: numeric_field(in_force, change.path) for change in family.changes}
    changed = {change.path: shocked_value(change, before[change.path], severity) for change in family.changes}
    events = [event.model_dump(mode="json") for event in scenario.events]
    events.append({"day": day, "set": changed, "merchant_exodus_share": severity if family.merchant_exodus else 0.0,
                   "note": f"stress: {family.name} at severity {severity:g}"})
    if family.duration_days is not None and day + family.duration_days < scenario.run.days:
        events.append({"day": day + family.duration_days, "set": before,
                       "note": f"stress: {family.name} ends"})
    shocked = replace(scenario, {"events": events})
    scenario_on_day(shocked, day)  # the shocked values must be valid scenario values
    return shocked


@dataclass(frozen=True)
class Cell:
    """One cell of a battery: a family (or ``UNSHOCKED``) at one severity, and its scenario."""

    shock: str
    severity: float
    scenario: Scenario


def battery_cells(scenario: Scenario, battery: Battery, source: str) -> list[Cell]:
    """The unshocked cell, then every family × severity in file order. Every shocked
    scenario is built and checked before anything runs; a problem names ``source`` (the
    battery file), the family and the severity."""
    day = shock_day(battery, scenario.run.days)
    if day >= scenario.run.days:
        raise BatteryError([f"{source}: shock_day: day {day} is not within the horizon of {scenario.run.days} days"])
    cells, problems = [Cell(UNSHOCKED, 0.0, scenario)], {}
    for family in battery.families:
        for severity in family.severities:
            try:
                cells.append(Cell(family.name, severity, shocked_scenario(scenario, family, severity, day)))
            except ScenarioError as err:
                for reason in relabel(err, ""):
                    problems[f"{source}: families.{family.name} (severity {severity:g}){reason}"] = None
    if problems:
        raise BatteryError(list(problems))
    return cells

