"""`circsim stress`: a scenario under a battery of shocks (or, with ``--reverse``, the least
shock that breaks it), with early warnings, indicator packs and a stress report.

Registered by ``add_stress_command``, called from ``sim.cli.main.build_parser``; bad input
is reported by ``sim.cli.main.main`` (one line per problem, exit status 2, nothing written).
The results go to ``OUT/<scenario>/stress/`` (``reverse_stress/`` with ``--reverse``),
written in a partial folder renamed into place when complete, replacing an earlier one.
"""

import sys
from pathlib import Path

import pandas as pd

from sim.cli.common import UserError, check_out_dir, load, non_negative_int, positive_int, scenario_arguments
from sim.cli.experiments import executor_arguments, positive_float
from sim.results.files import write_folder

BATTERY_FOLDER, REVERSE_FOLDER = "stress", "reverse_stress"


def pair_option(text: str) -> tuple[str, ...]:
    """``--pair A,B``: two family names."""
    return tuple(part.strip() for part in text.split(","))


def severity_text(severity) -> str:
    """A severity found by a search, or "none up to 1" when none broke the platform."""
    return "none up to 1" if pd.isna(severity) else f"{severity:g}"


def command_stress(args) -> int:
    """`circsim stress SCENARIO`: run the battery (or the reverse stress test) and write its
    tables and report."""
    from sim.experiments.stress_battery import STANDARD_BATTERY, read_battery
    from sim.results.files import folder_inside

    check_out_dir(args.out)
    misplaced = [f"--{name}: only with --reverse" for name in ("pair", "tolerance")
                 if getattr(args, name) is not None and not args.reverse]
    if misplaced:
        raise UserError(misplaced)
    battery_path = args.battery or STANDARD_BATTERY
    battery = read_battery(battery_path)
    scenario = load(args)
    parent = folder_inside(args.out, scenario.name)
    if args.reverse:
        return reverse(args, scenario, battery, str(battery_path), parent)
    return run_battery(args, scenario, battery, str(battery_path), parent)


def run_battery(args, scenario, battery, source: str, parent: Path) -> int:
    """The battery: cells, early warnings, packs, report."""
    from sim.experiments.stress import BREAKING_RUIN_PROBABILITY, CONFIDENCE
    from sim.experiments.stress import run_battery as run_cells
    from sim.report.stress_report import battery_findings, write_stress_report

    result = run_cells(scenario, battery, source, args.replicates, seed=args.seed, executor=args.executor,
                       workers=args.workers, scheduler=args.scheduler, progress=sys.stderr.isatty())
    reports = []

    def write(folder: Path) -> None:
        result.write(folder)
        reports.extend(path.name for path in write_stress_report(folder))

    folder = write_folder(parent, BATTERY_FOLDER, write)
    print(f"stress {scenario.name}: battery {battery.name}, {len(result.cells)} cells x {args.replicates} replicates "
          f"= {len(result.runs):,} runs in {result.wall_seconds:.1f} s ({result.runs_per_second:.2f} runs/s), "
          f"shocks on day {result.shock_day} of {scenario.run.days}")
    print("\n".join("  " + line for line in battery_findings(result.cells, scenario.run.days,
                                                             BREAKING_RUIN_PROBABILITY, CONFIDENCE,
                                                             scenario.platform.currency)))
    warnings = result.warnings
    # Youden's J (detection rate - false-alarm rate) ranks a warning by both of its errors
    youden = (warnings["detection_rate"] - warnings["false_alarm_rate"].fillna(0.0)).fillna(-1.0)
    best = warnings.loc[youden.idxmax()]
    if best["collapses"]:
        print(f"  best warning (detection - false alarms): {best['indicator']} at {best['threshold']:g}: "
              f"{best['detected']} of {best['collapses']} collapses warned of, median lead "
              f"{best['lead_time_median_days']:g} days, false alarms {best['false_alarms']} of {best['non_collapsing']}")
    packs = result.packs
    print(f"  indicator packs (unshocked run): {int(packs['reaches_threshold'].sum())} of {len(packs)} "
          "criteria reach their thresholds (measurements, not a legal conclusion)")
    print(f"  results  {folder}\n  report   {folder / reports[0]}\n           {folder / reports[1]}")
    return 0


def reverse(args, scenario, battery, source: str, parent: Path) -> int:
    """The reverse stress test: least breaking severity per family, and the pair's boundary."""
    from sim.experiments.reverse_stress import DEFAULT_TOLERANCE, reverse_stress
    from sim.report.stress_report import write_stress_report
    from sim.scenario.loading import to_toml

    def show(label, evaluation):
        print(f"  {label}: severity {evaluation.value:g}: {evaluation.ruined} of {evaluation.replicates} collapsed",
              flush=True)

    result = reverse_stress(scenario, battery, source, args.replicates, pair=args.pair,
                            tolerance=args.tolerance or DEFAULT_TOLERANCE, seed=args.seed, executor=args.executor,
                            workers=args.workers, scheduler=args.scheduler, on_evaluation=show)
    reports = []

    def write(folder: Path) -> None:
        result.write(folder)
        (folder / "scenario.toml").write_text(to_toml(scenario))
        reports.extend(path.name for path in write_stress_report(folder))

    folder = write_folder(parent, REVERSE_FOLDER, write)
    for row in result.families.itertuples(index=False):
        print(f"{row.shock}: least severity with ruin more likely than not: {severity_text(row.least_breaking_severity)}")
    first, second = result.settings["pair"]
    curve = ", ".join(f"{row.first_severity:g} -> {severity_text(row.least_breaking_severity)}"
                      for row in result.boundary.itertuples(index=False))
    print(f"boundary ({first} severity -> least breaking {second} severity): {curve}")
    print(f"  results  {folder}\n  report   {folder / reports[0]}\n           {folder / reports[1]}")
    return 0


def add_stress_command(commands) -> None:
    """Add `stress` to the `circsim` sub-commands."""
    parser = commands.add_parser("stress", help="a scenario under a battery of shocks; --reverse: the least shock "
                                                "that breaks it")
    scenario_arguments(parser)
    parser.add_argument("--battery", type=Path,
                        help="battery TOML file (default: the standard battery shipped with circsim)")
    parser.add_argument("--replicates", type=positive_int, default=32,
                        help="runs per cell (per severity tried with --reverse), the same seeds in each (default 32)")
    parser.add_argument("--members", type=positive_int, help="initial members (overrides the scenario)")
    parser.add_argument("--days", type=positive_int, help="horizon in days (overrides the scenario)")
    parser.add_argument("--seed", type=non_negative_int, help="base seed of the replicates")
    parser.add_argument("--out", type=Path, default=Path("results"),
                        help="results folder (default: results); the results go to OUT/<scenario>/stress/")
    parser.add_argument("--reverse", action="store_true",
                        help="reverse stress test: per shock the least severity at which ruin is more likely than not")
    parser.add_argument("--pair", type=pair_option, metavar="A,B",
                        help="with --reverse: the two families whose boundary is drawn (default: the first two)")
    parser.add_argument("--tolerance", type=positive_float,
                        help="with --reverse: width of the severity bracket at which a search stops (default 1/16)")
    executor_arguments(parser)
    parser.set_defaults(handler=command_stress)
