"""`circsim calibrate`: speed, the effect of the scaled-down population, and coverage.

    .venv/bin/python benchmarks/calibration.py speed      # simulations/s: calibration vs plain runs
    .venv/bin/python benchmarks/calibration.py scaling    # truth at 200 000 members, fitted at 5 000 and 50 000
    .venv/bin/python benchmarks/calibration.py coverage   # ten synthetic datasets: is the truth in the 90 % interval?

Results are printed (one line each) for benchmarks/README.md, section "Calibration".
Synthetic observations: the shipped baseline (scenarios/baseline.toml) with known values of
the Bass imitation rate q and the daily purchase probability (both intensive: they do not
grow with the population), members and cumulative sales every 10 days.
"""

import argparse
import tempfile
import time
from pathlib import Path

import pandas as pd

from sim.engine.simulation import run
from sim.experiments.calibrate import CalibrationSetup, calibrate, parse_parameter
from sim.results.observed import load_observed
from sim.scenario.loading import replace
from sim.scenario.scaling import resolve

BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.toml"
TRUTH = {"population.bass_imitation_per_day": 0.03, "purchases.purchase_probability_per_day": 0.08}
PRIORS = ("population.bass_imitation_per_day=0.005:0.08", "purchases.purchase_probability_per_day=0.01:0.2")


def observations(folder: Path, members: int, days: int, seed: int, truth=TRUTH, every: int = 10) -> Path:
    """Members and cumulative sales every ``every`` days of a run at ``members`` with the true
    values, written as a wide CSV in the scenario's own population (divided by members /
    100 000, as a platform at the scenario's size would publish them)."""
    full = resolve(BASELINE)
    scenario = resolve(full, days=days, members=members, seed=seed, settings=truth)
    daily = run(scenario, threads=1).daily
    factor = full.population.initial_members / members
    figures = pd.DataFrame({"day": daily["day"], "members_total": (daily["members_total"] * factor).round(),
                            "cumulative_sales_cents": (daily["sales_cents"].cumsum() * factor).round()})
    path = folder / f"observed_{members}_{seed}.csv"
    figures[figures["day"] % every == every - 1].to_csv(path, index=False)
    return path


def calibrated(path: Path, members: int, days: int, particles: int, generations: int, seed: int, priors=PRIORS,
               workers: int = 1):
    """Calibrate the baseline played at ``members`` to the observations at ``path``."""
    full = resolve(BASELINE, seed=seed)
    scenario = resolve(full, days=days, members=members)
    scenario = replace(scenario, {"run.stop_on_collapse": False})
    observed = load_observed(path, scenario)
    setup = CalibrationSetup(scenario, [parse_parameter(text, scenario) for text in priors], observed,
                             members / full.population.initial_members, members, seed)
    history = path.parent / f"history_{members}_{seed}_{time.monotonic_ns()}.db"
    return calibrate(setup, history, particles=particles, generations=generations, workers=workers)


def plain_runs_per_second(members: int, days: int, count: int) -> float:
    """Plain runs of the baseline (truth values) per second, one thread, after a warm-up run."""
    scenario = resolve(BASELINE, days=days, members=members, settings=TRUTH)
    run(scenario, threads=1)
    started = time.perf_counter()
    for seed in range(count):
        run(replace(scenario, {"run.seed": seed}), threads=1)
    return count / (time.perf_counter() - started)


def speed(folder: Path, args) -> None:
    path = observations(folder, 100_000, args.days, seed=1)
    plain = plain_runs_per_second(args.members, args.days, 20)
    calibration = calibrated(path, args.members, args.days, args.particles, args.generations, seed=2,
                             workers=args.workers)
    simulations = calibration.history.total_nr_simulations
    sustained = simulations / calibration.wall_seconds
    print(f"speed: baseline at {args.members:,} members x {args.days} days, {args.particles} particles, "
          f"{args.generations} generations, {args.workers} worker(s): {simulations} simulations in "
          f"{calibration.wall_seconds:.1f} s = {sustained:.2f}/s; plain runs {plain:.2f}/s; ratio {sustained / plain:.2f}")
    for name, interval in calibration.intervals().items():
        print(f"  {name}: truth {TRUTH[name]}, median {interval['median']:.4g}, 90 % "
              f"[{interval['lower']:.4g}, {interval['upper']:.4g}], {interval['width_share_of_prior']:.0%} of the prior")


def scaling(folder: Path, args) -> None:
    path = observations(folder, args.truth_members, args.days, seed=1)
    for members in args.scales:
        calibration = calibrated(path, members, args.days, args.particles, args.generations, seed=2)
        print(f"scaling: truth at {args.truth_members:,} members, fitted at {members:,} "
              f"({calibration.history.total_nr_simulations} simulations, {calibration.wall_seconds:.0f} s):")
        for name, interval in calibration.intervals().items():
            print(f"  {name}: truth {TRUTH[name]}, median {interval['median']:.4g}, 90 % "
                  f"[{interval['lower']:.4g}, {interval['upper']:.4g}], {interval['width_share_of_prior']:.0%} "
                  "of the prior")


def coverage(folder: Path, args) -> None:
    name = "population.bass_imitation_per_day"
    covered = 0
    for dataset in range(args.datasets):
        truth = 0.01 + 0.005 * dataset  # ten true rates across the prior 0.001 .. 0.08
        path = observations(folder, args.members, args.days, seed=100 + dataset, truth={name: truth}, every=6)
        calibration = calibrated(path, args.members, args.days, args.particles, args.generations, seed=7,
                                 priors=(f"{name}=0.001:0.08",))
        interval = calibration.intervals()[name]
        inside = interval["lower"] <= truth <= interval["upper"]
        covered += inside
        print(f"  dataset {dataset}: truth {truth:.3f}, 90 % [{interval['lower']:.4f}, {interval['upper']:.4f}] "
              f"({interval['width_share_of_prior']:.0%} of the prior) {'covered' if inside else 'MISSED'}", flush=True)
    print(f"coverage: {covered} of {args.datasets} datasets have the truth inside the 90 % interval "
          f"({args.members} members, {args.days} days, {args.particles} particles, {args.generations} generations)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", choices=("speed", "scaling", "coverage"))
    parser.add_argument("--members", type=int, default=5_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--particles", type=int, default=40)
    parser.add_argument("--generations", type=int, default=4)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--truth-members", type=int, default=200_000)
    parser.add_argument("--scales", type=int, nargs="+", default=[5_000, 50_000])
    parser.add_argument("--datasets", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        {"speed": speed, "scaling": scaling, "coverage": coverage}[args.part](Path(folder), args)


if __name__ == "__main__":
    main()
