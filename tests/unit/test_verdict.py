"""Every branch of the verdict (``sim.verdict``) on synthetic runs: daily tables and
ledgers made by hand, passed through ``sim.metrics.run_metrics`` as a real run is."""

import pytest

from sim.analysis import metrics
from sim.analysis.verdict import (
    NEW_MONEY,
    NEW_MONEY_DEPENDENCY_THRESHOLD,
    PROMISE_COVERAGE_THRESHOLD,
    RUIN_PROBABILITY_THRESHOLD,
    SUSTAINABLE,
    UNSUSTAINABLE,
    assess,
)
from tests.helpers import daily_frame, ledger_frame


def synthetic_metrics(cash, hard, contingent, insolvent=(False, False, False), payouts=(100, 200, 200)):
    """run_metrics of a three-day run with the given stocks and daily releases (payouts)."""
    ledger = ledger_frame([(day, "dividend_pool", "member_balances", "release", amount)
                           for day, amount in enumerate(payouts)])
    return metrics.run_metrics(daily_frame(cash, hard, contingent, insolvent), ledger)


# cash covers everything owed and promised; payouts within own means
SOUND = dict(cash=[3000, 3000, 3000], hard=[500, 500, 500], contingent=[1000, 1000, 1000])


def tripped(verdict):
    return [criterion.name for criterion in verdict.criteria if criterion.tripped]


def test_sound_run_is_sustainable():
    verdict = assess(synthetic_metrics(**SOUND))
    assert verdict.label == SUSTAINABLE and tripped(verdict) == []
    assert "No collapse within 3 days" in verdict.headline and "200.0%" in verdict.headline


def test_collapse_makes_it_unsustainable():
    verdict = assess(synthetic_metrics(**SOUND, insolvent=(False, False, True)))
    assert verdict.label == UNSUSTAINABLE and tripped(verdict) == ["Collapse within the horizon"]
    assert "collapsed on day 2" in verdict.headline


@pytest.mark.parametrize("collapsed, trips", [(1, True), (0, False)])
def test_ruin_probability_at_the_threshold_makes_it_unsustainable(collapsed, trips):
    """1 collapse in 20 replicates is exactly the 5 % threshold (≥ trips); 0 is not."""
    assert RUIN_PROBABILITY_THRESHOLD == 1 / 20
    ruin = metrics.ruin_probability([2] * collapsed + [None] * (20 - collapsed), horizon_days=3)
    verdict = assess(synthetic_metrics(**SOUND), ruin)
    assert (verdict.label == UNSUSTAINABLE) is trips
    assert ("Ruin probability by the last day" in tripped(verdict)) is trips


def test_promises_the_cash_cannot_cover_make_it_unsustainable():
    """Cash 1000 against 500 owed and 2000 promised: coverage 1000 / 2500 = 40 % < 50 %."""
    verdict = assess(synthetic_metrics(cash=[3000, 2000, 1000], hard=[500] * 3, contingent=[1000, 1500, 2000]))
    assert verdict.label == UNSUSTAINABLE and tripped(verdict) == ["Promise coverage at the end"]
    assert "40.0%" in verdict.headline


def test_evidence_amounts_are_in_the_scenarios_currency():
    """The coverage criterion's evidence names the amounts in ``platform.currency``
    (cents / 100): cash 1000 cents = 10.00 USD against 5.00 owed and 20.00 promised."""
    stocks = dict(cash=[3000, 2000, 1000], hard=[500] * 3, contingent=[1000, 1500, 2000])
    (coverage,) = [c for c in assess(synthetic_metrics(**stocks), currency="USD").criteria
                   if c.name == "Promise coverage at the end"]
    assert coverage.value == "40.0% (cash 10.00 USD against 5.00 USD owed and 20.00 USD promised)"


def test_promise_coverage_exactly_at_the_threshold_passes():
    """1250 / (500 + 2000) = 50 %: not below the threshold."""
    assert PROMISE_COVERAGE_THRESHOLD == 0.5
    verdict = assess(synthetic_metrics(cash=[1250] * 3, hard=[500] * 3, contingent=[2000] * 3))
    assert verdict.label == SUSTAINABLE


def test_payouts_beyond_own_means_are_sustained_only_by_new_money():
    """Cash 900 against 1000 owed: the 100 short out of 500 paid out = 20 % of payouts
    funded by new money (≥ 5 %), while cash still covers 90 % of all liabilities."""
    verdict = assess(synthetic_metrics(cash=[900] * 3, hard=[1000] * 3, contingent=[0] * 3))
    assert verdict.label == NEW_MONEY and tripped(verdict) == ["New-money dependency at the end"]
    assert "20.0% of the payouts" in verdict.headline


def test_new_money_dependency_exactly_at_the_threshold_trips():
    """25 short out of 500 paid out = 5 %: the threshold itself trips (≥)."""
    assert NEW_MONEY_DEPENDENCY_THRESHOLD == 0.05
    verdict = assess(synthetic_metrics(cash=[975] * 3, hard=[1000] * 3, contingent=[0] * 3))
    assert verdict.label == NEW_MONEY


def test_unsustainable_outranks_new_money_and_lists_every_tripped_criterion():
    verdict = assess(synthetic_metrics(cash=[100] * 3, hard=[1000] * 3, contingent=[5000] * 3,
                                       insolvent=(False, True, True)))
    assert verdict.label == UNSUSTAINABLE
    assert tripped(verdict) == ["Collapse within the horizon", "Promise coverage at the end",
                                "New-money dependency at the end"]
    assert "collapsed on day 1" in verdict.headline and "covers only 1.7%" in verdict.headline
