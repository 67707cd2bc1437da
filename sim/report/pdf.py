"""The PDF layout of the sustainability report (matplotlib's PdfPages, no system
dependencies): A4 text pages (verdict, key figures, checklist, replicates, cohorts,
scenario, definitions), then one page per chart."""

import textwrap
from pathlib import Path

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from sim.analysis.verdict import NEW_MONEY, UNSUSTAINABLE

PAGE_WIDTH_IN, PAGE_HEIGHT_IN = 8.27, 11.69  # A4 portrait
MARGIN_IN = 0.6
BODY_PT, HEADING_PT, TITLE_PT = 8.5, 13, 18
LINE_SPACING = 1.35
CHARACTER_WIDTH_EM = 0.58
"""Width of an average character of DejaVu Sans in ems, generous so wrapped text fits."""
VERDICT_COLOURS = {UNSUSTAINABLE: ("#c0392b", "#fbeceb"), NEW_MONEY: ("#e69500", "#fff6e5")}
SUSTAINABLE_COLOURS = ("#2e7d32", "#eef7ee")


def line_height_in(size_pt: float) -> float:
    """Height of one line of text of ``size_pt`` points, in inches."""
    return size_pt * LINE_SPACING / 72


def wrap(text: str, width_in: float, size_pt: float) -> list[str]:
    """``text`` broken into lines that fit ``width_in`` inches at ``size_pt`` points."""
    characters = max(8, int(width_in * 72 / (size_pt * CHARACTER_WIDTH_EM)))
    return textwrap.wrap(str(text), characters) or [""]


class PageWriter:
    """Lays text out top to bottom on A4 pages, starting a new page when one is full."""

    def __init__(self):
        self.pages: list[Figure] = []
        self.y_in = 0.0
        self.new_page()

    @property
    def width_in(self) -> float:
        """The usable width of a page."""
        return PAGE_WIDTH_IN - 2 * MARGIN_IN

    def new_page(self) -> None:
        """Start a fresh page."""
        self.pages.append(Figure(figsize=(PAGE_WIDTH_IN, PAGE_HEIGHT_IN)))
        self.y_in = PAGE_HEIGHT_IN - MARGIN_IN

    def make_room(self, height_in: float) -> None:
        """Start a new page unless ``height_in`` inches still fit on this one."""
        if self.y_in - height_in < MARGIN_IN:
            self.new_page()

    def put(self, x_in: float, lines: list[str], size_pt: float, **style) -> None:
        """Write ``lines`` at ``x_in`` from the current height (no cursor move), as typed: a
        scenario's description may hold dollar signs, which must not start mathtext."""
        page = self.pages[-1]
        for index, line in enumerate(lines):
            page.text(x_in / PAGE_WIDTH_IN, (self.y_in - index * line_height_in(size_pt)) / PAGE_HEIGHT_IN,
                      line, fontsize=size_pt, va="top", ha="left", parse_math=False, **style)

    def paragraph(self, text: str, size_pt: float = BODY_PT, gap_in: float = 0.08, **style) -> None:
        """A wrapped paragraph across the page."""
        lines = wrap(text, self.width_in, size_pt)
        self.make_room(len(lines) * line_height_in(size_pt))
        self.put(MARGIN_IN, lines, size_pt, **style)
        self.y_in -= len(lines) * line_height_in(size_pt) + gap_in

    def heading(self, text: str) -> None:
        """A section heading, kept with at least a few lines below it."""
        self.make_room(line_height_in(HEADING_PT) + 4 * line_height_in(BODY_PT))
        self.y_in -= 0.12
        self.paragraph(text, HEADING_PT, gap_in=0.06, fontweight="bold")

    def table(self, rows: list[list[str]], widths: list[float], header: list[str] | None = None) -> None:
        """Rows of cells in columns of ``widths`` (shares of the page width), wrapped;
        the header row in bold, repeated on a new page."""
        column_in = [share * self.width_in for share in widths]
        for index, row in enumerate(([header] if header else []) + rows):
            is_header = header is not None and index == 0
            self.table_row(row, column_in, bold=is_header)
        self.y_in -= 0.1

    def table_row(self, row: list[str], column_in: list[float], bold: bool = False) -> None:
        """One table row with a thin rule under it."""
        wrapped = [wrap(cell, width - 0.15, BODY_PT) for cell, width in zip(row, column_in)]
        height = max(len(lines) for lines in wrapped) * line_height_in(BODY_PT) + 0.05
        self.make_room(height)
        x_in = MARGIN_IN
        for lines, width in zip(wrapped, column_in):
            self.put(x_in, lines, BODY_PT, fontweight="bold" if bold else "normal")
            x_in += width
        self.y_in -= height
        self.pages[-1].add_artist(Rectangle(
            (MARGIN_IN / PAGE_WIDTH_IN, (self.y_in + 0.02) / PAGE_HEIGHT_IN), self.width_in / PAGE_WIDTH_IN, 0.0004,
            transform=self.pages[-1].transFigure, color="#cccccc"))

    def boxed(self, label: str, text: str, colours: tuple[str, str]) -> None:
        """A coloured box holding a large label and a wrapped text."""
        lines = wrap(text, self.width_in - 0.4, BODY_PT + 1.5)
        height = line_height_in(HEADING_PT + 3) + len(lines) * line_height_in(BODY_PT + 1.5) + 0.25
        self.make_room(height)
        edge, fill = colours
        page = self.pages[-1]
        page.add_artist(Rectangle((MARGIN_IN / PAGE_WIDTH_IN, (self.y_in - height) / PAGE_HEIGHT_IN),
                                  self.width_in / PAGE_WIDTH_IN, height / PAGE_HEIGHT_IN,
                                  transform=page.transFigure, facecolor=fill, edgecolor=edge, linewidth=2))
        self.y_in -= 0.12
        self.put(MARGIN_IN + 0.2, [label.upper()], HEADING_PT + 3, fontweight="bold", color=edge)
        self.y_in -= line_height_in(HEADING_PT + 3)
        self.put(MARGIN_IN + 0.2, lines, BODY_PT + 1.5)
        self.y_in -= len(lines) * line_height_in(BODY_PT + 1.5) + 0.25


