"""The chart of accounts of circsim's double-entry ledger (docs/MODEL.md §16).

Every cent is in exactly one account, the outside world included, so the accounts sum to
zero at every moment. The names are also the account columns of ``ledger.parquet``.
"""

from enum import IntEnum


class Account(IntEnum):
    OUTSIDE_WORLD = 0  # members' pockets, suppliers of costs, banks
    PLATFORM_MARGIN = 1  # the operator's own money; negative when it owes more than it holds
    DIVIDEND_POOL = 2  # concession earmarked for releases
    MEMBER_BALANCES = 3  # released money credited to members (withdrawable, re-spendable)
    WITHDRAWAL_QUEUE = 4  # withdrawals requested and not paid yet
    MERCHANTS_PAYABLE = 5  # merchants' share of sales not paid out yet
    MERCHANTS = 6  # what merchants have been paid
    WITHDRAWAL_FEES = 7  # fees the platform kept on withdrawals
    HONORARY_POOL = 8  # concession earmarked for honorary dividends


ACCOUNT_NAMES = tuple(account.name.lower() for account in Account)


HARD_LIABILITY_ACCOUNTS = (Account.MEMBER_BALANCES, Account.WITHDRAWAL_QUEUE, Account.MERCHANTS_PAYABLE)


OUTSIDE_ACCOUNTS = (Account.OUTSIDE_WORLD, Account.MERCHANTS)
