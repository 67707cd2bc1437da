"""`circsim template [--out FILE]`: a scenario file with every field at its default, each
documented with its meaning, type, unit and bounds (``sim.scenario.template``)."""

from pathlib import Path

from sim.cli.common import UserError
from sim.results.files import write_atomic
from sim.scenario.template import scenario_template


def check_template_target(path: Path) -> None:
    """Refuse a target that would overwrite a file or cannot be written: an existing path
    (a scenario the user may have edited), or a folder that does not exist."""
    if path.exists():
        raise UserError([f"--out {path}: already exists; name a new file (nothing was overwritten)"])
    if not path.parent.is_dir():
        raise UserError([f"--out {path}: folder {path.parent} does not exist"])


def command_template(args) -> int:
    """`circsim template`: print the template, or write it to ``--out`` (complete or absent)."""
    text = scenario_template()
    if args.out is None:
        print(text, end="")
        return 0
    check_template_target(args.out)
    write_atomic(args.out, lambda target: target.write_text(text, encoding="utf-8"))
    print(f"template: {args.out} (every field at its default; `circsim check {args.out}` loads it)")
    return 0


def add_template_command(commands) -> None:
    """Add `template` to the `circsim` sub-commands."""
    parser = commands.add_parser("template", help="write a scenario file with every field, its default and "
                                                  "its documentation")
    parser.add_argument("--out", type=Path, metavar="FILE",
                        help="write to this new file instead of printing (an existing file is not overwritten)")
    parser.set_defaults(handler=command_template)
