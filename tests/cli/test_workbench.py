"""`circsim dashboard` serves the workbench, and it works in a real browser (headless
Chromium, as a user clicks it): a field edited to a bad value shows the CLI's error beside
it, a small scenario runs and shows its verdict, the Mesa page steps, the report downloads;
a design study's Pareto front is drawn and one of its designs runs with its parameters
applied; the Stress page offers the standard battery and refuses a bad replicates count (the
battery's run itself is tested without a browser, in tests/unit/test_workbench_stress.py:
here it would add 20 s). Skipped where no browser is installed."""

import time
from types import SimpleNamespace

import pytest

from sim.scenario.loading import load_scenario
from tests.helpers import DESIGN_MULTIPLE, chromium, serve_dashboard, write_study

PAGE_SECONDS = 90


@pytest.fixture(scope="module")
def workbench(tmp_path_factory):
    """The workbench's URL, its output folder and its folder of studies."""
    root = tmp_path_factory.mktemp("workbench")
    out, studies = root / "out", root / "studies"
    write_study(studies / "greedy")
    with serve_dashboard(["--members", "1000", "--out", out, "--studies", studies], root / "server.log") as url:
        yield url, out


def page_helpers(browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, PAGE_SECONDS)

    def shows(text):
        wait.until(lambda b: text in b.find_element(By.TAG_NAME, "body").text)

    def click(text):
        wait.until(lambda b: b.find_element(By.XPATH, f"//button[normalize-space()='{text}']")).click()

    def tab(text):
        wait.until(lambda b: [t for t in b.find_elements(By.CSS_SELECTOR, ".v-tab") if t.text == text.upper()])[0].click()

    def field(label):
        return wait.until(lambda b: b.find_element(
            By.XPATH, f"//label[normalize-space()='{label}']/following-sibling::input"))

    return SimpleNamespace(wait=wait, shows=shows, click=click, tab=tab, field=field)


def saved_runs(out):
    """The run folders saved under the output folder (folders being written aside)."""
    return [path for path in (out / "baseline").iterdir() if not path.name.startswith(".")]


def drawn_charts(browser):
    """The charts on the page whose image has loaded."""
    from selenium.webdriver.common.by import By

    return [image for image in browser.find_elements(By.CSS_SELECTOR, "img.widget-image")
            if browser.execute_script("return arguments[0].naturalWidth", image) > 0]


def type_into(element, text):
    from selenium.webdriver.common.keys import Keys

    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(text)  # replaces the selection
    time.sleep(0.5)  # let the page take the keystrokes before Enter sends the value
    element.send_keys(Keys.ENTER)


def test_a_session_edit_run_verdict_mesa_page_report_and_a_design_of_a_study(workbench, tmp_path):
    """One user's session (one session, to keep the test short): the Mesa page is visited and
    the design study run while reports are written in the background."""
    from selenium.webdriver.common.by import By

    url, out = workbench
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    browser = chromium(downloads)
    try:
        ui = page_helpers(browser)
        browser.get(url)
        ui.shows("Editing baseline")
        type_into(ui.field("energy multiple"), "-1")
        ui.shows("rewards.energy_multiple: Input should be greater than or equal to 0 (got -1)")
        ui.shows("with problems")
        type_into(ui.field("energy multiple"), "2.5")
        ui.shows("The changed scenario is valid.")

        ui.tab("Run")
        ui.shows("baseline with 1 change(s)")
        type_into(ui.field("days (empty: as the scenario)"), "40")
        ui.click("Run")
        ui.shows("Verdict: ")
        (run_dir,) = saved_runs(out)
        saved = load_scenario(run_dir / "scenario.toml")
        assert (saved.rewards.energy_multiple, saved.run.days, saved.population.initial_members) == (2.5, 40, 1000)
        ui.shows("Promise coverage at the end")  # the evidence

        # the Mesa page, fixed: no empty charts before day 1, every slider shows its value,
        # a step draws the four charts
        ui.tab("Mesa")
        ui.shows("Day 0: no day played yet")
        values = [label.text for label in browser.find_elements(By.CSS_SELECTOR, ".v-slider__thumb-label")]
        assert "1000" in values and "3" in values  # initial members, energy multiple
        ui.click("Step")
        ui.shows("Step: 1")
        ui.wait.until(lambda b: len(drawn_charts(b)) == 4)

        ui.tab("Downloads")
        ui.click("Report (HTML)")
        deadline = time.monotonic() + PAGE_SECONDS
        while not (downloads / "report.html").is_file() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert "Sustainability report: baseline" in (downloads / "report.html").read_text(encoding="utf-8")

        ui.tab("Study")
        ui.shows("2 Pareto-optimal design(s) of 5 trials")
        ui.shows(f"trial 3: rewards.energy_multiple = {DESIGN_MULTIPLE:g}, withdrawals.insolvency_grace_days = 14")
        ui.click("Run design 3")  # 40 days, as typed on the Run page
        ui.wait.until(lambda b: len(saved_runs(out)) == 2)
        ui.shows("Verdict: ")
        ui.wait.until(lambda b: len(drawn_charts(b)) == 4)  # the Pareto front, the run's solvency, flows, growth
        (design_dir,) = set(saved_runs(out)) - {run_dir}
        saved = load_scenario(design_dir / "scenario.toml")
        assert (saved.rewards.energy_multiple, saved.withdrawals.insolvency_grace_days) == (DESIGN_MULTIPLE, 14)

        ui.tab("Stress")
        ui.shows("Battery standard from standard.toml (the standard battery): ")
        type_into(ui.field("replicates per cell"), "0")
        ui.shows("replicates: expected a whole number of at least 1, got '0'")
        run_battery = browser.find_element(By.XPATH, "//button[normalize-space()='Run the battery']")
        assert not run_battery.is_enabled()
    finally:
        browser.quit()
