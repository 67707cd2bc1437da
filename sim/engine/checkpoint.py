"""Saving a run mid-way and continuing it: the whole state of a ``Simulation`` on day t to a
file (``save_checkpoint``), read back (``load_checkpoint``), copied in memory (``fork``), and
continued under a scenario that differs only from day t on (``continue_as``: an order issued
today, a longer horizon).

The random numbers are drawn by index from (seed, stream, day, member), so a run holds no
generator state: a continued run is bit-identical to one that never stopped
(tests/science/test_checkpoint.py checks it on every release rule with every mechanism on).

A checkpoint file is a Python pickle of the simulation's attributes behind a small header
(format, version, circsim version, the state's layout, scenario hash, day). Like any pickle
it can run code when read: load only checkpoints you or your own tools wrote.
"""

import copy
import pickle
from dataclasses import fields
from pathlib import Path

import numpy as np

from sim.core.errors import InputError
from sim.engine.state import MEMBER_FIELDS, MERCHANT_FIELDS
from sim.engine.totals import RunningTotals
from sim.results.files import write_atomic
from sim.results.provenance import package_version
from sim.scenario.compiled import compile_rules
from sim.scenario.loading import Timeline, scenario_hash
from sim.scenario.params import Scenario

CHECKPOINT_FORMAT = "circsim checkpoint"
CHECKPOINT_VERSION = 1
SIMULATION_MODULE = "sim.engine.simulation"
UNREADABLE = (pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError, ValueError, TypeError)
"""What reading a damaged or foreign pickle raises."""


def state_layout() -> dict[str, list[str]]:
    """Names of everything a checkpoint holds, so a file from a circsim whose state differs
    is refused instead of misread: member and merchant fields (name:dtype), running totals."""
    def columns(table_fields: dict) -> list[str]:
        return [f"{name}:{np.dtype(dtype).name}" for name, (dtype, _) in table_fields.items()]

    return {"members": columns(MEMBER_FIELDS), "merchants": columns(MERCHANT_FIELDS),
            "totals": [field.name for field in fields(RunningTotals)]}


def header_of(sim) -> dict:
    """The header written before a checkpoint's state (what ``read_header`` returns)."""
    return {
        "format": CHECKPOINT_FORMAT, "version": CHECKPOINT_VERSION, "circsim": package_version(),
        "layout": state_layout(), "scenario": sim.scenario.name, "scenario_hash": scenario_hash(sim.scenario),
        "seed": sim.scenario.run.seed, "day": sim.day,
    }


def save_checkpoint(sim, path: str | Path) -> Path:
    """Write the state of ``sim`` (a ``Simulation``) at the start of day ``sim.day`` (every
    earlier day played) to ``path`` atomically; returns the path. The file holds the daily
    rows and ledger so far, so a run continued from it returns the whole run's tables.
    What is kept is ``Simulation.__getstate__``: everything but the day's work buffers."""
    path = Path(path)

    def write(temporary: Path) -> None:
        with temporary.open("wb") as stream:
            pickle.dump(header_of(sim), stream, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(sim, stream, protocol=pickle.HIGHEST_PROTOCOL)

    write_atomic(path, write)
    return path


def read_header(path: str | Path) -> dict:
    """The header of a checkpoint file; raises ``InputError`` naming the file when it is
    missing, is not a circsim checkpoint, or was written by a circsim whose state differs."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such checkpoint file")
    try:
        with path.open("rb") as stream:
            header = pickle.load(stream)
    except UNREADABLE:
        header = None
    if not isinstance(header, dict) or header.get("format") != CHECKPOINT_FORMAT:
        raise InputError(f"{path}: not a circsim checkpoint")
    if header.get("version") != CHECKPOINT_VERSION or header.get("layout") != state_layout():
        raise InputError(f"{path}: written by circsim {header.get('circsim')} with another state layout "
                         f"(format version {header.get('version')}); continue it with that version")
    return header


def load_checkpoint(path: str | Path):
    """The ``Simulation`` saved in ``path``, ready to play day ``header['day']``. Raises
    ``InputError`` (one line naming the file) for anything but a readable checkpoint of this
    circsim's state layout."""
    path = Path(path)
    read_header(path)
    try:
        with path.open("rb") as stream:
            pickle.load(stream)
            sim = pickle.load(stream)
    except UNREADABLE:
        raise InputError(f"{path}: the checkpoint is truncated or damaged") from None
    if type(sim).__module__ != SIMULATION_MODULE:
        raise InputError(f"{path}: the checkpoint holds no simulation")
    return sim


def fork(sim):
    """An independent copy of ``sim`` (nothing shared), to play alternative futures from the
    same day."""
    return copy.deepcopy(sim)


def continue_as(sim, scenario: Scenario) -> None:
    """Play the rest of ``sim`` under ``scenario``, from day ``sim.day`` on.

    The caller guarantees that ``scenario`` plays days 0 … sim.day − 1 as the run did: it may
    differ only in ``run.days`` (the horizon, at least ``sim.day``), in events of day
    ``sim.day`` or later, and in series entries of those days. The rules in force stay those
    of the last day played until the next event, so nothing already played is re-decided.
    Raises ``ValueError`` when the horizon is before the current day.
    """
    if scenario.run.days < sim.day:
        raise ValueError(f"run.days: {scenario.run.days} is before the day the run has reached ({sim.day})")
    sim.scenario = scenario
    sim.timeline = timeline = Timeline(scenario)
    in_force = timeline.base
    for day in sorted(day for day in timeline.events_by_day if day < sim.day):  # the timeline adds up in day order
        in_force = timeline.scenario_from(day)
    sim.rules = compile_rules(in_force)
