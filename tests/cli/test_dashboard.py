"""`circsim dashboard`: bad input is one line and exit status 2, and every slider of the Mesa
page gives a model that runs. The pages in a real browser are tested in test_workbench.py."""

import pytest

from tests.helpers import assert_rejected, run_cli


@pytest.mark.parametrize("args, expected", [
    (["missing.toml"], "missing.toml: file: not found"),
    (["--port", "70000"], "--port: must be at most 65535"),
    (["--members", "0"], "--members: must be at least 1"),
    (["--out", "pyproject.toml"], "--out pyproject.toml: exists and is not a folder"),
    (["--studies", "no_such_folder"], "--studies no_such_folder: not a folder"),
])
def test_bad_dashboard_input_is_one_line_and_exit_2(args, expected):
    assert_rejected(run_cli("dashboard", *args), expected)


# Mesa 3.3's own ComponentsView breaks solara's rules of hooks; solara warns on import
@pytest.mark.filterwarnings("ignore:Failed to validate hooks for component ComponentsView:UserWarning")
def test_slider_ranges_make_valid_models():
    """Every slider, at either end of its range, gives a scenario the model accepts."""
    from sim.dashboard.model import CircularPurchaseModel
    from sim.dashboard.page import model_parameters
    from sim.scenario.loading import load_scenario
    from tests.helpers import SHIPPED_SCENARIOS

    for path in SHIPPED_SCENARIOS:
        parameters = model_parameters(str(path), load_scenario(path), members=500)
        sliders = {name: spec for name, spec in parameters.items() if isinstance(spec, dict)}
        for end in ("min", "max"):
            chosen = {name: spec[end] for name, spec in sliders.items()}
            model = CircularPurchaseModel(parameters["scenario"], days=1, **{**chosen, "members": 500})
            model.step()
