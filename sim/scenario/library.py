"""Where the scenario library is: shipped inside the package (``sim/scenarios``, package data;
in a checkout a link to ``scenarios/``), so default scenario paths resolve here and not
against the current folder, and every command and page works from any folder."""

from pathlib import Path

SCENARIO_LIBRARY = Path(__file__).resolve().parents[1] / "scenarios"
"""The folder of the shipped scenarios (``scenarios/validation/`` below it)."""
BASELINE_SCENARIO = SCENARIO_LIBRARY / "baseline.toml"
"""The scenario a command or page uses when none is named."""
