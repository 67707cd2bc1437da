"""Struct-of-arrays state with room to grow."""

import numpy as np

from sim.core.units import NO_DAY
from sim.engine.state import MEMBER_FIELDS, new_members


def test_members_grow_and_keep_their_data():
    members = new_members(4)
    members.add(3, day=0)
    members.balance_cents[:3] = [5, 6, 7]
    new = members.add(10, day=2)
    assert members.count == 13 and members.capacity >= 13
    assert members.view("balance_cents").tolist() == [5, 6, 7] + [0] * 10
    assert members.join_day[new].tolist() == [2] * 10
    assert (members.view("queued_since_day") == NO_DAY).all()


def test_state_stays_small_per_member():
    members = new_members(1000)
    assert members.bytes_per_row() == sum(np.dtype(dtype).itemsize for dtype, _ in MEMBER_FIELDS.values())
    assert members.bytes_per_row() <= 100
    assert all(np.dtype(dtype).kind in "iu" for dtype, _ in MEMBER_FIELDS.values())  # money is integer
