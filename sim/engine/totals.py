"""The simulation's running totals: every aggregate the phases keep up to date between
days, declared in one place. Each one equals a sum over the member arrays or the ledger
(checked after every phase in validate mode, ``sim.engine.invariants``) but is kept
incrementally so that no phase has to re-add a million rows."""

from dataclasses import dataclass, field

import numpy as np


@dataclass
class RunningTotals:
    """Aggregates carried from phase to phase and day to day. Money in integer cents,
    contribution in integer milli-units (docs/MODEL.md §2)."""

    members_active: int
    """Members who have not left."""
    level_counts: np.ndarray
    """Active members per level, int64 of shape (levels,), used by the honorary pool."""
    members_in_dividend: int = 0
    """Members holding contribution (the ones a contribution split pays)."""
    contribution_total_milli: int = 0
    """Contribution held by all members: the denominator of the pool and emission splits."""
    energy_outstanding_cents: int = 0
    """Remaining promises of all members: the contingent liabilities."""
    contingent_before_release_cents: int = 0
    """Remaining promises just before today's release (the base of today's yield)."""
    promised_cents: int = 0
    """Energy granted since day 0."""
    released_cents: int = 0
    """Promises paid since day 0: dividends released and promises leavers cashed out."""
    new_money_total_cents: int = 0
    """Money members paid in from outside since day 0."""
    sales_total_cents: int = 0
    """Sales since day 0."""
    withdrawn_total_cents: int = 0
    """Withdrawals paid to members net of fees since day 0."""
    withdrawn_gross_today_cents: int = 0
    """Withdrawals paid today before fees (the denominator of today's unpaid share)."""
    merchant_sales_today: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Each merchant's sales today, int64 of shape (merchants,)."""
    buyers_today: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int32))
    """Members who bought today, int32, in chunk order (the referral phase credits their uplines)."""
    merchants_unpaid_days: int = 0
    """Days in a row the platform has owed merchants money."""
    collapse_day: int | None = None
    """First day a withdrawal stayed unpaid for the insolvency grace period, or the operator
    absconded."""
    absconded_day: int | None = None
    withdrawals_resumed_day: int = 0
    """The day withdrawals reopened after the last freeze (0: never frozen): a request counts
    as unpaid only from then on (``withdrawals.frozen``)."""
    """The day the operator took the cash and stopped paying (the run ends there)."""
    extracted_cents: int = 0
    """What the operator took out for itself since day 0 (skimming and absconding)."""
    ledger_balanced: bool = True
    """Whether the accounts summed to zero at the end of every day so far."""
