"""`circsim report RUN_DIR`: the sustainability report of a saved run, as a
self-contained ``report.html`` (charts inline as SVG) and a ``report.pdf``, with the
charts as PNG and SVG, in ``RUN_DIR/report/``.

The report reads the run's files only. Its content (verdict, key figures, checklist,
scenario, cohorts, replicates, definitions) is built once here as text and laid out by
``sim.report.html`` and ``sim.report.pdf``. The folder is written under a temporary
name and renamed, so it is either complete or absent.
"""

import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from sim.analysis.checklist import ChecklistItem, checklist
from sim.analysis.metrics import (
    COHORT_DAYS,
    cohort_outcomes,
    collapse_day_distribution,
    member_outcomes,
    merchant_outcomes,
    ruin_probability,
    run_metrics,
)
from sim.analysis.verdict import (
    NEW_MONEY_DEPENDENCY_THRESHOLD,
    PROMISE_COVERAGE_THRESHOLD,
    RUIN_PROBABILITY_THRESHOLD,
    Verdict,
    assess,
    money_text,
    percent,
)
from sim.core.formatting import format_cents
from sim.report.charts import run_charts, save_chart
from sim.report.html import render_html
from sim.report.pdf import write_pdf
from sim.results.files import write_folder
from sim.results.reading import read_run
from sim.results.replicates import collapse_days
from sim.results.run_result import RunResult

REPORT_FOLDER = "report"

CHART_TEXT = {
    "solvency": ("Solvency", "Platform cash against hard liabilities (owed now) and contingent liabilities "
                 "(promised dividends not yet paid), and the two coverage ratios."),
    "flows": ("Flows", "Daily pool inflow, payouts credited to members and withdrawals paid, and the share of "
              "payouts so far that the platform's capital and real margin do not cover (new-money dependency)."),
    "growth": ("Growth", "Members joined and active, merchants, and daily sales."),
    "cohorts": ("Who loses", "Share of paying members with a net loss and the spread of net outcomes, by the "
                f"{COHORT_DAYS}-day period in which they joined."),
    "ruin": ("Ruin probability", "Share of replicates collapsed by each day with its 95 % Wilson interval, "
             "and the distribution of collapse days."),
}

DEFINITIONS = (
    ("Hard liabilities", "members' withdrawable balances + queued withdrawals + merchants' unpaid share."),
    ("Contingent liabilities", "remaining energy: dividends promised and not yet paid."),
    ("Coverage ratios", "platform cash / hard liabilities, and cash / (hard + contingent) liabilities."),
    ("Payouts (P)", "all money the platform credited to members' balances (dividends and any other rewards)."),
    ("Own means", "operator capital + concessions − operating costs + withdrawal fees, so far; equals "
                  "cash − hard liabilities + P."),
    ("New-money dependency", "min(P, max(0, hard liabilities − cash)) / P: the share of payouts so far that own "
                             "means do not cover, paid or owed out of members' new money."),
    ("Promises honoured", "dividends released / energy granted (promised), cumulative."),
    ("Collapse day", "first day on which a requested withdrawal has stayed unpaid for K days "
                     "(withdrawals.insolvency_grace_days)."),
    ("Member net outcome", "cash received (net of fees) + goods value (price × goods_value_ratio) − money paid "
                           "in; members who never paid in are left out."),
    ("Gini of cash received", "Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² x̄) over the cash each paying member received."),
    ("Ruin probability by day t", "share of replicates collapsed on or before day t, with a 95 % Wilson interval."),
    ("Verdict", f"unsustainable if the run collapsed, or (with replicates) at least "
                f"{percent(RUIN_PROBABILITY_THRESHOLD)} of replicates collapsed by the last day, or the cash at "
                f"the end covers less than {percent(PROMISE_COVERAGE_THRESHOLD)} of hard + contingent "
                f"liabilities; otherwise sustained only by new money if the new-money dependency at the end is "
                f"at least {percent(NEW_MONEY_DEPENDENCY_THRESHOLD)}; otherwise sustainable within the horizon."),
)


@dataclass(frozen=True)
class ReportContent:
    """Everything the report says, as text, ready for the HTML and PDF layouts."""

    title: str
    subtitle: str
    description: str
    verdict: Verdict
    key_figures: list[tuple[str, str]]
    checklist: list[ChecklistItem]
    cohort_header: list[str]
    cohort_rows: list[list[str]]
    replicate_figures: list[tuple[str, str]]
    scenario_rows: list[tuple[str, str]]
    provenance: list[tuple[str, str]]
    definitions: tuple[tuple[str, str], ...]
    charts: dict[str, tuple[str, str]]


