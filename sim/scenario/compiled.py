"""The scenario turned into the integers and tables the kernels use: shares and
multiples in parts per million, daily rates in parts per billion, and the lookup tables (basket prices, gift tiers,
levels, referral generations, merchant concession options) that the fast engine and the
plain reference share, so both draw and compute identical amounts."""

import functools
from dataclasses import dataclass

import numpy as np
from scipy.special import ndtri

from sim.core.units import INT64_MAX, MONEY_DTYPE, rate_to_ppb, share_to_ppm
from sim.scenario.params import Scenario, generation_shares
from sim.scenario.series import realised_counts

PRICE_TABLE_SIZE = 4096


@functools.lru_cache(maxsize=64)
def price_table(distribution: str, median_cents: int, sigma: float, min_cents: int, max_cents: int) -> np.ndarray:
    """Basket prices at the midpoints u_k = (k + ½)/size of ``PRICE_TABLE_SIZE``
    equal-probability bins, rounded to whole cents and clipped to [min_cents, max_cents];
    index it with floor(u × size). `lognormal`: median × e^(σ·Φ⁻¹(u_k)); `uniform`:
    min + (max − min)·u_k; `fixed`: the median. Read-only and kept for the next call with the
    same basket (an event recompiles the rules but rarely changes the basket).
    docs/MODEL.md §6.2."""
    midpoints = (np.arange(PRICE_TABLE_SIZE) + 0.5) / PRICE_TABLE_SIZE
    if distribution == "uniform":
        prices = min_cents + (max_cents - min_cents) * midpoints
    elif distribution == "fixed":
        prices = np.full(PRICE_TABLE_SIZE, float(median_cents))
    else:
        prices = median_cents * np.exp(sigma * ndtri(midpoints))
    table = np.clip(np.rint(prices), min_cents, max_cents).astype(MONEY_DTYPE)
    table.flags.writeable = False
    return table


def cumulative_shares(weights) -> np.ndarray:
    """Cumulative probabilities of choosing each option by weight (last entry exactly 1)."""
    weights = np.asarray(weights, dtype=np.float64)
    if weights.size == 0:
        return np.ones(1)
    cdf = np.cumsum(weights) / weights.sum()
    cdf[-1] = 1.0
    return cdf


def ppm_array(values) -> np.ndarray:
    """Floats (shares, multiples) as an int64 array of parts per million."""
    return np.array([share_to_ppm(v) for v in values], dtype=np.int64)


@dataclass(frozen=True)
class Rules:
    """Integer form of a scenario on one day: what the phases and kernels read.

    Purchase tiers are indexed 0 for an ordinary product and k ≥ 1 for gift tier k;
    levels are indexed 0 (no level) to L.
    """

    days: int
    seed: int
    stop_on_collapse: bool
    # population
    initial_members: int
    market_size_members: int
    bass_innovation_per_day: float
    bass_imitation_per_day: float
    churn_probability_per_day: float
    arrivals_by_day: np.ndarray
    exit_cashout_ppm: int
    recruitment: str
    network: str
    contacts_per_member: int
    network_rewiring_probability: float
    recruit_probability_per_contact_per_day: float
    # merchants
    initial_merchants: int
    concession_options_ppm: np.ndarray
    concession_option_cdf: np.ndarray
    promotion_elasticity: float
    members_per_merchant: int
    members_served_per_merchant: int
    max_new_merchants_per_day: int
    min_sales_cents_per_day: int
    sales_window_days: int
    unpaid_patience_days: int
    unpaid_exit_probability_per_day: float
    # purchases and rewards
    purchase_probability_per_day: float
    deposit_on_joining: bool
    price_table: np.ndarray
    repurchase_max_ppm: int
    goods_value_ppm: int
    contribution_unit_price_cents: int
    gift_probability: float
    gift_cdf: np.ndarray
    tier_price_cents: np.ndarray
    tier_multiple_ppm: np.ndarray
    tier_contribution_ppm: np.ndarray
    tier_level: np.ndarray
    promise_growth_ppb: int
    # release
    release_rule: str
    pool_share_ppm: int
    pool_release_ppb: int
    emission_cents_per_day: int
    fixed_rate_ppb: int
    right_price_cents: int
    right_payment_cents_per_day: int
    first_release_delay_days: int
    # levels, honorary pool, referrals
    level_min_goods_cents: np.ndarray
    level_min_direct_referrals: np.ndarray
    level_min_team_sales_cents: np.ndarray
    level_honorary_weight_ppm: np.ndarray
    level_contribution_ppm: np.ndarray
    level_generations: np.ndarray
    honorary_share_ppm: int
    honorary_release_ppb: int
    referral_generations: int
    referral_contribution_ppm: np.ndarray
    referral_cash_ppm: np.ndarray
    referral_preferential_share: float
    # withdrawals and platform
    withdrawal_probability_per_day: float
    withdrawal_share_ppm: int
    withdrawal_amount_cents: int
    min_withdrawal_cents: int
    withdrawal_fee_ppm: int
    payment_order: str
    insolvency_grace_days: int
    withdrawals_frozen: bool
    initial_cash_cents: int
    fixed_cost_cents_per_day: int
    variable_cost_ppm: int
    interest_ppb: int
    launch_cost_cents: int
    borrows_when_short: bool
    skim_new_money_ppm: int
    skim_surplus_ppm: int
    abscond_cash_target_cents: int
    abscond_arrivals_below_per_day: int
    abscond_coverage_below: float
    abscond_earliest_day: int
    # sentiment
    memory_days: int
    reference_yield_per_day: float
    attractiveness_yield_sensitivity: float
    attractiveness_failure_sensitivity: float
    max_attractiveness: float
    churn_yield_sensitivity: float
    contagion_churn_sensitivity: float
    contagion_withdrawal_sensitivity: float


