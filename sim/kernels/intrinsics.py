"""LLVM operations numba does not expose. ``prefetch(array, index)`` asks the CPU to
bring ``array[index]`` into cache ahead of a write, so that a loop over scattered members
can overlap their memory latencies (``llvm.prefetch``; a hint, it changes no result).
``trailing_zeros(word)`` counts the zero bits below the lowest set bit of a uint64
(``llvm.cttz``, one instruction), to walk the set bits of a mask. ``nonzero_bytes(array,
start)`` makes that mask from 64 one-byte fields at once (a vector compare and a
bitcast, which x86 does with a few byte-mask instructions)."""

from llvmlite import ir
from numba.core import cgutils, types
from numba.extending import intrinsic

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


BYTES_PER_MASK = 64


@intrinsic
def nonzero_bytes(typingctx, array, start):
    """Bit k of the uint64 result is 1 when the one-byte ``array[start + k]`` is not zero, for
    k < 64; the caller makes sure that ``start + 64 <= len(array)``."""
    signature = types.uint64(array, start)

    def codegen(context, builder, sig, args):
        array_type, _ = sig.args
        array_struct = context.make_array(array_type)(context, builder, args[0])
        pointer = cgutils.get_item_pointer(context, builder, array_type, array_struct, [args[1]])
        vector_type = ir.VectorType(ir.IntType(8), BYTES_PER_MASK)
        vector = builder.load(builder.bitcast(pointer, vector_type.as_pointer()), align=1)
        nonzero = builder.icmp_unsigned("!=", vector, ir.Constant(vector_type, None))
        return builder.bitcast(nonzero, ir.IntType(BYTES_PER_MASK))

    return signature, codegen
