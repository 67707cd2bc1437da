"""User text is shown as typed in every output (issue: "a description containing
``$\\undefinedcommand{x}$`` makes ``--report`` crash in the PDF writer; ``$5 ... $10`` is
silently typeset as maths"). Matplotlib reads text between dollar signs as mathtext unless
a text object is told not to; every text object of circsim's figures that holds user text
must say so."""

import html

import pytest
from matplotlib.text import Text

from sim import run
from sim.report.build import report_content, write_report
from sim.report.charts import run_charts
from sim.report.pdf import text_pages
from sim.results.reading import read_run
from tests.helpers import BASELINE

DESCRIPTIONS = [r"costs $\undefinedcommand{x}$ to join", "pay $5 today, get $10 back", r"a \$ sign and 50% off_{x}^y"]


@pytest.fixture(scope="module", params=DESCRIPTIONS)
def saved_run(request, tmp_path_factory):
    settings = {"description": request.param}
    result = run(BASELINE, days=20, members=300, settings=settings)
    return result.save(tmp_path_factory.mktemp("results")), request.param


def texts(figures) -> list[Text]:
    return [text for figure in figures for text in figure.findobj(Text)]


def test_the_report_is_written_whatever_the_description_holds(saved_run):
    run_dir, description = saved_run
    folder, _ = write_report(run_dir)
    assert (folder / "report.pdf").stat().st_size > 0
    assert html.escape(description) in (folder / "report.html").read_text()


def test_every_text_with_a_dollar_sign_is_shown_as_typed(saved_run):
    run_dir, description = saved_run
    result, replicates = read_run(run_dir)
    figures = text_pages(report_content(result, replicates, run_dir)) + list(run_charts(result, replicates).values())
    with_dollars = [text for text in texts(figures) if "$" in text.get_text()]
    assert any(description in text.get_text() for text in with_dollars)
    assert [text.get_text() for text in with_dollars if text.get_parse_math()] == []
