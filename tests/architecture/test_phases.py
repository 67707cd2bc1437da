"""The phases of the day as docs/ARCHITECTURE.md states them: one module per phase, named
like its kernel file, each declaring the daily columns it writes; together they write
exactly ``DAILY_COLUMNS``."""

from pathlib import Path

import pytest

from sim.engine.phases import PHASE_MODULES, PHASES
from sim.engine.simulation import Simulation
from sim.results.tables import DAILY_COLUMNS
from sim.scenario.scaling import resolve

ROOT = Path(__file__).resolve().parents[2]


def test_every_kernel_file_has_a_phase_of_the_same_name():
    helpers = {"__init__", "chunks", "intrinsics", "money_rules"}
    kernels = {path.stem for path in (ROOT / "sim" / "kernels").glob("*.py")} - helpers
    phases = {name for name, _ in PHASES}
    assert kernels <= phases


def test_the_phases_declare_each_daily_column_once():
    declared = [column for module in PHASE_MODULES for column in module.WRITES]
    assert sorted(declared) == sorted(DAILY_COLUMNS)


@pytest.mark.parametrize("path", ["scenarios/pool_gift_packages.toml", "scenarios/queue_n2.toml",
                                  "scenarios/linear_rights.toml", "scenarios/stress_bank_run.toml"])
def test_each_phase_starts_exactly_the_columns_it_declares(path):
    sim = Simulation(resolve(ROOT / path, days=4, members=400))
    for _ in range(4):
        for module in PHASE_MODULES:
            name = module.__name__.rsplit(".", 1)[-1]
            before = set(sim.today)
            module.play(sim)
            started = set(sim.today) - before
            if name == "record":
                started |= set(sim.rows[-1]) - set(sim.today)
            assert started == set(module.WRITES), name
        sim.day += 1
        sim.today = {}
