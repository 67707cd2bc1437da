"""`circsim template` and the smaller items of issue 19, as a user runs them: the template
names every field of every section with its documentation and loads back to the default
scenario; `circsim bench` prints speeds with precision that fits their size and finds its
default scenario from any folder."""

import contextlib
import io
import re
import tomllib

import pytest
from pydantic import BaseModel

from sim.cli.common import EXIT_BAD_INPUT
from sim.cli.main import main
from sim.experiments.bench import rate_text
from sim.scenario.loading import load_scenario
from sim.scenario.params import Scenario
from sim.scenario.template import item_model
from tests.helpers import assert_rejected, run_cli


def model_fields(model: type[BaseModel], prefix: str = "") -> dict[str, object]:
    """Every field of a model by dotted path (sections, and the items of lists of tables),
    with its field info."""
    fields = {}
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        fields[path] = info
        nested = info.annotation if isinstance(info.annotation, type) and issubclass(info.annotation,
                                                                                     BaseModel) else item_model(info)
        if nested is not None:
            fields |= model_fields(nested, f"{path}.")
    return fields


def comment_block(lines: list[str], index: int) -> list[str]:
    """The comment lines right above ``lines[index]``: ``# ...`` above a field, ``#   # ...``
    above a (commented-out) field of one item of a list of tables."""
    prefix = "#   #" if lines[index].startswith("#   ") else "#"
    start = index
    while start > 0 and lines[start - 1].startswith(prefix):
        start -= 1
    return lines[start:index]


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """The template as written by the command with --out, and as printed (the same entry
    point, in this process: each command started in a new process costs seconds)."""
    path = tmp_path_factory.mktemp("scenarios") / "my_platform.toml"
    written = run_cli("template", "--out", path)
    assert written.returncode == 0, written.stderr
    assert f"template: {path}" in written.stdout
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main(["template"]) == 0
    return printed.getvalue(), path


def test_printed_and_written_templates_are_the_same(template):
    printed, path = template
    assert path.read_text(encoding="utf-8") == printed


def test_template_loads_back_to_the_default_scenario(template, capsys):
    _, path = template
    assert load_scenario(path) == Scenario(name="my_platform")  # `name` defaults to the file's name
    assert main(["check", str(path)]) == 0
    assert capsys.readouterr().out.startswith(f"{path}: ok (my_platform,")


def test_template_sets_every_section_field_to_its_default(template):
    printed, _ = template
    data = tomllib.loads(printed)
    defaults = Scenario().model_dump(mode="json")
    assert data == {key: value for key, value in defaults.items() if key != "name"}


def test_every_field_is_documented_with_its_bounds(template):
    """Each field, items of lists of tables included, has its docstring and its bounds in the
    comments just above its line (``name`` and the item fields are commented out)."""
    printed, _ = template
    lines = printed.splitlines()
    for path, info in model_fields(Scenario).items():
        name = path.rsplit(".", 1)[-1]
        if isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel):
            assert f"[{name}]" in lines, f"section {name} is not in the template"
            continue
        assignment = re.compile(rf"^(#\s+)?{re.escape(name)} = ")
        positions = [index for index, line in enumerate(lines) if assignment.match(line)]
        assert positions, f"{path} is not in the template"
        comments = "\n".join(line for index in positions for line in comment_block(lines, index))
        assert info.description.splitlines()[0].strip() in comments, path
        bounds = [constraint for constraint in info.metadata if hasattr(constraint, "ge") or hasattr(constraint, "le")]
        if bounds:
            assert f" {name} " in comments, f"{path}: bounds not given"


def test_template_gives_units_of_money_and_rates(template):
    printed, _ = template
    assert "# whole number; cents of the currency (hundredths); 1 ≤ basket_median_cents ≤ 100_000_000; " \
           "default 10_000" in printed
    assert re.search(r"# decimal number; share \(0.2 is 20 %\) per day; 0 ≤ churn_probability_per_day ≤ 1; "
                     r"default 0.0005", printed)
    assert '# one of "pool", "emission", "fixed_rate", "linear", "queue"; default "pool"' in printed


def test_template_refuses_to_overwrite_or_to_write_into_a_missing_folder(tmp_path):
    existing = tmp_path / "mine.toml"
    existing.write_text("# my own scenario\n")
    assert_rejected(run_cli("template", "--out", existing), f"--out {existing}: already exists")
    assert existing.read_text() == "# my own scenario\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["mine.toml"]


def test_template_refuses_a_missing_folder(tmp_path, capsys):
    assert main(["template", "--out", str(tmp_path / "missing" / "a.toml")]) == EXIT_BAD_INPUT
    assert capsys.readouterr().err == f"circsim: error: --out {tmp_path / 'missing' / 'a.toml'}: folder " \
                                      f"{tmp_path / 'missing'} does not exist\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("per_second", "text"), [
    (82_412_345, "82.4 M member-days/s"), (6_712, "6.71 k member-days/s"), (999.96, "1.00 k member-days/s"),
    (45.25, "45.2 member-days/s"), (0.5, "0.500 member-days/s"), (3.2e9, "3.20 G member-days/s")])
def test_rates_keep_three_significant_digits(per_second, text):
    assert rate_text(per_second) == text


def test_bench_runs_from_another_folder_with_fitting_precision(tmp_path):
    """The default scenario comes from the package, not the current folder; a small run's
    speed is not printed as "0.0 M"."""
    completed = run_cli("bench", "--members", 300, "--days", 3, cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    (speed,) = [line for line in completed.stdout.splitlines() if line.startswith("speed")]
    figures = re.findall(r"(\d[\d,.]*) ([kMG]? ?)member-days/s", speed)
    assert len(figures) == 2
    for number, _ in figures:
        digits = number.replace(",", "").replace(".", "").lstrip("0")
        assert len(digits) >= 3 and float(number) > 0, speed
    assert list(tmp_path.iterdir()) == []  # nothing written where it ran
