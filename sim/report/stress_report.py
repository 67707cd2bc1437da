"""The stress report of `circsim stress`: ``stress.html`` (self-contained, charts inline as
SVG) and ``stress.pdf`` (A4 text pages, then one page per chart), with ``charts/*.png`` and
``*.svg``, written into a battery's folder (``stress.parquet``, ``warnings.parquet``,
``packs.parquet``, ``stress.json``) or a reverse stress test's folder (``reverse.parquet``,
``boundary.parquet``, ``reverse.json``). It reads only those files; nothing is simulated.

It reuses the report's layout helpers (``sim.report.html``, ``sim.report.pdf``) and chart
writer (``sim.report.charts.save_chart``); the charts are ``sim.report.stress_charts``.
"""

import json
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from string import Template

import pandas as pd
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from sim.analysis.indicator_packs import NOT_A_LEGAL_CONCLUSION
from sim.analysis.verdict import money_text
from sim.report.charts import save_chart
from sim.report.html import cells, chart_figures
from sim.report.pdf import BODY_PT, TITLE_PT, PageWriter
from sim.report.stress_charts import collapse_day_chart, heat_map_chart, reverse_chart, warnings_chart

HTML_FILE, PDF_FILE, CHARTS_FOLDER = "stress.html", "stress.pdf", "charts"

