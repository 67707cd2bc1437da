"""Shared fixtures. What test modules import (paths, running the CLI, small settings,
member tables) lives in tests/helpers.py; the paths and ``run_cli`` are also named here
so that a module still importing them from conftest keeps working."""

from pathlib import Path

import pytest

from tests.helpers import BASELINE, ROOT, SCENARIOS, SHIPPED_SCENARIOS, run_cli  # noqa: F401


@pytest.fixture
def baseline_path() -> Path:
    return BASELINE


@pytest.fixture
def scenario_dir(tmp_path: Path) -> Path:
    """A folder to write scenario files into."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    return folder
