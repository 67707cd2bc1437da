"""The platform of the reference model: ``Platform`` (``mesa.Model``) holds the members and
merchants as agents and the platform's accounts as plain integers, and plays ``PHASES``, the
phases of one day in the engine's order and under the engine's names (docs/MODEL.md §3).
Each phase is a plain function of the model, in the module of its group:

- ``sim.reference.start_of_day``: ``events``, ``arrivals``
- ``sim.reference.sales``: ``purchases``, ``referrals``, ``levels``
- ``sim.reference.dividends``: ``release``, ``honorary``
- ``sim.reference.withdrawals``: ``withdrawals``, ``churn``
- ``sim.reference.end_of_day``: ``merchants``, ``platform``, ``record``

The reference keeps its own plain-Python statement of every rule on purpose: it is the
independent check of the engine, so it never imports the engine's or the kernels' rule
helpers (not even ``sim.engine``'s ``PHASES``: the order is restated here and must agree).
It imports only from ``sim.core``, ``sim.scenario``, ``sim.behaviour`` and ``sim.results``
(an import-linter contract forbids ``sim.engine`` and ``sim.kernels``).
"""

import mesa
import pandas as pd

from sim.behaviour import sentiment
from sim.behaviour.network import build_network
from sim.core import rng
from sim.core.units import STATUS_ACTIVE, STATUS_CHURNED
from sim.reference import dividends, end_of_day, sales, start_of_day, withdrawals
from sim.reference.agents import Member, Merchant, Purchase
from sim.reference.rules import plain_rules
from sim.results.tables import daily_frame
from sim.scenario.loading import scenario_on_day
from sim.scenario.params import Scenario

PHASES = (
    ("events", start_of_day.events),
    ("arrivals", start_of_day.arrivals),
    ("purchases", sales.purchases),
    ("referrals", sales.referrals),
    ("levels", sales.levels),
    ("release", dividends.release),
    ("honorary", dividends.honorary),
    ("withdrawals", withdrawals.withdrawals),
    ("churn", withdrawals.churn),
    ("merchants", end_of_day.merchants),
    ("platform", end_of_day.platform),
    ("record", end_of_day.record),
)
"""(name, phase) of every phase, in the order of the day: the names and order of the engine's
``PHASES`` (docs/MODEL.md §3)."""


class Platform(mesa.Model):
    """The platform: members and merchants as agents, the platform's accounts as integers
    (docs/MODEL.md §1, §16.2), and one ``step()`` per day. ``run()`` plays the whole
    scenario."""

    def __init__(self, scenario: Scenario):
        super().__init__(seed=scenario.run.seed)  # Mesa's generators are never used
        self.scenario = scenario
        self.rules = plain_rules(scenario_on_day(scenario, 0))
        self.day = 0
        self.members: list[Member] = []
        self.merchants: list[Merchant] = []
        # the platform's accounts, in cents (members' balances and queues are on the members)
        # money in the bank: the operator's capital less what it spent on the launch (a debt when negative)
        self.cash_cents = self.rules.initial_cash_cents - self.rules.launch_cost_cents
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
        self.withdrawals_resumed_day = 0  # the day withdrawals reopened after the last freeze
        self.absconded_day: int | None = None  # the day the operator took the cash and stopped paying
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
        start_of_day.add_members(self, self.rules.initial_members)
        # network recruitment: the contact graph, and who joined from each potential member
        # (the initial members are potential members 0 … initial − 1, docs/MODEL.md §5.4)
        network = build_network(self.rules)
        self.network = network
        self.contact_offsets = [] if network is None else network.offsets.tolist()  # as Python ints, read daily
        self.contacts = [] if network is None else network.contacts.tolist()
        self.member_at_node: dict[int, Member] = dict(enumerate(self.members)) if network is not None else {}
        start_of_day.add_merchants(self, self.rules.initial_merchants)

    # --- the state, as the phases read it -------------------------------------------------

    def draw(self, stream: int, index: int) -> float:
        """The uniform draw of ``index`` in ``stream`` today, from the engine's counter-based
        generator (docs/MODEL.md §20)."""
        key = self._day_keys.get(stream)
        if key is None:
            key = self._day_keys[stream] = rng.day_key(self.rules.seed, stream, self.day)
        return rng.uniform_py(key, index)

    def active_members(self) -> list[Member]:
        """Members who have not left, in join order (docs/MODEL.md §1)."""
        return [member for member in self.members if member.active]

    def active_merchants(self) -> list[Merchant]:
        """Merchants still selling, in join order (docs/MODEL.md §1)."""
        return [merchant for merchant in self.merchants if merchant.active]

    def queued_cents(self) -> int:
        """Withdrawals asked for and not paid yet (docs/MODEL.md §11)."""
        return sum(member.queued_cents for member in self.members)

    def hard_liabilities_cents(self) -> int:
        """What the platform owes now: members' balances, queued withdrawals, merchants
        (docs/MODEL.md §16.2)."""
        balances = sum(member.balance_cents for member in self.members)
        return balances + self.queued_cents() + self.merchants_payable_cents

    # --- the days -------------------------------------------------------------------------

    def step(self) -> None:
        """Play one day, phase by phase in the engine's order (``PHASES``, docs/MODEL.md §3);
        stop after the last day, or after the collapse day with ``stop_on_collapse``."""
        self.today = {}
        self._day_keys = {}
        for _, phase in PHASES:
            phase(self)
        self.day += 1
        stopped = self.rules.stop_on_collapse and self.collapse_day is not None
        self.running = not stopped and self.absconded_day is None and self.day < self.rules.days

    def run(self) -> pd.DataFrame:
        """Play every day of the scenario (or up to the collapse when it stops there,
        docs/MODEL.md §3) and return the ``daily`` table."""
        self.run_model()
        return self.daily()

    def daily(self) -> pd.DataFrame:
        """The days played so far, as the engine's ``daily`` table (docs/MODEL.md §17)."""
        return daily_frame(self.rows)

    def members_frame(self) -> pd.DataFrame:
        """Every member's state now, with the engine's column names (``RunResult.members``,
        docs/MODEL.md §1)."""
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
