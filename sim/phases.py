"""One function per phase of MODEL.md's day. Each reads the simulation's rules and
state, calls its kernel, and applies the money it moved through the ledger. The day's
figures go to ``sim.today`` for the record phase."""

import numba
import numpy as np

from sim import merchants as merchant_rules
from sim import rng, sentiment
from sim.kernels import N_CHUNKS
from sim.kernels import churn as churn_columns
from sim.kernels import levels as level_columns
from sim.kernels import purchases as purchase_columns
from sim.kernels import referrals as referral_columns
from sim.kernels import release as release_columns
from sim.kernels import withdrawals as withdrawal_columns
from sim.kernels.churn import churn_kernel
from sim.kernels.levels import honorary_kernel, levels_kernel
from sim.kernels.purchases import purchase_kernel
from sim.kernels.referrals import assign_referrers_kernel, credit_uplines_kernel
from sim.kernels.release import fixed_rate_kernel, linear_kernel, queue_kernel, release_split_kernel
from sim.kernels.withdrawals import (
    pay_all_kernel,
    pay_fifo_kernel,
    pay_pro_rata_kernel,
    pending_kernel,
    request_kernel,
)
from sim.ledger import Account
from sim.rules import compile_rules, level_count
from sim.scenario import scenario_on_day
from sim.types import (
    MILLI_UNITS_PER_UNIT,
    NO_DAY,
    PPM,
    QUEUE_PENDING,
    STATUS_ACTIVE,
    UNIT_VALUE_SCALE,
    fixed_point_scale,
)

def _totals(n_totals: int, n_chunks: int = N_CHUNKS) -> np.ndarray:
    return np.zeros((n_chunks, n_totals), dtype=np.int64)


def _key(sim, stream: int) -> np.uint64:
    return np.uint64(rng.day_key(sim.rules.seed, stream, sim.day))


def _unit_value_scaled(budget_cents: int, units: int) -> tuple[int, int]:
    """Fixed-point value of one unit (contribution milli-unit or honorary weight ppm) and its
    scale (``fixed_point_scale``)."""
    scale = fixed_point_scale(budget_cents)
    return budget_cents * scale // units, scale


def events(sim) -> None:
    """Phase 0: scheduled changes take effect (parameter changes, merchant exoduses)."""
    todays = [event for event in sim.scenario.events if event.day == sim.day]
    if todays:
        sim.rules = compile_rules(scenario_on_day(sim.scenario, sim.day))
        sim.members.view("level_recheck")[:] = 1  # the level thresholds may have changed
    sim.today["merchants_left"] = sum(
        merchant_rules.leave_by_draw(sim.merchants, sim.rules, event.merchant_exodus_share, sim.day,
                                     rng.STREAM_MERCHANT_EXODUS)
        for event in todays
    )


def bass_arrivals(rules, members_total: int, members_active: int, day: int, attractiveness: float) -> int:
    """Newcomers today: Bass diffusion (p + q × active share of the market) × remaining
    market × attractiveness, rounded stochastically with one draw so that the mean is exact."""
    market = rules.market_size_members
    remaining = market - members_total
    hazard = rules.bass_innovation_per_day + rules.bass_imitation_per_day * members_active / market
    expected = hazard * remaining * attractiveness
    draw = rng.uniform_py(rng.day_key(rules.seed, rng.STREAM_ARRIVALS, day), 0)
    return min(int(expected + draw), remaining)


def arrivals(sim) -> None:
    """Phase 1: new members join (Bass diffusion × attractiveness), each with a referrer;
    merchants join with the platform's growth."""
    rules, members = sim.rules, sim.members
    appeal = sentiment.attractiveness(sim.mood, rules)
    newcomers = bass_arrivals(rules, members.count, sim.members_active, sim.day, appeal)
    first_new = members.count
    members.add(newcomers, sim.day)
    sim.members_active += newcomers
    sim.level_counts[0] += newcomers
    totals = _totals(referral_columns.N_ASSIGN_TOTALS, 1)
    assign_referrers_kernel(
        first_new, members.count, members.status, members.referrer, members.direct_referrals,
        members.level_recheck, _key(sim, rng.STREAM_REFERRER_PICK), _key(sim, rng.STREAM_REFERRER_COPY),
        rules.referral_preferential_share, totals,
    )
    merchants_active = int(sim.merchants.view("active").sum())
    joining = merchant_rules.newcomers_wanted(rules, merchants_active, sim.members_active)
    merchant_rules.join(sim.merchants, rules, joining, sim.day)
    sim.today.update(arrivals=newcomers, attractiveness=appeal, referred=int(totals[0, 0]), merchants_joined=joining)


