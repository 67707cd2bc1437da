"""Struct-of-arrays state of members and merchants, with spare capacity so that members
can join every day without reallocating. A member's index is its join order and also its
index in the counter-based random numbers.

Platform-level money lives in the ledger (``sim.ledger``), not here.
"""

import numpy as np

from sim.core.units import DAY_DTYPE, MONEY_DTYPE, NO_DAY, QUEUE_NONE, STATUS_ACTIVE, STATUS_DTYPE

GROWTH_FACTOR_NUM, GROWTH_FACTOR_DEN = 3, 2
"""Capacity grows by half when full: spare room stays below a third of the table."""

# name: (dtype, value of a newcomer)
MEMBER_FIELDS = {
    "balance_cents": (MONEY_DTYPE, 0),  # withdrawable or re-spendable balance
    "energy_cents": (MONEY_DTYPE, 0),  # remaining promise of future dividends
    "contribution_milli": (MONEY_DTYPE, 0),  # share of each day's release
    "queued_cents": (MONEY_DTYPE, 0),  # requested withdrawals not paid yet
    "queued_since_day": (DAY_DTYPE, NO_DAY),  # day the oldest unpaid request was made
    "join_day": (DAY_DTYPE, 0),
    "status": (STATUS_DTYPE, STATUS_ACTIVE),
    "new_money_cents": (MONEY_DTYPE, 0),  # cumulative money paid in from outside
    "goods_cents": (MONEY_DTYPE, 0),  # cumulative price of the goods bought
    "withdrawn_cents": (MONEY_DTYPE, 0),  # cumulative cash received, net of fees
    "level": (np.int8, 0),  # identity level, 0 = none
    "level_recheck": (np.int8, 1),  # 1 when due for a level check: joined, or goods, referrals, team sales or rules changed
    "referrer": (np.int32, -1),  # index of the member who referred this one, -1 = none
    "direct_referrals": (np.int32, 0),
    "team_sales_cents": (MONEY_DTYPE, 0),  # cumulative purchases of the downline within G generations
    "rights": (np.int32, 0),  # `linear` rule: live rights
    "queue_position": (np.int32, QUEUE_NONE),  # `queue` rule: place in the payout queue
}

MERCHANT_FIELDS = {
    "concession_ppm": (np.int64, 0),
    "sales_cents": (MONEY_DTYPE, 0),  # cumulative sales
    "recent_sales_cents": (MONEY_DTYPE, 0),  # moving average of daily sales
    "join_day": (DAY_DTYPE, 0),
    "active": (np.int8, 1),
}


class Population:
    """A growable table of equally long numpy arrays, one per field."""

    def __init__(self, fields: dict, capacity: int):
        self._fields = fields
        self.count = 0
        self.capacity = max(int(capacity), 1)
        for name, (dtype, _) in fields.items():
            setattr(self, name, np.empty(self.capacity, dtype=dtype))

    def add(self, how_many: int, day: int) -> slice:
        """Append ``how_many`` newcomers joining on ``day``; return their index slice."""
        needed = self.count + how_many
        if needed > self.capacity:
            self._grow(max(needed, self.capacity * GROWTH_FACTOR_NUM // GROWTH_FACTOR_DEN))
        new = slice(self.count, needed)
        for name, (_, initial) in self._fields.items():
            getattr(self, name)[new] = initial
        self.join_day[new] = day
        self.count = needed
        return new

    def _grow(self, capacity: int) -> None:
        # one field at a time, so the peak is the table plus one grown field
        for name in self._fields:
            old = getattr(self, name)
            grown = np.empty(capacity, dtype=old.dtype)
            grown[: self.count] = old[: self.count]
            setattr(self, name, grown)
        self.capacity = capacity

    def nbytes(self) -> int:
        """Bytes held by all arrays, spare capacity included."""
        return sum(getattr(self, name).nbytes for name in self._fields)

    def bytes_per_row(self) -> int:
        """Bytes of state per member (or merchant), without spare capacity."""
        return sum(np.dtype(dtype).itemsize for dtype, _ in self._fields.values())

    def view(self, name: str) -> np.ndarray:
        """The filled part of one field's array (no copy)."""
        return getattr(self, name)[: self.count]


def new_members(capacity: int) -> Population:
    """An empty member table with room for ``capacity`` members."""
    return Population(MEMBER_FIELDS, capacity)


def new_merchants(capacity: int) -> Population:
    """An empty merchant table with room for ``capacity`` merchants."""
    return Population(MERCHANT_FIELDS, capacity)


class PayoutQueue:
    """The `queue` rule's line: member indices in order of entry, from ``head`` on.

    An entry is live while ``queue_position[member]`` equals its place in the line; a
    member who leaves or re-enters leaves a stale entry behind, skipped when reached.
    """

    def __init__(self, capacity: int = 1024):
        self._line = np.empty(capacity, dtype=np.int64)
        self.length = 0
        self.head = 0

    @property
    def members(self) -> np.ndarray:
        """The line so far (entries before ``head`` are done)."""
        return self._line[: self.length]

    def extend(self, entrants: np.ndarray, queue_position: np.ndarray) -> None:
        """Put ``entrants`` (in member index order) at the back of the line."""
        needed = self.length + entrants.shape[0]
        if needed > self._line.shape[0]:
            grown = np.empty(max(needed, 2 * self._line.shape[0]), dtype=np.int64)
            grown[: self.length] = self.members
            self._line = grown
        self._line[self.length: needed] = entrants
        queue_position[entrants] = np.arange(self.length, needed)
        self.length = needed

    def compact(self, queue_position: np.ndarray) -> None:
        """Drop the entries before ``head`` once they are most of the line."""
        if self.head == 0 or 2 * self.head < self.length:
            return
        live = self._line[self.head: self.length].copy()
        self._line[: live.shape[0]] = live
        self.length = live.shape[0]
        queue_position[queue_position >= 0] -= self.head
        self.head = 0
