"""`circsim run | check | report | bench`: one scenario at a time."""

import sys
from pathlib import Path

from sim.analysis.verdict import money_text
from sim.cli.common import (
    UserError,
    check_out_dir,
    check_threads,
    load,
    non_negative_int,
    positive_int,
    scenario_arguments,
    settings,
)
from sim.core.formatting import format_cents
from sim.scenario.library import BASELINE_SCENARIO
from sim.scenario.loading import load_scenario, scenario_hash


def summary_lines(result, run_dir: Path | None) -> list[str]:
    """The short summary `circsim run` prints (money in the scenario's ``platform.currency``)."""
    from sim.experiments.bench import rate_text

    summary, daily = result.summary, result.daily
    honoured = summary["promises_honoured_share"]
    losing = summary["share_members_losing"]
    last = daily.iloc[-1]
    currency = result.scenario.platform.currency

    def money(cents: int) -> str:
        return money_text(cents, currency)

    lines = [
        f"{result.scenario.name}: {summary['days']} days, seed {result.scenario.run.seed}, "
        f"{result.scenario.population.initial_members:,} -> {summary['members_final']:,} members",
        f"  sales                 {money(summary['total_sales_cents'])}",
        f"  new money paid in     {money(summary['total_new_money_cents'])}",
        f"  withdrawn (net)       {money(summary['total_withdrawn_cents'])}",
        f"  promised / released   {format_cents(summary['promised_cents'])} / {money(summary['paid_cents'])}"
        + (f"  ({honoured:.1%} honoured)" if honoured is not None else ""),
        f"  platform cash (end)   {money(summary['final_platform_cash_cents'])}",
        f"  coverage (end)        {last['coverage_ratio']:.3f} of hard liabilities, "
        f"{last['coverage_ratio_all']:.4f} of all",
        f"  collapse day          {summary['collapse_day'] if summary['collapse_day'] is not None else 'none'}",
        f"  members losing money  {losing:.1%}" if losing is not None else "  members losing money  n/a",
        f"  ledger balanced       {'yes' if summary['ledger_balanced'] else 'NO'}",
        f"  speed                 {rate_text(result.manifest['member_days_per_second'])} "
        f"on {result.manifest['threads']} thread(s)",
    ]
    if run_dir is not None:
        lines.append(f"  results               {run_dir}")
    return lines


def command_run(args) -> int:
    """`circsim run SCENARIO`: simulate, save the run folder, print the summary (and the report)."""
    from sim.engine.simulation import run

    check_threads(args.threads)
    check_out_dir(args.out)
    scenario = load(args)
    if args.replicates > 1:
        return run_replicated(args, scenario)
    if args.checkpoint_day is not None:
        return run_with_checkpoint(args, scenario)
    result = run(scenario, threads=args.threads, validate=args.validate, progress=sys.stderr.isatty())
    run_dir = result.save(args.out)
    print("\n".join(summary_lines(result, run_dir)))
    if args.report:
        print_report(run_dir)
    return 0


def run_with_checkpoint(args, scenario) -> int:
    """`circsim run --checkpoint-day D`: the run, with the state at the start of day D saved
    in the run folder as ``checkpoint_dayD.ckpt`` (continue it with `circsim resume`)."""
    import os

    from sim.engine.simulation import run

    day = args.checkpoint_day
    if args.replicates > 1:
        raise UserError(["--checkpoint-day: only for a single run (not with --replicates)"])
    if day >= scenario.run.days:
        raise UserError([f"--checkpoint-day {day}: the run has {scenario.run.days} days (0 to {scenario.run.days - 1})"])
    args.out.mkdir(parents=True, exist_ok=True)
    pending = args.out / f".checkpoint-{os.getpid()}.ckpt"
    try:
        result = run(scenario, threads=args.threads, validate=args.validate, progress=sys.stderr.isatty(),
                     checkpoint=(day, pending))
        run_dir = result.save(args.out)
        lines = summary_lines(result, run_dir)
        if pending.exists():
            pending.rename(run_dir / f"checkpoint_day{day}.ckpt")
            lines.append(f"  checkpoint            {run_dir / f'checkpoint_day{day}.ckpt'}")
        else:
            lines.append(f"  checkpoint            none: the run ended before day {day}")
    finally:
        pending.unlink(missing_ok=True)
    print("\n".join(lines))
    return 0


