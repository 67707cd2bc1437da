"""The verdict of the sustainability report: one of three labels, decided by stated
thresholds, with the evidence that trips (or clears) each criterion.

1. **unsustainable** – the run collapsed within the horizon (a withdrawal stayed unpaid
   for K days); or, with replicates, at least ``RUIN_PROBABILITY_THRESHOLD`` of them had
   collapsed by the last day; or at the end the platform's cash covers less than
   ``PROMISE_COVERAGE_THRESHOLD`` of everything it owes and has promised (cash / (hard +
   contingent liabilities)), so most promises can only be paid with money still to come;
2. **sustained only by new money** – not unsustainable, but at the end of the run at least
   ``NEW_MONEY_DEPENDENCY_THRESHOLD`` of the payouts made so far are not covered by the
   platform's own means (capital + real margin), so they rest on new members' money;
3. **sustainable within the horizon** – neither.

Money in the evidence is exact (integer cents) and named in the scenario's currency
(``platform.currency``), as in the rest of the report.
"""

import math
from dataclasses import dataclass

import pandas as pd

from sim.core.formatting import format_cents
from sim.scenario.params import PlatformParams

UNSUSTAINABLE = "unsustainable"
NEW_MONEY = "sustained only by new money"
SUSTAINABLE = "sustainable within the horizon"

RUIN_PROBABILITY_THRESHOLD = 0.05
"""Share of replicates collapsed by the last day at or above which a scenario is unsustainable."""
PROMISE_COVERAGE_THRESHOLD = 0.5
"""Cash / (hard + contingent liabilities) at the end below which a scenario is unsustainable."""
NEW_MONEY_DEPENDENCY_THRESHOLD = 0.05
"""Share of payouts funded by new money at or above which a solvent run is "sustained only by new money"."""
DEFAULT_CURRENCY = PlatformParams().currency
"""The currency a scenario's money is counted in when it names none (``platform.currency``)."""


@dataclass(frozen=True)
class Criterion:
    """One test behind the verdict: what is measured, its threshold, this run's value,
    whether the value trips the threshold, the verdict a trip leads to, and the sentence
    that says so in the verdict's headline."""

    name: str
    threshold: str
    value: str
    tripped: bool
    leads_to: str
    finding: str


@dataclass(frozen=True)
class Verdict:
    """The verdict label, one sentence saying why, and every criterion checked."""

    label: str
    headline: str
    criteria: tuple[Criterion, ...]


def percent(share: float | None) -> str:
    """A share as a percentage with one decimal ("n/a" when there is none)."""
    return "n/a" if share is None or math.isnan(share) else f"{share:.1%}"


def money_text(cents: int, currency: str) -> str:
    """Exact money text in the scenario's currency: (123456789, "CNY") -> '1,234,567.89 CNY'."""
    return f"{format_cents(cents)} {currency}"


def coverage_text(ratio: float) -> str:
    """A coverage ratio as a percentage, "∞" when nothing is owed or promised."""
    return "∞" if ratio == math.inf else percent(ratio)


def collapse_criterion(metrics: dict) -> Criterion:
    """Did the run collapse (first insolvent day) within its horizon?"""
    day = metrics["collapse_day"]
    return Criterion(
        name="Collapse within the horizon",
        threshold="any day on which a requested withdrawal has stayed unpaid for K days "
                  "(withdrawals.insolvency_grace_days)",
        value=f"collapse on day {day}" if day is not None else f"no collapse in {metrics['days']} days",
        tripped=day is not None,
        leads_to=UNSUSTAINABLE,
        finding=f"The platform collapsed on day {day}: a requested withdrawal had stayed unpaid for K days.",
    )


def ruin_criterion(ruin: pd.DataFrame, threshold: float) -> Criterion:
    """Did at least ``threshold`` of the replicates collapse by the last day?"""
    last = ruin.iloc[-1]
    return Criterion(
        name="Ruin probability by the last day",
        threshold=f"at least {percent(threshold)} of replicates collapsed by day {int(last['day'])}",
        value=(f"{percent(last['probability'])} ({int(last['collapsed'])} of {int(last['replicates'])} "
               f"replicates; 95 % interval {percent(last['low'])}–{percent(last['high'])})"),
        tripped=bool(last["probability"] >= threshold),
        leads_to=UNSUSTAINABLE,
        finding=(f"{int(last['collapsed'])} of {int(last['replicates'])} replicates collapsed by day "
                 f"{int(last['day'])} (ruin probability {percent(last['probability'])}, "
                 f"threshold {percent(threshold)})."),
    )


