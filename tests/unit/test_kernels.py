"""Each numba kernel against its plain-Python twin (tests/unit/twins.py) on random small
inputs: every array and every total must agree exactly."""

import numba
import numpy as np
import pytest

from sim.core.rng import threshold53, uniform_py
from sim.core.units import NO_DAY, PPM, QUEUE_NONE, STATUS_ACTIVE, STATUS_CHURNED, UNIT_VALUE_SCALE, fixed_point_scale
from sim.engine.phases.common import listed_by_chunk
from sim.kernels import N_CHUNKS
from sim.kernels import churn as churn_columns
from sim.kernels import honorary as honorary_columns
from sim.kernels import levels as level_columns
from sim.kernels import purchases as purchase_columns
from sim.kernels import referrals as referral_columns
from sim.kernels import release as release_columns
from sim.kernels import withdrawals as withdrawal_columns
from sim.kernels.chunks import list_drawn, nonzero_mask
from sim.kernels.churn import churn_kernel
from sim.kernels.honorary import honorary_kernel
from sim.kernels.levels import levels_kernel
from sim.kernels.purchases import guide_table, pick_from_cdf, purchase_kernel
from sim.kernels.referrals import assign_referrers_kernel, credit_uplines_kernel
from sim.kernels.release import fixed_rate_kernel, linear_kernel, queue_kernel, release_split_kernel
from sim.kernels.withdrawals import (
    affordable_gross,
    pay_all_kernel,
    pay_fifo_kernel,
    pay_pro_rata_kernel,
    pending_kernel,
    request_kernel,
)
from sim.scenario.compiled import cumulative_shares, price_table
from tests.unit import twins

SIZES = (1, 7, 33, 500)
DAY = 11


