"""The scenario as pydantic models: one model per concern, frozen, unknown fields
forbidden, every field bounded and documented with its unit.

Shares and multiples are floats here for readability; the engine turns them into
integer parts per million (``sim.core.units.share_to_ppm``), so their resolution is 1e-6.
Daily rates (``*_per_day`` shares that compound: release, promise growth, interest) are held
in parts per billion (``sim.core.units.rate_to_ppb``), resolution 1e-9.
"""

import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

MAX_MEMBERS = 2_000_000_000
"""Upper bound on any count of members (initial, market, thresholds): members are indexed
by int32, and only members who joined take memory, so a national market fits."""
SHARE_RESOLUTION = 1e-6
"""Shares are held in whole parts per million: a share that must be above 0 is at least this
(a smaller one would round to 0 ppm), and one that must be below 1 at most 1 − this."""
RATE_RESOLUTION = 1e-9
"""Daily rates are held in whole parts per billion: one that must be above 0 is at least this."""
MAX_RATE_PER_DAY = 0.1
"""Upper bound on a daily growth or interest rate (10 % a day doubles money in a week)."""
MIN_REFERENCE_YIELD_PER_DAY = 1e-9
"""Yields are divided by the reference yield: a smaller one (down to 5e-324 is a float above
0) would make the ratio infinite and the mood undefined."""
MAX_WEIGHT = 1e9
"""Upper bound on a relative choice weight, so that the weights' sum stays finite."""
MAX_DAYS = 36_500
MAX_CENTS = 10**12
"""Upper bound on any single money parameter (10 billion in currency units)."""
MAX_BASKET_CENTS = 10**8
"""Upper bound on one basket (1 000 000 currency units), so that price × multiple and
price × contribution weights (in ppm) stay inside int64."""
MAX_MERCHANTS = 2_000_000
"""Upper bound on merchants: a national market at the baseline's 1 merchant per 200 members."""
MAX_LEVELS = 15
MAX_GIFT_TIERS = 16
MAX_GENERATIONS = 10
MAX_CONTACTS = 1_000
MAX_NETWORK_ENTRIES = 2**31 - 1
"""Upper bound on a contact graph's size, market × mean contacts: its adjacency lists hold
that many int32 entries (8 GiB at most), about three times that while it is built."""


def _one_folder(name: str) -> str:
    """A scenario or sweep name becomes a folder under the output folder: it must name one
    folder there, never the output folder itself or its parent."""
    if set(name) == {"."}:
        raise ValueError("must name a folder: it cannot be only dots")
    return name


FolderName = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$"),
                       AfterValidator(_one_folder)]
"""Letters, digits, ``_``, ``.`` and ``-``, not only dots: one folder name, used as a path."""


ARRAY = Field((), strict=False)
"""An array field: a tuple, given as a list in TOML or JSON (its items are validated strictly)."""


