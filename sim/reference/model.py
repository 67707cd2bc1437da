"""The reference model: circsim's rules written the obvious way, as a Mesa model.

Members and merchants are ``mesa.Agent`` objects whose methods are what they do in a day
(``Member.buy``, ``Member.receive_dividend``, ``Member.ask_to_withdraw``, ``Member.leave``,
``Merchant.sell`` ...); the platform is a ``mesa.Model`` whose ``step()`` plays the phases of
one day in the engine's order (``sim.engine.PHASES``) and keeps its accounts as plain
integers. Money is Python integers in cents, contribution in milli-units, and every share
floors exactly where the fast kernels floor (``amount * share_ppm // PPM``).

Every random number comes from the engine's counter-based generator by the same
(stream, day, index) — never from Mesa's own generator — so the reference reproduces the
fast engine's ``daily`` table exactly, every column of every day
(``tests/science/test_reference_agreement.py``). It handles one member at a time and is
meant for a few thousand members.

Where a float is computed, the reference calls the engine's own plain-Python function
(``compile_rules`` and its tables, ``sim.sentiment``, ``bass_arrivals``,
``sim.merchants.newcomers_wanted`` and ``supply_factor``, ``cumulative_shares``) so that
both compute the same bits; everything else is restated here in plain code.
"""

import bisect
import dataclasses
from types import SimpleNamespace

import mesa
import numpy as np
import pandas as pd

from sim.behaviour import sentiment
from sim.behaviour.diffusion import bass_arrivals
from sim.behaviour.merchant_supply import newcomers_wanted, supply_factor
from sim.core import rng
from sim.core.units import MILLI_UNITS_PER_UNIT, PPM, STATUS_ACTIVE, STATUS_CHURNED, UNIT_VALUE_SCALE, fixed_point_scale
from sim.results.tables import DAILY_COLUMNS, daily_frame, ratio
from sim.scenario.compiled import compile_rules, cumulative_shares
from sim.scenario.loading import scenario_on_day
from sim.scenario.params import Scenario
from sim.scenario.scaling import resolve

PENDING = "pending"
"""`queue` rule: a member who bought today with no promise left joins the line at release."""


def plain_rules(scenario: Scenario) -> SimpleNamespace:
    """The rules of ``scenario`` (``compile_rules``) with every table as a Python list, so
    that money computed from them stays in Python integers."""
    rules = compile_rules(scenario)
    return SimpleNamespace(**{
        field.name: getattr(rules, field.name).tolist() if isinstance(getattr(rules, field.name), np.ndarray)
        else getattr(rules, field.name)
        for field in dataclasses.fields(rules)
    })


@dataclasses.dataclass(frozen=True)
class Purchase:
    """One purchase of the day, as the platform books it."""

    buyer: "Member"
    merchant: "Merchant"
    price_cents: int
    tier: int  # 0 an ordinary product, k ≥ 1 gift tier k
    from_balance_cents: int
    energy_cents: int
    contribution_milli: int


