"""The contact graphs of network recruitment (sim/behaviour/network.py): well-formed CSR
arrays, deterministic from the seed, and the same degree law as networkx's generators
(same law, not the same graph: G(n, p), Barabási–Albert and Watts–Strogatz, n = 3 000);
the recruitment probability table; the scenario's checks."""

from types import SimpleNamespace

import networkx as nx
import numpy as np
import pytest
from scipy import stats

from sim.behaviour.network import build_network, csr_from_edges, recruited_shares
from sim.core.errors import InputError
from sim.scenario.loading import ScenarioError, load_scenario
from sim.scenario.scaling import resolve
from tests.helpers import BASELINE, SCENARIOS

NETWORK_RECRUITMENT = SCENARIOS / "network_recruitment.toml"

NODES, CONTACTS, REWIRING = 3_000, 10, 0.2


def rules(kind: str, seed: int = 7, **changes) -> SimpleNamespace:
    return SimpleNamespace(**{"recruitment": "network", "network": kind, "market_size_members": NODES,
                              "contacts_per_member": CONTACTS, "network_rewiring_probability": REWIRING,
                              "seed": seed, "recruit_probability_per_contact_per_day": 0.1, **changes})


def networkx_degrees(kind: str) -> np.ndarray:
    if kind == "erdos_renyi":
        graph = nx.fast_gnp_random_graph(NODES, CONTACTS / (NODES - 1), seed=11)
    elif kind == "barabasi_albert":
        graph = nx.barabasi_albert_graph(NODES, CONTACTS // 2, seed=11)
    else:
        graph = nx.watts_strogatz_graph(NODES, CONTACTS, REWIRING, seed=11)
    return np.array([degree for _, degree in graph.degree()])


@pytest.mark.parametrize("kind", ["erdos_renyi", "barabasi_albert", "watts_strogatz"])
def test_degrees_follow_networkx_law(kind):
    """Mean degree within 2 %, and the two degree samples indistinguishable by a
    Kolmogorov–Smirnov test at the 0.1 % level (discrete samples make it conservative)."""
    ours = build_network(rules(kind)).degrees()
    theirs = networkx_degrees(kind)
    assert abs(ours.mean() - theirs.mean()) <= 0.02 * theirs.mean()
    assert stats.ks_2samp(ours, theirs).pvalue > 1e-3
    if kind == "barabasi_albert":  # hubs: the heavy tail is there
        assert ours.min() == CONTACTS // 2 and ours.max() > 8 * CONTACTS


@pytest.mark.parametrize("kind", ["erdos_renyi", "barabasi_albert", "watts_strogatz"])
def test_graph_is_a_simple_undirected_csr_fixed_by_the_seed(kind):
    """Sorted contact lists, no self-loop or repeat, every edge listed from both ends; the
    same seed gives the same graph, another seed another one."""
    network = build_network(rules(kind))
    sources = np.repeat(np.arange(NODES), network.degrees())
    contacts = network.contacts.astype(np.int64)
    assert (sources != contacts).all()
    keys = sources * NODES + contacts
    assert (np.diff(keys) > 0).all()  # sorted by (node, contact), no repeat
    assert np.array_equal(np.sort(contacts * NODES + sources), keys)  # symmetric
    assert network.max_contacts == network.degrees().max()
    again, other = build_network(rules(kind)), build_network(rules(kind, seed=8))
    assert np.array_equal(again.contacts, network.contacts)
    assert not np.array_equal(other.contacts, network.contacts)


def test_csr_merges_repeats_and_drops_self_loops():
    network = csr_from_edges(4, np.array([0, 1, 0, 2, 3], np.int32), np.array([1, 0, 2, 2, 0], np.int32))
    assert network.offsets.tolist() == [0, 3, 4, 5, 6]
    assert network.contacts.tolist() == [1, 2, 3, 0, 0, 0]


def test_bass_recruitment_builds_no_graph():
    assert build_network(rules("erdos_renyi", recruitment="bass")) is None


def test_recruited_share_is_one_minus_the_chance_that_every_contact_fails():
    """1 − (1 − λ')^a, with λ' = λ × attractiveness capped at 1."""
    network = build_network(rules("watts_strogatz"))
    shares = recruited_shares(network, rules("watts_strogatz"), 1.0)
    assert len(shares) == network.max_contacts + 1
    assert shares[0] == 0.0 and shares[3] == pytest.approx(1 - 0.9**3, rel=1e-14)
    assert recruited_shares(network, rules("watts_strogatz"), 20.0)[1:].tolist() == [1.0] * network.max_contacts


@pytest.mark.parametrize(("settings", "message"), [
    ({"population.arrivals_per_day": [1.0, 2.0]}, "population.arrivals_per_day"),
    ({"population.network": "barabasi_albert", "population.contacts_per_member": 5}, "must be even"),
    ({"population.contacts_per_member": 1_000, "population.market_size_members": 1_000}, "must be below"),
])
def test_a_scenario_that_cannot_be_played_is_refused_in_one_line(settings, message):
    with pytest.raises(ScenarioError) as refused:
        resolve(BASELINE, members=100, settings={"population.recruitment": "network", **settings})
    assert message in str(refused.value) and isinstance(refused.value, InputError)


@pytest.mark.parametrize("field", ["population.recruitment", "population.contacts_per_member"])
def test_an_event_cannot_change_the_graph(tmp_path, field):
    path = tmp_path / "late.toml"
    path.write_text(f'extends = "{NETWORK_RECRUITMENT.as_posix()}"\n[[events]]\nday = 7\nset = {{ "{field}" = 4 }}\n')
    with pytest.raises(ScenarioError) as raised:
        load_scenario(path)
    assert raised.value.problems == [f"{path.resolve()}: events.0.set.{field}: cannot change during a run (event of day 7)"]
