"""Plain-Python twins of ``sim.kernels.chunks``."""

from sim.core.rng import uniform_py
from sim.core.units import STATUS_ACTIVE


def nonzero_mask(flags, start, size):
    """Bit k set when ``flags[start + k]`` is not zero, for k < size."""
    return sum(1 << k for k in range(size) if flags[start + k] != 0)


def list_drawn(lo, hi, status, key, probability, amounts=None, min_amount=0):
    """The active members of [lo, hi) drawn below ``probability`` (with at least
    ``min_amount`` when ``amounts`` is given), in order."""
    return [i for i in range(lo, hi) if uniform_py(key, i) < probability and status[i] == STATUS_ACTIVE
            and (amounts is None or amounts[i] >= min_amount)]