def ratio_text(value: float, digits: int = 3) -> str:
    """A coverage ratio, with "∞ (nothing owed)" for an infinite one."""
    return "∞ (nothing owed)" if value == math.inf else f"{value:.{digits}f}"


def gini_text(value: float) -> str:
    """A Gini coefficient, "–" when undefined (nobody received anything)."""
    return "–" if math.isnan(value) else f"{value:.3f}"


def key_figures(result: RunResult, metrics: dict) -> list[tuple[str, str]]:
    """The headline numbers of a run, as (label, value) rows; money in the scenario's currency."""
    members, merchants = member_outcomes(result.members), merchant_outcomes(result.daily)
    daily = result.daily
    under = metrics["first_day_under_covered"]
    collapse = metrics["collapse_day"]
    currency = result.scenario.platform.currency

    def money(cents: int) -> str:
        return money_text(cents, currency)

    initial = result.scenario.population.initial_members
    on_books = int(daily["members_total"].iloc[-1])
    return [
        ("Horizon", f"{metrics['days']} days (day 0 to day {metrics['last_day']})"),
        ("Members", f"{initial:,} at the start, {on_books - initial:,} joined during the run "
                    f"({on_books:,} in all), {int(daily['members_active'].iloc[-1]):,} active at the end"),
        ("Sales", money(metrics["sales_cents"])),
        ("New money paid in by members", money(metrics["new_money_cents"])),
        ("Dividends promised (energy granted)", money(metrics["promised_cents"])),
        ("Promises honoured", f"{percent(metrics['promises_honoured'])} (dividends released / promised)"),
        ("Pool inflow / dividends released", f"{money(metrics['pool_inflow_cents'])} / "
                                             f"{money(metrics['released_cents'])} "
                                             f"({percent(metrics['release_to_inflow'])} of inflow)"),
        ("Payouts credited to members", money(metrics["payouts_cents"])),
        ("Withdrawn by members (net of fees)", money(metrics["withdrawn_cents"])),
        ("Platform's own means (capital + margin)", money(metrics["own_means_cents"])),
        ("Payouts funded by new money", f"{money(metrics['new_money_funded_cents'])} "
                                        f"({percent(metrics['new_money_dependency'])} of payouts; "
                                        f"peak {percent(metrics['new_money_dependency_peak'])})"),
        ("Coverage at the end", f"{ratio_text(metrics['final_coverage_ratio'])} of hard liabilities, "
                                f"{ratio_text(metrics['final_coverage_ratio_all'], 4)} of all liabilities"),
        ("Lowest coverage of hard liabilities", ratio_text(metrics["min_coverage_ratio"])
         + (f", first below 1 on day {under}" if under is not None else ", never below 1")),
        ("Collapse day", str(collapse) if collapse is not None else "none within the horizon"),
        ("Paying members who lost money", f"{percent(members['share_losing'])} of {members['members']:,}; "
                                          f"median net {money(round(members['median_net_cents']))}"
         if members["members"] else "nobody paid in"),
        ("Gini of cash received by members", gini_text(members["gini_cash_received"])),
        ("Merchants", f"{merchants['merchants_first_day']:,} on day 0, {merchants['merchants_last_day']:,} "
                      f"on the last day (peak {merchants['merchants_peak']:,})"),
        ("Merchants paid", f"{money(merchants['paid_cents'])} of {money(merchants['due_cents'])} "
                           f"due ({percent(merchants['paid_share'])}); {money(merchants['unpaid_cents'])} "
                           "unpaid at the end"),
    ]


def cohort_table(result: RunResult) -> tuple[list[str], list[list[str]]]:
    """The numbers behind the cohort chart: header and one row per join cohort (the first
    one holds the initial members, who all joined on day 0); money in the scenario's currency."""
    currency = result.scenario.platform.currency
    initial = result.scenario.population.initial_members
    header = ["joined on days", "members joined", "paying", "losing",
              f"median net ({currency})", f"10 % quantile ({currency})", f"90 % quantile ({currency})",
              "Gini of cash received"]
    rows = []
    for row in cohort_outcomes(result.members).itertuples():
        paying = row.members > 0
        rows.append([
            f"{row.first_join_day}–{row.last_join_day}"
            + (f" (with the {initial:,} initial members)" if row.first_join_day == 0 else ""),
            f"{row.members_joined:,}", f"{row.members:,}",
            percent(row.share_losing) if paying else "–",
            format_cents(round(row.median_net_cents)) if paying else "–",
            format_cents(round(row.q10_net_cents)) if paying else "–",
            format_cents(round(row.q90_net_cents)) if paying else "–",
            gini_text(row.gini_cash_received),
        ])
    return header, rows


