"""The `circsim` command: run, check, report, bench and experiment with scenarios.

Bad input never shows a traceback: each problem is one line on stderr naming the file
(or option), the field and the reason, the exit status is 2, and nothing is written.
Every command group registers its sub-commands here; every ``InputError`` any of them
raises becomes those lines in ``main``, the one place errors become exit statuses.
"""

import signal
import sys

from sim.cli.calibrate import add_calibrate_command
from sim.cli.common import EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_INVARIANT, OneLineParser
from sim.cli.dashboard import add_dashboard_command
from sim.cli.design import add_design_commands
from sim.cli.experiments import add_experiment_commands
from sim.cli.forecast import add_forecast_commands
from sim.cli.run import add_run_commands
from sim.cli.science import add_science_commands
from sim.cli.stress import add_stress_command
from sim.cli.template import add_template_command
from sim.core.errors import InputError


def build_parser() -> OneLineParser:
    """The argument parser of `circsim` (also used for `python -m sim`)."""
    parser = OneLineParser(prog="circsim", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    add_run_commands(commands)
    add_science_commands(commands)
    add_experiment_commands(commands)
    add_design_commands(commands)
    add_stress_command(commands)
    add_calibrate_command(commands)
    add_forecast_commands(commands)
    add_dashboard_command(commands)
    add_template_command(commands)
    return parser


def _interrupt(signum, frame) -> None:
    """SIGTERM stops a command the way Ctrl-C does: workers are stopped, what is finished is
    kept (a sweep resumes from it) and nothing half-written is left."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `circsim` console script; returns the exit status."""
    from sim.engine.invariants import InvariantError

    args = build_parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        return args.handler(args)
    except InputError as err:
        for line in err.problems:
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
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
