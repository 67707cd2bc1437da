"""Speed of the fast engine against the plain Mesa reference model, on the same run.

    .venv/bin/python benchmarks/reference_vs_engine.py [SCENARIO.toml] [--members 20000] [--days 100]
                                                       [--threads N]

Both play the same scaled scenario (``sim.engine.resolve``) from start to finish and
return its ``daily`` table; the script checks that the two tables are identical, then
prints each one's member-days per second (Σ over days of the members on the books ÷ the
wall time of the whole run) and their ratio. The engine's kernels are compiled (or
loaded from numba's cache) before it is timed.
"""

import argparse
import time
from pathlib import Path

import sim
from sim.engine.simulation import set_threads
from sim.reference.model import Platform, first_difference
from sim.scenario.scaling import resolve

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    """Run both models, check they agree, print their speeds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", type=Path, nargs="?", default=ROOT / "scenarios" / "baseline.toml")
    parser.add_argument("--members", type=int, default=20_000, help="initial members (default 20 000)")
    parser.add_argument("--days", type=int, default=100, help="days (default 100)")
    parser.add_argument("--threads", type=int, help="numba threads of the engine (default: all)")
    args = parser.parse_args()

    scenario = resolve(args.scenario, days=args.days, members=args.members)
    threads = set_threads(args.threads)
    sim.run(scenario, days=3, members=1_000, threads=threads)  # compile or load the kernels

    started = time.perf_counter()
    fast = sim.run(scenario, threads=threads)
    engine_seconds = time.perf_counter() - started

    started = time.perf_counter()
    reference_daily = Platform(scenario).run()
    reference_seconds = time.perf_counter() - started

    difference = first_difference(fast.daily, reference_daily)
    member_days = fast.summary["member_days"]
    engine_speed = member_days / engine_seconds
    reference_speed = member_days / reference_seconds
    print(f"{scenario.name}: {args.members:,} initial members, {args.days} days, "
          f"{fast.summary['members_final']:,} members at the end, {member_days:,} member-days")
    print(f"  daily tables identical   {'yes' if difference is None else 'NO: ' + difference}")
    print(f"  fast engine              {engine_seconds:8.2f} s  {engine_speed:14,.0f} member-days/s "
          f"({threads} thread(s))")
    print(f"  Mesa reference model     {reference_seconds:8.2f} s  {reference_speed:14,.0f} member-days/s")
    print(f"  ratio                    {engine_speed / reference_speed:,.0f}x")


if __name__ == "__main__":
    main()