def random_members(n: int, seed: int) -> dict[str, np.ndarray]:
    """A member table with a mix of every situation: churned, in and out of the dividend,
    with and without balances and queued withdrawals."""
    gen = np.random.default_rng(seed)
    contribution = gen.integers(0, 50_000, n) * (gen.random(n) < 0.7)
    queued = gen.integers(1, 20_000, n) * (gen.random(n) < 0.3)
    referrer = np.where(gen.random(n) < 0.8, (gen.random(n) * np.arange(n)).astype(np.int64), -1)
    return {
        "level": gen.integers(0, 3, n).astype(np.int8),
        "recheck": gen.integers(0, 2, n).astype(np.int8),
        "rights": gen.integers(0, 4, n).astype(np.int32),
        "queue_position": np.full(n, QUEUE_NONE, dtype=np.int32),
        "referrer": np.where(np.arange(n) == 0, -1, referrer).astype(np.int32),
        "direct_referrals": gen.integers(0, 8, n).astype(np.int32),
        "team_sales": gen.integers(0, 5_000_000, n).astype(np.int64),
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


@pytest.mark.parametrize("size, equal", [(1, False), (2, False), (7, False), (300, False), (8, True), (300, True)])
def test_pick_from_cdf_is_searchsorted_right(size, equal):
    gen = np.random.default_rng(size)
    cdf = cumulative_shares(np.ones(size) if equal else gen.random(size) ** 3)
    ids = np.sort(gen.choice(10 * size, size, replace=False))
    guide = guide_table(ids, cdf, 4)
    bins = np.arange(guide.size + 1) / guide.size
    draws = np.concatenate([gen.random(5_000), cdf[:-1], np.nextafter(cdf[:-1], 0), bins[:-1],
                            np.nextafter(bins[1:], 0), [0.0, np.nextafter(1.0, 0)]])
    picks = [pick_from_cdf(ids, cdf, guide, d) for d in draws]
    assert picks == ids[np.searchsorted(cdf, draws, side="right")].tolist()
    assert (guide < 0).mean() > 0.5  # most bins are answered by the guide alone


@pytest.mark.parametrize("lo, hi", [(0, 0), (3, 4), (0, 255), (1, 257), (100, 20_000)])
@pytest.mark.parametrize("probability", [0.0, 0.0005, 0.3, 1.0])
def test_list_drawn_lists_the_drawn_active_members_with_enough(lo, hi, probability):
    gen = np.random.default_rng(hi)
    status = np.where(gen.random(hi) < 0.9, STATUS_ACTIVE, STATUS_CHURNED).astype(np.int8)
    amounts = gen.integers(0, 100, hi).astype(np.int64)
    key = np.uint64(4242)
    listed = np.full(hi + 1, -1, dtype=np.int32)
    end = list_drawn(lo, hi, status, key, threshold53(probability), listed, lo, amounts, 30)
    drawn = [i for i in range(lo, hi) if uniform_py(int(key), i) < probability and status[i] == STATUS_ACTIVE]
    assert listed[lo:end].tolist() == [i for i in drawn if amounts[i] >= 30]
    end = list_drawn(lo, hi, status, key, threshold53(probability), listed, lo)
    assert listed[lo:end].tolist() == drawn


@pytest.mark.parametrize("length", [1, 63, 64, 65, 200])
def test_nonzero_mask_marks_the_nonzero_bytes_of_a_block(length):
    flags = np.random.default_rng(length).choice(np.array([0, 1, -1, 127, -128], dtype=np.int8), length)
    for start in range(length):
        for size in {1, min(64, length - start), min(7, length - start)}:
            expected = sum(1 << k for k in range(size) if flags[start + k] != 0)
            assert int(nonzero_mask(flags, start, size)) == expected, (start, size)


def purchase_setup(seed: int, gifts: bool) -> dict:
    """Draw keys and the day's tables the way the purchases phase builds them."""
    gen = np.random.default_rng(seed + 100)
    n_merchants = 13
    return dict(
        keys=gen.integers(0, 2**63, 4).astype(np.uint64),
        probability=0.4,
        price_table=price_table(8_000, 0.9, 2_000_000),
        gift_probability=0.3 if gifts else 0.0,
        gift_cdf=cumulative_shares([0.5, 0.3, 0.2]),
        tier_price=np.array([0, 200_000, 600_000, 1_800_000], dtype=np.int64),
        tier_multiple_ppm=np.array([3_000_000, 3_000_000, 3_330_000, 4_440_000], dtype=np.int64),
        tier_contribution_ppm=np.array([PPM, PPM, 1_200_000, 1_500_000], dtype=np.int64),
        tier_level=np.array([0, 1, 2, 3], dtype=np.int64),
        level_contribution_ppm=np.array([PPM, PPM, 1_100_000, 1_200_000], dtype=np.int64),
        level_min_goods=np.array([0, 150_000, 400_000, 900_000], dtype=np.int64),
        level_min_team=np.array([0, 0, 1_000_000, 3_000_000], dtype=np.int64),
        repurchase_ppm=350_000, unit_price=70,
        merchant_ids=np.flatnonzero(gen.random(n_merchants) < 0.8),
        concession=gen.integers(100_000, 400_000, n_merchants).astype(np.int64),
        pool_ppm=90_000, honorary_ppm=30_000,
    )


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("seed, gifts, right_price, mark_queue", [(1, False, 0, False), (2, True, 5_000, True)])
def test_purchase_kernel_matches_twin(n, seed, gifts, right_price, mark_queue):
    arrays = random_members(n, seed)
    expected = as_lists(arrays)
    setup = purchase_setup(seed, gifts)
    merchant_cdf = cumulative_shares(setup["concession"][setup["merchant_ids"]] / PPM)
    merchant_guide = guide_table(setup["merchant_ids"], merchant_cdf, 4)
    out = totals(purchase_columns.N_TOTALS)
    merchant_sales = np.zeros((numba.get_num_threads(), len(setup["concession"])), dtype=np.int64)
    buyers = np.full(n, -1, dtype=np.int32)
    level_moves = totals(4)
    tables = (setup["keys"], setup["probability"], setup["price_table"], setup["gift_probability"],
              setup["gift_cdf"], setup["tier_price"], setup["tier_multiple_ppm"], setup["tier_contribution_ppm"],
              setup["tier_level"], setup["level_contribution_ppm"], setup["level_min_goods"], setup["repurchase_ppm"],
              setup["unit_price"],
              setup["merchant_ids"], merchant_cdf, merchant_guide, setup["concession"], setup["pool_ppm"],
              setup["honorary_ppm"], right_price, mark_queue)
    purchase_kernel(
        n, arrays["status"], arrays["balance"], arrays["energy"], arrays["contribution"],
        arrays["new_money"], arrays["goods"], arrays["level"], arrays["recheck"], arrays["rights"],
        arrays["queue_position"], *tables, merchant_sales, buyers, level_moves, out,
    )
    twin_totals, twin_merchants, twin_buyers, twin_moves = twins.purchases(
        expected, [int(k) for k in setup["keys"]], *tables[1:15], *tables[16:])
    assert_same(arrays, expected)
    assert listed_by_chunk(buyers, n, out[:, purchase_columns.PURCHASES]).tolist() == twin_buyers
    assert level_moves.sum(axis=0).tolist() == twin_moves
    assert merchant_sales.sum(axis=0).tolist() == twin_merchants
    assert out.sum(axis=0).tolist() == twin_totals
    if n == 500:
        assert twin_totals[purchase_columns.PURCHASES] > 100  # the test exercised the buying path
        assert not gifts or twin_totals[purchase_columns.GIFT_PURCHASES] > 10


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("budget", [0, 1, 37_123, 9_000_000, 10**15])
def test_release_split_kernel_matches_twin(n, budget):
    arrays = random_members(n, n + budget % 1000)
    expected = as_lists(arrays)
    scale = fixed_point_scale(budget)
    unit_value_scaled = budget * scale // max(int(arrays["contribution"].sum()), 1)
    out = totals(release_columns.N_TOTALS)
    release_split_kernel(n, arrays["contribution"], arrays["energy"], arrays["balance"], unit_value_scaled, scale, out)
    assert out.sum(axis=0).tolist() == twins.release_split(expected, unit_value_scaled, scale)
    assert out[:, release_columns.RELEASED].sum() <= budget
    assert_same(arrays, expected)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("rate_ppm", [0, 500, 250_000, PPM])
def test_fixed_rate_kernel_matches_twin(n, rate_ppm):
    arrays = random_members(n, n + rate_ppm)
    expected = as_lists(arrays)
    out = totals(release_columns.N_TOTALS)
    fixed_rate_kernel(n, arrays["contribution"], arrays["energy"], arrays["balance"], rate_ppm, out)
    assert out.sum(axis=0).tolist() == twins.fixed_rate(expected, rate_ppm)
    assert_same(arrays, expected)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("payment_per_right", [0, 100, 50_000])
def test_linear_kernel_matches_twin(n, payment_per_right):
    arrays = random_members(n, n + payment_per_right)
    expected = as_lists(arrays)
    out = totals(release_columns.N_TOTALS)
    linear_kernel(n, arrays["contribution"], arrays["energy"], arrays["balance"], arrays["rights"],
                  payment_per_right, out)
    assert out.sum(axis=0).tolist() == twins.linear(expected, payment_per_right)
    assert_same(arrays, expected)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("budget", [0, 70_000, 10**9])
def test_queue_kernel_matches_twin(n, budget):
    arrays = random_members(n, 3 * n + budget)
    gen = np.random.default_rng(n)
    line = gen.permutation(n).astype(np.int64)
    line = np.concatenate([line, line[: n // 3]])  # re-entries leave stale entries behind
    arrays["queue_position"][line] = np.arange(line.size)
    arrays["queue_position"][gen.random(n) < 0.1] = QUEUE_NONE  # left the line
    expected = as_lists(arrays)
    head = min(2, line.size)
    out = np.zeros((1, release_columns.N_TOTALS), dtype=np.int64)
    new_head = queue_kernel(line, head, arrays["queue_position"], arrays["contribution"], arrays["energy"],
                            arrays["balance"], budget, out)
    twin_totals, twin_head = twins.queue(expected, line.tolist(), head, budget)
    assert (out[0].tolist(), new_head) == (twin_totals, twin_head)
    assert_same(arrays, expected)
    assert out[0, release_columns.RELEASED] <= budget


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("first_new_share", [0.0, 0.5, 0.9])
def test_assign_referrers_kernel_matches_twin(n, first_new_share):
    arrays = random_members(n, 19 * n)
    first_new = int(n * first_new_share)
    expected = as_lists(arrays)
    out = np.zeros((1, referral_columns.N_ASSIGN_TOTALS), dtype=np.int64)
    assign_referrers_kernel(first_new, n, arrays["status"], arrays["referrer"], arrays["direct_referrals"],
                            arrays["recheck"], np.uint64(11), np.uint64(12), 0.6, out)
    assert out[0, referral_columns.REFERRED] == twins.assign_referrers(expected, first_new, 11, 12, 0.6)
    assert_same(arrays, expected)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("gifts", [False, True])
def test_credit_uplines_kernel_matches_twin(n, gifts):
    arrays = random_members(n, 23 * n)
    expected = as_lists(arrays)
    setup = purchase_setup(n, gifts)
    keys = [int(k) for k in setup["keys"]]
    draw_tables = (setup["price_table"], setup["gift_probability"], setup["gift_cdf"], setup["tier_price"])
    buyers = [i for i in range(n) if arrays["status"][i] == STATUS_ACTIVE
              and twins.draw_purchase(i, keys, setup["probability"], *draw_tables)[1] >= 0]
    level_generations = np.array([1, 2, 3, 3], dtype=np.int64)
    contribution_ppm = np.array([200_000, 100_000, 50_000], dtype=np.int64)
    cash_ppm = np.array([20_000, 10_000, 5_000], dtype=np.int64)
    tables = (*draw_tables, setup["tier_contribution_ppm"], setup["level_contribution_ppm"], setup["unit_price"],
              setup["level_min_goods"], setup["level_min_team"],
              level_generations, contribution_ppm, cash_ppm)
    out = np.zeros((referral_columns.UPLINE_PARTS, referral_columns.N_UPLINE_TOTALS), dtype=np.int64)
    credit_uplines_kernel(n, np.array(buyers, dtype=np.int32), arrays["status"], arrays["level"], arrays["recheck"],
                          arrays["referrer"], arrays["contribution"], arrays["balance"], arrays["goods"], arrays["team_sales"],
                          setup["keys"], *tables, out)
    twin = twins.credit_uplines(expected, buyers, keys, *tables)
    assert out.sum(axis=0).tolist() == list(twin)
    assert_same(arrays, expected)
    if n == 500:
        assert twin[1] > 0


@pytest.mark.parametrize("n", (*SIZES, 5_000))
@pytest.mark.parametrize("due_share", [0.5, 0.01])
def test_levels_and_honorary_kernels_match_twins(n, due_share):
    arrays = random_members(n, 29 * n)
    arrays["recheck"] = (np.random.default_rng(n).random(n) < due_share).astype(np.int8)  # sparse: whole blocks skipped
    expected = as_lists(arrays)
    unit_price = 70
    min_units = np.array([0, 1_000, 5_000, 9_000], dtype=np.int64)
    thresholds = dict(
        min_goods=min_units * unit_price,
        min_direct=np.array([0, 0, 2, 5], dtype=np.int64),
        min_team=np.array([0, 0, 1_000_000, 3_000_000], dtype=np.int64),
    )
    moves = totals(4)
    out = totals(level_columns.N_LEVEL_TOTALS)
    levels_kernel(n, arrays["status"], arrays["level"], arrays["recheck"], arrays["goods"], arrays["direct_referrals"],
                  arrays["team_sales"], *thresholds.values(), moves, out)
    twin_moves, twin_upgrades = twins.levels(expected, unit_price, min_units, *list(thresholds.values())[1:])
    assert moves.sum(axis=0).tolist() == twin_moves
    assert out.sum() == twin_upgrades
    assert_same(arrays, expected)
    payment_by_level = np.array([0, 1_111, 3_333, 11_111], dtype=np.int64)
    paid = totals(honorary_columns.N_HONORARY_TOTALS)
    honorary_kernel(n, arrays["status"], arrays["level"], arrays["balance"], payment_by_level, paid)
    assert paid.sum() == twins.honorary(expected, payment_by_level)
    assert_same(arrays, expected)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("pay_now", [False, True])
def test_request_kernel_matches_twin(n, pay_now):
    arrays = random_members(n, 3 * n)
    expected = as_lists(arrays)
    key = np.uint64(987654321)
    out = totals(withdrawal_columns.N_REQUEST_TOTALS)
    request_kernel(
        n, arrays["status"], arrays["balance"], arrays["queued"], arrays["since"], arrays["withdrawn"],
        key, 0.5, 600_000, 1_000, 50_000, DAY, pay_now, np.empty(n, dtype=np.int32), out,
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
    level_moves = totals(3)
    churn_kernel(
        n, arrays["status"], arrays["level"], arrays["balance"], arrays["energy"], arrays["contribution"],
        arrays["queued"], arrays["since"], arrays["withdrawn"], key, 0.25, 40_000, DAY, pay_now,
        np.empty(n, dtype=np.int32), level_moves, out,
    )
    leavers, requested, forfeited, removed, dividend_leavers, fees, twin_moves = twins.churn(
        expected, int(key), 0.25, 40_000, DAY, pay_now, 3)
    assert_same(arrays, expected)
    assert level_moves.sum(axis=0).tolist() == twin_moves
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
