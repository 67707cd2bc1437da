"""`circsim run --replicates R --report` and `circsim report RUN_DIR` as a user runs them:
the report renders (the HTML parses, the PDF has its pages, every chart is there), and
every bad folder is refused with one line and nothing written."""

import re
import shutil
import xml.etree.ElementTree as ElementTree

import pandas as pd
import pytest

from sim.core.rng import replicate_seed
from sim.results.replicates import REPLICATES_FILE
from sim.results.run_result import RESULT_FILES
from tests.helpers import BASELINE, SHRINKING, assert_rejected, only_run_dir, run_cli

CHARTS = ("solvency", "flows", "growth", "cohorts", "ruin")
SVG = "{http://www.w3.org/2000/svg}svg"
SETTINGS = [f"--set={key}={value}" for key, value in {**SHRINKING, "population.initial_members": 600,
                                                     "platform.currency": "CNY"}.items()]


@pytest.fixture(scope="module")
def replicated_run(tmp_path_factory):
    """A shrinking platform run with 4 replicates and its report, through the CLI."""
    out = tmp_path_factory.mktemp("results")
    completed = run_cli("run", BASELINE, "--days", 95, "--replicates", 4, "--report", *SETTINGS, "--out", out)
    assert completed.returncode == 0, completed.stderr
    return only_run_dir(out), completed.stdout


def test_replicates_and_report_are_announced(replicated_run):
    run_dir, stdout = replicated_run
    assert "replicates: 4 seeds derived from seed 1" in stdout
    assert re.search(r"ruin probability by day 94\s+\d+\.\d% \(95% interval", stdout)
    assert re.search(r"collapse day\s+median \d+", stdout)
    assert f"report: {run_dir / 'report' / 'report.html'}" in stdout
    assert "verdict: unsustainable" in stdout
    assert sorted(p.name for p in run_dir.iterdir()) == sorted([*RESULT_FILES, REPLICATES_FILE, "report"])
    table = pd.read_parquet(run_dir / REPLICATES_FILE)
    assert table["seed"].tolist() == [replicate_seed(1, k) for k in range(4)]


def test_html_is_well_formed_self_contained_and_has_every_chart(replicated_run):
    run_dir, _ = replicated_run
    html = (run_dir / "report" / "report.html").read_text(encoding="utf-8")
    page = ElementTree.fromstring(html)  # strict XML: every tag closed, every entity known
    figures = {element.get("id"): element for element in page.iter("figure")}
    assert sorted(figures) == sorted(f"chart-{name}" for name in CHARTS)
    assert all(figure.find(SVG) is not None for figure in figures.values())
    assert not re.search(r"<script|<link|<img|src=", html)  # nothing to fetch
    text = "".join(page.itertext())
    for fragment in ("unsustainable", "Ruin probability by the last day", "at least 5.0% of replicates",
                     "Promise coverage at the end", "cash below 50.0%", "New-money dependency at the end",
                     "Entry fee through gift packages", "Rewards for recruiting", "Multi-level team rewards",
                     "Payouts promised above the platform's margin", "release.dividend_pool_share_of_sales"):
        assert fragment in text


def key_figure_cells(html: str) -> dict[str, str]:
    """The report's key figures by label, as text."""
    page = ElementTree.fromstring(html)
    (table,) = [table for table in page.iter("table") if any(th.text == "Horizon" for th in table.iter("th"))]
    return {row.find("th").text: row.find("td").text for row in table.iter("tr")}


def test_money_is_named_in_the_scenarios_currency(replicated_run):
    run_dir, stdout = replicated_run
    for label in ("sales", "new money paid in", "withdrawn (net)", "platform cash (end)"):
        assert re.search(rf"^  {re.escape(label)}\s+-?[\d,]+\.\d\d CNY$", stdout, re.MULTILINE), label
    html = (run_dir / "report" / "report.html").read_text(encoding="utf-8")
    figures = key_figure_cells(html)
    for label in ("Sales", "New money paid in by members", "Payouts credited to members",
                  "Platform's own means (capital + margin)"):
        assert re.fullmatch(r"-?[\d,]+\.\d\d CNY", figures[label]), figures[label]
    assert "currency units" not in html
    assert "median net (CNY)" in html  # the cohort table's money columns