def scratch(sim) -> np.ndarray:
    """An int32 array as long as the member table, where a kernel lists the members it
    selects; shared by the phases (what one lists is gone by the next)."""
    if sim.scratch.shape[0] < sim.members.count:
        sim.scratch = np.empty(sim.members.capacity, dtype=np.int32)
    return sim.scratch


def listed_by_chunk(scratch: np.ndarray, n: int, counts: np.ndarray) -> np.ndarray:
    """The entries a chunked kernel listed at the start of each chunk's range of
    ``scratch`` (``counts[chunk]`` of them), joined in chunk order."""
    starts = n * np.arange(N_CHUNKS) // N_CHUNKS  # chunk_bounds' first members, at once
    return np.concatenate([scratch[start:start + count] for start, count in zip(starts.tolist(), counts.tolist())])


def _purchase_keys(sim) -> np.ndarray:
    return np.array([_key(sim, rng.STREAM_PURCHASE), _key(sim, rng.STREAM_BASKET),
                     _key(sim, rng.STREAM_GIFT), _key(sim, rng.STREAM_MERCHANT)], dtype=np.uint64)


def purchases(sim) -> None:
    """Phases 2–3: purchases (ordinary or gift package), the merchant/platform split, the
    pool inflows, and the accrual of energy and contribution."""
    rules, members, merchants, ledger = sim.rules, sim.members, sim.merchants, sim.ledger
    merchant_ids, merchant_cdf, merchant_guide = merchant_rules.selection(merchants, rules)
    sim.buy_probability = rules.purchase_probability_per_day * merchant_rules.supply_factor(
        rules, merchant_ids.size, sim.members_active)
    totals = _totals(purchase_columns.N_TOTALS)
    merchant_sales = np.zeros((numba.get_num_threads(), merchants.count), dtype=np.int64)
    level_moves = _totals(level_count(rules))
    purchase_kernel(
        members.count, members.status, members.balance_cents, members.energy_cents,
        members.contribution_milli, members.new_money_cents, members.goods_cents, members.level,
        members.level_recheck, members.rights, members.queue_position, _purchase_keys(sim), sim.buy_probability,
        rules.price_table, rules.gift_probability, rules.gift_cdf, rules.tier_price_cents,
        rules.tier_multiple_ppm, rules.tier_contribution_ppm, rules.tier_level, rules.level_contribution_ppm,
        rules.level_min_goods_cents, rules.repurchase_max_ppm, rules.contribution_unit_price_cents, merchant_ids, merchant_cdf,
        merchant_guide, merchants.concession_ppm, rules.pool_share_ppm, rules.honorary_share_ppm,
        rules.right_price_cents if rules.release_rule == "linear" else 0, rules.release_rule == "queue",
        merchant_sales, scratch(sim), level_moves, totals,
    )
    sim.level_counts += level_moves.sum(axis=0)
    sim.buyers_today = listed_by_chunk(sim.scratch, members.count, totals[:, purchase_columns.PURCHASES])
    day = totals.sum(axis=0)
    sim.merchant_sales_today = merchant_sales.sum(axis=0)
    merchants.view("sales_cents")[:] += sim.merchant_sales_today
    sales = int(day[purchase_columns.SALES])
    concession = int(day[purchase_columns.CONCESSION])
    ledger.post(Account.OUTSIDE_WORLD, Account.PLATFORM_MARGIN, day[purchase_columns.NEW_MONEY], "purchase_new_money")
    ledger.post(Account.MEMBER_BALANCES, Account.PLATFORM_MARGIN, day[purchase_columns.REPURCHASED], "purchase_from_balance")
    ledger.post(Account.PLATFORM_MARGIN, Account.MERCHANTS_PAYABLE, sales - concession, "merchant_share")
    ledger.post(Account.PLATFORM_MARGIN, Account.DIVIDEND_POOL, day[purchase_columns.POOL_INFLOW], "pool_inflow")
    ledger.post(Account.PLATFORM_MARGIN, Account.HONORARY_POOL, day[purchase_columns.HONORARY_INFLOW], "honorary_inflow")
    merchant_paid = min(ledger.balance(Account.MERCHANTS_PAYABLE), ledger.platform_cash())
    ledger.post(Account.MERCHANTS_PAYABLE, Account.MERCHANTS, merchant_paid, "merchant_payment")

    energy_granted = int(day[purchase_columns.ENERGY_GRANTED])
    sim.energy_outstanding_cents += energy_granted
    sim.promised_cents += energy_granted
    sim.new_money_total_cents += int(day[purchase_columns.NEW_MONEY])
    sim.sales_total_cents += sales
    sim.contribution_total_milli += int(day[purchase_columns.CONTRIBUTION_ADDED])
    sim.members_in_dividend += int(day[purchase_columns.DIVIDEND_ENTRIES])
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
    )


