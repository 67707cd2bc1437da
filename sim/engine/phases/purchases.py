"""Purchases: ordinary or gift package, the merchant/platform split, the pool inflows, and the
accrual of energy and contribution. See docs/MODEL.md §6."""

import numba
import numpy as np

from sim.behaviour.merchant_supply import supply_factor
from sim.core import rng
from sim.core.accounts import Account
from sim.core.units import PPM
from sim.engine import merchants as merchant_rules
from sim.engine.phases.common import chunk_totals, day_key, listed_by_chunk, scratch
from sim.kernels import purchases as purchase_columns
from sim.kernels.purchases import purchase_kernel
from sim.scenario.compiled import level_count

WRITES = (
    "purchases", "gift_purchases", "sales_cents", "gift_sales_cents", "new_money_cents", "repurchased_cents",
    "concession_cents", "merchant_paid_cents", "pool_inflow_cents", "honorary_inflow_cents", "energy_granted_cents",
    "extracted_cents",
)
"""The daily columns this phase starts (``sim.today``)."""


def purchase_keys(sim) -> np.ndarray:
    """The day's keys of the purchase, basket, gift and merchant streams, in the kernels' order."""
    return np.array([day_key(sim, rng.STREAM_PURCHASE), day_key(sim, rng.STREAM_BASKET),
                     day_key(sim, rng.STREAM_GIFT), day_key(sim, rng.STREAM_MERCHANT)], dtype=np.uint64)


def joined_today_from(sim) -> int:
    """The first member who joined today (members join in index order), when newcomers
    deposit on joining; the member count otherwise (nobody buys for sure)."""
    members = sim.members
    if not sim.rules.deposit_on_joining:
        return members.count
    return int(np.searchsorted(members.view("join_day"), sim.day, side="left"))


