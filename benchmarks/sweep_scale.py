"""Scale of a sweep: points per second and memory of the parent and its workers.

Runs a sweep file (default ``sweeps/baseline_lhs_200.toml``: 200 points x 4 replicates
of the baseline at 10 000 members for 90 days) into a fresh folder and samples, twice a
second, the resident memory (RSS) of this process and of every process it started (the
local workers, or the Dask scheduler, nanny and worker processes). It prints points per
second, the peak RSS over all the runs and over their first and second halves, and the RSS
at each tenth of the runs, so that one can see whether memory stays flat while the
dataset grows.

    .venv/bin/python benchmarks/sweep_scale.py [SWEEP.toml] [--workers N] [--executor dask]
"""

import argparse
import tempfile
import threading
import time
from pathlib import Path

import psutil
import pyarrow.parquet as pq

from sim.experiments.sweep_design import load_sweep
from sim.experiments.sweep_runner import run_sweep
from sim.experiments.sweep_store import SUMMARY

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_SECONDS = 0.5
MIB = 2**20


def rss_bytes(process: psutil.Process) -> tuple[int, int]:
    """RSS of ``process`` and the sum over all its descendants."""
    children = 0
    for child in process.children(recursive=True):
        try:
            children += child.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return process.memory_info().rss, children


def runs_on_disk(folder: Path) -> int:
    """Runs written so far (summary rows), read from the part files' metadata."""
    return sum(pq.read_metadata(part).num_rows for part in folder.glob(f"{SUMMARY}/part-*.parquet"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sweep", type=Path, nargs="?", default=ROOT / "sweeps" / "baseline_lhs_200.toml")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--executor", choices=("local", "dask"), default="local")
    args = parser.parse_args()

    plan = load_sweep(args.sweep)
    samples: list[tuple[float, int, int, int]] = []  # seconds, parent RSS, workers' RSS, runs on disk
    stop = threading.Event()
    with tempfile.TemporaryDirectory() as out:
        folder = Path(out) / plan.name

        def sample() -> None:
            me, started = psutil.Process(), time.perf_counter()
            while not stop.wait(SAMPLE_SECONDS):
                parent, children = rss_bytes(me)
                samples.append((time.perf_counter() - started, parent, children, runs_on_disk(folder)))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        report = run_sweep(plan, out, executor=args.executor, workers=args.workers)
        stop.set()
        sampler.join()

    base = plan.base
    print(f"{args.sweep.name}: {len(plan.points)} points x {plan.replicates} replicates = {plan.runs} runs, "
          f"{base.population.initial_members:,} initial members, {base.run.days} days, "
          f"executor {args.executor}, {args.workers or 'one per core'} workers")
    print(f"wall time        {report.wall_seconds:.1f} s (executor start and stop included)")
    print(f"points/s         {report.points_per_second:.2f}   (runs/s {report.runs_now / report.wall_seconds:.2f})")
    for label, part in (("all runs", samples), ("first half", [s for s in samples if s[3] <= plan.runs // 2]),
                        ("second half", [s for s in samples if s[3] > plan.runs // 2])):
        peak = max(part, key=lambda s: s[1] + s[2])
        print(f"peak RSS, {label:<11}  parent {max(s[1] for s in part) / MIB:.0f} MiB, "
              f"workers together {max(s[2] for s in part) / MIB:.0f} MiB, "
              f"all {(peak[1] + peak[2]) / MIB:.0f} MiB (at {peak[0]:.0f} s, {peak[3]} runs on disk)")
    print("RSS as the runs complete (MiB):  runs done   parent   workers")
    for tenth in range(1, 11):
        at = next((s for s in samples if s[3] >= tenth * plan.runs // 10), samples[-1])
        print(f"{at[3]:>43,} {at[1] / MIB:8.0f} {at[2] / MIB:9.0f}")


if __name__ == "__main__":
    main()