class Section(BaseModel):
    """Base of every scenario section: immutable, no unknown fields, docstrings kept; values
    of the wrong type are refused, not coerced (``true`` or ``"5"`` where a number belongs;
    a whole number is accepted where a decimal one is), and so are ``inf`` and ``nan``."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True, strict=True,
                              allow_inf_nan=False)


class RunParams(Section):
    days: int = Field(365, ge=1, le=MAX_DAYS)
    """Number of simulated days."""
    seed: int = Field(1, ge=0, lt=2**63)
    """Seed of the counter-based random numbers."""
    stop_on_collapse: bool = False
    """Stop the run at the collapse day instead of running on to see the aftermath."""
    start_date: datetime.date | None = Field(None, strict=False, exclude_if=lambda date: date is None)
    """Calendar date of day 0 (ISO yyyy-mm-dd), so that observed figures may be dated
    (`circsim calibrate --observed`); none by default (left out of the resolved scenario, as
    TOML has no "none", so that scenarios without it keep their hash)."""


class PopulationParams(Section):
    initial_members: int = Field(100_000, ge=1, le=MAX_MEMBERS)
    """Members on day 0 (all joined on day 0, with no balance, energy or contribution)."""
    market_size_members: int = Field(1_000_000, ge=1, le=MAX_MEMBERS)
    """Potential members in the Bass diffusion (the market the platform can reach)."""
    bass_innovation_per_day: float = Field(0.0005, ge=0.0, le=1.0)
    """Bass p: daily probability that a non-member joins on their own."""
    bass_imitation_per_day: float = Field(0.02, ge=0.0, le=1.0)
    """Bass q: daily joining pressure per unit of active-member share of the market."""
    churn_probability_per_day: float = Field(0.0005, ge=0.0, le=1.0)
    """Daily probability that an active member leaves; a leaver asks for the whole balance."""
    arrivals_per_day: tuple[Annotated[float, Field(strict=True, ge=0.0, le=MAX_MEMBERS)], ...] = Field(
        (), max_length=MAX_DAYS + 1, strict=False)
    """Newcomers expected on each day 0, 1, … instead of Bass diffusion (an exogenous series:
    a published one, or an analytic inflow); given as a list or as the name of a CSV file
    beside the scenario with columns `day` and `arrivals`. Days past its end bring nobody;
    fractions carry over to later days. Empty: Bass diffusion."""
    exit_cashout_share: float = Field(0.0, ge=0.0, le=1.0)
    """Share of the remaining promise a leaver claims as cash with the balance (0: the promise
    is forfeited; 1: the whole promised balance, as in models where an investor exits with it)."""
    recruitment: Literal["bass", "network"] = "bass"
    """How newcomers come: `bass` (well-mixed Bass imitation, or the series of arrivals) or
    `network` (each active member recruits its non-member contacts on a contact graph over the
    market; the referral tree follows who recruited whom). docs/MODEL.md §5.4."""
    network: Literal["erdos_renyi", "barabasi_albert", "watts_strogatz"] = "erdos_renyi"
    """`network`: the contact graph over the market's potential members: `erdos_renyi`
    (G(n, p), independent contacts), `barabasi_albert` (preferential attachment: hubs) or
    `watts_strogatz` (a ring lattice with rewired shortcuts: clustered contacts)."""
    contacts_per_member: int = Field(10, ge=1, le=MAX_CONTACTS)
    """`network`: k, the mean number of contacts of a potential member (even for
    `barabasi_albert` and `watts_strogatz`: k/2 edges per node)."""
    network_rewiring_probability: float = Field(0.1, ge=0.0, le=1.0)
    """`watts_strogatz`: β, the probability that each lattice edge is rewired to a random node."""
    recruit_probability_per_contact_per_day: float = Field(0.01, ge=0.0, le=1.0)
    """`network`: λ, the daily probability that an active member recruits one given non-member
    contact (times the attractiveness, at most 1)."""


class MerchantParams(Section):
    initial_merchants: int = Field(500, ge=1, le=MAX_MERCHANTS)
    """Merchants selling through the platform on day 0."""
    concession_share: float = Field(0.2, ge=SHARE_RESOLUTION, le=1.0)
    """Share of each sale a merchant gives up to the platform (used when no options are given)."""
    concession_options: tuple[Annotated[float, Field(strict=True, ge=SHARE_RESOLUTION, le=1.0)], ...] = ARRAY
    """Concession shares merchants choose among (seed 003: a larger concession buys promotion)."""
    concession_option_weights: tuple[Annotated[float, Field(strict=True, gt=0.0, le=MAX_WEIGHT)], ...] = ARRAY
    """How often each concession option is chosen by a joining merchant (relative weights)."""
    promotion_elasticity: float = Field(0.0, ge=0.0, le=10.0)
    """A merchant's share of purchases is proportional to concession ** elasticity (0: uniform)."""
    members_per_merchant: int = Field(0, ge=0, le=MAX_MEMBERS)
    """Merchants join to keep one per this many active members (0: the number only falls)."""
    members_served_per_merchant: int = Field(0, ge=0, le=MAX_MEMBERS)
    """Members one merchant can serve: with too few merchants, members buy less often in
    proportion (0: merchants never limit purchases)."""
    max_new_merchants_per_day: int = Field(50, ge=0, le=MAX_MERCHANTS)
    """At most this many merchants join in one day."""
    min_sales_cents_per_day: int = Field(0, ge=0, le=MAX_CENTS)
    """A merchant whose recent daily sales fall below this leaves (0: never for low sales)."""
    sales_window_days: int = Field(30, ge=1, le=MAX_DAYS)
    """Memory of a merchant's recent sales (days of the moving average) and its grace period."""
    unpaid_patience_days: int = Field(7, ge=1, le=MAX_DAYS)
    """Days the platform may owe merchants money before they start leaving."""
    unpaid_exit_probability_per_day: float = Field(0.0, ge=0.0, le=1.0)
    """Daily probability that a merchant leaves once the platform has owed merchants too long."""

    @model_validator(mode="after")
    def _check_options(self):
        if len(self.concession_options) != len(self.concession_option_weights):
            raise ValueError(
                "merchants.concession_option_weights: needs one weight per concession option"
            )
        return self

    def concession_shares(self) -> tuple[float, ...]:
        """Every concession share a merchant can have."""
        return self.concession_options or (self.concession_share,)


