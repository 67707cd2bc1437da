"""The `circsim` command: run, validate and bench a scenario.

Bad input never shows a traceback: each problem is one line on stderr naming the file
(or option), the field and the reason, the exit status is 2, and nothing is written.
"""

import argparse
import sys
from pathlib import Path

import numba

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


def positive_int(text: str) -> int:
    """argparse type: an integer ≥ 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def non_negative_int(text: str) -> int:
    """argparse type: an integer ≥ 0."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be at least 0, got {value}")
    return value


def format_cents(cents: int) -> str:
    """Exact currency text from integer cents: 123456789 -> '1,234,567.89'."""
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(int(cents)), 100)
    return f"{sign}{units:,}.{rest:02d}"


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
    result = run(
        scenario, days=args.days, members=args.members, seed=args.seed, threads=args.threads,
        validate=args.validate, progress=sys.stderr.isatty(),
    )
    run_dir = result.save(args.out)
    print("\n".join(summary_lines(result, run_dir)))
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
    run_parser.set_defaults(handler=command_run)

    validate_parser = commands.add_parser("validate", help="check a scenario without running it")
    scenario_arguments(validate_parser)
    validate_parser.set_defaults(handler=command_validate)

    bench_parser = commands.add_parser("bench", help="measure speed and memory of the daily loop")
    bench_parser.add_argument("scenario", type=Path, nargs="?", default=Path("scenarios/baseline.toml"),
                              help="scenario TOML file (default: scenarios/baseline.toml)")
    bench_parser.add_argument("--set", action="append", metavar="SECTION.FIELD=VALUE",
                              help="override one scenario field (repeatable)")
    bench_parser.add_argument("--members", type=positive_int, default=1_000_000, help="initial members")
    bench_parser.add_argument("--days", type=positive_int, default=60, help="days to simulate")
    bench_parser.add_argument("--threads", type=positive_int, help="numba threads")
    bench_parser.set_defaults(handler=command_bench)
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
