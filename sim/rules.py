"""The scenario turned into the integers and tables the kernels use: shares and
multiples in parts per million, and the basket price table (an inverse CDF shared by
the fast engine and the plain reference, so both draw identical prices)."""

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtri

from sim.params import Scenario
from sim.types import MONEY_DTYPE, share_to_ppm

PRICE_TABLE_SIZE = 4096


def price_table(median_cents: int, sigma: float, max_cents: int) -> np.ndarray:
    """Log-normal basket prices at the midpoints of ``PRICE_TABLE_SIZE`` equal-probability
    bins, rounded to whole cents and clipped to [1, max_cents]; index it with floor(u × size)."""
    midpoints = (np.arange(PRICE_TABLE_SIZE) + 0.5) / PRICE_TABLE_SIZE
    prices = median_cents * np.exp(sigma * ndtri(midpoints))
    return np.clip(np.rint(prices), 1, max_cents).astype(MONEY_DTYPE)


@dataclass(frozen=True)
class Rules:
    """Integer form of a scenario: what the phases and kernels read."""

    days: int
    seed: int
    stop_on_collapse: bool
    initial_members: int
    market_size_members: int
    bass_innovation_per_day: float
    bass_imitation_per_day: float
    churn_probability_per_day: float
    initial_merchants: int
    concession_ppm: int
    purchase_probability_per_day: float
    price_table: np.ndarray
    repurchase_max_ppm: int
    goods_value_ppm: int
    energy_multiple_ppm: int
    contribution_unit_price_cents: int
    release_rule: str
    pool_share_ppm: int
    pool_release_ppm: int
    withdrawal_probability_per_day: float
    withdrawal_share_ppm: int
    min_withdrawal_cents: int
    withdrawal_fee_ppm: int
    payment_order: str
    insolvency_grace_days: int
    initial_cash_cents: int
    fixed_cost_cents_per_day: int
    variable_cost_ppm: int


def compile_rules(scenario: Scenario) -> Rules:
    """Turn a validated scenario into ``Rules``."""
    population, purchases = scenario.population, scenario.purchases
    release, withdrawals, platform = scenario.release, scenario.withdrawals, scenario.platform
    return Rules(
        days=scenario.run.days,
        seed=scenario.run.seed,
        stop_on_collapse=scenario.run.stop_on_collapse,
        initial_members=population.initial_members,
        market_size_members=population.market_size_members,
        bass_innovation_per_day=population.bass_innovation_per_day,
        bass_imitation_per_day=population.bass_imitation_per_day,
        churn_probability_per_day=population.churn_probability_per_day,
        initial_merchants=scenario.merchants.initial_merchants,
        concession_ppm=share_to_ppm(scenario.merchants.concession_share),
        purchase_probability_per_day=purchases.purchase_probability_per_day,
        price_table=price_table(
            purchases.basket_median_cents, purchases.basket_sigma, purchases.basket_max_cents
        ),
        repurchase_max_ppm=share_to_ppm(purchases.repurchase_max_share_of_price),
        goods_value_ppm=share_to_ppm(purchases.goods_value_ratio),
        energy_multiple_ppm=share_to_ppm(scenario.rewards.energy_multiple),
        contribution_unit_price_cents=scenario.rewards.contribution_unit_price_cents,
        release_rule=release.rule,
        pool_share_ppm=share_to_ppm(release.dividend_pool_share_of_sales),
        pool_release_ppm=share_to_ppm(release.pool_release_share_per_day),
        withdrawal_probability_per_day=withdrawals.withdrawal_probability_per_day,
        withdrawal_share_ppm=share_to_ppm(withdrawals.withdrawal_share_of_balance),
        min_withdrawal_cents=withdrawals.min_withdrawal_cents,
        withdrawal_fee_ppm=share_to_ppm(withdrawals.fee_share),
        payment_order=withdrawals.payment_order,
        insolvency_grace_days=withdrawals.insolvency_grace_days,
        initial_cash_cents=platform.initial_cash_cents,
        fixed_cost_cents_per_day=platform.fixed_cost_cents_per_day,
        variable_cost_ppm=share_to_ppm(platform.variable_cost_share_of_sales),
    )