class PurchaseParams(Section):
    purchase_probability_per_day: float = Field(0.05, ge=0.0, le=1.0)
    """Daily probability that an active member buys once."""
    deposit_on_joining: bool = False
    """Every member buys once on the day it joins, whatever the purchase probability (the
    deposit of investment pools and HYIPs; with a purchase probability of 0, the only one)."""
    basket_distribution: Literal["lognormal", "uniform", "fixed"] = "lognormal"
    """How basket prices are drawn: `lognormal` around the median (shape `basket_sigma`),
    `uniform` between `basket_min_cents` and `basket_max_cents`, or `fixed` (every basket is
    the median, as in models where each deposit is one amount)."""
    basket_median_cents: int = Field(10_000, ge=1, le=MAX_BASKET_CENTS)
    """Median basket price in cents (`lognormal`, `fixed`)."""
    basket_min_cents: int = Field(1, ge=1, le=MAX_BASKET_CENTS)
    """Smallest basket price in cents: the uniform distribution's low end, and the clip of the
    log-normal's low tail."""
    basket_sigma: float = Field(0.6, ge=0.0, le=3.0)
    """Log-normal shape (standard deviation of the log price); 0 makes every basket the median."""
    basket_max_cents: int = Field(10_000_000, ge=1, le=MAX_BASKET_CENTS)
    """Largest basket price in cents; the log-normal tail is clipped here."""
    repurchase_max_share_of_price: float = Field(0.5, ge=0.0, le=1.0)
    """Largest share of a price paid from the member's balance; the rest is new money."""
    goods_value_ratio: float = Field(0.7, ge=0.0, le=10.0)
    """What the goods are worth to the member per cent of price (below 1: marked-up goods)."""


class RewardParams(Section):
    energy_multiple: float = Field(3.0, ge=0.0, le=100.0)
    """Energy (promised future dividends) granted per cent spent on ordinary products."""
    contribution_unit_price_cents: int = Field(100, ge=1, le=MAX_CENTS)
    """Cents of purchases that earn one contribution unit."""
    promise_growth_rate_per_day: float = Field(0.0, ge=0.0, le=MAX_RATE_PER_DAY)
    """Each member's remaining promise grows by this share every day, before the day's release
    (Artzrouni's promised rate; an investment pool's "x % a day"); held in ppb."""


MAX_RELEASE_DELAY_DAYS = 365
"""Longest first-release delay: the engine holds D + 1 days of pending grants per member."""


