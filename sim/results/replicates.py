"""Reading the replicate table (``replicates.parquet``) a replicated run saves beside its
run folder; running replicates lives in ``sim.experiments.replicates``."""

from pathlib import Path

import pandas as pd

REPLICATES_FILE = "replicates.parquet"


def load_replicates(run_dir: str | Path) -> pd.DataFrame | None:
    """The replicates table of a run folder, or None when the run has no replicates."""
    path = Path(run_dir) / REPLICATES_FILE
    return pd.read_parquet(path) if path.exists() else None


def collapse_days(table: pd.DataFrame) -> list[int | None]:
    """Each replicate's collapse day (None when it did not collapse)."""
    return [None if pd.isna(day) else int(day) for day in table["collapse_day"]]
