"""What the workbench's Stress page does, as plain functions the page calls (and tests call
without a browser): read an uploaded battery file, run a battery on the scenario being
edited at the workbench's size with progress by cell, and save it as `circsim stress`
saves it (``OUT/<scenario>/stress/``: the battery's tables, ``stress.html``, ``stress.pdf``
and ``charts/``), then read back what the page shows from the saved folder.

The battery's runs are those of ``sim.experiments.stress`` (``stress_run`` on the same
executor, the same seeds, the same cell table, warnings and packs), so the page's numbers
are the command's numbers for the same scenario, battery, size and replicates.
"""

import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from sim.analysis.indicator_packs import RunTables, measure_packs
from sim.dashboard.model import ENGINE_LOCK
from sim.engine.simulation import run
from sim.experiments.executors import map_ordered, open_executor
from sim.experiments.stress import (
    WARNING_PREFIX,
    BatteryResult,
    cell_table,
    replicate_seeds,
    stress_run,
    warnings_from_runs,
)
from sim.experiments.stress_battery import Battery, BatteryError, battery_cells, read_battery, shock_day
from sim.experiments.sweep_runner import RunTask
from sim.report.build import replace_folder
from sim.report.stress_report import HTML_FILE, PDF_FILE, battery_content, write_stress_report
from sim.results.files import folder_inside, partial_folder, remove_abandoned_partials
from sim.scenario.params import Scenario
from sim.scenario.scaling import resolve

STRESS_FOLDER = "stress"
"""The battery's folder inside ``OUT/<scenario>/``, as `circsim stress` names it."""
DEFAULT_STRESS_REPLICATES = 4
"""Replicates per cell the page starts with: few, so the standard battery runs in a minute
or two at the workbench's size; more narrow each cell's interval."""
SHOWN_CHARTS = ("heat_map", "collapse_day")
"""The stress report's charts the page draws (the early-warnings chart is in the report)."""


@dataclass(frozen=True)
class StressOutcome:
    """A finished battery as the page shows it: its saved folder, the result, the findings in
    words, the report's tables by title (header, rows) and the page's charts by name."""

    folder: Path
    result: BatteryResult
    findings: list[str]
    tables: dict[str, tuple[list[str], list[list[str]]]]
    charts: dict[str, Figure]

    @property
    def report_files(self) -> tuple[Path, Path]:
        """``stress.html`` and ``stress.pdf`` of the saved folder."""
        return self.folder / HTML_FILE, self.folder / PDF_FILE


def load_uploaded_battery(name: str, content: bytes) -> Battery:
    """A battery file uploaded through the browser, checked as ``circsim stress --battery``
    checks it (``read_battery``); a problem names the uploaded file's ``name``, and the
    battery is named after it when the file names none. Raises ``BatteryError``."""
    file_name = Path(name).name or "battery.toml"
    with tempfile.TemporaryDirectory(prefix="circsim-upload-") as folder:
        path = Path(folder) / file_name
        path.write_bytes(content)
        try:
            return read_battery(path)
        except BatteryError as err:
            raise BatteryError([problem.replace(str(path.resolve()), name).replace(str(path), name)
                                for problem in err.problems]) from None


def run_battery_cells(cells: list, seeds: list[int], on_progress: Callable[[int, int], None] | None = None,
                      workers: int | None = None) -> pd.DataFrame:
    """Every cell × seed (``stress_run``) on local worker processes, one row per run in cell
    then replicate order, as ``sim.experiments.stress.run_cells`` returns them; in addition
    ``on_progress(cells_done, cells_total)`` is called as each cell's last replicate comes
    back (the results come back in order, so a cell is then complete)."""
    tasks = (RunTask(index, k, seed, cell.scenario, {"shock": cell.shock, "severity": cell.severity})
             for index, cell in enumerate(cells) for k, seed in enumerate(seeds))
    rows = []
    with open_executor("local", workers) as pool:
        for row in map_ordered(pool, stress_run, tasks):
            rows.append(row)
            if on_progress and len(rows) % len(seeds) == 0:
                on_progress(len(rows) // len(seeds), len(cells))
    # the same column types as run_cells: a day or <NA> where there was no collapse or warning
    day_columns = {column: "Int64" for column in rows[0] if column == "collapse_day" or column.startswith(WARNING_PREFIX)}
    return pd.DataFrame(rows).astype(day_columns)


def write_battery_folder(result: BatteryResult, parent: Path) -> Path:
    """Write the battery's tables (``BatteryResult.write``) and its stress report
    (``write_stress_report``) into a partial folder in ``parent``, then rename it to
    ``parent/stress`` (replacing an earlier one); on any failure nothing is left behind."""
    parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned_partials(parent)
    temporary = partial_folder(parent, STRESS_FOLDER)
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir()
    try:
        result.write(temporary)
        write_stress_report(temporary)
        replace_folder(temporary, parent / STRESS_FOLDER)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return parent / STRESS_FOLDER


def run_stress(scenario: Scenario, battery: Battery, source: str, replicates: int, members: int | None,
               days: int | None, out_dir: Path, on_progress: Callable[[int, int], None] | None = None,
               workers: int | None = None) -> StressOutcome:
    """Run ``battery`` (read from ``source``, named in its problems) on ``scenario`` scaled to
    ``members`` initial members for ``days`` days (None keeps the scenario's), with
    ``replicates`` seeds per cell from the scenario's seed (common random numbers, as
    ``sim.experiments.stress.run_battery``), calling ``on_progress(cells_done,
    cells_total)``; save it under ``out_dir/<scenario>/stress/`` and read back the page's
    findings, tables (ruin by shock and severity; early warnings) and charts (heat map of
    ruin probability, median collapse day). Raises ``ScenarioError`` for a size that makes
    the scenario invalid and ``BatteryError`` for a shock that does (before anything runs)."""
    resolved = resolve(scenario, days=days, members=members)
    cells = battery_cells(resolved, battery, source)
    parent = folder_inside(out_dir, resolved.name)
    seed = resolved.run.seed
    started = time.perf_counter()
    runs = run_battery_cells(cells, replicate_seeds(seed, replicates), on_progress, workers)
    wall_seconds = time.perf_counter() - started
    with ENGINE_LOCK:  # the indicator packs' run is in this process, beside the page's other runs
        unshocked = run(resolved, seed=seed)
    packs = measure_packs(RunTables(unshocked.daily, unshocked.ledger, unshocked.members))
    result = BatteryResult(resolved, battery, seed, shock_day(battery, resolved.run.days), runs, cell_table(runs),
                           warnings_from_runs(runs), packs, wall_seconds)
    folder = write_battery_folder(result, parent)
    content = battery_content(folder)
    tables = {section.title: (section.header, section.rows) for section in content.sections if section.header}
    findings = list(content.sections[0].paragraphs)
    charts = {name: content.figures[name] for name in SHOWN_CHARTS}
    return StressOutcome(folder, result, findings, tables, charts)
