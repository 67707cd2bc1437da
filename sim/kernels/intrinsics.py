"""LLVM operations numba does not expose. ``prefetch(array, index)`` asks the CPU to
bring ``array[index]`` into cache ahead of a write, so that a loop over scattered members
can overlap their memory latencies (``llvm.prefetch``; a hint, it changes no result).
``trailing_zeros(word)`` counts the zero bits below the lowest set bit of a uint64
(``llvm.cttz``, one instruction), to walk the set bits of a mask. ``nonzero_bytes(array,
start)`` makes that mask from 64 one-byte fields at once (a vector compare and a
bitcast, which x86 does with a few byte-mask instructions), and ``draws_below(key, start,
threshold)`` from the draws of 64 consecutive indices (``rng.bits53`` written on vectors
of 64 lanes, which LLVM spreads over the CPU's vector registers)."""

from llvmlite import ir
from numba.core import cgutils, types
from numba.extending import intrinsic

from sim.core.rng import DROPPED_BITS, GOLDEN_GAMMA, MIX_MULT_1, MIX_MULT_2, MIX_SHIFTS

PREFETCH_AHEAD = 32
"""Loops over listed members ask for the rows of the member this many places ahead."""

PREFETCH_WRITE = 1
PREFETCH_KEEP_IN_ALL_CACHES = 3
PREFETCH_DATA = 1


@intrinsic
def prefetch(typingctx, array, index):
    """Hint that ``array[index]`` will be written soon (no effect on results)."""
    signature = types.void(array, index)

    def codegen(context, builder, sig, args):
        array_type, _ = sig.args
        array_struct = context.make_array(array_type)(context, builder, args[0])
        pointer = cgutils.get_item_pointer(context, builder, array_type, array_struct, [args[1]])
        byte_pointer = ir.IntType(8).as_pointer()
        int32 = ir.IntType(32)
        function_type = ir.FunctionType(ir.VoidType(), [byte_pointer, int32, int32, int32])
        function = cgutils.get_or_insert_function(builder.module, function_type, "llvm.prefetch.p0")
        builder.call(function, [builder.bitcast(pointer, byte_pointer), ir.Constant(int32, PREFETCH_WRITE),
                                ir.Constant(int32, PREFETCH_KEEP_IN_ALL_CACHES), ir.Constant(int32, PREFETCH_DATA)])
        return context.get_dummy_value()

    return signature, codegen


@intrinsic
def trailing_zeros(typingctx, word):
    """Number of zero bits below the lowest set bit of the uint64 ``word`` (64 for 0)."""
    signature = types.uint64(types.uint64)

    def codegen(context, builder, sig, args):
        int64 = ir.IntType(64)
        function_type = ir.FunctionType(int64, [int64, ir.IntType(1)])
        function = cgutils.get_or_insert_function(builder.module, function_type, "llvm.cttz.i64")
        return builder.call(function, [args[0], ir.Constant(ir.IntType(1), 0)])

    return signature, codegen


MASK_BITS = 64
"""The masks made here have one bit per lane of a 64-lane vector."""


@intrinsic
def nonzero_bytes(typingctx, array, start):
    """Bit k of the uint64 result is 1 when the one-byte ``array[start + k]`` is not zero, for
    k < 64; the caller makes sure that ``start + 64 <= len(array)``."""
    signature = types.uint64(array, start)

    def codegen(context, builder, sig, args):
        array_type, _ = sig.args
        array_struct = context.make_array(array_type)(context, builder, args[0])
        pointer = cgutils.get_item_pointer(context, builder, array_type, array_struct, [args[1]])
        vector_type = ir.VectorType(ir.IntType(8), MASK_BITS)
        vector = builder.load(builder.bitcast(pointer, vector_type.as_pointer()), align=1)
        nonzero = builder.icmp_unsigned("!=", vector, ir.Constant(vector_type, None))
        return builder.bitcast(nonzero, ir.IntType(MASK_BITS))

    return signature, codegen


@intrinsic
def draws_below(typingctx, key, start, threshold):
    """Bit k of the uint64 result is 1 when ``rng.bits53(key, start + k) < threshold``, for
    k < 64: the same splitmix64 arithmetic as ``bits53``, on a vector of 64 indices."""
    signature = types.uint64(types.uint64, types.int64, types.int64)

    def codegen(context, builder, sig, args):
        int64 = ir.IntType(64)
        vector_type = ir.VectorType(int64, MASK_BITS)

        def splat(value):
            vector = builder.insert_element(ir.Constant(vector_type, ir.Undefined), value, ir.Constant(ir.IntType(32), 0))
            lanes_zero = ir.Constant(ir.VectorType(ir.IntType(32), MASK_BITS), [0] * MASK_BITS)
            return builder.shuffle_vector(vector, ir.Constant(vector_type, ir.Undefined), lanes_zero)

        def constant(value):
            return ir.Constant(vector_type, [ir.Constant(int64, value)] * MASK_BITS)

        def xor_shift(z, shift):
            return builder.xor(z, builder.lshr(z, constant(shift)))

        key_value, start_value, threshold_value = args
        lanes = ir.Constant(vector_type, [ir.Constant(int64, lane) for lane in range(MASK_BITS)])
        counter = builder.add(splat(builder.add(start_value, ir.Constant(int64, 1))), lanes)  # index + 1
        z = builder.add(splat(key_value), builder.mul(counter, constant(GOLDEN_GAMMA)))
        z = builder.mul(xor_shift(z, MIX_SHIFTS[0]), constant(MIX_MULT_1))
        z = builder.mul(xor_shift(z, MIX_SHIFTS[1]), constant(MIX_MULT_2))
        bits = builder.lshr(xor_shift(z, MIX_SHIFTS[2]), constant(DROPPED_BITS))
        below = builder.icmp_signed("<", bits, splat(threshold_value))  # bits < 2**53: signed is safe
        return builder.bitcast(below, ir.IntType(MASK_BITS))

    return signature, codegen
