"""notebooks/sensitivity_study.ipynb runs end to end: a small Sobol sweep, its dataset,
and the indices table and charts."""

import shutil

import nbformat
from nbclient import NotebookClient

from sim.experiments.sweep_store import load_summary
from tests.helpers import BASELINE, ROOT

NOTEBOOK = ROOT / "notebooks" / "sensitivity_study.ipynb"
SWEEP = ROOT / "sweeps" / "shortfall_sobol.toml"


def test_sensitivity_notebook_runs_end_to_end(tmp_path):
    # the notebook finds sweeps/ and writes results/ next to its folder: give it a copy of the layout
    for source, folder in ((NOTEBOOK, "notebooks"), (SWEEP, "sweeps"), (BASELINE, "scenarios")):
        (tmp_path / folder).mkdir(exist_ok=True)
        shutil.copy(source, tmp_path / folder / source.name)
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path / "notebooks")}}).execute()
    outputs = ["".join(output.get("text", "") + output.get("data", {}).get("text/plain", "")
                       for output in cell.get("outputs", [])) for cell in notebook.cells if cell.cell_type == "code"]
    assert "80 points x 1 replicate(s) = 80 runs" in outputs[0]
    assert "80 runs now, 0 already on disk" in outputs[1]
    assert "S1" in outputs[4] and "platform.fixed_cost_cents_per_day" in outputs[4]
    images = [o for cell in notebook.cells for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(images) == 3  # scatter, collapse-day indices, ruin-probability indices
    assert len(load_summary(tmp_path / "results" / "sweeps" / "shortfall_sobol")) == 80  # the dataset is on disk
