"""What the workbench does, as plain functions the page calls (and tests call without a
browser): run a scenario day by day with progress and save it, judge it with the report's
verdict, run replicates, read a design study of `circsim optimize` and build the scenario
of one of its designs, and package the files a user downloads.

Runs are saved in the output folder `circsim dashboard --out` names (as `circsim run` saves
them), and nowhere else; downloads are built in memory.
"""

import io
import json
import math
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from sim.analysis.metrics import ruin_probability, run_metrics
from sim.analysis.verdict import Verdict, assess
from sim.core.errors import InputError
from sim.dashboard.forms import coerce_to_field, form_fields
from sim.dashboard.model import ENGINE_LOCK
from sim.engine.simulation import Simulation, set_threads
from sim.experiments.replicates import replicate_lines, run_replicates, save_replicates
from sim.report.build import REPORT_FOLDER, key_figures, write_report
from sim.report.charts import flows_chart, growth_chart, ruin_chart, solvency_chart
from sim.results.replicates import collapse_days
from sim.results.run_result import RunResult
from sim.scenario.loading import load_scenario, replace
from sim.scenario.params import Scenario
from sim.scenario.scaling import resolve

PROGRESS_EVERY_DAYS = 5
"""The page hears of a run's progress every this many days (more often costs redraws)."""

STUDY_FILE = "optimize.json"
STUDY_TABLES = ("trials.parquet", "pareto.parquet")
STUDY_COLUMNS = ("trial", "replicates", "state", "feasible")
"""Columns every study table has besides one per searched parameter and one per objective."""


@dataclass(frozen=True)
class RunOutcome:
    """A finished run as the page shows it: the result, its saved folder, the verdict with
    its evidence, the report's key figures, and the report's charts by name."""

    result: RunResult
    run_dir: Path
    verdict: Verdict
    key_figures: list[tuple[str, str]]
    charts: dict[str, Figure]
    replicate_lines: tuple[str, ...] = ()


def run_size(members_text: str, days_text: str) -> tuple[int | None, int | None, list[str]]:
    """The size of a run typed into the page: initial members (a scaled copy, as
    ``--members``) and days (as ``--days``); an empty box keeps the scenario's value. Returns
    the two numbers (None when kept) and the problems, one line each."""
    values, problems = [], []
    for option, text in (("--members", members_text), ("--days", days_text)):
        text = text.strip()
        if not text:
            values.append(None)
        elif text.isdigit() and int(text) >= 1:
            values.append(int(text))
        else:
            values.append(None)
            problems.append(f"{option}: expected a whole number of at least 1, got {text!r}")
    return values[0], values[1], problems


def play(scenario: Scenario, on_progress: Callable[[int, int], None] | None = None) -> RunResult:
    """Simulate a resolved scenario one day at a time (as ``sim.run`` does), calling
    ``on_progress(days_played, days_total)`` every ``PROGRESS_EVERY_DAYS`` days and at the
    end. Each day holds ``ENGINE_LOCK``, so runs of several browser tabs take turns by day."""
    threads = set_threads(None)
    started = time.perf_counter()
    simulation = Simulation(scenario)
    while not simulation.finished:
        with ENGINE_LOCK:
            simulation.step()
        if on_progress and (simulation.day % PROGRESS_EVERY_DAYS == 0 or simulation.finished):
            on_progress(simulation.day, scenario.run.days)
    return simulation.result(threads, time.perf_counter() - started)


def judge(result: RunResult, run_dir: Path, replicates: pd.DataFrame | None = None) -> RunOutcome:
    """The verdict of a run (and its replicates) with the report's rules
    (``sim.analysis.verdict.assess``), its key figures and charts as the report draws them."""
    metrics = run_metrics(result.daily, result.ledger)
    horizon = result.scenario.run.days
    ruin = ruin_probability(collapse_days(replicates), horizon) if replicates is not None else None
    charts = {"solvency": solvency_chart(result), "flows": flows_chart(result), "growth": growth_chart(result)}
    lines: tuple[str, ...] = ()
    if replicates is not None:
        charts["ruin"] = ruin_chart(collapse_days(replicates), horizon, result.scenario.name)
        lines = tuple(replicate_lines(replicates, horizon))
    return RunOutcome(result, run_dir, assess(metrics, ruin, currency=result.scenario.platform.currency), key_figures(result, metrics), charts, lines)


def run_and_save(scenario: Scenario, members: int | None, days: int | None, out_dir: Path,
                 on_progress: Callable[[int, int], None] | None = None) -> RunOutcome:
    """Run ``scenario`` scaled to ``members`` initial members for ``days`` days (None keeps
    the scenario's), save it under ``out_dir/<scenario>/<run_id>/`` and judge it. Raises
    ``ScenarioError`` when the size makes the scenario invalid."""
    resolved = resolve(scenario, days=days, members=members)
    result = play(resolved, on_progress)
    return judge(result, result.save(out_dir))


def run_replicates_and_save(scenario: Scenario, members: int | None, days: int | None, replicates: int,
                            out_dir: Path) -> RunOutcome:
    """Run ``replicates`` seeds of the scenario in worker processes
    (``sim.experiments.replicates``), save replicate 0 with the replicates table under
    ``out_dir`` and judge them together (the ruin probability joins the verdict)."""
    result, table = run_replicates(scenario, replicates, days=days, members=members)
    run_dir = save_replicates(result, table, out_dir)
    return judge(result, run_dir, table)