def replicate_figures(table: pd.DataFrame, horizon_days: int) -> list[tuple[str, str]]:
    """Ruin probability at four points of the horizon and the collapse-day distribution."""
    days = collapse_days(table)
    ruin = ruin_probability(days, horizon_days)
    spread = collapse_day_distribution(days)
    rows = [("Replicates", f"{len(days)} seeds derived from seed {int(table['seed'].iloc[0])} "
                           "(sim.rng.replicate_seed)")]
    for day in sorted({horizon_days // 4, horizon_days // 2, 3 * horizon_days // 4, horizon_days - 1}):
        point = ruin.iloc[day]
        band = f"95 % interval {percent(point['low'])}–{percent(point['high'])}"
        rows.append((f"Ruin probability by day {day}", f"{percent(point['probability'])} ({band})"))
    if spread["collapsed"]:
        rows.append(("Collapse day across replicates", f"median {spread['median_day']:g}, quartiles "
                                                      f"{spread['q25_day']:g}–{spread['q75_day']:g}, range "
                                                      f"{spread['min_day']:g}–{spread['max_day']:g}"))
    return rows


def flatten(value, prefix: str) -> list[tuple[str, str]]:
    """Nested tables as ("a.b.c", value) rows; lists and scalars as their text."""
    if isinstance(value, dict):
        return [row for key, item in value.items() for row in flatten(item, f"{prefix}.{key}" if prefix else key)]
    return [(prefix, value if isinstance(value, str) else json.dumps(value))]


def scenario_rows(result: RunResult) -> list[tuple[str, str]]:
    """Every field of the resolved scenario as ("section.field", value)."""
    return flatten(result.scenario.model_dump(mode="json", exclude={"name", "description"}), "")


def provenance(result: RunResult, run_dir: Path) -> list[tuple[str, str]]:
    """Where the numbers come from: run folder, versions, scenario hash, seed."""
    manifest = result.manifest
    return [
        ("Run folder", str(run_dir)),
        ("Run created (UTC)", str(manifest.get("created_utc"))),
        ("circsim version / git commit", f"{manifest.get('package_version')} / {manifest.get('git_commit')}"),
        ("Scenario hash", str(manifest.get("scenario_hash"))),
        ("Seed", str(result.scenario.run.seed)),
        ("Report created (UTC)", datetime.now(UTC).isoformat(timespec="seconds")),
    ]


def report_content(result: RunResult, replicates: pd.DataFrame | None, run_dir: Path) -> ReportContent:
    """Compute everything the report says about one run (and its replicates, if any)."""
    metrics = run_metrics(result.daily, result.ledger)
    horizon = result.scenario.run.days
    ruin = ruin_probability(collapse_days(replicates), horizon) if replicates is not None else None
    header, rows = cohort_table(result)
    charts = {name: text for name, text in CHART_TEXT.items() if name != "ruin" or replicates is not None}
    return ReportContent(
        title=f"Sustainability report: {result.scenario.name}",
        subtitle=(f"run {result.manifest.get('run_id')}: {result.scenario.population.initial_members:,} members "
                  f"at the start, {metrics['days']} days, seed {result.scenario.run.seed}; money in "
                  f"{result.scenario.platform.currency}"),
        description=result.scenario.description,
        verdict=assess(metrics, ruin, currency=result.scenario.platform.currency),
        key_figures=key_figures(result, metrics),
        checklist=checklist(result.daily, result.ledger, metrics, result.scenario.platform.currency),
        cohort_header=header,
        cohort_rows=rows,
        replicate_figures=replicate_figures(replicates, horizon) if replicates is not None else [],
        scenario_rows=scenario_rows(result),
        provenance=provenance(result, run_dir),
        definitions=DEFINITIONS,
        charts=charts,
    )


def write_report(run_dir: str | Path) -> tuple[Path, Verdict]:
    """Write ``RUN_DIR/report/`` (report.html, report.pdf, charts/*.png and *.svg) and
    return the folder and the verdict."""
    run_dir = Path(run_dir)
    result, replicates = read_run(run_dir)
    content = report_content(result, replicates, run_dir)
    figures = run_charts(result, collapse_days(replicates) if replicates is not None else None)

    def write(folder: Path) -> None:
        charts_dir = folder / "charts"
        charts_dir.mkdir()
        for name, figure in figures.items():
            save_chart(figure, charts_dir, name)
        svgs = {name: (charts_dir / f"{name}.svg").read_text(encoding="utf-8") for name in figures}
        (folder / "report.html").write_text(render_html(content, svgs), encoding="utf-8")
        write_pdf(content, figures, folder / "report.pdf")

    return write_folder(run_dir, REPORT_FOLDER, write), content.verdict
