"""`circsim stress` as a user runs it: a small battery writes its tables, charts and report
into OUT/<scenario>/stress/ with the same seeds in every cell; `--reverse` writes the
reverse stress test; a bad battery file or option is one line, exit status 2, nothing
written."""

import json

import pandas as pd
import pytest

from sim.experiments.stress_battery import BatteryError, read_battery
from tests.helpers import BASELINE, assert_rejected, run_cli

SMALL = ("--members", 300, "--days", 30, "--replicates", 2, "--workers", 1)
FAMILIES = '''
[[families]]
name = "growth_stop"
severities = [1.0]
changes = [{ path = "population.bass_imitation_per_day", mode = "scale", factor = -1.0 }]

[[families]]
name = "merchant_exodus"
severities = [0.5, 1.0]
merchant_exodus = true
'''
ISSUE_COLUMNS = {"shock", "severity", "replicates", "ruin_probability", "ruin_lower", "ruin_upper",
                 "collapse_day_median", "promises_honoured_share", "share_members_losing", "coverage_min"}


@pytest.fixture
def battery(tmp_path):
    path = tmp_path / "small.toml"
    path.write_text('name = "small"\n' + FAMILIES)
    return path


def test_battery_writes_its_tables_and_report(tmp_path, battery):
    out = tmp_path / "out"
    completed = run_cli("stress", BASELINE, "--battery", battery, "--out", out, *SMALL)
    assert completed.returncode == 0, completed.stderr
    folder = out / "baseline" / "stress"
    assert [p.name for p in out.iterdir()] == ["baseline"] and [p.name for p in folder.parent.iterdir()] == ["stress"]
    cells = pd.read_parquet(folder / "stress.parquet")
    assert ISSUE_COLUMNS <= set(cells.columns)
    assert list(zip(cells["shock"], cells["severity"])) == [
        ("none", 0.0), ("growth_stop", 1.0), ("merchant_exodus", 0.5), ("merchant_exodus", 1.0)]
    runs = pd.read_parquet(folder / "runs.parquet")
    assert (runs.groupby("replicate")["seed"].nunique() == 1).all()  # the same seeds in every cell
    assert len(pd.read_parquet(folder / "warnings.parquet")) > 0 and len(pd.read_parquet(folder / "packs.parquet")) > 0
    manifest = json.loads((folder / "stress.json").read_text())
    assert (manifest["shock_day"], manifest["replicates"], manifest["runs"]) == (10, 2, 8)
    html = (folder / "stress.html").read_text()
    assert "Ruin by shock and severity" in html and "not a legal conclusion" in html and "<svg" in html
    assert (folder / "stress.pdf").read_bytes().startswith(b"%PDF")
    assert {p.name for p in (folder / "charts").iterdir()} >= {"heat_map.png", "collapse_day.svg", "warnings.png"}
    assert "without a shock: ruin within 30 days" in completed.stdout


def test_reverse_writes_the_thresholds_and_the_boundary(tmp_path, battery):
    out = tmp_path / "out"
    completed = run_cli("stress", BASELINE, "--battery", battery, "--out", out, "--reverse",
                        "--pair", "merchant_exodus,growth_stop", "--tolerance", "1", *SMALL)
    assert completed.returncode == 0, completed.stderr
    folder = out / "baseline" / "reverse_stress"
    families = pd.read_parquet(folder / "reverse.parquet")
    assert families["shock"].tolist() == ["growth_stop", "merchant_exodus"]
    boundary = pd.read_parquet(folder / "boundary.parquet")
    assert boundary["first_severity"].tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert set(boundary["first_family"]) == {"merchant_exodus"} and set(boundary["second_family"]) == {"growth_stop"}
    assert (folder / "stress.html").exists() and (folder / "stress.pdf").exists()
    assert "boundary (merchant_exodus severity -> least breaking growth_stop severity)" in completed.stdout


BAD_BATTERIES = {
    "unknown_field": ('colour = 3\n' + FAMILIES, "colour: unknown field"),
    "not_a_scenario_field": (FAMILIES.replace("population.bass_imitation_per_day", "population.bass_q"),
                             "families.growth_stop (severity 1): population.bass_q: not a scenario field"),
    "shocked_value_out_of_range": (FAMILIES.replace("factor = -1.0", "factor = 200.0"),
                                   "population.bass_imitation_per_day: Input should be less than or equal to 1"),
}


@pytest.mark.parametrize("case", sorted(BAD_BATTERIES))
def test_bad_battery_files_are_one_line_and_write_nothing(tmp_path, case):
    text, expected = BAD_BATTERIES[case]
    path = tmp_path / f"{case}.toml"
    path.write_text(text)
    out = tmp_path / "out"
    completed = run_cli("stress", BASELINE, "--battery", path, "--out", out, *SMALL)
    assert_rejected(completed, expected)
    assert len(completed.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_reverse_options_without_reverse_are_refused(tmp_path, battery):
    out = tmp_path / "out"
    completed = run_cli("stress", BASELINE, "--battery", battery, "--out", out, "--pair", "a,b", "--tolerance", "0.1")
    assert_rejected(completed, "--pair: only with --reverse", "--tolerance: only with --reverse")
    assert not out.exists()


@pytest.mark.parametrize("text, expected", [
    (FAMILIES.replace("[0.5, 1.0]", "[1.0, 0.5]"), "severities must increase and lie in (0, 1]"),
    (FAMILIES.replace('"merchant_exodus"', '"growth_stop"'), "family names must be unique and not 'none': growth_stop"),
    (FAMILIES.replace("factor = -1.0", 'to = 1.0'), "mode 'scale' needs 'factor'"),
    (FAMILIES + "[[families]\n", "TOML: "),
])
def test_battery_rules_name_the_file_and_field(tmp_path, text, expected):
    # the same check `circsim stress --battery` makes first (the subprocess cases above show
    # how it reaches the user); here in process, to keep the suite fast
    path = tmp_path / "battery.toml"
    path.write_text(text)
    with pytest.raises(BatteryError) as raised:
        read_battery(path)
    assert len(raised.value.problems) == 1
    assert raised.value.problems[0].startswith(f"{path}: ") and expected in raised.value.problems[0]
