"""Recruitment over a contact network (``population.recruitment = "network"``, docs/MODEL.md
§5.4): the epidemic-style Ponzi model against its mean-field equations, the engine against
the reference model on each kind of graph, thread-count independence, the referral tree
following who recruited whom, the mean-field twin's network arrivals, and checkpoints.

The mean-field model (sim/science/network_ponzi.py) is the SI-with-removal recruitment of
the epidemic Ponzi literature (Zhu, Fu, Huang & Wang 2017, "Ponzi scheme diffusion in
complex networks", Physica A 479, 128–136) under the homogeneous-mixing closure
(Pastor-Satorras et al. 2015, Rev. Mod. Phys. 87, 925, §IV.A), with Artzrouni's (2009) fund:

    dS/dt = −λk·A·S/M,  dA/dt = λk·A·S/M − μA,
    dE/dt = m·d·λk·A·S/M + (g − ρ − μ)·E,  dF/dt = d·λk·A·S/M − (ρ + μ)·E + i·F,

played in the engine's day steps. Erdős–Rényi contacts are the graph closest to the
closure: a non-member's contacts are independent of one another and of who joined, so the
only departure is the local depletion of an active member's neighbourhood (its contacts
join and stop being recruitable), a relative effect of order 1/k."""

import numpy as np
import pandas as pd
import pytest

import sim
from sim.behaviour.network import NOT_A_MEMBER
from sim.core.units import STATUS_ACTIVE
from sim.engine.checkpoint import load_checkpoint, save_checkpoint
from sim.engine.simulation import Simulation
from sim.reference.model import Platform, first_difference
from sim.scenario.scaling import resolve
from sim.science import meanfield
from sim.science.network_ponzi import from_scenario, mean_field_days
from tests.helpers import BASELINE, SCENARIOS

NETWORK_RECRUITMENT = SCENARIOS / "network_recruitment.toml"
KINDS = ("erdos_renyi", "barabasi_albert", "watts_strogatz")


def small_network_market(kind: str, **settings) -> dict:
    """300 potential members, 10 founders, 6 contacts each, referral credit over 2 generations."""
    return {"population.recruitment": "network", "population.network": kind,
            "population.market_size_members": 300, "population.initial_members": 10,
            "population.contacts_per_member": 6, "population.recruit_probability_per_contact_per_day": 0.03,
            "population.churn_probability_per_day": 0.01, "merchants.initial_merchants": 3,
            "referrals.generations": 2, **settings}


def test_fund_follows_the_mean_field_within_one_percent():
    """The shipped epidemic-style scenario: 100 000 potential investors on an Erdős–Rényi
    graph (k = 100, λ = 0.001), 20 000 founders, deposit once, promise growing 0.05 % a day
    and paid 0.4 % a day, exit hazard μ = 0.005 with the whole promise cashed out, interest
    0.03 % a day. Over 300 days the engine's fund (platform cash) stays within 1 % of the
    mean-field fund's peak of it every day, and so do the members who joined and the
    active ones within 1 % of the market; the fund is never empty."""
    scenario = resolve(NETWORK_RECRUITMENT)
    engine = sim.run(scenario, threads=1).daily
    mean_field = mean_field_days(from_scenario(scenario), scenario.run.days)
    fund, expected = engine["platform_cash_cents"].to_numpy(), mean_field["platform_cash_cents"].to_numpy()
    assert np.abs(fund - expected).max() <= 0.01 * expected.max()
    assert (fund > 0).all() and (engine["failed_withdrawals"] == 0).all()
    market = scenario.population.market_size_members
    for column in ("members_total", "members_active"):
        assert np.abs(engine[column].to_numpy() - mean_field[column].to_numpy()).max() <= 0.01 * market
    assert engine["members_total"].iloc[-1] > 0.99 * market  # the network carried recruitment to everyone


@pytest.mark.parametrize("kind", KINDS)
def test_reference_agrees_with_the_engine_on_each_graph(kind):
    """On a 300-member network market, the reference model's daily table and members'
    final states (referrers included) are the engine's, on every kind of graph."""
    scenario = resolve(BASELINE, days=60, settings=small_network_market(kind))
    engine = sim.run(scenario, threads=1, validate=True)
    reference = Platform(scenario)
    assert first_difference(engine.daily, reference.run()) is None
    columns = list(reference.members_frame().columns)
    pd.testing.assert_frame_equal(engine.members[columns], reference.members_frame(), check_dtype=False)
    assert engine.daily["arrivals"].sum() > 100


