"""`circsim dashboard`: the workbench in the browser. It checks its input, then becomes
``solara run sim.dashboard.app`` (same process, so nothing it starts outlives it), which
serves the workbench of ``sim/dashboard/app.py`` (with the Mesa ``SolaraViz`` page of
``sim/dashboard/page.py`` as one of its pages) until stopped with Ctrl-C."""

import argparse
import ipaddress
import os
import sys
from pathlib import Path

from sim.cli.common import UserError, check_out_dir, positive_int
from sim.dashboard.settings import (
    DEFAULT_MEMBERS,
    DEFAULT_OUT,
    MEMBERS_VARIABLE,
    OUT_VARIABLE,
    SCENARIO_VARIABLE,
    STUDIES_VARIABLE,
)
from sim.scenario.library import BASELINE_SCENARIO
from sim.scenario.loading import load_scenario

DEFAULT_PORT = 8765


def port_number(text: str) -> int:
    """argparse type: a TCP port, 1 to 65535."""
    port = positive_int(text)
    if port > 65_535:
        raise argparse.ArgumentTypeError(f"must be at most 65535, got {port}")
    return port


def add_dashboard_command(commands) -> None:
    """Add `circsim dashboard` to the subcommands of `circsim`."""
    parser = commands.add_parser("dashboard", help="the workbench in the browser: edit, run and judge scenarios")
    parser.add_argument("scenario", type=Path, nargs="?", default=BASELINE_SCENARIO,
                        help="scenario TOML file opened first (default: the library's baseline.toml)")
    parser.add_argument("--members", type=positive_int, default=DEFAULT_MEMBERS,
                        help=f"initial members of the scaled runs (default: {DEFAULT_MEMBERS}; the page can change it)")
    parser.add_argument("--out", type=Path, default=Path(DEFAULT_OUT),
                        help=f"folder the runs are saved in (default: {DEFAULT_OUT})")
    parser.add_argument("--studies", type=Path,
                        help="folder of design studies written by `circsim optimize` (default: OUT/optimize, "
                             "where `circsim optimize` writes them)")
    parser.add_argument("--host", default="127.0.0.1", help="address to serve on (default: 127.0.0.1)")
    parser.add_argument("--port", type=port_number, default=DEFAULT_PORT, help=f"port (default: {DEFAULT_PORT})")
    parser.add_argument("--open", action="store_true", help="open the page in a browser tab")
    parser.set_defaults(handler=command_dashboard)


def ipaddress_is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or a name) is this machine's loopback interface."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def command_dashboard(args) -> int:
    """Check the scenario and the folders, then replace this process by the solara server of
    the workbench."""
    load_scenario(args.scenario)  # bad input stops here, with exit status 2
    check_out_dir(args.out)
    if args.studies is not None and not args.studies.is_dir():
        raise UserError([f"--studies {args.studies}: not a folder"])
    env = dict(os.environ)
    env[SCENARIO_VARIABLE] = str(args.scenario.resolve())
    env[MEMBERS_VARIABLE] = str(args.members)
    env[OUT_VARIABLE] = str(args.out.resolve())
    env[STUDIES_VARIABLE] = str((args.studies or args.out / "optimize").resolve())
    env.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    command = [sys.executable, "-m", "solara", "run", "sim.dashboard.app", "--host", args.host,
               "--port", str(args.port), "--production", "--open" if args.open else "--no-open"]
    if not ipaddress_is_loopback(args.host):
        print(f"circsim: warning: --host {args.host}: the page is reachable from other machines; it has no "
              "login, so anyone who can reach this address can run scenarios here", file=sys.stderr, flush=True)
    print(f"circsim dashboard: {args.scenario} on http://{args.host}:{args.port} (Ctrl-C stops it)", flush=True)
    os.execve(sys.executable, command, env)
