"""Cost of network recruitment (docs/MODEL.md §5.4) at a market of 1 000 000 potential members:
the arrivals phase in ms per simulated day with each contact graph, against Bass arrivals in
the same run, and the time to build the graph.

    .venv/bin/python benchmarks/network_recruitment.py [--threads 2] [--days 60] [--market 1000000]

The baseline scenario with 100 000 initial members in the market, k = 10 contacts and
λ = 0.002 a contact a day (λk = 0.02, the baseline's Bass q). Each configuration runs once
after a warm-up run that compiles the kernels."""

import argparse
import time

import sim
from sim.behaviour.network import build_network
from sim.scenario.compiled import compile_rules
from sim.scenario.scaling import resolve

BASELINE = "scenarios/baseline.toml"


def settings(kind: str | None, market: int) -> dict:
    network = {} if kind is None else {
        "population.recruitment": "network", "population.network": kind, "population.contacts_per_member": 10,
        "population.recruit_probability_per_contact_per_day": 0.002}
    return {"population.market_size_members": market, **network}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--market", type=int, default=1_000_000)
    args = parser.parse_args()
    sim.run(BASELINE, members=1_000, days=3, threads=args.threads, settings=settings("erdos_renyi", 20_000))
    print(f"market {args.market:,}, 100 000 initial members, {args.days} days, {args.threads} threads")
    print("recruitment        graph build s  arrivals ms/day  all phases ms/day  joined")
    bass_ms = None
    for kind in (None, "erdos_renyi", "barabasi_albert", "watts_strogatz"):
        scenario = resolve(BASELINE, members=100_000, days=args.days, settings=settings(kind, args.market))
        started = time.perf_counter()
        build_network(compile_rules(scenario))
        build_s = time.perf_counter() - started if kind else 0.0
        result = sim.run(scenario, threads=args.threads)
        arrivals_ms = 1000 * result.timings_seconds["arrivals"] / args.days
        all_ms = 1000 * sum(result.timings_seconds.values()) / args.days
        bass_ms = bass_ms or arrivals_ms
        print(f"{kind or 'bass':18} {build_s:13.2f} {arrivals_ms:16.2f} {all_ms:18.1f}  "
              f"{int(result.daily['members_total'].iloc[-1]):,}  (arrivals × {arrivals_ms / bass_ms:.0f} Bass)")


if __name__ == "__main__":
    main()
