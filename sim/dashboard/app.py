"""The circsim workbench: the browser pages `circsim dashboard` serves, on Solara.

Pages: **Scenario** (pick one from the library or upload a file; edit every field in forms
grouped by section, each with its unit, bounds and documentation, problems shown beside the
field), **Run** (run it with progress; the verdict with its evidence and the report's
charts), **Replicates** (the ruin curve over N seeds), **Stress** (a battery of shocks, the
standard one or an uploaded file, as `circsim stress` runs it), **Design study** (the Pareto
front of a `circsim optimize` study; run any of its designs), **Downloads** (the run folder,
the resolved scenario, the reports) and **Mesa model** (``sim.dashboard.page``).

This module only lays out and wires; what the pages do lives in plain functions:
``sim.dashboard.forms`` (forms, edits), ``sim.dashboard.workbench`` (runs, studies, files),
``sim.dashboard.stress_page`` (stress batteries) and ``sim.dashboard.charts``. State is per
browser session (Solara reactive variables and tasks are scoped to the session's kernel).
"""

import os
from html import escape
from pathlib import Path

import solara
from solara.lab import task

from sim.core.errors import InputError
from sim.dashboard import page as mesa_page
from sim.dashboard.charts import pareto_figure
from sim.dashboard.forms import (
    apply_edits,
    field_value,
    form_sections,
    load_uploaded,
    scenario_library,
    value_text,
)
from sim.dashboard.settings import (
    DEFAULT_MEMBERS,
    DEFAULT_OUT,
    MEMBERS_VARIABLE,
    OUT_VARIABLE,
    SCENARIO_VARIABLE,
    STUDIES_VARIABLE,
)
from sim.dashboard.stress_page import DEFAULT_STRESS_REPLICATES, load_uploaded_battery, run_stress
from sim.dashboard.workbench import (
    design_settings,
    find_studies,
    folder_zip,
    objective_label,
    point_text,
    read_study,
    report_file,
    run_and_save,
    run_replicates_and_save,
    run_size,
    start_report,
)
from sim.experiments.stress_battery import STANDARD_BATTERY, read_battery
from sim.scenario.library import BASELINE_SCENARIO as DEFAULT_SCENARIO
from sim.scenario.library import SCENARIO_LIBRARY
from sim.scenario.loading import load_scenario, to_toml

OUT_DIR = Path(os.environ.get(OUT_VARIABLE, DEFAULT_OUT))
STUDIES_DIR = os.environ.get(STUDIES_VARIABLE, str(OUT_DIR / "optimize"))
START_PATH = Path(os.environ.get(SCENARIO_VARIABLE, str(DEFAULT_SCENARIO)))
DEFAULT_REPLICATES = 8

source_name = solara.reactive(START_PATH.name)
base_scenario = solara.reactive(load_scenario(START_PATH))
source_problems = solara.reactive([])
edits = solara.reactive({})
members_text = solara.reactive(os.environ.get(MEMBERS_VARIABLE, str(DEFAULT_MEMBERS)))
days_text = solara.reactive("")
replicates_text = solara.reactive(str(DEFAULT_REPLICATES))
progress_text = solara.reactive("")
study_folder = solara.reactive(STUDIES_DIR)
chosen_study = solara.reactive("")
selected_trial = solara.reactive(None)
STANDARD_SOURCE = f"{STANDARD_BATTERY.name} (the standard battery)"

battery = solara.reactive(read_battery(STANDARD_BATTERY))
battery_source = solara.reactive(STANDARD_SOURCE)
battery_problems = solara.reactive([])
stress_replicates_text = solara.reactive(str(DEFAULT_STRESS_REPLICATES))
stress_progress_text = solara.reactive("")


def problem_lines(error: BaseException) -> list[str]:
    """What went wrong, one line per problem, as the command line would print it."""
    return error.problems if isinstance(error, InputError) else [f"{type(error).__name__}: {error}"]


def report_progress(days_played: int, days_total: int) -> None:
    """Progress of the running simulation, for the progress bar and its text."""
    run_scenario.progress = 100 * days_played / days_total
    progress_text.set(f"day {days_played:,} of {days_total:,}")


@task(prefer_threaded=True)
def run_scenario(scenario, members, days):
    """The run of the scenario being edited (in a thread, so the page stays responsive)."""
    progress_text.set("starting")
    outcome = run_and_save(scenario, members, days, OUT_DIR, on_progress=report_progress)
    start_report(outcome.run_dir)
    return outcome


@task(prefer_threaded=True)
def run_replicate_set(scenario, members, days, replicates):
    """N replicates of the scenario being edited (in worker processes)."""
    outcome = run_replicates_and_save(scenario, members, days, replicates, OUT_DIR)
    start_report(outcome.run_dir)
    return outcome


