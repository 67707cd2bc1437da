"""`circsim optimize | discover`: designing a scheme — the best trade-offs between
objectives under constraints (Optuna), and the region of the parameters where it fails (PRIM).

Registered by ``add_design_commands``, called from ``sim.cli.main.build_parser``; bad input
is reported by ``sim.cli.main.main`` (one line per problem, exit status 2, nothing written).
"""

import json
import sys
from pathlib import Path

from tqdm import tqdm

from sim.cli.common import check_out_dir, load, non_negative_int, positive_int, scenario_arguments
from sim.cli.experiments import executor_arguments, number, probability
from sim.results.files import write_atomic

DEFAULT_OPTIMIZE_OUT = Path("results/optimize")
PARETO_CHART = "pareto.png"
BOXES_FILE = "boxes.json"
BOXES_CHART = "boxes.png"
CHART_DPI = 120


def save_png(figure, path: Path) -> None:
    """Write ``figure`` as PNG at ``path`` atomically."""
    write_atomic(path, lambda temporary: figure.savefig(temporary, format="png", dpi=CHART_DPI))


def command_optimize(args) -> int:
    from sim.experiments.optimize import plan_design, run_search
    from sim.report.design_charts import pareto_chart

    check_out_dir(args.out)
    design = plan_design(load(args), str(args.scenario), args.parameter or [], args.objective or [],
                         args.constraint or [], replicates=args.replicates, seed=args.seed, sampler=args.sampler,
                         population=args.population, confidence=args.confidence)
    with tqdm(total=args.trials, unit="trial", disable=not sys.stderr.isatty()) as bar:
        def show(finished: int, trials: int) -> None:
            bar.n = finished
            bar.refresh()

        try:
            report = run_search(design, args.out, args.trials, storage=args.storage, executor=args.executor,
                                workers=args.workers, scheduler=args.scheduler, on_trial=show)
        except KeyboardInterrupt:
            print("circsim: interrupted; finished trials are kept in the study, "
                  "run the same command again to resume", file=sys.stderr)
            return 130
    objectives = [(o.name, o.direction) for o in design.objectives]
    save_png(pareto_chart(report.table, report.pareto, objectives, f"{design.scenario.name}: Pareto front"),
             report.folder / PARETO_CHART)
    speed = (f", {report.trials_per_minute:.1f} trials/min" if report.trials_now else "")
    print(f"optimize {design.scenario.name}: {report.trials} trials ({report.trials_now} new, "
          f"{report.trials_before} finished before) in {report.wall_seconds:.1f} s{speed}")
    for line in report.answer:
        print(f"  {line}")
    print(f"  results  {report.folder}")
    return 0


def command_discover(args) -> int:
    from sim.experiments.discover import MAX_BOXES, discover
    from sim.report.design_charts import discovery_chart

    out = args.out or args.dataset
    check_out_dir(out)
    found = discover(args.dataset, args.metric, args.threshold, args.failing, args.boxes or MAX_BOXES)
    for line in found.lines():
        print(line)
    out.mkdir(parents=True, exist_ok=True)
    write_atomic(out / BOXES_FILE, lambda path: path.write_text(json.dumps(found.to_dict(), indent=2) + "\n"))
    print(f"  boxes  {out / BOXES_FILE}")
    if found.boxes:
        first = found.boxes[0]
        values = found.data.metric.to_numpy(dtype=float)
        failing = values > args.threshold if args.failing == "above" else values < args.threshold
        save_png(discovery_chart(first.trajectory, found.data.parameters, failing, first.limits, found.failing_text,
                                 (first.coverage, first.density)), out / BOXES_CHART)
        print(f"  chart  {out / BOXES_CHART}")
    return 0


def add_design_commands(commands) -> None:
    """Add `optimize` and `discover` to the `circsim` sub-commands. (Their modules, which
    import Optuna and PRIM, load only when one of them runs; they check ``--sampler`` and
    ``--failing``.)"""
    optimize = commands.add_parser(
        "optimize", help="multi-objective search of scenario fields with constraints (Optuna; resumable)")
    scenario_arguments(optimize)
    optimize.add_argument("--parameter", action="append", metavar="SECTION.FIELD=LOW:HIGH[:log]",
                          help="a numeric field searched over [LOW, HIGH] (repeatable)")
    optimize.add_argument("--objective", action="append", metavar="NAME:max|min",
                          help="a metric (e.g. promises_honoured_share, ruin_upper, operator_margin) "
                               "or a searched field, to maximise or minimise (repeatable)")
    optimize.add_argument("--constraint", action="append", metavar="NAME<=BOUND|NAME>=BOUND",
                          help="a condition a trial must meet to be feasible, e.g. ruin_upper<=0.01 (repeatable)")
    optimize.add_argument("--replicates", type=positive_int, default=8,
                          help="runs per trial, the same seeds in every trial (default 8)")
    optimize.add_argument("--trials", type=positive_int, default=100,
                          help="finished trials the study should hold (default 100; more resumes a study)")
    optimize.add_argument("--sampler", default="nsga2", help="Optuna sampler: nsga2 (default), tpe or random")
    optimize.add_argument("--population", type=positive_int, default=20,
                          help="trials asked at once: NSGA-II's population (default 20)")
    optimize.add_argument("--confidence", type=probability, default=0.95,
                          help="level of ruin_upper, the Clopper-Pearson bound (default 0.95)")
    optimize.add_argument("--members", type=positive_int, help="initial members (scales the scenario)")
    optimize.add_argument("--days", type=positive_int, help="horizon in days (overrides the scenario)")
    optimize.add_argument("--seed", type=non_negative_int, help="base seed of the replicates and of the sampler")
    optimize.add_argument("--out", type=Path, default=DEFAULT_OPTIMIZE_OUT,
                          help=f"parent of the study's folder <scenario name>/ (default: {DEFAULT_OPTIMIZE_OUT})")
    optimize.add_argument("--storage", metavar="URL",
                          help="Optuna database URL for the study (default: sqlite study.db in the study's folder)")
    executor_arguments(optimize)
    optimize.set_defaults(handler=command_optimize)

    discover_parser = commands.add_parser(
        "discover", help="PRIM boxes of the failing region of a finished sweep or optimize folder")
    discover_parser.add_argument("dataset", type=Path, help="a sweep dataset folder or a `circsim optimize` folder")
    discover_parser.add_argument("--metric", default="ruin_probability",
                                 help="ruin_probability (default), collapse_day or a numeric summary column; "
                                      "for an optimize folder one of its objectives")
    discover_parser.add_argument("--threshold", type=number, default=0.05,
                                 help="a point fails when its metric is beyond this (default 0.05)")
    discover_parser.add_argument("--failing", default="above",
                                 help="a point fails above the threshold (`above`, default) or below it (`below`)")
    discover_parser.add_argument("--boxes", type=positive_int,
                                 help="boxes to find at most, each in what the earlier ones left (default 3)")
    discover_parser.add_argument("--out", type=Path, help="folder for boxes.json and boxes.png (default: the dataset)")
    discover_parser.set_defaults(handler=command_discover)
