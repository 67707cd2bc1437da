"""Observed figures a scenario is calibrated to (`circsim calibrate --observed FILE`).

A CSV (``.csv``) or Parquet (``.parquet``) file in one of two layouts, told apart by its
columns:

* **wide**: ``day`` (days since the scenario's day 0) or ``date`` (ISO yyyy-mm-dd, with the
  scenario's ``run.start_date``), then any of circsim's daily columns
  (``sim.results.tables.DAILY_COLUMNS``) or ``cumulative_<flow column>`` (the sum of the daily
  flow from day 0 to that day inclusive); an empty cell is a gap; no stated uncertainty.
* **long**: ``day`` or ``date``, ``column``, ``value``, and optionally
  ``relative_uncertainty`` (0.05 for ± 5 %) and ``source`` (the citation, kept, not used).

Every problem is one line ``FILE: row N: column X: reason`` (rows counted from 1, the header
not counted), raised together as an ``InputError``.

The module sits in the results layer, not beside the scenario, because it reads the daily
columns' names (``sim.results.tables``), which the scenario layer below cannot import.
"""

import datetime
import hashlib
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.core.errors import InputError
from sim.results.tables import DAILY_COLUMNS, FLOAT_COLUMNS
from sim.scenario.params import Scenario

CUMULATIVE_PREFIX = "cumulative_"
STOCK_COLUMNS = frozenset({
    "members_total", "members_active", "members_in_dividend", "members_with_level", "merchants_active",
    "pool_balance_cents", "honorary_pool_balance_cents", "platform_cash_cents", "platform_own_funds_cents",
    "hard_liabilities_cents", "contingent_liabilities_cents", "insolvent",
})
"""Daily columns that are levels on the day (stocks): their running sum means nothing."""
INTENSIVE_COLUMNS = frozenset(FLOAT_COLUMNS) | {"insolvent"}
"""Columns that do not grow with the population (ratios, shares, coverage, unit value, yield,
probabilities, the insolvency flag): not scaled with ``--members``."""
SIGNED_COLUMNS = frozenset({"platform_cash_cents", "platform_own_funds_cents"})
"""Columns that may be below 0 (a platform in debt); every other observed value is >= 0."""
FLOW_COLUMNS = tuple(column for column in DAILY_COLUMNS
                     if column != "day" and column not in STOCK_COLUMNS and column not in INTENSIVE_COLUMNS)
"""Daily flows (counts and money of the day), the columns a ``cumulative_`` column may sum."""
OBSERVABLE_COLUMNS = frozenset(DAILY_COLUMNS[1:]) | {CUMULATIVE_PREFIX + column for column in FLOW_COLUMNS}
LONG_COLUMNS = ("column", "value", "relative_uncertainty", "source")
DAY_COLUMNS = ("day", "date")


@dataclass(frozen=True)
class ObservedData:
    """Observed figures, one row per (column, day) in ``figures``: ``day`` (int, days since day
    0), ``column`` (a daily or cumulative column name), ``value`` (float, in the column's
    unit: cents, members, a share ...), ``relative_uncertainty`` (float, NaN where none is
    stated) and ``source`` (text, "" where none), sorted by column, then day."""

    path: Path
    sha256: str
    layout: str
    figures: pd.DataFrame

    @property
    def last_day(self) -> int:
        """The latest observed day."""
        return int(self.figures["day"].max())

    @property
    def keys(self) -> list[str]:
        """One name per figure, ``column@day``, in the order of ``figures``."""
        return [f"{column}@{day}" for column, day in zip(self.figures["column"], self.figures["day"], strict=True)]

    @property
    def extensive(self) -> np.ndarray:
        """Per figure: whether its column grows with the population (counts, money)."""
        return ~self.figures["column"].str.removeprefix(CUMULATIVE_PREFIX).isin(INTENSIVE_COLUMNS).to_numpy()

    def scaled_values(self, factor: float) -> np.ndarray:
        """The observed values as a run at ``factor`` × the scenario's population would show
        them: extensive figures multiplied by ``factor``, intensive ones as they are
        (float64, shape (figures,))."""
        values = self.figures["value"].to_numpy(dtype=np.float64)
        return np.where(self.extensive, values * factor, values)

    def simulated(self, daily: pd.DataFrame) -> np.ndarray:
        """The simulated values matching the figures (float64, shape (figures,)) from a run's
        daily table (``RunResult.daily``, one row per day from day 0); ``cumulative_X`` is the
        running sum of ``X``. Raises ``ValueError`` if the run ended before the last figure."""
        if len(daily) <= self.last_day:
            raise ValueError(f"the run has {len(daily)} days; the observations reach day {self.last_day}")
        values = np.empty(len(self.figures), dtype=np.float64)
        for column, rows in self.figures.groupby("column", sort=False).indices.items():
            base = column.removeprefix(CUMULATIVE_PREFIX)
            series = daily[base].to_numpy(dtype=np.float64)
            if column != base:
                # running sums of integer cents are exact in int64 before the float conversion
                series = np.cumsum(daily[base].to_numpy(dtype=np.int64)).astype(np.float64)
            values[rows] = series[self.figures["day"].to_numpy()[rows]]
        return values


