"""The validation page's check of Artzrouni's model played natively (a promise that grows,
interest on the cash): its checks pass and are made from the rates the engine holds.

Artzrouni (2009), "The mathematics of Ponzi schemes", Mathematical Social Sciences 58:
190–201 (docs/MODEL.md §22.5): without deposits the fund is empty at
t* = ln[(rp − rn)/rw] / (rp − rn − rw). The page runs ``scenarios/validation/artzrouni.toml``
(rp = 0.10, rn = 0.03, rw = 0.05 a year: 16.82 years); here it is played 20 times faster
(rp = 2.0, rn = 0.6, rw = 1.0: t* = ln 1.4 / 0.4 = 0.841 years, day 307.0) so that it runs in
1 000 days."""

import math

import pytest

from sim.science import artzrouni
from sim.science import validation_page as validation

FAST = {"rewards.promise_growth_rate_per_day": math.expm1(2.0 / 365),
        "platform.interest_rate_per_day": math.expm1(0.6 / 365),
        "release.fixed_rate_per_day": artzrouni.daily_share(1.0)}
"""rp = 2.0, rn = 0.6, rw = 1.0 a year as the daily rates that compound to them."""


def test_native_artzrouni_checks_pass_at_the_closed_form_day():
    section = validation.artzrouni_native_section(days=1_000, settings=FAST)
    day, gap = section.checks
    assert day.reference == pytest.approx(365 * math.log(1.4) / 0.4, abs=0.01)  # 307.0
    assert day.low == day.reference - 2 and day.high == day.reference + 2
    # the gap allowed is the fund's largest move in one day: about rw·P(t*)/365 ≈ 0.0063 K here
    assert 0.005 < gap.high < 0.007
    assert not [check.name for check in section.checks if not check.passed]
    assert section.data["fund_engine"][0] == pytest.approx(1.0, abs=0.01)  # cash is K on the first day
    # its figure's legend stands below the panel, outside the data (issue 19)
    figure = validation.artzrouni_native_figure(section.data)
    figure.draw_without_rendering()
    (ax,), (legend,) = figure.axes, figure.legends
    assert ax.get_legend() is None
    assert [text.get_text() for text in legend.get_texts()] == ["engine cash", "ODE: fund S(t)",
                                                                "t* = 0.84 years"]
    assert legend.get_window_extent().y1 < ax.get_window_extent().y0


def test_model_is_read_from_the_rates_the_engine_holds():
    """The shipped scenario's daily rates give back rp, rn, rw to the ppb they are held in."""
    model = validation.native_model(validation.resolve(validation.VALIDATION_SCENARIOS / "artzrouni.toml"))
    assert (model.promised_rate, model.nominal_rate, model.withdrawal_rate) == pytest.approx((0.10, 0.03, 0.05),
                                                                                             abs=1e-6)
    assert model.initial_deposit == 100 * 100_000_000
    assert round(artzrouni.collapse_years_without_deposits(model), 2) == 16.82


def test_a_fund_that_never_runs_dry_is_refused():
    with pytest.raises(ValueError, match="never runs dry"):
        validation.artzrouni_native_section(days=10, settings={**FAST, "platform.interest_rate_per_day":
                                                               math.expm1(2.4 / 365)})
