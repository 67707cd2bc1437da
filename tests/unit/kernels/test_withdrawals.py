"""``sim.kernels.withdrawals`` against its plain-Python twin (twin_withdrawals.py) on
random small inputs: every array and every total must agree exactly."""

import numpy as np
import pytest

from sim.core.units import NO_DAY, UNIT_VALUE_SCALE
from sim.kernels import withdrawals as withdrawal_columns
from sim.kernels.money_rules import net_of_fee
from sim.kernels.withdrawals import (
    affordable_gross,
    pay_all_kernel,
    pay_fifo_kernel,
    pay_pro_rata_kernel,
    pending_kernel,
    request_kernel,
)
from tests.helpers import DAY, SIZES, as_lists, assert_same, random_members, totals
from tests.unit.kernels import twin_withdrawals as twin


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("pay_now", [False, True])
@pytest.mark.parametrize("amount_cents", [0, 2_500])
def test_request_kernel_matches_twin(n, pay_now, amount_cents):
    arrays = random_members(n, 3 * n)
    expected = as_lists(arrays)
    key = np.uint64(987654321)
    out = totals(withdrawal_columns.N_REQUEST_TOTALS)
    request_kernel(
        n, arrays["status"], arrays["balance"], arrays["queued"], arrays["since"], arrays["withdrawn"],
        key, 0.5, 600_000, amount_cents, 1_000, 50_000, DAY, pay_now, np.empty(n, dtype=np.int32), out,
    )
    count, requested, fees = twin.requests(expected, int(key), 0.5, 600_000, amount_cents, 1_000, 50_000, DAY,
                                           pay_now)
    assert_same(arrays, expected)
    day = out.sum(axis=0)
    assert (day[withdrawal_columns.REQUESTS], day[withdrawal_columns.REQUESTED]) == (count, requested)
    assert (day[withdrawal_columns.PAID_GROSS], day[withdrawal_columns.FEES]) == (requested if pay_now else 0, fees)


@pytest.mark.parametrize("n", SIZES)
def test_pay_all_kernel_matches_twin(n):
    arrays = random_members(n, 5 * n)
    expected = as_lists(arrays)
    out = totals(withdrawal_columns.N_PAYMENT_TOTALS)
    pay_all_kernel(n, arrays["queued"], arrays["since"], arrays["withdrawn"], 30_000, out)
    paid, fees = twin.pay_all(expected, 30_000)
    assert_same(arrays, expected)
    assert tuple(out.sum(axis=0)) == (paid, fees)
    assert arrays["queued"].sum() == 0


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("cash_share", [0.0, 0.3, 0.97])
def test_pay_fifo_kernel_matches_twin(n, cash_share):
    arrays = random_members(n, 7 * n)
    expected = as_lists(arrays)
    cash = int(arrays["queued"].sum() * cash_share)
    waiting = np.flatnonzero(arrays["queued"] > 0)
    order = waiting[np.argsort(arrays["since"][waiting], kind="stable")]
    out = np.zeros((1, withdrawal_columns.N_PAYMENT_TOTALS), dtype=np.int64)
    pay_fifo_kernel(order, arrays["queued"], arrays["since"], arrays["withdrawn"], 50_000, cash, out)
    paid, fees = twin.pay_fifo(expected, 50_000, cash)
    assert_same(arrays, expected)
    assert tuple(out[0]) == (paid, fees)
    assert paid - fees <= cash


@pytest.mark.parametrize("n", SIZES)
def test_pay_pro_rata_kernel_matches_twin(n):
    arrays = random_members(n, 11 * n)
    expected = as_lists(arrays)
    queued_total = int(arrays["queued"].sum())
    cash = queued_total // 3
    ratio_scaled = cash * UNIT_VALUE_SCALE // max(queued_total, 1)
    out = totals(withdrawal_columns.N_PAYMENT_TOTALS)
    pay_pro_rata_kernel(n, arrays["queued"], arrays["since"], arrays["withdrawn"], 50_000, ratio_scaled, out)
    paid, fees = twin.pay_pro_rata(expected, 50_000, ratio_scaled)
    assert_same(arrays, expected)
    assert tuple(out.sum(axis=0)) == (paid, fees)
    assert paid - fees <= cash


@pytest.mark.parametrize("n", SIZES)
def test_pending_kernel_counts_waiting_members_and_oldest_day(n):
    arrays = random_members(n, 13 * n)
    out = totals(withdrawal_columns.N_PENDING_TOTALS)
    pending_kernel(n, arrays["queued"], arrays["since"], out)
    waiting = arrays["queued"] > 0
    assert out[:, withdrawal_columns.PENDING_MEMBERS].sum() == waiting.sum()
    started = out[:, withdrawal_columns.OLDEST_REQUEST_DAY]
    started = started[started != NO_DAY]
    assert (started.min() if started.size else NO_DAY) == (arrays["since"][waiting].min() if waiting.any() else NO_DAY)


@pytest.mark.parametrize("fee_ppm", [0, 1, 50_000, 999_999])
@pytest.mark.parametrize("cash", [0, 1, 17, 9_999, 10**9])
def test_affordable_gross_is_the_largest_payable_amount(fee_ppm, cash):
    requested = 123_457
    gross = affordable_gross(requested, cash, fee_ppm)
    assert 0 <= gross <= requested
    assert net_of_fee(gross, fee_ppm) <= cash
    assert gross == requested or net_of_fee(gross + 1, fee_ppm) > cash