def test_joined_counts_only_members_who_joined_after_day_0(replicated_run):
    """The shrinking platform's market is its 600 initial members: nobody joins later."""
    html = (replicated_run[0] / "report" / "report.html").read_text(encoding="utf-8")
    assert key_figure_cells(html)["Members"].startswith("600 at the start, 0 joined during the run (600 in all)")
    assert re.search(r"<td>0–\d+ \(with the 600 initial members\)</td>", html)  # the first cohort's row


def pdf_pages(path) -> int:
    """Page objects in a PDF file (matplotlib writes them as plain dictionaries)."""
    return len(re.findall(rb"/Type\s*/Page[^s]", path.read_bytes()))


def test_pdf_has_text_pages_and_one_page_per_chart(replicated_run):
    run_dir, _ = replicated_run
    pdf = run_dir / "report" / "report.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert pdf_pages(pdf) >= 2 + len(CHARTS)


def test_each_chart_is_saved_as_png_and_svg(replicated_run):
    run_dir, _ = replicated_run
    for name in CHARTS:
        assert (run_dir / "report" / "charts" / f"{name}.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
        assert "<svg" in (run_dir / "report" / "charts" / f"{name}.svg").read_text(encoding="utf-8")


def test_plain_run_report_has_no_ruin_chart(tmp_path):
    completed = run_cli("run", BASELINE, "--days", 10, "--set=population.initial_members=300",
                        "--set=population.market_size_members=3000", "--report", "--out", tmp_path)
    assert completed.returncode == 0, completed.stderr
    run_dir = only_run_dir(tmp_path)
    assert sorted(p.stem for p in (run_dir / "report" / "charts").iterdir()) == sorted(2 * CHARTS[:4])
    assert 'id="chart-ruin"' not in (run_dir / "report" / "report.html").read_text(encoding="utf-8")
    assert pdf_pages(run_dir / "report" / "report.pdf") >= 2 + 4


def copy_run(run_dir, target):
    """A copy of a run folder without its report."""
    shutil.copytree(run_dir, target, ignore=shutil.ignore_patterns("report"))
    return target


def corrupt_daily(folder):
    (folder / "daily.parquet").write_bytes(b"not parquet")


def drop_insolvent_column(folder):
    daily = pd.read_parquet(folder / "daily.parquet")
    daily.drop(columns="insolvent").to_parquet(folder / "daily.parquet", index=False)


def break_scenario(folder):
    (folder / "scenario.toml").write_text("[run\n")


@pytest.mark.parametrize("damage, expected", [
    (corrupt_daily, "results cannot be read"),
    (drop_insolvent_column, "daily.parquet: missing column(s) insolvent"),
    (break_scenario, "scenario.toml: TOML: "),
])
def test_damaged_run_folders_are_refused(replicated_run, tmp_path, damage, expected):
    folder = copy_run(replicated_run[0], tmp_path / "run")
    damage(folder)
    assert_rejected(run_cli("report", folder), expected)
    assert sorted(p.name for p in folder.iterdir()) == sorted([*RESULT_FILES, REPLICATES_FILE])


def test_folders_that_are_not_runs_are_refused(replicated_run, tmp_path):
    run_dir = replicated_run[0]
    assert_rejected(run_cli("report", tmp_path / "nope"), f"{tmp_path / 'nope'}: not found")
    (tmp_path / "file").write_text("x")
    assert_rejected(run_cli("report", tmp_path / "file"), "is not a folder")
    completed = run_cli("report", run_dir.parent)
    assert_rejected(completed, "not a run folder written by `circsim run` (missing daily.parquet",
                    f"it holds 1 run folder(s), e.g. {run_dir}")
    assert not (run_dir.parent / "report").exists()


def test_report_again_replaces_the_previous_one(replicated_run):
    run_dir, _ = replicated_run
    completed = run_cli("report", run_dir)
    assert completed.returncode == 0, completed.stderr
    assert "verdict: unsustainable" in completed.stdout
    assert sorted(p.name for p in (run_dir / "report").iterdir()) == ["charts", "report.html", "report.pdf"]
    assert not [p for p in run_dir.iterdir() if p.name.startswith(".")]


def test_zero_replicates_is_refused(tmp_path):
    assert_rejected(run_cli("run", BASELINE, "--replicates", 0, "--out", tmp_path / "out"),
                    "--replicates: must be at least 1")
    assert not (tmp_path / "out").exists()