def referrals(sim) -> None:
    """Phase 3b: today's purchases credit the buyers' uplines (team sales, referral
    contribution, cash rewards paid from the platform's margin)."""
    rules, members = sim.rules, sim.members
    credited = rewards = 0
    if rules.referral_generations > 0:
        totals = _totals(referral_columns.N_UPLINE_TOTALS, referral_columns.UPLINE_PARTS)
        credit_uplines_kernel(
            members.count, sim.buyers_today, members.status, members.level, members.level_recheck, members.referrer,
            members.contribution_milli, members.balance_cents, members.goods_cents, members.team_sales_cents,
            _purchase_keys(sim), rules.price_table, rules.gift_probability, rules.gift_cdf,
            rules.tier_price_cents, rules.tier_contribution_ppm, rules.level_contribution_ppm,
            rules.contribution_unit_price_cents, rules.level_min_goods_cents, rules.level_min_team_sales_cents,
            rules.level_generations, rules.referral_contribution_ppm, rules.referral_cash_ppm, totals,
        )
        day = totals.sum(axis=0)
        credited = int(day[referral_columns.CONTRIBUTION_CREDITED])
        rewards = int(day[referral_columns.CASH_REWARDS])
        sim.members_in_dividend += int(day[referral_columns.DIVIDEND_ENTRIES])
        sim.contribution_total_milli += credited
        sim.ledger.post(Account.PLATFORM_MARGIN, Account.MEMBER_BALANCES, rewards, "referral_reward")
    sim.today.update(referral_contribution_milli=credited, referral_rewards_cents=rewards)


def levels(sim) -> None:
    """Phase 4: identity upgrades of the members due for a check, which keep the count of
    active members per level (used by the honorary pool) up to date."""
    rules, members = sim.rules, sim.members
    upgrades = 0
    if level_count(rules) > 1:
        level_moves = _totals(level_count(rules))
        totals = _totals(level_columns.N_LEVEL_TOTALS)
        levels_kernel(
            members.count, members.status, members.level, members.level_recheck, members.goods_cents,
            members.direct_referrals, members.team_sales_cents, rules.level_min_goods_cents,
            rules.level_min_direct_referrals, rules.level_min_team_sales_cents, level_moves, totals,
        )
        sim.level_counts += level_moves.sum(axis=0)
        upgrades = int(totals[:, level_columns.UPGRADES].sum())
    sim.today.update(level_upgrades=upgrades, members_with_level=int(sim.level_counts[1:].sum()))


def count_levels(members, levels: int) -> np.ndarray:
    """Active members per level, counted from the arrays (the engine keeps this count up to
    date as members join, buy gift packages, rise and leave)."""
    active = members.view("status") == STATUS_ACTIVE
    return np.bincount(members.view("level")[active], minlength=levels).astype(np.int64)


def _release_pool_or_emission(sim, budget_cents: int, totals: np.ndarray) -> float:
    """Split ``budget_cents`` by contribution (rules A and B); returns the value of one
    contribution unit in cents."""
    members = sim.members
    if sim.contribution_total_milli == 0:
        return 0.0
    unit_value_scaled, scale = _unit_value_scaled(budget_cents, sim.contribution_total_milli)
    release_split_kernel(members.count, members.contribution_milli, members.energy_cents,
                         members.balance_cents, unit_value_scaled, scale, totals)
    return unit_value_scaled * MILLI_UNITS_PER_UNIT / scale


