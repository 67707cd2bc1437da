"""Loading and playing scheduled events costs time linear in their number.

    python benchmarks/events_scale.py [--members 10000] [--days 10000] [--events 10000]

Writes a scenario that extends the baseline with one event a day (a published daily series
replayed as events changes a field every day), then times loading it and running it against
the same scenario without events, in this one process, alternately. The issue's goal: with
10 000 events over 10 000 days, within 2× of the run without events.
"""

import argparse
import tempfile
import time
from pathlib import Path

import tomli_w

from sim import load_scenario, run

ROOT = Path(__file__).resolve().parents[1]


def scenario_files(folder: Path, days: int, events: int) -> tuple[Path, Path]:
    """The baseline over ``days`` days without events, and with ``events`` daily events that
    set the purchase probability (the same value as the baseline's, so both runs do equal work)."""
    base = (ROOT / "scenarios" / "baseline.toml").resolve()
    probability = load_scenario(base).purchases.purchase_probability_per_day
    common = {"run": {"days": days, "stop_on_collapse": False}}
    plain, scheduled = folder / "plain.toml", folder / "scheduled.toml"
    plain.write_text(f'extends = "{base}"\n' + tomli_w.dumps(common))
    timeline = [{"day": day * days // events, "set": {"purchases.purchase_probability_per_day": probability}}
                for day in range(events)]
    scheduled.write_text(f'extends = "{base}"\n' + tomli_w.dumps({**common, "events": timeline}))
    return plain, scheduled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=2_000)
    parser.add_argument("--days", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        plain, scheduled = scenario_files(Path(folder), args.days, args.events)
        started = time.perf_counter()
        load_scenario(scheduled)
        print(f"load {args.events:,} events: {time.perf_counter() - started:.2f} s")
        run(plain, members=1_000, days=5)  # compile the kernels before timing
        timings = {"without events": [], "with events": []}
        for _ in range(args.repeats):
            for label, path in (("without events", plain), ("with events", scheduled)):
                started = time.perf_counter()
                run(path, members=args.members)
                timings[label].append(time.perf_counter() - started)
    for label, seconds in timings.items():
        print(f"run {args.members:,} members x {args.days:,} days {label}: "
              + ", ".join(f"{s:.1f} s" for s in seconds))
    ratio = min(timings["with events"]) / min(timings["without events"])
    print(f"ratio with / without events (fastest of each): {ratio:.2f}")


if __name__ == "__main__":
    main()
