"""``sim.kernels.arrivals`` (network recruitment) against its plain-Python twin
(twin_arrivals.py) on random small graphs and member tables: recruiters, counts and every
written array agree exactly, on 1 and 2 threads."""

import numba
import numpy as np
import pytest

from sim.behaviour.network import NOT_A_MEMBER, csr_from_edges
from sim.core.units import STATUS_ACTIVE, STATUS_CHURNED
from sim.kernels.arrivals import find_recruits_kernel, join_recruits_kernel
from tests.unit.kernels import twin_arrivals as twin


@pytest.mark.parametrize("nodes", [1, 2, 63, 64, 65, 700])
@pytest.mark.parametrize("threads", [1, 2])
def test_recruitment_kernels_match_twin(nodes, threads):
    gen = np.random.default_rng(nodes)
    edges = 4 * nodes
    network = csr_from_edges(nodes, gen.integers(0, nodes, edges).astype(np.int32),
                             gen.integers(0, nodes, edges).astype(np.int32))
    joined = gen.random(nodes) < 0.3
    members = int(joined.sum())
    member_of_node = np.full(nodes, NOT_A_MEMBER, dtype=np.int32)
    member_of_node[joined] = gen.permutation(members).astype(np.int32)
    capacity = members + nodes
    status = np.where(gen.random(capacity) < 0.8, STATUS_ACTIVE, STATUS_CHURNED).astype(np.int8)
    share = 1.0 - 0.7 ** np.arange(network.max_contacts + 1)
    whether, who = np.uint64(2**63 + 99), np.uint64(12345)
    expected, expected_count = twin.find_recruits(network.offsets.tolist(), network.contacts.tolist(),
                                                  member_of_node.tolist(), status.tolist(), share.tolist(),
                                                  int(whether), int(who))
    numba.set_num_threads(threads)
    recruiter_of_node = np.empty(nodes, dtype=np.int32)
    count = find_recruits_kernel(network.offsets, network.contacts, member_of_node, status, share, whether, who,
                                 recruiter_of_node)
    assert recruiter_of_node.tolist() == expected and count == expected_count
    arrays = {"member_of_node": member_of_node, "referrer": np.full(capacity, -1, dtype=np.int32),
              "direct_referrals": gen.integers(0, 3, capacity).astype(np.int32),
              "level_recheck": np.zeros(capacity, dtype=np.int8)}
    lists = {name: array.tolist() for name, array in arrays.items()}
    join_recruits_kernel(recruiter_of_node, members, *arrays.values())
    twin.join_recruits(expected, members, *lists.values())
    assert {name: array.tolist() for name, array in arrays.items()} == lists