class ReleaseParams(Section):
    rule: Literal["pool", "emission", "fixed_rate", "linear", "queue"] = "pool"
    """How each day's release is computed: `pool` (A) splits the pool by contribution;
    `emission` (B) splits a fixed daily amount by contribution; `fixed_rate` (C) pays each
    member a fixed share of the remaining energy; `linear` (D) pays a fixed amount per right;
    `queue` (F) pays members in order of entry from the pool."""
    dividend_pool_share_of_sales: float = Field(0.1, ge=0.0, le=1.0)
    """α: share of each sale paid into the dividend pool (must not exceed any concession)."""
    pool_release_share_per_day: float = Field(1.0, ge=RATE_RESOLUTION, le=1.0)
    """`pool`: share of the dividend pool's balance released each day (held in ppb)."""
    emission_cents_per_day: int = Field(0, ge=0, le=MAX_CENTS)
    """`emission`: the fixed amount released each day (the pool pays first, the platform the rest)."""
    fixed_rate_per_day: float = Field(0.0005, ge=0.0, le=1.0)
    """`fixed_rate`: ρ, share of each member's remaining energy paid each day (at least 1 cent;
    held in ppb)."""
    right_price_cents: int = Field(50_000, ge=1, le=MAX_BASKET_CENTS)
    """`linear`: price of one right; each purchase buys price // right_price rights."""
    right_payment_cents_per_day: int = Field(100, ge=0, le=MAX_BASKET_CENTS)
    """`linear`: r, paid per right per day until the member's energy is used up."""
    first_release_delay_days: int = Field(0, ge=0, le=MAX_RELEASE_DELAY_DAYS)
    """D: the energy, contribution and rights a purchase of day d grants take part in
    releases (and promise growth) from day d + D on (0: the same day; 1: the next day, as in
    step-based models). Set once, when the run starts."""


class GiftTier(Section):
    price_cents: int = Field(ge=1, le=MAX_BASKET_CENTS)
    """Price of the package."""
    energy_multiple: float = Field(ge=0.0, le=100.0)
    """Energy granted per cent of the price (above the ordinary multiple: dynamic dividends)."""
    contribution_weight: float = Field(1.0, ge=0.0, le=10.0)
    """Contribution earned per cent, relative to an ordinary purchase."""
    level_granted: int = Field(0, ge=0, le=MAX_LEVELS)
    """The buyer's level is lifted to at least this level (0: no lift)."""
    choice_weight: float = Field(1.0, gt=0.0, le=MAX_WEIGHT)
    """How often this tier is chosen among gift-package purchases (relative weight)."""


class GiftPackageParams(Section):
    share_of_purchases: float = Field(0.0, ge=0.0, le=1.0)
    """Probability that a purchase is a gift package rather than an ordinary product."""
    tiers: tuple[GiftTier, ...] = Field((), max_length=MAX_GIFT_TIERS, strict=False)
    """The gift packages on offer (seed 000: "gift packages for higher-level members")."""

    @model_validator(mode="after")
    def _check_tiers(self):
        if self.share_of_purchases > 0 and not self.tiers:
            raise ValueError("gift_packages.tiers: a positive share_of_purchases needs at least one tier")
        return self


class LevelTier(Section):
    name: str = Field("", max_length=40)
    """Display name of the level (e.g. "silver")."""
    min_lifetime_contribution_units: int = Field(0, ge=0, le=MAX_CENTS)
    """Cumulative purchases, in contribution units, needed (seed 000: honorary levels)."""
    min_direct_referrals: int = Field(0, ge=0, le=MAX_MEMBERS)
    """Members directly referred, needed (seed 003: promotion)."""
    min_team_sales_cents: int = Field(0, ge=0, le=MAX_CENTS)
    """Sales of the downline within the referral generations, needed (seed 003)."""
    honorary_weight: float = Field(1.0, ge=0.0, le=1000.0)
    """Share of the honorary pool per member at this level, relative to the other levels."""
    contribution_multiplier: float = Field(1.0, ge=0.0, le=10.0)
    """Contribution earned on own purchases is multiplied by this at this level."""
    referral_generations: int = Field(0, ge=0, le=MAX_GENERATIONS)
    """How many generations of downline purchases this level earns referral rewards from."""