def promise_criterion(metrics: dict, threshold: float, currency: str = DEFAULT_CURRENCY) -> Criterion:
    """Does the cash at the end cover less than ``threshold`` of all it owes and promised?
    The amounts in the evidence are in ``currency``."""
    coverage = metrics["final_coverage_ratio_all"]
    return Criterion(
        name="Promise coverage at the end",
        threshold=f"cash below {percent(threshold)} of hard + contingent liabilities (owed + promised)",
        value=(f"{coverage_text(coverage)} (cash {money_text(metrics['final_cash_cents'], currency)} "
               f"against {money_text(metrics['final_hard_liabilities_cents'], currency)} owed and "
               f"{money_text(metrics['final_contingent_liabilities_cents'], currency)} promised)"),
        tripped=coverage < threshold,
        leads_to=UNSUSTAINABLE,
        finding=(f"At the end its cash covers only {coverage_text(coverage)} of what it owes and has promised "
                 f"(threshold {percent(threshold)}): the rest can only be paid with money still to come."),
    )


def dependency_criterion(metrics: dict, threshold: float) -> Criterion:
    """Were at least ``threshold`` of the payouts funded by new money at the end?"""
    dependency = metrics["new_money_dependency"]
    return Criterion(
        name="New-money dependency at the end",
        threshold=f"at least {percent(threshold)} of payouts not covered by capital + real margin",
        value=f"{percent(dependency)} of payouts (peak {percent(metrics['new_money_dependency_peak'])})",
        tripped=dependency is not None and dependency >= threshold,
        leads_to=NEW_MONEY,
        finding=(f"{percent(dependency)} of the payouts so far exceed the platform's capital and real margin "
                 f"(threshold {percent(threshold)}): they were paid with members' new money."),
    )


def headline(label: str, metrics: dict, criteria: list[Criterion]) -> str:
    """The verdict in a few sentences: the findings of the tripped criteria (those of the
    verdict given), or why the run passed, and how much of its promise it paid."""
    honoured = ("It promised no dividends." if metrics["promises_honoured"] is None
                else f"It paid {percent(metrics['promises_honoured'])} of the dividends it promised.")
    findings = [c.finding for c in criteria if c.tripped and c.leads_to == label]
    if label == NEW_MONEY:
        findings.insert(0, f"No collapse within {metrics['days']} days, but:")
    if label == SUSTAINABLE:
        findings = [f"No collapse within {metrics['days']} days; at the end the cash covers "
                    f"{coverage_text(metrics['final_coverage_ratio_all'])} of all the platform owes and has "
                    f"promised, and the payouts stayed within its capital and real margin."]
    return " ".join(findings + [honoured])


def assess(metrics: dict, ruin: pd.DataFrame | None = None,
           ruin_threshold: float = RUIN_PROBABILITY_THRESHOLD,
           promise_threshold: float = PROMISE_COVERAGE_THRESHOLD,
           dependency_threshold: float = NEW_MONEY_DEPENDENCY_THRESHOLD,
           currency: str = DEFAULT_CURRENCY) -> Verdict:
    """The verdict from a run's ``sim.analysis.metrics.run_metrics`` and, when the run has
    replicates, their ``sim.analysis.metrics.ruin_probability`` table; money in the evidence
    is in ``currency`` (the scenario's ``platform.currency``)."""
    criteria = [collapse_criterion(metrics)]
    if ruin is not None:
        criteria.append(ruin_criterion(ruin, ruin_threshold))
    criteria.append(promise_criterion(metrics, promise_threshold, currency))
    criteria.append(dependency_criterion(metrics, dependency_threshold))
    tripped = {c.leads_to for c in criteria if c.tripped}
    label = UNSUSTAINABLE if UNSUSTAINABLE in tripped else NEW_MONEY if NEW_MONEY in tripped else SUSTAINABLE
    return Verdict(label=label, headline=headline(label, metrics, criteria), criteria=tuple(criteria))
