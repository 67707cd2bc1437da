"""Checks run after every phase in validate mode: the ledger sums to zero and agrees
with the state it describes, and nothing that cannot be negative is."""

import numpy as np

from sim.core.accounts import Account
from sim.core.units import STATUS_ACTIVE
from sim.engine.phases.levels import count_levels


class InvariantError(AssertionError):
    """An invariant broke; the message names the day and the phase."""


def problems(sim) -> list[str]:
    """Every broken invariant, as readable lines (empty when all hold)."""
    ledger, members = sim.ledger, sim.members
    found = []
    if ledger.total() != 0:
        found.append(f"accounts sum to {ledger.total()} cents, not 0")
    agreements = (
        ("member_balances account", ledger.balance(Account.MEMBER_BALANCES), members.view("balance_cents").sum()),
        ("withdrawal_queue account", ledger.balance(Account.WITHDRAWAL_QUEUE), members.view("queued_cents").sum()),
        ("contingent liabilities", sim.totals.energy_outstanding_cents,
         members.view("energy_cents").sum() + sim.pending.energy_total_cents()),
        ("total contribution", sim.totals.contribution_total_milli, members.view("contribution_milli").sum()),
        ("members in dividend", sim.totals.members_in_dividend, np.count_nonzero(members.view("contribution_milli"))),
        ("active members", sim.totals.members_active, np.count_nonzero(members.view("status") == STATUS_ACTIVE)),
        ("cash paid to members", sim.totals.withdrawn_total_cents, members.view("withdrawn_cents").sum()),
        ("new money paid in", sim.totals.new_money_total_cents, members.view("new_money_cents").sum()),
        ("merchants' sales", sim.totals.sales_total_cents, sim.merchants.view("sales_cents").sum()),
    )
    for name, tracked, from_state in agreements:
        if int(tracked) != int(from_state):
            found.append(f"{name} is {int(tracked)} but the member arrays add up to {int(from_state)}")
    counted = count_levels(members, len(sim.totals.level_counts))
    if counted.tolist() != sim.totals.level_counts.tolist():
        found.append(f"active members per level are {sim.totals.level_counts.tolist()} but the member arrays "
                     f"count {counted.tolist()}")
    for field in ("balance_cents", "energy_cents", "contribution_milli", "queued_cents"):
        if members.count and members.view(field).min() < 0:
            found.append(f"a member has negative {field}")
    for name in ("energy_cents", "contribution_milli", "rights"):
        if getattr(sim.pending, name).size and getattr(sim.pending, name).min() < 0:
            found.append(f"a member has negative pending {name}")
    for account in (Account.DIVIDEND_POOL, Account.HONORARY_POOL, Account.MERCHANTS_PAYABLE, Account.WITHDRAWAL_FEES):
        if ledger.balance(account) < 0:
            found.append(f"account {account.name.lower()} is negative")
    if ledger.platform_cash() < 0 and sim.rules.launch_cost_cents == 0 and not sim.rules.borrows_when_short:
        found.append(f"the platform's cash is negative ({ledger.platform_cash()} cents) without a launch debt "
                     "or borrowing")
    return found


def _members_below_their_level(sim) -> int:
    """Active members who meet every condition of a level above their own: none right after
    the levels phase (which checks only members due for a check, so this catches a change
    that forgot to mark one)."""
    rules, members = sim.rules, sim.members
    active = members.view("status") == STATUS_ACTIVE
    level = members.view("level")
    below = np.zeros(members.count, dtype=bool)
    for candidate in range(1, len(rules.level_min_goods_cents)):
        qualifies = ((members.view("goods_cents") >= rules.level_min_goods_cents[candidate])
                     & (members.view("direct_referrals") >= rules.level_min_direct_referrals[candidate])
                     & (members.view("team_sales_cents") >= rules.level_min_team_sales_cents[candidate]))
        below |= active & qualifies & (level < candidate)
    return int(below.sum())


def check(sim, phase: str) -> None:
    """Raise ``InvariantError`` naming the day and phase if any invariant is broken."""
    found = problems(sim)
    if phase == "levels" and _members_below_their_level(sim):
        found.append("an active member qualifies for a higher level than it holds")
    if found:
        raise InvariantError(f"day {sim.day}, after phase '{phase}': " + "; ".join(found))
