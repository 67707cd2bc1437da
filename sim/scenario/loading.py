"""Load a scenario: TOML files chained by `extends`, `--set` overrides, validation into
``sim.scenario.params.Scenario``, and a stable hash of the result.

Every problem is collected as one line ``FILE: FIELD: reason`` and raised together in a
``ScenarioError``, so a user sees all of them at once and nothing runs.
"""

import hashlib
import json
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import ValidationError

from sim.core.errors import InputError
from sim.scenario import exact_range
from sim.scenario.params import MAX_DAYS, MAX_MEMBERS, Event, Scenario
from sim.scenario.series import SERIES_COLUMNS, read_daily_series

OVERRIDE_ORIGIN = "--set"
FIXED_FOR_THE_RUN = ("name", "description", "run", "events")
"""Top-level parts of a scenario that an event cannot change."""


class ScenarioError(InputError):
    """A scenario that cannot be used; ``problems`` holds one line per problem."""


def read_toml(path: Path) -> dict:
    """Parse one TOML file; a missing, unreadable or broken file is a ``ScenarioError`` that
    says plainly what is there instead of a file (never opening a pipe or a device, which
    could block)."""
    if not path.is_file():
        if path.is_symlink() and not path.exists():
            raise ScenarioError([f"{path}: file: a link that leads nowhere (broken or circular)"])
        if path.is_dir():
            raise ScenarioError([f"{path}: file: is a folder, not a scenario file"])
        if path.exists():
            raise ScenarioError([f"{path}: file: not a regular file (a pipe, socket or device)"])
        raise ScenarioError([f"{path}: file: not found"])
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError([f"{path}: TOML: {err}"]) from None
    except (OSError, UnicodeDecodeError) as err:
        raise ScenarioError([f"{path}: file: cannot be read ({err})"]) from None


def _merge(base: dict, top: dict, origins: dict, origin: str, prefix: tuple = ()) -> dict:
    """Deep-merge ``top`` over ``base``, recording which file set each leaf."""
    merged = dict(base)
    for key, value in top.items():
        path = prefix + (key,)
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value, origins, origin, path)
        else:
            merged[key] = value
            origins[path] = origin
            if isinstance(value, dict):
                for sub_path in _leaf_paths(value, path):
                    origins[sub_path] = origin
    return merged


def _leaf_paths(table: dict, prefix: tuple) -> Iterable[tuple]:
    for key, value in table.items():
        if isinstance(value, dict):
            yield from _leaf_paths(value, prefix + (key,))
        else:
            yield prefix + (key,)


def _read_chain(path: Path, origins: dict, chain: tuple[Path, ...] = ()) -> dict:
    """Read ``path`` and, before it, every file it `extends`, detecting cycles."""
    if path.is_symlink() and not path.exists():
        raise ScenarioError([f"{path}: file: a link that leads nowhere (broken or circular)"])
    path = path.resolve()
    if path in chain:
        cycle = " -> ".join(p.name for p in chain + (path,))
        raise ScenarioError([f"{chain[-1]}: extends: cycle {cycle}"])
    data = read_toml(path)
    parent_name = data.pop("extends", None)
    base: dict = {}
    if parent_name is not None:
        if not isinstance(parent_name, str):
            raise ScenarioError([f"{path}: extends: must be a file name string"])
        base = _read_chain(path.parent / parent_name, origins, chain + (path,))
    return _merge(base, data, origins, str(path))


def parse_override(text: str) -> tuple[tuple[str, ...], Any]:
    """Split ``section.field=value`` into a key path and a TOML-typed value."""
    key, sep, raw_value = text.partition("=")
    key_path = tuple(part.strip() for part in key.split("."))
    if not sep or not all(key_path):
        raise ScenarioError([f"{OVERRIDE_ORIGIN} {text}: expected section.field=value"])
    try:
        value = tomllib.loads(f"value = {raw_value.strip()}")["value"]
    except tomllib.TOMLDecodeError:
        value = raw_value.strip()  # a bare word is taken as a string, e.g. rule=pool
    if isinstance(value, dict):
        raise ScenarioError([f"{OVERRIDE_ORIGIN} {text}: one field per --set, not a table of them"])
    return key_path, value


def _apply_overrides(data: dict, overrides: Iterable[str] | Mapping[str, Any], origins: dict,
                     origin: str = OVERRIDE_ORIGIN) -> dict:
    items = overrides.items() if isinstance(overrides, Mapping) else (
        parse_override(text) for text in overrides
    )
    for key, value in items:
        key_path = tuple(key.split(".")) if isinstance(key, str) else key
        nested: Any = value
        for part in reversed(key_path):
            nested = {part: nested}
        data = _merge(data, nested, origins, origin)
    return data


def describe_error(error: dict, origins: dict, top_file: str) -> str:
    """One pydantic validation error as ``FILE: field: reason``, naming the file that set the
    field (``origins`` maps key paths to files; ``top_file`` is the fallback)."""
    location = tuple(str(part) for part in error["loc"])
    message = error["msg"]
    if error["type"] == "extra_forbidden":
        message = "unknown field"
    elif error["type"] == "value_error" and not location:
        # a cross-field check: its message starts with the field it names
        return f"{top_file}: {message.removeprefix('Value error, ')}"
    elif error["type"] == "value_error":
        message = f"{message.removeprefix('Value error, ')} (got {error['input']!r})"
    else:
        message = f"{message} (got {error['input']!r})"
    origin = origins.get(location, top_file)
    return f"{origin}: {'.'.join(location)}: {message}"


