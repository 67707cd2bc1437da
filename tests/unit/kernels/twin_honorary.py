"""Plain-Python twin of ``sim.kernels.honorary``."""

from sim.core.units import STATUS_ACTIVE


def honorary(m, payment_by_level):
    """Each active member at level ≥ 1 gets its level's payment."""
    paid = 0
    for i in range(len(m["status"])):
        if m["status"][i] != STATUS_ACTIVE or m["level"][i] == 0:
            continue
        payment = int(payment_by_level[m["level"][i]])
        m["balance"][i] += payment
        paid += payment
    return paid