PAGE = Template("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title>$title</title>
<style>
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; color: #222; max-width: 64rem;
       margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
.subtitle { color: #555; margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1.5rem; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
figure { margin: 1.5rem 0; }
figure svg { max-width: 100%; height: auto; }
figcaption { color: #444; font-size: 0.92rem; }
</style>
</head>
<body>
<h1>$title</h1>
<p class="subtitle">$subtitle</p>
$sections
$charts
</body>
</html>
""")


@dataclass
class Section:
    """A titled part of the report: paragraphs, then a table (header + rows)."""

    title: str
    paragraphs: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class StressContent:
    """Everything the stress report shows, in order; the main report could embed the same
    sections and figures."""

    title: str
    subtitle: str
    sections: list[Section]
    figures: dict[str, Figure]
    captions: dict[str, tuple[str, str]]


def percent(value) -> str:
    """A share as a percentage, or a dash when there is none."""
    return "-" if value is None or pd.isna(value) else f"{value:.1%}"


def number(value, digits: int = 3) -> str:
    """A number with ``digits`` significant digits, or a dash when there is none."""
    return "-" if value is None or pd.isna(value) else f"{value:.{digits}g}"


def battery_findings(cells_table: pd.DataFrame, horizon_days: int, breaking: float, confidence: float,
                     currency: str) -> list[str]:
    """The battery's answer in words: ruin without a shock, per shock the least severity
    tried at which ruin is above ``breaking`` (more likely than not), each with its
    Clopper–Pearson interval at ``confidence``, and, when the operator took money out, the
    most it took (median over replicates) in a cell where ruin stayed no more likely than
    not: how much it can take before members are left unpaid."""
    unshocked = cells_table.iloc[0]
    lines = [(f"without a shock: ruin within {horizon_days} days in {int(unshocked['ruined'])} of "
             f"{int(unshocked['replicates'])} replicates ({percent(unshocked['ruin_probability'])}, "
             f"{confidence:.0%} interval {percent(unshocked['ruin_lower'])} - {percent(unshocked['ruin_upper'])})")]
    for shock, group in cells_table.iloc[1:].groupby("shock", sort=False):
        above = group[group["ruin_probability"] > breaking]
        shown = above.iloc[0] if len(above) else group.iloc[-1]
        interval = f"{percent(shown['ruin_probability'])}, {percent(shown['ruin_lower'])} - {percent(shown['ruin_upper'])}"
        if len(above):
            lines.append(f"{shock}: ruin more likely than not from severity {shown['severity']:g} ({interval})")
        else:
            lines.append(f"{shock}: ruin more likely than not at no severity tried; at {shown['severity']:g}: {interval}")
    safe = cells_table[cells_table["ruin_probability"] <= breaking]
    if cells_table["operator_extracted_median_cents"].max() > 0 and len(safe):
        most = safe.loc[safe["operator_extracted_median_cents"].idxmax()]
        lines.append(f"the operator took out at most {money_text(int(most['operator_extracted_median_cents']), currency)} "
                     f"(median over replicates) while ruin stayed no more likely than not ({most['shock']}, "
                     f"severity {most['severity']:g})")
    return lines


def battery_content(folder: Path) -> StressContent:
    """The report of a battery's folder."""
    manifest = json.loads((folder / "stress.json").read_text())
    table = pd.read_parquet(folder / "stress.parquet")
    warnings = pd.read_parquet(folder / "warnings.parquet")
    packs = pd.read_parquet(folder / "packs.parquet")
    horizon = manifest["horizon_days"]
    findings = battery_findings(table, horizon, manifest["breaking_ruin_probability"], manifest["confidence"],
                                manifest["currency"])
    sections = [
        Section("What the battery shows", findings),
        Section("Ruin by shock and severity",
                [(f"Ruin: a withdrawal request unpaid for the scenario's grace days within {horizon} days. Interval: "
                 f"two-sided {manifest['confidence']:.0%} Clopper-Pearson. Every cell ran the same "
                 f"{manifest['replicates']} seeds (common random numbers).")],
                ["shock", "severity", "ruined", "ruin probability", "interval", "median collapse day",
                 "promises honoured", "members losing", "lowest coverage",
                 f"operator took (median, {manifest['currency']})"],
                [[row.shock, f"{row.severity:g}", f"{row.ruined} of {row.replicates}", percent(row.ruin_probability),
                  f"{percent(row.ruin_lower)} - {percent(row.ruin_upper)}", number(row.collapse_day_median),
                  percent(row.promises_honoured_share), percent(row.share_members_losing), number(row.coverage_min),
                  money_text(row.operator_extracted_median_cents, "").strip()]
                 for row in table.itertuples(index=False)]),
        Section("Early warnings",
                [("Detection: collapses warned of on or before the collapse day. Lead time: collapse day minus the "
                 "first warning. False alarms: runs that did not collapse but were warned of. Over every run of "
                 "the battery.")],
                ["indicator", "warns when", "threshold", "detected", "median lead (days)", "false alarms"],
                [[row.indicator, row.warns_when.replace("_", " "), f"{row.threshold:g}",
                  f"{row.detected} of {row.collapses}", number(row.lead_time_median_days),
                  f"{row.false_alarms} of {row.non_collapsing} ({percent(row.false_alarm_rate)})"]
                 for row in warnings.itertuples(index=False)]),
        Section("Indicator packs (the unshocked run, replicate 0)", [NOT_A_LEGAL_CONCLUSION],
                ["pack", "criterion", "value", "threshold", "reaches it", "evidence"],
                [[row.pack, row.criterion, number(row.value, 4),
                  f"{'>=' if row.comparison == 'at_least' else '>'} {row.threshold:g}",
                  "yes" if row.reaches_threshold else "no", row.evidence] for row in packs.itertuples(index=False)]),
    ]
    figures = {"heat_map": heat_map_chart(table, manifest["scenario"]), "collapse_day": collapse_day_chart(table, horizon),
               "warnings": warnings_chart(warnings)}
    captions = {
        "heat_map": ("Ruin probability", "Share of replicates that collapsed within the horizon, by shock and severity."),
        "collapse_day": ("Collapse day", "Median collapse day of the replicates that collapsed; open markers: none did."),
        "warnings": ("Early warnings", "Share of collapses warned of, false alarms, and lead times per indicator."),
    }
    subtitle = (f"battery {manifest['battery']}, shocks on day {manifest['shock_day']} of {horizon}, "
                f"{manifest['replicates']} replicates from seed {manifest['seed']}, {manifest['runs']:,} runs")
    return StressContent(f"Stress test: {manifest['scenario']}", subtitle, sections, figures, captions)


def reverse_content(folder: Path) -> StressContent:
    """The report of a reverse stress test's folder."""
    manifest = json.loads((folder / "reverse.json").read_text())
    families = pd.read_parquet(folder / "reverse.parquet")
    boundary = pd.read_parquet(folder / "boundary.parquet")
    first, second = manifest["pair"]
    sections = [
        Section("The smallest shock that breaks it", list(manifest["statements"].values()),
                ["shock", "largest surviving severity", "ruin there (upper bound)", "least breaking severity",
                 "ruin there (lower bound)"],
                [[row.shock, number(row.largest_surviving_severity),
                  f"{percent(row.ruin_at_surviving)} ({percent(row.ruin_upper_at_surviving)})",
                  number(row.least_breaking_severity),
                  f"{percent(row.ruin_at_breaking)} ({percent(row.ruin_lower_at_breaking)})"]
                 for row in families.itertuples(index=False)]),
        Section(f"Boundary: {first} and {second} at once",
                [(f"At each severity of {first}, the least severity of {second} at which ruin within "
                 f"{manifest['horizon_days']} days is more likely than not.")],
                [f"{first} severity", f"{second}: largest surviving", f"{second}: least breaking"],
                [[f"{row.first_severity:g}", number(row.largest_surviving_severity), number(row.least_breaking_severity)]
                 for row in boundary.itertuples(index=False)]),
    ]
    subtitle = (f"battery {manifest['battery']}, shocks on day {manifest['shock_day']} of {manifest['horizon_days']}, "
                f"{manifest['replicates']} replicates per severity tried, bisection to {manifest['tolerance']:g}, "
                f"one-sided {manifest['confidence']:.0%} Clopper-Pearson bounds")
    return StressContent(f"Reverse stress test: {manifest['scenario']}", subtitle, sections,
                         {"reverse": reverse_chart(families, boundary)},
                         {"reverse": ("Reverse stress test", "Least breaking severity per shock, and the two-shock boundary.")})


def render_html(content: StressContent, svgs: dict[str, str]) -> str:
    """The report page for ``content`` with the charts' SVG texts."""
    parts = []
    for section in content.sections:
        parts.append(f"<h2>{escape(section.title)}</h2>")
        parts += [f"<p>{escape(text)}</p>" for text in section.paragraphs]
        if section.rows:
            parts.append("<table>\n" + cells(section.header, "th") + "\n" + "\n".join(cells(r) for r in section.rows)
                         + "\n</table>")
    return PAGE.substitute(title=escape(content.title), subtitle=escape(content.subtitle), sections="\n".join(parts),
                           charts=chart_figures(content.captions, svgs))


def write_pdf(content: StressContent, path: Path) -> None:
    """The text pages (``sim.report.pdf.PageWriter``), then one page per chart."""
    writer = PageWriter()
    writer.paragraph(content.title, TITLE_PT, fontweight="bold")
    writer.paragraph(content.subtitle, BODY_PT + 1, color="#555555")
    for section in content.sections:
        writer.heading(section.title)
        for text in section.paragraphs:
            writer.paragraph(text)
        if section.rows:
            writer.table(section.rows, [1 / len(section.header)] * len(section.header), section.header)
    with PdfPages(path, metadata={"Title": content.title, "Creator": "circsim", "CreationDate": None}) as pdf:
        for page in writer.pages + list(content.figures.values()):
            pdf.savefig(page)


def write_stress_report(folder: str | Path) -> tuple[Path, Path]:
    """Write ``stress.html``, ``stress.pdf`` and ``charts/`` into ``folder`` (a battery's or
    a reverse stress test's, as its files say); return the two report paths. The caller
    writes into a folder it renames into place when complete."""
    folder = Path(folder)
    content = reverse_content(folder) if (folder / "reverse.json").exists() else battery_content(folder)
    return write_pages(content, folder, HTML_FILE, PDF_FILE)


def write_pages(content: StressContent, folder: Path, html_name: str, pdf_name: str) -> tuple[Path, Path]:
    """Write ``content`` into ``folder``: its charts in ``charts/`` (PNG and SVG), the HTML page
    (charts inline) and the PDF; return the two report paths."""
    charts_dir = folder / CHARTS_FOLDER
    charts_dir.mkdir(exist_ok=True)
    for name, figure in content.figures.items():
        save_chart(figure, charts_dir, name)
    svgs = {name: (charts_dir / f"{name}.svg").read_text(encoding="utf-8") for name in content.figures}
    (folder / html_name).write_text(render_html(content, svgs), encoding="utf-8")
    write_pdf(content, folder / pdf_name)
    return folder / html_name, folder / pdf_name
