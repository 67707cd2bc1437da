"""Reading a run folder back, checked: every result file present and holding the columns
the analysis reads, or one clear ``RunFolderError``."""

from pathlib import Path

import pandas as pd

from sim.core.errors import InputError
from sim.results.replicates import load_replicates
from sim.results.run_result import RESULT_FILES, RunResult, load_result

REQUIRED_COLUMNS = {
    "daily.parquet": (
        "day", "members_total", "members_active", "merchants_active", "sales_cents", "new_money_cents",
        "concession_cents", "merchant_paid_cents", "pool_inflow_cents", "energy_granted_cents", "released_cents",
        "withdrawn_cents", "platform_cash_cents", "hard_liabilities_cents", "contingent_liabilities_cents",
        "coverage_ratio", "coverage_ratio_all", "insolvent",
    ),
    "ledger.parquet": ("day", "from_account", "to_account", "reason", "amount_cents"),
    "members.parquet": ("join_day", "new_money_cents", "withdrawn_cents", "net_cents"),
}
"""The columns the analysis reads, per file (other columns are allowed and ignored)."""


class RunFolderError(InputError):
    """A run folder that cannot be read: missing, not a folder, or missing results."""


def run_folders_inside(folder: Path) -> list[Path]:
    """Run folders directly inside ``folder`` (to suggest one when given their parent)."""
    return sorted(p for p in folder.iterdir() if p.is_dir() and (p / "daily.parquet").is_file())


def read_run(run_dir: Path) -> tuple[RunResult, pd.DataFrame | None]:
    """Load a run folder and its replicates table (None without replicates) for the
    report, or raise ``RunFolderError`` saying what is wrong."""
    if not run_dir.exists():
        raise RunFolderError(f"{run_dir}: not found")
    if not run_dir.is_dir():
        raise RunFolderError(f"{run_dir}: is not a folder")
    missing = [name for name in RESULT_FILES if not (run_dir / name).is_file()]
    if missing:
        runs = run_folders_inside(run_dir)
        hint = f"; it holds {len(runs)} run folder(s), e.g. {runs[-1]}" if runs else ""
        raise RunFolderError(
            f"{run_dir}: not a run folder written by `circsim run` (missing {', '.join(missing)}){hint}")
    try:
        result = load_result(run_dir)
        replicates = load_replicates(run_dir)
    except (OSError, ValueError) as err:
        reason = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise RunFolderError(f"{run_dir}: results cannot be read ({reason})") from None
    tables = {"daily.parquet": result.daily, "ledger.parquet": result.ledger, "members.parquet": result.members}
    for name, columns in REQUIRED_COLUMNS.items():
        absent = [column for column in columns if column not in tables[name].columns]
        if absent:
            raise RunFolderError(f"{run_dir / name}: missing column(s) {', '.join(absent)}")
    if result.daily.empty:
        raise RunFolderError(f"{run_dir / 'daily.parquet'}: has no days")
    return result, replicates
