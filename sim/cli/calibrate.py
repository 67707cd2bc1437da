"""`circsim calibrate`: fit a scenario's parameters to observed figures (ABC-SMC, pyABC).

Registered by ``add_calibrate_command``, called from ``sim.cli.main.build_parser``; bad input
is reported by ``sim.cli.main.main`` (one line per problem, exit status 2, nothing written).
The results go to ``OUT/<scenario>/``, written in a partial folder renamed into place when
complete (``sim.results.files.write_folder``). The pyABC history, which must outlive an
interruption, is kept beside it while the calibration runs, in ``OUT/<scenario>.history.db``;
running the same command again continues from it (from the finished folder's
``history.db`` when the working one is gone), and it is moved into the folder at the end.
"""

import logging
import sys
from pathlib import Path

from sim.cli.common import (
    EXIT_INTERRUPTED,
    UserError,
    check_out_dir,
    non_negative_int,
    positive_int,
    scenario_arguments,
    settings,
)
from sim.cli.experiments import number
from sim.core.errors import InputError

DEFAULT_PARTICLES = 100
DEFAULT_GENERATIONS = 6
DEFAULT_PREDICTIVE_DRAWS = 40
"""Posterior draws simulated for the posterior-predictive band (``predictive``)."""


def working_history(out: Path, name: str) -> Path:
    """Where a running calibration keeps its pyABC history: ``OUT/<scenario>.history.db``."""
    return out / f"{name}.history.db"


def command_calibrate(args) -> int:
    """`circsim calibrate SCENARIO --observed FILE --parameter ...`."""
    from sim.experiments.calibrate import (
        HISTORY_FILE,
        CalibrationSetup,
        calibrate,
        check_history,
        copy_history,
        parse_parameter,
        predictive,
        write_results,
    )
    from sim.report.calibration_charts import write_calibration_charts
    from sim.results.files import folder_inside, write_folder
    from sim.results.observed import load_observed
    from sim.scenario.loading import load_scenario, replace
    from sim.scenario.params import MAX_DAYS
    from sim.scenario.scaling import resolve

    check_out_dir(args.out)
    full = resolve(load_scenario(args.scenario), seed=args.seed, settings=settings(args))
    scenario = resolve(full, members=args.members, settings=settings(args))
    observed = load_observed(args.observed, scenario, horizon_days=args.days or MAX_DAYS)
    problems = []
    parameters = []
    for text in args.parameter:
        try:
            parameters.append(parse_parameter(text, scenario))
        except InputError as err:
            problems += err.problems
    names = [item.path for item in parameters]
    problems += [f"--parameter {name}: given more than once" for name in sorted(set(names)) if names.count(name) > 1]
    if problems:
        raise UserError(problems)
    days = args.days or observed.last_day + 1
    scenario = replace(scenario, {"run.days": days, "run.stop_on_collapse": False}, origin="--days")
    factor = scenario.population.initial_members / full.population.initial_members
    setup = CalibrationSetup(scenario, parameters, observed, factor, scenario.population.initial_members,
                             scenario.run.seed)
    folder = folder_inside(args.out, scenario.name)
    history_path = working_history(args.out, scenario.name)
    finished_history = folder / HISTORY_FILE
    if not history_path.exists() and finished_history.exists():
        check_history(finished_history, setup, setup.observed_statistics())
        copy_history(finished_history, history_path)
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"calibrate {scenario.name}: {len(observed.figures)} observed figures to day {observed.last_day}, "
          f"{len(parameters)} parameter(s), {args.particles} particles, up to {args.generations} generations; "
          f"played at {setup.members:,} members = {factor:.4g} x the scenario's "
          f"{full.population.initial_members:,} (extensive figures scaled by the same factor), {days} days"
          + (f"; continuing {history_path}" if history_path.exists() else ""), flush=True)
    # pyABC reports each generation on its "ABC" logger: shown to a person at a terminal only
    logging.getLogger("ABC").setLevel(logging.INFO if sys.stderr.isatty() else logging.WARNING)
    try:
        calibration = calibrate(setup, history_path, particles=args.particles, generations=args.generations,
                                min_epsilon=args.min_epsilon, workers=args.workers)
    except KeyboardInterrupt:  # as `circsim sweep` does: say what is kept, and stop with the interrupted status
        print(f"circsim: interrupted; the finished generations are kept in {history_path}, "
              "run the same command again to continue them", file=sys.stderr)
        return EXIT_INTERRUPTED
    band = predictive(calibration, args.predictive_draws)
    summary = {}

    def write(partial: Path) -> None:
        summary.update(write_results(partial, calibration, band, history_path, args.observed.name))
        write_calibration_charts(partial, calibration.posterior(), band, observed.figures, summary)

    folder = write_folder(args.out, scenario.name, write)
    history_path.unlink()
    for line in summary_lines(summary, folder):
        print(line)
    return 0


