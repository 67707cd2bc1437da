"""The agents of the reference model: ``Member`` and ``Merchant`` (``mesa.Agent``), and
``Purchase``, one purchase as the platform books it (docs/MODEL.md §1).

An agent's methods are what it does to itself in a day: a member buys, rises in level,
receives a dividend, asks to withdraw, leaves; a merchant sells and remembers its sales.
What touches several agents or the platform's accounts (referrers, upline credit, the
payment of withdrawals, the pools) is in the module of its phase (``sim.reference.platform``
lists them in the order of the day).

The reference keeps its own plain-Python statement of every rule on purpose: it is the
independent check of the engine, so it never imports the engine's or the kernels' rule
helpers. It imports only from ``sim.core``, ``sim.scenario``, ``sim.behaviour`` and
``sim.results`` (an import-linter contract forbids ``sim.engine`` and ``sim.kernels``).
"""

import bisect
import dataclasses
from typing import TYPE_CHECKING

import mesa

from sim.core import rng
from sim.core.units import MILLI_UNITS_PER_UNIT, PPM

if TYPE_CHECKING:
    from sim.reference.platform import Platform

PENDING = "pending"
"""`queue` rule: a member who bought today with no promise left joins the line at release
(docs/MODEL.md §9.7)."""


@dataclasses.dataclass(frozen=True)
class Purchase:
    """One purchase of the day, as the platform books it (docs/MODEL.md §6)."""

    buyer: "Member"
    merchant: "Merchant"
    price_cents: int
    tier: int  # 0 an ordinary product, k ≥ 1 gift tier k
    from_balance_cents: int
    energy_cents: int
    contribution_milli: int


class Member(mesa.Agent):
    """A member: buys, earns energy (promised dividends) and contribution (its share of each
    release), receives dividends into a balance, withdraws, recruits, and may leave
    (docs/MODEL.md §1).

    ``index`` is the join order; it is also the member's index in the random numbers
    (docs/MODEL.md §20).
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
        # first-release delay: [energy, contribution, rights] granted, by the day they join the live ones
        self.pending_grants: dict[int, list[int]] = {}

    def buy(self, platform: "Platform") -> Purchase | None:
        """With today's probability, or for sure on the day it joins when newcomers deposit on
        joining, buy once (docs/MODEL.md §6.1) — a gift package with the
        gift share, otherwise an ordinary basket (§6.2) — pay up to the repurchase share from
        the balance and the rest in new money (§6.3), buy from a merchant drawn by today's
        cumulative shares (§6.4), and earn energy, contribution and rights (§6.5)."""
        rules, i = platform.rules, self.index
        deposit = rules.deposit_on_joining and self.join_day == platform.day  # newcomers deposit for sure
        if not deposit and platform.draw(rng.STREAM_PURCHASE, i) >= platform.buy_probability:
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
        rights = price // rules.right_price_cents if rules.release_rule == "linear" else 0
        if rules.first_release_delay_days > 0:  # they take part in releases from day d + D (§9.9)
            self.pending_grants[platform.day + rules.first_release_delay_days] = [energy, units, rights]
        else:
            self.take_grant(energy, units, rights, rules.release_rule == "queue")
        merchant = platform.sellers[bisect.bisect_right(platform.seller_cdf, platform.draw(rng.STREAM_MERCHANT, i))]
        merchant.sell(price)
        return Purchase(self, merchant, price, tier, from_balance, energy, units)

    def take_grant(self, energy_cents: int, contribution_milli: int, rights: int, queue_rule: bool) -> None:
        """Add a purchase's energy, contribution and rights to the live ones; under the `queue`
        rule a member with no promise left joins the line at the release (docs/MODEL.md §6.5,
        §9.7)."""
        if queue_rule and self.energy_cents == 0 and energy_cents > 0:
            self.queue_place = PENDING
        self.energy_cents += energy_cents
        self.contribution_milli += contribution_milli
        self.rights += rights

    def grants_due(self, day: int, queue_rule: bool) -> None:
        """The grants whose first release is ``day`` join the live ones (docs/MODEL.md §9.9)."""
        grant = self.pending_grants.pop(day, None)
        if grant is not None:
            self.take_grant(*grant, queue_rule)

    def promise_cents(self) -> int:
        """The whole remaining promise: live energy and grants still waiting for their first
        release (docs/MODEL.md §9.9, §16.2)."""
        return self.energy_cents + sum(grant[0] for grant in self.pending_grants.values())

    def rise_in_level(self, rules) -> bool:
        """Rise to the highest level whose every condition is met; never fall
        (docs/MODEL.md §8)."""
        for candidate in range(len(rules.level_min_goods_cents) - 1, self.level, -1):
            if (self.goods_cents >= rules.level_min_goods_cents[candidate]
                    and self.direct_referrals >= rules.level_min_direct_referrals[candidate]
                    and self.team_sales_cents >= rules.level_min_team_sales_cents[candidate]):
                self.level = candidate
                return True
        return False

    def receive_dividend(self, payment_cents: int) -> tuple[int, bool]:
        """Credit the payment, capped by the remaining energy. A member whose energy is used
        up exits the dividend (contribution zeroed) (docs/MODEL.md §9.1). Returns
        (paid, exited)."""
        if payment_cents >= self.energy_cents:
            paid = self.energy_cents
            self.energy_cents = 0
            self.contribution_milli = 0
            self.balance_cents += paid
            return paid, True
        self.energy_cents -= payment_cents
        self.balance_cents += payment_cents
        return payment_cents, False

    def ask_to_withdraw(self, platform: "Platform", probability: float) -> int:
        """With a balance of at least the minimum, ask with ``probability`` for the
        withdrawal share of it, or the fixed withdrawal amount (at most the balance) when
        there is one, if that is at least the minimum; the amount leaves the balance
        (docs/MODEL.md §11). Returns the amount (0: no request)."""
        rules = platform.rules
        if self.balance_cents < rules.min_withdrawal_cents:
            return 0
        if platform.draw(rng.STREAM_WITHDRAW, self.index) >= probability:
            return 0
        if rules.withdrawal_amount_cents > 0:
            amount = min(rules.withdrawal_amount_cents, self.balance_cents)
        else:
            amount = self.balance_cents * rules.withdrawal_share_ppm // PPM
        if amount < rules.min_withdrawal_cents:
            return 0
        self.balance_cents -= amount
        return amount

    def leave(self, cashout_ppm: int) -> tuple[int, int]:
        """Churn: claim the share ``cashout_ppm`` of the remaining promise, give up the rest
        and the contribution, and ask for the whole balance and the claim, which leave the
        balance (docs/MODEL.md §12). Returns (amount asked for, claim)."""
        claim = self.promise_cents() * cashout_ppm // PPM  # pending grants are promised too (§9.9)
        self.active = False
        self.energy_cents = 0
        self.pending_grants = {}
        self.contribution_milli = 0
        amount = self.balance_cents + claim
        self.balance_cents = 0
        return amount, claim


class Merchant(mesa.Agent):
    """A merchant: sells through the platform, gives up its concession on every sale, and
    leaves when its recent sales fall too low or the platform owes it money too long
    (docs/MODEL.md §1, §13)."""

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
        """Book one sale (docs/MODEL.md §6.4)."""
        self.sales_cents += price_cents
        self.sales_today_cents += price_cents

    def remember_sales(self, window_days: int) -> None:
        """Fold today's sales into the integer moving average (docs/MODEL.md §13)."""
        self.recent_sales_cents = (self.recent_sales_cents * (window_days - 1) + self.sales_today_cents) // window_days
