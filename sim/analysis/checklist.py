"""The regulator's checklist: the features by which regulators recognise a pyramid-like
reward scheme, each marked present or not in one run, with the evidence.

A feature counts as present when money moved for it in the run: a ledger flow or a daily
money flow column whose name contains one of the feature's keywords. The last item compares
what the platform promised with what it earned. Money in the evidence is exact and named in
the scenario's currency (``platform.currency``).
"""

from dataclasses import dataclass

import pandas as pd

from sim.analysis.verdict import DEFAULT_CURRENCY, money_text

FEATURE_KEYWORDS = (
    ("Entry fee through gift packages", ("gift",)),
    ("Rewards for recruiting", ("referral", "recruit")),
    ("Multi-level team rewards", ("team", "level", "honorary", "upline")),
)


@dataclass(frozen=True)
class ChecklistItem:
    """One feature, whether the run shows it, and the evidence either way."""

    feature: str
    present: bool
    evidence: str


def money_named(daily: pd.DataFrame, ledger: pd.DataFrame, keywords: tuple[str, ...]) -> dict[str, int]:
    """Money moved (cents) under each ledger reason or daily ``*_cents`` flow column whose
    name contains one of ``keywords`` (``*_balance_cents`` columns are stocks, not flows,
    and are left out); names with nothing moved are left out."""
    def named(name: str) -> bool:
        return any(keyword in name.lower() for keyword in keywords)

    found = {}
    for reason, amount in ledger.groupby("reason")["amount_cents"].sum().items():
        if named(reason) and amount > 0:
            found[f"ledger flow '{reason}'"] = int(amount)
    for column in daily.columns:
        is_flow = column.endswith("_cents") and not column.endswith("_balance_cents")
        if is_flow and named(column) and daily[column].sum() > 0:
            found[f"daily column '{column}'"] = int(daily[column].sum())
    return found


def feature_item(feature: str, keywords: tuple[str, ...], daily: pd.DataFrame, ledger: pd.DataFrame,
                 currency: str = DEFAULT_CURRENCY) -> ChecklistItem:
    """A keyword-detected feature of the checklist; the money moved is in ``currency``."""
    found = money_named(daily, ledger, keywords)
    if found:
        evidence = "; ".join(f"{name}: {money_text(cents, currency)}" for name, cents in found.items())
    else:
        evidence = f"no money moved under a name containing {' / '.join(keywords)} in this run"
    return ChecklistItem(feature, bool(found), evidence)


def promise_item(metrics: dict, currency: str = DEFAULT_CURRENCY) -> ChecklistItem:
    """Payouts promised above the platform's margin: the promises (energy granted) exceed
    the platform's own means (capital + concession − costs + fees) at the end of the run;
    the amounts are in ``currency``."""
    promised, own_means, sales = metrics["promised_cents"], metrics["own_means_cents"], metrics["sales_cents"]
    evidence = (f"promised {money_text(promised, currency)} against own means of "
                f"{money_text(own_means, currency)}")
    if sales > 0:
        evidence += f" (per unit of sales: {promised / sales:.2f} promised, {own_means / sales:.3f} earned)"
    return ChecklistItem("Payouts promised above the platform's margin", promised > own_means, evidence)


def checklist(daily: pd.DataFrame, ledger: pd.DataFrame, metrics: dict,
              currency: str = DEFAULT_CURRENCY) -> list[ChecklistItem]:
    """Every checklist item for one run (``metrics`` from ``sim.analysis.metrics.run_metrics``),
    money in ``currency`` (the scenario's ``platform.currency``)."""
    items = [feature_item(feature, keywords, daily, ledger, currency) for feature, keywords in FEATURE_KEYWORDS]
    return items + [promise_item(metrics, currency)]