def summary_lines(summary: dict, folder: Path) -> list[str]:
    """What `circsim calibrate` prints: the run, each parameter's posterior, where the files are."""
    rates = ", ".join(f"{rate:.2f}" for rate in summary["acceptance_rates"])
    lines = [(f"  {summary['generations']} generations, {summary['simulations_run']:,} simulations, "
              f"{summary['wall_seconds']:.1f} s ({'resumed, ' if summary['resumed'] else ''}acceptance {rates})"),
             (f"  scale: {summary['members']:,} members, factor {summary['population_scale_factor']:.4g} "
              "(intensive parameters may be biased by a small population: see README, Calibrate)")]
    for name, interval in summary["posterior"].items():
        lines.append(f"  {name}: median {interval['median']:.4g}, 90 % interval "
                     f"{interval['lower']:.4g} .. {interval['upper']:.4g} "
                     f"({interval['width_share_of_prior']:.0%} of the prior's)")
    lines.append(f"  results  {folder}")
    return lines


def add_calibrate_command(commands) -> None:
    """Add `calibrate` to the `circsim` sub-commands."""
    parser = commands.add_parser("calibrate", help="fit scenario parameters to observed figures (ABC-SMC)")
    scenario_arguments(parser)
    parser.add_argument("--observed", type=Path, required=True, metavar="FILE",
                        help="observed figures, CSV or Parquet (day or date, then daily columns; or the long "
                             "layout column, value, relative_uncertainty, source)")
    parser.add_argument("--parameter", action="append", required=True,
                        metavar="SECTION.FIELD=LOW:HIGH[:log]",
                        help="a calibrated field and its prior range, uniform or log-uniform (repeatable)")
    parser.add_argument("--members", type=positive_int,
                        help="initial members to play (the scenario scaled; extensive figures scaled alike)")
    parser.add_argument("--days", type=positive_int,
                        help="days to simulate (default: the last observed day + 1)")
    parser.add_argument("--seed", type=non_negative_int, help="base seed (generation t plays a seed derived from it)")
    parser.add_argument("--out", type=Path, default=Path("results/calibration"),
                        help="results folder (default: results/calibration); results go to OUT/<scenario>/")
    parser.add_argument("--particles", type=positive_int, default=DEFAULT_PARTICLES,
                        help=f"population size of each generation (default {DEFAULT_PARTICLES})")
    parser.add_argument("--generations", type=positive_int, default=DEFAULT_GENERATIONS,
                        help=f"most generations in all, stored ones included (default {DEFAULT_GENERATIONS})")
    parser.add_argument("--min-epsilon", type=number, default=0.0,
                        help="stop once the acceptance threshold falls below this (default 0: off)")
    parser.add_argument("--workers", type=positive_int, default=1,
                        help="processes evaluating particles (default 1; more: pyABC's multicore sampler)")
    parser.add_argument("--predictive-draws", type=positive_int, default=DEFAULT_PREDICTIVE_DRAWS,
                        help=f"posterior draws simulated for the posterior-predictive check (default {DEFAULT_PREDICTIVE_DRAWS})")
    parser.set_defaults(handler=command_calibrate)

