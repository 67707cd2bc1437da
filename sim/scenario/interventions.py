"""Orders a regulator (or the operator) can issue on a given day, as changes to a scenario
from that day on: ``stop_new_members``, ``freeze_withdrawals:DAYS``, ``cut_release:SHARE``,
``fee:SHARE``, ``sales_only`` and ``none``. ``circsim forecast`` plays each one from the last
observed day; ``ordered`` turns one into the scenario a continued run plays
(``sim.engine.checkpoint.continue_as``): the days before the order are untouched.

Each order is a set of parameter changes, scheduled as an event of the order's day (a freeze
also as the event that lifts it), so the engine, the reference model and the report see an
order exactly as they see any scheduled change (docs/MODEL.md §4, §16). Scheduled events
later than the order still apply.
"""

from dataclasses import dataclass
from typing import Any

from sim.core.errors import InputError
from sim.scenario.loading import check_events, replace, scenario_on_day
from sim.scenario.params import RATE_RESOLUTION, Scenario

INTERVENTIONS = {
    "none": "nothing changes: the platform goes on as it is",
    "stop_new_members": "nobody joins from the order's day on (Bass diffusion, a contact network and a series "
                        "of arrivals all closed)",
    "freeze_withdrawals": "DAYS: no withdrawal is asked for or paid for DAYS days, then withdrawals resume; "
                          "while frozen no request counts as unpaid",
    "cut_release": "SHARE: every release is cut by SHARE (0 < SHARE < 1) of what the rule pays",
    "fee": "SHARE: the withdrawal fee becomes SHARE of each amount paid out",
    "sales_only": "no more rebates: purchases earn no promise, nothing more is released, no gift packages, "
                  "no honorary pool, no referral rewards; balances stay withdrawable",
}
"""Every order, with what it does (the argument after ``:`` where it takes one)."""
TAKES_ARGUMENT = {"freeze_withdrawals": "DAYS", "cut_release": "SHARE", "fee": "SHARE"}


@dataclass(frozen=True)
class Intervention:
    """One order: its name, its argument (days for a freeze, a share for a cut or a fee) and
    its label as written (``freeze_withdrawals:30``), which names it in every output."""

    name: str
    argument: float | None = None

    @property
    def label(self) -> str:
        if self.argument is None:
            return self.name
        shown = int(self.argument) if self.name == "freeze_withdrawals" else f"{self.argument:g}"
        return f"{self.name}:{shown}"


def parse_intervention(text: str, source: str = "--intervention") -> Intervention:
    """``NAME`` or ``NAME:ARGUMENT`` as listed in ``INTERVENTIONS``; raises ``InputError`` with
    one line naming ``source`` and the reason."""
    name, _, argument = text.strip().partition(":")
    if name not in INTERVENTIONS:
        raise InputError(f"{source} {text}: unknown intervention (expected one of {', '.join(INTERVENTIONS)})")
    if name not in TAKES_ARGUMENT:
        if argument:
            raise InputError(f"{source} {text}: {name} takes no argument")
        return Intervention(name)
    if not argument:
        raise InputError(f"{source} {text}: {name} needs {TAKES_ARGUMENT[name]} ({name}:{TAKES_ARGUMENT[name]})")
    try:
        value = int(argument) if name == "freeze_withdrawals" else float(argument)
    except ValueError:
        raise InputError(f"{source} {text}: {TAKES_ARGUMENT[name]} must be a number, got {argument!r}") from None
    if name == "freeze_withdrawals" and value < 1:
        raise InputError(f"{source} {text}: DAYS must be at least 1")
    if name == "cut_release" and not 0.0 < value < 1.0:
        raise InputError(f"{source} {text}: SHARE must be between 0 and 1 (exclusive; sales_only stops the release)")
    if name == "fee" and not 0.0 <= value < 1.0:
        raise InputError(f"{source} {text}: SHARE must be at least 0 and below 1")
    return Intervention(name, value)


