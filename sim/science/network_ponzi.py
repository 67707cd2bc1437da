"""The epidemic-style Ponzi model and its mean-field equations (docs/MODEL.md §5.4): investors
are recruited over a contact network, each deposits once on joining, is promised a balance
that grows and is paid out at a fixed rate, and leaves with hazard μ taking the whole promised
balance; the fund earns interest. This is the SI-with-removal recruitment model of the
epidemic Ponzi literature (Zhu, Fu, Huang & Wang 2017, "Ponzi scheme diffusion in complex
networks", Physica A 479, 128–136; the mean-field closure of Pastor-Satorras, Castellano,
Van Mieghem & Vespignani 2015, Rev. Mod. Phys. 87, 925, §IV.A) with Artzrouni's (2009) fund.

With S non-members, A active investors, E the promised balance outstanding and F the fund,
M potential investors, k contacts each, λ the recruitment probability per contact per day,
d the deposit, m the promise per unit deposited, g the promise's growth, ρ the share paid
out a day, μ the exit hazard and i the fund's interest, the mean-field ODE is

    dS/dt = −λk·A·S/M
    dA/dt =  λk·A·S/M − μA
    dE/dt =  m·d·λk·A·S/M + (g − ρ − μ)·E
    dF/dt =  d·λk·A·S/M − (ρ + μ)·E + i·F

``mean_field_days`` plays it in the engine's day steps, each phase in the engine's order
(recruit, deposit, grow, pay out, exits, interest) with the recruitment of a day
S·(1 − (1 − λk/(M − 1))^A) (each active investor is one of a non-member's contacts with
probability k/(M − 1) on an Erdős–Rényi graph): the ODE's one-day Euler form, so that the
comparison with the engine measures the mean-field closure and not the time step.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.core.units import PPB, PPM
from sim.scenario.compiled import compile_rules
from sim.scenario.params import Scenario


@dataclass(frozen=True)
class NetworkPonzi:
    """The model's parameters: counts, money in cents, rates per day."""

    market: int
    initial: int
    contacts: int
    recruit_per_contact: float
    exit_hazard: float
    deposit_cents: float
    promise_per_deposit: float
    promise_growth: float
    payout_rate: float
    interest: float


def from_scenario(scenario: Scenario) -> NetworkPonzi:
    """The model a scenario plays: network recruitment, a fixed deposit on joining and no
    other purchase, the whole price kept by the platform (concession and dividend-pool
    share 1), rule `fixed_rate`, every balance withdrawn every day without fee, leavers
    cashing out the whole promise. Rates as the engine holds them (ppm, ppb).
    Raises ValueError naming the first field that does not fit."""
    rules = compile_rules(scenario)
    needed = (
        (rules.recruitment == "network", "population.recruitment", "network"),
        (rules.deposit_on_joining, "purchases.deposit_on_joining", "true"),
        (rules.purchase_probability_per_day == 0.0, "purchases.purchase_probability_per_day", "0"),
        (scenario.purchases.basket_distribution == "fixed", "purchases.basket_distribution", "fixed"),
        (rules.pool_share_ppm == PPM and all(rules.concession_options_ppm == PPM),
         "release.dividend_pool_share_of_sales", "1 (with every concession 1)"),
        (rules.release_rule == "fixed_rate", "release.rule", "fixed_rate"),
        (rules.withdrawal_probability_per_day == 1.0 and rules.withdrawal_share_ppm == PPM
         and rules.min_withdrawal_cents == 1 and rules.withdrawal_fee_ppm == 0, "withdrawals",
         "every balance withdrawn daily, minimum 1 cent, no fee"),
        (rules.exit_cashout_ppm == PPM, "population.exit_cashout_share", "1"),
        (rules.fixed_cost_cents_per_day == 0 and rules.variable_cost_ppm == 0, "platform costs", "0"),
    )
    for fits, field, value in needed:
        if not fits:
            raise ValueError(f"{field}: must be {value} for the epidemic-style Ponzi model")
    return NetworkPonzi(
        market=rules.market_size_members, initial=rules.initial_members, contacts=rules.contacts_per_member,
        recruit_per_contact=rules.recruit_probability_per_contact_per_day,
        exit_hazard=rules.churn_probability_per_day, deposit_cents=float(rules.price_table[0]),
        promise_per_deposit=rules.tier_multiple_ppm[0] / PPM, promise_growth=rules.promise_growth_ppb / PPB,
        payout_rate=rules.fixed_rate_ppb / PPB, interest=rules.interest_ppb / PPB,
    )


def mean_field_days(model: NetworkPonzi, days: int) -> pd.DataFrame:
    """The mean-field state at the end of each day 0 … days − 1 (columns ``members_total``,
    ``members_active``, ``contingent_liabilities_cents`` (E), ``platform_cash_cents`` (F),
    floats), named as the engine's ``daily`` table. The initial investors are there before
    day 0, recruit from day 0 and deposit on day 0 with the day's recruits."""
    stay = 1.0 - model.recruit_per_contact * model.contacts / (model.market - 1)
    joined = active = float(model.initial)
    promised = fund = 0.0
    rows = []
    for day in range(days):
        newcomers = (model.market - joined) * -np.expm1(active * np.log(stay))
        joined += newcomers
        active += newcomers
        depositors = newcomers + (model.initial if day == 0 else 0)
        fund += model.deposit_cents * depositors
        promised += model.promise_per_deposit * model.deposit_cents * depositors
        promised *= 1.0 + model.promise_growth
        paid = model.payout_rate * promised
        promised -= paid
        cashed_out = model.exit_hazard * promised
        promised -= cashed_out
        active -= model.exit_hazard * active
        fund -= paid + cashed_out
        fund *= 1.0 + model.interest
        rows.append((joined, active, promised, fund))
    return pd.DataFrame(rows, columns=["members_total", "members_active", "contingent_liabilities_cents",
                                       "platform_cash_cents"])