def play(sim) -> None:
    """Purchases (ordinary or gift package), the merchant/platform split, the
    pool inflows, and the accrual of energy and contribution."""
    rules, members, merchants, ledger = sim.rules, sim.members, sim.merchants, sim.ledger
    merchant_ids, merchant_cdf, merchant_guide = merchant_rules.selection(merchants, rules)
    buy_probability = rules.purchase_probability_per_day * supply_factor(
        rules, merchant_ids.size, sim.totals.members_active)
    totals = chunk_totals(purchase_columns.N_TOTALS)
    merchant_sales = np.zeros((numba.get_num_threads(), merchants.count), dtype=np.int64)
    level_moves = chunk_totals(level_count(rules))
    energy_to, contribution_to, rights_to = grants_to(sim)
    delayed = sim.pending.delay_days > 0
    purchase_kernel(
        members.count, members.status, members.balance_cents, energy_to,
        contribution_to, members.new_money_cents, members.goods_cents, members.level,
        members.level_recheck, rights_to, members.queue_position, purchase_keys(sim), buy_probability,
        joined_today_from(sim),
        rules.price_table, rules.gift_probability, rules.gift_cdf, rules.tier_price_cents,
        rules.tier_multiple_ppm, rules.tier_contribution_ppm, rules.tier_level, rules.level_contribution_ppm,
        rules.level_min_goods_cents, rules.repurchase_max_ppm, rules.contribution_unit_price_cents, merchant_ids,
        merchant_cdf,
        merchant_guide, merchants.concession_ppm, rules.pool_share_ppm, rules.honorary_share_ppm,
        rules.right_price_cents if rules.release_rule == "linear" else 0, rules.release_rule == "queue" and not delayed,
        merchant_sales, scratch(sim), level_moves, totals,
    )
    sim.totals.level_counts += level_moves.sum(axis=0)
    sim.totals.buyers_today = listed_by_chunk(sim.scratch, members.count, totals[:, purchase_columns.PURCHASES])
    day = totals.sum(axis=0)
    sim.totals.merchant_sales_today = merchant_sales.sum(axis=0)
    merchants.view("sales_cents")[:] += sim.totals.merchant_sales_today
    sales = int(day[purchase_columns.SALES])
    concession = int(day[purchase_columns.CONCESSION])
    ledger.post(Account.OUTSIDE_WORLD, Account.PLATFORM_MARGIN, day[purchase_columns.NEW_MONEY], "purchase_new_money")
    ledger.post(Account.MEMBER_BALANCES, Account.PLATFORM_MARGIN, day[purchase_columns.REPURCHASED],
                "purchase_from_balance")
    ledger.post(Account.PLATFORM_MARGIN, Account.MERCHANTS_PAYABLE, sales - concession, "merchant_share")
    ledger.post(Account.PLATFORM_MARGIN, Account.DIVIDEND_POOL, day[purchase_columns.POOL_INFLOW], "pool_inflow")
    ledger.post(Account.PLATFORM_MARGIN, Account.HONORARY_POOL, day[purchase_columns.HONORARY_INFLOW],
                "honorary_inflow")
    skimmed = skim_new_money(sim, int(day[purchase_columns.NEW_MONEY]))
    merchant_paid = min(ledger.balance(Account.MERCHANTS_PAYABLE), max(ledger.platform_cash(), 0))
    ledger.post(Account.MERCHANTS_PAYABLE, Account.MERCHANTS, merchant_paid, "merchant_payment")

    energy_granted = int(day[purchase_columns.ENERGY_GRANTED])
    sim.totals.energy_outstanding_cents += energy_granted
    sim.totals.promised_cents += energy_granted
    sim.totals.new_money_total_cents += int(day[purchase_columns.NEW_MONEY])
    sim.totals.sales_total_cents += sales
    if not delayed:  # delayed contribution counts from its first release (release.mature_grants)
        sim.totals.contribution_total_milli += int(day[purchase_columns.CONTRIBUTION_ADDED])
        sim.totals.members_in_dividend += int(day[purchase_columns.DIVIDEND_ENTRIES])
    sim.today.update(
        purchases=int(day[purchase_columns.PURCHASES]),
        gift_purchases=int(day[purchase_columns.GIFT_PURCHASES]),
        sales_cents=sales,
        gift_sales_cents=int(day[purchase_columns.GIFT_SALES]),
        new_money_cents=int(day[purchase_columns.NEW_MONEY]),
        repurchased_cents=int(day[purchase_columns.REPURCHASED]),
        concession_cents=concession,
        pool_inflow_cents=int(day[purchase_columns.POOL_INFLOW]),
        honorary_inflow_cents=int(day[purchase_columns.HONORARY_INFLOW]),
        energy_granted_cents=energy_granted,
        merchant_paid_cents=merchant_paid,
        extracted_cents=skimmed,
    )


def grants_to(sim) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where today's purchases put the energy, contribution and rights they grant: the live
    member arrays, or with a first-release delay today's slot of the pending ring (int64,
    int64 and int32 arrays of the member capacity). docs/MODEL.md §9.9."""
    members, pending = sim.members, sim.pending
    if not pending.delay_days:
        return members.energy_cents, members.contribution_milli, members.rights
    pending.fit(members.capacity)
    slot = pending.slot_bought(sim.day)
    return pending.energy_cents[slot], pending.contribution_milli[slot], pending.rights[slot]


def skim_new_money(sim, new_money_cents: int) -> int:
    """The operator diverts its share of the day's new money as it comes in, before anyone
    is paid from it (at most the cash there is; ledger `extraction`). docs/MODEL.md §14."""
    ledger = sim.ledger
    taken = min(new_money_cents * sim.rules.skim_new_money_ppm // PPM, max(ledger.platform_cash(), 0))
    ledger.post(Account.PLATFORM_MARGIN, Account.OUTSIDE_WORLD, taken, "extraction")
    sim.totals.extracted_cents += taken
    return taken
