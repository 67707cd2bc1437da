"""Plain-Python twins of ``sim.kernels.levels``."""

from sim.core.units import MILLI_UNITS_PER_UNIT, STATUS_ACTIVE


def lowest_above(thresholds):
    """Entry L: the lowest threshold of the levels above L (the top level's own)."""
    return [min(thresholds[level + 1:], default=thresholds[-1]) for level in range(len(thresholds))]


def levels(m, unit_price, min_units, min_direct, min_team):
    """Thresholds of lifetime contribution in units, compared on floored milli-units;
    returns the moves between levels and the number of upgrades."""
    top = len(min_units) - 1
    moves = [0] * (top + 1)
    upgrades = 0
    for i in range(len(m["status"])):
        if m["status"][i] != STATUS_ACTIVE or not m["recheck"][i]:
            continue
        m["recheck"][i] = 0
        lifetime = m["goods"][i] * MILLI_UNITS_PER_UNIT // unit_price
        for candidate in range(top, m["level"][i], -1):
            if (lifetime >= min_units[candidate] * MILLI_UNITS_PER_UNIT
                    and m["direct_referrals"][i] >= min_direct[candidate]
                    and m["team_sales"][i] >= min_team[candidate]):
                moves[m["level"][i]] -= 1
                moves[candidate] += 1
                m["level"][i] = candidate
                upgrades += 1
                break
    return moves, upgrades