def report_stress_progress(cells_done: int, cells_total: int) -> None:
    """Progress of the running battery, for the progress bar and its text."""
    run_stress_battery.progress = 100 * cells_done / cells_total
    stress_progress_text.set(f"{cells_done} of {cells_total} cells done")


@task(prefer_threaded=True)
def run_stress_battery(scenario, chosen_battery, source, replicates, members, days):
    """The battery on the scenario being edited (its runs in worker processes), saved as
    `circsim stress` saves it."""
    stress_progress_text.set("starting the worker processes")
    return run_stress(scenario, chosen_battery, source, replicates, members, days, OUT_DIR,
                      on_progress=report_stress_progress)


def use_standard_battery() -> None:
    """Use the standard battery shipped with circsim (the page's default)."""
    battery.set(read_battery(STANDARD_BATTERY))
    battery_source.set(STANDARD_SOURCE)
    battery_problems.set([])


def take_battery_upload(file) -> None:
    """Use an uploaded battery file instead of the standard battery."""
    try:
        battery.set(load_uploaded_battery(file["name"], file["data"]))
        battery_source.set(f"{file['name']} (uploaded)")
        battery_problems.set([])
    except InputError as err:
        battery_problems.set(err.problems)


def choose_library_file(relative: str) -> None:
    """Start editing a scenario of the library (its edits dropped)."""
    path = SCENARIO_LIBRARY / relative
    try:
        base_scenario.set(load_scenario(path))
        source_name.set(relative)
        source_problems.set([])
        edits.set({})
    except InputError as err:
        source_problems.set(err.problems)


def take_upload(file) -> None:
    """Start editing an uploaded scenario file."""
    try:
        base_scenario.set(load_uploaded(file["name"], file["data"]))
        source_name.set(f"{file['name']} (uploaded)")
        source_problems.set([])
        edits.set({})
    except InputError as err:
        source_problems.set(err.problems)


def set_edit(path: str, text: str, original: str) -> None:
    """Keep what was typed into a field; typing the scenario's own value back drops the edit."""
    changed = dict(edits.value)
    if text == original:
        changed.pop(path, None)
    else:
        changed[path] = text
    edits.set(changed)


def use_checked():
    """The scenario being edited, checked (``forms.apply_edits``), recomputed on each change."""
    return solara.use_memo(lambda: apply_edits(base_scenario.value, edits.value),
                           [base_scenario.value, edits.value])


def Heading(text: str, level: int = 2) -> None:
    """A heading (plain HTML: solara's Markdown would fetch mermaid from a CDN)."""
    solara.HTML(tag=f"h{level}", unsafe_innerHTML=escape(text))


def Paragraph(text: str, small: bool = False) -> None:
    """A paragraph of plain text (escaped: scenario names and descriptions are user input)."""
    solara.HTML(tag="p", unsafe_innerHTML=escape(text),
                style={"font-size": "0.85em", "color": "#555", "margin": "0"} if small else None)