def _release_queue(sim, totals: np.ndarray) -> None:
    """Rule F: members who entered today join the back of the queue; the pool pays the front."""
    members = sim.members
    positions = members.view("queue_position")
    entrants = np.flatnonzero(positions == QUEUE_PENDING)
    sim.queue.extend(entrants, positions)
    sim.queue.head = queue_kernel(
        sim.queue.members, sim.queue.head, members.queue_position, members.contribution_milli,
        members.energy_cents, members.balance_cents, sim.ledger.balance(Account.DIVIDEND_POOL), totals,
    )
    sim.queue.compact(positions)


def release(sim) -> None:
    """Phase 5: the day's dividends by the scenario's release rule. Rules A (`pool`) and F
    (`queue`) pay only what the pool holds; B, C and D pay what they promise, the pool first
    and the platform's own money the rest."""
    rules, members, ledger = sim.rules, sim.members, sim.ledger
    totals = _totals(release_columns.N_TOTALS)
    pool = ledger.balance(Account.DIVIDEND_POOL)
    unit_value = 0.0
    sim.contingent_before_release_cents = sim.energy_outstanding_cents
    if rules.release_rule == "pool":
        unit_value = _release_pool_or_emission(sim, pool * rules.pool_release_ppm // PPM, totals)
    elif rules.release_rule == "emission":
        unit_value = _release_pool_or_emission(sim, rules.emission_cents_per_day, totals)
    elif rules.release_rule == "fixed_rate":
        fixed_rate_kernel(members.count, members.contribution_milli, members.energy_cents,
                          members.balance_cents, rules.fixed_rate_ppm, totals)
    elif rules.release_rule == "linear":
        linear_kernel(members.count, members.contribution_milli, members.energy_cents, members.balance_cents,
                      members.rights, rules.right_payment_cents_per_day, totals)
    else:
        _release_queue(sim, totals[:1])
    day = totals.sum(axis=0)
    released = int(day[release_columns.RELEASED])
    top_up = max(released - pool, 0)
    ledger.post(Account.PLATFORM_MARGIN, Account.DIVIDEND_POOL, top_up, "platform_top_up")
    ledger.post(Account.DIVIDEND_POOL, Account.MEMBER_BALANCES, released, "release")
    sim.energy_outstanding_cents -= released
    sim.released_cents += released
    sim.contribution_total_milli -= int(day[release_columns.CONTRIBUTION_REMOVED])
    sim.members_in_dividend -= int(day[release_columns.DIVIDEND_EXITS])
    sim.today.update(
        released_cents=released,
        platform_top_up_cents=top_up,
        exits=int(day[release_columns.EXITS]),
        unit_value=unit_value,  # cents per contribution unit
    )


def honorary(sim) -> None:
    """Phase 6: the honorary pool's daily share is split among members at level ≥ 1 by
    level weight."""
    members, ledger = sim.members, sim.ledger
    payment_by_level = _honorary_payments(sim)
    paid = 0
    if payment_by_level.any():
        totals = _totals(level_columns.N_HONORARY_TOTALS)
        honorary_kernel(members.count, members.status, members.level, members.balance_cents, payment_by_level, totals)
        paid = int(totals.sum())
    ledger.post(Account.HONORARY_POOL, Account.MEMBER_BALANCES, paid, "honorary_dividend")
    sim.today["honorary_paid_cents"] = paid


def _honorary_payments(sim) -> np.ndarray:
    """Each level's honorary dividend today: the day's share of the honorary pool split by
    level weight over the active members at each level, floored; 0 at level 0 and at levels
    nobody holds. On Python integers, where weight × value ≤ budget × scale < 2**62."""
    rules = sim.rules
    budget = sim.ledger.balance(Account.HONORARY_POOL) * rules.honorary_release_ppm // PPM
    total_weight = int((sim.level_counts * rules.level_honorary_weight_ppm).sum())
    if budget == 0 or total_weight == 0:
        return np.zeros(len(sim.level_counts), dtype=np.int64)
    value_scaled, scale = _unit_value_scaled(budget, total_weight)
    return np.array([int(weight) * value_scaled // scale if count else 0
                     for weight, count in zip(rules.level_honorary_weight_ppm, sim.level_counts)], dtype=np.int64)


def pay_queue(sim) -> None:
    """Pay queued withdrawals from the platform's cash: in full when the cash covers the
    whole queue, otherwise in the scenario's payment order."""
    rules, members, ledger = sim.rules, sim.members, sim.ledger
    queued = ledger.balance(Account.WITHDRAWAL_QUEUE)
    if queued == 0:
        return
    cash = ledger.platform_cash()
    totals = _totals(withdrawal_columns.N_PAYMENT_TOTALS)
    arrays = (members.queued_cents, members.queued_since_day, members.withdrawn_cents)
    if cash >= queued:
        pay_all_kernel(members.count, *arrays, rules.withdrawal_fee_ppm, totals)
    elif rules.payment_order == "fifo":
        waiting = np.flatnonzero(members.view("queued_cents") > 0)
        order = waiting[np.argsort(members.queued_since_day[waiting], kind="stable")]
        pay_fifo_kernel(order, *arrays, rules.withdrawal_fee_ppm, cash, totals)
    else:
        ratio_scaled = cash * UNIT_VALUE_SCALE // queued
        pay_pro_rata_kernel(members.count, *arrays, rules.withdrawal_fee_ppm, ratio_scaled, totals)
    _post_payments(sim, totals.sum(axis=0))


def _post_payments(sim, day_totals: np.ndarray) -> None:
    """Post paid withdrawals: the net to the members, the fee to the platform."""
    fees = int(day_totals[withdrawal_columns.FEES])
    paid_gross = int(day_totals[withdrawal_columns.PAID_GROSS])
    sim.ledger.post(Account.WITHDRAWAL_QUEUE, Account.OUTSIDE_WORLD, paid_gross - fees, "withdrawal_payment")
    sim.ledger.post(Account.WITHDRAWAL_QUEUE, Account.WITHDRAWAL_FEES, fees, "withdrawal_fee")
    sim.today["withdrawn_cents"] += paid_gross - fees
    sim.today["withdrawal_fees_cents"] += fees
    sim.withdrawn_gross_today_cents += paid_gross
    sim.withdrawn_total_cents += paid_gross - fees


def _settle_requests(sim, day_totals: np.ndarray, requested_column: int, reason: str) -> None:
    """Post the day's new requests, the ones the kernel paid at once, then pay the queue."""
    sim.ledger.post(Account.MEMBER_BALANCES, Account.WITHDRAWAL_QUEUE, day_totals[requested_column], reason)
    _post_payments(sim, day_totals)
    pay_queue(sim)


def _can_pay_now(sim) -> bool:
    """Whether the cash covers every hard liability, so today's requests are paid as made."""
    return sim.ledger.platform_cash() >= sim.ledger.hard_liabilities()


def withdrawals(sim) -> None:
    """Phase 7: members ask to withdraw part of their balance (more often during a bank
    run); the queue is paid."""
    rules, members = sim.rules, sim.members
    probability = sentiment.withdrawal_probability(sim.mood, rules)
    sim.today.update(withdrawn_cents=0, withdrawal_fees_cents=0, withdrawal_probability=probability)
    sim.withdrawn_gross_today_cents = 0
    totals = _totals(withdrawal_columns.N_REQUEST_TOTALS)
    request_kernel(
        members.count, members.status, members.balance_cents, members.queued_cents,
        members.queued_since_day, members.withdrawn_cents, _key(sim, rng.STREAM_WITHDRAW),
        probability, rules.withdrawal_share_ppm, rules.min_withdrawal_cents,
        rules.withdrawal_fee_ppm, sim.day, _can_pay_now(sim), scratch(sim), totals,
    )
    day = totals.sum(axis=0)
    sim.today.update(
        withdrawal_requests=int(day[withdrawal_columns.REQUESTS]),
        withdrawal_requested_cents=int(day[withdrawal_columns.REQUESTED]),
    )
    _settle_requests(sim, day, withdrawal_columns.REQUESTED, "withdrawal_request")


def churn(sim) -> None:
    """Phase 8: members leave (more when the yield falls and withdrawals fail); each leaver
    asks for the whole balance, paid if cash allows."""
    rules, members = sim.rules, sim.members
    probability = sentiment.churn_probability(sim.mood, rules)
    totals = _totals(churn_columns.N_TOTALS)
    level_moves = _totals(level_count(rules))
    churn_kernel(
        members.count, members.status, members.level, members.balance_cents, members.energy_cents,
        members.contribution_milli, members.queued_cents, members.queued_since_day,
        members.withdrawn_cents, _key(sim, rng.STREAM_CHURN), probability,
        rules.withdrawal_fee_ppm, sim.day, _can_pay_now(sim), scratch(sim), level_moves, totals,
    )
    sim.level_counts += level_moves.sum(axis=0)
    day = totals.sum(axis=0)
    leavers = int(day[churn_columns.LEAVERS])
    sim.members_active -= leavers
    sim.energy_outstanding_cents -= int(day[churn_columns.ENERGY_FORFEITED])
    sim.contribution_total_milli -= int(day[churn_columns.CONTRIBUTION_REMOVED])
    sim.members_in_dividend -= int(day[churn_columns.DIVIDEND_LEAVERS])
    sim.today.update(churned=leavers, churn_probability=probability)
    _settle_requests(sim, day, churn_columns.REQUESTED, "leaver_request")


def merchants(sim) -> None:
    """Phase 8b: merchants remember their sales and leave when sales fall too low or when the
    platform has owed them money for too long."""
    rules, ledger = sim.rules, sim.ledger
    merchant_rules.remember_sales(sim.merchants, rules, sim.merchant_sales_today)
    left = merchant_rules.leave_for_low_sales(sim.merchants, rules, sim.day)
    sim.merchants_unpaid_days = sim.merchants_unpaid_days + 1 if ledger.balance(Account.MERCHANTS_PAYABLE) > 0 else 0
    if sim.merchants_unpaid_days >= rules.unpaid_patience_days:
        left += merchant_rules.leave_by_draw(sim.merchants, rules, rules.unpaid_exit_probability_per_day,
                                             sim.day, rng.STREAM_MERCHANT_EXIT)
    sim.today["merchants_left"] += left


def platform(sim) -> None:
    """Phase 9: operating costs, then insolvency (a request unpaid for K days) and collapse."""
    rules, members, ledger = sim.rules, sim.members, sim.ledger
    costs = rules.fixed_cost_cents_per_day + sim.today["sales_cents"] * rules.variable_cost_ppm // PPM
    costs_paid = min(costs, ledger.platform_cash())
    ledger.post(Account.PLATFORM_MARGIN, Account.OUTSIDE_WORLD, costs_paid, "operating_costs")
    waiting, oldest_request_day = 0, NO_DAY
    if ledger.balance(Account.WITHDRAWAL_QUEUE) > 0:
        totals = _totals(withdrawal_columns.N_PENDING_TOTALS)
        pending_kernel(members.count, members.queued_cents, members.queued_since_day, totals)
        waiting = int(totals[:, withdrawal_columns.PENDING_MEMBERS].sum())
        started = totals[:, withdrawal_columns.OLDEST_REQUEST_DAY]
        oldest_request_day = int(started[started != NO_DAY].min())
    insolvent = oldest_request_day != NO_DAY and sim.day - oldest_request_day >= rules.insolvency_grace_days
    if insolvent and sim.collapse_day is None:
        sim.collapse_day = sim.day
    sim.today.update(
        operating_costs_cents=costs_paid,
        failed_withdrawals=waiting,
        insolvent=insolvent,
    )


def remember_the_day(sim) -> None:
    """Fold the day's yield and unpaid share of withdrawals into members' mood."""
    paid = sim.today["released_cents"] + sim.today["honorary_paid_cents"]
    base = sim.contingent_before_release_cents
    unpaid = sim.ledger.balance(Account.WITHDRAWAL_QUEUE)
    due = unpaid + sim.withdrawn_gross_today_cents
    yield_today = paid / base if base > 0 else sim.mood.yield_per_day
    unpaid_share = unpaid / due if due > 0 else 0.0
    sentiment.remember(sim.mood, sim.rules, yield_today, unpaid_share)
    sim.today.update(yield_per_day=yield_today, unpaid_share=unpaid_share)
