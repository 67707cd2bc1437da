"""The reference model: circsim's rules written the obvious way, as a Mesa model.

Members and merchants are ``mesa.Agent`` objects whose methods are what they do in a day
(``Member.buy``, ``Member.receive_dividend``, ``Member.ask_to_withdraw``, ``Member.leave``,
``Merchant.sell`` ...); the platform is a ``mesa.Model`` whose ``step()`` plays the phases of
one day in the engine's order and under the engine's names (docs/MODEL.md §3) and keeps its
accounts as plain integers. Money is Python integers in cents, contribution in milli-units,
and every share floors exactly where the fast kernels floor (``amount * share_ppm // PPM``,
docs/MODEL.md §2).

Every random number comes from the engine's counter-based generator by the same
(stream, day, index) — never from Mesa's own generator — so the reference reproduces the
fast engine's ``daily`` table exactly, every column of every day
(``tests/science/test_reference_agreement.py``). It handles one member at a time and is
meant for a few thousand members.

The reference keeps its own plain-Python statement of every rule on purpose: it is the
independent check of the engine, so it never imports the engine's or the kernels' rule
helpers. It imports only from ``sim.core``, ``sim.scenario``, ``sim.behaviour`` and
``sim.results`` (an import-linter contract forbids ``sim.engine`` and ``sim.kernels``).
Where a float is computed it calls the shared plain-Python function (``compile_rules`` and
its tables, ``sim.behaviour.sentiment``, ``newcomers_today``, ``newcomers_wanted`` and
``supply_factor``, ``cumulative_shares``) so that both compute the same bits; everything
else is restated in plain code.

Where each rule is:

- ``sim.reference.agents``: ``Member``, ``Merchant``, ``Purchase`` (what one agent does)
- ``sim.reference.platform``: ``Platform`` (state) and ``PHASES`` (the order of the day)
- ``sim.reference.start_of_day``: ``events``, ``arrivals``
- ``sim.reference.sales``: ``purchases``, ``referrals``, ``levels``
- ``sim.reference.dividends``: ``release``, ``honorary``
- ``sim.reference.withdrawals``: ``withdrawals``, ``churn`` and the payment of the queue
- ``sim.reference.end_of_day``: ``merchants``, ``platform``, ``record``
- ``sim.reference.rules``: ``plain_rules``, the compiled rules as Python lists

This module is the public face: ``run_reference`` plays a scenario, ``first_difference``
compares two ``daily`` tables, and the names above stay importable from here.
"""

import numpy as np
import pandas as pd

from sim.reference.agents import PENDING, Member, Merchant, Purchase
from sim.reference.platform import PHASES, Platform
from sim.reference.rules import plain_rules
from sim.scenario.scaling import resolve

__all__ = ["PENDING", "PHASES", "Member", "Merchant", "Platform", "Purchase", "first_difference", "plain_rules",
           "run_reference"]


def run_reference(scenario, days=None, members=None, seed=None, settings=None) -> Platform:
    """Play a scenario (a ``Scenario`` or a TOML path, resolved like ``sim.run``, docs/MODEL.md
    §21) in the reference model and return the finished model (``.daily()``,
    ``.members_frame()``)."""
    platform = Platform(resolve(scenario, days, members, seed, settings))
    platform.run()
    return platform


def first_difference(expected: pd.DataFrame, actual: pd.DataFrame) -> str | None:
    """Where two ``daily`` tables (docs/MODEL.md §17) first differ, as one readable line: the
    first day on which any column differs, that column, and both values (None when
    identical, floats compared exactly, NaN equal to NaN)."""
    if list(expected.columns) != list(actual.columns):
        return f"columns differ: {sorted(set(expected.columns) ^ set(actual.columns)) or 'order'}"
    days = min(len(expected), len(actual))
    first: tuple[int, str] | None = None
    for column in expected.columns:
        left = expected[column].to_numpy()[:days]
        right = actual[column].to_numpy()[:days]
        same = left == right
        if left.dtype.kind == "f":
            same |= np.isnan(left) & np.isnan(right)
        if not same.all():
            day = int(np.argmin(same))
            if first is None or day < first[0]:
                first = (day, column)
    if first is not None:
        day, column = first
        return (f"day {day}, column {column}: expected {expected[column].to_numpy()[day].item()!r}, "
                f"got {actual[column].to_numpy()[day].item()!r}")
    if len(expected) != len(actual):
        return f"expected {len(expected)} days, got {len(actual)}"
    return None