def test_thread_count_does_not_matter():
    """20 000 potential members on a Barabási–Albert graph: one thread gives what two give."""
    scenario = resolve(BASELINE, days=40, settings=small_network_market(
        "barabasi_albert", **{"population.market_size_members": 20_000, "population.initial_members": 100}))
    one, two = sim.run(scenario, threads=1), sim.run(scenario, threads=2)
    pd.testing.assert_frame_equal(one.daily, two.daily)
    pd.testing.assert_frame_equal(one.members, two.members)
    assert one.daily["arrivals"].sum() > 1_000


@pytest.mark.parametrize("kind", KINDS)
def test_referral_tree_is_who_recruited_whom(kind):
    """Every recruit's referrer is one of its contacts on the graph, joined before it and
    active on the day it joined; every member who joined from the network holds one node;
    direct referrals count the recruits."""
    scenario = resolve(BASELINE, days=40, settings=small_network_market(kind))
    simulation = Simulation(scenario)
    status_before = []  # members' status at the start of each day, when the day's recruiters act
    while not simulation.finished:
        before = simulation.members.status[:simulation.members.count].copy()
        simulation.step()
        status_before.append(before)
    members, network = simulation.members, simulation.network
    node_of = np.full(members.count, NOT_A_MEMBER)
    joined = simulation.member_of_node >= 0
    node_of[simulation.member_of_node[joined]] = np.flatnonzero(joined)
    assert (node_of >= 0).all() and joined.sum() == members.count
    referrer = members.referrer[:members.count]
    recruits = np.arange(scenario.population.initial_members, members.count)  # day 0 brings recruits too
    assert len(recruits) > 50 and (referrer[recruits] >= 0).all()
    for recruit in recruits:
        recruiter, day = referrer[recruit], members.join_day[recruit]
        contacts = network.contacts[network.offsets[node_of[recruit]]:network.offsets[node_of[recruit] + 1]]
        assert node_of[recruiter] in contacts
        assert recruiter < len(status_before[day]) and status_before[day][recruiter] == STATUS_ACTIVE
    counts = np.bincount(referrer[recruits], minlength=members.count)
    assert (members.direct_referrals[:members.count] == counts).all()


def test_network_fields_under_bass_recruitment_change_nothing():
    """Off by default: the network's fields do nothing while recruitment is `bass`."""
    plain = sim.run(BASELINE, members=500, days=30, threads=1)
    fields = sim.run(BASELINE, members=500, days=30, threads=1, settings={
        "population.network": "watts_strogatz", "population.contacts_per_member": 4,
        "population.recruit_probability_per_contact_per_day": 0.5})
    pd.testing.assert_frame_equal(plain.daily, fields.daily)


def test_twin_follows_network_recruitment_on_erdos_renyi_and_refuses_other_graphs():
    """The mean-field twin's network arrivals (M − N)·(1 − (1 − λ'k/(M − 1))^A) (docs/MODEL.md
    §5.4, §23) follow the engine's members within 2 % on an Erdős–Rényi graph (k = 100,
    10 000 members in a market of 50 000, rule C: the closure's 1/k error, about 1 %, and
    sampling noise); hubs and clustered contacts are refused."""
    network = {"population.recruitment": "network", "population.contacts_per_member": 100,
               "population.recruit_probability_per_contact_per_day": 0.0003,
               "population.market_size_members": 50_000}
    scenario = resolve(SCENARIOS / "fixed_rate.toml", members=10_000, days=100, settings=network)
    twin = meanfield.solve(scenario)
    engine = sim.run(scenario, threads=1).daily
    for column in ("members_total", "members_active"):
        gap = np.abs(engine[column].to_numpy() - twin[column].to_numpy()) / twin[column].to_numpy()
        assert gap.max() < 0.02, column
    assert engine["members_total"].iloc[-1] > 2.5 * engine["members_total"].iloc[0]
    hubs = resolve(scenario, settings={"population.network": "barabasi_albert"})
    assert any(reason.startswith("population.network:") for reason in meanfield.reasons_not_admitted(hubs))


def test_a_checkpoint_carries_the_graph_and_who_joined_from_it(tmp_path):
    """Saved on day 20 and played on, a network run ends as the straight run does."""
    scenario = resolve(BASELINE, days=40, settings=small_network_market("erdos_renyi"))
    straight = Simulation(scenario)
    while not straight.finished:
        straight.step()
    halfway = Simulation(scenario)
    for _ in range(20):
        halfway.step()
    resumed = load_checkpoint(save_checkpoint(halfway, tmp_path / "day20.ckpt"))
    while not resumed.finished:
        resumed.step()
    pd.testing.assert_frame_equal(resumed.result(1, 0.0).daily, straight.result(1, 0.0).daily)
    assert np.array_equal(resumed.member_of_node, straight.member_of_node)