def folder_zip(folder: Path) -> bytes:
    """A zip of ``folder`` (its files under ``<folder name>/``, in sorted order), built in
    memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, Path(folder.name) / path.relative_to(folder))
    return buffer.getvalue()


_REPORT_LOCKS: dict[Path, threading.Lock] = {}
_REPORT_LOCKS_GUARD = threading.Lock()


def report_file(run_dir: Path, name: str) -> bytes:
    """``report.html`` or ``report.pdf`` of a run folder, writing the report first
    (``sim.report.build.write_report``) when the folder has none yet. One writer per run
    folder at a time: a second caller waits for the first (both would write the same
    partial folder, which is named after this process)."""
    with _REPORT_LOCKS_GUARD:
        lock = _REPORT_LOCKS.setdefault(run_dir, threading.Lock())
    path = run_dir / REPORT_FOLDER / name
    with lock:
        if not path.is_file():
            write_report(run_dir)
    return path.read_bytes()


def start_report(run_dir: Path) -> threading.Thread:
    """Write the report of a run folder in the background, so that it is ready (or nearly)
    when the user asks to download it; a daemon thread, so it never outlives the server."""
    writer = threading.Thread(target=report_file, args=(run_dir, "report.html"), daemon=True,
                              name=f"report {run_dir.name}")
    writer.start()
    return writer


# ---------------------------------------------------------------------------------------
# Design studies of `circsim optimize`: DIR/<name>/optimize.json, scenario.toml,
# trials.parquet and pareto.parquet.

class StudyError(InputError):
    """A folder that is not a readable design study; one line per problem."""


@dataclass(frozen=True)
class Study:
    """A design study: its folder, base scenario, searched parameters (dotted path ->
    {"low", "high", "log"}), objectives ([{"name", "direction"}]), and its trials and
    Pareto-optimal trials (one row each)."""

    folder: Path
    scenario: Scenario
    parameters: dict[str, dict]
    objectives: list[dict]
    trials: pd.DataFrame
    pareto: pd.DataFrame


def find_studies(folder: Path) -> list[Path]:
    """The design studies in ``folder``: the folder itself if it holds ``optimize.json``,
    and each folder directly inside it that does, sorted by name."""
    if not folder.is_dir():
        return []
    inside = sorted(path for path in folder.iterdir() if (path / STUDY_FILE).is_file())
    return [folder] + inside if (folder / STUDY_FILE).is_file() else inside


def read_study(folder: Path) -> Study:
    """Read a design study folder, checked: the description, the base scenario (checked as
    ``circsim check`` checks it) and both tables with a column per searched parameter and per
    objective. Raises ``StudyError`` (or ``ScenarioError`` for the scenario) naming the file."""
    description_path = folder / STUDY_FILE
    try:
        description = json.loads(description_path.read_text(encoding="utf-8"))
        parameters, objectives = dict(description["parameters"]), list(description["objectives"])
        objective_names = [objective["name"] for objective in objectives]
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise StudyError([f"{description_path}: cannot be read as a design study ({err})"]) from None
    unknown = [path for path in parameters if path not in form_fields()]
    if unknown:
        raise StudyError([f"{description_path}: parameters.{path}: not a scenario field" for path in unknown])
    scenario = load_scenario(folder / "scenario.toml")
    tables, problems = {}, []
    for name in STUDY_TABLES:
        try:
            table = pd.read_parquet(folder / name)
        except (OSError, ValueError) as err:
            problems.append(f"{folder / name}: cannot be read ({err})")
            continue
        missing = [column for column in (*STUDY_COLUMNS, *parameters, *objective_names) if column not in table]
        problems += [f"{folder / name}: {column}: column missing" for column in missing]
        tables[name] = table
    if problems:
        raise StudyError(problems)
    return Study(folder, scenario, parameters, objectives, tables["trials.parquet"], tables["pareto.parquet"])


def design_settings(study: Study, trial: int) -> dict:
    """The searched parameters' values of one Pareto-optimal trial, by dotted path, as the
    scenario's fields take them (whole numbers as ints for integer fields). Raises
    ``StudyError`` when the trial is not on the Pareto front."""
    rows = study.pareto[study.pareto["trial"] == trial]
    if rows.empty:
        raise StudyError([f"{study.folder}: trial {trial}: not on the Pareto front"])
    row, fields = rows.iloc[0], form_fields()
    return {path: coerce_to_field(path, row[path], fields) for path in study.parameters}


def design_scenario(study: Study, trial: int) -> Scenario:
    """The study's base scenario with one Pareto-optimal trial's parameters applied (checked
    as any edit is); a problem names the study and the trial."""
    return replace(study.scenario, design_settings(study, trial), origin=f"{study.folder}: trial {trial}")


def objective_label(objective: dict) -> str:
    """An objective as an axis label: its name and whether more or less is better."""
    direction = objective.get("direction", "")
    better = {"maximize": "higher is better", "maximise": "higher is better",
              "minimize": "lower is better", "minimise": "lower is better"}.get(direction, direction)
    return f"{objective['name']} ({better})" if better else objective["name"]


def point_text(study: Study, trial: int) -> str:
    """One Pareto point in words: its trial, parameters and objectives."""
    row = study.pareto[study.pareto["trial"] == trial].iloc[0]
    values = [f"{path} = {row[path]:g}" if isinstance(row[path], float) and math.isfinite(row[path])
              else f"{path} = {row[path]}" for path in study.parameters]
    values += [f"{objective['name']} = {row[objective['name']]:.4g}" for objective in study.objectives]
    return f"trial {trial}: " + ", ".join(values)
