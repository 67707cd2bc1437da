"""The sales of the day in the reference model: ``purchases`` (members buy, the platform
books the merchant's share, the pools' shares and the promises), ``referrals`` (uplines are
credited) and ``levels`` (members rise). Each phase is a plain function of the platform
model, named like the engine's phase (docs/MODEL.md §3).

The reference keeps its own plain-Python statement of every rule on purpose: it is the
independent check of the engine, so it never imports the engine's or the kernels' rule
helpers. It imports only from ``sim.core``, ``sim.scenario``, ``sim.behaviour`` and
``sim.results`` (an import-linter contract forbids ``sim.engine`` and ``sim.kernels``).
Where a float is computed (the merchants' cumulative shares, the supply factor) it calls the
shared plain-Python function so that both models compute the same bits.
"""

from typing import TYPE_CHECKING

import numpy as np

from sim.behaviour.merchant_supply import supply_factor
from sim.core.units import PPM
from sim.reference.agents import Purchase
from sim.scenario.compiled import cumulative_shares

if TYPE_CHECKING:
    from sim.reference.platform import Platform


def purchases(model: "Platform") -> None:
    """Each active member may buy once (``Member.buy``, docs/MODEL.md §6.1–§6.3, §6.5); the
    platform books the day's sales: the merchants' share, the pools' shares, and the
    payment of the merchants from the cash it has (§6.4). Nobody buys when no merchant is
    active."""
    rules = model.rules
    model.sellers = model.active_merchants()
    # a purchase goes to a merchant with chance ∝ concession ** elasticity (promotion, seed 003)
    concessions = np.array([merchant.concession_ppm for merchant in model.sellers], dtype=np.int64)
    model.seller_cdf = cumulative_shares((concessions / PPM) ** rules.promotion_elasticity).tolist()
    model.buy_probability = rules.purchase_probability_per_day * supply_factor(
        rules, len(model.sellers), len(model.active_members()))
    for merchant in model.merchants:
        merchant.sales_today_cents = 0
    model.todays_purchases = [] if not model.sellers else [
        purchase for purchase in (member.buy(model) for member in model.active_members()) if purchase is not None]
    bought = model.todays_purchases
    sales = sum(p.price_cents for p in bought)
    from_balances = sum(p.from_balance_cents for p in bought)
    concession = sum(p.price_cents * p.merchant.concession_ppm // PPM for p in bought)
    pool_inflow = sum(p.price_cents * rules.pool_share_ppm // PPM for p in bought)
    honorary_inflow = sum(p.price_cents * rules.honorary_share_ppm // PPM for p in bought)
    new_money = sales - from_balances
    model.cash_cents += new_money
    skimmed = min(new_money * rules.skim_new_money_ppm // PPM, max(model.cash_cents, 0))  # §14
    model.cash_cents -= skimmed
    model.margin_cents -= skimmed
    model.margin_cents += concession - pool_inflow - honorary_inflow  # the sales less the merchants' share
    model.merchants_payable_cents += sales - concession
    model.dividend_pool_cents += pool_inflow
    model.honorary_pool_cents += honorary_inflow
    merchant_paid = min(model.merchants_payable_cents, max(model.cash_cents, 0))
    model.merchants_payable_cents -= merchant_paid
    model.cash_cents -= merchant_paid
    gifts = [p for p in bought if p.tier > 0]
    model.today.update(
        purchases=len(bought), gift_purchases=len(gifts), sales_cents=sales,
        gift_sales_cents=sum(p.price_cents for p in gifts), new_money_cents=new_money,
        repurchased_cents=from_balances, concession_cents=concession, pool_inflow_cents=pool_inflow,
        honorary_inflow_cents=honorary_inflow, energy_granted_cents=sum(p.energy_cents for p in bought),
        merchant_paid_cents=merchant_paid, extracted_cents=skimmed,
    )


def referrals(model: "Platform") -> None:
    """Today's purchases, in member order, credit the buyers' uplines; cash rewards come out
    of the platform's margin (docs/MODEL.md §7)."""
    credited = rewards = 0
    if model.rules.referral_generations > 0:
        for purchase in model.todays_purchases:
            contribution, cash = credit_uplines(purchase, model.rules)
            credited += contribution
            rewards += cash
    model.margin_cents -= rewards
    model.today.update(referral_contribution_milli=credited, referral_rewards_cents=rewards)


def credit_uplines(purchase: Purchase, rules) -> tuple[int, int]:
    """The purchase adds to the team sales of each active upline within G generations
    (churned uplines are passed through); an upline whose level earns from that generation
    also gets its share of the buyer's contribution and a cash reward in its balance
    (docs/MODEL.md §7). Returns (contribution, cash) credited."""
    credited = rewards = 0
    upline = purchase.buyer.referrer
    for generation in range(rules.referral_generations):
        if upline is None:
            break
        if upline.active:
            upline.team_sales_cents += purchase.price_cents
            if generation < rules.level_generations[upline.level]:
                added = purchase.contribution_milli * rules.referral_contribution_ppm[generation] // PPM
                reward = purchase.price_cents * rules.referral_cash_ppm[generation] // PPM
                upline.contribution_milli += added
                upline.balance_cents += reward
                credited += added
                rewards += reward
        upline = upline.referrer
    return credited, rewards


def levels(model: "Platform") -> None:
    """Active members rise in level (``Member.rise_in_level``, docs/MODEL.md §8); the
    honorary pool is shared by the weights of these levels (§10)."""
    active = model.active_members()
    upgrades = sum(member.rise_in_level(model.rules) for member in active)
    model.honorary_weight_ppm = sum(model.rules.level_honorary_weight_ppm[member.level] for member in active)
    model.today.update(level_upgrades=upgrades, members_with_level=sum(member.level > 0 for member in active))