def _release_scaled(rules: Scenario, factor: float) -> dict[str, Any]:
    """The changes that make the scenario's release rule pay ``factor`` of what it pays
    (docs/MODEL.md §9): the pool's daily share, the emission, the fixed rate, the payment per
    right, or (`queue`, which pays whatever the pool holds) the pool's share of sales."""
    release = rules.release
    if release.rule == "pool":
        return {"release.pool_release_share_per_day": max(release.pool_release_share_per_day * factor,
                                                            RATE_RESOLUTION)}
    if release.rule == "emission":
        return {"release.emission_cents_per_day": int(release.emission_cents_per_day * factor)}
    if release.rule == "fixed_rate":
        return {"release.fixed_rate_per_day": release.fixed_rate_per_day * factor}
    if release.rule == "linear":
        return {"release.right_payment_cents_per_day": int(release.right_payment_cents_per_day * factor)}
    return {"release.dividend_pool_share_of_sales": release.dividend_pool_share_of_sales * factor}


def changes_of(intervention: Intervention, in_force: Scenario) -> dict[str, Any]:
    """The parameter changes an order makes to the scenario in force on its day."""
    name, argument = intervention.name, intervention.argument
    if name == "stop_new_members":
        return {"population.bass_innovation_per_day": 0.0, "population.bass_imitation_per_day": 0.0,
                "population.recruit_probability_per_contact_per_day": 0.0}
    if name == "freeze_withdrawals":
        return {"withdrawals.frozen": True}
    if name == "cut_release":
        return _release_scaled(in_force, 1.0 - argument)
    if name == "fee":
        return {"withdrawals.fee_share": argument}
    if name == "sales_only":
        return {
            "rewards.energy_multiple": 0.0, "gift_packages.share_of_purchases": 0.0,
            "release.dividend_pool_share_of_sales": 0.0, "release.emission_cents_per_day": 0,
            "release.fixed_rate_per_day": 0.0, "release.right_payment_cents_per_day": 0,
            "honorary.pool_share_of_sales": 0.0, "referrals.cash_reward_share_of_sales": 0.0,
            "referrals.contribution_share": 0.0,
        }
    return {}


def with_changes(scenario: Scenario, changes: dict[str, Any], day: int, horizon_days: int, origin: str,
                 lifted_on: int | None = None, lifted: dict[str, Any] | None = None,
                 overrides: dict[str, Any] | None = None) -> Scenario:
    """``scenario`` run until day ``horizon_days`` with ``changes`` (dotted settings) from
    ``day`` on, as an event of ``day`` after the scenario's own events of that day, and
    ``lifted`` as an event of ``lifted_on`` when given; ``overrides`` change the base (only
    series entries from ``day`` on may differ, or the past would change). Days before
    ``day`` play exactly as before. Raises ``ScenarioError`` naming ``origin``."""
    events = [event.model_dump(mode="json") for event in scenario.events]
    if changes:
        events.append({"day": day, "set": changes, "note": origin})
    if lifted_on is not None:
        events.append({"day": lifted_on, "set": lifted or {}, "note": f"lifted: {origin}"})
    changed = replace(scenario, {**(overrides or {}), "run.days": horizon_days,
                                 # sorted stably: a change comes after that day's own events
                                 "events": sorted(events, key=lambda event: event["day"])}, origin=origin)
    check_events(changed, origin)
    return changed


def ordered(scenario: Scenario, intervention: Intervention, day: int, horizon_days: int) -> Scenario:
    """``scenario`` run until day ``horizon_days`` with ``intervention`` issued on ``day``
    (``with_changes``): a freeze is lifted by an event ``DAYS`` later, and a series of
    arrivals is cut at ``day`` when new members are stopped. Raises ``ScenarioError`` when
    the changes do not make a valid scenario."""
    in_force = scenario_on_day(scenario, day)
    origin = f"--intervention {intervention.label}"
    if intervention.name == "freeze_withdrawals":
        return with_changes(scenario, changes_of(intervention, in_force), day, horizon_days, origin,
                            lifted_on=day + int(intervention.argument), lifted={"withdrawals.frozen": False})
    overrides = {}
    if intervention.name == "stop_new_members" and in_force.population.arrivals_per_day:
        overrides["population.arrivals_per_day"] = list(in_force.population.arrivals_per_day[:day])
    return with_changes(scenario, changes_of(intervention, in_force), day, horizon_days, origin, overrides=overrides)
