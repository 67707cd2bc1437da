"""Each numba kernel against its plain-Python twin (tests/unit/twins.py) on random small
inputs: every array and every total must agree exactly."""

import numpy as np
import pytest

from sim.kernels import N_CHUNKS
from sim.kernels import churn as churn_columns
from sim.kernels import purchases as purchase_columns
from sim.kernels import release_pool as release_columns
from sim.kernels import withdrawals as withdrawal_columns
from sim.kernels.churn import churn_kernel
from sim.kernels.purchases import purchase_kernel
from sim.kernels.release_pool import release_pool_kernel
from sim.kernels.withdrawals import (
    affordable_gross,
    pay_all_kernel,
    pay_fifo_kernel,
    pay_pro_rata_kernel,
    pending_kernel,
    request_kernel,
)
from sim.rules import price_table
from sim.types import NO_DAY, PPM, STATUS_ACTIVE, STATUS_CHURNED, UNIT_VALUE_SCALE
from tests.unit import twins

SIZES = (1, 7, 33, 500)
DAY = 11


def random_members(n: int, seed: int) -> dict[str, np.ndarray]:
    """A member table with a mix of every situation: churned, in and out of the dividend,
    with and without balances and queued withdrawals."""
    gen = np.random.default_rng(seed)
    contribution = gen.integers(0, 50_000, n) * (gen.random(n) < 0.7)
    queued = gen.integers(1, 20_000, n) * (gen.random(n) < 0.3)
    return {
        "status": np.where(gen.random(n) < 0.9, STATUS_ACTIVE, STATUS_CHURNED).astype(np.int8),
        "balance": (gen.integers(0, 30_000, n) * (gen.random(n) < 0.6)).astype(np.int64),
        "energy": np.where(contribution > 0, gen.integers(0, 200_000, n), 0).astype(np.int64),
        "contribution": contribution.astype(np.int64),
        "queued": queued.astype(np.int64),
        "since": np.where(queued > 0, gen.integers(0, DAY, n), NO_DAY).astype(np.int32),
        "new_money": gen.integers(0, 10**6, n).astype(np.int64),
        "goods": gen.integers(0, 10**6, n).astype(np.int64),
        "withdrawn": gen.integers(0, 10**6, n).astype(np.int64),
    }


def as_lists(arrays: dict) -> dict:
    return {name: [int(v) for v in values] for name, values in arrays.items()}


def assert_same(arrays: dict, lists: dict) -> None:
    for name, values in lists.items():
        assert arrays[name].tolist() == values, f"array {name} differs"


def totals(n_totals: int) -> np.ndarray:
    return np.zeros((N_CHUNKS, n_totals), dtype=np.int64)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("seed", [1, 2])
