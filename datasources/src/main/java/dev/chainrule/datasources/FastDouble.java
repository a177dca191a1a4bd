package dev.chainrule.datasources;

import java.nio.charset.StandardCharsets;

/**
 * Parses a decimal number from bytes without making a String: the value {@link Double#parseDouble} gives,
 * bit for bit. Plain decimals of at most 15 significant digits with a decimal exponent of at most 22 in
 * magnitude take the exact fast path (an integer below 2^53 times or divided by an exactly representable
 * power of ten: one correctly rounded operation); anything else goes to {@link Double#parseDouble}.
 * Only digits, one sign, one point and an exponent are numbers: {@code NaN}, {@code Infinity}, hex floats,
 * Java's {@code d}/{@code f} suffixes, and values that overflow to infinity are not (the result is NaN).
 */
final class FastDouble {
    private static final double[] POW10 = new double[23];

    static {
        double p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p;
            p *= 10;
        }
    }

    private FastDouble() {
    }

    /** The number in {@code b[s..e)}, or NaN when it is not a finite decimal number. */
    static double parse(byte[] b, int s, int e) {
        int i = s;
        boolean neg = false;
        if (i < e && (b[i] == '-' || b[i] == '+')) {
            neg = b[i] == '-';
            i++;
        }
        long m = 0;
        int digits = 0;
        int exp10 = 0;
        boolean any = false;
        while (i < e) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                break;
            }
            any = true;
            if (m != 0 || d != 0) {
                if (++digits > 18) {
                    return slow(b, s, e);
                }
                m = m * 10 + d;
            }
            i++;
        }
        if (i < e && b[i] == '.') {
            i++;
            while (i < e) {
                int d = b[i] - '0';
                if (d < 0 || d > 9) {
                    break;
                }
                any = true;
                if (m != 0 || d != 0) {
                    if (++digits > 18) {
                        return slow(b, s, e);
                    }
                    m = m * 10 + d;
                }
                exp10--;
                i++;
            }
        }
        if (!any) {
            return Double.NaN;
        }
        if (i < e && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            boolean eneg = false;
            if (i < e && (b[i] == '-' || b[i] == '+')) {
                eneg = b[i] == '-';
                i++;
            }
            if (i >= e) {
                return Double.NaN;
            }
            int x = 0;
            while (i < e) {
                int d = b[i] - '0';
                if (d < 0 || d > 9) {
                    return Double.NaN;
                }
                if (x < 100_000) {
                    x = x * 10 + d;
                }
                i++;
            }
            exp10 += eneg ? -x : x;
        }
        if (i != e) {
            return Double.NaN;
        }
        if (m == 0) {
            return neg ? -0.0 : 0.0;
        }
        if (digits > 15 || exp10 < -22 || exp10 > 22) {
            double v = eiselLemire(m, exp10);
            return v != v ? slow(b, s, e) : neg ? -v : v;
        }
        double v = exp10 >= 0 ? m * POW10[exp10] : m / POW10[-exp10];
        return neg ? -v : v;
    }

    private static final int SMALLEST_POWER = -342;
    private static final int LARGEST_POWER = 308;
    /** The 128-bit truncated mantissas of 5^q, q from −342 to 308: high and low halves (as fast_float's table). */
    private static final long[] POW5_HI = new long[LARGEST_POWER - SMALLEST_POWER + 1];
    private static final long[] POW5_LO = new long[POW5_HI.length];

    static {
        java.math.BigInteger two128 = java.math.BigInteger.ONE.shiftLeft(128);
        java.math.BigInteger two127 = java.math.BigInteger.ONE.shiftLeft(127);
        java.math.BigInteger mask = java.math.BigInteger.ONE.shiftLeft(64).subtract(java.math.BigInteger.ONE);
        for (int q = SMALLEST_POWER; q <= LARGEST_POWER; q++) {
            java.math.BigInteger c;
            if (q < 0) {
                java.math.BigInteger p5 = java.math.BigInteger.valueOf(5).pow(-q);
                int z = p5.bitLength(); // the least z with 2^z ≥ 5^-q (5^-q is no power of two)
                int bits = q >= -27 ? z + 127 : 2 * z + 128;
                c = java.math.BigInteger.ONE.shiftLeft(bits).divide(p5).add(java.math.BigInteger.ONE);
                while (c.compareTo(two128) >= 0) {
                    c = c.shiftRight(1);
                }
            } else {
                c = java.math.BigInteger.valueOf(5).pow(q);
                while (c.compareTo(two127) < 0) {
                    c = c.shiftLeft(1);
                }
                while (c.compareTo(two128) >= 0) {
                    c = c.shiftRight(1);
                }
            }
            POW5_HI[q - SMALLEST_POWER] = c.shiftRight(64).longValue();
            POW5_LO[q - SMALLEST_POWER] = c.and(mask).longValue();
        }
    }

    private static long unsignedMultiplyHigh(long a, long b) {
        return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
    }

    private static boolean unsignedLess(long a, long b) {
        return a + Long.MIN_VALUE < b + Long.MIN_VALUE;
    }

    /**
     * {@code w · 10^q} correctly rounded, for a positive {@code w} below 10^19, by the Eisel–Lemire algorithm
     * (Lemire, "Number parsing at a gigabyte per second", 2021); NaN when it cannot decide (then the caller
     * falls back to {@link Double#parseDouble}) or when the result is subnormal, zero or infinite.
     */
    static double eiselLemire(long w, int q) {
        if (q < SMALLEST_POWER || q > LARGEST_POWER || w <= 0) {
            return Double.NaN;
        }
        long exponent = (((152170L + 65536L) * q) >> 16) + 1024 + 63;
        int lz = Long.numberOfLeadingZeros(w);
        long i = w << lz;
        int k = q - SMALLEST_POWER;
        long upper = unsignedMultiplyHigh(i, POW5_HI[k]);
        long lower = i * POW5_HI[k];
        if ((upper & 0x1FF) == 0x1FF && unsignedLess(lower + i, lower)) {
            long secondHigh = unsignedMultiplyHigh(i, POW5_LO[k]);
            long secondLow = i * POW5_LO[k];
            long productMiddle = lower + secondHigh;
            long productHigh = upper;
            if (unsignedLess(productMiddle, lower)) {
                productHigh++;
            }
            if ((productHigh & 0x1FF) == 0x1FF && productMiddle + 1 == 0 && unsignedLess(secondLow + i, secondLow)) {
                return Double.NaN;
            }
            upper = productHigh;
            lower = productMiddle;
        }
        long upperBit = upper >>> 63;
        long mantissa = upper >>> (upperBit + 9);
        lz += (int) (1 ^ upperBit);
        if (lower == 0 && (upper & 0x1FF) == 0 && (mantissa & 3) == 1) {
            return Double.NaN; // exactly between two doubles: let the exact parser decide
        }
        mantissa += mantissa & 1;
        mantissa >>>= 1;
        if (mantissa >= (1L << 53)) {
            mantissa = 1L << 52;
            lz--;
        }
        mantissa &= ~(1L << 52);
        long realExponent = exponent - lz;
        if (realExponent < 1 || realExponent > 2046) {
            return Double.NaN;
        }
        return Double.longBitsToDouble(mantissa | (realExponent << 52));
    }

    /** {@link Double#parseDouble} on text already known to be digits, sign, point and exponent only. */
    private static double slow(byte[] b, int s, int e) {
        for (int i = s; i < e; i++) {
            int c = b[i];
            if (!(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) {
                return Double.NaN;
            }
        }
        try {
            double v = Double.parseDouble(new String(b, s, e - s, StandardCharsets.ISO_8859_1));
            return Double.isFinite(v) ? v : Double.NaN;
        } catch (NumberFormatException x) {
            return Double.NaN;
        }
    }
}
