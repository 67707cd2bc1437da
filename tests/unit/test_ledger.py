"""The double-entry ledger."""

import pytest

from sim.core.accounts import Account
from sim.engine.ledger import Ledger


def test_postings_move_money_and_keep_the_sum_at_zero():
    ledger = Ledger()
    ledger.post(Account.OUTSIDE_WORLD, Account.PLATFORM_MARGIN, 10_000, "purchase_new_money")
    ledger.post(Account.PLATFORM_MARGIN, Account.MERCHANTS_PAYABLE, 8_000, "merchant_share")
    ledger.post(Account.MERCHANTS_PAYABLE, Account.MERCHANTS, 8_000, "merchant_payment")
    ledger.post(Account.PLATFORM_MARGIN, Account.DIVIDEND_POOL, 1_000, "pool_inflow")
    ledger.post(Account.DIVIDEND_POOL, Account.MEMBER_BALANCES, 999, "release")
    assert ledger.total() == 0
    assert ledger.balance(Account.OUTSIDE_WORLD) == -10_000
    assert ledger.platform_cash() == 2_000  # 10 000 in, 8 000 to the merchant
    assert ledger.hard_liabilities() == 999
    assert ledger.balance(Account.DIVIDEND_POOL) == 1  # the floor's remainder stays in the pool


def test_flows_are_aggregated_per_day_pair_and_reason():
    ledger = Ledger()
    for _ in range(3):
        ledger.post(Account.OUTSIDE_WORLD, Account.PLATFORM_MARGIN, 5, "purchase_new_money")
    ledger.post(Account.OUTSIDE_WORLD, Account.PLATFORM_MARGIN, 0, "nothing")
    ledger.close_day(0)
    ledger.post(Account.OUTSIDE_WORLD, Account.PLATFORM_MARGIN, 7, "purchase_new_money")
    ledger.close_day(1)
    frame = ledger.frame()
    assert frame.to_dict("records") == [
        {"day": 0, "from_account": "outside_world", "to_account": "platform_margin",
         "reason": "purchase_new_money", "amount_cents": 15},
        {"day": 1, "from_account": "outside_world", "to_account": "platform_margin",
         "reason": "purchase_new_money", "amount_cents": 7},
    ]


def test_negative_postings_are_refused():
    with pytest.raises(ValueError, match="negative"):
        Ledger().post(Account.OUTSIDE_WORLD, Account.PLATFORM_MARGIN, -1, "oops")
