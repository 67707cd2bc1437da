"""The double-entry ledger: named accounts, every money flow posted as
(from, to, amount, reason), aggregated per day, account pair and reason.

Every cent is in exactly one account, the outside world included, so the accounts sum
to zero at every moment. The platform's bank balance is everything the outside world
and the merchants have put in net: ``platform_cash_cents = -(outside + merchants)``.
"""


import pandas as pd

from sim.core.accounts import ACCOUNT_NAMES, HARD_LIABILITY_ACCOUNTS, OUTSIDE_ACCOUNTS, Account


class Ledger:
    """Account balances in integer cents plus the day's flows, aggregated."""

    def __init__(self):
        self.balances = [0] * len(Account)
        self._today: dict[tuple[int, int, str], int] = {}
        self._rows: list[tuple[int, str, str, str, int]] = []

    def post(self, source: Account, target: Account, amount_cents: int, reason: str) -> None:
        """Move ``amount_cents`` (≥ 0) from ``source`` to ``target``."""
        amount_cents = int(amount_cents)
        if amount_cents < 0:
            raise ValueError(f"negative posting {amount_cents} for {reason}")
        if amount_cents == 0:
            return
        self.balances[source] -= amount_cents
        self.balances[target] += amount_cents
        key = (int(source), int(target), reason)
        self._today[key] = self._today.get(key, 0) + amount_cents

    def balance(self, account: Account) -> int:
        """Current balance of one account in cents."""
        return self.balances[account]

    def total(self) -> int:
        """Sum of all accounts: exactly 0 unless something bypassed ``post``."""
        return sum(self.balances)

    def platform_cash(self) -> int:
        """Money physically held by the platform (bank balance) in cents."""
        return -sum(self.balances[account] for account in OUTSIDE_ACCOUNTS)

    def hard_liabilities(self) -> int:
        """Members' balances, queued withdrawals and merchants' unpaid share, in cents."""
        return sum(self.balances[account] for account in HARD_LIABILITY_ACCOUNTS)

    def close_day(self, day: int) -> None:
        """File the day's aggregated flows and start a new day."""
        for (source, target, reason), amount in sorted(self._today.items()):
            self._rows.append((day, ACCOUNT_NAMES[source], ACCOUNT_NAMES[target], reason, amount))
        self._today = {}

    def frame(self) -> pd.DataFrame:
        """All filed flows: one row per day, account pair and reason."""
        return pd.DataFrame(
            self._rows, columns=["day", "from_account", "to_account", "reason", "amount_cents"]
        ).astype({"day": "int32", "amount_cents": "int64"})