class LevelParams(Section):
    base_referral_generations: int = Field(0, ge=0, le=MAX_GENERATIONS)
    """Referral generations a member without a level (level 0) earns from."""
    tiers: tuple[LevelTier, ...] = Field((), max_length=MAX_LEVELS, strict=False)
    """Levels 1, 2, ... in order; a member reaches a level when all its conditions are met
    (levels never fall)."""


class HonoraryParams(Section):
    pool_share_of_sales: float = Field(0.0, ge=0.0, le=1.0)
    """Share of each sale paid into the honorary pool."""
    release_share_per_day: float = Field(1.0, ge=RATE_RESOLUTION, le=1.0)
    """Share of the honorary pool paid each day to members at level 1 or above, by level weight
    (held in ppb)."""


def generation_shares(first_share: float, decay: float, generations: int) -> list[float]:
    """The share of each referral generation g = 0 … generations − 1: ``first_share ×
    decay**g`` (the first generation gets ``first_share``, each further one ``decay`` times
    the one before), as floats; the engine rounds each to ppm once. docs/MODEL.md §7."""
    return [first_share * decay**g for g in range(generations)]


class ReferralParams(Section):
    generations: int = Field(0, ge=0, le=MAX_GENERATIONS)
    """G: how far up the referral tree purchases are credited (0: no referral rewards)."""
    contribution_share: float = Field(0.1, ge=0.0, le=10.0)
    """Contribution credited to the first-generation upline, as a share of the buyer's."""
    cash_reward_share_of_sales: float = Field(0.0, ge=0.0, le=1.0)
    """Cash reward to the first-generation upline, as a share of the price (from the margin)."""
    decay_per_generation: float = Field(0.5, ge=0.0, le=1.0)
    """Each further generation gets this times the previous generation's share."""
    preferential_share: float = Field(0.5, ge=0.0, le=1.0)
    """Probability that a newcomer's referrer is copied from a random member's referrer
    (preferential to active recruiters) rather than a uniformly random member."""


class SentimentParams(Section):
    memory_days: int = Field(14, ge=1, le=MAX_DAYS)
    """Members remember yields and failed withdrawals over about this many days (moving average)."""
    reference_yield_per_day: float = Field(0.002, ge=MIN_REFERENCE_YIELD_PER_DAY, le=1.0)
    """The daily yield (dividends ÷ outstanding promises) members consider normal."""
    attractiveness_yield_sensitivity: float = Field(0.0, ge=0.0, le=100.0)
    """Bass arrivals × (1 + this × (recent yield ÷ reference − 1))."""
    attractiveness_failure_sensitivity: float = Field(0.0, ge=0.0, le=100.0)
    """… − this × recent share of withdrawals left unpaid."""
    max_attractiveness: float = Field(3.0, ge=0.0, le=100.0)
    """Cap on the attractiveness multiplier of arrivals."""
    churn_yield_sensitivity: float = Field(0.0, ge=0.0, le=100.0)
    """Churn × (1 + this × shortfall of the recent yield below the reference, as a share)."""
    contagion_churn_sensitivity: float = Field(0.0, ge=0.0, le=1.0)
    """Bank-run contagion: churn + this × recent share of withdrawals left unpaid."""
    contagion_withdrawal_sensitivity: float = Field(0.0, ge=0.0, le=100.0)
    """Bank-run contagion: withdrawal probability × (1 + this × recent unpaid share)."""


