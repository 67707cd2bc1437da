"""Every bad input a user can give: exit status 2, one clear line per problem naming
the file (or option), the field and the reason, no traceback, nothing written."""

import pytest

from tests.helpers import BASELINE, assert_rejected, run_cli

BAD_SCENARIOS = {
    "unknown_field": ('[rewards]\nenergy_multiplier = 3.0\n', "rewards.energy_multiplier: unknown field"),
    "unknown_section": ('[rewardz]\nenergy_multiple = 3.0\n', "rewardz: unknown field"),
    "wrong_type": ('[run]\ndays = "many"\n', "run.days: Input should be a valid integer"),
    "negative_share": ('[merchants]\nconcession_share = -0.1\n', "merchants.concession_share: Input should be greater than or equal to 0.000001"),
    "share_above_one": ('[withdrawals]\nfee_share = 1.5\n', "withdrawals.fee_share: Input should be less than or equal to 0.999999"),
    "unknown_rule": ('[release]\nrule = "magic"\n', "release.rule: Input should be 'pool'"),
    "broken_toml": ('[run\ndays = 3\n', "TOML: "),
    "impossible_combination": ('[release]\ndividend_pool_share_of_sales = 0.5\n',
                               "release.dividend_pool_share_of_sales: with honorary.pool_share_of_sales"),
}


@pytest.mark.parametrize("case", sorted(BAD_SCENARIOS))
@pytest.mark.parametrize("command", ["run", "check"])
def test_bad_scenario_files_are_rejected(tmp_path, case, command):
    text, expected = BAD_SCENARIOS[case]
    path = tmp_path / f"{case}.toml"
    path.write_text(f'extends = "{BASELINE}"\n' + text)
    out = tmp_path / "out"
    args = ["run", path, "--out", out, "--days", 3, "--members", 100] if command == "run" else ["check", path]
    completed = run_cli(*args)
    assert_rejected(completed, str(path), expected)
    assert not out.exists()


def test_missing_file(tmp_path):
    missing = tmp_path / "nope.toml"
    assert_rejected(run_cli("run", missing, "--out", tmp_path / "out"), f"{missing}: file: not found")
    assert not (tmp_path / "out").exists()


def test_extends_cycle(tmp_path):
    (tmp_path / "a.toml").write_text('extends = "b.toml"\n')
    (tmp_path / "b.toml").write_text('extends = "a.toml"\n')
    assert_rejected(run_cli("check", tmp_path / "a.toml"), "extends: cycle a.toml -> b.toml -> a.toml")


def test_every_problem_is_listed_on_its_own_line(tmp_path):
    path = tmp_path / "many.toml"
    path.write_text('[run]\ndays = -1\n[withdrawals]\nfee_share = 2.0\nfoo = 1\n')
    completed = run_cli("check", path)
    assert_rejected(completed, "run.days", "withdrawals.fee_share", "withdrawals.foo: unknown field")
    assert len(completed.stderr.strip().splitlines()) == 3


@pytest.mark.parametrize("override, expected", [
    ("rewards.energy_multiple=-1", "--set: rewards.energy_multiple: Input should be greater than or equal to 0"),
    ("run.days", "expected section.field=value"),
    ("nosuch.field=1", "--set: nosuch: unknown field"),
])
def test_bad_overrides(tmp_path, override, expected):
    completed = run_cli("run", BASELINE, "--set", override, "--out", tmp_path / "out")
    assert_rejected(completed, expected)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("args, expected", [
    (["--days", "0"], "--days: must be at least 1"),
    (["--members", "many"], "--members: expected a whole number"),
    (["--threads", "999"], "--threads: must be between 1 and"),
])
def test_bad_options(tmp_path, args, expected):
    completed = run_cli("run", BASELINE, *args, "--out", tmp_path / "out")
    assert_rejected(completed, expected)
    assert not (tmp_path / "out").exists()


def test_output_folder_that_is_a_file(tmp_path):
    target = tmp_path / "taken"
    target.write_text("not a folder")
    assert_rejected(run_cli("run", BASELINE, "--days", 2, "--members", 100, "--out", target), "is not a folder")
