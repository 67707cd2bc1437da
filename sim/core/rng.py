"""Counter-based random numbers: a uniform draw is a pure function of
(seed, stream, day, index), so it never depends on thread count, on evaluation order,
or on how many other draws were made.

The generator is the splitmix64 finalizer (Steele, Lea & Flood 2014), chained over the
four coordinates. ``day_key`` hashes (seed, stream, day) once per day in Python; kernels
then call ``uniform(key, index)``, one finalizer round per draw. ``uniform_py`` is the
same arithmetic on Python integers masked to 64 bits, for the plain reference model.
"""

import numpy as np
from numba import njit

MASK64 = (1 << 64) - 1
GOLDEN_GAMMA = 0x9E3779B97F4A7C15
MIX_MULT_1 = 0xBF58476D1CE4E5B9
MIX_MULT_2 = 0x94D049BB133111EB
MIX_SHIFTS = (30, 27, 31)  # the finalizer's xor-shifts, before, between and after its two products
DROPPED_BITS = 11  # a draw keeps the top 53 bits of the 64
TWO_POW_MINUS_53 = 1.0 / (1 << 53)

# One stream per kind of decision, so adding a draw to one phase never shifts another.
STREAM_ARRIVALS = 1
STREAM_PURCHASE = 2
STREAM_BASKET = 3
STREAM_MERCHANT = 4
STREAM_WITHDRAW = 5
STREAM_CHURN = 6
STREAM_GIFT = 7
STREAM_REFERRER_PICK = 8
STREAM_REFERRER_COPY = 9
STREAM_MERCHANT_JOIN = 10
STREAM_MERCHANT_EXIT = 11
STREAM_MERCHANT_EXODUS = 12
STREAM_RECRUIT = 13  # network recruitment: whether a non-member is recruited (by potential member)
STREAM_NETWORK = 14  # building the contact graph (day key of day 0)
STREAM_RECRUITER = 15  # network recruitment: which active contact recruits it (by potential member)
STREAM_RESAMPLE = 16  # resampling posterior particles (circsim forecast), not a simulation stream


def mix64_py(z: int) -> int:
    """splitmix64 finalizer on a Python integer, result in [0, 2**64)."""
    z &= MASK64
    z = ((z ^ (z >> MIX_SHIFTS[0])) * MIX_MULT_1) & MASK64
    z = ((z ^ (z >> MIX_SHIFTS[1])) * MIX_MULT_2) & MASK64
    return z ^ (z >> MIX_SHIFTS[2])


def day_key(seed: int, stream: int, day: int) -> int:
    """The 64-bit key of one (seed, stream, day); pass it to ``uniform``."""
    key = mix64_py(seed + GOLDEN_GAMMA)
    key = mix64_py(key ^ (stream * GOLDEN_GAMMA))
    return mix64_py(key ^ ((day + 1) * GOLDEN_GAMMA))


def uniform_py(key: int, index: int) -> float:
    """Uniform draw in [0, 1) for one index under ``key``, on Python integers."""
    return (mix64_py(key + (index + 1) * GOLDEN_GAMMA) >> DROPPED_BITS) * TWO_POW_MINUS_53


@njit(cache=True, inline="always")
def bits53(key, index):
    """The 53 random bits behind ``uniform(key, index)``, as an int64 in [0, 2**53)."""
    z = np.uint64(key) + (np.uint64(index) + np.uint64(1)) * np.uint64(GOLDEN_GAMMA)
    z = (z ^ (z >> np.uint64(MIX_SHIFTS[0]))) * np.uint64(MIX_MULT_1)
    z = (z ^ (z >> np.uint64(MIX_SHIFTS[1]))) * np.uint64(MIX_MULT_2)
    z = z ^ (z >> np.uint64(MIX_SHIFTS[2]))
    return np.int64(z >> np.uint64(DROPPED_BITS))


@njit(cache=True, inline="always")
def uniform(key, index):
    """Uniform draw in [0, 1) for one index under ``key`` (numba; same bits as ``uniform_py``)."""
    return float(bits53(key, index)) * TWO_POW_MINUS_53  # int64 -> double is one instruction


@njit(cache=True)
def threshold53(probability):
    """The integer t with ``uniform(key, i) < probability`` exactly when ``bits53(key, i) < t``:
    uniform is bits × 2**-53 exactly, so the test is bits < probability × 2**53 (an exact
    product), that is bits < ceil(probability × 2**53)."""
    return np.int64(np.ceil(min(max(probability, 0.0), 1.0) * 2.0**53))


@njit(cache=True)
def uniform_array(key, first, count):
    """Draws ``uniform(key, i)`` for i in [first, first + count) as a float64 array."""
    out = np.empty(count)
    for offset in range(count):
        out[offset] = uniform(key, first + offset)
    return out


def replicate_seed(base_seed: int, replicate: int) -> int:
    """Seed of replicate ``replicate`` of a run seeded ``base_seed``: replicate 0 is the
    base seed itself, the others are hashed from it, so replicated studies are reproducible
    and replicate k has the same seed at every point of a sweep (common random numbers)."""
    if replicate == 0:
        return base_seed
    return mix64_py(base_seed ^ mix64_py(replicate * GOLDEN_GAMMA)) >> 1  # fits a signed int64
