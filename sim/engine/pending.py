"""Grants waiting for their first release (``release.first_release_delay_days``, D > 0): the
energy, contribution and rights a purchase of day d grants take part in releases from day
d + D on (docs/MODEL.md §9.9). Each is held in a ring of D + 1 slots, one per day of
purchases, and moved into the member's live energy, contribution and rights at the start of
day d + D's release; so the delay is exact for any number of purchases of a member.

A pending promise is already a contingent liability (it counts in
``RunningTotals.energy_outstanding_cents``); pending contribution is not yet part of the
split's denominator (``contribution_total_milli``) and a member whose only contribution is
pending is not yet in the dividend (``members_in_dividend``)."""

import numpy as np

from sim.core.units import MONEY_DTYPE


class PendingGrants:
    """The ring of pending grants: ``energy_cents``, ``contribution_milli`` (int64) and
    ``rights`` (int32), each of shape (D + 1 slots, member capacity), slot = day % (D + 1);
    (0, 0) when D = 0, so nothing is held or moved. Plain numpy attributes (the simulation
    is pickled whole)."""

    def __init__(self, delay_days: int, capacity: int):
        self.delay_days = delay_days
        slots = delay_days + 1 if delay_days > 0 else 0
        rows = capacity if slots else 0
        self.energy_cents = np.zeros((slots, rows), dtype=MONEY_DTYPE)
        self.contribution_milli = np.zeros((slots, rows), dtype=MONEY_DTYPE)
        self.rights = np.zeros((slots, rows), dtype=np.int32)

    def fit(self, capacity: int) -> None:
        """Make room for ``capacity`` members (newcomers have nothing pending)."""
        if not self.delay_days or self.energy_cents.shape[1] >= capacity:
            return
        for name in ("energy_cents", "contribution_milli", "rights"):
            old = getattr(self, name)
            grown = np.zeros((old.shape[0], capacity), dtype=old.dtype)
            grown[:, : old.shape[1]] = old
            setattr(self, name, grown)

    def slot_bought(self, day: int) -> int:
        """The slot of the grants of ``day``'s purchases."""
        return day % (self.delay_days + 1)

    def slot_due(self, day: int) -> int:
        """The slot of the grants whose first release is on ``day`` (bought on day − D)."""
        return (day - self.delay_days) % (self.delay_days + 1)

    def energy_total_cents(self) -> int:
        """All pending promises, in cents."""
        return int(self.energy_cents.sum())