class WithdrawalParams(Section):
    withdrawal_probability_per_day: float = Field(0.1, ge=0.0, le=1.0)
    """Daily probability that an active member with a balance asks to withdraw."""
    withdrawal_share_of_balance: float = Field(0.5, ge=0.0, le=1.0)
    """Share of the balance a member asks to withdraw; the rest stays for repurchase."""
    withdrawal_amount_cents: int = Field(0, ge=0, le=MAX_CENTS)
    """A fixed amount a member asks to withdraw (at most the balance) instead of a share of it
    (0: the share)."""
    min_withdrawal_cents: int = Field(1_000, ge=1, le=MAX_CENTS)
    """Smallest withdrawal the platform accepts, in cents."""
    fee_share: float = Field(0.05, ge=0.0, le=1.0 - SHARE_RESOLUTION)
    """Withdrawal fee as a share of the amount paid out; the platform keeps it."""
    payment_order: Literal["fifo", "pro_rata"] = "fifo"
    """Who is paid when cash is short: `fifo` by request day then member index, or `pro_rata`."""
    insolvency_grace_days: int = Field(7, ge=1, le=MAX_DAYS)
    """K: the platform is insolvent once a requested withdrawal stays unpaid K days."""
    frozen: bool = False
    """An order freezing withdrawals (set by an event, e.g. `circsim forecast --intervention
    freeze_withdrawals:30`): while true nobody may ask to withdraw, leavers' claims wait in the
    queue, nothing is paid, and no request counts as unpaid; the K days start again when the
    freeze is lifted."""


class PlatformParams(Section):
    currency: str = Field("currency units", min_length=1, max_length=20, pattern=r"^[A-Za-z][A-Za-z .]*$")
    """What the money is counted in (e.g. "CNY", "USD"); every output names money in it.
    Amounts are integer cents (hundredths) of it whatever it is."""
    initial_cash_cents: int = Field(0, ge=0, le=MAX_CENTS)
    """The operator's own money in the platform's bank account on day 0."""
    fixed_cost_cents_per_day: int = Field(0, ge=0, le=MAX_CENTS)
    """Operating costs paid every day whatever the sales."""
    variable_cost_share_of_sales: float = Field(0.0, ge=0.0, le=1.0)
    """Operating costs as a share of the day's sales."""
    interest_rate_per_day: float = Field(0.0, ge=0.0, le=MAX_RATE_PER_DAY)
    """Interest the platform's cash earns each day from the outside world (Artzrouni's nominal
    rate rn), or pays on a debt; held in ppb."""
    launch_cost_cents: int = Field(0, ge=0, le=MAX_CENTS)
    """What the operator spends on day 0 before the first sale (site, marketing); beyond the
    initial cash the platform starts in debt (negative cash, refilled by the first deposits)."""
    borrows_when_short: bool = False
    """When the cash cannot pay the day's withdrawals, the platform borrows what is missing:
    its cash goes negative, a debt that pays ``interest_rate_per_day`` (Artzrouni's fund
    below zero), and no withdrawal waits (False: unpaid withdrawals queue, without interest)."""
    skim_share_of_new_money: float = Field(0.0, ge=0.0, le=1.0)
    """Share of each day's new money the operator takes out for itself (ledger `extraction`)."""
    skim_share_of_surplus: float = Field(0.0, ge=0.0, le=1.0)
    """Share of each day's surplus of cash over hard liabilities the operator takes out."""
    abscond_cash_target_cents: int = Field(0, ge=0, le=MAX_CENTS)
    """The operator takes all the cash and stops paying once the cash reaches this (0: never)."""
    abscond_arrivals_below_per_day: int = Field(0, ge=0, le=MAX_MEMBERS)
    """… or once a day brings fewer new members than this (0: never)."""
    abscond_coverage_below: float = Field(0.0, ge=0.0, le=100.0)
    """… or once the cash covers less than this share of the hard liabilities (0: never)."""
    abscond_earliest_day: int = Field(0, ge=0, le=MAX_DAYS)
    """The absconding conditions are looked at from this day on."""


class Event(Section):
    day: int = Field(ge=0, le=MAX_DAYS)
    """Day the event takes effect (before that day's arrivals)."""
    set: dict[str, int | float | bool | str] = {}
    """Scenario fields changed from that day on, by dotted path (e.g. a growth stop:
    {"population.bass_innovation_per_day" = 0, "population.bass_imitation_per_day" = 0})."""
    merchant_exodus_share: float = Field(0.0, ge=0.0, le=1.0)
    """Each active merchant leaves with this probability on that day."""
    note: str = Field("", max_length=200)
    """What the event models."""


