"""Plain-Python twins of the LLVM intrinsics of ``sim.kernels.intrinsics`` (``prefetch``
has none: it is a hint and changes nothing)."""

from sim.core.rng import uniform_py

MASK_BITS = 64


def trailing_zeros(word):
    """Zero bits below the lowest set bit of a 64-bit word (64 for 0)."""
    return (word & -word).bit_length() - 1 if word else MASK_BITS


def nonzero_bytes(array, start):
    """Bit k set when ``array[start + k]`` is not zero, for k < 64."""
    return sum(1 << k for k in range(MASK_BITS) if array[start + k] != 0)


def bits53(key, index):
    """The 53 bits behind ``uniform_py(key, index)`` (the draw is bits × 2**-53 exactly)."""
    return int(uniform_py(key, index) * 2**53)


def draws_below(key, start, threshold):
    """Bit k set when ``bits53(key, start + k) < threshold``, for k < 64."""
    return sum(1 << k for k in range(MASK_BITS) if bits53(key, start + k) < threshold)
