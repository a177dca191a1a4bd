package dev.chainrule.engine.interop;

import java.util.Arrays;

/**
 * One tensor of a weights file: its name as the file spells it, its dtype in safetensors' words ({@code F64},
 * {@code F32}, {@code I64}, …), its shape and, for F64 and F32 (widened exactly), its values row-major; null for any
 * other dtype, which cannot be imported.
 */
public record NamedTensor(String name, String dtype, long[] shape, double[] values) {

    public String shapeText() {
        return Arrays.toString(shape);
    }

    /** Whether the shape is {@code dims} exactly. */
    public boolean hasShape(int[] dims) {
        if (dims.length != shape.length) {
            return false;
        }
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] != shape[i]) {
                return false;
            }
        }
        return true;
    }

    /** The product of the dimensions, or -1 when it overflows a long's safe range. */
    static long count(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0 || (d > 0 && n > (Long.MAX_VALUE / 16) / d)) {
                return -1;
            }
            n *= d;
        }
        return n;
    }
}