def text_pages(content) -> list[Figure]:
    """The text pages of the report for ``content`` (a ``ReportContent``)."""
    writer = PageWriter()
    writer.paragraph(content.title, TITLE_PT, fontweight="bold")
    writer.paragraph(content.subtitle, BODY_PT + 1, color="#555555")
    if content.description:
        writer.paragraph(f"Scenario description: {content.description}")
    verdict = content.verdict
    writer.heading("Verdict")
    writer.boxed(verdict.label, verdict.headline, VERDICT_COLOURS.get(verdict.label, SUSTAINABLE_COLOURS))
    writer.table([[c.name, c.threshold, c.value, "yes" if c.tripped else "no", c.leads_to] for c in verdict.criteria],
                 [0.2, 0.28, 0.27, 0.08, 0.17], ["criterion", "threshold", "this run", "tripped", "leads to"])
    writer.heading("Key figures")
    writer.table([list(row) for row in content.key_figures], [0.36, 0.64])
    writer.heading("Regulator's checklist")
    writer.table([[item.feature, "yes" if item.present else "no", item.evidence] for item in content.checklist],
                 [0.3, 0.08, 0.62], ["feature", "present", "evidence"])
    if content.replicate_figures:
        writer.heading("Replicates")
        writer.table([list(row) for row in content.replicate_figures], [0.36, 0.64])
    writer.heading("Member outcomes by join cohort")
    writer.table(content.cohort_rows, [0.13, 0.11, 0.1, 0.09, 0.15, 0.15, 0.15, 0.12], content.cohort_header)
    writer.heading("Definitions and thresholds")
    writer.table([list(row) for row in content.definitions], [0.25, 0.75])
    writer.heading("Scenario (fully resolved)")
    writer.table([list(row) for row in content.scenario_rows], [0.5, 0.5])
    writer.heading("Provenance")
    writer.table([list(row) for row in content.provenance], [0.3, 0.7])
    return writer.pages


def write_pdf(content, charts: dict[str, Figure], path: Path) -> None:
    """Write the report to ``path``: the text pages, then each chart on its own page."""
    with PdfPages(path, metadata={"Title": content.title, "Creator": "circsim", "CreationDate": None}) as pdf:
        for page in text_pages(content):
            pdf.savefig(page)
        for figure in charts.values():
            pdf.savefig(figure)
