"""Newcomers per day: Bass diffusion or the scenario's series (docs/MODEL.md §5.1), shared
by the engine and the plain reference model (one draw per day, so both get the same count)."""

from sim.core import rng


def newcomers_today(rules, members_total: int, members_active: int, day: int, attractiveness: float) -> int:
    """Newcomers today: the scenario's series of arrivals when it has one (its realised
    count for the day, 0 past its end); otherwise Bass diffusion (p + q × active share of
    the market) × remaining market × attractiveness, rounded stochastically with one draw
    so that the mean is exact. Either way at most the remaining market: a market that an
    event shrank below the members who already joined has no one left to join (nobody who
    joined ever leaves the member table, so arrivals are never negative)."""
    market = rules.market_size_members
    remaining = max(market - members_total, 0)
    series = rules.arrivals_by_day
    if len(series):
        scheduled = int(series[day]) if day < len(series) else 0
        return min(scheduled, remaining)
    hazard = rules.bass_innovation_per_day + rules.bass_imitation_per_day * members_active / market
    expected = hazard * remaining * attractiveness
    draw = rng.uniform_py(rng.day_key(rules.seed, rng.STREAM_ARRIVALS, day), 0)
    return min(int(expected + draw), remaining)
