"""Recruitment over a contact network (docs/MODEL.md §5.4): the contact graph over the
market's potential members, built deterministically from the seed in compressed sparse row
(CSR) arrays, and the daily probability that an active member recruits one non-member
contact. Shared by the engine and the plain reference model, so that both play the same
graph and compare the same probability.

Potential member ``v`` (a node, 0 … market − 1) has the contacts
``contacts[offsets[v]:offsets[v + 1]]``, in increasing order, each edge listed from both
ends. The initial members are nodes 0 … initial − 1. Every draw is a counter-based uniform
(``sim.core.rng``) by index under the day-0 key of ``STREAM_NETWORK``, so a graph depends
on the seed and the parameters only.

The three laws are those of networkx's generators (same law, not the same graph; the
unit tests compare the degree distributions):

- `erdos_renyi`: G(n, p) with p = k / (n − 1), by Batagelj & Brandes' geometric skipping
  over the node pairs (networkx ``fast_gnp_random_graph``), O(n + m);
- `barabasi_albert`: preferential attachment, m = k/2 edges from each new node to distinct
  earlier nodes drawn from the list of edge ends (networkx ``barabasi_albert_graph``, started
  from a star of m + 1 nodes, Barabási & Albert 1999);
- `watts_strogatz`: the ring lattice of k/2 neighbours each side, each edge (u, u + j)
  rewired to (u, w) with probability β, w uniform among the other nodes (networkx
  ``watts_strogatz_graph``; a rewiring onto an existing contact merges with it here, where
  networkx draws again: the mean degree is lower by about β·k²/n).
"""

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from sim.core import rng
from sim.core.rng import uniform

NOT_A_MEMBER = -1
"""``member_of_node`` of a potential member who has not joined."""


@dataclass(frozen=True)
class ContactNetwork:
    """A contact graph in CSR arrays: ``offsets`` (int64, market + 1), ``contacts`` (int32,
    offsets[-1], each node's contacts in increasing order), and the largest degree."""

    offsets: np.ndarray
    contacts: np.ndarray
    max_contacts: int

    @property
    def nodes(self) -> int:
        """Number of potential members."""
        return len(self.offsets) - 1

    def degrees(self) -> np.ndarray:
        """Contacts of each potential member (int64, market)."""
        return np.diff(self.offsets)


def contact_probability(rules, attractiveness: float) -> float:
    """λ' = λ × attractiveness, at most 1: the daily probability that an active member
    recruits one given non-member contact (docs/MODEL.md §5.4, §15)."""
    return min(rules.recruit_probability_per_contact_per_day * attractiveness, 1.0)


def recruited_shares(network: ContactNetwork, rules, attractiveness: float) -> np.ndarray:
    """The probability that a non-member with a active contacts is recruited today,
    1 − (1 − λ')^a, for a = 0 … the largest degree (float64): each active contact recruits it
    independently with λ'. The engine and the reference compare their draw with the same
    table, so they decide alike to the last bit."""
    probability = contact_probability(rules, attractiveness)
    active_contacts = np.arange(network.max_contacts + 1, dtype=np.float64)
    if probability >= 1.0:
        return np.minimum(active_contacts, 1.0)
    return -np.expm1(active_contacts * np.log1p(-probability))


