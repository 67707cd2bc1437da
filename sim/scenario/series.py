"""Exogenous daily series: a scenario field that holds one value per day may name a CSV file
instead, read when the scenario is loaded (docs/MODEL.md §5.1). The file sits beside the
scenario that names it (or is relative to the working folder for ``--set``); it has a
``day`` column (whole days from 0, each once, any order, gaps allowed) and the value column;
a day not listed has the value 0. After loading, the scenario holds the values themselves,
so a run folder's ``scenario.toml`` needs no file beside it."""

import math
from fractions import Fraction
from pathlib import Path

import pandas as pd

from sim.core.errors import InputError

SERIES_COLUMNS = {("population", "arrivals_per_day"): "arrivals"}
"""Fields that may name a CSV file, and the column each reads from it."""


def read_daily_series(path: Path, column: str, origin: str, field: str, max_day: int,
                      max_value: float) -> list[float]:
    """The values of ``column`` by day 0 … (last listed day), from the CSV file ``path``.

    Raises ``InputError`` with one line ``ORIGIN: FIELD: reason`` when the file cannot be
    read, lacks the ``day`` or the value column, or holds a day that is not a whole number in
    [0, max_day], a day twice, or a value that is not a finite number in [0, max_value]."""
    where = f"{origin}: {field}"
    try:
        table = pd.read_csv(path)
    except FileNotFoundError:
        raise InputError([f"{where}: no file {path}"]) from None
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise InputError([f"{where}: {path} is not a readable CSV file ({str(err).splitlines()[0]})"]) from None
    missing = [name for name in ("day", column) if name not in table.columns]
    if missing:
        raise InputError([f"{where}: {path} has no column {', '.join(missing)} (it needs day and {column})"])
    days = pd.to_numeric(table["day"], errors="coerce")
    values = pd.to_numeric(table[column], errors="coerce")
    bad_day = ~days.between(0, max_day) | (days != days.round())
    if bad_day.any():
        row = int(bad_day.to_numpy().argmax())
        raise InputError([f"{where}: {path} row {row + 2}: day must be a whole number from 0 to {max_day} "
                          f"(got {table['day'].iloc[row]!r})"])
    if days.duplicated().any():
        raise InputError([f"{where}: {path}: day {int(days[days.duplicated()].iloc[0])} is listed twice"])
    bad_value = ~values.between(0, max_value) | values.isna()
    if bad_value.any():
        row = int(bad_value.to_numpy().argmax())
        raise InputError([f"{where}: {path} row {row + 2}: {column} must be a number from 0 to {max_value:g} "
                          f"(got {table[column].iloc[row]!r})"])
    by_day = [0.0] * (int(days.max()) + 1 if len(days) else 0)
    for day, value in zip(days.astype(int), values.astype(float)):
        by_day[day] = value
    return by_day


def realised_counts(expected_per_day) -> list[int]:
    """Whole counts from expected ones, carrying the fractions so that the running total is
    never off by a whole one: count_d = ⌊C_(d+1)⌋ − ⌊C_d⌋ with C_d the sum of the expected
    counts before day d, summed exactly as the decimals they were written as (ten days of 0.3
    make 3, where floats make 2.999…);
    no draw, so both models and every replicate get the same counts."""
    counts, total, floor_before = [], Fraction(0), 0
    for expected in expected_per_day:
        total += Fraction(repr(float(expected)))  # the decimal as written, not its binary neighbour
        floor_now = math.floor(total)
        counts.append(floor_now - floor_before)
        floor_before = floor_now
    return counts
