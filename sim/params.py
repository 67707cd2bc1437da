"""The scenario as pydantic models: one model per concern, frozen, unknown fields
forbidden, every field bounded and documented with its unit.

Shares and multiples are floats here for readability; the engine turns them into
integer parts per million (``sim.types.share_to_ppm``), so their resolution is 1e-6.
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

MAX_MEMBERS = 50_000_000
MAX_DAYS = 36_500
MAX_CENTS = 10**12
"""Upper bound on any single money parameter (10 billion in currency units)."""
MAX_BASKET_CENTS = 10**9
"""Upper bound on one basket, so that price × multiple (in ppm) stays inside int64."""


class Section(BaseModel):
    """Base of every scenario section: immutable, no unknown fields, docstrings kept."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class RunParams(Section):
    days: int = Field(365, ge=1, le=MAX_DAYS)
    """Number of simulated days."""
    seed: int = Field(1, ge=0, lt=2**63)
    """Seed of the counter-based random numbers."""
    stop_on_collapse: bool = False
    """Stop the run at the collapse day instead of running on to see the aftermath."""


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


class MerchantParams(Section):
    initial_merchants: int = Field(500, ge=1, le=1_000_000)
    """Merchants selling through the platform; each purchase goes to one drawn uniformly."""
    concession_share: float = Field(0.2, gt=0.0, le=1.0)
    """Share of each sale a merchant gives up to the platform (the concession)."""


class PurchaseParams(Section):
    purchase_probability_per_day: float = Field(0.05, ge=0.0, le=1.0)
    """Daily probability that an active member buys once."""
    basket_median_cents: int = Field(10_000, ge=1, le=MAX_BASKET_CENTS)
    """Median basket price in cents; prices are log-normal around it."""
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


class ReleaseParams(Section):
    rule: Literal["pool"] = "pool"
    """How each day's release is computed: `pool` (A) splits the dividend pool by contribution."""
    dividend_pool_share_of_sales: float = Field(0.1, ge=0.0, le=1.0)
    """α: share of each sale paid into the dividend pool (must not exceed the concession)."""
    pool_release_share_per_day: float = Field(1.0, gt=0.0, le=1.0)
    """Share of the dividend pool's balance released each day."""


class WithdrawalParams(Section):
    withdrawal_probability_per_day: float = Field(0.1, ge=0.0, le=1.0)
    """Daily probability that an active member with a balance asks to withdraw."""
    withdrawal_share_of_balance: float = Field(0.5, ge=0.0, le=1.0)
    """Share of the balance a member asks to withdraw; the rest stays for repurchase."""
    min_withdrawal_cents: int = Field(1_000, ge=1, le=MAX_CENTS)
    """Smallest withdrawal the platform accepts, in cents."""
    fee_share: float = Field(0.05, ge=0.0, lt=1.0)
    """Withdrawal fee as a share of the amount paid out; the platform keeps it."""
    payment_order: Literal["fifo", "pro_rata"] = "fifo"
    """Who is paid when cash is short: `fifo` by request day then member index, or `pro_rata`."""
    insolvency_grace_days: int = Field(7, ge=1, le=MAX_DAYS)
    """K: the platform is insolvent once a requested withdrawal stays unpaid K days."""


class PlatformParams(Section):
    initial_cash_cents: int = Field(0, ge=0, le=MAX_CENTS)
    """The operator's own money in the platform's bank account on day 0."""
    fixed_cost_cents_per_day: int = Field(0, ge=0, le=MAX_CENTS)
    """Operating costs paid every day whatever the sales."""
    variable_cost_share_of_sales: float = Field(0.0, ge=0.0, le=1.0)
    """Operating costs as a share of the day's sales."""


class Scenario(Section):
    name: str = Field("scenario", min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")
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

    @model_validator(mode="after")
    def _check_combinations(self):
        if self.release.dividend_pool_share_of_sales > self.merchants.concession_share:
            raise ValueError(
                "release.dividend_pool_share_of_sales: exceeds merchants.concession_share "
                f"({self.release.dividend_pool_share_of_sales} > {self.merchants.concession_share}); "
                "the pool is paid out of the concession"
            )
        if self.population.initial_members > self.population.market_size_members:
            raise ValueError(
                "population.initial_members: exceeds population.market_size_members"
            )
        if self.purchases.basket_median_cents > self.purchases.basket_max_cents:
            raise ValueError("purchases.basket_median_cents: exceeds purchases.basket_max_cents")
        return self
