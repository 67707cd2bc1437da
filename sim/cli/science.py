"""`circsim validation` and `circsim meanfield`: the scientific checks and the mean-field
twin beside a saved run."""

import math
from pathlib import Path

from sim.cli.common import UserError, check_out_dir, positive_int
from sim.results.files import write_atomic
from sim.results.reading import read_run
from sim.science import meanfield
from sim.science.validation_page import BALANCES_COMPARED_FROM_DAY, TWIN_MEMBERS, first_day, format_value, write_page


def run_validation(out: Path, twin_members: int | None = None) -> int:
    """`circsim validation`: write the page, print the failed checks; exit status 1 if any."""
    page, checks = write_page(out, twin_members or TWIN_MEMBERS)
    failed = [check for check in checks if not check.passed]
    print(f"validation: {len(checks)} checks, {len(failed)} failed\n  page  {page}")
    for check in failed:
        print(f"  FAILED {check.name}: obtained {format_value(check.obtained, check.unit)}, accepted "
              f"[{format_value(check.low, check.unit)}, {format_value(check.high, check.unit)}]")
    return 1 if failed else 0


def write_meanfield(run_dir: Path) -> int:
    """`circsim meanfield RUN_DIR`: solve the twin of a saved run's scenario, write it as
    ``RUN_DIR/meanfield.parquet`` (daily columns named as the run's) and print how far the
    run is from it, up to its first unpaid withdrawal (where the twin stops applying)."""
    result, _ = read_run(run_dir)
    reasons = meanfield.reasons_not_admitted(result.scenario, len(result.daily))
    if reasons:
        raise UserError([f"{run_dir / 'scenario.toml'}: no mean-field twin: {reason}" for reason in reasons])
    daily = result.daily
    twin = meanfield.solve(result.scenario, days=len(daily))
    path = run_dir / "meanfield.parquet"
    write_atomic(path, lambda target: twin.to_parquet(target, index=False))
    failure = first_day(daily["withdrawals_unpaid_cents"].to_numpy() > 0)
    last_day = None if math.isinf(failure) else max(int(failure) - 1, 0)
    last = len(daily) - 1 if last_day is None else last_day
    print(f"meanfield: {path}")
    print(f"  gap engine - twin, days 0-{last}"
          + ("" if last_day is None else f" (withdrawals fail from day {int(failure)} on; the twin pays them all)"))
    tables = (meanfield.agreement(daily, twin, last_day=last_day),
              meanfield.agreement(daily, twin, meanfield.BALANCE_DEPENDENT_STOCKS, meanfield.BALANCE_DEPENDENT_FLOWS,
                                  min(BALANCES_COMPARED_FROM_DAY, last), last_day))
    for table in tables:
        for name, row in table.iterrows():
            print(f"  {name:36s} largest {row['max_abs_relative_gap']:8.3%} (day {int(row['day_of_max'])}), "
                  f"last day {row['relative_gap_last_day']:+.3%}")
    return 0


def command_validation(args) -> int:
    """`circsim validation`: the scientific checks and their page."""
    check_out_dir(args.out)
    return run_validation(args.out, args.members)


def command_meanfield(args) -> int:
    """`circsim meanfield RUN_DIR`."""
    return write_meanfield(args.run_dir)


def add_science_commands(commands) -> None:
    """Add `validation` and `meanfield` to the `circsim` sub-commands."""
    validation_parser = commands.add_parser(
        "validation", help="run the scientific checks (closed forms, Artzrouni, mean-field twin); write the page")
    validation_parser.add_argument("--out", type=Path, default=Path("docs"),
                                   help="folder of validation.md and figures/ (default: docs)")
    validation_parser.add_argument("--members", type=positive_int,
                                   help="initial members of the baseline checked against the twin (default 1000000; "
                                        "below it the twin's tolerances widen with the sampling noise)")
    validation_parser.set_defaults(handler=command_validation)

    meanfield_parser = commands.add_parser("meanfield", help="write the mean-field twin beside a saved run")
    meanfield_parser.add_argument("run_dir", type=Path, metavar="RUN_DIR", help="a run folder written by `circsim run`")
    meanfield_parser.set_defaults(handler=command_meanfield)
