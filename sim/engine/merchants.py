"""The merchant population: who joins (with the platform's growth), which concession each
chooses, how purchases are shared among them (a larger concession buys promotion), and
who leaves (falling sales, stalled payments, an exodus). Vectorised numpy over merchants."""

import numpy as np

from sim.core import rng
from sim.core.units import PPM
from sim.kernels.purchases import guide_table
from sim.scenario.compiled import Rules, cumulative_shares


def choose_concessions(rules: Rules, first: int, count: int, day: int) -> np.ndarray:
    """Concession (ppm) chosen by merchants ``first .. first + count − 1`` joining on ``day``."""
    draws = rng.uniform_array(np.uint64(rng.day_key(rules.seed, rng.STREAM_MERCHANT_JOIN, day)), first, count)
    options = np.searchsorted(rules.concession_option_cdf, draws, side="right")
    return rules.concession_options_ppm[options]


def join(merchants, rules: Rules, how_many: int, day: int) -> None:
    """Merchants join on ``day``, each with a concession drawn from the options."""
    first = merchants.count
    merchants.add(how_many, day)
    merchants.concession_ppm[first:merchants.count] = choose_concessions(rules, first, how_many, day)


GUIDE_BINS_PER_MERCHANT = 4


def selection(merchants, rules: Rules) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Active merchant indices, the cumulative probability that a purchase goes to each
    (proportional to concession ** promotion_elasticity, seed 003), and their guide table
    (``guide_table``)."""
    ids = np.flatnonzero(merchants.view("active"))
    if ids.size == 0:
        return ids, np.ones(1), np.zeros(1, dtype=np.int32)
    if rules.promotion_elasticity == 0.0:
        weights = np.ones(ids.size)
    else:
        weights = (merchants.concession_ppm[ids] / PPM) ** rules.promotion_elasticity
    cdf = cumulative_shares(weights)
    return ids, cdf, guide_table(ids, cdf, GUIDE_BINS_PER_MERCHANT)


def leave_by_draw(merchants, rules: Rules, probability: float, day: int, stream: int) -> int:
    """Each active merchant leaves with ``probability`` (draws from ``stream``); returns how
    many left."""
    if probability <= 0.0:
        return 0
    active = merchants.view("active")
    draws = rng.uniform_array(np.uint64(rng.day_key(rules.seed, stream, day)), 0, merchants.count)
    leaving = (active == 1) & (draws < probability)
    active[leaving] = 0
    return int(leaving.sum())


def remember_sales(merchants, rules: Rules, sales_today_cents: np.ndarray) -> None:
    """Integer moving average of each merchant's daily sales over ``sales_window_days``."""
    recent = merchants.view("recent_sales_cents")
    window = rules.sales_window_days
    recent[:] = (recent * (window - 1) + sales_today_cents) // window


def leave_for_low_sales(merchants, rules: Rules, day: int) -> int:
    """Merchants past their first window whose recent sales are below the minimum leave."""
    if rules.min_sales_cents_per_day == 0:
        return 0
    active = merchants.view("active")
    settled = merchants.view("join_day") <= day - rules.sales_window_days
    leaving = (active == 1) & settled & (merchants.view("recent_sales_cents") < rules.min_sales_cents_per_day)
    active[leaving] = 0
    return int(leaving.sum())