def build_network(rules) -> ContactNetwork | None:
    """The contact graph of ``rules`` (``population.network`` over ``market_size_members``
    nodes, mean degree ``contacts_per_member``), or None under Bass recruitment.
    Deterministic from ``rules.seed``; memory about 12 bytes × market × k while built."""
    if rules.recruitment != "network":
        return None
    nodes, k = rules.market_size_members, rules.contacts_per_member
    key = np.uint64(rng.day_key(rules.seed, rng.STREAM_NETWORK, 0))
    if rules.network == "erdos_renyi":
        first, second = _gnp_edges(nodes, k / (nodes - 1), key)
    elif rules.network == "barabasi_albert":
        first, second = _preferential_edges(nodes, k // 2, key)
    else:
        first, second = _small_world_edges(nodes, k // 2, rules.network_rewiring_probability, key)
    return csr_from_edges(nodes, first, second)


def initial_member_of_node(network: ContactNetwork | None, initial_members: int) -> np.ndarray | None:
    """Member index of each potential member (int32, market; ``NOT_A_MEMBER`` until it
    joins): the initial members are nodes 0 … initial − 1. None without a network."""
    if network is None:
        return None
    member_of_node = np.full(network.nodes, NOT_A_MEMBER, dtype=np.int32)
    member_of_node[:initial_members] = np.arange(initial_members, dtype=np.int32)
    return member_of_node


def csr_from_edges(nodes: int, first: np.ndarray, second: np.ndarray) -> ContactNetwork:
    """The undirected graph of the edges (first[i], second[i]) (int32 arrays of node ids in
    [0, nodes)) in CSR form, each edge listed from both ends, each node's contacts in
    increasing order; self-loops dropped and repeated edges merged."""
    offsets, contacts = _csr(nodes, first, second)
    return ContactNetwork(offsets, contacts, int(np.diff(offsets).max(initial=0)))


@njit(cache=True)
def _csr(nodes, first, second):
    """``csr_from_edges`` by counting sort on the first end, then each row sorted and its
    repeats dropped in place: O(n + m), where a global sort of the 2m keys is 20 times slower."""
    offsets = np.zeros(nodes + 1, dtype=np.int64)
    for i in range(first.shape[0]):
        if first[i] != second[i]:
            offsets[first[i] + 1] += 1
            offsets[second[i] + 1] += 1
    for v in range(nodes):
        offsets[v + 1] += offsets[v]
    contacts = np.empty(offsets[nodes], dtype=np.int32)
    filled = offsets[:nodes].copy()
    for i in range(first.shape[0]):
        a, b = first[i], second[i]
        if a != b:
            contacts[filled[a]] = b
            filled[a] += 1
            contacts[filled[b]] = a
            filled[b] += 1
    kept = 0
    for v in range(nodes):
        row = np.sort(contacts[offsets[v]:offsets[v + 1]])
        offsets[v] = kept
        for slot in range(row.shape[0]):
            if slot == 0 or row[slot] != row[slot - 1]:
                contacts[kept] = row[slot]
                kept += 1
    offsets[nodes] = kept
    return offsets, contacts[:kept].copy()


@njit(cache=True)
def _grown(array, size):
    """``array`` copied into one twice as long (its first ``size`` entries kept)."""
    bigger = np.empty(2 * array.shape[0], dtype=array.dtype)
    bigger[:size] = array[:size]
    return bigger


@njit(cache=True)
def _gnp_edges(nodes, probability, key):
    """G(n, p) by geometric skipping (Batagelj & Brandes 2005, "Efficient generation of large
    random networks", Phys. Rev. E 71, 036113, algorithm G(n, p)): the gap to the next edge
    among the pairs (v, w), w < v, in row order is geometric; draw i is the i-th gap."""
    expected = probability * nodes * (nodes - 1) / 2
    capacity = int(expected + 8 * math.sqrt(expected) + 64)
    first = np.empty(capacity, dtype=np.int32)
    second = np.empty(capacity, dtype=np.int32)
    log_stay = math.log1p(-probability) if probability < 1.0 else -math.inf
    v, w, count, draw = 1, -1, 0, 0
    while v < nodes:
        w += 1 + int(math.log1p(-uniform(key, draw)) / log_stay)
        draw += 1
        while w >= v and v < nodes:
            w -= v
            v += 1
        if v < nodes:
            if count == first.shape[0]:
                first, second = _grown(first, count), _grown(second, count)
            first[count], second[count] = v, w
            count += 1
    return first[:count], second[:count]


@njit(cache=True)
def _preferential_edges(nodes, per_node, key):
    """Barabási–Albert preferential attachment as networkx plays it: a star of per_node + 1
    nodes (node 0 the centre); then each node v > per_node links to per_node distinct earlier
    nodes, each drawn uniformly from the list of every edge end so far (so in proportion to
    degree), drawing again on a repeat."""
    edges = per_node + (nodes - per_node - 1) * per_node
    first = np.empty(edges, dtype=np.int32)
    second = np.empty(edges, dtype=np.int32)
    ends = np.empty(2 * edges, dtype=np.int32)
    count = 0
    for leaf in range(1, per_node + 1):
        first[count], second[count] = 0, leaf
        ends[2 * count], ends[2 * count + 1] = 0, leaf
        count += 1
    targets = np.empty(per_node, dtype=np.int32)
    draw = 0
    for v in range(per_node + 1, nodes):
        ends_so_far = 2 * count
        chosen = 0
        while chosen < per_node:
            pick = ends[int(uniform(key, draw) * ends_so_far)]
            draw += 1
            repeat = False
            for earlier in range(chosen):
                repeat = repeat or targets[earlier] == pick
            if not repeat:
                targets[chosen] = pick
                chosen += 1
        for target in targets:
            first[count], second[count] = v, target
            ends[2 * count], ends[2 * count + 1] = v, target
            count += 1
    return first, second


@njit(cache=True)
def _small_world_edges(nodes, half_degree, rewiring, key):
    """Watts–Strogatz (1998): the ring lattice's edge (u, u + j mod n), j = 1 … half_degree,
    is rewired to (u, w) with probability β; w is uniform among the n − 1 other nodes. Edge
    number i = (j − 1)·n + u draws 2i (rewire?) and 2i + 1 (where to)."""
    first = np.empty(nodes * half_degree, dtype=np.int32)
    second = np.empty(nodes * half_degree, dtype=np.int32)
    for j in range(1, half_degree + 1):
        for u in range(nodes):
            edge = (j - 1) * nodes + u
            first[edge] = u
            if uniform(key, 2 * edge) < rewiring:
                second[edge] = (u + 1 + int(uniform(key, 2 * edge + 1) * (nodes - 1))) % nodes
            else:
                second[edge] = (u + j) % nodes
    return first, second
