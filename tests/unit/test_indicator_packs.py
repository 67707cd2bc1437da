"""Indicator packs on a hand-built referral tree, ledger and daily table: every measurement
checked by hand, the shipped packs cite their source, and a bad pack file is refused."""

import pandas as pd
import pytest

from sim.analysis.indicator_packs import (
    MEASUREMENTS,
    RunTables,
    load_pack,
    measure_packs,
    referral_levels,
    shipped_packs,
)
from sim.core.errors import InputError
from tests.helpers import LEDGER, daily_frame

# member:    0   1  2  3  4  5
# referrer: -1   0  1  1  3 -1   -> levels 1 2 3 3 4 1; member 5 never paid in
MEMBERS = pd.DataFrame({
    "referrer": [-1, 0, 1, 1, 3, -1],
    "new_money_cents": [1_000, 2_000, 500, 500, 700, 0],
})
# tests.helpers: three days; payouts 100 + 200 + 300 released and a referral reward of 50
DAILY = daily_frame().assign(referral_contribution_milli=[0, 4_000, 0])
RUN = RunTables(DAILY, LEDGER, MEMBERS)


def test_referral_levels_of_a_hand_built_tree():
    assert referral_levels(MEMBERS["referrer"].to_numpy()).tolist() == [1, 2, 3, 3, 4, 1]


def test_each_measurement_by_hand():
    assert MEASUREMENTS["participants"](RUN)[0] == 5  # member 5 paid nothing in
    assert MEASUREMENTS["referral_levels"](RUN)[0] == 4
    # payouts: 600 released + 50 referral reward = 650 (the returned request is not one)
    value, evidence = MEASUREMENTS["downline_reward_share"](RUN)
    assert value == pytest.approx(50 / 650) and "50 cents of payouts 650 cents" in evidence
    assert MEASUREMENTS["rebate_to_spending"](RUN)[0] == pytest.approx(3_600 / 3_500)
    # equity at the end 500 - 1 200 = -700: none of the 650 paid out is covered by own means
    assert MEASUREMENTS["new_money_payout_share"](RUN)[0] == pytest.approx(1.0)
    assert MEASUREMENTS["participant_purchase_share"](RUN)[0] == 1.0


def test_shipped_packs_measure_a_run_with_sources_and_no_legal_verdict():
    packs = shipped_packs()
    assert {pack.name for pack in packs} == {"china_pyramid_selling", "china_consumption_rebate", "us_ftc_mlm"}
    assert all(pack.source for pack in packs)
    table = measure_packs(RUN, packs).set_index("indicator")
    assert not table.loc["participants", "reaches_threshold"]  # 5 participants, fewer than 30
    assert table.loc["referral_levels", "reaches_threshold"]  # 4 levels >= 3
    assert table.loc["rebate_of_spending", "reaches_threshold"]  # 103 % >= 100 %
    assert table.loc["downline_rewards", "reaches_threshold"]  # some rewards come from the downline
    assert not table.loc["recruitment_driven_rewards", "reaches_threshold"]  # 8 % is not above 50 %
    words = " ".join(table["evidence"]).lower()
    assert "illegal" not in words and "guilty" not in words


@pytest.mark.parametrize("text, expected", [
    (('name = "x"\ntitle = "x"\nsource = "x"\n[[indicators]]\nname = "a"\ncriterion = "c"\nmeasure = "nope"\n'
     'comparison = "above"\nthreshold = 0.0\n'), "unknown measurement 'nope'"),
    (('name = "x"\ntitle = "x"\n[[indicators]]\nname = "a"\ncriterion = "c"\nmeasure = "participants"\n'
     'comparison = "above"\nthreshold = 0.0\n'), "source: Field required"),
    ('name = "x"\n[[indicators]\n', "cannot be read"),
])
def test_bad_pack_files_are_one_line_each(tmp_path, text, expected):
    path = tmp_path / "pack.toml"
    path.write_text(text)
    with pytest.raises(InputError) as raised:
        load_pack(path)
    assert len(raised.value.problems) == 1 and expected in raised.value.problems[0]
