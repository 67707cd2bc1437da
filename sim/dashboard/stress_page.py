"""What the workbench's Stress page does, as plain functions the page calls (and tests call
without a browser): read an uploaded battery file, run a battery on the scenario being
edited at the workbench's size with progress by cell, and save it as `circsim stress`
saves it (``OUT/<scenario>/stress/``: the battery's tables, ``stress.html``, ``stress.pdf``
and ``charts/``), then read back what the page shows from the saved folder.

The battery is run by ``sim.experiments.stress.run_battery`` and saved by
``sim.results.files.write_folder``, as the command does, so the page's numbers are the
command's numbers for the same scenario, battery, size and replicates.
"""

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from matplotlib.figure import Figure

from sim.dashboard.model import ENGINE_LOCK
from sim.experiments.stress import BatteryResult, run_battery
from sim.experiments.stress_battery import Battery, BatteryError, read_battery
from sim.report.stress_report import HTML_FILE, PDF_FILE, battery_content, write_stress_report
from sim.results.files import folder_inside, write_folder
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
    parent = folder_inside(out_dir, resolved.name)
    result = run_battery(resolved, battery, source, replicates, workers=workers, on_cell_done=on_progress,
                         engine_lock=ENGINE_LOCK)  # the packs' run is in this process, beside the page's runs

    def write(folder: Path) -> None:
        result.write(folder)
        write_stress_report(folder)

    folder = write_folder(parent, STRESS_FOLDER, write)
    content = battery_content(folder)
    tables = {section.title: (section.header, section.rows) for section in content.sections if section.header}
    findings = list(content.sections[0].paragraphs)
    charts = {name: content.figures[name] for name in SHOWN_CHARTS}
    return StressOutcome(folder, result, findings, tables, charts)
