"""`circsim sensitivity` is reproducible: SALib's bootstrap confidence intervals are
seeded from the dataset (its sweep digest and the metric), so analysing the same dataset
twice gives the same intervals and the command writes the same files byte for byte.

(SALib's ``sobol.analyze`` ignores a seed of 0 and then draws from NumPy's global
generator: the seed used to be 0, and the intervals changed from run to run.)"""

import math

import numpy as np
import pandas as pd
import pytest

from sim.experiments.sensitivity import analyze_sweep, bootstrap_seed, morris_indices, sobol_indices
from sim.experiments.sweep_design import design_matrix, load_sweep, salib_problem
from sim.experiments.sweep_store import SweepStore, read_manifest
from tests.helpers import BASELINE, run_cli

RANGES = {"rewards.energy_multiple": (1.0, 5.0), "purchases.goods_value_ratio": (0.2, 1.0)}


def sweep_text(design, samples, seed=5):
    parameters = "".join(f'[[parameters]]\npath = "{path}"\nlow = {low}\nhigh = {high}\n'
                         for path, (low, high) in RANGES.items())
    return (f'scenario = "{BASELINE}"\ndays = 10\nmembers = 300\ndesign = "{design}"\nsamples = {samples}\n'
            f"design_seed = {seed}\n{parameters}")


def synthetic_dataset(tmp_path, design, samples, seed=5):
    """A finished sweep dataset whose runs report a nonlinear ``synthetic`` metric of their
    point instead of a simulation's output (no engine run: the analysis is what is tested)."""
    path = tmp_path / f"{design}-{seed}.toml"
    path.write_text(sweep_text(design, samples, seed))
    plan = load_sweep(path)
    store = SweepStore.open(tmp_path / f"out-{seed}", plan)
    rows = [{"point": point, "replicate": 0, "horizon_days": 10, "collapse_day": None, **values,
             "synthetic": math.sin(3 * values["rewards.energy_multiple"]) * values["purchases.goods_value_ratio"] ** 2
             + values["purchases.goods_value_ratio"]}
            for point, values in enumerate(plan.points)]
    store.write_part(rows, [])
    return store.folder


@pytest.mark.parametrize("design, samples, conf", [("sobol", 64, "ST_conf"), ("morris", 10, "mu_star_conf")])
def test_same_dataset_gives_the_same_intervals(tmp_path, design, samples, conf):
    folder = synthetic_dataset(tmp_path, design, samples)
    np.random.seed(1)  # NumPy's global generator: what SALib draws from when it is not seeded
    first = analyze_sweep(folder, "synthetic")
    np.random.seed(2)
    second = analyze_sweep(folder, "synthetic")
    assert (first[conf] > 0).all()
    pd.testing.assert_frame_equal(first, second, check_exact=True)


def test_bootstrap_seed_comes_from_the_dataset_and_the_metric(tmp_path):
    manifest = read_manifest(synthetic_dataset(tmp_path, "sobol", 8))
    other = read_manifest(synthetic_dataset(tmp_path, "sobol", 8, seed=6))
    seed = bootstrap_seed(manifest, "synthetic")
    assert seed > 0 and seed == bootstrap_seed(dict(manifest), "synthetic")
    assert bootstrap_seed(manifest, "collapse_day") != seed
    assert bootstrap_seed(other, "synthetic") != seed  # another design seed: other points, another digest
    assert bootstrap_seed({**manifest, "created_utc": "another time"}, "synthetic") == seed


def test_seed_reaches_salib():
    """Other seeds give other intervals (the seed is passed on), the same seed the same ones;
    0, which SALib's Sobol analysis would ignore, is refused."""
    from sim.experiments.sweep_design import Sweep

    for design, samples, analyse, conf in (("sobol", 64, sobol_indices, "S1_conf"),
                                           ("morris", 10, morris_indices, "mu_star_conf")):
        sweep = Sweep.model_validate({"scenario": "unused.toml", "design": design, "samples": samples,
                                      "parameters": [{"path": "a", "low": 0.0, "high": 1.0},
                                                     {"path": "b", "low": 0.0, "high": 2.0}]})
        inputs = design_matrix(sweep)
        outputs = np.sin(3 * inputs[:, 0]) * inputs[:, 1] ** 2 + inputs[:, 1]
        problem = salib_problem(sweep)
        arguments = (problem, outputs) if design == "sobol" else (problem, inputs, outputs)
        np.random.seed(1)
        one = analyse(*arguments, seed=11)
        np.random.seed(2)
        pd.testing.assert_frame_equal(analyse(*arguments, seed=11), one, check_exact=True)
        assert not np.array_equal(analyse(*arguments, seed=12)[conf], one[conf]), design
        with pytest.raises(ValueError, match="positive"):
            analyse(*arguments, seed=0)


def test_sensitivity_command_writes_the_same_files_twice(tmp_path):
    """A small sobol sweep run by `circsim sweep`, analysed twice by `circsim sensitivity`
    into two folders: the CSV table and the PNG chart are byte-identical."""
    path = tmp_path / "sobol.toml"
    path.write_text(sweep_text("sobol", 4).replace("design_seed = 5\n", ""))
    out = tmp_path / "out"
    assert run_cli("sweep", path, "--out", out, "--workers", 1).returncode == 0
    written = []
    for attempt in ("first", "second"):
        completed = run_cli("sensitivity", out / "sobol", "--metric", "share_members_losing", "--out",
                            tmp_path / attempt)
        assert completed.returncode == 0, completed.stderr
        written.append({name: (tmp_path / attempt / f"sensitivity-share_members_losing.{name}").read_bytes()
                        for name in ("csv", "png")})
    assert written[0] == written[1]
    table = pd.read_csv(tmp_path / "first" / "sensitivity-share_members_losing.csv", index_col="parameter")
    assert table.columns.tolist() == ["S1", "S1_conf", "ST", "ST_conf"]
