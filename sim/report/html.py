"""The HTML layout of the sustainability report: one self-contained, well-formed page
(styles and SVG charts inline, nothing fetched) from a ``sim.report.build.ReportContent``."""

from html import escape
from string import Template

from sim.analysis.verdict import NEW_MONEY, UNSUSTAINABLE

VERDICT_CLASS = {UNSUSTAINABLE: "bad", NEW_MONEY: "warn"}

PAGE = Template("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title>$title</title>
<style>
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; color: #222; max-width: 72rem;
       margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
h1 { margin-bottom: 0.2rem; }
.subtitle { color: #555; margin-top: 0; }
.verdict { border-left: 0.5rem solid #2e7d32; background: #eef7ee; padding: 0.8rem 1rem; margin: 1rem 0; }
.verdict.warn { border-color: #e69500; background: #fff6e5; }
.verdict.bad { border-color: #c0392b; background: #fbeceb; }
.verdict .label { font-size: 1.5rem; font-weight: bold; text-transform: uppercase; color: #2e7d32; }
.verdict.warn .label { color: #b36b00; }
.verdict.bad .label { color: #c0392b; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1.5rem; font-size: 0.92rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.yes { color: #c0392b; font-weight: bold; }
.no { color: #2e7d32; }
figure { margin: 1.5rem 0; }
figure svg { max-width: 100%; height: auto; }
figcaption { color: #444; font-size: 0.92rem; }
</style>
</head>
<body>
<h1>$title</h1>
<p class="subtitle">$subtitle</p>
$description
<h2 id="verdict">Verdict</h2>
<div class="verdict $verdict_class">
<div class="label">$verdict_label</div>
<p>$verdict_headline</p>
</div>
<table id="criteria">
<tr><th>criterion</th><th>threshold</th><th>this run</th><th>tripped</th><th>leads to</th></tr>
$criteria
</table>
<h2 id="key-figures">Key figures</h2>
<table>
$key_figures
</table>
<h2 id="checklist">Regulator's checklist</h2>
<table>
<tr><th>feature</th><th>present</th><th>evidence</th></tr>
$checklist
</table>
$replicates
<h2 id="charts">Charts</h2>
$charts
<h2 id="cohorts">Member outcomes by join cohort</h2>
<table>
$cohort_header
$cohort_rows
</table>
<h2 id="scenario">Scenario (fully resolved)</h2>
<table>
$scenario
</table>
<h2 id="definitions">Definitions and thresholds</h2>
<table>
$definitions
</table>
<h2 id="provenance">Provenance</h2>
<table>
$provenance
</table>
</body>
</html>
""")


def cells(values, tag: str = "td") -> str:
    """One table row of escaped cells."""
    return "<tr>" + "".join(f"<{tag}>{escape(str(value))}</{tag}>" for value in values) + "</tr>"


def pairs(rows) -> str:
    """(label, value) rows as a two-column table body, the label as a header cell."""
    return "\n".join(f"<tr><th>{escape(label)}</th><td>{escape(value)}</td></tr>" for label, value in rows)


def yes_no(flag: bool) -> str:
    """A table cell saying yes (in red: a warning sign) or no."""
    return '<td class="yes">yes</td>' if flag else '<td class="no">no</td>'


def inline_svg(svg_text: str) -> str:
    """An SVG file's text without its XML declaration and DOCTYPE, to embed in the page."""
    return svg_text[svg_text.index("<svg"):]


def chart_figures(charts: dict[str, tuple[str, str]], svgs: dict[str, str]) -> str:
    """Each chart as a <figure> with its SVG inline and a caption."""
    return "\n".join(
        f'<figure id="chart-{name}">\n{inline_svg(svgs[name])}\n'
        f"<figcaption><strong>{escape(title)}.</strong> {escape(caption)}</figcaption>\n</figure>"
        for name, (title, caption) in charts.items()
    )


def render_html(content, svgs: dict[str, str]) -> str:
    """The report page for ``content`` (a ``ReportContent``) with the charts' SVG texts."""
    verdict = content.verdict
    replicates = ""
    if content.replicate_figures:
        replicates = f'<h2 id="replicates">Replicates</h2>\n<table>\n{pairs(content.replicate_figures)}\n</table>'
    return PAGE.substitute(
        title=escape(content.title),
        subtitle=escape(content.subtitle),
        description=f"<p>Scenario description: {escape(content.description)}</p>" if content.description else "",
        verdict_class=VERDICT_CLASS.get(verdict.label, "good"),
        verdict_label=escape(verdict.label),
        verdict_headline=escape(verdict.headline),
        criteria="\n".join(
            f'<tr><td>{escape(c.name)}</td><td>{escape(c.threshold)}</td><td>{escape(c.value)}</td>'
            f'{yes_no(c.tripped)}<td>{escape(c.leads_to)}</td></tr>' for c in verdict.criteria
        ),
        key_figures=pairs(content.key_figures),
        checklist="\n".join(
            f"<tr><td>{escape(item.feature)}</td>{yes_no(item.present)}<td>{escape(item.evidence)}</td></tr>"
            for item in content.checklist
        ),
        replicates=replicates,
        charts=chart_figures(content.charts, svgs),
        cohort_header=cells(content.cohort_header, "th"),
        cohort_rows="\n".join(cells(row) for row in content.cohort_rows),
        scenario=pairs(content.scenario_rows),
        definitions=pairs(content.definitions),
        provenance=pairs(content.provenance),
    )