class Scenario(Section):
    name: FolderName = "scenario"
    """Scenario name: results go to `<out>/<name>/<run_id>/`. Defaults to the file name."""
    description: str = ""
    """What the scenario models and where its numbers come from."""
    run: RunParams = RunParams()
    population: PopulationParams = PopulationParams()
    merchants: MerchantParams = MerchantParams()
    purchases: PurchaseParams = PurchaseParams()
    rewards: RewardParams = RewardParams()
    release: ReleaseParams = ReleaseParams()
    withdrawals: WithdrawalParams = WithdrawalParams()
    platform: PlatformParams = PlatformParams()
    gift_packages: GiftPackageParams = GiftPackageParams()
    levels: LevelParams = LevelParams()
    honorary: HonoraryParams = HonoraryParams()
    referrals: ReferralParams = ReferralParams()
    sentiment: SentimentParams = SentimentParams()
    events: tuple[Event, ...] = ARRAY
    """Scheduled changes: parameter changes and merchant exoduses on given days."""

    @model_validator(mode="after")
    def _check_combinations(self):
        concession = min(self.merchants.concession_shares())
        referrals = self.referrals
        referral_cash = sum(generation_shares(referrals.cash_reward_share_of_sales, referrals.decay_per_generation,
                                              referrals.generations))
        earmarked = (self.release.dividend_pool_share_of_sales + self.honorary.pool_share_of_sales
                     + referral_cash)
        if earmarked > concession + 1e-12:
            raise ValueError(
                "release.dividend_pool_share_of_sales: with honorary.pool_share_of_sales and the "
                f"referral cash rewards it exceeds the smallest merchant concession ({earmarked:g} > "
                f"{concession:g}); pools and rewards are paid out of the concession"
            )
        if self.population.initial_members > self.population.market_size_members:
            raise ValueError("population.initial_members: exceeds population.market_size_members")
        population = self.population
        if population.recruitment == "network":
            if population.arrivals_per_day:
                raise ValueError("population.arrivals_per_day: a series of arrivals replaces Bass diffusion, "
                                 "not network recruitment (set population.recruitment = \"bass\")")
            if population.contacts_per_member >= population.market_size_members:
                raise ValueError("population.contacts_per_member: must be below population.market_size_members")
            if population.market_size_members * population.contacts_per_member > MAX_NETWORK_ENTRIES:
                raise ValueError(f"population.contacts_per_member: market × contacts exceeds {MAX_NETWORK_ENTRIES} "
                                 "(the contact graph would not fit in memory)")
            if population.network != "erdos_renyi" and population.contacts_per_member % 2:
                raise ValueError(f"population.contacts_per_member: must be even for `{population.network}` "
                                 "(k/2 edges per node)")
        if self.purchases.basket_median_cents > self.purchases.basket_max_cents:
            raise ValueError("purchases.basket_median_cents: exceeds purchases.basket_max_cents")
        if self.purchases.basket_min_cents > self.purchases.basket_max_cents:
            raise ValueError("purchases.basket_min_cents: exceeds purchases.basket_max_cents")
        if (self.purchases.basket_distribution != "uniform"
                and self.purchases.basket_min_cents > self.purchases.basket_median_cents):
            raise ValueError("purchases.basket_min_cents: exceeds purchases.basket_median_cents")
        for index, tier in enumerate(self.gift_packages.tiers):
            if tier.level_granted > len(self.levels.tiers):
                raise ValueError(
                    f"gift_packages.tiers.{index}.level_granted: level {tier.level_granted} is not "
                    f"defined (levels.tiers has {len(self.levels.tiers)})"
                )
        days = [event.day for event in self.events]
        if days != sorted(days):
            raise ValueError("events: must be listed in order of day")
        return self
