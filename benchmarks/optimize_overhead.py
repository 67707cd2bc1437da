"""What a design search costs beyond its simulations: `circsim optimize` against a plain
sweep of the very same runs.

    python benchmarks/optimize_overhead.py [--members 10000] [--days 365] [--replicates 16]
                                           [--trials 24] [--population 12] [--workers N]

Runs the README's search of `pool_gift_packages.toml` (energy multiple, pool share,
withdrawal fee; promises honoured ↑, ruin_upper ↓, operator margin ↑) for ``--trials``
trials, then runs every (trial, replicate) of it again as a sweep does — the same scenarios
and seeds through ``sim.experiments.sweep_runner.simulate`` on the same number of worker
processes — and prints both wall times (each including starting its workers) and trials per
minute. The difference is the search's own cost: Optuna's sampler and database, and the
metrics read from each run's ledger.
"""

import argparse
import tempfile
import time
from pathlib import Path

from sim import load_scenario
from sim.core.rng import replicate_seed
from sim.experiments.executors import default_workers, map_ordered, open_executor
from sim.experiments.optimize import plan_design, run_search
from sim.experiments.sweep_runner import RunTask, simulate
from sim.scenario.scaling import resolve

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "pool_gift_packages.toml"
PARAMETERS = ["rewards.energy_multiple=1.2:5", "release.dividend_pool_share_of_sales=0.05:0.13",
              "withdrawals.fee_share=0:0.2"]
OBJECTIVES = ["promises_honoured_share:max", "ruin_upper:min", "operator_margin:max"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--replicates", type=int, default=16)
    parser.add_argument("--trials", type=int, default=24)
    parser.add_argument("--population", type=int, default=12)
    parser.add_argument("--workers", type=int, default=default_workers())
    args = parser.parse_args()

    scenario = resolve(load_scenario(SCENARIO), args.days, args.members, None, {})
    design = plan_design(scenario, str(SCENARIO), PARAMETERS, OBJECTIVES, replicates=args.replicates,
                         population=args.population)
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        report = run_search(design, out, args.trials, workers=args.workers)
        search_seconds = time.perf_counter() - started

    complete = report.table[report.table["state"] == "COMPLETE"]
    tasks = [RunTask(int(row["trial"]), k, replicate_seed(design.seed, k),
                     design.trial_scenario({p.path: (int(row[p.path]) if p.whole else float(row[p.path]))
                                            for p in design.parameters}))
             for _, row in complete.iterrows() for k in range(design.replicates)]
    started = time.perf_counter()
    with open_executor("local", args.workers) as pool:
        for _ in map_ordered(pool, simulate, tasks):
            pass
    sweep_seconds = time.perf_counter() - started

    runs = len(tasks)
    print(f"{args.trials} trials x {args.replicates} replicates = {runs} runs of {args.members:,} members x "
          f"{args.days} days on {args.workers} worker(s)")
    print(f"  optimize     {search_seconds:8.1f} s  {60 * args.trials / search_seconds:6.2f} trials/min")
    print(f"  plain sweep  {sweep_seconds:8.1f} s  {60 * args.trials / sweep_seconds:6.2f} trials/min")
    print(f"  overhead     {search_seconds - sweep_seconds:8.1f} s  "
          f"({(search_seconds - sweep_seconds) / sweep_seconds:+.1%} of the sweep)")


if __name__ == "__main__":
    main()
