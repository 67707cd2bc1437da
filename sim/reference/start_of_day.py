"""The start of the day in the reference model: ``events`` (the rules in force, merchant
exoduses) and ``arrivals`` (newcomers, their referrers, merchants joining). Each phase is a
plain function of the platform model, named like the engine's phase (docs/MODEL.md §3).

The reference keeps its own plain-Python statement of every rule on purpose: it is the
independent check of the engine, so it never imports the engine's or the kernels' rule
helpers. It imports only from ``sim.core``, ``sim.scenario``, ``sim.behaviour`` and
``sim.results`` (an import-linter contract forbids ``sim.engine`` and ``sim.kernels``).
Where a float is computed (Bass arrivals, attractiveness, merchants wanted) it calls the
shared plain-Python function of ``sim.behaviour`` so that both models compute the same bits.
"""

import bisect
from typing import TYPE_CHECKING

from sim.behaviour import sentiment
from sim.behaviour.diffusion import newcomers_today
from sim.behaviour.merchant_supply import newcomers_wanted
from sim.behaviour.network import recruited_shares
from sim.core import rng
from sim.reference.agents import Member, Merchant
from sim.reference.rules import plain_rules
from sim.scenario.loading import scenario_on_day

if TYPE_CHECKING:
    from sim.reference.platform import Platform


def events(model: "Platform") -> None:
    """Scheduled changes take effect (the rules are recompiled from the scenario in force
    today); then, for each event of the day, merchants leave by its exodus share
    (docs/MODEL.md §4)."""
    todays = [event for event in model.scenario.events if event.day == model.day]
    if todays:
        model.rules = plain_rules(scenario_on_day(model.scenario, model.day))
    model.today["merchants_left"] = sum(
        merchants_leave_by_draw(model, event.merchant_exodus_share, rng.STREAM_MERCHANT_EXODUS)
        for event in todays
    )


def arrivals(model: "Platform") -> None:
    """Newcomers join by Bass diffusion × attractiveness (docs/MODEL.md §5.1, §15), each
    looking for a referrer (§5.2), or are recruited over the contact network (§5.4); merchants
    join to keep up with the active members (§5.3)."""
    appeal = sentiment.attractiveness(model.mood, model.rules)
    if model.network is not None:
        newcomers = recruit_over_network(model, appeal)
    else:
        earlier = len(model.members)
        newcomers = add_members(model, newcomers_today(model.rules, earlier, len(model.active_members()), model.day,
                                                       appeal))
        for member in newcomers:
            choose_referrer(model, member, earlier)
    joining = newcomers_wanted(model.rules, len(model.active_merchants()), len(model.active_members()))
    add_merchants(model, joining)
    model.today.update(arrivals=len(newcomers), attractiveness=appeal, merchants_joined=joining,
                       referred=sum(member.referrer is not None for member in newcomers))


def recruit_over_network(model: "Platform", appeal: float) -> list[Member]:
    """Every potential member who has not joined counts its active contacts a; each of them
    recruits it with probability λ × attractiveness, so it is recruited with probability
    1 − (1 − λ')^a (one draw, by potential member), and its referrer is one of those a
    contacts, uniformly (a second draw). The recruits join in the order of the potential
    members (docs/MODEL.md §5.4)."""
    shares = recruited_shares(model.network, model.rules, appeal)
    offsets, contacts = model.contact_offsets, model.contacts
    active = {node: member for node, member in model.member_at_node.items() if member.active}
    recruiters = []
    for node in range(model.network.nodes):
        if node in model.member_at_node:
            continue
        reachable = [active[contact] for contact in contacts[offsets[node]:offsets[node + 1]] if contact in active]
        if reachable and model.draw(rng.STREAM_RECRUIT, node) < shares[len(reachable)]:
            recruiters.append((node, reachable[int(model.draw(rng.STREAM_RECRUITER, node) * len(reachable))]))
    newcomers = add_members(model, len(recruiters))
    for newcomer, (node, recruiter) in zip(newcomers, recruiters, strict=True):
        model.member_at_node[node] = newcomer
        newcomer.referrer = recruiter
        recruiter.direct_referrals += 1
    return newcomers


def add_members(model: "Platform", how_many: int) -> list[Member]:
    """New members joining today, in join order, active with nothing (docs/MODEL.md §3,
    §5.1)."""
    first = len(model.members)
    model.members += [Member(model, index, model.day) for index in range(first, first + how_many)]
    return model.members[first:]


def choose_referrer(model: "Platform", newcomer: Member, earlier_members: int) -> None:
    """The newcomer picks a random earlier member; with the preferential share it takes that
    member's own referrer instead (if any). Only an active pick becomes the referrer, whose
    direct referrals grow by one (docs/MODEL.md §5.2)."""
    if earlier_members == 0:
        return
    pick = model.members[int(model.draw(rng.STREAM_REFERRER_PICK, newcomer.index) * earlier_members)]
    copy = model.draw(rng.STREAM_REFERRER_COPY, newcomer.index) < model.rules.referral_preferential_share
    if copy and pick.referrer is not None:
        pick = pick.referrer
    if pick.active:
        newcomer.referrer = pick
        pick.direct_referrals += 1


def add_merchants(model: "Platform", how_many: int) -> None:
    """New merchants joining today, each choosing a concession option by its weight
    (docs/MODEL.md §5.3)."""
    rules = model.rules
    for index in range(len(model.merchants), len(model.merchants) + how_many):
        option = bisect.bisect_right(rules.concession_option_cdf, model.draw(rng.STREAM_MERCHANT_JOIN, index))
        model.merchants.append(Merchant(model, index, model.day, rules.concession_options_ppm[option]))


def merchants_leave_by_draw(model: "Platform", probability: float, stream: int) -> int:
    """Each active merchant leaves with ``probability``, drawn in ``stream``: an exodus
    (docs/MODEL.md §4) or merchants tired of waiting for their money (§13). Returns how many
    left."""
    left = 0
    for merchant in model.active_merchants():
        if model.draw(stream, merchant.index) < probability:
            merchant.active = False
            left += 1
    return left
