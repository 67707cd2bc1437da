"""The `circsim` command: run, validate, report, bench and experiment with scenarios.

Bad input never shows a traceback: each problem is one line on stderr naming the file
(or option), the field and the reason, the exit status is 2, and nothing is written.
"""

import argparse
import sys
from pathlib import Path

import numba

from sim.formatting import format_cents
from sim.scenario import ScenarioError, load_scenario, scenario_hash

EXIT_BAD_INPUT = 2
EXIT_INVARIANT = 1


class UserError(Exception):
    """Bad input from the command line; ``lines`` are printed one per problem."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


class OneLineParser(argparse.ArgumentParser):
    """argparse with one-line errors (no usage block), exit status 2."""

    def error(self, message: str):
        self.exit(EXIT_BAD_INPUT, f"circsim: error: {message} (see `{self.prog} --help`)\n")


def whole_number(text: str, minimum: int) -> int:
    """Parse an integer option that must be at least ``minimum``."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
    return value


def positive_int(text: str) -> int:
    """argparse type: an integer ≥ 1."""
    return whole_number(text, 1)


def non_negative_int(text: str) -> int:
    """argparse type: an integer ≥ 0."""
    return whole_number(text, 0)


def check_threads(threads: int | None) -> None:
    """Reject a thread count numba cannot use."""
    limit = numba.config.NUMBA_NUM_THREADS
    if threads is not None and threads > limit:
        raise UserError([f"--threads: must be between 1 and {limit} (NUMBA_NUM_THREADS), got {threads}"])


def check_out_dir(out: Path) -> None:
    """Reject an output folder that is a file."""
    if out.exists() and not out.is_dir():
        raise UserError([f"--out {out}: exists and is not a folder"])


def load(args) -> "object":
    """Load the scenario named on the command line with its --set overrides."""
    return load_scenario(args.scenario, args.set or ())


def summary_lines(result, run_dir: Path | None) -> list[str]:
    """The short summary `circsim run` prints."""
    summary, daily = result.summary, result.daily
    honoured = summary["promises_honoured_share"]
    losing = summary["share_members_losing"]
    last = daily.iloc[-1]
    lines = [
        f"{result.scenario.name}: {summary['days']} days, seed {result.scenario.run.seed}, "
        f"{result.scenario.population.initial_members:,} -> {summary['members_final']:,} members",
        f"  sales                 {format_cents(summary['total_sales_cents'])}",
        f"  new money paid in     {format_cents(summary['total_new_money_cents'])}",
        f"  withdrawn (net)       {format_cents(summary['total_withdrawn_cents'])}",
        f"  promised / released   {format_cents(summary['promised_cents'])} / {format_cents(summary['paid_cents'])}"
        + (f"  ({honoured:.1%} honoured)" if honoured is not None else ""),
        f"  platform cash (end)   {format_cents(summary['final_platform_cash_cents'])}",
        f"  coverage (end)        {last['coverage_ratio']:.3f} of hard liabilities, "
        f"{last['coverage_ratio_all']:.4f} of all",
        f"  collapse day          {summary['collapse_day'] if summary['collapse_day'] is not None else 'none'}",
        f"  members losing money  {losing:.1%}" if losing is not None else "  members losing money  n/a",
        f"  ledger balanced       {'yes' if summary['ledger_balanced'] else 'NO'}",
        f"  speed                 {result.manifest['member_days_per_second'] / 1e6:.1f} M member-days/s "
        f"on {result.manifest['threads']} thread(s)",
    ]
    if run_dir is not None:
        lines.append(f"  results               {run_dir}")
    return lines


def command_run(args) -> int:
    from sim.engine import run

    check_threads(args.threads)
    check_out_dir(args.out)
    scenario = load(args)
    if args.replicates > 1:
        return run_replicated(args, scenario)
    result = run(
        scenario, days=args.days, members=args.members, seed=args.seed, threads=args.threads,
        validate=args.validate, progress=sys.stderr.isatty(),
    )
    run_dir = result.save(args.out)
    print("\n".join(summary_lines(result, run_dir)))
    if args.report:
        print_report(run_dir)
    return 0


def run_replicated(args, scenario) -> int:
    """`circsim run --replicates R`: R seeds in parallel processes; replicate 0 saved in full."""
    from sim.replicates import replicate_lines, run_replicates, save_replicates

    result, table = run_replicates(scenario, args.replicates, days=args.days, members=args.members,
                                   seed=args.seed, threads=args.threads, validate=args.validate)
    run_dir = save_replicates(result, table, args.out)
    print("\n".join(summary_lines(result, run_dir) + replicate_lines(table, result.scenario.run.days)))
    if args.report:
        print_report(run_dir)
    return 0


def print_report(run_dir: Path) -> None:
    """Write the sustainability report of a run folder; print where it is and the verdict."""
    from sim.report import RunFolderError, write_report

    try:
        folder, verdict = write_report(run_dir)
    except RunFolderError as err:
        raise UserError([str(err)]) from None
    print(f"report: {folder / 'report.html'}\n        {folder / 'report.pdf'}\nverdict: {verdict.label}")


