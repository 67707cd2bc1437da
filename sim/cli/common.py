"""What every `circsim` command shares: one-line option errors, option types, and loading
the scenario named on the command line."""

import argparse
from pathlib import Path
from typing import Any

import numba

from sim.core.errors import InputError
from sim.scenario.loading import load_scenario, parse_override
from sim.scenario.params import Scenario
from sim.scenario.scaling import resolve

EXIT_BAD_INPUT = 2
EXIT_INVARIANT = 1
EXIT_INTERRUPTED = 130  # as a shell reports a command stopped by Ctrl-C (128 + SIGINT)


class UserError(InputError):
    """Bad input from the command line (an option, or a folder it names)."""


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


def settings(args) -> dict[str, Any]:
    """The ``--set`` overrides, by dotted field path (the last one of a field wins)."""
    return {".".join(key_path): value for key_path, value in map(parse_override, args.set or ())}


def load(args, scaled: bool = True) -> Scenario:
    """The scenario named on the command line with the options applied as ``resolve`` applies
    them: scaled to ``--members`` (unless ``scaled`` is false), then ``--days`` and ``--seed``,
    then every ``--set`` last, so an explicit setting wins over the scaling. Each problem
    names the option that caused it."""
    return resolve(load_scenario(args.scenario), getattr(args, "days", None),
                   getattr(args, "members", None) if scaled else None, getattr(args, "seed", None), settings(args))


def scenario_arguments(sub) -> None:
    """The scenario file and its ``--set`` overrides, as every scenario command takes them."""
    sub.add_argument("scenario", type=Path, help="scenario TOML file")
    sub.add_argument("--set", action="append", metavar="SECTION.FIELD=VALUE",
                     help="override one scenario field (repeatable)")
