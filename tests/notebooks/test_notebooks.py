"""The notebooks run from top to bottom without an error, on small settings: their
`parameters` cell is replaced (as papermill does) and they are executed by nbclient in a
kernel that imports this checkout."""

import os
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbclient import NotebookClient

from sim.experiments.replicates import run_replicates, save_replicates
from tests.helpers import BASELINE, ROOT, SHRINKING_RUN

NOTEBOOKS = ROOT / "notebooks"
CELL_TIMEOUT_SECONDS = 120


def execute(name: str, parameters: str) -> nbformat.NotebookNode:
    """Run ``notebooks/name`` with its parameters cell replaced by ``parameters``."""
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    (cell,) = [cell for cell in notebook.cells if "parameters" in cell.metadata.get("tags", [])]
    cell.source = parameters
    client = NotebookClient(notebook, timeout=CELL_TIMEOUT_SECONDS, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()
    return notebook


def images(notebook) -> int:
    """How many figures the notebook displayed."""
    return sum("image/png" in output.get("data", {}) for cell in notebook.cells if cell.cell_type == "code"
               for output in cell.outputs)


@pytest.fixture(scope="module")
def replicated_run_dir(tmp_path_factory) -> Path:
    return save_replicates(*run_replicates(BASELINE, 3, processes=2, **SHRINKING_RUN), tmp_path_factory.mktemp("results"))


@pytest.fixture(autouse=True)
def kernel_environment(monkeypatch):
    """The kernel imports this checkout and uses the non-interactive matplotlib backend."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    monkeypatch.setenv("MPLBACKEND", "Agg")


def test_regulator_assessment(replicated_run_dir):
    notebook = execute("regulator_assessment.ipynb", f"RUN_DIR = {str(replicated_run_dir)!r}")
    assert images(notebook) == 4  # solvency, flows, cohorts, ruin
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    text = "".join(output.get("text", "") for cell in code_cells for output in cell.outputs)
    assert "UNSUSTAINABLE" in text


def test_product_parameter_stress():
    notebook = execute("product_parameter_stress.ipynb", "\n".join([
        'SCENARIO = "../scenarios/baseline.toml"',
        'PARAMETER = "rewards.energy_multiple"',
        "VALUES = [0.1, 3.0]",
        "MEMBERS = 500",
        "DAYS = 40",
        'SETTINGS = {"population.market_size_members": 5_000}',
    ]))
    assert images(notebook) == 3  # stress chart, solvency and cohorts of the most stressed value


def test_design_a_scheme(tmp_path):
    notebook = execute("design_a_scheme.ipynb", "\n".join([
        'SCENARIO = "../scenarios/pool_gift_packages.toml"',
        "MEMBERS = 200",
        "DAYS = 15",
        'PARAMETERS = ["rewards.energy_multiple=1.2:5", "release.dividend_pool_share_of_sales=0.05:0.13"]',
        'OBJECTIVES = ["promises_honoured_share:max", "operator_margin:max"]',
        'CONSTRAINTS = ["ruin_probability<=0.05"]',
        "REPLICATES = 2",
        "TRIALS = 2",
        "POPULATION = 2",
        "WORKERS = 1",
        f"OUT = {str(tmp_path)!r}",
        "VERIFY_REPLICATES = 2",
        "VERIFY_SEED = 1_000",
    ]))
    assert images(notebook) == 1  # the Pareto front
    text = "".join(output.get("text", "") for cell in notebook.cells if cell.cell_type == "code"
                   for output in cell.outputs)
    assert "on the Pareto front" in text and "chosen design:" in text and "verified on 2 fresh seeds" in text
    assert (tmp_path / "pool_gift_packages" / "pareto.parquet").is_file()


def test_calibrate_a_case(tmp_path):
    """Issue 16's notebook: calibrate a documented case on its published figures, forecast it
    under orders, compare them (tiny settings: a loose posterior, a few draws)."""
    notebook = execute("calibrate_a_case.ipynb", "\n".join([
        'CASE = "../scenarios/cases/wanjia_gouwu.toml"',
        'OBSERVED = "../scenarios/cases/wanjia_gouwu_observed.csv"',
        "MEMBERS = 100", "PARTICLES = 6", "GENERATIONS = 2", "PREDICTIVE_DRAWS = 3", "DRAWS = 3", "FORECAST_DAYS = 90",
        f"OUT = {str(tmp_path)!r}",
    ]))
    assert images(notebook) == 4  # marginals, predictive check, survival, funding gap
    survival = pd.read_parquet(tmp_path / "forecast" / "wanjia_gouwu" / "survival.parquet")
    assert set(survival["intervention"]) == {"none", "stop_new_members", "freeze_withdrawals:90", "cut_release:0.5",
                                             "sales_only"}