class Member(mesa.Agent):
    """A member: buys, earns energy (promised dividends) and contribution (its share of each
    release), receives dividends into a balance, withdraws, recruits, and may leave.

    ``index`` is the join order; it is also the member's index in the random numbers.
    """

    def __init__(self, platform: "Platform", index: int, join_day: int):
        super().__init__(platform)
        self.index = index
        self.join_day = join_day
        self.active = True
        self.balance_cents = 0  # withdrawable or re-spendable
        self.energy_cents = 0  # promised dividends not paid yet
        self.contribution_milli = 0  # share of each day's release
        self.queued_cents = 0  # asked to withdraw, not paid yet
        self.queued_since_day: int | None = None  # day of the oldest unpaid request
        self.new_money_cents = 0  # paid in from outside, in total
        self.goods_cents = 0  # price of everything bought, in total
        self.withdrawn_cents = 0  # cash received, net of fees, in total
        self.level = 0
        self.referrer: Member | None = None
        self.direct_referrals = 0
        self.team_sales_cents = 0  # purchases of the downline within the referral generations
        self.rights = 0  # `linear` rule: live rights
        self.queue_place: int | str | None = None  # `queue` rule: place in line, PENDING or None

    def choose_referrer(self, platform: "Platform", earlier_members: int) -> None:
        """Arrivals: pick a random earlier member; with the preferential share take that
        member's own referrer instead (if any). Only an active pick becomes the referrer."""
        if earlier_members == 0:
            return
        pick = platform.members[int(platform.draw(rng.STREAM_REFERRER_PICK, self.index) * earlier_members)]
        copy = platform.draw(rng.STREAM_REFERRER_COPY, self.index) < platform.rules.referral_preferential_share
        if copy and pick.referrer is not None:
            pick = pick.referrer
        if pick.active:
            self.referrer = pick
            pick.direct_referrals += 1

    def buy(self, platform: "Platform") -> Purchase | None:
        """Purchases: with today's probability buy once — a gift package with the gift
        share, otherwise an ordinary basket — pay up to the repurchase share from the
        balance and the rest in new money, and earn energy and contribution."""
        rules, i = platform.rules, self.index
        if platform.draw(rng.STREAM_PURCHASE, i) >= platform.buy_probability:
            return None
        basket = platform.draw(rng.STREAM_BASKET, i)
        if rules.gift_probability > 0.0 and platform.draw(rng.STREAM_GIFT, i) < rules.gift_probability:
            tier = bisect.bisect_right(rules.gift_cdf, basket) + 1
            price = rules.tier_price_cents[tier]
        else:
            tier = 0
            price = rules.price_table[int(basket * len(rules.price_table))]
        from_balance = min(self.balance_cents, price * rules.repurchase_max_ppm // PPM)
        self.balance_cents -= from_balance
        self.new_money_cents += price - from_balance
        self.goods_cents += price
        self.level = max(self.level, rules.tier_level[tier])  # a gift package lifts the level
        energy = price * rules.tier_multiple_ppm[tier] // PPM
        units = price * MILLI_UNITS_PER_UNIT // rules.contribution_unit_price_cents
        units = units * rules.tier_contribution_ppm[tier] // PPM
        units = units * rules.level_contribution_ppm[self.level] // PPM
        if rules.release_rule == "queue" and self.energy_cents == 0 and energy > 0:
            self.queue_place = PENDING
        self.energy_cents += energy
        self.contribution_milli += units
        if rules.release_rule == "linear":
            self.rights += price // rules.right_price_cents
        merchant = platform.pick_merchant(i)
        merchant.sell(price)
        return Purchase(self, merchant, price, tier, from_balance, energy, units)

    def credit_uplines(self, purchase: Purchase, rules) -> tuple[int, int]:
        """Referrals: the purchase adds to the team sales of each active upline within G
        generations; an upline whose level earns from that generation also gets its share
        of the buyer's contribution and a cash reward. Returns (contribution, cash) credited."""
        credited = rewards = 0
        upline = self.referrer
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

    def rise_in_level(self, rules) -> bool:
        """Levels: rise to the highest level whose every condition is met (never fall)."""
        for candidate in range(len(rules.level_min_goods_cents) - 1, self.level, -1):
            if (self.goods_cents >= rules.level_min_goods_cents[candidate]
                    and self.direct_referrals >= rules.level_min_direct_referrals[candidate]
                    and self.team_sales_cents >= rules.level_min_team_sales_cents[candidate]):
                self.level = candidate
                return True
        return False

    def receive_dividend(self, payment_cents: int) -> tuple[int, bool]:
        """Release: credit the payment, capped by the remaining energy. A member whose energy
        is used up exits the dividend (contribution zeroed). Returns (paid, exited)."""
        if payment_cents >= self.energy_cents:
            paid = self.energy_cents
            self.energy_cents = 0
            self.contribution_milli = 0
            self.balance_cents += paid
            return paid, True
        self.energy_cents -= payment_cents
        self.balance_cents += payment_cents
        return payment_cents, False

    def ask_to_withdraw(self, platform: "Platform", probability: float, pay_now: bool) -> int:
        """Withdrawals: with a balance of at least the minimum, ask with ``probability`` for
        the withdrawal share of it (if that is at least the minimum). Returns the amount."""
        rules = platform.rules
        if self.balance_cents < rules.min_withdrawal_cents:
            return 0
        if platform.draw(rng.STREAM_WITHDRAW, self.index) >= probability:
            return 0
        amount = self.balance_cents * rules.withdrawal_share_ppm // PPM
        if amount < rules.min_withdrawal_cents:
            return 0
        self.balance_cents -= amount
        platform.take_request(self, amount, pay_now)
        return amount

    def leave(self, platform: "Platform", pay_now: bool) -> int:
        """Churn: give up the remaining promise and contribution and ask for the whole
        balance. Returns the amount asked for."""
        self.active = False
        self.energy_cents = 0
        self.contribution_milli = 0
        amount = self.balance_cents
        if amount > 0:
            self.balance_cents = 0
            platform.take_request(self, amount, pay_now)
        return amount


class Merchant(mesa.Agent):
    """A merchant: sells through the platform, gives up its concession on every sale, and
    leaves when its recent sales fall too low or the platform owes it money too long."""

    def __init__(self, platform: "Platform", index: int, join_day: int, concession_ppm: int):
        super().__init__(platform)
        self.index = index
        self.join_day = join_day
        self.concession_ppm = concession_ppm
        self.active = True
        self.sales_cents = 0
        self.sales_today_cents = 0
        self.recent_sales_cents = 0  # integer moving average of daily sales

    def sell(self, price_cents: int) -> None:
        """Purchases: book one sale."""
        self.sales_cents += price_cents
        self.sales_today_cents += price_cents

    def remember_sales(self, window_days: int) -> None:
        """Merchants phase: fold today's sales into the integer moving average."""
        self.recent_sales_cents = (self.recent_sales_cents * (window_days - 1) + self.sales_today_cents) // window_days


class Platform(mesa.Model):
    """The platform: members and merchants as agents, the platform's accounts as integers,
    and one ``step()`` per day. ``run()`` plays the whole scenario."""

    def __init__(self, scenario: Scenario):
        super().__init__(seed=scenario.run.seed)  # Mesa's generators are never used
        self.scenario = scenario
        self.rules = plain_rules(scenario_on_day(scenario, 0))
        self.day = 0
        self.members: list[Member] = []
        self.merchants: list[Merchant] = []
        # the platform's accounts, in cents (members' balances and queues are on the members)
        self.cash_cents = self.rules.initial_cash_cents  # money in the bank; at first the operator's capital
        self.margin_cents = self.cash_cents  # the operator's own money; negative when it spent money it owes
        self.dividend_pool_cents = 0
        self.honorary_pool_cents = 0
        self.merchants_payable_cents = 0  # merchants' share of sales not paid yet
        self.fees_cents = 0  # withdrawal fees kept
        self.line: list[Member] = []  # `queue` rule: members in order of entry
        self.line_head = 0  # first place in the line not paid in full yet
        self.mood = sentiment.initial_mood(self.rules)
        self.merchants_unpaid_days = 0
        self.collapse_day: int | None = None
        self.rows: list[dict] = []
        # what the phases of the day tell the later ones
        self.today: dict = {}  # the day's figures, for its row
        self._day_keys: dict[int, int] = {}  # random-number key of each stream today
        self.sellers: list[Merchant] = []  # active merchants at the purchases
        self.seller_cdf: list[float] = []  # cumulative chance that a purchase goes to each seller
        self.buy_probability = 0.0
        self.todays_purchases: list[Purchase] = []
        self.honorary_weight_ppm = 0  # Σ honorary weight of the active members
        self.contingent_before_release_cents = 0  # promises outstanding when the release starts
        self.withdrawn_gross_today_cents = 0  # withdrawals paid today, fees included
        self.add_members(self.rules.initial_members)
        self.add_merchants(self.rules.initial_merchants)

    # --- helpers -------------------------------------------------------------------------

    def draw(self, stream: int, index: int) -> float:
        """The uniform draw of ``index`` in ``stream`` today (the engine's generator)."""
        key = self._day_keys.get(stream)
        if key is None:
            key = self._day_keys[stream] = rng.day_key(self.rules.seed, stream, self.day)
        return rng.uniform_py(key, index)

    def add_members(self, how_many: int) -> list[Member]:
        """New members joining today, in join order."""
        first = len(self.members)
        self.members += [Member(self, index, self.day) for index in range(first, first + how_many)]
        return self.members[first:]

    def add_merchants(self, how_many: int) -> None:
        """New merchants joining today, each choosing a concession option by its weight."""
        rules = self.rules
        for index in range(len(self.merchants), len(self.merchants) + how_many):
            option = bisect.bisect_right(rules.concession_option_cdf, self.draw(rng.STREAM_MERCHANT_JOIN, index))
            self.merchants.append(Merchant(self, index, self.day, rules.concession_options_ppm[option]))

    def active_members(self) -> list[Member]:
        """Members who have not left, in join order."""
        return [member for member in self.members if member.active]

    def active_merchants(self) -> list[Merchant]:
        """Merchants still selling, in join order."""
        return [merchant for merchant in self.merchants if merchant.active]

    def merchants_leave_by_draw(self, probability: float, stream: int) -> int:
        """Each active merchant leaves with ``probability``; returns how many left."""
        left = 0
        for merchant in self.active_merchants():
            if self.draw(stream, merchant.index) < probability:
                merchant.active = False
                left += 1
        return left

    def pick_merchant(self, buyer_index: int) -> Merchant:
        """The merchant who sells to this buyer: drawn by today's cumulative shares."""
        return self.sellers[bisect.bisect_right(self.seller_cdf, self.draw(rng.STREAM_MERCHANT, buyer_index))]

    def queued_cents(self) -> int:
        """Withdrawals asked for and not paid yet."""
        return sum(member.queued_cents for member in self.members)

    def hard_liabilities_cents(self) -> int:
        """What the platform owes now: members' balances, queued withdrawals, merchants."""
        balances = sum(member.balance_cents for member in self.members)
        return balances + self.queued_cents() + self.merchants_payable_cents

    def take_request(self, member: Member, amount_cents: int, pay_now: bool) -> None:
        """A withdrawal request joins the member's queue; paid at once when ``pay_now``."""
        member.queued_cents += amount_cents
        if member.queued_since_day is None:
            member.queued_since_day = self.day
        if pay_now:
            self.pay(member, amount_cents)

    def pay(self, member: Member, gross_cents: int) -> None:
        """Pay ``gross_cents`` of a member's queue: the member gets it less the fee."""
        fee = gross_cents * self.rules.withdrawal_fee_ppm // PPM
        member.queued_cents -= gross_cents
        member.withdrawn_cents += gross_cents - fee
        if member.queued_cents == 0:
            member.queued_since_day = None
        self.cash_cents -= gross_cents - fee
        self.fees_cents += fee
        self.today["withdrawn_cents"] += gross_cents - fee
        self.today["withdrawal_fees_cents"] += fee
        self.withdrawn_gross_today_cents += gross_cents

    def affordable_gross_cents(self, requested_cents: int) -> int:
        """The largest gross amount, at most ``requested_cents``, whose payout net of the fee
        fits in the cash. The net is at least gross × (PPM − fee) / PPM, so nothing above
        cash × PPM // (PPM − fee) fits: the search starts there and steps down."""
        fee_ppm = self.rules.withdrawal_fee_ppm
        gross = min(requested_cents, self.cash_cents * PPM // (PPM - fee_ppm))
        while gross > 0 and gross - gross * fee_ppm // PPM > self.cash_cents:
            gross -= 1
        return gross

    def pay_withdrawals(self) -> None:
        """Pay the queued withdrawals from the cash: everyone in full when the cash covers
        the whole queue; otherwise `fifo` (by request day, then member index, the member at
        the edge in part) or `pro_rata` (everyone the same floored fraction)."""
        queued = self.queued_cents()
        if queued == 0:
            return
        waiting = [member for member in self.members if member.queued_cents > 0]
        if self.cash_cents >= queued:
            for member in waiting:
                self.pay(member, member.queued_cents)
        elif self.rules.payment_order == "fifo":
            for member in sorted(waiting, key=lambda m: (m.queued_since_day, m.index)):
                if self.cash_cents == 0:
                    break
                gross = self.affordable_gross_cents(member.queued_cents)
                if gross > 0:
                    self.pay(member, gross)
        else:
            paid_share_scaled = self.cash_cents * UNIT_VALUE_SCALE // queued
            for member in waiting:
                gross = member.queued_cents * paid_share_scaled // UNIT_VALUE_SCALE
                if gross > 0:
                    self.pay(member, gross)

    # --- the day, phase by phase ---------------------------------------------------------

    def apply_events(self) -> None:
        """Scheduled changes take effect; merchant exoduses happen."""
        todays = [event for event in self.scenario.events if event.day == self.day]
        if todays:
            self.rules = plain_rules(scenario_on_day(self.scenario, self.day))
        self.today["merchants_left"] = sum(
            self.merchants_leave_by_draw(event.merchant_exodus_share, rng.STREAM_MERCHANT_EXODUS)
            for event in todays
        )

    def arrivals(self) -> None:
        """Newcomers join (Bass diffusion × attractiveness), each looking for a referrer;
        merchants join to keep up with the active members."""
        appeal = sentiment.attractiveness(self.mood, self.rules)
        earlier = len(self.members)
        newcomers = self.add_members(
            bass_arrivals(self.rules, earlier, len(self.active_members()), self.day, appeal))
        for member in newcomers:
            member.choose_referrer(self, earlier)
        joining = newcomers_wanted(self.rules, len(self.active_merchants()), len(self.active_members()))
        self.add_merchants(joining)
        self.today.update(arrivals=len(newcomers), attractiveness=appeal, merchants_joined=joining,
                          referred=sum(member.referrer is not None for member in newcomers))

    def purchases(self) -> None:
        """Each active member may buy once; the platform books the sale: the merchant's
        share, the pools' shares, and the promises made."""
        rules = self.rules
        self.sellers = self.active_merchants()
        # a purchase goes to a merchant with chance ∝ concession ** elasticity (promotion, seed 003)
        concessions = np.array([merchant.concession_ppm for merchant in self.sellers], dtype=np.int64)
        self.seller_cdf = cumulative_shares((concessions / PPM) ** rules.promotion_elasticity).tolist()
        self.buy_probability = rules.purchase_probability_per_day * supply_factor(
            rules, len(self.sellers), len(self.active_members()))
        for merchant in self.merchants:
            merchant.sales_today_cents = 0
        self.todays_purchases = [] if not self.sellers else [
            purchase for purchase in (member.buy(self) for member in self.active_members()) if purchase is not None]
        bought = self.todays_purchases
        sales = sum(p.price_cents for p in bought)
        from_balances = sum(p.from_balance_cents for p in bought)
        concession = sum(p.price_cents * p.merchant.concession_ppm // PPM for p in bought)
        pool_inflow = sum(p.price_cents * rules.pool_share_ppm // PPM for p in bought)
        honorary_inflow = sum(p.price_cents * rules.honorary_share_ppm // PPM for p in bought)
        new_money = sales - from_balances
        self.cash_cents += new_money
        self.margin_cents += concession - pool_inflow - honorary_inflow  # the sales less the merchants' share
        self.merchants_payable_cents += sales - concession
        self.dividend_pool_cents += pool_inflow
        self.honorary_pool_cents += honorary_inflow
        merchant_paid = min(self.merchants_payable_cents, self.cash_cents)
        self.merchants_payable_cents -= merchant_paid
        self.cash_cents -= merchant_paid
        gifts = [p for p in bought if p.tier > 0]
        self.today.update(
            purchases=len(bought), gift_purchases=len(gifts), sales_cents=sales,
            gift_sales_cents=sum(p.price_cents for p in gifts), new_money_cents=new_money,
            repurchased_cents=from_balances, concession_cents=concession, pool_inflow_cents=pool_inflow,
            honorary_inflow_cents=honorary_inflow, energy_granted_cents=sum(p.energy_cents for p in bought),
            merchant_paid_cents=merchant_paid,
        )

    def referrals(self) -> None:
        """Today's purchases, in member order, credit the buyers' uplines; cash rewards come
        out of the platform's margin."""
        credited = rewards = 0
        if self.rules.referral_generations > 0:
            for purchase in self.todays_purchases:
                contribution, cash = purchase.buyer.credit_uplines(purchase, self.rules)
                credited += contribution
                rewards += cash
        self.margin_cents -= rewards
        self.today.update(referral_contribution_milli=credited, referral_rewards_cents=rewards)

    def levels(self) -> None:
        """Active members rise in level; the honorary pool is shared by these levels."""
        active = self.active_members()
        upgrades = sum(member.rise_in_level(self.rules) for member in active)
        self.honorary_weight_ppm = sum(self.rules.level_honorary_weight_ppm[member.level] for member in active)
        self.today.update(level_upgrades=upgrades, members_with_level=sum(member.level > 0 for member in active))

    def release(self) -> None:
        """Dividends by the release rule, each capped by the member's remaining energy.
        `pool` and `queue` pay only what the pool holds; `emission`, `fixed_rate` and
        `linear` pay what they promise, the platform topping up the pool."""
        rules = self.rules
        pool = self.dividend_pool_cents
        self.contingent_before_release_cents = sum(member.energy_cents for member in self.members)
        unit_value = 0.0
        payments: list[tuple[int, bool]] = []
        if rules.release_rule in ("pool", "emission"):
            if rules.release_rule == "pool":
                budget = pool * rules.pool_release_ppm // PPM
            else:
                budget = rules.emission_cents_per_day
            total_contribution = sum(member.contribution_milli for member in self.members)
            if total_contribution > 0:
                scale = fixed_point_scale(budget)
                unit_value_scaled = budget * scale // total_contribution
                unit_value = unit_value_scaled * MILLI_UNITS_PER_UNIT / scale
                payments = [member.receive_dividend(member.contribution_milli * unit_value_scaled // scale)
                            for member in self.members if member.contribution_milli > 0]
        elif rules.release_rule == "fixed_rate":
            payments = [member.receive_dividend(max(member.energy_cents * rules.fixed_rate_ppm // PPM, 1))
                        for member in self.members if member.energy_cents > 0]
        elif rules.release_rule == "linear":
            for member in self.members:
                if member.rights > 0 and member.energy_cents > 0:
                    payments.append(member.receive_dividend(member.rights * rules.right_payment_cents_per_day))
                    if payments[-1][1]:
                        member.rights = 0  # the rights end with the promise
        else:
            payments = self.pay_the_line(pool)
        released = sum(paid for paid, _ in payments)
        top_up = max(released - pool, 0)
        self.margin_cents -= top_up
        self.dividend_pool_cents += top_up - released
        self.today.update(released_cents=released, platform_top_up_cents=top_up,
                          exits=sum(exited for _, exited in payments),
                          unit_value=unit_value)

    def pay_the_line(self, budget_cents: int) -> list[tuple[int, bool]]:
        """`queue` rule: today's entrants join the back of the line in member order; the
        pool pays from the front, each member in full before the next. A place is skipped
        when its member has left (no energy) or holds a later place."""
        for member in self.members:
            if member.queue_place == PENDING:
                member.queue_place = len(self.line)
                self.line.append(member)
        payments = []
        while self.line_head < len(self.line) and budget_cents > 0:
            member = self.line[self.line_head]
            if member.queue_place != self.line_head or member.energy_cents == 0:
                self.line_head += 1
                continue
            paid, exited = member.receive_dividend(min(member.energy_cents, budget_cents))
            payments.append((paid, exited))
            budget_cents -= paid
            if exited:
                member.queue_place = None
                self.line_head += 1
        return payments

    def honorary(self) -> None:
        """The honorary pool's daily share goes to active members at level ≥ 1 by level weight."""
        rules = self.rules
        budget = self.honorary_pool_cents * rules.honorary_release_ppm // PPM
        paid = 0
        if budget > 0 and self.honorary_weight_ppm > 0:
            scale = fixed_point_scale(budget)
            value_scaled = budget * scale // self.honorary_weight_ppm
            for member in self.active_members():
                if member.level > 0:
                    payment = rules.level_honorary_weight_ppm[member.level] * value_scaled // scale
                    member.balance_cents += payment
                    paid += payment
        self.honorary_pool_cents -= paid
        self.today["honorary_paid_cents"] = paid

    def withdrawals(self) -> None:
        """Members ask to withdraw (more often in a bank run); requests are paid at once
        while the cash covers everything owed, then the queue is paid."""
        probability = sentiment.withdrawal_probability(self.mood, self.rules)
        self.today.update(withdrawn_cents=0, withdrawal_fees_cents=0, withdrawal_probability=probability)
        self.withdrawn_gross_today_cents = 0
        pay_now = self.cash_cents >= self.hard_liabilities_cents()
        amounts = [member.ask_to_withdraw(self, probability, pay_now) for member in self.active_members()]
        self.today.update(withdrawal_requests=sum(amount > 0 for amount in amounts),
                          withdrawal_requested_cents=sum(amounts))
        self.pay_withdrawals()

    def churn(self) -> None:
        """Members leave (more when the yield disappoints or withdrawals fail), each asking
        for the whole balance; then the queue is paid."""
        probability = sentiment.churn_probability(self.mood, self.rules)
        pay_now = self.cash_cents >= self.hard_liabilities_cents()
        leavers = [member for member in self.active_members()
                   if self.draw(rng.STREAM_CHURN, member.index) < probability]
        for member in leavers:
            member.leave(self, pay_now)
        self.today.update(churned=len(leavers), churn_probability=probability)
        self.pay_withdrawals()

    def merchants_come_and_go(self) -> None:
        """Merchants remember their sales and leave when recent sales are too low (after
        their first window) or when the platform has owed them money too long."""
        rules = self.rules
        for merchant in self.merchants:
            merchant.remember_sales(rules.sales_window_days)
        left = 0
        if rules.min_sales_cents_per_day > 0:
            for merchant in self.active_merchants():
                settled = merchant.join_day <= self.day - rules.sales_window_days
                if settled and merchant.recent_sales_cents < rules.min_sales_cents_per_day:
                    merchant.active = False
                    left += 1
        self.merchants_unpaid_days = self.merchants_unpaid_days + 1 if self.merchants_payable_cents > 0 else 0
        if self.merchants_unpaid_days >= rules.unpaid_patience_days:
            left += self.merchants_leave_by_draw(rules.unpaid_exit_probability_per_day, rng.STREAM_MERCHANT_EXIT)
        self.today["merchants_left"] += left

    def costs_and_solvency(self) -> None:
        """The platform pays its operating costs from what cash it has; it is insolvent
        when a withdrawal request has waited the grace period, and the first such day is
        the collapse day."""
        rules = self.rules
        costs = rules.fixed_cost_cents_per_day + self.today["sales_cents"] * rules.variable_cost_ppm // PPM
        costs_paid = min(costs, self.cash_cents)
        self.cash_cents -= costs_paid
        self.margin_cents -= costs_paid
        waiting = [member for member in self.members if member.queued_cents > 0]
        oldest = min((member.queued_since_day for member in waiting), default=None)
        insolvent = oldest is not None and self.day - oldest >= rules.insolvency_grace_days
        if insolvent and self.collapse_day is None:
            self.collapse_day = self.day
        self.today.update(operating_costs_cents=costs_paid, failed_withdrawals=len(waiting), insolvent=insolvent)

    def record(self) -> None:
        """Members fold the day's yield and unpaid share into their mood; one daily row."""
        paid = self.today["released_cents"] + self.today["honorary_paid_cents"]
        promised = self.contingent_before_release_cents
        unpaid = self.queued_cents()
        due = unpaid + self.withdrawn_gross_today_cents
        yield_today = paid / promised if promised > 0 else self.mood.yield_per_day
        unpaid_share = unpaid / due if due > 0 else 0.0
        sentiment.remember(self.mood, self.rules, yield_today, unpaid_share)
        cash, hard = self.cash_cents, self.hard_liabilities_cents()
        contingent = sum(member.energy_cents for member in self.members)
        self.today.update(
            day=self.day,
            members_total=len(self.members),
            members_active=len(self.active_members()),
            members_in_dividend=sum(member.contribution_milli > 0 for member in self.members),
            merchants_active=len(self.active_merchants()),
            pool_balance_cents=self.dividend_pool_cents,
            honorary_pool_balance_cents=self.honorary_pool_cents,
            withdrawals_unpaid_cents=unpaid,
            platform_cash_cents=cash,
            platform_own_funds_cents=self.margin_cents + self.fees_cents,
            hard_liabilities_cents=hard,
            contingent_liabilities_cents=contingent,
            coverage_ratio=ratio(cash, hard),
            coverage_ratio_all=ratio(cash, hard + contingent),
            yield_per_day=yield_today,
            unpaid_share=unpaid_share,
        )
        self.rows.append({column: self.today[column] for column in DAILY_COLUMNS})

    def step(self) -> None:
        """Play one day, phase by phase in the engine's order."""
        self.today = {}
        self._day_keys = {}
        self.apply_events()
        self.arrivals()
        self.purchases()
        self.referrals()
        self.levels()
        self.release()
        self.honorary()
        self.withdrawals()
        self.churn()
        self.merchants_come_and_go()
        self.costs_and_solvency()
        self.record()
        self.day += 1
        stopped = self.rules.stop_on_collapse and self.collapse_day is not None
        self.running = not stopped and self.day < self.rules.days

    def run(self) -> pd.DataFrame:
        """Play every day of the scenario (or up to the collapse when it stops there) and
        return the ``daily`` table."""
        self.run_model()
        return self.daily()

    def daily(self) -> pd.DataFrame:
        """The days played so far, as the engine's ``daily`` table."""
        return daily_frame(self.rows)

    def members_frame(self) -> pd.DataFrame:
        """Every member's state now, with the engine's column names (``RunResult.members``)."""
        return pd.DataFrame({
            "join_day": [m.join_day for m in self.members],
            "status": [STATUS_ACTIVE if m.active else STATUS_CHURNED for m in self.members],
            "new_money_cents": [m.new_money_cents for m in self.members],
            "goods_cents": [m.goods_cents for m in self.members],
            "withdrawn_cents": [m.withdrawn_cents for m in self.members],
            "balance_cents": [m.balance_cents for m in self.members],
            "queued_cents": [m.queued_cents for m in self.members],
            "energy_cents": [m.energy_cents for m in self.members],
            "level": [m.level for m in self.members],
            "referrer": [-1 if m.referrer is None else m.referrer.index for m in self.members],
            "direct_referrals": [m.direct_referrals for m in self.members],
        })


def run_reference(scenario, days=None, members=None, seed=None, settings=None) -> Platform:
    """Play a scenario (a ``Scenario`` or a TOML path, resolved like ``sim.run``) in the
    reference model and return the finished model (``.daily()``, ``.members_frame()``)."""
    platform = Platform(resolve(scenario, days, members, seed, settings))
    platform.run()
    return platform


def first_difference(expected: pd.DataFrame, actual: pd.DataFrame) -> str | None:
    """Where two ``daily`` tables first differ, as one readable line: the first day on
    which any column differs, that column, and both values (None when identical, floats
    compared exactly, NaN equal to NaN)."""
    if list(expected.columns) != list(actual.columns):
        return f"columns differ: {sorted(set(expected.columns) ^ set(actual.columns)) or 'order'}"
    days = min(len(expected), len(actual))
    first: tuple[int, str] | None = None
    for column in expected.columns:
        left = expected[column].to_numpy()[:days]
        right = actual[column].to_numpy()[:days]
        same = left == right
        if left.dtype.kind == "f":
            same |= np.isnan(left) & np.isnan(right)
        if not same.all():
            day = int(np.argmin(same))
            if first is None or day < first[0]:
                first = (day, column)
    if first is not None:
        day, column = first
        return (f"day {day}, column {column}: expected {expected[column].to_numpy()[day].item()!r}, "
                f"got {actual[column].to_numpy()[day].item()!r}")
    if len(expected) != len(actual):
        return f"expected {len(expected)} days, got {len(actual)}"
    return None
