"""Indicator packs: regulators' published criteria turned into measurements of one run.

A pack is a TOML file in ``sim/analysis/packs/`` naming its source (the published text
it follows) and its indicators; each indicator names a measurement of this module
(``MEASUREMENTS``), a comparison and a threshold. Measuring a pack on a run gives, per
indicator, the value, the threshold, whether the value reaches it, and the evidence (the
table and figures it was computed from). A pack states what the run shows against a
published criterion; it is never a legal conclusion, which only a court or a regulator
can reach on the facts of a real case.

Measurements (from ``members.parquet``, ``ledger.parquet`` and ``daily.parquet``):

- ``participants``: members who paid money in (``new_money_cents`` > 0);
- ``referral_levels``: levels of the referral tree, 1 + the longest chain of referrers
  among participants (a member without a referrer is level 1);
- ``downline_reward_share``: rewards computed from the sales of one's downline (ledger
  reason ``referral_reward``) as a share of all payouts P (``sim.analysis.metrics``);
- ``rebate_to_spending``: promised rebates (energy granted) / money spent (sales);
- ``new_money_payout_share``: the new-money dependency at the end: the share of payouts the
  platform's own means do not cover, paid from later participants' money;
- ``participant_purchase_share``: the share of sales bought by participants rather than
  outside customers (in the model every buyer is a member, so 1 when anything sold).
"""

import operator
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sim.analysis.metrics import paying_members, run_metrics
from sim.core.errors import InputError

PACKS = Path(__file__).resolve().parent / "packs"
NOT_A_LEGAL_CONCLUSION = ("Measurements of a simulated run against published criteria, not a legal conclusion: "
                          "only a court or a regulator can decide on the facts of a real case.")
COMPARISONS = {"at_least": operator.ge, "above": operator.gt}


class PackIndicator(BaseModel):
    """One criterion of a pack as a measurement and a threshold."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)
    name: str = Field(min_length=1)
    criterion: str = Field(min_length=1)
    """The published criterion, in words."""
    measure: str
    """A key of ``MEASUREMENTS``."""
    comparison: Literal["at_least", "above"]
    threshold: float


class Pack(BaseModel):
    """A pack file: its source and its indicators."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)
    name: str = Field(min_length=1)
    title: str = Field(min_length=1)
    source: str = Field(min_length=1)
    """The published text the criteria come from (issuer, title, date, article)."""
    indicators: tuple[PackIndicator, ...] = Field(min_length=1, strict=False)


@dataclass(frozen=True)
class RunTables:
    """The tables of one run a pack is measured on."""

    daily: pd.DataFrame
    ledger: pd.DataFrame
    members: pd.DataFrame


def referral_levels(referrer: np.ndarray) -> np.ndarray:
    """Each member's level in the referral tree: 1 without a referrer, else 1 + the
    referrer's level (``referrer`` holds member indices, −1 for none; shape (n,))."""
    referrer = np.asarray(referrer, dtype=np.int64)
    level = np.ones(referrer.size, dtype=np.int64)
    has_referrer = referrer >= 0
    while True:  # one pass per generation: the longest chain bounds the passes
        updated = np.where(has_referrer, level[np.where(has_referrer, referrer, 0)] + 1, 1)
        if np.array_equal(updated, level):
            return level
        level = updated


def _participants(run: RunTables) -> tuple[float, str]:
    count = len(paying_members(run.members))
    return float(count), f"{count:,} of {len(run.members):,} members paid money in (members.parquet)"


def _referral_levels(run: RunTables) -> tuple[float, str]:
    levels = referral_levels(run.members["referrer"].to_numpy())
    paying = run.members["new_money_cents"].to_numpy() > 0
    deepest = int(levels[paying].max()) if paying.any() else 0
    counts = np.bincount(levels[paying]) if paying.any() else np.zeros(1, dtype=np.int64)
    spread = ", ".join(f"level {k}: {int(n):,}" for k, n in enumerate(counts) if k and n)
    return float(deepest), f"participants by referral level ({spread or 'none'}; members.referrer)"


