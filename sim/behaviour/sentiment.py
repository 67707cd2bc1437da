"""Members' mood, platform-wide: moving averages of the yield they see and of the share of
withdrawals left unpaid, and how these move arrivals, churn and withdrawals (growth,
churn and bank-run contagion). Plain functions of day-level numbers, shared by the fast
engine and the reference model."""

from dataclasses import dataclass

from sim.scenario.compiled import Rules


@dataclass
class Mood:
    """Moving averages members remember: yield per day and unpaid share of withdrawals."""

    yield_per_day: float
    unpaid_share: float = 0.0


def initial_mood(rules: Rules) -> Mood:
    """Day 0: members expect the reference yield and have seen no failure."""
    return Mood(yield_per_day=rules.reference_yield_per_day)


def remember(mood: Mood, rules: Rules, yield_today: float, unpaid_share_today: float) -> None:
    """Fold today into the moving averages (exponential, span ``memory_days``)."""
    weight = 2.0 / (rules.memory_days + 1)
    mood.yield_per_day += weight * (yield_today - mood.yield_per_day)
    mood.unpaid_share += weight * (unpaid_share_today - mood.unpaid_share)


def attractiveness(mood: Mood, rules: Rules) -> float:
    """Multiplier of Bass arrivals: up with the recent yield, down after failed withdrawals."""
    relative_yield = mood.yield_per_day / rules.reference_yield_per_day - 1.0
    value = (1.0 + rules.attractiveness_yield_sensitivity * relative_yield
             - rules.attractiveness_failure_sensitivity * mood.unpaid_share)
    return min(max(value, 0.0), rules.max_attractiveness)


def churn_probability(mood: Mood, rules: Rules) -> float:
    """Daily churn: the base rate, raised when the yield falls short and by contagion."""
    shortfall = max(0.0, 1.0 - mood.yield_per_day / rules.reference_yield_per_day)
    value = (rules.churn_probability_per_day * (1.0 + rules.churn_yield_sensitivity * shortfall)
             + rules.contagion_churn_sensitivity * mood.unpaid_share)
    return min(value, 1.0)


def withdrawal_probability(mood: Mood, rules: Rules) -> float:
    """Daily withdrawal probability, raised by bank-run contagion."""
    value = rules.withdrawal_probability_per_day * (1.0 + rules.contagion_withdrawal_sensitivity * mood.unpaid_share)
    return min(value, 1.0)
