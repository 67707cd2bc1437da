"""`circsim forecast` and `circsim resume`: what comes after the last observed day.

`forecast CALIBRATION_DIR` plays the posterior of a calibration forward under each order
(``sim.experiments.forecast``); `resume CHECKPOINT` continues a run saved mid-way by
`circsim run --checkpoint-day D` (``sim.engine.checkpoint``), optionally under other settings
or an order from that day on: a fork of the run.

Registered by ``add_forecast_commands``; bad input is reported by ``sim.cli.main.main`` (one
line per problem, exit status 2, nothing written).
"""

import sys
import time
from pathlib import Path

from sim.cli.common import UserError, check_out_dir, check_threads, non_negative_int, positive_int, settings
from sim.cli.experiments import executor_arguments
from sim.scenario.interventions import INTERVENTIONS, TAKES_ARGUMENT, parse_intervention

FORECAST_FOLDER = "forecast"


def intervention_help() -> str:
    """The list of orders for ``--help``."""
    return "; ".join(f"{name}{':' + TAKES_ARGUMENT[name] if name in TAKES_ARGUMENT else ''}"
                     for name in INTERVENTIONS)


def command_forecast(args) -> int:
    """`circsim forecast CALIBRATION_DIR`: survival per order, tables, charts and report."""
    from sim.experiments.forecast import forecast, read_calibration, save_forecast
    from sim.report.forecast_report import write_forecast_report

    check_out_dir(args.out)
    interventions = [parse_intervention(text) for text in (args.intervention or ["none"])]
    labels = [i.label for i in interventions]
    repeated = sorted({label for label in labels if labels.count(label) > 1})
    if repeated:
        raise UserError([f"--intervention {label}: given twice" for label in repeated])
    calibration = read_calibration(args.calibration_dir)
    result = forecast(calibration, args.days, interventions, draws=args.draws, seed=args.seed,
                      executor=args.executor, workers=args.workers, scheduler=args.scheduler,
                      progress=sys.stderr.isatty())
    folder = save_forecast(result, args.out, write_extras=write_forecast_report)
    manifest = result.manifest
    print(f"forecast {manifest['scenario']}: {manifest['draws']} posterior draws x {len(interventions)} orders, "
          f"days {manifest['first_forecast_day']}-{manifest['last_day']}, in {manifest['wall_seconds']:.1f} s")
    for label, summary in manifest["collapse"].items():
        median = summary["collapse_day_median"]
        when = "no collapse" if median is None else (
            f"median collapse day {median} ({summary['collapse_day_q05']}-{summary['collapse_day_q95']})")
        print(f"  {label:24s} collapses by day {manifest['last_day']}: {summary['p_collapse_by_horizon']:.0%}; {when}")
    print(f"results: {folder}\nreport:  {folder / 'forecast.html'}")
    return 0


def command_resume(args) -> int:
    """`circsim resume CHECKPOINT`: continue a saved run to its horizon (or ``--days``), under
    ``--set`` changes and an ``--intervention`` from the checkpoint's day on; save the run."""
    from sim.cli.run import summary_lines
    from sim.engine.checkpoint import continue_as, load_checkpoint
    from sim.engine.simulation import set_threads
    from sim.scenario.interventions import ordered, with_changes

    check_threads(args.threads)
    check_out_dir(args.out)
    sim = load_checkpoint(args.checkpoint)
    day = sim.day
    horizon = args.days if args.days is not None else sim.scenario.run.days
    if horizon < day:
        raise UserError([f"--days {horizon}: the checkpoint is already at day {day}"])
    scenario = with_changes(sim.scenario, settings(args), day, horizon, "--set")
    if args.intervention:
        scenario = ordered(scenario, parse_intervention(args.intervention), day, horizon)
    continue_as(sim, scenario)
    threads = set_threads(args.threads)
    started = time.perf_counter()
    while not sim.finished:
        sim.step()
    result = sim.result(threads, time.perf_counter() - started)  # the speed of the resumed days only
    run_dir = result.save(args.out)
    print(f"resumed from day {day} of {args.checkpoint}")
    # the speed line is left out: the manifest counts every member-day, the clock only the resumed ones
    print("\n".join(line for line in summary_lines(result, run_dir) if not line.startswith("  speed")))
    return 0


def add_forecast_commands(commands) -> None:
    """Add `forecast` and `resume` to the `circsim` sub-commands."""
    sub = commands.add_parser("forecast", help="forecast a calibrated platform under orders issued today")
    sub.add_argument("calibration_dir", type=Path, metavar="CALIBRATION_DIR",
                     help="a folder written by `circsim calibrate` (results/calibration/<scenario>)")
    sub.add_argument("--days", type=positive_int, default=365, help="days to forecast past the last observed day")
    sub.add_argument("--intervention", action="append", metavar="ORDER",
                     help=f"an order issued on the first forecast day (repeatable; default none): {intervention_help()}")
    sub.add_argument("--draws", type=positive_int, default=100, help="parameter sets drawn from the posterior")
    sub.add_argument("--seed", type=non_negative_int, help="seed of the draws (default: the scenario's)")
    sub.add_argument("--out", type=Path, default=Path("results/forecast"), help="results folder")
    executor_arguments(sub)
    sub.set_defaults(handler=command_forecast)

    sub = commands.add_parser("resume", help="continue a run saved with `circsim run --checkpoint-day`")
    sub.add_argument("checkpoint", type=Path, metavar="CHECKPOINT", help="a .ckpt file")
    sub.add_argument("--days", type=positive_int, help="new horizon in days from day 0 (default: the scenario's)")
    sub.add_argument("--set", action="append", metavar="SECTION.FIELD=VALUE",
                     help="change a scenario field from the checkpoint's day on (repeatable)")
    sub.add_argument("--intervention", metavar="ORDER", help=f"an order issued on the checkpoint's day: "
                                                             f"{intervention_help()}")
    sub.add_argument("--out", type=Path, default=Path("results"), help="results folder (default: results)")
    sub.add_argument("--threads", type=positive_int, help="numba threads (results do not depend on it)")
    sub.set_defaults(handler=command_resume)