def file_digest(path: Path) -> str:
    """SHA-256 (hex) of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_observed(path: Path, scenario: Scenario, horizon_days: int | None = None) -> ObservedData:
    """Read and check an observed-data file (layouts in the module docstring) against
    ``scenario``: dates need its ``run.start_date``; days must be ``0 <= day <
    horizon_days`` (default ``scenario.run.days``). Raises ``InputError`` with one line per
    problem: missing or unreadable file, unknown or missing column, bad day or date, day out of
    range, value not a finite number or negative, a figure given twice, no figure at all."""
    path = Path(path)
    horizon_days = scenario.run.days if horizon_days is None else horizon_days
    table = _read_table(path)
    problems = [f"{path}: column {column}: unknown (expected day or date, then daily or cumulative_ columns, "
                "or column, value, relative_uncertainty, source)"
                for column in table.columns if column not in OBSERVABLE_COLUMNS | set(LONG_COLUMNS) | set(DAY_COLUMNS)]
    day_columns = [column for column in DAY_COLUMNS if column in table.columns]
    if len(day_columns) != 1:
        problems.append(f"{path}: columns: need exactly one of day or date, found {len(day_columns) or 'neither'}"
                        + (f" ({', '.join(day_columns)})" if day_columns else ""))
    long = "column" in table.columns or "value" in table.columns
    if long:
        problems += [f"{path}: columns: the long layout needs column {name}"
                     for name in ("column", "value") if name not in table.columns]
        problems += [f"{path}: column {name}: not allowed in the long layout (give its figures as rows)"
                     for name in table.columns if name in OBSERVABLE_COLUMNS]
    else:
        problems += [f"{path}: column {name}: only in the long layout (with column and value)"
                     for name in ("relative_uncertainty", "source") if name in table.columns]
    if problems:
        raise InputError(problems)
    days = _days(table, day_columns[0], path, scenario, horizon_days, problems)
    rows = _long_rows(table, days, path, problems) if long else _wide_rows(table, days, path, problems)
    figures = pd.DataFrame(rows, columns=["day", "column", "value", "relative_uncertainty", "source", "row"])
    if not problems and figures.empty:
        problems.append(f"{path}: no observed figure (every cell is empty)")
    for (column, day), group in figures.groupby(["column", "day"]):
        if len(group) > 1:
            problems.append(f"{path}: rows {', '.join(map(str, group['row']))}: column {column}: "
                            f"day {day} given more than once")
    if problems:
        raise InputError(problems)
    figures = (figures.drop(columns="row").astype({"day": "int64", "value": "float64", "relative_uncertainty": "float64"})
               .sort_values(["column", "day"], kind="stable").reset_index(drop=True))
    return ObservedData(path, file_digest(path), "long" if long else "wide", figures)


def _read_table(path: Path) -> pd.DataFrame:
    """The file as a table of raw cells (strings for CSV, the stored types for Parquet)."""
    if not path.is_file():
        raise InputError([f"{path}: file: not found" if not path.exists() else f"{path}: file: not a regular file"])
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
        if suffix == ".parquet":
            return pd.read_parquet(path)
    except (ValueError, OSError, UnicodeDecodeError) as err:
        reason = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise InputError([f"{path}: file: cannot be read as {suffix[1:].upper()} ({reason})"]) from None
    raise InputError([f"{path}: file: expected a .csv or .parquet file"])


def _empty(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip()) or (isinstance(cell, float) and math.isnan(cell))


def _days(table: pd.DataFrame, day_column: str, path: Path, scenario: Scenario, horizon_days: int,
          problems: list[str]) -> list[int | None]:
    """Each row's day (None where it is bad, with its problem added)."""
    start = scenario.run.start_date
    if day_column == "date" and start is None:
        problems.append(f"{path}: column date: dates need the scenario's run.start_date "
                        "(set it in the scenario or with --set run.start_date=YYYY-MM-DD), or give days")
        return [None] * len(table)
    days = []
    for row, cell in enumerate(table[day_column], start=1):
        where = f"{path}: row {row}: column {day_column}"
        day = _date_day(cell, start) if day_column == "date" else _whole_number(cell)
        if day is None:
            problems.append(f"{where}: {'not an ISO date (yyyy-mm-dd)' if day_column == 'date' else 'not a whole number'}"
                            f" (got {cell!r})")
        elif not 0 <= day < horizon_days:
            problems.append(f"{where}: day {day} is outside the run (days 0 to {horizon_days - 1})")
            day = None
        days.append(day)
    return days


