"""Shared fixtures: paths, small runs, and running the CLI the way a user does."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
BASELINE = SCENARIOS / "baseline.toml"
SHIPPED_SCENARIOS = sorted(SCENARIOS.glob("**/*.toml"))


def run_cli(*args, env_extra: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``circsim ARGS`` in a subprocess (as ``python -m sim``) and capture its output."""
    env = dict(os.environ, **(env_extra or {}))
    return subprocess.run(
        [sys.executable, "-m", "sim", *map(str, args)],
        capture_output=True, text=True, cwd=cwd or ROOT, env=env, timeout=900, check=False,
    )


@pytest.fixture
def baseline_path() -> Path:
    return BASELINE


@pytest.fixture
def scenario_dir(tmp_path: Path) -> Path:
    """A folder to write scenario files into."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    return folder