def compile_rules(scenario: Scenario) -> Rules:
    """Turn a validated scenario into ``Rules``."""
    population, purchases, merchants = scenario.population, scenario.purchases, scenario.merchants
    release, withdrawals, platform = scenario.release, scenario.withdrawals, scenario.platform
    tiers, levels, referrals = scenario.gift_packages.tiers, scenario.levels, scenario.referrals
    sentiment = scenario.sentiment
    options = merchants.concession_shares()
    level_tiers = levels.tiers
    unit_price = scenario.rewards.contribution_unit_price_cents
    return Rules(
        days=scenario.run.days,
        seed=scenario.run.seed,
        stop_on_collapse=scenario.run.stop_on_collapse,
        initial_members=population.initial_members,
        market_size_members=population.market_size_members,
        bass_innovation_per_day=population.bass_innovation_per_day,
        bass_imitation_per_day=population.bass_imitation_per_day,
        churn_probability_per_day=population.churn_probability_per_day,
        arrivals_by_day=np.array(realised_counts(population.arrivals_per_day), dtype=np.int64),
        exit_cashout_ppm=share_to_ppm(population.exit_cashout_share),
        recruitment=population.recruitment,
        network=population.network,
        contacts_per_member=population.contacts_per_member,
        network_rewiring_probability=population.network_rewiring_probability,
        recruit_probability_per_contact_per_day=population.recruit_probability_per_contact_per_day,
        initial_merchants=merchants.initial_merchants,
        concession_options_ppm=ppm_array(options),
        concession_option_cdf=cumulative_shares(merchants.concession_option_weights or (1.0,)),
        promotion_elasticity=merchants.promotion_elasticity,
        members_per_merchant=merchants.members_per_merchant,
        members_served_per_merchant=merchants.members_served_per_merchant,
        max_new_merchants_per_day=merchants.max_new_merchants_per_day,
        min_sales_cents_per_day=merchants.min_sales_cents_per_day,
        sales_window_days=merchants.sales_window_days,
        unpaid_patience_days=merchants.unpaid_patience_days,
        unpaid_exit_probability_per_day=merchants.unpaid_exit_probability_per_day,
        purchase_probability_per_day=purchases.purchase_probability_per_day,
        deposit_on_joining=purchases.deposit_on_joining,
        price_table=price_table(purchases.basket_distribution, purchases.basket_median_cents, purchases.basket_sigma,
                                purchases.basket_min_cents, purchases.basket_max_cents),
        repurchase_max_ppm=share_to_ppm(purchases.repurchase_max_share_of_price),
        goods_value_ppm=share_to_ppm(purchases.goods_value_ratio),
        contribution_unit_price_cents=unit_price,
        gift_probability=scenario.gift_packages.share_of_purchases,
        gift_cdf=cumulative_shares([tier.choice_weight for tier in tiers]),
        tier_price_cents=np.array([0] + [tier.price_cents for tier in tiers], dtype=np.int64),
        tier_multiple_ppm=ppm_array([scenario.rewards.energy_multiple] + [t.energy_multiple for t in tiers]),
        tier_contribution_ppm=ppm_array([1.0] + [tier.contribution_weight for tier in tiers]),
        tier_level=np.array([0] + [tier.level_granted for tier in tiers], dtype=np.int64),
        promise_growth_ppb=rate_to_ppb(scenario.rewards.promise_growth_rate_per_day),
        release_rule=release.rule,
        pool_share_ppm=share_to_ppm(release.dividend_pool_share_of_sales),
        pool_release_ppb=rate_to_ppb(release.pool_release_share_per_day),
        emission_cents_per_day=release.emission_cents_per_day,
        fixed_rate_ppb=rate_to_ppb(release.fixed_rate_per_day),
        right_price_cents=release.right_price_cents,
        right_payment_cents_per_day=release.right_payment_cents_per_day,
        first_release_delay_days=release.first_release_delay_days,
        # a threshold beyond int64 is one no member reaches: goods stay below 2**62 (exact_range)
        level_min_goods_cents=np.array(
            [0] + [min(t.min_lifetime_contribution_units * unit_price, INT64_MAX) for t in level_tiers],
            dtype=np.int64),
        level_min_direct_referrals=np.array([0] + [t.min_direct_referrals for t in level_tiers], dtype=np.int64),
        level_min_team_sales_cents=np.array([0] + [t.min_team_sales_cents for t in level_tiers], dtype=np.int64),
        level_honorary_weight_ppm=ppm_array([0.0] + [t.honorary_weight for t in level_tiers]),
        level_contribution_ppm=ppm_array([1.0] + [t.contribution_multiplier for t in level_tiers]),
        level_generations=np.array(
            [levels.base_referral_generations] + [t.referral_generations for t in level_tiers], dtype=np.int64),
        honorary_share_ppm=share_to_ppm(scenario.honorary.pool_share_of_sales),
        honorary_release_ppb=rate_to_ppb(scenario.honorary.release_share_per_day),
        referral_generations=referrals.generations,
        referral_contribution_ppm=ppm_array(generation_shares(
            referrals.contribution_share, referrals.decay_per_generation, referrals.generations)),
        referral_cash_ppm=ppm_array(generation_shares(
            referrals.cash_reward_share_of_sales, referrals.decay_per_generation, referrals.generations)),
        referral_preferential_share=referrals.preferential_share,
        withdrawal_probability_per_day=withdrawals.withdrawal_probability_per_day,
        withdrawal_share_ppm=share_to_ppm(withdrawals.withdrawal_share_of_balance),
        withdrawal_amount_cents=withdrawals.withdrawal_amount_cents,
        min_withdrawal_cents=withdrawals.min_withdrawal_cents,
        withdrawal_fee_ppm=share_to_ppm(withdrawals.fee_share),
        payment_order=withdrawals.payment_order,
        insolvency_grace_days=withdrawals.insolvency_grace_days,
        withdrawals_frozen=withdrawals.frozen,
        initial_cash_cents=platform.initial_cash_cents,
        fixed_cost_cents_per_day=platform.fixed_cost_cents_per_day,
        variable_cost_ppm=share_to_ppm(platform.variable_cost_share_of_sales),
        interest_ppb=rate_to_ppb(platform.interest_rate_per_day),
        launch_cost_cents=platform.launch_cost_cents,
        borrows_when_short=platform.borrows_when_short,
        skim_new_money_ppm=share_to_ppm(platform.skim_share_of_new_money),
        skim_surplus_ppm=share_to_ppm(platform.skim_share_of_surplus),
        abscond_cash_target_cents=platform.abscond_cash_target_cents,
        abscond_arrivals_below_per_day=platform.abscond_arrivals_below_per_day,
        abscond_coverage_below=platform.abscond_coverage_below,
        abscond_earliest_day=platform.abscond_earliest_day,
        memory_days=sentiment.memory_days,
        reference_yield_per_day=sentiment.reference_yield_per_day,
        attractiveness_yield_sensitivity=sentiment.attractiveness_yield_sensitivity,
        attractiveness_failure_sensitivity=sentiment.attractiveness_failure_sensitivity,
        max_attractiveness=sentiment.max_attractiveness,
        churn_yield_sensitivity=sentiment.churn_yield_sensitivity,
        contagion_churn_sensitivity=sentiment.contagion_churn_sensitivity,
        contagion_withdrawal_sensitivity=sentiment.contagion_withdrawal_sensitivity,
    )


def level_count(rules: Rules) -> int:
    """Number of levels including level 0."""
    return len(rules.level_honorary_weight_ppm)


