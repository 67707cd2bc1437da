"""Run results as data: ``RunResult`` in memory, and ``<out>/<scenario>/<run_id>/`` on
disk (Parquet + JSON + the resolved scenario), written atomically and loadable without
running anything."""

import json
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from sim.results.files import folder_inside, partial_folder, remove_abandoned_partials
from sim.scenario.loading import load_scenario, to_toml
from sim.scenario.params import Scenario

RESULT_FILES = ("daily.parquet", "ledger.parquet", "members.parquet", "summary.json", "scenario.toml", "manifest.json")


@dataclass
class RunResult:
    """One simulated history: ``daily`` (one row per day), ``ledger`` (flows per day,
    account pair and reason), ``members`` (final outcomes), ``summary`` and ``manifest``."""

    scenario: Scenario
    daily: pd.DataFrame
    ledger: pd.DataFrame
    members: pd.DataFrame
    summary: dict
    manifest: dict
    timings_seconds: dict = field(default_factory=dict)
    state_bytes_per_member: int = 0
    peak_state_bytes: int = 0

    def save(self, out_dir: str | Path = "results") -> Path:
        """Write ``out_dir/<scenario>/<run_id>/`` atomically (temporary name, then rename)."""
        parent = folder_inside(out_dir, self.scenario.name)
        parent.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        base_id = f"{stamp}-{self.manifest['scenario_hash'][:8]}-s{self.scenario.run.seed}"
        remove_abandoned_partials(parent)
        temporary = partial_folder(parent, base_id)
        shutil.rmtree(temporary, ignore_errors=True)
        temporary.mkdir()
        try:
            self.daily.to_parquet(temporary / "daily.parquet", index=False)
            self.ledger.to_parquet(temporary / "ledger.parquet", index=False)
            self.members.to_parquet(temporary / "members.parquet", index=False)
            (temporary / "summary.json").write_text(json.dumps(self.summary, indent=2) + "\n")
            (temporary / "scenario.toml").write_text(to_toml(self.scenario))
            manifest = {**self.manifest, "run_id": None}
            for attempt in range(1000):
                run_id = base_id if attempt == 0 else f"{base_id}-{attempt}"
                if not (parent / run_id).exists():
                    break
            manifest["run_id"] = run_id
            (temporary / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
            temporary.rename(parent / run_id)
        except BaseException:
            shutil.rmtree(temporary, ignore_errors=True)
            raise
        self.manifest = manifest
        return parent / run_id


def load_result(run_dir: str | Path) -> RunResult:
    """Read a saved run back (no simulation involved)."""
    run_dir = Path(run_dir)
    return RunResult(
        scenario=load_scenario(run_dir / "scenario.toml"),
        daily=pd.read_parquet(run_dir / "daily.parquet"),
        ledger=pd.read_parquet(run_dir / "ledger.parquet"),
        members=pd.read_parquet(run_dir / "members.parquet"),
        summary=json.loads((run_dir / "summary.json").read_text()),
        manifest=json.loads((run_dir / "manifest.json").read_text()),
    )
