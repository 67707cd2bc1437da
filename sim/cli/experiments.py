"""`circsim sweep | sensitivity | frontier`: experiments over many runs.

Registered by ``add_experiment_commands``, called from ``sim.cli.main.build_parser``; bad input
is reported by ``sim.cli.main.main`` (one line per problem, exit status 2, nothing written).
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from sim.cli.common import EXIT_INTERRUPTED, UserError, check_out_dir, load, non_negative_int, positive_int
from sim.experiments.executors import EXECUTORS

DEFAULT_SWEEP_OUT = Path("results/sweeps")


def number(text: str) -> float:
    """Parse a decimal option value."""
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None


def probability(text: str) -> float:
    """argparse type: a number strictly between 0 and 1."""
    value = number(text)
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1 (exclusive), got {value}")
    return value


def positive_float(text: str) -> float:
    """argparse type: a number above 0."""
    value = number(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be above 0, got {value}")
    return value


def executor_arguments(sub: argparse.ArgumentParser) -> None:
    """Options choosing where the runs execute (``sim.experiments.executors.open_executor``)."""
    sub.add_argument("--executor", choices=EXECUTORS, default="local",
                     help="local worker processes (default) or a Dask cluster")
    sub.add_argument("--workers", type=positive_int,
                     help="worker processes (local, or a Dask LocalCluster); default: one per core")
    sub.add_argument("--scheduler", metavar="ADDRESS",
                     help="address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786 (implies --executor dask)")


def command_sweep(args) -> int:
    from sim.experiments.sensitivity import point_metric
    from sim.experiments.sweep_design import load_sweep
    from sim.experiments.sweep_runner import run_sweep
    from sim.experiments.sweep_store import load_summary

    check_out_dir(args.out)
    plan = load_sweep(args.sweep)
    try:
        report = run_sweep(plan, args.out, executor=args.executor, workers=args.workers,
                           scheduler=args.scheduler, progress=sys.stderr.isatty())
    except KeyboardInterrupt:
        print(f"circsim: interrupted; finished runs are kept in {args.out / plan.name}, "
              "run the same command again to resume", file=sys.stderr)
        return EXIT_INTERRUPTED
    ruin = point_metric(load_summary(report.folder, ["point", "replicate", "collapse_day"]), "ruin_probability")
    print(f"sweep {plan.name}: {len(plan.points):,} points x {plan.replicates} replicates = {plan.runs:,} runs "
          f"({report.runs_now:,} new, {report.runs_done_before:,} already on disk) in {report.wall_seconds:.1f} s, "
          f"{report.points_per_second:.2f} points/s")
    print(f"  ruin probability within {plan.base.run.days} days across points: "
          f"min {ruin.min():.1%}, median {np.median(ruin):.1%}, max {ruin.max():.1%}")
    print(f"  dataset  {report.folder}")
    return 0


def command_sensitivity(args) -> int:
    from sim.experiments.sensitivity import analyze_sweep, plot_indices

    out = args.out or args.dataset
    check_out_dir(out)
    table = analyze_sweep(args.dataset, args.metric)
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"sensitivity-{args.metric}"
    table.to_csv(stem.with_suffix(".csv"))
    plot_indices(table, f"{args.metric}: {args.dataset.name}").savefig(stem.with_suffix(".png"), dpi=120)
    print(table.to_string(float_format=lambda x: f"{x:.3f}"))
    print(f"  table {stem.with_suffix('.csv')}\n  chart {stem.with_suffix('.png')}")
    return 0


def command_frontier(args) -> int:
    from sim.experiments.frontier import find_frontier

    if args.out is not None and args.out.is_dir():
        raise UserError([f"--out {args.out}: is a folder; give a file name for the JSON result"])
    scenario = load(args)

    def show(evaluation):
        print(f"  {args.parameter} = {evaluation.value:g}: {evaluation.ruined} of {evaluation.replicates} collapsed",
              flush=True)

    frontier = find_frontier(scenario, args.parameter, args.low, args.high, target=args.target,
                             replicates=args.replicates, tolerance=args.tolerance, confidence=args.confidence,
                             seed=args.seed, executor=args.executor, workers=args.workers,
                             scheduler=args.scheduler, on_evaluation=show)
    print(frontier.statement())
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(frontier.to_dict(), indent=2) + "\n")
    return 0


def add_experiment_commands(commands) -> None:
    """Add `sweep`, `sensitivity` and `frontier` to the `circsim` sub-commands."""
    sweep_parser = commands.add_parser("sweep", help="run every point x replicate of a sweep file (resumable)")
    sweep_parser.add_argument("sweep", type=Path, help="sweep TOML file")
    sweep_parser.add_argument("--out", type=Path, default=DEFAULT_SWEEP_OUT,
                              help=f"parent of the sweep's dataset folder (default: {DEFAULT_SWEEP_OUT})")
    executor_arguments(sweep_parser)
    sweep_parser.set_defaults(handler=command_sweep)

    sensitivity_parser = commands.add_parser("sensitivity", help="Sobol or Morris indices of a finished sweep")
    sensitivity_parser.add_argument("dataset", type=Path, help="the sweep's dataset folder")
    sensitivity_parser.add_argument("--metric", default="collapse_day",
                                    help="collapse_day (default), ruin_probability or a summary column")
    sensitivity_parser.add_argument("--out", type=Path, help="folder for the table and chart (default: the dataset)")
    sensitivity_parser.set_defaults(handler=command_sensitivity)

    frontier_parser = commands.add_parser(
        "frontier", help="largest value of a parameter whose ruin probability stays within a target")
    frontier_parser.add_argument("scenario", type=Path, help="scenario TOML file")
    frontier_parser.add_argument("--set", action="append", metavar="SECTION.FIELD=VALUE",
                                 help="override one scenario field (repeatable)")
    frontier_parser.add_argument("--parameter", required=True, metavar="SECTION.FIELD",
                                 help="the numeric field searched, e.g. rewards.energy_multiple")
    frontier_parser.add_argument("--low", type=number, required=True, help="lowest value searched")
    frontier_parser.add_argument("--high", type=number, required=True, help="highest value searched")
    frontier_parser.add_argument("--target", type=probability, default=0.05,
                                 help="largest acceptable ruin probability within the horizon (default 0.05)")
    frontier_parser.add_argument("--replicates", type=positive_int, default=32,
                                 help="runs per value tried (default 32)")
    frontier_parser.add_argument("--tolerance", type=positive_float,
                                 help="stop when the bracket is this narrow (default: 1%% of the range)")
    frontier_parser.add_argument("--confidence", type=probability, default=0.95,
                                 help="level of the Clopper-Pearson bound (default 0.95)")
    frontier_parser.add_argument("--members", type=positive_int, help="initial members (overrides the scenario)")
    frontier_parser.add_argument("--days", type=positive_int, help="horizon in days (overrides the scenario)")
    frontier_parser.add_argument("--seed", type=non_negative_int, help="base seed of the replicates")
    frontier_parser.add_argument("--out", type=Path, help="also write the search as JSON to this file")
    executor_arguments(frontier_parser)
    frontier_parser.set_defaults(handler=command_frontier)
