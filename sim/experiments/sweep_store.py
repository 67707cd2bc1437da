"""A sweep's dataset on disk, written while the sweep runs.

``<out>/<name>/`` holds ``scenario.toml`` (the resolved base scenario), ``sweep.json``
(the sweep as asked, its digest and provenance), ``summary/part-NNNNN.parquet`` (one row
per point × replicate) and, when the sweep keeps daily rows, ``daily/part-NNNNN.parquet``
(one row per point × replicate × day). Together the part files of a folder are one
Parquet dataset: ``pd.read_parquet(folder / "summary")`` reads it, ``load_summary`` too,
with consistent column types and ordered by point and replicate.

Each part is written under a temporary name and renamed, the daily part before the
summary part of the same number: a run counts as done once its summary row is on disk.
Opening the folder again (resume) removes what an interruption left half-written and
``done`` says which runs to skip.
"""

import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from sim.experiments.sweep_design import SweepError, SweepPlan
from sim.results.files import TEMPORARY_SUFFIX, folder_inside, write_atomic
from sim.results.provenance import git_commit, package_version
from sim.scenario.loading import to_toml

MANIFEST = "sweep.json"
SUMMARY = "summary"
DAILY = "daily"
KEYS = ["point", "replicate"]
NONE_IN_EVERY_ROW_TYPES = {"collapse_day": pa.int64()}
"""Type of a summary column whose values are all None in a part; any other is a float."""


def _part_index(path: Path) -> int:
    return int(path.stem.removeprefix("part-"))


class SweepStore:
    """The dataset folder of one sweep; ``open`` it, ``write_part`` as runs finish."""

    def __init__(self, folder: Path):
        self.folder = folder
        parts = _parts(folder / SUMMARY)
        self.next_part = _part_index(parts[-1]) + 1 if parts else 0

    @classmethod
    def open(cls, out_dir: str | Path, plan: SweepPlan) -> "SweepStore":
        """The folder ``out_dir/<name>/`` of ``plan``: created, or — when it holds an earlier
        (interrupted) run of the same sweep — cleaned of half-written files to resume.
        Raises ``SweepError`` when it holds something else."""
        folder = folder_inside(out_dir, plan.name)
        manifest_path = folder / MANIFEST
        if manifest_path.is_file():
            if json.loads(manifest_path.read_text())["digest"] != plan.digest():
                raise SweepError([f"{folder}: {MANIFEST}: holds a different sweep (the sweep file, its scenario "
                                  "or its points changed); remove the folder or choose another --out"])
        elif folder.exists() and any(folder.iterdir()):
            raise SweepError([f"{folder}: folder: exists and holds no sweep dataset"])
        else:
            (folder / SUMMARY).mkdir(parents=True, exist_ok=True)
            if plan.sweep.daily:
                (folder / DAILY).mkdir()
            write_atomic(folder / "scenario.toml", lambda path: path.write_text(to_toml(plan.base)))
            manifest = _manifest(plan)
            write_atomic(manifest_path, lambda path: path.write_text(json.dumps(manifest, indent=2) + "\n"))
        _remove_unfinished(folder)
        return cls(folder)

    def done(self, points: int, replicates: int) -> np.ndarray:
        """Which (point, replicate) runs are on disk, as a boolean array points × replicates."""
        done = np.zeros((points, replicates), dtype=bool)
        for part in _parts(self.folder / SUMMARY):
            keys = pq.read_table(part, columns=KEYS)
            done[keys["point"].to_numpy(), keys["replicate"].to_numpy()] = True
        return done

    def write_part(self, summary_rows: list[dict], daily_frames: list[pd.DataFrame]) -> None:
        """Write one part: the daily rows (if kept) first, then the summary rows."""
        name = f"part-{self.next_part:05d}.parquet"
        if daily_frames:
            daily = pd.concat(daily_frames, ignore_index=True)
            write_atomic(self.folder / DAILY / name, lambda path: daily.to_parquet(path, index=False))
        summary = _typed(pa.Table.from_pylist(summary_rows))
        write_atomic(self.folder / SUMMARY / name, lambda path: pq.write_table(summary, path))
        self.next_part += 1


def _typed(table: pa.Table) -> pa.Table:
    """``table`` with a concrete type for columns that are None in every row of this part
    (a day for ``collapse_day``, otherwise a ratio), so that every part has the same schema
    and any Parquet reader reads the folder as one dataset."""
    fields = [pa.field(f.name, NONE_IN_EVERY_ROW_TYPES.get(f.name, pa.float64())) if pa.types.is_null(f.type) else f
              for f in table.schema]
    return table.cast(pa.schema(fields))


def _manifest(plan: SweepPlan) -> dict:
    return {
        "name": plan.name,
        "digest": plan.digest(),
        "points": len(plan.points),
        "replicates": plan.replicates,
        "runs": plan.runs,
        "base_seed": plan.base_seed,
        "swept_paths": plan.swept_paths,
        "sweep": plan.sweep.model_dump(mode="json"),
        "package_version": package_version(),
        "git_commit": git_commit(),
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _parts(folder: Path) -> list[Path]:
    return sorted(folder.glob("part-*.parquet"))


def _remove_unfinished(folder: Path) -> None:
    """Remove temporary files and daily parts whose summary part was never written."""
    for temporary in folder.glob(f"**/.*{TEMPORARY_SUFFIX}"):
        temporary.unlink()
    finished = {part.name for part in _parts(folder / SUMMARY)}
    for part in _parts(folder / DAILY):
        if part.name not in finished:
            part.unlink()


def read_manifest(folder: str | Path) -> dict:
    """The ``sweep.json`` of a sweep dataset. Raises ``SweepError`` if there is none."""
    path = Path(folder) / MANIFEST
    if not path.is_file():
        raise SweepError([f"{folder}: {MANIFEST}: not found (not a sweep dataset)"])
    return json.loads(path.read_text())


def _load(folder: Path, columns: list[str] | None) -> pd.DataFrame:
    parts = _parts(folder)
    if not parts:
        return pd.DataFrame(columns=columns)
    schema = pa.unify_schemas([pq.read_schema(part) for part in parts], promote_options="permissive")
    table = ds.dataset(parts, schema=schema, format="parquet").to_table(columns=columns)
    frame = table.to_pandas()
    for name in table.column_names:  # whole numbers with gaps (collapse_day) stay whole
        column = table.column(name)
        if pa.types.is_integer(column.type) and column.null_count:
            frame[name] = column.to_pandas(types_mapper={column.type: pd.Int64Dtype()}.get)
    return frame.sort_values(KEYS, kind="stable", ignore_index=True)  # each run's days stay in order


def load_summary(folder: str | Path, columns: list[str] | None = None) -> pd.DataFrame:
    """A sweep's summary rows (all, or only ``columns``, which must include the keys
    point and replicate), ordered by point and replicate. ``collapse_day`` is missing
    (``<NA>``) for a run that did not collapse within its horizon (``horizon_days``)."""
    read_manifest(folder)
    return _load(Path(folder) / SUMMARY, columns)


def load_daily(folder: str | Path, columns: list[str] | None = None) -> pd.DataFrame:
    """A sweep's daily rows (all, or only ``columns``, including point and replicate),
    ordered by point, replicate and day. Raises ``SweepError`` if the sweep kept none."""
    if not read_manifest(folder)["sweep"]["daily"]:
        raise SweepError([f"{folder}: daily: this sweep kept no daily rows (set daily = true in its file)"])
    return _load(Path(folder) / DAILY, columns)
