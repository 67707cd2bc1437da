"""Where a result came from: the package version, the git commit and the run manifest."""

import platform
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path


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
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "wall_seconds": round(wall_seconds, 3),
        "member_days_per_second": round(member_days / wall_seconds) if wall_seconds > 0 else None,
    }