def Table(header: list[str], rows: list[list[str]]) -> None:
    """A plain table, every cell escaped."""
    head = "".join(f"<th style='text-align:left'>{escape(cell)}</th>" for cell in header)
    body = "".join("<tr>" + "".join(f"<td style='padding-right:1em'>{escape(str(cell))}</td>" for cell in row)
                   + "</tr>" for row in rows)
    solara.HTML(tag="table", unsafe_innerHTML=f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody>")


@solara.component
def Problems(lines: list[str]):
    for line in lines:
        solara.Error(line, dense=True)


@solara.component
def FieldInput(field, scenario, problems: list[str]):
    """One field: its input (with any problem beside it), unit, bounds and documentation."""
    original = value_text(field_value(scenario, field.path), field.kind)
    text = edits.value.get(field.path, original)
    error = "; ".join(problems) if problems else False
    details = "; ".join(part for part in (field.unit, field.bounds and f"bounds {field.bounds}") if part)
    with solara.Column(gap="0px", style={"margin-bottom": "10px"}):
        if field.kind == "bool":
            solara.Checkbox(label=field.label, value=text == "true",
                            on_value=lambda checked: set_edit(field.path, "true" if checked else "false", original))
            if error:
                solara.Error(error, dense=True)
        elif field.kind == "choice":
            solara.Select(label=field.label, values=list(field.choices), value=text,
                          on_value=lambda chosen: set_edit(field.path, chosen, original))
            if error:
                solara.Error(error, dense=True)
        else:
            solara.InputText(label=field.label, value=text, error=error, message=details or None,
                             on_value=lambda typed: set_edit(field.path, typed, original))
        Paragraph(f"{field.path}: {field.documentation}", small=True)


@solara.component
def ScenarioPage():
    checked = use_checked()
    scenario = base_scenario.value
    with solara.Column():
        Heading("Scenario")
        Paragraph("Pick a scenario, or drop your own TOML file; then change any field. Each change is checked "
                  "as `circsim check` checks a file.")
        choices = [str(path.relative_to(SCENARIO_LIBRARY)) for path in scenario_library(SCENARIO_LIBRARY)]
        with solara.Row():
            solara.Select(label="Scenario from the library", values=choices,
                          value=source_name.value if source_name.value in choices else None,
                          on_value=choose_library_file)
            solara.FileDrop(label="…or drop a scenario TOML file here", on_file=take_upload, lazy=False)
        Problems(source_problems.value)
        Paragraph(f"Editing {scenario.name} from {source_name.value}: {scenario.description}")
        Paragraph(f"{len(edits.value)} field(s) changed; money in {scenario.platform.currency}.")
        if edits.value:
            solara.Button("Undo all changes", on_click=lambda: edits.set({}), outlined=True)
        if checked.scenario is not None and edits.value:
            solara.Success("The changed scenario is valid.", dense=True)
        Problems(checked.general_problems)
        for section in form_sections(scenario.platform.currency):
            changed = sum(1 for field in section.fields if field.path in edits.value)
            problems = sum(1 for field in section.fields if field.path in checked.field_problems)
            summary = (f"[{section.name}]" + (f", {changed} changed" if changed else "")
                       + (f", {problems} with problems" if problems else ""))
            with solara.Details(summary=summary, expand=section.name in ("rewards", "release") or bool(problems)):
                if section.documentation:
                    Paragraph(section.documentation, small=True)
                for field in section.fields:
                    FieldInput(field, scenario, checked.field_problems.get(field.path, []))


@solara.component
def Outcome(outcome):
    """A finished run: verdict with its evidence, key figures, charts, where it is saved."""
    verdict = outcome.verdict
    colour = {"unsustainable": solara.Error, "sustainable within the horizon": solara.Success}.get(
        verdict.label, solara.Warning)
    colour(f"Verdict: {verdict.label}. {verdict.headline}")
    Heading("Evidence", level=3)
    Table(["criterion", "this run", "threshold", "tripped"],
          [[c.name, c.value, c.threshold, "yes" if c.tripped else "no"] for c in verdict.criteria])
    if outcome.replicate_lines:
        solara.Preformatted("\n".join(outcome.replicate_lines))
    Heading("Key figures", level=3)
    Table(["", ""], [list(row) for row in outcome.key_figures])
    for name, figure in outcome.charts.items():
        solara.FigureMatplotlib(figure, format="png", dependencies=[outcome.run_dir, name])
    Paragraph(f"Saved in {outcome.run_dir} (see Downloads).")


def start_run(checked) -> None:
    members, days, problems = run_size(members_text.value, days_text.value)
    if not problems:
        run_scenario(checked.scenario, members, days)


@solara.component
def RunSize():
    with solara.Row():
        solara.InputText("initial members (scaled copy of the scenario; empty: as the scenario)",
                         value=members_text, continuous_update=True)
        solara.InputText("days (empty: as the scenario)", value=days_text, continuous_update=True)
    Problems(run_size(members_text.value, days_text.value)[2])


@solara.component
def RunControls(checked):
    """The scenario to run, its size, the Run button and the progress of the run."""
    RunSize()
    if checked.scenario is None:
        solara.Warning("The scenario has problems: fix them on the Scenario page first.")
    blocked = checked.scenario is None or run_scenario.pending or bool(run_size(members_text.value,
                                                                                days_text.value)[2])
    solara.Button("Run", on_click=lambda: start_run(checked), disabled=blocked, color="primary")
    if run_scenario.pending:
        solara.ProgressLinear(run_scenario.progress or True)
        solara.Text(f"Running: {progress_text.value}")
    elif run_scenario.error:
        Problems(problem_lines(run_scenario.exception))


@solara.component
def RunPage():
    checked = use_checked()
    with solara.Column():
        Heading("Run")
        Paragraph(f"{base_scenario.value.name} with {len(edits.value)} change(s); runs are saved in {OUT_DIR}.")
        RunControls(checked)
        if run_scenario.finished and run_scenario.value is not None:
            Outcome(run_scenario.value)


@solara.component
def ReplicatesPage():
    checked = use_checked()
    with solara.Column():
        Heading("Replicates")
        Paragraph("The same scenario under N seeds (in worker processes): the share that collapsed by each day "
                  "(the ruin probability) joins the verdict.")
        RunSize()
        solara.InputText("replicates (N)", value=replicates_text, continuous_update=True)
        count = replicates_text.value.strip()
        valid = count.isdigit() and int(count) >= 1
        if not valid:
            solara.Error(f"replicates: expected a whole number of at least 1, got {count!r}", dense=True)
        members, days, problems = run_size(members_text.value, days_text.value)
        blocked = checked.scenario is None or not valid or bool(problems) or run_replicate_set.pending
        solara.Button("Run replicates", color="primary", disabled=blocked,
                      on_click=lambda: run_replicate_set(checked.scenario, members, days, int(count)))
        if run_replicate_set.pending:
            solara.ProgressLinear(True)
            solara.Text(f"Running {count} replicates…")
        elif run_replicate_set.error:
            Problems(problem_lines(run_replicate_set.exception))
        elif run_replicate_set.value is not None:
            Outcome(run_replicate_set.value)


@solara.component
def StressOutcomeView(outcome):
    """A finished battery: its findings, heat map, collapse days and tables, where it is saved."""
    solara.Preformatted("\n".join(outcome.findings))
    for name, figure in outcome.charts.items():
        solara.FigureMatplotlib(figure, format="png", dependencies=[outcome.folder, name])
    for title, (header, rows) in outcome.tables.items():
        Heading(title, level=3)
        Table(header, rows)
    Paragraph(f"Saved in {outcome.folder} with the stress report (stress.html, stress.pdf; see Downloads).")


@solara.component
def StressPage():
    checked = use_checked()
    with solara.Column():
        Heading("Stress")
        Paragraph("The scenario being edited under a battery of shocks (each family at each severity, the same "
                  "seeds in every cell), as `circsim stress` runs it: the ruin probability by shock and severity, "
                  "when the platform breaks, and which early warnings saw it coming.")
        with solara.Row():
            solara.Button("Use the standard battery", outlined=True, on_click=use_standard_battery)
            solara.FileDrop(label="…or drop a battery TOML file here", on_file=take_battery_upload, lazy=False)
        Problems(battery_problems.value)
        cells = 1 + sum(len(family.severities) for family in battery.value.families)
        Paragraph(f"Battery {battery.value.name} from {battery_source.value}: {len(battery.value.families)} shock "
                  f"families, {cells} cells with the unshocked one. {battery.value.description}")
        RunSize()
        solara.InputText("replicates per cell", value=stress_replicates_text, continuous_update=True)
        count = stress_replicates_text.value.strip()
        valid = count.isdigit() and int(count) >= 1
        if not valid:
            solara.Error(f"replicates: expected a whole number of at least 1, got {count!r}", dense=True)
        if checked.scenario is None:
            solara.Warning("The scenario has problems: fix them on the Scenario page first.")
        members, days, problems = run_size(members_text.value, days_text.value)
        blocked = checked.scenario is None or not valid or bool(problems) or run_stress_battery.pending
        solara.Button("Run the battery", color="primary", disabled=blocked, on_click=lambda: run_stress_battery(
            checked.scenario, battery.value, battery_source.value, int(count), members, days))
        if run_stress_battery.pending:
            solara.ProgressLinear(run_stress_battery.progress or True)
            solara.Text(f"Running: {stress_progress_text.value}")
        elif run_stress_battery.error:
            Problems(problem_lines(run_stress_battery.exception))
        elif run_stress_battery.value is not None:
            StressOutcomeView(run_stress_battery.value)


def run_design(study, trial: int) -> None:
    """Make a Pareto design the scenario being edited (the study's base scenario with the
    design's parameters as changes) and run it."""
    settings = design_settings(study, trial)
    kinds = {field.path: field.kind for section in form_sections() for field in section.fields}
    base_scenario.set(study.scenario)
    source_name.set(f"{study.folder.name}/scenario.toml (design study)")
    edits.set({path: value_text(value, kinds[path]) for path, value in settings.items()})
    selected_trial.set(trial)
    checked = apply_edits(study.scenario, edits.value)
    members, days, problems = run_size(members_text.value, days_text.value)
    if checked.scenario is not None and not problems:
        run_scenario(checked.scenario, members, days)


@solara.component
def StudyView(folder: Path):
    study, error = solara.use_memo(lambda: _read(folder), [folder])
    if error is not None:
        Problems(problem_lines(error))
        return
    labels = [objective_label(objective) for objective in study.objectives]
    solara.FigureMatplotlib(pareto_figure(study.trials, study.pareto, study.objectives, labels,
                                          selected_trial.value), format="png")
    Paragraph(f"{len(study.pareto)} Pareto-optimal design(s) of {len(study.trials)} trials; base scenario "
              f"{study.scenario.name}. Run one to see it (it becomes the scenario being edited).")
    for trial in study.pareto["trial"]:
        with solara.Row():
            solara.Button(f"Run design {trial}", on_click=lambda trial=int(trial): run_design(study, trial),
                          disabled=run_scenario.pending, outlined=trial != selected_trial.value)
            solara.Text(point_text(study, int(trial)))


def _read(folder: Path):
    try:
        return read_study(folder), None
    except InputError as err:
        return None, err


@solara.component
def StudyPage():
    checked = use_checked()
    with solara.Column():
        Heading("Design study")
        Paragraph("The Pareto front of a `circsim optimize` study (a folder with optimize.json, scenario.toml, "
                  "trials.parquet and pareto.parquet).")
        solara.InputText("folder of design studies", value=study_folder)
        studies = find_studies(Path(study_folder.value))
        if not studies:
            solara.Info(f"No design study in {study_folder.value}: run `circsim optimize`, or give its folder.")
            return
        names = [str(path) for path in studies]
        chosen = chosen_study.value if chosen_study.value in names else names[0]
        solara.Select(label="study", values=names, value=chosen, on_value=chosen_study.set)
        StudyView(Path(chosen))
        RunControls(checked)
        if run_scenario.finished and run_scenario.value is not None:
            Outcome(run_scenario.value)


@solara.component
def Downloads(title: str, outcome):
    run_dir = outcome.run_dir
    Heading(title, level=3)
    Paragraph(str(run_dir))
    with solara.Row():
        solara.FileDownload(lambda: folder_zip(run_dir), filename=f"{run_dir.name}.zip",
                            label="Run folder (zip)", mime_type="application/zip")
        solara.FileDownload(lambda: (run_dir / "scenario.toml").read_bytes(), filename=f"{run_dir.name}.toml",
                            label="Resolved scenario (TOML)", mime_type="application/toml")
        solara.FileDownload(lambda: report_file(run_dir, "report.html"), filename="report.html",
                            label="Report (HTML)", mime_type="text/html")
        solara.FileDownload(lambda: report_file(run_dir, "report.pdf"), filename="report.pdf",
                            label="Report (PDF)", mime_type="application/pdf")


@solara.component
def StressDownloads(outcome):
    folder = outcome.folder
    html, pdf = outcome.report_files
    Heading("Last stress test", level=3)
    Paragraph(str(folder))
    with solara.Row():
        solara.FileDownload(lambda: folder_zip(folder), filename=f"{folder.parent.name}-stress.zip",
                            label="Stress folder (zip)", mime_type="application/zip")
        solara.FileDownload(html.read_bytes, filename=html.name, label="Stress report (HTML)",
                            mime_type="text/html")
        solara.FileDownload(pdf.read_bytes, filename=pdf.name, label="Stress report (PDF)",
                            mime_type="application/pdf")


@solara.component
def DownloadsPage():
    checked = use_checked()
    with solara.Column():
        Heading("Downloads")
        Paragraph("Each run's report is written into its run folder in the background as soon as the run "
                  "ends; a report download waits for it.")
        if checked.scenario is not None:
            solara.FileDownload(to_toml(checked.scenario), filename=f"{checked.scenario.name}.toml",
                                label="Scenario as edited (TOML)", mime_type="application/toml")
        if run_scenario.value is not None:
            Downloads("Last run", run_scenario.value)
        if run_replicate_set.value is not None:
            Downloads("Last replicates", run_replicate_set.value)
        if run_stress_battery.value is not None:
            StressDownloads(run_stress_battery.value)
        if run_scenario.value is None and run_replicate_set.value is None and run_stress_battery.value is None:
            solara.Info("Nothing run yet: run a scenario on the Run page.")


@solara.component
def Layout(children=[]):  # noqa: B006 (solara's signature for a layout)
    solara.AppLayout(children=children, title="circsim workbench", navigation=True)


routes = [
    solara.Route(path="/", component=ScenarioPage, label="Scenario"),
    solara.Route(path="run", component=RunPage, label="Run"),
    solara.Route(path="replicates", component=ReplicatesPage, label="Replicates"),
    solara.Route(path="stress", component=StressPage, label="Stress"),
    solara.Route(path="study", component=StudyPage, label="Design study"),
    solara.Route(path="downloads", component=DownloadsPage, label="Downloads"),
    solara.Route(path="mesa", component=mesa_page.Page, label="Mesa model"),
]
