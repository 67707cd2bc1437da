"""Newcomers per day: Bass diffusion (docs/MODEL.md §Arrivals), shared by the engine and
the plain reference model (one draw per day, so both get the same count)."""

from sim.core import rng


def bass_arrivals(rules, members_total: int, members_active: int, day: int, attractiveness: float) -> int:
    """Newcomers today: Bass diffusion (p + q × active share of the market) × remaining
    market × attractiveness, rounded stochastically with one draw so that the mean is exact."""
    market = rules.market_size_members
    remaining = market - members_total
    hazard = rules.bass_innovation_per_day + rules.bass_imitation_per_day * members_active / market
    expected = hazard * remaining * attractiveness
    draw = rng.uniform_py(rng.day_key(rules.seed, rng.STREAM_ARRIVALS, day), 0)
    return min(int(expected + draw), remaining)