def test_purchase_kernel_matches_twin(n, seed):
    arrays = random_members(n, seed)
    expected = as_lists(arrays)
    gen = np.random.default_rng(seed + 100)
    table = price_table(8_000, 0.9, 2_000_000)
    concession = gen.integers(100_000, 400_000, 13).astype(np.int64)
    keys = [np.uint64(k) for k in gen.integers(0, 2**63, 3)]
    scalars = dict(probability=0.4, repurchase_ppm=350_000, multiple_ppm=3_330_000, unit_price=70, pool_ppm=90_000)
    out = totals(purchase_columns.N_TOTALS)
    merchant_sales = np.zeros((N_CHUNKS, len(concession)), dtype=np.int64)
    purchase_kernel(
        n, arrays["status"], arrays["balance"], arrays["energy"], arrays["contribution"],
        arrays["new_money"], arrays["goods"], *keys, scalars["probability"], table,
        scalars["repurchase_ppm"], scalars["multiple_ppm"], scalars["unit_price"],
        concession, len(concession), scalars["pool_ppm"], merchant_sales, out,
    )
    twin_totals, twin_merchants = twins.purchases(
        expected, *[int(k) for k in keys], scalars["probability"], table, scalars["repurchase_ppm"],
        scalars["multiple_ppm"], scalars["unit_price"], [int(c) for c in concession], scalars["pool_ppm"],
    )
    assert_same(arrays, expected)
    assert merchant_sales.sum(axis=0).tolist() == twin_merchants
    day = out.sum(axis=0)
    assert [int(day[c]) for c in (
        purchase_columns.PURCHASES, purchase_columns.SALES, purchase_columns.NEW_MONEY,
        purchase_columns.REPURCHASED, purchase_columns.CONCESSION, purchase_columns.POOL_INFLOW,
        purchase_columns.ENERGY_GRANTED, purchase_columns.CONTRIBUTION_ADDED, purchase_columns.DIVIDEND_ENTRIES,
    )] == list(twin_totals.values())
    if n == 500:
        assert twin_totals["purchases"] > 100  # the test exercised the buying path


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("unit_value_scaled", [0, 1, 37_123, 9_000_000])
def test_release_pool_kernel_matches_twin(n, unit_value_scaled):
    arrays = random_members(n, n + unit_value_scaled)
    expected = as_lists(arrays)
    out = totals(release_columns.N_TOTALS)
    release_pool_kernel(n, arrays["contribution"], arrays["energy"], arrays["balance"], unit_value_scaled, out)
    released, exits, removed = twins.release_pool(expected, unit_value_scaled)
    assert_same(arrays, expected)
    day = out.sum(axis=0)
    assert (day[release_columns.RELEASED], day[release_columns.EXITS], day[release_columns.CONTRIBUTION_REMOVED]) == (
        released, exits, removed)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("pay_now", [False, True])
def test_request_kernel_matches_twin(n, pay_now):
    arrays = random_members(n, 3 * n)
    expected = as_lists(arrays)
    key = np.uint64(987654321)
    out = totals(withdrawal_columns.N_REQUEST_TOTALS)
    request_kernel(
        n, arrays["status"], arrays["balance"], arrays["queued"], arrays["since"], arrays["withdrawn"],
        key, 0.5, 600_000, 1_000, 50_000, DAY, pay_now, out,
    )
    count, requested, fees = twins.requests(expected, int(key), 0.5, 600_000, 1_000, 50_000, DAY, pay_now)
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
    paid, fees = twins.pay_all(expected, 30_000)
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
    paid, fees = twins.pay_fifo(expected, 50_000, cash)
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
    paid, fees = twins.pay_pro_rata(expected, 50_000, ratio_scaled)
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


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("pay_now", [False, True])
def test_churn_kernel_matches_twin(n, pay_now):
    arrays = random_members(n, 17 * n)
    expected = as_lists(arrays)
    key = np.uint64(2**61 + 12345)
    out = totals(churn_columns.N_TOTALS)
    churn_kernel(
        n, arrays["status"], arrays["balance"], arrays["energy"], arrays["contribution"], arrays["queued"],
        arrays["since"], arrays["withdrawn"], key, 0.25, 40_000, DAY, pay_now, out,
    )
    leavers, requested, forfeited, removed, dividend_leavers, fees = twins.churn(
        expected, int(key), 0.25, 40_000, DAY, pay_now)
    assert_same(arrays, expected)
    day = out.sum(axis=0)
    assert [int(day[c]) for c in (
        churn_columns.LEAVERS, churn_columns.REQUESTED, churn_columns.ENERGY_FORFEITED,
        churn_columns.CONTRIBUTION_REMOVED, churn_columns.DIVIDEND_LEAVERS, churn_columns.FEES,
    )] == [leavers, requested, forfeited, removed, dividend_leavers, fees]
    assert day[churn_columns.PAID_GROSS] == (requested if pay_now else 0)


@pytest.mark.parametrize("fee_ppm", [0, 1, 50_000, 999_999])
@pytest.mark.parametrize("cash", [0, 1, 17, 9_999, 10**9])
def test_affordable_gross_is_the_largest_payable_amount(fee_ppm, cash):
    requested = 123_457
    gross = affordable_gross(requested, cash, fee_ppm)

    def net(amount):
        return amount - amount * fee_ppm // PPM

    assert 0 <= gross <= requested
    assert net(gross) <= cash
    assert gross == requested or net(gross + 1) > cash