def _whole_number(cell) -> int | None:
    if isinstance(cell, bool | np.bool_) or _empty(cell):
        return None
    if isinstance(cell, int | np.integer):
        return int(cell)
    number = _number(cell)
    return int(number) if number is not None and number.is_integer() else None


def _date_day(cell, start: datetime.date) -> int | None:
    if isinstance(cell, datetime.datetime | pd.Timestamp):
        cell = cell.date()
    if isinstance(cell, str):
        try:
            cell = datetime.date.fromisoformat(cell.strip())
        except ValueError:
            return None
    return (cell - start).days if isinstance(cell, datetime.date) else None


def _number(cell) -> float | None:
    """A cell as a finite float, or None."""
    if isinstance(cell, bool | np.bool_):
        return None
    try:
        number = float(cell.strip().replace("_", "") if isinstance(cell, str) else cell)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _value(cell, column: str, where: str, problems: list[str]) -> float | None:
    number = _number(cell)
    if number is None:
        problems.append(f"{where}: not a finite number (got {cell!r})")
    elif number < 0 and column not in SIGNED_COLUMNS:
        problems.append(f"{where}: {number:g} is negative; {column} cannot be")
        number = None
    return number


def _wide_rows(table: pd.DataFrame, days: list, path: Path, problems: list[str]) -> list[tuple]:
    rows = []
    for column in table.columns:
        if column in DAY_COLUMNS:
            continue
        for row, (day, cell) in enumerate(zip(days, table[column], strict=True), start=1):
            if _empty(cell):
                continue
            value = _value(cell, column, f"{path}: row {row}: column {column}", problems)
            if day is not None and value is not None:
                rows.append((day, column, value, math.nan, "", row))
    return rows


def _long_rows(table: pd.DataFrame, days: list, path: Path, problems: list[str]) -> list[tuple]:
    rows = []
    uncertainties = table["relative_uncertainty"] if "relative_uncertainty" in table.columns else [None] * len(table)
    sources = table["source"] if "source" in table.columns else [None] * len(table)
    for row, (day, column, cell, uncertainty_cell, source) in enumerate(
            zip(days, table["column"], table["value"], uncertainties, sources, strict=True), start=1):
        where = f"{path}: row {row}"
        column = column.strip() if isinstance(column, str) else column
        if column not in OBSERVABLE_COLUMNS:
            problems.append(f"{where}: column column: {column!r} is not a daily or cumulative_ column of circsim")
            continue
        value = _value(cell, column, f"{where}: column value", problems)
        uncertainty = math.nan
        if not _empty(uncertainty_cell):
            uncertainty = _number(uncertainty_cell)
            if uncertainty is None or uncertainty <= 0:
                problems.append(f"{where}: column relative_uncertainty: expected a number above 0 "
                                f"(0.05 for ± 5 %), got {uncertainty_cell!r}")
                continue
        if day is not None and value is not None:
            rows.append((day, column, value, uncertainty, "" if _empty(source) else str(source), row))
    return rows
