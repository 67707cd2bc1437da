"""Referral credits: today's purchases credit the buyers' uplines. See docs/MODEL.md §7."""

from sim.core.accounts import Account
from sim.engine.phases.common import chunk_totals
from sim.engine.phases.purchases import purchase_keys
from sim.kernels import referrals as referral_columns
from sim.kernels.referrals import credit_uplines_kernel

WRITES = ("referral_contribution_milli", "referral_rewards_cents")
"""The daily columns this phase starts (``sim.today``)."""


def play(sim) -> None:
    """Today's purchases credit the buyers' uplines (team sales, referral
    contribution, cash rewards paid from the platform's margin)."""
    rules, members = sim.rules, sim.members
    credited = rewards = 0
    if rules.referral_generations > 0:
        totals = chunk_totals(referral_columns.N_UPLINE_TOTALS, referral_columns.UPLINE_PARTS)
        credit_uplines_kernel(
            members.count, sim.totals.buyers_today, members.status, members.level, members.level_recheck,
            members.referrer,
            members.contribution_milli, members.balance_cents, members.goods_cents, members.team_sales_cents,
            purchase_keys(sim), rules.price_table, rules.gift_probability, rules.gift_cdf,
            rules.tier_price_cents, rules.tier_contribution_ppm, rules.level_contribution_ppm,
            rules.contribution_unit_price_cents, rules.level_min_goods_cents, rules.level_min_team_sales_cents,
            rules.level_generations, rules.referral_contribution_ppm, rules.referral_cash_ppm, totals,
        )
        day = totals.sum(axis=0)
        credited = int(day[referral_columns.CONTRIBUTION_CREDITED])
        rewards = int(day[referral_columns.CASH_REWARDS])
        sim.totals.members_in_dividend += int(day[referral_columns.DIVIDEND_ENTRIES])
        sim.totals.contribution_total_milli += credited
        sim.ledger.post(Account.PLATFORM_MARGIN, Account.MEMBER_BALANCES, rewards, "referral_reward")
    sim.today.update(referral_contribution_milli=credited, referral_rewards_cents=rewards)