def _payouts_cents(run: RunTables) -> int:
    return run_metrics(run.daily, run.ledger)["payouts_cents"]


def _downline_reward_share(run: RunTables) -> tuple[float, str]:
    rewards = int(run.ledger.loc[run.ledger["reason"] == "referral_reward", "amount_cents"].sum())
    payouts = _payouts_cents(run)
    share = rewards / payouts if payouts else 0.0
    return share, (f"referral rewards {rewards:,} cents of payouts {payouts:,} cents (ledger reason referral_reward); "
                   f"contribution credited to uplines {int(run.daily['referral_contribution_milli'].sum()):,} milli-units")


def _rebate_to_spending(run: RunTables) -> tuple[float, str]:
    promised, sales = int(run.daily["energy_granted_cents"].sum()), int(run.daily["sales_cents"].sum())
    return (promised / sales if sales else 0.0), f"energy granted {promised:,} cents on sales of {sales:,} cents (daily)"


def _new_money_payout_share(run: RunTables) -> tuple[float, str]:
    metrics = run_metrics(run.daily, run.ledger)
    share = metrics["new_money_dependency"] or 0.0
    return share, (f"payouts {metrics['payouts_cents']:,} cents, of which {metrics['new_money_funded_cents']:,} "
                   "not covered by the platform's own means (new-money dependency)")


def _participant_purchase_share(run: RunTables) -> tuple[float, str]:
    sales = int(run.daily["sales_cents"].sum())
    return (1.0 if sales else 0.0), (f"all {sales:,} cents of sales were members' purchases "
                                     "(the model has no outside customers)")


MEASUREMENTS: dict[str, Callable[[RunTables], tuple[float, str]]] = {
    "participants": _participants,
    "referral_levels": _referral_levels,
    "downline_reward_share": _downline_reward_share,
    "rebate_to_spending": _rebate_to_spending,
    "new_money_payout_share": _new_money_payout_share,
    "participant_purchase_share": _participant_purchase_share,
}


def load_pack(path: str | Path) -> Pack:
    """Read and check one pack file. Raises ``InputError`` (one line per problem)."""
    path = Path(path)
    try:
        pack = Pack.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise InputError([f"{path}: file: cannot be read ({err})"]) from None
    except ValidationError as err:
        raise InputError([f"{path}: {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in err.errors()]) from None
    unknown = [f"{path}: indicators.{i.name}.measure: unknown measurement {i.measure!r}"
               for i in pack.indicators if i.measure not in MEASUREMENTS]
    if unknown:
        raise InputError(unknown)
    return pack


def shipped_packs() -> list[Pack]:
    """The packs shipped in ``sim/analysis/packs/``, by file name."""
    return [load_pack(path) for path in sorted(PACKS.glob("*.toml"))]


def measure_pack(pack: Pack, run: RunTables) -> pd.DataFrame:
    """One row per indicator of ``pack``: ``pack``, ``indicator``, ``criterion``, ``value``,
    ``comparison``, ``threshold``, ``reaches_threshold`` and ``evidence``."""
    rows = []
    for indicator in pack.indicators:
        value, evidence = MEASUREMENTS[indicator.measure](run)
        rows.append({
            "pack": pack.name, "indicator": indicator.name, "criterion": indicator.criterion, "value": value,
            "comparison": indicator.comparison, "threshold": indicator.threshold,
            "reaches_threshold": bool(COMPARISONS[indicator.comparison](value, indicator.threshold)),
            "evidence": evidence,
        })
    return pd.DataFrame(rows)


def measure_packs(run: RunTables, packs: list[Pack] | None = None) -> pd.DataFrame:
    """``measure_pack`` of every pack (default: the shipped ones), one table."""
    return pd.concat([measure_pack(pack, run) for pack in (packs or shipped_packs())], ignore_index=True)
