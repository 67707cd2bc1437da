"""Every shipped scenario gives the results it gave before the package was reorganised
(issue: "the same scenario and seed give the same daily, ledger and members tables and
summary, byte for byte"). The digests in tests/fixtures/result_digests.json were written
by ``python tools/result_digests.py write`` at commit c9aeeb0, before the move; a change
that is meant to move results rewrites them and says why in its commit."""

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "result_digests.json"


def load_tool():
    spec = importlib.util.spec_from_file_location("result_digests", ROOT / "tools" / "result_digests.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_shipped_scenario_gives_the_recorded_results():
    expected = json.loads(FIXTURE.read_text())
    obtained = load_tool().digests()
    assert sorted(obtained) == sorted(expected)
    differ = [f"{name}: {part}" for name in expected for part in expected[name]
              if obtained[name][part] != expected[name][part]]
    assert differ == []


def test_a_changed_table_changes_its_digest():
    tool = load_tool()
    import pandas as pd

    frame = pd.DataFrame({"day": [0, 1], "sales_cents": [100, 200]})
    changed = frame.assign(sales_cents=[100, 201])
    assert tool.frame_digest(frame) != tool.frame_digest(changed)
    assert tool.frame_digest(frame) == tool.frame_digest(frame.copy())