def run_replicated(args, scenario) -> int:
    """`circsim run --replicates R`: R seeds in parallel processes; replicate 0 saved in full."""
    from sim.experiments.replicates import replicate_lines, run_replicates, save_replicates

    result, table = run_replicates(scenario, args.replicates, threads=args.threads, validate=args.validate)
    run_dir = save_replicates(result, table, args.out)
    print("\n".join(summary_lines(result, run_dir) + replicate_lines(table, result.scenario.run.days)))
    if args.report:
        print_report(run_dir)
    return 0


def print_report(run_dir: Path) -> None:
    """Write the sustainability report of a run folder; print where it is and the verdict."""
    from sim.report.build import write_report

    folder, verdict = write_report(run_dir)
    print(f"report: {folder / 'report.html'}\n        {folder / 'report.pdf'}\nverdict: {verdict.label}")


def command_report(args) -> int:
    """`circsim report FOLDER`: the sustainability report of a run folder, or the forecast
    report of a `circsim forecast` folder."""
    if (args.run_dir / "forecast.json").is_file():
        from sim.report.forecast_report import write_forecast_report

        html, pdf = write_forecast_report(args.run_dir)
        print(f"report: {html}\n        {pdf}")
        return 0
    print_report(args.run_dir)
    return 0


def command_check(args) -> int:
    """`circsim check SCENARIO`: load and validate a scenario without running it."""
    if args.command == "validate":
        print("circsim: note: `circsim validate` is now `circsim check` (the old name still works)", file=sys.stderr)
    scenario = load(args)
    print(f"{args.scenario}: ok ({scenario.name}, hash {scenario_hash(scenario)[:12]})")
    return 0


def command_bench(args) -> int:
    """`circsim bench [SCENARIO]`: measure speed and memory of the daily loop."""
    from sim.experiments.bench import bench, report_lines

    check_threads(args.threads)
    scenario = load_scenario(args.scenario)
    measured = bench(scenario, args.members, args.days, args.threads, settings(args))
    print("\n".join(report_lines(measured)))
    return 0


def add_run_commands(commands) -> None:
    """Add `run`, `check` (old name `validate`), `report` and `bench` to the `circsim` sub-commands."""
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
    run_parser.add_argument("--checkpoint-day", type=non_negative_int, metavar="D",
                            help="save the state at the start of day D in the run folder (`circsim resume` "
                                 "continues it)")
    run_parser.add_argument("--report", action="store_true",
                            help="write the sustainability report (HTML, PDF, charts) into the run folder")
    run_parser.set_defaults(handler=command_run)

    for name, help_text in (("check", "check a scenario without running it"),
                            ("validate", "old name of `check` (still works)")):
        check_parser = commands.add_parser(name, help=help_text)
        scenario_arguments(check_parser)
        check_parser.set_defaults(handler=command_check)

    report_parser = commands.add_parser("report", help="write the sustainability report of a saved run")
    report_parser.add_argument("run_dir", type=Path, metavar="FOLDER",
                               help="a run folder written by `circsim run`, or a forecast folder of `circsim forecast`")
    report_parser.set_defaults(handler=command_report)

    bench_parser = commands.add_parser("bench", help="measure speed and memory of the daily loop")
    bench_parser.add_argument("scenario", type=Path, nargs="?", default=BASELINE_SCENARIO,
                              help="scenario TOML file (default: the shipped baseline.toml, from any folder)")
    bench_parser.add_argument("--set", action="append", metavar="SECTION.FIELD=VALUE",
                              help="override one scenario field (repeatable)")
    bench_parser.add_argument("--members", type=positive_int, default=1_000_000, help="initial members")
    bench_parser.add_argument("--days", type=positive_int, default=60, help="days to simulate")
    bench_parser.add_argument("--threads", type=positive_int, help="numba threads")
    bench_parser.set_defaults(handler=command_bench)
