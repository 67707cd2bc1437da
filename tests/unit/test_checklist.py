"""The regulator's checklist on a hand-made run: a feature is present when money moved
under a name that says so, and the promise is compared with the platform's own means."""

from sim.analysis.checklist import checklist
from tests.helpers import LEDGER, daily_frame, ledger_frame


def items(daily, ledger, figures, currency="CNY"):
    return {item.feature: item for item in checklist(daily, ledger, figures, currency)}


FIGURES = {"promised_cents": 3600, "own_means_cents": -50, "sales_cents": 3500}


def test_features_are_found_by_the_money_moved_under_their_names():
    daily = daily_frame().assign(gift_sales_cents=[0, 2000, 0], honorary_pool_balance_cents=[5, 5, 5])
    found = items(daily, LEDGER, FIGURES)
    assert found["Entry fee through gift packages"].present
    assert "daily column 'gift_sales_cents': 20.00 CNY" in found["Entry fee through gift packages"].evidence
    assert found["Rewards for recruiting"].present
    assert "ledger flow 'referral_reward': 0.50 CNY" in found["Rewards for recruiting"].evidence
    # a pool's balance is a stock, not money paid: no multi-level rewards were paid
    assert not found["Multi-level team rewards"].present


def test_nothing_moved_means_absent():
    daily = daily_frame().assign(gift_sales_cents=0)
    ledger = ledger_frame([(0, "dividend_pool", "member_balances", "release", 100)])
    found = items(daily, ledger, FIGURES)
    assert not any(found[name].present for name in
                   ("Entry fee through gift packages", "Rewards for recruiting", "Multi-level team rewards"))


def test_promise_above_own_means():
    """Promised 3600 cents against own means of −50: 3600 / 3500 = 1.03 promised and
    −50 / 3500 = −0.014 earned per unit of sales; amounts in the scenario's currency."""
    item = items(daily_frame(), LEDGER, FIGURES)["Payouts promised above the platform's margin"]
    assert item.present
    assert item.evidence == ("promised 36.00 CNY against own means of -0.50 CNY "
                             "(per unit of sales: 1.03 promised, -0.014 earned)")
    within = items(daily_frame(), LEDGER, {**FIGURES, "own_means_cents": 4000})
    assert not within["Payouts promised above the platform's margin"].present


def test_currency_defaults_to_the_scenarios_default():
    """Callers that pass no currency get the default of ``platform.currency``."""
    item = checklist(daily_frame(), LEDGER, FIGURES)[-1]
    assert item.feature == "Payouts promised above the platform's margin"
    assert item.evidence.startswith("promised 36.00 currency units against own means of -0.50 currency units ")
