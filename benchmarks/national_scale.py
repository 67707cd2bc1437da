"""A national-scale run on this machine: the baseline at 100 000 000 initial members for
365 days, reporting the time of the daily loop and the process's peak memory.

    python benchmarks/national_scale.py [--members 100000000] [--days 365] [--market-factor 1.2]

As `circsim bench` does, the market is capped at ``--market-factor`` × the initial members so
the population stays near the size asked for while members still join. The simulation is
stepped day by day and its result tables are not built: a members table of 10⁸ rows is a
result to stream to disk, not one to hold beside the state (that is a separate question).
Peak memory is the operating system's maximum resident set size of this process.
"""

import argparse
import resource
import time

from sim.engine.simulation import Simulation, set_threads
from sim.scenario.scaling import resolve

BYTES_PER_KIB = 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="scenarios/baseline.toml")
    parser.add_argument("--members", type=int, default=100_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--market-factor", type=float, default=1.2)
    args = parser.parse_args()
    threads = set_threads(None)
    scenario = resolve(args.scenario, days=args.days, members=args.members,
                       settings={"population.market_size_members": int(args.members * args.market_factor),
                                 "run.stop_on_collapse": False})
    started = time.perf_counter()
    sim = Simulation(scenario)
    set_up_seconds = time.perf_counter() - started
    while not sim.finished:
        sim.step()
    loop_seconds = time.perf_counter() - started - set_up_seconds
    member_days = sum(row["members_total"] for row in sim.rows)
    peak_bytes = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * BYTES_PER_KIB
    print(f"{args.scenario}: {args.members:,} -> {sim.members.count:,} members, {sim.day} days, {threads} threads")
    print(f"set-up {set_up_seconds:.1f} s, daily loop {loop_seconds:.1f} s "
          f"({member_days / loop_seconds / 1e6:.1f} M member-days/s)")
    print(f"peak resident memory {peak_bytes / 2**30:.1f} GiB "
          f"({peak_bytes / sim.members.count:.0f} B per member at the end)")
    print("per phase, ms/day: " + ", ".join(f"{name} {seconds * 1e3 / sim.day:.0f}"
                                             for name, seconds in sim.timings_seconds.items()))


if __name__ == "__main__":
    main()