def _read_series_files(data: dict, origins: dict) -> dict:
    """Each daily-series field given as a CSV file name (``SERIES_COLUMNS``) replaced by the
    file's values by day, the file found beside the scenario file that names it (or in the
    working folder for ``--set``)."""
    for (section, field), column in SERIES_COLUMNS.items():
        values = data.get(section)
        if not isinstance(values, dict) or not isinstance(values.get(field), str):
            continue
        origin = origins.get((section, field), OVERRIDE_ORIGIN)
        folder = Path(origin).parent if Path(origin).is_file() else Path.cwd()
        series = read_daily_series(folder / values[field], column, origin, f"{section}.{field}", MAX_DAYS,
                                   MAX_MEMBERS)
        data = {**data, section: {**values, field: series}}
    return data


def load_scenario(
    path: str | Path, overrides: Iterable[str] | Mapping[str, Any] = ()
) -> Scenario:
    """Read, merge, override and validate a scenario file.

    ``overrides`` are ``"section.field=value"`` strings (as given to ``--set``) or a
    mapping from dotted keys to values. Raises ``ScenarioError`` listing every problem.
    """
    path = Path(path)
    origins: dict = {}
    data = _read_chain(path, origins)
    data.setdefault("name", path.stem)
    data = _apply_overrides(data, overrides, origins)
    data = _read_series_files(data, origins)
    top_file = str(path.resolve())
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as err:
        raise ScenarioError([describe_error(e, origins, top_file) for e in err.errors()]) from None
    check_events(scenario, top_file)
    return scenario


DAY_ZERO_ONLY = ("population.initial_members", "merchants.initial_merchants", "platform.initial_cash_cents",
                 "platform.launch_cost_cents", "release.first_release_delay_days", "population.recruitment",
                 "population.network", "population.contacts_per_member", "population.network_rewiring_probability")
"""Fields that take effect once, when the run starts: an event cannot change them."""


class Timeline:
    """The scenario in force day by day. The events' changes accumulate in day order and
    the scenario of an event day is built once from them on a copy without the event list,
    so playing or checking D days with E events costs O(D + E), not O(E²)."""

    def __init__(self, scenario: Scenario):
        self.base = scenario.model_copy(update={"events": ()})
        self.events_by_day: dict[int, list[Event]] = {}
        for event in scenario.events:
            self.events_by_day.setdefault(event.day, []).append(event)
        self.in_force: dict[str, Any] = {}

    def events_on(self, day: int) -> list[Event]:
        """The events that take effect on ``day`` (empty on most days)."""
        return self.events_by_day.get(day, [])

    def scenario_from(self, day: int) -> Scenario:
        """The scenario in force from ``day`` on, once the changes of ``day``'s events are
        added to those of every earlier event day passed to this method (in day order)."""
        for event in self.events_on(day):
            self.in_force.update(event.set)
        return replace(self.base, self.in_force) if self.in_force else self.base


def check_events(scenario: Scenario, origin: str) -> None:
    """Every event's changes must name fields that can change mid-run, and the scenario in
    force from each event day on must be valid; a problem names the event and its day."""
    problems, changeable = [], []
    for index, event in enumerate(scenario.events):
        fixed = [key for key in event.set if key.split(".")[0] in FIXED_FOR_THE_RUN or key in DAY_ZERO_ONLY]
        problems += [f"{origin}: events.{index}.set.{key}: cannot change during a run (event of day {event.day})"
                     for key in fixed]
        changeable.append(event.model_copy(update={"set": {k: v for k, v in event.set.items() if k not in fixed}}))
    timeline = Timeline(scenario.model_copy(update={"events": tuple(changeable)}))
    problems += exact_range.problems(timeline.base, origin)
    for day, events in timeline.events_by_day.items():
        try:
            problems += exact_range.problems(timeline.scenario_from(day), f"{origin}: events (day {day})")
        except ScenarioError as err:
            indices = ",".join(str(changeable.index(event)) for event in events)
            problems += [f"{origin}: events.{indices}.set (day {day}): {p.removeprefix(OVERRIDE_ORIGIN + ': ')}"
                         for p in err.problems]
            break  # later days carry the same invalid change
    if problems:
        raise ScenarioError(problems)


def scenario_on_day(scenario: Scenario, day: int) -> Scenario:
    """The scenario in force on ``day``: the changes of every event up to that day, in order
    (without the event list; ``Timeline`` plays a whole run in one pass)."""
    overrides: dict[str, Any] = {}
    for event in scenario.events:
        if event.day <= day:
            overrides.update(event.set)
    base = scenario.model_copy(update={"events": ()})
    return replace(base, overrides) if overrides else base


def replace(scenario: Scenario, overrides: Mapping[str, Any], origin: str = OVERRIDE_ORIGIN) -> Scenario:
    """A copy of ``scenario`` with dotted-key overrides applied and validated again; a
    problem is reported as coming from ``origin`` (the option that asked for the change)."""
    origins: dict = {}
    data = _read_series_files(_apply_overrides(scenario.model_dump(), overrides, origins, origin), origins)
    try:
        return Scenario.model_validate(data)
    except ValidationError as err:
        raise ScenarioError([describe_error(e, origins, origin) for e in err.errors()]) from None


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of the resolved economic content (name and description excluded)."""
    content = scenario.model_dump(mode="json", exclude={"name", "description"})
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def to_toml(scenario: Scenario) -> str:
    """The fully resolved scenario as TOML text, loadable again with ``load_scenario``."""
    return tomli_w.dumps(scenario.model_dump(mode="json"))
