"""How many merchants the platform wants and how much their number limits purchases
(docs/MODEL.md §5.3, §6.1); shared by the engine and the plain reference model."""

from sim.scenario.compiled import Rules


def newcomers_wanted(rules: Rules, merchants_active: int, members_active: int) -> int:
    """Merchants joining today: enough to keep one per ``members_per_merchant`` active
    members, at most ``max_new_merchants_per_day``."""
    if rules.members_per_merchant == 0:
        return 0
    wanted = members_active // rules.members_per_merchant - merchants_active
    return int(min(max(wanted, 0), rules.max_new_merchants_per_day))


def supply_factor(rules: Rules, merchants_active: int, members_active: int) -> float:
    """Share of the usual purchases that the active merchants can serve (1 when enough)."""
    if rules.members_served_per_merchant == 0 or members_active == 0:
        return 1.0
    return min(1.0, merchants_active * rules.members_served_per_merchant / members_active)