def command_report(args) -> int:
    """`circsim report RUN_DIR`."""
    print_report(args.run_dir)
    return 0


def command_validate(args) -> int:
    scenario = load(args)
    print(f"{args.scenario}: ok ({scenario.name}, hash {scenario_hash(scenario)[:12]})")
    return 0


def command_bench(args) -> int:
    from sim.bench import bench, report_lines

    check_threads(args.threads)
    scenario = load(args)
    print("\n".join(report_lines(bench(scenario, args.members, args.days, args.threads))))
    return 0


def command_validation(args) -> int:
    from sim.validation import run_validation

    check_out_dir(args.out)
    return run_validation(args.out, args.members)


def command_meanfield(args) -> int:
    from sim.validation import write_meanfield

    return write_meanfield(args.run_dir)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `circsim` (also used for `python -m sim`)."""
    parser = OneLineParser(prog="circsim", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    def scenario_arguments(sub):
        sub.add_argument("scenario", type=Path, help="scenario TOML file")
        sub.add_argument("--set", action="append", metavar="SECTION.FIELD=VALUE",
                         help="override one scenario field (repeatable)")

    run_parser = commands.add_parser("run", help="simulate a scenario and save its results")
    scenario_arguments(run_parser)
    run_parser.add_argument("--members", type=positive_int, help="initial members (overrides the scenario)")
    run_parser.add_argument("--days", type=positive_int, help="days to simulate (overrides the scenario)")
    run_parser.add_argument("--seed", type=non_negative_int, help="random seed (overrides the scenario)")
    run_parser.add_argument("--out", type=Path, default=Path("results"), help="results folder (default: results)")
    run_parser.add_argument("--threads", type=positive_int, help="numba threads (results do not depend on it)")
    run_parser.add_argument("--validate", action="store_true",
                            help="check every invariant after every phase (slower)")
    run_parser.add_argument("--replicates", type=positive_int, default=1, metavar="R",
                            help="run R seeds derived from the seed in parallel processes (ruin probability)")
    run_parser.add_argument("--report", action="store_true",
                            help="write the sustainability report (HTML, PDF, charts) into the run folder")
    run_parser.set_defaults(handler=command_run)

    validate_parser = commands.add_parser("validate", help="check a scenario without running it")
    scenario_arguments(validate_parser)
    validate_parser.set_defaults(handler=command_validate)

    report_parser = commands.add_parser("report", help="write the sustainability report of a saved run")
    report_parser.add_argument("run_dir", type=Path, metavar="RUN_DIR", help="a run folder written by `circsim run`")
    report_parser.set_defaults(handler=command_report)

    bench_parser = commands.add_parser("bench", help="measure speed and memory of the daily loop")
    bench_parser.add_argument("scenario", type=Path, nargs="?", default=Path("scenarios/baseline.toml"),
                              help="scenario TOML file (default: scenarios/baseline.toml)")
    bench_parser.add_argument("--set", action="append", metavar="SECTION.FIELD=VALUE",
                              help="override one scenario field (repeatable)")
    bench_parser.add_argument("--members", type=positive_int, default=1_000_000, help="initial members")
    bench_parser.add_argument("--days", type=positive_int, default=60, help="days to simulate")
    bench_parser.add_argument("--threads", type=positive_int, help="numba threads")
    bench_parser.set_defaults(handler=command_bench)

    validation_parser = commands.add_parser(
        "validation", help="run the scientific checks (closed forms, Artzrouni, mean-field twin); write the page")
    validation_parser.add_argument("--out", type=Path, default=Path("docs"),
                                   help="folder of validation.md and figures/ (default: docs)")
    validation_parser.add_argument("--members", type=positive_int,
                                   help="initial members of the baseline checked against the twin (default 1000000)")
    validation_parser.set_defaults(handler=command_validation)

    meanfield_parser = commands.add_parser("meanfield", help="write the mean-field twin beside a saved run")
    meanfield_parser.add_argument("run_dir", type=Path, metavar="RUN_DIR", help="a run folder written by `circsim run`")
    meanfield_parser.set_defaults(handler=command_meanfield)

    from sim.cli_experiments import add_experiment_commands  # it imports helpers from this module

    add_experiment_commands(commands)

    from sim.cli_dashboard import add_dashboard_command  # it imports helpers from this module

    add_dashboard_command(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `circsim` console script."""
    from sim.invariants import InvariantError

    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except (ScenarioError, UserError) as err:
        lines = err.problems if isinstance(err, ScenarioError) else err.lines
        for line in lines:
            print(f"circsim: error: {line}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as err:
        print(f"circsim: error: {err.filename or 'output'}: {err.strerror or err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except InvariantError as err:
        print(f"circsim: invariant broken: {err}", file=sys.stderr)
        return EXIT_INVARIANT
    except KeyboardInterrupt:
        print("circsim: interrupted, nothing written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
