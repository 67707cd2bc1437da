"""Run results as data: ``RunResult`` in memory, and ``<out>/<scenario>/<run_id>/`` on
disk (Parquet + JSON + the resolved scenario), written atomically and loadable without
running anything."""

import json
import os
import platform
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

import pandas as pd

from sim.record import DAILY_COLUMNS, FLOAT_COLUMNS, member_net_cents
from sim.params import Scenario
from sim.scenario import load_scenario, to_toml

RESULT_FILES = ("daily.parquet", "ledger.parquet", "members.parquet", "summary.json", "scenario.toml", "manifest.json")


TEMPORARY_SUFFIX = ".tmp"
"""``write_atomic`` writes ``.<name>.tmp`` first; a leftover one is an interrupted write."""


def write_atomic(path: Path, write) -> None:
    """Call ``write(temporary_path)``, then rename the result to ``path``: the file is
    complete or absent, never half-written."""
    temporary = path.with_name(f".{path.name}{TEMPORARY_SUFFIX}")
    try:
        write(temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def package_version() -> str:
    """Installed version of circsim, or "unknown" when running from a bare checkout."""
    try:
        return metadata.version("circsim")
    except metadata.PackageNotFoundError:
        return "unknown"


def git_commit() -> str | None:
    """The commit of the checkout the package runs from, if it is one."""
    try:
        completed = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=Path(__file__).parent,
            capture_output=True, text=True, timeout=5, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return completed.stdout.strip() or None


def build_manifest(scenario_digest: str, seed: int, threads: int, wall_seconds: float,
                   member_days: int, validated: bool) -> dict:
    """Provenance of a run: versions, commit, scenario hash, seed, threads, speed."""
    return {
        "package_version": package_version(),
        "git_commit": git_commit(),
        "python_version": platform.python_version(),
        "numba_version": metadata.version("numba"),
        "scenario_hash": scenario_digest,
        "seed": seed,
        "threads": threads,
        "validated": validated,
        "created_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "wall_seconds": round(wall_seconds, 3),
        "member_days_per_second": round(member_days / wall_seconds) if wall_seconds > 0 else None,
    }


def daily_frame(rows: list[dict]) -> pd.DataFrame:
    """The daily rows as a DataFrame with fixed column order and dtypes."""
    frame = pd.DataFrame(rows, columns=list(DAILY_COLUMNS))
    types = {column: ("float64" if column in FLOAT_COLUMNS else "int64") for column in DAILY_COLUMNS}
    types["insolvent"] = "bool"
    return frame.astype(types)


def build_members_frame(members, goods_value_ppm: int) -> pd.DataFrame:
    """Final per-member outcomes (cohort analysis reads this)."""
    return pd.DataFrame(copy=False, data={
        "join_day": members.view("join_day"),
        "status": members.view("status"),
        "new_money_cents": members.view("new_money_cents"),
        "goods_cents": members.view("goods_cents"),
        "withdrawn_cents": members.view("withdrawn_cents"),
        "balance_cents": members.view("balance_cents"),
        "queued_cents": members.view("queued_cents"),
        "energy_cents": members.view("energy_cents"),
        "level": members.view("level"),
        "referrer": members.view("referrer"),
        "direct_referrals": members.view("direct_referrals"),
        "net_cents": member_net_cents(members, goods_value_ppm),
    })


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
        parent = Path(out_dir) / self.scenario.name
        parent.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
        base_id = f"{stamp}-{self.manifest['scenario_hash'][:8]}-s{self.scenario.run.seed}"
        temporary = parent / f".{base_id}.partial-{os.getpid()}"
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
